#!/usr/bin/env bash
# Records testdata/html/*/ logs from their programs with the installed Go (a real panic, printed by Go).
set -uo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
for dir in "$repo"/testdata/html/*/; do
  name=$(basename "$dir")
  (cd "$dir" && GO111MODULE=off GOFLAGS= go run main.go > "$dir/$name.log" 2>&1)
  echo "recorded $dir$name.log (exit $?)"
done
