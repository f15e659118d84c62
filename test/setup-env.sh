#!/usr/bin/env bash
# Prepares this machine for the full test suite, idempotently and quickly when already done:
# Debian packages for the integration tests (Docker engine, iptables, debootstrap, Chromium,
# Python 3, gcc/make/pkg-config/libfuse3-dev/fuse3 for lazyfs), a running Docker engine, and
# faultline's container images (cached by recipe).
# Run by `npm test` before vitest; needs root (or the packages already present).
set -euo pipefail
cd "$(dirname "$0")/.."

missing=()
for pair in dockerd:docker.io iptables:iptables debootstrap:debootstrap chromium:chromium python3:python3 nsenter:util-linux ip:iproute2 curl:curl \
    gcc:gcc make:make pkg-config:pkg-config fusermount3:fuse3; do
  command -v "${pair%%:*}" >/dev/null 2>&1 || missing+=("${pair#*:}")
done
# lazyfs (docker/common/lazyfs) is built from source by its test: libfuse3's headers.
pkg-config --exists fuse3 2>/dev/null || missing+=(libfuse3-dev)
if [ ${#missing[@]} -gt 0 ]; then
  echo "test-env: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get -o DPkg::Lock::Timeout=300 update -q
  apt-get -o DPkg::Lock::Timeout=300 install -y -q --no-install-recommends "${missing[@]}" ca-certificates fonts-dejavu-core >/dev/null
fi

bash docker/setup-engine.sh
node bin/faultline.js images build --base-only
# With FAULTLINE_PREBUILD=FILE (set by .ci/run), every system image is built in the background at
# low priority while the tests run: apt downloads overlap the tests instead of adding to them. A
# test file that needs an image still builds it itself if it comes first; a per-image lock
# (src/docker/build-lock.ts) makes the other wait instead of building it twice. FILE gets the pid.
if [ -n "${FAULTLINE_PREBUILD:-}" ]; then
  mkdir -p results
  FAULTLINE_BUILD_CPU_SHARES=128 nohup nice -n 19 node bin/faultline.js images build >results/images-prebuild.log 2>&1 &
  echo $! >"$FAULTLINE_PREBUILD"
  echo "test-env: building the system images in the background (results/images-prebuild.log)"
fi
