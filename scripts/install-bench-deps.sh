#!/usr/bin/env bash
# Installs the Debian packages that only the benchmarks use (not CI's tests, see install-system-deps.sh):
# PyTorch, the reference `npm run bench -- training` measures tfjs against. Idempotent; needs no network when present.
set -euo pipefail

packages=(
  python3-torch   # PyTorch for /usr/bin/python3: bench/support/torch_training.py
)

missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "benchmark packages: all present"
  exit 0
fi
echo "benchmark packages: installing ${missing[*]}"
sudo_cmd=()
[ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
export DEBIAN_FRONTEND=noninteractive
"${sudo_cmd[@]}" apt-get update -qq
"${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
