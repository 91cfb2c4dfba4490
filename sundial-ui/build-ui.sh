#!/usr/bin/env bash
# Builds the web UI (npm ci + vite build) and copies it to $1, the directory Maven packs into the
# JAR as sundial-ui/. Needs Node 20+ and npm at build time only. Without them the JAR is built
# without the UI (the server's UI port then serves one page saying how to build it). A build whose
# inputs have not changed since the last one is reused.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
out="$1"

skip() {
  echo "[sundial-ui] WARNING: $1; building Sundial WITHOUT the web UI (install Node.js 20+ and npm, then rebuild)" >&2
  rm -rf "$out"
  exit 0
}
command -v node >/dev/null 2>&1 || skip "node not found"
command -v npm >/dev/null 2>&1 || skip "npm not found"
major="$(node -p 'process.versions.node.split(".")[0]')"
[ "$major" -ge 20 ] || skip "Node.js $(node --version) is older than 20"

mkdir -p target
inputs="$( { find src -type f; ls package.json package-lock.json ./*.config.*; } | LC_ALL=C sort \
  | xargs sha256sum | sha256sum | cut -d' ' -f1)"
if [ -f build/index.html ] && [ "$(cat target/ui-inputs.sha 2>/dev/null)" = "$inputs" ]; then
  echo "[sundial-ui] inputs unchanged; reusing the last UI build"
else
  if ! cmp -s package-lock.json node_modules/.package-lock.json 2>/dev/null; then
    echo "[sundial-ui] npm ci"
    npm ci --no-audit --no-fund --loglevel=error
  fi
  echo "[sundial-ui] vite build"
  rm -rf build
  NO_COLOR=1 npx --no-install vite build --logLevel warn
  echo "$inputs" > target/ui-inputs.sha
fi
rm -rf "$out"
mkdir -p "$(dirname "$out")"
cp -r build "$out"
echo "[sundial-ui] web UI packed from $(pwd)/build"
