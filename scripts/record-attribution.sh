#!/usr/bin/env bash
# Record `go test -race` runs of testdata/attribution (goroutines that outlive the test that started them) with
# several Go toolchains into testdata/attribution-logs/<go version>/.
#
#   scripts/record-attribution.sh                      # the default list of versions
#   scripts/record-attribution.sh go1.21.13 go1.27.3   # chosen versions
#
# Per version: plain.log (`go test -race ./...`), v.log (`-v`), json.log (`-json`) and ancestors.log
# (`-v` with GODEBUG=tracebackancestors=10). The module is copied to /tmp/goroscope-attribution first so that the
# printed paths do not depend on where the repository is checked out. Toolchains come from scripts/toolchain.sh.
# Needs cgo (gcc) for -race.
set -uo pipefail
cd "$(dirname "$0")/.."
root=$PWD
versions=("$@")
if [[ ${#versions[@]} -eq 0 ]]; then
  versions=(go1.21.13 go1.23.12 go1.25.14 "$(GOTOOLCHAIN=local go env GOVERSION)" go1.27.3)
fi
work=/tmp/goroscope-attribution
rm -rf "$work"
cp -r testdata/attribution "$work"

for version in "${versions[@]}"; do
  goroot=$(scripts/toolchain.sh "$version") || { echo "skip $version: no toolchain" >&2; continue; }
  out=$root/testdata/attribution-logs/$version
  mkdir -p "$out"
  gotest() {
    (cd "$work" && env GOENV=off GOROOT="$goroot" GOTOOLCHAIN=local GOFLAGS= CGO_ENABLED=1 GO111MODULE=on \
      PATH="$goroot/bin:$PATH" "$@")
  }
  gotest go test -race -count=1 ./... >"$out/plain.log" 2>&1
  echo "$version plain: exit $?"
  gotest go test -race -count=1 -v ./... >"$out/v.log" 2>&1
  echo "$version -v: exit $?"
  gotest go test -race -count=1 -json ./... >"$out/json.log" 2>&1
  echo "$version -json: exit $?"
  gotest env GODEBUG=tracebackancestors=10 go test -race -count=1 -v ./... >"$out/ancestors.log" 2>&1
  echo "$version ancestors -v: exit $?"
done
