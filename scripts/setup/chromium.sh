#!/usr/bin/env bash
# Makes Debian's Chromium available at /usr/bin/chromium for the editor test (test/e2e/editor.test.cts),
# which drives it with playwright-core. No browser is downloaded from anywhere else: this installs
# the distribution's `chromium` package with apt-get, and only when /usr/bin/chromium is missing.
# Exits non-zero (with the reason) when Chromium is missing and cannot be installed here
# (not root, or no apt-get); the test then fails under CI=true and skips locally.
set -euo pipefail

CHROMIUM=/usr/bin/chromium

if [ -x "$CHROMIUM" ]; then
	echo "ok: $CHROMIUM is installed ($("$CHROMIUM" --version 2>/dev/null || echo 'version unknown'))"
	exit 0
fi

if ! command -v apt-get >/dev/null 2>&1; then
	echo "setup/chromium: $CHROMIUM is missing and apt-get is not available here; install Chromium by hand to run the editor test" >&2
	exit 1
fi

if [ "$(id -u)" -ne 0 ]; then
	echo "setup/chromium: $CHROMIUM is missing and this user is not root, so apt-get cannot install it; run 'sudo apt-get install chromium' to run the editor test" >&2
	exit 1
fi

echo "setup/chromium: installing Debian's chromium package"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends chromium fonts-liberation >/dev/null

if [ ! -x "$CHROMIUM" ]; then
	echo "setup/chromium: apt-get finished but $CHROMIUM is still missing" >&2
	exit 1
fi
echo "ok: installed $("$CHROMIUM" --version 2>/dev/null || echo chromium)"
