#!/usr/bin/env bash
# Crash soak (issue #9): N consecutive Lottery Ticket smoke runs with distinct seeds, each its own `workbench` process,
# then M reading-group passes of the main job. Prints one line per run and a closing count; exits 1 on any failure.
# Usage: bash scripts/soak.sh [smoke runs, default 100] [reading-group passes, default 0]
set -uo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
runs=${1:-100}; passes=${2:-0}
work="$(mktemp -d)"
cli="lib/Workbench.Cli/bin/Release/net10.0/Workbench.Cli.dll"
[[ -f "$cli" ]] || dotnet build Workbench.sln -c Release -nologo -v q
ok=0; failed=0
for ((i = 0; i < runs; i++)); do
  seed=$((1000 + 7 * i)); start=$(date +%s)
  if WORKBENCH_RUNS="$work/runs" WORKBENCH_FIGURES="$work/figures" dotnet "$cli" run lottery-ticket --preset smoke --set seed=$seed \
       > "$work/run-$i.log" 2>&1; then ok=$((ok + 1)); s=ok; else failed=$((failed + 1)); s="FAILED (log: $work/run-$i.log)"; fi
  echo "smoke run $((i + 1))/$runs seed $seed: $s in $(( $(date +%s) - start )) s"
done
for ((p = 0; p < passes; p++)); do
  start=$(date +%s)
  if WORKBENCH_RUNS="$work/rg-$p" dotnet "$cli" notebook run notebooks/*.ipynb --out "$work/executed-$p" > "$work/rg-$p.log" 2>&1
  then ok=$((ok + 1)); s=ok; else failed=$((failed + 1)); s="FAILED (log: $work/rg-$p.log)"; fi
  echo "reading-group pass $((p + 1))/$passes (every notebook, empty cache): $s in $(( $(date +%s) - start )) s"
done
echo "$ok passed, $failed failed"
[[ $failed == 0 ]]
