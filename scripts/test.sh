#!/usr/bin/env bash
# Set up, build, run the unit and notebook tests (every notebook headless at the smoke preset), then execute the
# tour once in a real Jupyter kernel. Ends with one line: "N passed, N failed".
set -uo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
start=$(date +%s)
bash scripts/setup.sh || { echo "setup failed"; echo "0 passed, 1 failed"; exit 1; }
export PATH="$PATH:$HOME/.dotnet/tools"

results="$root/TestResults"
rm -rf "$results"
echo; echo "== dotnet test (unit tests + every notebook at the smoke preset)"
dotnet test tests/Workbench.Tests -c Release --no-build --logger "trx;LogFileName=tests.trx" --results-directory "$results" 2>&1 | tee "$results.log" | grep -E "^\s*(Failed|Passed|Skipped) |Failed!|Passed!|error" || true
summary=$(grep -E "(Passed|Failed)! +- +Failed: +[0-9]+, +Passed: +[0-9]+" "$results.log" | tail -1)
failed=$(sed -E 's/.*Failed: +([0-9]+),.*/\1/' <<<"$summary"); passed=$(sed -E 's/.*Passed: +([0-9]+),.*/\1/' <<<"$summary")
[[ -n "$summary" ]] || { failed=1; passed=0; echo "dotnet test did not report a summary"; }

echo; echo "== jupyter nbconvert --execute notebooks/00-tour.ipynb (real .NET Interactive kernel, smoke preset)"
jupyter_runs="$(mktemp -d)"
if WORKBENCH_PRESET=smoke WORKBENCH_RUNS="$jupyter_runs" timeout 900 jupyter nbconvert --to notebook --execute \
     --ExecutePreprocessor.kernel_name=.net-csharp --ExecutePreprocessor.timeout=600 \
     --output-dir executed/jupyter notebooks/00-tour.ipynb; then
  if grep -q '"image/png"' executed/jupyter/00-tour.ipynb; then passed=$((passed + 1)); echo "jupyter: ok"; else failed=$((failed + 1)); echo "jupyter: no figure output"; fi
else
  failed=$((failed + 1)); echo "jupyter: 00-tour.ipynb failed"
fi
rm -rf "$jupyter_runs"

echo; echo "wall time $(( $(date +%s) - start )) s"
echo "$passed passed, $failed failed"
[[ "$failed" == 0 ]]
