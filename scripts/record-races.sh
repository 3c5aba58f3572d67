#!/usr/bin/env bash
# Record race-detector output of testdata/races/* with several Go toolchains into testdata/race-logs/<go version>/.
#
#   scripts/record-races.sh                    # the default list of versions
#   scripts/record-races.sh go1.22.12 go1.26.8 # chosen versions
#   RACE_PROGRAMS="counter" scripts/record-races.sh go1.26.8   # only these programs (no module)
#
# `counter` is run again (up to 10 times) until its log holds a write/write report next to the read/write one:
# which pairs the race detector reports for `c.total++` depends on the schedule.
# Each program gives <name>.log (`go run -race`, stdout+stderr, then an `exit status N` line from go run).
# The module in testdata/races/module gives module.log (`go test -race`), module-v.log (`-v`) and
# module.json (`-json`). Toolchains come from scripts/toolchain.sh. Needs cgo (gcc) for -race.
set -uo pipefail
cd "$(dirname "$0")/.."
root=$PWD
versions=("$@")
if [[ ${#versions[@]} -eq 0 ]]; then
  versions=(go1.17.13 go1.18.10 go1.19.13 go1.20.14 go1.21.13 go1.22.12 go1.23.12 go1.24.13 go1.25.14 "$(GOTOOLCHAIN=local go env GOVERSION)")
fi

for version in "${versions[@]}"; do
  goroot=$(scripts/toolchain.sh "$version") || { echo "skip $version: no toolchain" >&2; continue; }
  out=$root/testdata/race-logs/$version
  mkdir -p "$out"
  # GOENV=off: a user's `go env -w GOFLAGS=...` may hold flags old releases do not know.
  gorun() { env GOENV=off GOROOT="$goroot" GOTOOLCHAIN=local GOFLAGS= CGO_ENABLED=1 PATH="$goroot/bin:$PATH" "$@"; }
  for dir in testdata/races/*/; do
    name=$(basename "$dir")
    [[ $name == module || $name == fixed ]] && continue
    [[ -n ${RACE_PROGRAMS:-} && " $RACE_PROGRAMS " != *" $name "* ]] && continue
    for try in 1 2 3 4 5 6 7 8 9 10; do
      (cd "$dir" && gorun env GO111MODULE=off go run -race . >"$out/$name.log" 2>&1)
      status=$?
      [[ $name != counter ]] && break
      grep -q '^Write at' "$out/$name.log" && grep -q '^Read at' "$out/$name.log" && break
    done
    echo "$version $name: exit $status (try $try)"
  done
  [[ -n ${RACE_PROGRAMS:-} ]] && continue
  (cd testdata/races/module &&
    gorun env GO111MODULE=on go test -race -count=1 ./... >"$out/module.log" 2>&1
    echo "$version module: exit $?"
    gorun env GO111MODULE=on go test -race -count=1 -v ./... >"$out/module-v.log" 2>&1
    echo "$version module -v: exit $?"
    gorun env GO111MODULE=on go test -race -count=1 -json ./... >"$out/module.json" 2>&1
    echo "$version module -json: exit $?")
done
