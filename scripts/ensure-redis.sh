#!/usr/bin/env bash
# Makes sure a redis-server is on the PATH (or at $REDIS_SERVER) for the cluster tests, the
# cluster bench and `npm run cluster`: Debian's redis-server package. The single process
# (`npm start`) never needs it. Tests start their own server on an ephemeral port without
# persistence; the package's system service is not used (and not started here).
set -euo pipefail
bin="${REDIS_SERVER:-redis-server}"
if command -v "$bin" >/dev/null; then exit 0; fi
echo "redis-server not found: installing Debian's redis-server package" >&2
SUDO=""
if [ "$(id -u)" != 0 ]; then
  if command -v sudo >/dev/null; then SUDO="sudo"; else
    echo "cannot install: run 'apt-get install redis-server' as root, or set REDIS_SERVER" >&2
    exit 1
  fi
fi
export DEBIAN_FRONTEND=noninteractive
# no service start from the package's maintainer scripts where policy-rc.d allows it
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends redis-server >/dev/null
"$bin" --version
