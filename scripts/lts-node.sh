#!/usr/bin/env bash
# Install the Node.js LTS the images run (scripts/node-version.mjs: LTS_NODE) into .run/node-lts, from npm's
# `node` package (it ships the binary), once; print its bin directory. CI runs the backend suites with it.
#   PATH="$(bash scripts/lts-node.sh):$PATH" npx jest ...
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VERSION="$(node --input-type=module -e "import { LTS_NODE } from '$ROOT/scripts/node-version.mjs'; console.log(LTS_NODE)")"
PREFIX="$ROOT/.run/node-lts"
if [ "$("$PREFIX/bin/node" --version 2>/dev/null)" != "v$VERSION" ]; then
  rm -rf "$PREFIX" && mkdir -p "$PREFIX/bin"
  npm install --prefix "$PREFIX" --no-save --no-audit --no-fund --loglevel=error "node@$VERSION" >&2
  ln -sf ../node_modules/node/bin/node "$PREFIX/bin/node"
  # npm and npx of this checkout's npm, run by that node.
  NPM_CLI="$(npm root -g)/npm/bin"
  printf '#!/bin/sh\nexec "%s/bin/node" "%s/npm-cli.js" "$@"\n' "$PREFIX" "$NPM_CLI" > "$PREFIX/bin/npm"
  printf '#!/bin/sh\nexec "%s/bin/node" "%s/npx-cli.js" "$@"\n' "$PREFIX" "$NPM_CLI" > "$PREFIX/bin/npx"
  chmod +x "$PREFIX/bin/npm" "$PREFIX/bin/npx"
fi
"$PREFIX/bin/node" --version >&2
echo "$PREFIX/bin"
