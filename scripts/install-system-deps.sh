#!/usr/bin/env bash
# Installs the Debian packages the tests use, when they are missing; with --bench, also those only the
# benchmarks use (PyTorch, the reference `npm run bench` measures training against); with --e2e, also those
# that building code-server and driving it with a browser need (scripts/install-code-server.sh passes it).
# The options combine.
# Idempotent: on a machine that has them all it changes nothing and needs no network.
# Also lavapipe, Mesa's software Vulkan driver, for the WebGPU tests (from bookworm-backports on Debian 12).
set -euo pipefail

packages=(
  python3-jupyter-client   # jupyter_client: a real Jupyter client for the protocol tests
  python3-ipykernel        # a reference kernel for the client tests
  jupyter-nbconvert        # nbconvert --execute runs notebooks on our kernel
  jupyter-console          # a terminal Jupyter frontend
  python3-nbclient         # nbconvert's executor
  dataset-fashion-mnist    # real IDX files for the MNIST templates' data.ts and the template benchmark
  python3-boto3            # boto3: the Python client code "Copy Client Code" gives runs against a local endpoint
  python3-numpy            # numpy.save writes the .npy bodies that invoke sends as application/x-npy
  curl                     # the curl client code runs too
  openssh-server           # a real sshd on 127.0.0.1 for the remote-kernel tests (they start their own; none is enabled)
  libvulkan1               # the Vulkan loader that Dawn (the webgpu package) opens for the WebGPU backend
)
for option in "$@"; do
  case "$option" in
    --bench)
      packages+=(
        python3-torch           # PyTorch for /usr/bin/python3: bench/support/torch_training.py
        libopenblas0-pthread    # an optimised BLAS: without it PyTorch's matrix products use the reference one, ~4x slower
      )
      ;;
    --e2e)
      packages+=(
        g++ make python3        # node-gyp builds code-server's native modules (node-pty, spdlog, kerberos, ...)
        libkrb5-dev             # krb5.h for the kerberos module, which builds from source
        ripgrep                 # stands in for the rg that @vscode/ripgrep would download from GitHub
        chromium                # the browser the end-to-end tests drive with playwright-core
      )
      ;;
    *)
      echo "install-system-deps.sh: unknown option $option (known: --bench, --e2e)" >&2
      exit 2
      ;;
  esac
done

# One dpkg-query for all of them (one per package took half a second).
installed=" $(dpkg-query -W -f='${Package} ${Status}\n' "${packages[@]}" 2>/dev/null |
  awk '$3 == "ok" && $4 == "installed" { printf "%s ", $1 }' || true)"
missing=()
for package in "${packages[@]}"; do
  [[ "$installed" == *" $package "* ]] || missing+=("$package")
done
sudo_cmd=()
[ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
export DEBIAN_FRONTEND=noninteractive
if [ ${#missing[@]} -eq 0 ]; then
  echo "system packages: all present"
else
  echo "system packages: installing ${missing[*]}"
  "${sudo_cmd[@]}" apt-get update -qq
  "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
  if [[ " ${missing[*]} " == *" openssh-server "* ]]; then
    # The tests start their own sshd on 127.0.0.1; the package's service would listen on every address.
    "${sudo_cmd[@]}" systemctl disable --now ssh.service ssh.socket 2>/dev/null || "${sudo_cmd[@]}" service ssh stop 2>/dev/null || true
  fi
fi

# lavapipe, Mesa's software Vulkan driver: the only adapter a machine without a GPU has, which the WebGPU tests run
# tfjs' WebGPU backend on. Dawn refuses Debian 12's own (Mesa 22.3, no dynamic indexing of uniform arrays), so
# Mesa 24 or later comes from bookworm-backports there.
mesa_version="$(dpkg-query -W -f='${Version}' mesa-vulkan-drivers 2>/dev/null || true)"
if dpkg --compare-versions "${mesa_version:-0}" ge 24; then
  echo "lavapipe: Mesa $mesa_version present"
else
  mesa_from=()
  if grep -q '^VERSION_CODENAME=bookworm$' /etc/os-release; then
    echo "deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://deb.debian.org/debian bookworm-backports main" | "${sudo_cmd[@]}" tee /etc/apt/sources.list.d/tfjs-studio-bookworm-backports.list > /dev/null
    mesa_from=(-t bookworm-backports)
  fi
  echo "lavapipe: installing mesa-vulkan-drivers ${mesa_from[*]}"
  "${sudo_cmd[@]}" apt-get update -qq
  "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${mesa_from[@]}" mesa-vulkan-drivers
fi
