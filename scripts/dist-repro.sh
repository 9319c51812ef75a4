#!/usr/bin/env bash
# Checks that a commit builds byte-identical Linux packages twice: two
# clones of HEAD at different paths, the second with an empty Go build
# cache (so every package, cgo included, is compiled again), then compares
# the binaries and the packages. Slow (a cold build: minutes).
#   scripts/dist-repro.sh [TARGETS]     (default: "linux server")
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PATH:/usr/local/go/bin"
targets=${1:-linux server}
tmp=$(mktemp -d /tmp/tremplin-repro.XXXXXX)
trap 'chmod -R u+w "$tmp" 2>/dev/null; rm -rf "$tmp"' EXIT
rev=$(git rev-parse HEAD)
for side in a b; do
  git clone -q --no-hardlinks . "$tmp/$side/src"
  git -C "$tmp/$side/src" checkout -q "$rev"
done
echo "repro: build 1 (warm cache) in $tmp/a"
(cd "$tmp/a/src" && DIST_TARGETS=$targets DIST_DIR=$tmp/a/dist scripts/dist.sh >/dev/null)
echo "repro: build 2 (empty cache) in $tmp/b"
(cd "$tmp/b/src" && GOCACHE=$tmp/b/cache DIST_TARGETS=$targets DIST_DIR=$tmp/b/dist scripts/dist.sh >/dev/null)
status=0
for f in "$tmp"/a/dist/*; do
  name=$(basename "$f")
  if cmp -s "$f" "$tmp/b/dist/$name"; then
    echo "repro: identical  $(sha256sum "$f" | cut -c1-16)  $name"
  else
    echo "repro: DIFFERENT  $name"
    status=1
  fi
done
exit $status
