#!/bin/sh
# Installs what the browser test (tests/browser) needs, when any of it is missing:
# Debian 12's chromium, nodejs and npm, then playwright-core from tests/browser/package-lock.json.
# `make test` runs it; `make run` and the Docker image never need any of this.
set -eu

cd "$(dirname "$0")/.."

# A command that is there is enough: Node.js may come from elsewhere than Debian (it brings its own npm).
missing=""
[ -x /usr/bin/chromium ] || missing="$missing chromium"
command -v node >/dev/null 2>&1 || missing="$missing nodejs"
command -v npm >/dev/null 2>&1 || missing="$missing npm"

# shellcheck disable=SC2086
[ -z "$missing" ] || scripts/install-deps.sh $missing

# playwright-core 1.61 is the newest that runs on Debian 12's Node.js 18.
major=$(node -p 'process.versions.node.split(".")[0]')
if [ "$major" -lt 18 ]; then
    echo "install-browser-deps: Node.js $(node --version) is too old for playwright-core; 18 or later is needed" >&2
    exit 1
fi

# npm ci when node_modules is missing, older than the lock file, or holds another version than it.
dir=tests/browser
installed=$dir/node_modules/.package-lock.json
stale=""
if [ ! -f "$installed" ] || [ "$dir/package-lock.json" -nt "$installed" ]; then
    stale=yes
elif ! node -e '
    const want = require(process.argv[1]).packages["node_modules/playwright-core"].version;
    const have = require(process.argv[2]).version;
    process.exit(want === have ? 0 : 1);' \
    "$PWD/$dir/package-lock.json" "$PWD/$dir/node_modules/playwright-core/package.json" 2>/dev/null; then
    stale=yes
fi
if [ -n "$stale" ]; then
    echo "npm ci in $dir"
    (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error)
fi
