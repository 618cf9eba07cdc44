#!/bin/sh
# Installs the Debian packages the test suite drives, unless they are already there: headless Chromium and its
# driver for the browser test, gettext for the translation check, the DejaVu fonts the PDF tests write with.
set -eu
if [ -x /usr/bin/chromium ] && [ -x /usr/bin/chromedriver ] && command -v msgattrib >/dev/null 2>&1 \
    && [ -f /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ]; then
    exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
    echo "ensure-test-tools: missing packages; run as root, or: apt-get install chromium chromium-driver gettext fonts-dejavu-core" >&2
    exit 1
fi
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver gettext fonts-dejavu-core >/dev/null
