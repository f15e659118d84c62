#!/usr/bin/env bash
# The base image recipe: a minimal Debian bookworm root file system made with debootstrap
# (no container registry needed), prepared for use inside containers, then written as a tar
# stream on stdout for `docker import`. faultline hashes this directory to tag the image, so
# any change here rebuilds it. Usage: build-rootfs.sh WORKDIR [MIRROR] > rootfs.tar
set -euo pipefail

WORK=${1:?usage: build-rootfs.sh WORKDIR [MIRROR]}
MIRROR=${2:-http://deb.debian.org/debian}
ROOT="$WORK/rootfs"
HERE=$(cd "$(dirname "$0")" && pwd)

rm -rf "$ROOT"
mkdir -p "$ROOT"
debootstrap --variant=minbase bookworm "$ROOT" "$MIRROR" >"$WORK/debootstrap.log" 2>&1 \
  || { tail -n 30 "$WORK/debootstrap.log" >&2; exit 1; }

# Sources: the release plus updates and security, like the official image.
install -m 0644 "$HERE/sources.list" "$ROOT/etc/apt/sources.list"
# Daemons installed during image builds must not start inside the build.
install -m 0755 "$HERE/policy-rc.d" "$ROOT/usr/sbin/policy-rc.d"
# Keep images small: no apt caches, no downloaded lists, no man pages or docs.
install -m 0644 "$HERE/apt-docker-clean" "$ROOT/etc/apt/apt.conf.d/docker-clean"
install -m 0644 "$HERE/dpkg-nodoc" "$ROOT/etc/dpkg/dpkg.cfg.d/docker-nodoc"
rm -rf "$ROOT"/var/lib/apt/lists/* "$ROOT"/var/cache/apt/*.bin "$ROOT"/var/cache/apt/archives/*.deb
rm -rf "$ROOT"/usr/share/doc/* "$ROOT"/usr/share/man/* "$ROOT"/usr/share/info/*
# The container runtime provides these; stale copies from the build host would confuse it.
: >"$ROOT/etc/hostname"
rm -f "$ROOT/etc/resolv.conf"

tar --numeric-owner -C "$ROOT" -c .
