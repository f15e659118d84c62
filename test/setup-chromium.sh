#!/usr/bin/env bash
# Installs Debian's Chromium for the report browser tests (test/report-browser.test.ts), if it is
# not there yet. Idempotent; called by .ci/run. The tests never download a browser themselves.
set -euo pipefail
if command -v chromium >/dev/null 2>&1; then
  echo "chromium present: $(chromium --version 2>/dev/null || echo unknown version)"
  exit 0
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update
apt-get install -y --no-install-recommends chromium
chromium --version
