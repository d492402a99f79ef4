#!/usr/bin/env bash
# Runs test suites on Node 22 LTS beside the Node 20 that runs everything else (`npm run test:node22`, .ci/run).
#   scripts/test-node22.sh [run-tests.mjs arguments]        default: --db=both test/unit test/http
# Node 22 comes from the npm registry, kept in npm's npx cache: nothing is installed system-wide and a second run
# downloads nothing. Not through the `node@22` wrapper package itself: its preinstall script adds the real package,
# node-<os>-<arch>@22 (binary and C headers), which npx then prunes on the next run, headers included; that real
# package is asked for directly. better-sqlite3 is the one native addon: its binary is
# built for Node 20's ABI, so the tests run in a copy of the tree whose better-sqlite3 is compiled for Node 22 (with
# the package's headers: no download from nodejs.org) and cached by version and ABI. The project's own
# node_modules is never touched: other runs keep using it with Node 20.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
MAJOR=22
WORK=${AGORA_NODE22_DIR:-${TMPDIR:-/tmp}/agora-node$MAJOR}
CACHE=${XDG_CACHE_HOME:-$HOME/.cache}/agora
ARGS=("$@")
[ ${#ARGS[@]} -eq 0 ] && ARGS=(--db=both test/unit test/http)

case "$(uname -m)" in x86_64) ARCH=x64 ;; aarch64 | arm64) ARCH=arm64 ;; *) ARCH=$(uname -m) ;; esac
PKG="node-$(uname -s | tr '[:upper:]' '[:lower:]')-$ARCH@$MAJOR"
echo "== Node $MAJOR from the npm registry ($PKG, what node@$MAJOR installs)"
# From outside the project, so npm exec resolves the package alone; `node` is then the package's binary.
NODE=$(cd / && npm exec --yes --package="$PKG" -- node -p process.execPath)
[ "$("$NODE" -p 'process.versions.node.split(".")[0]')" = "$MAJOR" ] || { echo "not Node $MAJOR: $NODE" >&2; exit 1; }
# The package is laid out like an install prefix: bin/node and include/node, node-gyp's --nodedir.
NODEDIR=$(dirname "$(dirname "$NODE")")
[ -f "$NODEDIR/include/node/node.h" ] || { echo "no Node $MAJOR headers beside $NODE" >&2; exit 1; }
echo "$("$NODE" --version) at $NODE"

echo "== a copy of the tree for Node $MAJOR: $WORK"
rm -rf "$WORK"
mkdir -p "$WORK"
# Sources, tests and the built widget (dist/web); node_modules as a real copy (not hard links: better-sqlite3's
# binary is replaced below and must not change the original's).
tar -C "$ROOT" --exclude=./node_modules --exclude=./.git --exclude=./data -cf - . | tar -C "$WORK" -xf -
cp -a "$ROOT/node_modules" "$WORK/node_modules"

echo "== better-sqlite3 for Node $MAJOR"
BS="$WORK/node_modules/better-sqlite3"
ABI=$("$NODE" -p process.versions.modules)
BSV=$("$NODE" -p "require('$BS/package.json').version")
BIN="$CACHE/better-sqlite3-$BSV-abi$ABI-$(uname -m)/better_sqlite3.node"
if [ ! -f "$BIN" ]; then
  # npm's own node-gyp, run by Node 22 so it builds for Node 22 (its ABI, its headers).
  GYP="$(dirname "$(dirname "$(readlink -f "$(command -v npm)")")")/node_modules/node-gyp/bin/node-gyp.js"
  [ -f "$GYP" ] || { echo "node-gyp not found beside npm ($GYP)" >&2; exit 1; }
  echo "compiling better-sqlite3 $BSV for ABI $ABI (cached in $(dirname "$BIN") afterwards)"
  (cd "$BS" && rm -rf build && PATH="$(dirname "$NODE"):$PATH" "$NODE" "$GYP" rebuild --release --nodedir="$NODEDIR" --jobs="$(nproc)" >"$WORK/node-gyp.log" 2>&1) || { tail -30 "$WORK/node-gyp.log" >&2; exit 1; }
  mkdir -p "$(dirname "$BIN")"
  cp "$BS/build/Release/better_sqlite3.node" "$BIN.tmp" && mv "$BIN.tmp" "$BIN"
else
  rm -rf "$BS/build"
  mkdir -p "$BS/build/Release"
  cp "$BIN" "$BS/build/Release/better_sqlite3.node"
fi
(cd "$WORK" && "$NODE" -e "const D = require('better-sqlite3'); console.log('better-sqlite3', require('better-sqlite3/package.json').version, 'SQLite', new D(':memory:').prepare('select sqlite_version() v').get().v, 'on Node', process.version)")

echo "== tests on Node $MAJOR: ${ARGS[*]}"
cd "$WORK"
# Node 22 first on PATH too, for anything a test starts by name.
PATH="$(dirname "$NODE"):$PATH" exec "$NODE" scripts/run-tests.mjs "${ARGS[@]}"
