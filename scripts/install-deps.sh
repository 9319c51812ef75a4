#!/usr/bin/env bash
# Installs the Debian/Ubuntu packages Tremplin needs, and nothing else.
#   scripts/install-deps.sh build   packages to build and run the kiosk
#   scripts/install-deps.sh test    those plus every list in scripts/apt/
#   scripts/install-deps.sh bench   those plus Chromium, to compare against
#   scripts/install-deps.sh dist    build's plus the packaging tool chain
#                                   (mingw-w64, NSIS, dpkg-dev, the arm64
#                                   cross compiler and libraries; make dist)
#   scripts/install-deps.sh dist-test  dist's plus Wine and Xvfb (make dist-test)
# Works as root (CI) or as a user with sudo. Skips apt entirely when every
# package is already installed, so repeated runs cost a second.
set -euo pipefail
cd "$(dirname "$0")/.."

check_go() {
  if ! command -v go >/dev/null 2>&1; then
    echo "install-deps: Go is not installed; install Go 1.21 or newer (https://go.dev/dl/)" >&2
    exit 1
  fi
  local minor
  minor=$(GOTOOLCHAIN=local go env GOVERSION | sed -E 's/^go1\.([0-9]+).*/\1/')
  if [ "${minor:-0}" -lt 21 ]; then
    echo "install-deps: $(GOTOOLCHAIN=local go env GOVERSION) is too old; install Go 1.21 or newer, which fetches the right toolchain itself" >&2
    exit 1
  fi
}

mode=${1:-build}
lists=(scripts/apt/build.txt)
case "$mode" in
  test) lists=(scripts/apt/*.txt) ;;
  bench) lists=(scripts/apt/*.txt scripts/apt-bench.txt) ;;
  dist) lists=(scripts/apt/build.txt scripts/apt-dist.txt scripts/apt-dist-arm64.txt) ;;
  dist-test) lists=(scripts/apt/build.txt scripts/apt-dist.txt scripts/apt-dist-arm64.txt scripts/apt-dist-test.txt) ;;
esac

mapfile -t wanted < <(cat "${lists[@]}" | sed 's/#.*//' | tr -s ' \t' '\n' | grep -v '^$' | sort -u)
missing=()
for p in "${wanted[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

# The xAPI statement check runs Learning Locker's validator with Node.js and
# npm. Many machines already have them from NodeSource, whose nodejs
# package conflicts with Debian's npm: install Debian's only when absent.
if { [ "$mode" = test ] || [ "$mode" = bench ]; } && ! command -v npm >/dev/null 2>&1; then
  missing+=(nodejs npm)
fi

export PATH="$PATH:/usr/local/go/bin"
if ! command -v go >/dev/null 2>&1; then
  # Any Go from 1.21 on fetches the toolchain go.mod asks for by itself
  # (GOTOOLCHAIN=auto), through the Go module proxy.
  missing+=(golang-go)
fi

if [ ${#missing[@]} -eq 0 ]; then
  check_go
  exit 0
fi

sudo=""
if [ "$(id -u)" -ne 0 ]; then
  if ! command -v sudo >/dev/null 2>&1; then
    echo "install-deps: these packages are missing and sudo is not available: ${missing[*]}" >&2
    exit 1
  fi
  sudo="sudo"
fi
echo "install-deps: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
# Packages of another architecture (the arm64 kiosk's libraries) need it
# known to dpkg before apt reads the archive's indices.
for p in "${missing[@]}"; do
  case $p in
    *:*)
      arch=${p##*:}
      if ! dpkg --print-foreign-architectures | grep -qx "$arch"; then
        $sudo dpkg --add-architecture "$arch"
      fi
      ;;
  esac
done
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
check_go
