#!/usr/bin/env bash
# Julia for this project on Debian bookworm, from Debian's package registry only.
#
# Debian serves one Julia, 1.5.3, in the bullseye suite. It is linked against
# libunwind8; bookworm's libunwind 1.6.2 makes it segfault on every caught
# `throw`, so bullseye's libunwind8 1.3.2 is unpacked privately and put first
# on LD_LIBRARY_PATH for julia alone, by a wrapper script.
#
#   bash julia/install-debian.sh   # installs /usr/local/bin/julia; does nothing if a julia
#                                  # on PATH already works
#
# Nothing else is taken from bullseye: an apt preferences file pins the suite
# below every bookworm package, so only `julia/bullseye` asked for by name comes
# from it. On another system, use your own Julia (>= 1.5) instead.
set -euo pipefail

PREFIX=${JULIA_WRAPPER_DIR:-/usr/local/bin}
LIBDIR=${JULIA_LIBUNWIND_DIR:-/opt/rosettagrad-julia/libunwind}
WRAPPER="$PREFIX/julia"
SOURCES=/etc/apt/sources.list.d/bullseye.sources
PREFS=/etc/apt/preferences.d/bullseye-low

works() { # $1 exists and a caught throw does not crash it
  [ -x "$1" ] && ("$1" --startup-file=no -e \
    'f() = throw(ArgumentError("x")); try f() catch e; end') >/dev/null 2>&1
}
# Fast when done already: the julia on PATH (the wrapper, or a contributor's own) works.
if works "$(command -v julia || true)"; then
  exit 0
fi
if [ "$(id -u)" != 0 ]; then
  echo "install-debian.sh: needs root (apt-get)" >&2
  exit 1
fi
if ! grep -qs '^VERSION_CODENAME=bookworm' /etc/os-release; then
  echo "install-debian.sh: written for Debian bookworm; install Julia (>= 1.5) your own way" >&2
  exit 1
fi

export DEBIAN_FRONTEND=noninteractive
# The same mirror as the machine's bookworm entry.
mirror=$(awk '/^URIs:/ && /debian\/?$/ {print $2; exit}' /etc/apt/sources.list.d/debian.sources 2>/dev/null || true)
mirror=${mirror:-http://deb.debian.org/debian}
if [ ! -f "$SOURCES" ]; then
  cat >"$SOURCES" <<SRC
Types: deb
URIs: $mirror
Suites: bullseye
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SRC
fi
if [ ! -f "$PREFS" ]; then
  cat >"$PREFS" <<PREF
# Only packages asked for as NAME/bullseye come from bullseye.
Package: *
Pin: release n=bullseye
Pin-Priority: 1
PREF
fi
apt-get update -qq
if ! dpkg -s julia 2>/dev/null | grep -q '^Version: 1\.5'; then
  apt-get install -y -qq --no-install-recommends julia/bullseye >/dev/null
fi

# bullseye's libunwind8, unpacked privately (not installed).
if [ ! -e "$LIBDIR/usr/lib/x86_64-linux-gnu/libunwind.so.8" ]; then
  tmp=$(mktemp -d)
  chmod 755 "$tmp"  # apt-get download runs as _apt
  (cd "$tmp" && apt-get download -qq libunwind8/bullseye >/dev/null)
  mkdir -p "$LIBDIR"
  dpkg -x "$tmp"/libunwind8_*.deb "$LIBDIR"
  rm -rf "$tmp"
fi

mkdir -p "$PREFIX"
cat >"$WRAPPER" <<WRAP
#!/bin/sh
# Debian's julia 1.5.3 with bullseye's libunwind (julia/install-debian.sh).
LD_LIBRARY_PATH="$LIBDIR/usr/lib/x86_64-linux-gnu\${LD_LIBRARY_PATH:+:\$LD_LIBRARY_PATH}" exec /usr/bin/julia "\$@"
WRAP
chmod +x "$WRAPPER"

if ! works "$WRAPPER"; then
  echo "install-debian.sh: julia installed but a caught throw still fails:" >&2
  "$WRAPPER" --startup-file=no -e 'f() = throw(ArgumentError("x")); try f() catch e; println(e) end' >&2 || true
  exit 1
fi
# The wrapper must be the julia that PATH finds, not Debian's /usr/bin/julia.
if [ "$(command -v julia)" != "$WRAPPER" ]; then
  echo "install-debian.sh: PATH finds $(command -v julia), not $WRAPPER: put $PREFIX first" >&2
  exit 1
fi
