#!/usr/bin/env bash
# Makes sure Debian's Chromium is at $CHROMIUM_PATH (default /usr/bin/chromium) for the browser
# tests and the browser benchmark. Playwright's own browser download is never used (this
# machine reaches only the npm registry and Debian's packages).
set -euo pipefail
bin="${CHROMIUM_PATH:-/usr/bin/chromium}"
if [ -x "$bin" ]; then exit 0; fi
echo "Chromium not found at $bin: installing Debian's chromium package" >&2
SUDO=""
if [ "$(id -u)" != 0 ]; then
  if command -v sudo >/dev/null; then SUDO="sudo"; else
    echo "cannot install: run 'apt-get install chromium' as root, or set CHROMIUM_PATH" >&2
    exit 1
  fi
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq chromium fonts-dejavu-core >/dev/null
"$bin" --version
