#!/usr/bin/env bash
# make dist-test: installs what `make dist` put in dist/ on this machine, as
# a user would, and checks it works. Needs root (dpkg -i) and the tools of
# scripts/install-deps.sh dist-test (Wine, Xvfb). Screenshots go to
# dist/shots/ (look at them).
#   kiosk .deb     dpkg -i, tremplin --version, the window under Xvfb
#   .tar.xz        unpacked, tremplin --version
#   server .deb    dpkg -i, systemd-analyze verify, serves /healthz, admin
#   Windows        setup.exe /S under Wine, tremplin.exe --version, window
#   arm64 kiosk    the .deb's binary and its libraries: tremplin --version
#                  under qemu-user (no arm64 window: no arm64 GL here)
# DIST_TARGETS="linux server windows linux-arm64" checks only some of them;
# DIST_WINEPREFIX=DIR reuses a Wine prefix (wineboot takes minutes).
set -euo pipefail
cd "$(dirname "$0")/.."
export LC_ALL=C.UTF-8 LANG=C.UTF-8
OUT=${DIST_DIR:-dist}
TARGETS=${DIST_TARGETS:-linux server windows linux-arm64}
VERSION=${VERSION:-$(scripts/version.sh)}
SHOTS=$OUT/shots
mkdir -p "$SHOTS"
TMP=$(mktemp -d)
chmod 0755 "$TMP"   # the server test runs as the service's account
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  rm -rf "$TMP"
}
trap cleanup EXIT
fail() { echo "dist-test: FAIL: $*" >&2; exit 1; }
ok() { echo "dist-test: ok: $*"; }

if [ "$(id -u)" -ne 0 ]; then
  fail "run as root (it installs the packages with dpkg -i)"
fi

# install DEB: dpkg -i, waiting while another apt or dpkg holds the lock.
install() {
  local i
  for i in $(seq 20); do
    if dpkg -i "$1" >"$TMP/dpkg.log" 2>&1; then return; fi
    grep -q "lock" "$TMP/dpkg.log" || { cat "$TMP/dpkg.log"; fail "dpkg -i $1"; }
    sleep 15
  done
  fail "dpkg stayed locked"
}

# xstart W H: an Xvfb display on a random high number (see internal/xvfb).
xstart() {
  local n
  for _ in 1 2 3 4 5; do
    n=$((200 + RANDOM % 800))
    Xvfb ":$n" -screen 0 "${1}x${2}x24" -nolisten tcp >"$TMP/xvfb-$n.log" 2>&1 &
    pids+=($!)
    for _ in $(seq 50); do
      if DISPLAY=":$n" xdpyinfo >/dev/null 2>&1; then echo ":$n"; return; fi
      sleep 0.2
    done
  done
  fail "no Xvfb display"
}

# waitwin DISPLAY TITLE SECONDS: the id of a visible window with that title.
waitwin() {
  local id
  for _ in $(seq $(($3 * 4))); do
    id=$(DISPLAY=$1 xdotool search --onlyvisible --name "$2" 2>/dev/null | head -1 || true)
    if [ -n "$id" ]; then echo "$id"; return; fi
    sleep 0.25
  done
  return 1
}

# shot DISPLAY NAME: screenshot, and fail when it is (nearly) one colour.
shot() {
  local f=$SHOTS/$2.png colours
  DISPLAY=$1 import -window root "$f"
  colours=$(convert "$f" -format %k info:)
  [ "$colours" -ge 16 ] || fail "$f looks blank ($colours colours)"
  ok "screenshot $f ($colours colours)"
}

linux() {
  local deb=$OUT/tremplin_${VERSION}_amd64.deb tar=$OUT/tremplin-$VERSION-linux-amd64.tar.xz v disp data
  [ -f "$deb" ] || fail "$deb is missing: run make dist"
  install "$deb"
  dpkg -s tremplin | grep -q "^Version: $VERSION$" || fail "dpkg does not list tremplin $VERSION"
  ok "dpkg -i $deb"
  v=$(/usr/bin/tremplin --version)
  [ "$v" = "tremplin $VERSION" ] || fail "tremplin --version said '$v'"
  ok "/usr/bin/tremplin --version: $v"
  for f in /usr/share/applications/fr.tremplin-numerique.kiosk.desktop /usr/share/xsessions/tremplin-kiosk.desktop \
           /usr/share/icons/hicolor/256x256/apps/fr.tremplin-numerique.kiosk.png; do
    [ -f "$f" ] || fail "$f not installed"
  done
  if command -v desktop-file-validate >/dev/null; then
    desktop-file-validate /usr/share/applications/fr.tremplin-numerique.kiosk.desktop /usr/share/xsessions/tremplin-kiosk.desktop
  fi
  disp=$(xstart 1280 800)
  data=$TMP/data
  DISPLAY=$disp LANG=C tremplin --kiosk --sound=false --data-dir "$data" >"$TMP/kiosk.log" 2>&1 &
  pids+=($!)
  waitwin "$disp" Tremplin 60 >/dev/null || { cat "$TMP/kiosk.log"; fail "no kiosk window"; }
  sleep 2
  shot "$disp" deb-kiosk-1280x800
  kill "${pids[-1]}"

  [ -f "$tar" ] || fail "$tar is missing"
  tar -C "$TMP" -xf "$tar"
  v=$("$TMP/tremplin-$VERSION-linux-amd64/usr/local/bin/tremplin" --version)
  [ "$v" = "tremplin $VERSION" ] || fail "portable tremplin --version said '$v'"
  ok "portable $tar: $v"
  cmp -s "$TMP/tremplin-$VERSION-linux-amd64/usr/local/bin/tremplin" /usr/bin/tremplin || fail "the .deb and .tar.xz binaries differ"
  ok "the .deb and the .tar.xz hold the same binary"
}

server() {
  local deb=$OUT/tremplin-server_${VERSION}_amd64.deb port env
  [ -f "$deb" ] || fail "$deb is missing: run make dist"
  install "$deb"
  ok "dpkg -i $deb"
  getent passwd tremplin-server >/dev/null || fail "no tremplin-server account"
  systemd-analyze verify /lib/systemd/system/tremplin-server.service
  ok "systemd-analyze verify tremplin-server.service"
  if systemd-analyze security --offline=yes /lib/systemd/system/tremplin-server.service >"$TMP/security" 2>&1; then :; fi
  if grep -q "Overall exposure" "$TMP/security"; then
    ok "systemd-analyze security: $(grep 'Overall exposure' "$TMP/security" | sed 's/.*Overall exposure level for [^:]*: //')"
  fi
  # No systemd here to start the unit: run its command as its user.
  port=$((20000 + RANDOM % 20000))
  env=$TMP/server.env
  mkdir -p "$TMP/state" && chown tremplin-server: "$TMP/state"
  printf 'TREMPLIN_ADDR=127.0.0.1:%s\nTREMPLIN_DB=sqlite:%s/tremplin-server.db\n' "$port" "$TMP/state" > "$env"
  TREMPLIN_SERVER_ENV=$env tremplin-server-admin site add "Médiathèque de test" >/dev/null
  TREMPLIN_SERVER_ENV=$env tremplin-server-admin enroll-code --site "Médiathèque de test" >/dev/null 2>&1
  ok "tremplin-server-admin: a site and an enrolment code"
  runuser -u tremplin-server -- tremplin-server --addr "127.0.0.1:$port" --db "sqlite:$TMP/state/tremplin-server.db" >"$TMP/server.log" 2>&1 &
  pids+=($!)
  for _ in $(seq 40); do
    if curl -fsS "http://127.0.0.1:$port/healthz" >/dev/null 2>&1; then break; fi
    sleep 0.25
  done
  curl -fsS "http://127.0.0.1:$port/healthz" >/dev/null || { cat "$TMP/server.log"; fail "server does not answer /healthz"; }
  ok "the installed server answers /healthz as user tremplin-server"
  kill "${pids[-1]}"
}

windows() {
  local setup=$OUT/tremplin-setup-$VERSION-windows-amd64.exe disp exe v
  [ -f "$setup" ] || fail "$setup is missing: run make dist"
  export WINEPREFIX=${DIST_WINEPREFIX:-$TMP/wine} WINEDEBUG=-all WINEDLLOVERRIDES="mscoree,mshtml=;winemenubuilder.exe=d"
  disp=$(xstart 1280 800)
  export DISPLAY=$disp
  wineboot -i >/dev/null 2>&1 || true
  wine "$setup" /S /KIOSK
  wineserver -w
  exe="$WINEPREFIX/drive_c/Program Files/Tremplin/tremplin.exe"
  [ -f "$exe" ] || fail "the silent install put no tremplin.exe in Program Files"
  [ -f "$WINEPREFIX/drive_c/Program Files/Tremplin/uninstall.exe" ] || fail "no uninstaller"
  ok "silent install (/S /KIOSK) under Wine"
  grep -q 'Tremplin.*--kiosk' "$WINEPREFIX/user.reg" || fail "/KIOSK did not add the kiosk to the account's Run key"
  ok "/KIOSK: HKCU Run starts tremplin.exe --kiosk"
  find "$WINEPREFIX/drive_c" -iname 'Tremplin*.lnk' | grep -q . || fail "no Start menu shortcut"
  ok "Start menu shortcuts: $(find "$WINEPREFIX/drive_c" -iname 'Tremplin*.lnk' -printf '%f ' )"
  # Wine 8.0 (Debian 12) lacks bcryptprimitives.dll, which Go programs
  # need and Windows 10/11 have: give the prefix a test-only stand-in.
  if ! ls /usr/lib/x86_64-linux-gnu/wine/x86_64-windows/bcryptprimitives.dll >/dev/null 2>&1; then
    x86_64-w64-mingw32-gcc -shared -O2 -o "$WINEPREFIX/drive_c/windows/system32/bcryptprimitives.dll" \
      packaging/windows/wine/bcryptprimitives.c -ladvapi32
    ok "Wine lacks bcryptprimitives.dll: test-only stand-in installed in the prefix"
  fi
  v=$(wine "$exe" --version 2>&1 | tr -d '\r') || true
  [ "$v" = "tremplin $VERSION" ] || fail "tremplin.exe --version said '$v'"
  ok "tremplin.exe --version under Wine: $v"
  wine "$exe" --sound=false >"$TMP/wine-kiosk.log" 2>&1 &
  pids+=($!)
  waitwin "$disp" Tremplin 120 >/dev/null || { tail -20 "$TMP/wine-kiosk.log"; fail "no window from tremplin.exe"; }
  sleep 4
  shot "$disp" wine-kiosk-1280x800
  wineserver -k || true
  wine "$WINEPREFIX/drive_c/Program Files/Tremplin/uninstall.exe" /S
  wineserver -w
  sleep 1
  [ ! -f "$exe" ] || fail "the silent uninstall left tremplin.exe"
  ok "silent uninstall"
}

# linux_arm64: the cross-built kiosk runs, with Debian's arm64 libraries
# (installed by scripts/install-deps.sh dist), under qemu-user.
linux_arm64() {
  local deb root
  deb=$OUT/tremplin_${VERSION}_arm64.deb
  [ -f "$deb" ] || fail "$deb is missing (make dist)"
  [ "$(dpkg-deb -f "$deb" Architecture)" = arm64 ] || fail "$deb is not arm64"
  root=$TMP/arm64
  dpkg-deb -x "$deb" "$root"
  file "$root/usr/bin/tremplin" | grep -q 'ARM aarch64' || fail "the arm64 package holds no arm64 binary"
  [ "$(qemu-aarch64 -L / "$root/usr/bin/tremplin" --version)" = "tremplin $VERSION" ] || fail "arm64 tremplin --version under qemu"
  ok "arm64 kiosk: tremplin --version under qemu-aarch64"
}

for t in $TARGETS; do
  case $t in
    linux-arm64) linux_arm64 ;;
    linux) linux ;;
    server) server ;;
    windows) windows ;;
    *) fail "unknown target $t" ;;
  esac
done
echo "dist-test: every check passed (screenshots in $SHOTS)"
