#!/usr/bin/env bash
# Records the pprof profiles in testdata/profiles/ from the programs in testdata/profiles/programs/.
# Each program marks its known hot spots with `// hot: <type>`; tests check that goroscope ranks them first.
# Usage: scripts/record-profiles.sh [go1.X.Y ...]   (default: the installed Go and go1.21.13)
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
versions=("$@")
[ ${#versions[@]} -gt 0 ] || versions=("$(go env GOVERSION)" go1.21.13)
gopath=/tmp/goroscope-gopath
for version in "${versions[@]}"; do
  goroot=$("$repo/scripts/toolchain.sh" "$version")
  out="$repo/testdata/profiles/$version"
  rm -rf "$out" && mkdir -p "$out"
  for program in contention cpu; do
    src="$gopath/src/example.com/profiles/$program"
    rm -rf "$src" && mkdir -p "$src" && cp "$repo/testdata/profiles/programs/$program/main.go" "$src/"
    (cd "$src" && GOROOT="$goroot" GOPATH="$gopath" GO111MODULE=off GOFLAGS= GOTOOLCHAIN=local \
      "$goroot/bin/go" build -o "$src/prog" . && "$src/prog" "$out")
  done
  # The goroutine dump SIGQUIT prints (exit status 2 is the runtime's, after the dump).
  "$gopath/src/example.com/profiles/contention/prog" "$out" sigquit 2>"$out/goroutine.sigquit.txt" || true
  echo "recorded $out: $(ls "$out" | tr '\n' ' ')"
done
