#!/usr/bin/env bash
# Records Go 1.27's goroutineleak profile (protobuf, debug=1, debug=2) and a labelled goroutine dump into
# testdata/profiles/leak/<version>/ from testdata/profiles/programs/leak, whose leaks are marked `// leak`.
# The program is built as a module with `go 1.27` so that GODEBUG defaults are 1.27's (tracebacklabels=1);
# GOPATH mode would apply Go 1.20's defaults and print no labels.
# Usage: scripts/record-leak-profiles.sh [go1.X.Y ...]   (default: go1.27.3)
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
versions=("$@")
[ ${#versions[@]} -gt 0 ] || versions=(go1.27.3)
for version in "${versions[@]}"; do
  goroot=$("$repo/scripts/toolchain.sh" "$version")
  out="$repo/testdata/profiles/leak/$version"
  mkdir -p "$out"
  src=/tmp/goroscope-leak/example.com/profiles/leak
  rm -rf "$src" && mkdir -p "$src" && cp "$repo/testdata/profiles/programs/leak/main.go" "$src/"
  printf 'module example.com/profiles/leak\n\ngo 1.27\n' > "$src/go.mod"
  (cd "$src" && GOROOT="$goroot" GOFLAGS= GOTOOLCHAIN=local GOENV=off "$goroot/bin/go" build -o "$src/prog" . && "$src/prog" "$out")
  echo "recorded $out: $(ls "$out" | tr '\n' ' ')"
done
