#!/usr/bin/env bash
# Installs everything the test suite needs: Debian packages for the real browser and servers,
# then this package with its test and browser extras. Idempotent; run as root or with sudo.
set -euo pipefail
cd "$(dirname "$0")/.."
SUDO=""
if [[ $(id -u) -ne 0 ]]; then SUDO="sudo"; fi
$SUDO env DEBIAN_FRONTEND=noninteractive apt-get update -qq
$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
  chromium fonts-dejavu-core fonts-liberation apache2 nginx nghttp2-client curl openssl >/dev/null
python -m pip install -q --disable-pip-version-check -e '.[test,browser]'
