#!/usr/bin/env bash
# Installs the Debian packages the tests use, when they are missing; with --bench, also those only the
# benchmarks use (PyTorch, the reference `npm run bench` measures training against).
# Idempotent: on a machine that has them all it changes nothing and needs no network.
set -euo pipefail

packages=(
  python3-jupyter-client   # jupyter_client: a real Jupyter client for the protocol tests
  python3-ipykernel        # a reference kernel for the client tests
  jupyter-nbconvert        # nbconvert --execute runs notebooks on our kernel
  jupyter-console          # a terminal Jupyter frontend
  python3-nbclient         # nbconvert's executor
  dataset-fashion-mnist    # real IDX files for the MNIST templates' data.ts and the template benchmark
)
if [ "${1:-}" = "--bench" ]; then
  packages+=(
    python3-torch           # PyTorch for /usr/bin/python3: bench/support/torch_training.py
    libopenblas0-pthread    # an optimised BLAS: without it PyTorch's matrix products use the reference one, ~4x slower
  )
fi

missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "system packages: all present"
  exit 0
fi
echo "system packages: installing ${missing[*]}"
sudo_cmd=()
[ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
export DEBIAN_FRONTEND=noninteractive
"${sudo_cmd[@]}" apt-get update -qq
"${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
