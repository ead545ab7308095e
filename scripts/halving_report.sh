#!/usr/bin/env bash
# Writes reports/halving/README.md: tune's halving schedule replayed (actbench halving) on the tuning stages of the
# three canonical comparisons, for several schedules, then rungs [1, 3] cell by cell. Usage: scripts/halving_report.sh
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${ACTBENCH:-build/actbench}
studies=(comparison comparison_digits comparison_shapes)
out=reports/halving/README.md
mkdir -p reports/halving
# One schedule on one study: "agree | within one SE | full steps | halving steps | saving".
read -r -d '' summarise <<'PY' || true
import json, sys
d = json.load(sys.stdin)
n, agree = len(d["cells"]), d["agree"]
estimated = sum(c["estimated"] for c in d["cells"])
note = f" ({estimated} cells estimated)" if estimated else ""
print(f"{agree}/{n} | {d['within_one_error']}/{n - agree} | {d['full_steps']:.0f} | {d['halving_steps']:.0f}{note} | "
      f"{d['full_steps'] / d['halving_steps']:.2f}×")
PY
summary() {  # study, then the halving options
    local json
    json=$("$bin" halving "results/$1" --rungs "${@:2}" --json)
    python3 -c "$summarise" <<<"$json"
}
{
    cat <<'TEXT'
# Successive halving for tune: replayed on the canonical comparisons

`tune: {…, schedule: halving, rungs: [...], keep: f}` trains every tuned value to the first rung, keeps the best
fraction `keep` (at least two) by mean validation score over the tuning seeds, and so on to the budget (README,
*Tuning and adaptive seeds*). A value that goes on trains on from where it stopped, and the learning-rate
schedule spans the whole budget, so a halving run's rung scores are the full schedule's per-epoch scores: the
schedule can be replayed exactly on a study tuned with the full schedule, without training anything.
`actbench halving results/STUDY --rungs … --keep …` does that; this page is `scripts/halving_report.sh`.

Columns: *agree*, the cells whose halving choice is the full schedule's; *within one SE*, of the others, those
whose full-budget score is at most one standard error of the difference (over the tuning seeds) below the full
choice's; *steps*, the tuning stage's training steps (tuning seeds and, where a choice was too close to call, the
seeds if close; a diverged trial counts the steps it trained). Where halving's close choices need seeds if close
that the full schedule did not train, their steps are estimated at the budget (said in the cell).

Reading it: halving never changes a choice of `comparison`; the choices it changes elsewhere are cells whose
best rate at the budget was behind after the first rung (identity on digits: 0.01 behind 0.001 and 0.003 after
one epoch), which a later first rung protects at some cost. The saving stays under 2× on these 5-, 10- and 6-epoch budgets because two values always
train the whole budget (so that a close final choice can still call for more seeds): with five values and a
first rung of one epoch, that floor alone is (5·1 + 2·(E − 1)) / 5E of the full schedule's epochs, 0.52 at
E = 5. The test suite checks the replay against a real halving run (its choices and its steps), and so did one
run at full size: `actbench run configs/halving/comparison_shapes.yaml --out DIR --only-tuning` (rungs [1, 3]) on
the 2-core AMD EPYC (Zen 5) trained the replay's 61,125 steps and made its 22 choices; its 168 trials that
reached the budget have the committed `comparison_shapes` trials' metrics line for line, its 92 stopped ones
their prefixes.

TEXT
    echo "| schedule | study | agree | within one SE | steps, full | steps, halving | saving |"
    echo "|---|---|---|---|---|---|---|"
    for schedule in "1 --keep 0.5" "2 --keep 0.5" "1 --keep 0.34" "1 2 --keep 0.5" "1 3 --keep 0.5"; do
        for s in "${studies[@]}"; do
            # shellcheck disable=SC2086
            rungs=${schedule% --keep*}
            echo "| rungs [${rungs// /, }], keep ${schedule#*--keep } | $s | $(summary "$s" $schedule) |"
        done
    done
    echo
    echo "## Rungs [1, 3], keep 0.5, cell by cell"
    echo
    for s in "${studies[@]}"; do
        "$bin" halving "results/$s" --rungs 1 3 --keep 0.5
        echo
    done
} > "$out"
echo "wrote $out"
