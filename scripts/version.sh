#!/usr/bin/env bash
# Prints the version of the checked-out commit, from git alone, so two
# builds of one commit carry the same version:
#   a tag vX.Y.Z on HEAD        -> X.Y.Z
#   otherwise                   -> BASE+gitN.gHASH (BASE from FyneApp.toml,
#                                  N commits since the start of history)
#   uncommitted changes         -> ….dirty
# Valid as a Debian version; scripts/dist.sh also derives Windows' X.Y.Z.N.
set -euo pipefail
cd "$(dirname "$0")/.."
if tag=$(git describe --tags --exact-match --match 'v[0-9]*' 2>/dev/null); then
  v=${tag#v}
else
  base=$(sed -n 's/^[[:space:]]*Version[[:space:]]*=[[:space:]]*"\(.*\)"/\1/p' FyneApp.toml)
  v="${base:-0.0.0}+git$(git rev-list --count HEAD).g$(git rev-parse --short=8 HEAD)"
fi
if [ -n "$(git status --porcelain --untracked-files=no 2>/dev/null)" ]; then
  v="$v.dirty"
fi
echo "$v"
