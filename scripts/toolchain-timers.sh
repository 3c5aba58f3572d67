#!/bin/sh
# Runs testdata/toolchain-timers with go lines 1.22 and 1.23 under several toolchains (fetched through the Go
# module proxy by GOTOOLCHAIN) and prints whether unreferenced time.Tick tickers stay on the heap.
# Usage: scripts/toolchain-timers.sh [toolchain...]   (default: 1.22.12 1.23.12 1.26.8 1.27.3)
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp "$here/testdata/toolchain-timers/main.go" "$work/"
[ $# -gt 0 ] || set -- 1.22.12 1.23.12 1.26.8 1.27.3
for line in 1.22 1.23; do
  printf 'module example.com/timers\n\ngo %s\n' "$line" > "$work/go.mod"
  for toolchain in "$@"; do
    minor=${toolchain#1.}; minor=${minor%%.*}
    [ "$line" = 1.23 ] && [ "$minor" -lt 23 ] && continue
    printf 'go %s, go%s: ' "$line" "$toolchain"
    (cd "$work" && GOTOOLCHAIN="go$toolchain" GOFLAGS= go run . | tr '\n' ' ')
    echo
  done
done
