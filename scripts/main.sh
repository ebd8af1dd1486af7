#!/usr/bin/env bash
# The main job: set up, then execute every notebook at its default preset (reading-group), writing the executed
# notebooks to executed/ and the figures to figures/<paper>/. Finished runs are cached in runs/, so a second
# invocation only re-renders. Pass --preset smoke for a quick pass.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
bash scripts/setup.sh
dotnet lib/Workbench.Cli/bin/Release/net10.0/Workbench.Cli.dll notebook run notebooks/*.ipynb --out executed "$@"
echo
echo "Executed notebooks: $root/executed/   Figures: $root/figures/"
