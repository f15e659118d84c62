#!/usr/bin/env bash
# Installs and starts a Docker engine for faultline's container clusters, idempotently:
# installs docker.io, iptables and debootstrap from Debian if missing, starts dockerd in the
# background when its socket does not answer (log: /var/log/dockerd.log), and waits for it.
set -euo pipefail

SOCK=/var/run/docker.sock

need_install=0
for bin in dockerd docker iptables debootstrap; do
  command -v "$bin" >/dev/null 2>&1 || need_install=1
done
if [ "$need_install" = 1 ]; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get -o DPkg::Lock::Timeout=300 update -q
  apt-get -o DPkg::Lock::Timeout=300 install -y -q --no-install-recommends docker.io iptables debootstrap ca-certificates
fi

answers() {
  curl -s --max-time 2 --unix-socket "$SOCK" http://localhost/_ping 2>/dev/null | grep -q OK \
    || docker version >/dev/null 2>&1
}

if ! answers; then
  # Detached, in its own session, with no inherited descriptors but the log: a caller that holds
  # a lock on an open descriptor (flock) must not have it held for the life of the engine.
  setsid nohup dockerd </dev/null >>/var/log/dockerd.log 2>&1 &
  for _ in $(seq 1 300); do
    answers && break
    sleep 0.1
  done
fi

if ! answers; then
  echo "setup-engine: dockerd did not answer on $SOCK; see /var/log/dockerd.log" >&2
  tail -n 30 /var/log/dockerd.log >&2 || true
  exit 1
fi
echo "setup-engine: docker engine ready ($(docker version --format '{{.Server.Version}}' 2>/dev/null || echo unknown))"
