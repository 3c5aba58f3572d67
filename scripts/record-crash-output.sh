#!/usr/bin/env bash
# Record the crash files that debug.SetCrashOutput writes for testdata/crash-output/main.go (a map fault per case),
# with the toolchains that have Swiss-table maps (Go >= 1.24), under the default GOTRACEBACK and `system`, into
# testdata/crash-output/logs/<go version>-<case>-<gotraceback>.txt. The crash file is kept exactly as Go wrote it.
#
#   scripts/record-crash-output.sh                       # the default list of versions
#   scripts/record-crash-output.sh go1.24.13 go1.27.3    # chosen versions
set -uo pipefail
cd "$(dirname "$0")/.."
root=$PWD
versions=("$@")
if [[ ${#versions[@]} -eq 0 ]]; then
  versions=(go1.24.13 go1.25.14 "$(GOTOOLCHAIN=local go env GOVERSION)" go1.27.3)
fi
work=/tmp/goroscope-crash-output
rm -rf "$work"
mkdir -p "$work"
cp testdata/crash-output/main.go "$work/"
printf 'module example.com/crashoutput\n\ngo 1.23\n' >"$work/go.mod"
out=$root/testdata/crash-output/logs
mkdir -p "$out"

for version in "${versions[@]}"; do
  goroot=$(scripts/toolchain.sh "$version") || { echo "skip $version: no toolchain" >&2; continue; }
  (cd "$work" && env GOENV=off GOROOT="$goroot" GOTOOLCHAIN=local GOFLAGS= CGO_ENABLED=0 PATH="$goroot/bin:$PATH" \
    go build -o "$work/crash-$version" .) || { echo "skip $version: build failed" >&2; continue; }
  for case in writes readwrite iterate; do
    for traceback in default system; do
      file=$out/$version-$case-$traceback.txt
      if [[ $traceback == default ]]; then
        (cd "$work" && ulimit -c 0 && timeout 60 env -u GOTRACEBACK "./crash-$version" "$case" "$file" >/dev/null 2>&1)
      else
        (cd "$work" && ulimit -c 0 && timeout 60 env GOTRACEBACK=system "./crash-$version" "$case" "$file" >/dev/null 2>&1)
      fi
      echo "$version $case $traceback: exit $? ($(wc -l <"$file") lines)"
    done
  done
done
