#!/usr/bin/env bash
# Re-records the traceback samples that test/parser-samples-support.ts reads, from the programs in
# testdata/parser-samples/ (prog: one scenario per argument; tt: a test that times out; st: a synctest
# deadlock, Go >= 1.25). Output goes to $OUT/<version>/<scenario>.txt (default testdata/parser-samples/logs).
# Usage: scripts/record-parser-samples.sh [version ...]   (default: 1.9.7 1.16.15 1.17.13 1.21.13 and the installed Go)
set -uo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
OUT=${OUT:-$repo/testdata/parser-samples/logs}
versions=("$@")
[ ${#versions[@]} -gt 0 ] || versions=(1.9.7 1.16.15 1.17.13 1.21.13 "$(go env GOVERSION | sed 's/^go//')")
for v in "${versions[@]}"; do
  goroot=$("$repo/scripts/toolchain.sh" "go$v") || exit 1
  out=$OUT/$v && mkdir -p "$out"
  bin=$out/prog
  (cd "$repo/testdata/parser-samples/prog" && GOROOT=$goroot GOTOOLCHAIN=local GO111MODULE=off GOFLAGS= PATH=$goroot/bin:$PATH go build -o "$bin" main.go) || exit 1
  run() { name=$1; shift; arg=$1; shift; (env "$@" timeout 20 "$bin" "$arg" > "$out/$name.txt" 2>&1; echo "exit status $?" >> "$out/$name.txt"); }
  for s in nested repanic multiline nilderef deadlock overflow deep sigquit fault stackdump labelled goexit mapwrites; do run $s $s; done
  run ancestors ancestors GODEBUG=tracebackancestors=5
  run sigquit_crash sigquit GOTRACEBACK=crash
  run nilderef_system nilderef GOTRACEBACK=system
  run labelled_labels labelled GODEBUG=tracebacklabels=1
  (cd "$repo/testdata/parser-samples/tt" && GOROOT=$goroot GOTOOLCHAIN=local GO111MODULE=off GOFLAGS= PATH=$goroot/bin:$PATH go test -v -timeout 1s x_test.go > "$out/testtimeout.txt" 2>&1)
  echo "recorded $out"
done
