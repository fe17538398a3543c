#!/usr/bin/env bash
# Runs the GPU bench (bench/gpu/gpuBench.mjs) on a bare Linux x86-64 GPU machine, from the repository root of a copy
# that carries bench/gpu/.carry/ (made by bench/gpu/prepare.sh): Node, the Vulkan loader and the bundled bench come from
# there; the machine gives its GPU driver only. Exits with the bench's status: non-zero when a gradient check failed.
set -euo pipefail
cd "$(dirname "$0")/../.."

carry=$PWD/bench/gpu/.carry
[ -f "$carry/gpu-bench.tar.gz" ] || { echo "run.sh: $carry/gpu-bench.tar.gz is missing: run bench/gpu/prepare.sh and carry bench/gpu/.carry" >&2; exit 1; }
# Unpacked outside the repository: the carry folder must stay the archive alone, small enough to carry.
work=$(mktemp -d "${TMPDIR:-/tmp}/tfjs-studio-gpu-bench.XXXXXX")
trap 'rm -rf "$work"' EXIT
tar -xzf "$carry/gpu-bench.tar.gz" -C "$work"
export LD_LIBRARY_PATH="$work/lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"

# NVIDIA's Vulkan driver is its GL library, libGLX_nvidia.so.0. A container given the GPU may have that library but
# no manifest pointing the Vulkan loader at it: then this writes one.
manifests=$(grep -lis nvidia /usr/share/vulkan/icd.d/*.json /etc/vulkan/icd.d/*.json 2>/dev/null || true)
if [ -n "$manifests" ]; then
  echo "Vulkan driver manifest: $(echo "$manifests" | tr '\n' ' ')"
else
  ldconfig=$(command -v ldconfig || echo /sbin/ldconfig)
  glx=$("$ldconfig" -p 2>/dev/null | awk '/libGLX_nvidia\.so\.0 / { print $NF; exit }' || true)
  if [ -z "$glx" ] && [ -e /usr/lib/x86_64-linux-gnu/libGLX_nvidia.so.0 ]; then glx=/usr/lib/x86_64-linux-gnu/libGLX_nvidia.so.0; fi
  if [ -n "$glx" ]; then
    icd=$work/nvidia_icd.json
    printf '{ "file_format_version": "1.0.0", "ICD": { "library_path": "%s", "api_version": "1.3.0" } }\n' "$glx" > "$icd"
    export VK_ICD_FILENAMES=$icd VK_DRIVER_FILES=$icd
    echo "Vulkan driver manifest: none for NVIDIA installed; wrote $icd for $glx"
  else
    echo "Vulkan driver manifest: none for NVIDIA, and no libGLX_nvidia.so.0 (the container may lack the driver's graphics libraries)"
  fi
fi
if command -v nvidia-smi >/dev/null; then nvidia-smi -L; fi

"$work/node" "$work/pkg/dist/bench/gpuBench.js"
