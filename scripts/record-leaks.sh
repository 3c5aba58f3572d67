#!/usr/bin/env bash
# Record `go test --json` runs of testdata/leaks with the TestMain `goroscope test --leaks` generates, with several
# Go toolchains, into testdata/leak-logs/<go version>/json.log (and goroutineleak-experiment.log: Go 1.26 built
# with GOEXPERIMENT=goroutineleakprofile).
#
#   scripts/record-leaks.sh                      # the default list of versions
#   scripts/record-leaks.sh go1.21.13 go1.27.3   # chosen versions
#
# The overlay comes from the built goroscope (dist/src/run/leaks.js, so run `npx tsc -p .` first). The module is
# copied to /tmp/goroscope-leaks-module so the printed paths do not depend on the checkout.
set -uo pipefail
cd "$(dirname "$0")/.."
root=$PWD
versions=("$@")
if [[ ${#versions[@]} -eq 0 ]]; then
  versions=(go1.21.13 go1.23.12 go1.25.14 "$(GOTOOLCHAIN=local go env GOVERSION)" go1.27.3)
fi
work=/tmp/goroscope-leaks-module
rm -rf "$work"
cp -r testdata/leaks "$work"

for version in "${versions[@]}"; do
  goroot=$(scripts/toolchain.sh "$version") || { echo "skip $version: no toolchain" >&2; continue; }
  out=$root/testdata/leak-logs/$version
  mkdir -p "$out"
  gotest() {
    (cd "$work" && env GOENV=off GOROOT="$goroot" GOTOOLCHAIN=local GOFLAGS= CGO_ENABLED=1 GO111MODULE=on \
      GODEBUG=tracebackancestors=10 PATH="$goroot/bin:$PATH" "$@")
  }
  args=$(cd "$work" && PATH="$goroot/bin:$PATH" GOROOT="$goroot" GOTOOLCHAIN=local node --input-type=module -e "
    import { prepareLeakOverlay } from '$root/dist/src/run/leaks.js';
    const setup = await prepareLeakOverlay([], process.cwd(), process.env);
    console.log(setup.args.join(' '));")
  [[ $args == -overlay* ]] || { echo "skip $version: no overlay" >&2; continue; }
  gotest go test -json -count=1 $args ./... >"$out/json.log" 2>&1
  echo "$version: exit $?"
  if [[ $version == go1.26.* ]]; then
    gotest env GOEXPERIMENT=goroutineleakprofile go test -json -count=1 $args ./... \
      >"$out/goroutineleak-experiment.log" 2>&1
    echo "$version GOEXPERIMENT=goroutineleakprofile: exit $?"
  fi
  overlay=${args#-overlay }
  rm -rf "$(dirname "${overlay%% *}")"
done
