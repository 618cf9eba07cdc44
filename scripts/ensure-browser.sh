#!/bin/sh
# Installs Debian's headless Chromium and its driver for the browser tests, unless they are already there.
set -eu
if [ -x /usr/bin/chromium ] && [ -x /usr/bin/chromedriver ]; then
    exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
    echo "ensure-browser: /usr/bin/chromium or /usr/bin/chromedriver is missing; run as root, or: apt-get install chromium chromium-driver" >&2
    exit 1
fi
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null
