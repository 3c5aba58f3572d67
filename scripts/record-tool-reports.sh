#!/usr/bin/env bash
# Records what other Go concurrency tools print, from our own programs in testdata/tools/ (one module that
# requires go.uber.org/goleak and github.com/sasha-s/go-deadlock, fetched from the Go module proxy), into
# testdata/tools/logs/. x/tools/cmd/stress is installed from the module proxy too. Each program marks with
# `// culprit` the line the report should be traced to. Output is written as printed, never edited.
# Usage: scripts/record-tool-reports.sh   (uses the installed go)
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
work=/tmp/goroscope-tools
logs="$repo/testdata/tools/logs"
rm -rf "$work" && mkdir -p "$work" "$logs"
cp -r "$repo/testdata/tools/." "$work/"
rm -rf "$work/logs"
cd "$work"
export GOFLAGS=-mod=mod GOTOOLCHAIN=local
GOBIN="$work/bin" go install golang.org/x/tools/cmd/stress@v0.52.0

# goleak: go test fails with "found unexpected goroutines".
(go test -count=1 ./goleak > "$logs/goleak-verify-none.log" 2>&1) || true
# go-deadlock: lock-order inversion, then a lock held past Opts.DeadlockTimeout; both exit 2.
go build -o bin/deadlock ./deadlock && (./bin/deadlock > "$logs/go-deadlock-lock-order.log" 2>&1) || true
go build -o bin/deadlock_timeout ./deadlock_timeout &&
  (./bin/deadlock_timeout > "$logs/go-deadlock-timeout.log" 2>&1) || true
# go-deadlock with OnPotentialDeadlock set to panic: a Go crash whose stack runs through module frames.
go build -o bin/deadlock_panic ./deadlock_panic &&
  (./bin/deadlock_panic > "$logs/go-deadlock-panic.log" 2>&1) || true
# stress: 30 runs of a program that panics in about one run in three; stress exits 1 when any run failed.
go build -o bin/flaky ./flaky
(bin/stress -count 30 -p 2 -o "$work/go-stress-" bin/flaky > "$logs/stress-flaky.log" 2>&1) || true
echo "recorded: $(ls "$logs" | tr '\n' ' ')"
