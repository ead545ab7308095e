#!/usr/bin/env bash
# Runs the canonical studies and writes their reports: for each config, `actbench run` into results/<name> (the
# committed run store; resuming: finished trials are skipped), `actbench compact` (the form it is committed in) and
# `actbench report` into reports/<name>, where
# <name> is the config file's name without .yaml. The report header quotes the run command, its commit and wall
# time; `actbench report results/<name> --out reports/<name>` regenerates the report byte for byte.
#   scripts/run_studies.sh                      every study: configs/claims/*.yaml, the activation comparison on three
#                                               data sets and its follow-up (configs/comparison*.yaml), the catalogue of
#                                               literature activations (configs/catalogue.yaml), quick,
#                                               tuned_activations, and bf16_quick, comparison_shapes_bf16 and
#                                               comparison_bf16 where the CPU has native bf16; then `actbench rank` of
#                                               the comparison across the data sets into reports/across_datasets, and
#                                               of fp32 against bf16 into reports/shapes_fp32_bf16 and
#                                               reports/fashion_fp32_bf16
#   scripts/run_studies.sh configs/claims/x.yaml ...   only these
#   REPORT_ONLY=1 scripts/run_studies.sh        regenerate the reports from results/, no training
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
[[ -x build/actbench ]] || scripts/setup.sh
configs=("$@")
if ((${#configs[@]} == 0)); then
  configs=(configs/claims/*.yaml configs/comparison.yaml configs/comparison_digits.yaml configs/comparison_shapes.yaml
           configs/comparison_interactions.yaml configs/catalogue.yaml configs/quick.yaml configs/tuned_activations.yaml)
  # bf16 against fp32 needs bf16 instructions; validate says why not where they are missing.
  if build/actbench validate configs/bf16_quick.yaml >/dev/null 2>&1; then configs+=(configs/bf16_quick.yaml configs/comparison_shapes_bf16.yaml configs/comparison_bf16.yaml)
  else echo "== bf16_quick skipped: $(build/actbench validate configs/bf16_quick.yaml 2>&1)" >&2; fi
fi
for config in "${configs[@]}"; do
  name="$(basename "$config" .yaml)"
  if [[ -z "${REPORT_ONLY:-}" ]]; then
    echo "== $name: build/actbench run $config --out results/$name --quiet" >&2
    build/actbench run "$config" --out "results/$name" --quiet
    build/actbench compact "results/$name" >/dev/null
  elif [[ ! -f "results/$name/manifest.json" ]]; then
    echo "== $name: no committed results/$name; skipped" >&2
    continue
  fi
  build/actbench report "results/$name" --out "reports/$name" >/dev/null
  echo "== $name: reports/$name/report.md" >&2
done
# The comparison across data sets, once its three studies are stored.
across=(results/comparison results/comparison_digits results/comparison_shapes)
if [[ -f ${across[0]}/manifest.json && -f ${across[1]}/manifest.json && -f ${across[2]}/manifest.json ]]; then
  build/actbench rank "${across[@]}" --out reports/across_datasets >/dev/null
  echo "== across_datasets: reports/across_datasets/rank.md" >&2
fi
# Each data set's ranking in fp32 against bf16, where both are stored.
for pair in comparison_shapes:shapes_fp32_bf16 comparison:fashion_fp32_bf16; do
  study="${pair%%:*}" out="${pair##*:}"
  if [[ -f results/$study/manifest.json && -f results/${study}_bf16/manifest.json ]]; then
    build/actbench rank "results/$study" "results/${study}_bf16" --out "reports/$out" >/dev/null
    echo "== $out: reports/$out/rank.md" >&2
  fi
done
