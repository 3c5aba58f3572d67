#!/usr/bin/env bash
# Print a GOROOT for the requested Go toolchain, provisioning it on first use.
#
#   scripts/toolchain.sh go1.21.13      -> ~/.cache/goroscope/toolchains/go1.21.13
#
# Toolchains come from the Go module proxy as the golang.org/toolchain module (the same
# artefact GOTOOLCHAIN downloads), which also serves releases older than 1.21 that
# GOTOOLCHAIN cannot select. If the installed `go` already is that version, its GOROOT is
# printed instead. Idempotent: a completed copy is marked with a .goroscope-ok file.
# Run the result with: GOROOT=<dir> GOTOOLCHAIN=local PATH=<dir>/bin:$PATH go ...
set -euo pipefail

if [[ $# -ne 1 || ! $1 =~ ^go1\.[0-9]+(\.[0-9]+)?$ ]]; then
  echo "usage: $0 go1.X.Y   (for example go1.21.13)" >&2
  exit 2
fi
version=$1
cache=${GOROSCOPE_TOOLCHAINS:-$HOME/.cache/goroscope/toolchains}
dest=$cache/$version

if [[ -f $dest/.goroscope-ok ]]; then
  echo "$dest"
  exit 0
fi

if command -v go >/dev/null 2>&1 && [[ $(GOTOOLCHAIN=local go env GOVERSION 2>/dev/null) == "$version" ]]; then
  GOTOOLCHAIN=local go env GOROOT
  exit 0
fi

if ! command -v go >/dev/null 2>&1; then
  echo "toolchain.sh: a 'go' command is needed to download $version from the module proxy" >&2
  exit 1
fi

case $(uname -m) in
  x86_64) arch=amd64 ;;
  aarch64 | arm64) arch=arm64 ;;
  *) echo "toolchain.sh: unsupported machine $(uname -m)" >&2; exit 1 ;;
esac
os=$(uname -s | tr '[:upper:]' '[:lower:]')
module="golang.org/toolchain@v0.0.1-$version.$os-$arch"

mkdir -p "$cache"
work=$(mktemp -d "$cache/.dl-$version.XXXXXX")
trap 'rm -rf "$work"' EXIT
(
  cd "$work"
  printf 'module goroscope.local/toolchain\n\ngo 1.20\n' > go.mod
  GOTOOLCHAIN=local GOFLAGS=-mod=mod go mod download -json "$module" > download.json
)
dir=$(sed -n 's/^[[:space:]]*"Dir": "\(.*\)",\{0,1\}$/\1/p' "$work/download.json")
if [[ -z $dir || ! -d $dir ]]; then
  echo "toolchain.sh: download of $module gave no directory; see $work/download.json" >&2
  trap - EXIT
  exit 1
fi

rm -rf "$dest.partial"
cp -r "$dir" "$dest.partial"
chmod -R u+w "$dest.partial"
chmod +x "$dest.partial"/bin/* "$dest.partial"/pkg/tool/*/*
rm -rf "$dest"
mv "$dest.partial" "$dest"
touch "$dest/.goroscope-ok"
echo "$dest"
