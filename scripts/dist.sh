#!/usr/bin/env bash
# make dist: builds every package of this commit into dist/.
#   tremplin_VERSION_{amd64,arm64}.deb          kiosk for Debian/Ubuntu/Mint (arm64: Raspberry Pi OS 64-bit…)
#   tremplin-VERSION-linux-{amd64,arm64}.tar.xz the same, portable (Fyne layout)
#   tremplin-server_VERSION_{amd64,arm64}.deb   sync server, systemd service
#   tremplin-setup-VERSION-windows-amd64.exe    Windows installer (NSIS)
# Reproducible: -trimpath, no build id, no VCS stamp, the version from git
# (scripts/version.sh) and file dates from the commit (SOURCE_DATE_EPOCH),
# so one commit gives byte-identical binaries and packages.
#   DIST_TARGETS="linux server windows linux-arm64"   build only some of them
# linux-arm64 cross-builds with gcc-aarch64-linux-gnu against Debian's arm64
# GL/X11/ALSA libraries (multiarch; scripts/install-deps.sh dist adds them).
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PATH:/usr/local/go/bin"
export LC_ALL=C TZ=UTC

VERSION=${VERSION:-$(scripts/version.sh)}
export SOURCE_DATE_EPOCH=${SOURCE_DATE_EPOCH:-$(git log -1 --format=%ct)}
OUT=${DIST_DIR:-dist}
TARGETS=${DIST_TARGETS:-linux server windows linux-arm64}
APP_ID=$(sed -n 's/^[[:space:]]*ID[[:space:]]*=[[:space:]]*"\(.*\)"/\1/p' FyneApp.toml)
WORK=$OUT/.work
rm -rf "$WORK"
mkdir -p "$OUT" "$WORK"

gobuild() { # gobuild OUTPUT PACKAGE [extra ldflags]
  go build -trimpath -buildvcs=false \
    -ldflags "-s -w -buildid= -X main.version=$VERSION ${3:-}" -o "$1" "$2"
}

# stamp DIR: every file dated from the commit, so archives are reproducible.
stamp() { find "$1" -exec touch -h -d "@$SOURCE_DATE_EPOCH" {} +; }

# deb ROOT CONTROL_IN ARCH DEPENDS OUTPUT: a .deb from a staged tree.
deb() {
  local root=$1 arch=$3 depends=$4 out=$5 size
  mkdir -p "$root/DEBIAN"
  (cd "$root" && find . -path ./DEBIAN -prune -o -type f -printf '%P\0' | sort -z | xargs -0r md5sum) > "$root/DEBIAN/md5sums"
  size=$(du -sk --exclude=DEBIAN "$root" | cut -f1)
  sed -e "s/@VERSION@/$VERSION/" -e "s/@ARCH@/$arch/" -e "s/@SIZE@/$size/" \
      -e "s/@DEPENDS@/$depends/" "$2" > "$root/DEBIAN/control"
  if [ -z "$depends" ]; then sed -i '/^Depends: *$/d' "$root/DEBIAN/control"; fi
  chmod 0755 "$root/DEBIAN"
  stamp "$root"
  dpkg-deb --root-owner-group -Zxz --build "$root" "$out" >/dev/null
  echo "dist: $out ($(du -h "$out" | cut -f1))"
}

# shlibdeps BINARY: the Debian packages its shared libraries come from,
# with the versions it needs (dpkg-shlibdeps reads the libraries' symbols).
# GLFW also opens the X extensions (Xcursor, XRandR…) at run time, unseen
# by dpkg-shlibdeps: packaging/linux/control.in lists those by hand.
shlibdeps() { # shlibdeps BINARY ARCH
  local d bin
  d=$(mktemp -d)
  bin=$(realpath "$1")
  mkdir -p "$d/debian"
  printf 'Source: tremplin\n\nPackage: tremplin\nArchitecture: any\n' > "$d/debian/control"
  # DEB_HOST_ARCH: the libraries of the binary's architecture (multiarch).
  (cd "$d" && DEB_HOST_ARCH=$2 dpkg-shlibdeps -O "$bin" 2>/dev/null) | sed -n 's/^shlibs:Depends=//p'
  rm -rf "$d"
}

linux_kiosk() { # linux_kiosk ARCH
  local arch=$1 bin=$WORK/linux-$1/tremplin root depends pkg tarroot
  echo "dist: building the Linux kiosk $VERSION for $arch (cgo; the first build takes minutes)"
  if [ "$arch" = arm64 ]; then
    if ! command -v aarch64-linux-gnu-gcc >/dev/null || [ ! -e /usr/lib/aarch64-linux-gnu/libGL.so ]; then
      echo "dist: the arm64 cross tool chain or arm64 libraries are missing: run scripts/install-deps.sh dist" >&2
      exit 1
    fi
    CGO_ENABLED=1 GOOS=linux GOARCH=arm64 CC=aarch64-linux-gnu-gcc \
      PKG_CONFIG_LIBDIR=/usr/lib/aarch64-linux-gnu/pkgconfig:/usr/share/pkgconfig gobuild "$bin" ./cmd/tremplin
  else
    CGO_ENABLED=1 GOOS=linux GOARCH=amd64 gobuild "$bin" ./cmd/tremplin
  fi

  root=$WORK/deb-kiosk-$arch
  install -D -m0755 "$bin" "$root/usr/bin/tremplin"
  install -D -m0644 packaging/linux/tremplin.desktop "$root/usr/share/applications/$APP_ID.desktop"
  install -D -m0644 assets/icon.png "$root/usr/share/icons/hicolor/256x256/apps/$APP_ID.png"
  install -D -m0644 packaging/linux/tremplin-kiosk-session.desktop "$root/usr/share/xsessions/tremplin-kiosk.desktop"
  install -D -m0644 packaging/linux/$APP_ID.metainfo.xml "$root/usr/share/metainfo/$APP_ID.metainfo.xml"
  install -D -m0644 docs/install.md "$root/usr/share/doc/tremplin/install.md"
  cat packaging/copyright packaging/copyright-font > "$WORK/copyright"
  sed 's/^/ /; s/^ $/ ./' assets/fonts/OFL.txt >> "$WORK/copyright"
  install -D -m0644 "$WORK/copyright" "$root/usr/share/doc/tremplin/copyright"
  depends=$(shlibdeps "$bin" "$arch")
  if [ -z "$depends" ]; then
    echo "dist: dpkg-shlibdeps found no library for $bin (is dpkg-dev installed?)" >&2
    exit 1
  fi
  deb "$root" packaging/linux/control.in "$arch" "$depends" "$OUT/tremplin_${VERSION}_$arch.deb"

  # The portable archive follows `fyne package`'s layout: usr/local/… and a
  # Makefile whose `sudo make install` copies it into /usr/local.
  pkg=tremplin-$VERSION-linux-$arch
  tarroot=$WORK/tar-$arch/$pkg
  install -D -m0755 "$bin" "$tarroot/usr/local/bin/tremplin"
  sed 's|^Exec=tremplin|Exec=/usr/local/bin/tremplin|' packaging/linux/tremplin.desktop > "$WORK/tremplin.desktop"
  install -D -m0644 "$WORK/tremplin.desktop" "$tarroot/usr/local/share/applications/$APP_ID.desktop"
  install -D -m0644 assets/icon.png "$tarroot/usr/local/share/icons/hicolor/256x256/apps/$APP_ID.png"
  install -D -m0644 packaging/linux/Makefile.portable "$tarroot/Makefile"
  install -D -m0644 docs/install.md "$tarroot/INSTALL.md"
  install -D -m0644 "$WORK/copyright" "$tarroot/COPYRIGHT"
  stamp "$tarroot"
  tar --sort=name --owner=0 --group=0 --numeric-owner --mtime="@$SOURCE_DATE_EPOCH" \
      --pax-option=exthdr.name=%d/PaxHeaders/%f,delete=atime,delete=ctime \
      -C "$WORK/tar-$arch" -cf - "$pkg" | xz -T1 -6 > "$OUT/$pkg.tar.xz"
  echo "dist: $OUT/$pkg.tar.xz ($(du -h "$OUT/$pkg.tar.xz" | cut -f1))"
}

server() {
  local arch bin root
  for arch in amd64 arm64; do
    echo "dist: building the server $VERSION for $arch"
    bin=$WORK/server-$arch/tremplin-server
    CGO_ENABLED=0 GOOS=linux GOARCH=$arch gobuild "$bin" ./cmd/tremplin-server
    root=$WORK/deb-server-$arch
    install -D -m0755 "$bin" "$root/usr/bin/tremplin-server"
    install -D -m0755 packaging/server/tremplin-server-admin "$root/usr/sbin/tremplin-server-admin"
    install -D -m0644 packaging/server/tremplin-server.service "$root/lib/systemd/system/tremplin-server.service"
    install -D -m0640 packaging/server/server.env "$root/etc/tremplin-server/server.env"
    install -D -m0644 docs/server.md "$root/usr/share/doc/tremplin-server/server.md"
    install -D -m0644 packaging/copyright "$root/usr/share/doc/tremplin-server/copyright"
    mkdir -p "$root/DEBIAN"
    install -m0755 packaging/server/postinst packaging/server/prerm packaging/server/postrm "$root/DEBIAN/"
    echo /etc/tremplin-server/server.env > "$root/DEBIAN/conffiles"
    deb "$root" packaging/server/control.in "$arch" "" "$OUT/tremplin-server_${VERSION}_$arch.deb"
  done
}

windows() {
  local dir=$WORK/windows winver
  # Global: the EXIT trap removes it even when the build fails.
  SYSO=cmd/tremplin/zz_dist_windows_amd64.syso
  if ! command -v x86_64-w64-mingw32-gcc >/dev/null || ! command -v makensis >/dev/null; then
    echo "dist: mingw-w64 or NSIS is missing: run scripts/install-deps.sh dist" >&2
    exit 1
  fi
  echo "dist: building the Windows kiosk $VERSION (cgo with mingw-w64; the first build takes minutes)"
  mkdir -p "$dir"
  # Windows wants four numbers: X.Y.Z and the commit count.
  winver=$(echo "$VERSION" | sed -E 's/^([0-9]+)\.([0-9]+)\.([0-9]+).*/\1.\2.\3/').$(git rev-list --count HEAD)
  convert assets/icon.png -define icon:auto-resize=256,64,48,32,16 "$dir/tremplin.ico"
  sed -e "s/@VERSION@/$VERSION/g" -e "s/@WINVER@/$winver/g" -e "s/@WINVERC@/${winver//./,}/g" \
      packaging/windows/tremplin.rc.in > "$dir/tremplin.rc"
  cp packaging/windows/tremplin.exe.manifest "$dir/"
  trap 'rm -f "$SYSO"' EXIT
  x86_64-w64-mingw32-windres -O coff -i "$dir/tremplin.rc" -o "$SYSO"
  CGO_ENABLED=1 GOOS=windows GOARCH=amd64 CC=x86_64-w64-mingw32-gcc \
    gobuild "$dir/tremplin.exe" ./cmd/tremplin "-H windowsgui"
  rm -f "$SYSO"
  trap - EXIT
  makensis -V2 -NOCD -DVERSION="$VERSION" -DWINVER="$winver" -DSRC="$dir" \
    -DOUTFILE="$OUT/tremplin-setup-$VERSION-windows-amd64.exe" packaging/windows/tremplin.nsi
  echo "dist: $OUT/tremplin-setup-$VERSION-windows-amd64.exe ($(du -h "$OUT/tremplin-setup-$VERSION-windows-amd64.exe" | cut -f1))"
}

for t in $TARGETS; do
  case $t in
    linux) linux_kiosk amd64 ;;
    linux-arm64) linux_kiosk arm64 ;;
    server) server ;;
    windows) windows ;;
    *) echo "dist: unknown target $t (linux, linux-arm64, server, windows)" >&2; exit 2 ;;
  esac
done
rm -rf "$WORK"
echo "dist: version $VERSION"
(cd "$OUT" && ls -l --time-style=+ | sed 1d)
