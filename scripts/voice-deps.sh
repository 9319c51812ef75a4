#!/bin/sh
# voice-deps.sh installs the offline text-to-speech engines that
# `tremplin-content voice` uses, best first:
#   - SVOX Pico fr-FR (pico2wave, package libttspico-utils, Debian non-free),
#   - MBROLA French voices fr1 and fr4 (Debian contrib/non-free), driven by espeak-ng,
#   - espeak-ng (Debian main),
# plus sox and vorbis-tools to trim, normalise and encode the clips.
#
# Tests never need these: the clips are committed. Run as root on Debian 12.
set -eu

if [ "$(id -u)" -ne 0 ]; then
	echo "voice-deps.sh: run as root (sudo $0)" >&2
	exit 1
fi

# Enable the contrib and non-free components, where Pico and MBROLA live.
# Debian 12 uses deb822 sources; older systems use sources.list.
changed=0
if [ -f /etc/apt/sources.list.d/debian.sources ]; then
	if grep -q '^Components:' /etc/apt/sources.list.d/debian.sources &&
		! grep -q '^Components:.*non-free\( \|$\)' /etc/apt/sources.list.d/debian.sources; then
		sed -i -E 's/^Components:.*$/Components: main contrib non-free non-free-firmware/' \
			/etc/apt/sources.list.d/debian.sources
		changed=1
	fi
elif [ -f /etc/apt/sources.list ]; then
	if ! grep -Eq '^deb .* non-free( |$)' /etc/apt/sources.list; then
		sed -i -E 's/^(deb(-src)? [^#]* main)( .*)?$/\1 contrib non-free non-free-firmware/' /etc/apt/sources.list
		changed=1
	fi
fi
[ "$changed" = 1 ] && echo "voice-deps.sh: enabled contrib and non-free"

export DEBIAN_FRONTEND=noninteractive
apt-get update -q
apt-get install -y -q --no-install-recommends \
	espeak-ng sox libsox-fmt-all vorbis-tools
# The better voices are optional: keep going with espeak-ng if a mirror lacks them.
for pkg in libttspico-utils mbrola mbrola-fr1 mbrola-fr4; do
	apt-get install -y -q --no-install-recommends "$pkg" ||
		echo "voice-deps.sh: $pkg not available, skipped" >&2
done

for tool in pico2wave espeak-ng sox oggenc; do
	if command -v "$tool" >/dev/null 2>&1; then
		echo "voice-deps.sh: $tool ok"
	else
		echo "voice-deps.sh: $tool missing"
	fi
done
