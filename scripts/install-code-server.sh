#!/usr/bin/env bash
# Installs code-server (the VS Code server and web workbench) and playwright-core into .cache/code-server/,
# for running the extension in a real VS Code without a desktop one and for the end-to-end tests.
# Everything comes from the npm registry and Debian apt: nothing is downloaded from GitHub or nodejs.org.
# Idempotent: when the pinned versions are installed for this Node, it only checks the Debian packages
# (no network) and prints the install prefix.
#
# Usage: bash scripts/install-code-server.sh     (prints the prefix on its last line)
# TFJS_STUDIO_CODE_SERVER_PREFIX=DIR installs into (or checks) DIR instead, e.g. one shared by several checkouts.
# Start: node <prefix>/node_modules/code-server/out/node/entry.js --auth none --bind-addr 127.0.0.1:0 ...
set -euo pipefail

# 4.100.x is the last code-server line whose engines accept Node 20 (VS Code 1.100.3).
CODE_SERVER_VERSION=4.100.3
PLAYWRIGHT_CORE_VERSION=1.65.1   # drives Debian's /usr/bin/chromium; it downloads no browser

root="$(cd "$(dirname "$0")/.." && pwd)"
prefix="${TFJS_STUDIO_CODE_SERVER_PREFIX:-$root/.cache/code-server}"
marker="$prefix/.installed"
entry="$prefix/node_modules/code-server/out/node/entry.js"

step="starting"
fail() { echo "install-code-server.sh: $*" >&2; exit 1; }
trap 'status=$?; echo "install-code-server.sh: failed while $step (exit $status)" >&2' ERR

# The Debian packages: a dpkg-query per package when they are all present.
step="installing the Debian packages (scripts/install-system-deps.sh --e2e)"
bash "$root/scripts/install-system-deps.sh" --e2e

# Native modules are built for one Node ABI, so the marker names it along with the pins.
stamp="code-server $CODE_SERVER_VERSION, playwright-core $PLAYWRIGHT_CORE_VERSION, node ABI $(node -p process.versions.modules)"
if [ -f "$marker" ] && [ "$(cat "$marker")" = "$stamp" ] && [ -f "$entry" ]; then
  echo "code-server $CODE_SERVER_VERSION: already installed"
  echo "$prefix"
  exit 0
fi

started=$SECONDS
echo "code-server $CODE_SERVER_VERSION: installing into $prefix (about a minute)"
node_major="$(node -p 'process.versions.node.split(".")[0]')"
[ "$node_major" = 20 ] || echo "install-code-server.sh: warning: code-server $CODE_SERVER_VERSION expects Node 20, this is $(node --version)" >&2

# node-gyp builds against the headers of the running Node (/usr/include/node for Debian's nodejs) instead of
# downloading them from nodejs.org.
step="looking for the Node headers"
node_dir="$(dirname "$(dirname "$(readlink -f "$(command -v node)")")")"
[ -f "$node_dir/include/node/node_version.h" ] ||
  fail "no Node headers in $node_dir/include/node (node-gyp would download them from nodejs.org)"
export npm_config_nodedir="$node_dir"
export npm_config_unsafe_perm=true                  # code-server's postinstall refuses to run as root otherwise
export npm_config_yes=true                          # node-pty's postinstall runs `npx node-gyp`
export npm_config_dangerously_allow_all_scripts=true # npm 11: the dependencies' native builds must run
export npm_config_update_notifier=false npm_config_fund=false npm_config_audit=false

rm -f "$marker"
mkdir -p "$prefix"
cd "$prefix"
# A private TMPDIR: @vscode/ripgrep's download cache lives in os.tmpdir(), and the builds leave files there.
export TMPDIR="$prefix/tmp"
rm -rf "$TMPDIR"
mkdir -p "$TMPDIR"

# @vscode/ripgrep's postinstall downloads rg from GitHub unless it finds the release archive in
# $TMPDIR/vscode-ripgrep-cache-<its version>/. Find that version (pinned in VS Code's shrinkwrap) and the
# ripgrep release it fetches (VERSION in its lib/postinstall.js), then put Debian's rg there under that name.
step="reading code-server's tarball for the @vscode/ripgrep version"
code_server_tgz="$TMPDIR/$(npm pack "code-server@$CODE_SERVER_VERSION" --pack-destination "$TMPDIR" --loglevel=error | tail -1)"
ripgrep_package_version="$(tar -xzf "$code_server_tgz" -O package/lib/vscode/npm-shrinkwrap.json |
  node -e 'let s = ""; process.stdin.on("data", d => s += d).on("end", () =>
    console.log(JSON.parse(s).packages["node_modules/@vscode/ripgrep"].version))')"
step="reading @vscode/ripgrep $ripgrep_package_version for the ripgrep release it downloads"
ripgrep_tgz="$TMPDIR/$(npm pack "@vscode/ripgrep@$ripgrep_package_version" --pack-destination "$TMPDIR" --loglevel=error | tail -1)"
ripgrep_tag="$(tar -xzf "$ripgrep_tgz" -O package/lib/postinstall.js | sed -n "s/^const VERSION = '\(.*\)';.*/\1/p")"
[ -n "$ripgrep_tag" ] || fail "no 'const VERSION' in @vscode/ripgrep@$ripgrep_package_version's lib/postinstall.js"

step="seeding @vscode/ripgrep's download cache with Debian's rg"
case "$(uname -m)" in
  x86_64) ripgrep_target=x86_64-unknown-linux-musl ;;
  aarch64) ripgrep_target=aarch64-unknown-linux-musl ;;
  *) fail "no ripgrep target for $(uname -m)" ;;
esac
rg_path="$(readlink -f "$(command -v rg)")" || fail "no rg on PATH (Debian package ripgrep)"
ripgrep_cache="$TMPDIR/vscode-ripgrep-cache-$ripgrep_package_version"
mkdir -p "$ripgrep_cache"
tar -czf "$ripgrep_cache/ripgrep-$ripgrep_tag-$ripgrep_target.tar.gz" -C "$(dirname "$rg_path")" rg

# One npm install of both, so that neither prunes the other. code-server's postinstall runs
# `npm install --omit=dev` in lib/vscode and lib/vscode/extensions, building the native modules with node-gyp.
step="running npm install (log: $prefix/install.log)"
cat > package.json <<EOF
{
  "name": "tfjs-studio-code-server",
  "private": true,
  "description": "Written by scripts/install-code-server.sh",
  "dependencies": {
    "code-server": "$CODE_SERVER_VERSION",
    "playwright-core": "$PLAYWRIGHT_CORE_VERSION"
  }
}
EOF
if ! npm install --foreground-scripts > install.log 2>&1; then
  tail -40 install.log >&2
  fail "npm install failed; the whole log is $prefix/install.log"
fi

step="checking the installation"
# (--version first writes a default config file: keep it out of ~/.config.)
version="$(XDG_CONFIG_HOME="$TMPDIR/config" XDG_DATA_HOME="$TMPDIR/data" node "$entry" --version)"
grep -q "^$CODE_SERVER_VERSION " <<< "$version" ||
  fail "code-server --version printed '$version', expected $CODE_SERVER_VERSION"
(cd node_modules/code-server/lib/vscode && node -e '
  for (const name of ["node-pty", "@vscode/spdlog", "@parcel/watcher", "kerberos", "native-watchdog", "@vscode/deviceid"]) {
    require(require.resolve(name, { paths: [process.cwd()] }));
  }') || fail "a native module of code-server does not load"
node_modules/code-server/lib/vscode/node_modules/@vscode/ripgrep/bin/rg --version > /dev/null ||
  fail "@vscode/ripgrep's rg does not run"
node -e 'require(process.argv[1])' "$prefix/node_modules/playwright-core" || fail "playwright-core does not load"

rm -rf "$TMPDIR"
echo "$stamp" > "$marker"
echo "code-server $CODE_SERVER_VERSION: installed in $((SECONDS - started)) s, $(du -sh "$prefix" | cut -f1)"
echo "$prefix"
