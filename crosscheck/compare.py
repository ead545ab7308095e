#!/usr/bin/python3
"""Holds actbench's trials against the cross-check's, cell by cell, over one list of seeds.

    crosscheck/compare.py CONFIG --trials TRIALS_CSV --cell ACTIVATION[:LR] ... [--init I] [--bias B]
                          [--seeds 1-8] [--runs DIR] [--jobs 2] [--tolerance 0.005]

TRIALS_CSV is `actbench export`'s trials.csv of a run of CONFIG (the only thing read of actbench's results: no
run-store parsing here). For each cell it trains the cross-check on every seed that actbench finished (each
summary kept in --runs DIR, so a rerun trains only what is missing), then prints, per cell, both means, the
difference (actbench − cross-check) with its 95% Welch interval — the two implementations draw their own random
numbers, so seed k of one is not paired with seed k of the other — and whether they agree: the interval holds 0,
or lies within ±tolerance. Exit 0 when every cell agrees, 1 otherwise.
"""
import argparse
import concurrent.futures
import csv
import json
import math
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))


def t_quantile_975(df):
    """Student's t 0.975 quantile (a table for small df, the normal's beyond): enough for an agreement check."""
    table = {1: 12.706, 2: 4.303, 3: 3.182, 4: 2.776, 5: 2.571, 6: 2.447, 7: 2.365, 8: 2.306, 9: 2.262, 10: 2.228,
             11: 2.201, 12: 2.179, 13: 2.160, 14: 2.145, 15: 2.131, 16: 2.120, 18: 2.101, 20: 2.086, 25: 2.060,
             30: 2.042, 40: 2.021, 60: 2.000, 120: 1.980}
    if df >= 120:
        return 1.960
    keys = sorted(table)
    for lo, hi in zip(keys, keys[1:]):  # linear in df between table rows
        if lo <= df <= hi:
            return table[lo] + (table[hi] - table[lo]) * (df - lo) / (hi - lo)
    return table[1]


def mean_var(xs):
    m = sum(xs) / len(xs)
    return m, (sum((x - m) ** 2 for x in xs) / (len(xs) - 1) if len(xs) > 1 else float("nan"))


def welch(a, b):
    ma, va = mean_var(a)
    mb, vb = mean_var(b)
    se2 = va / len(a) + vb / len(b)
    df = se2 ** 2 / ((va / len(a)) ** 2 / (len(a) - 1) + (vb / len(b)) ** 2 / (len(b) - 1))
    h = t_quantile_975(df) * math.sqrt(se2)
    return ma - mb, ma - mb - h, ma - mb + h


def parse_seeds(text):
    seeds = []
    for part in text.split(","):
        lo, _, hi = part.partition("-")
        seeds.extend(range(int(lo), int(hi or lo) + 1))
    return seeds


def actbench_trials(path, init, bias):
    """{(activation, lr or None): {seed: accuracy or None (diverged)}} of the final trials in trials.csv."""
    out = {}
    with open(path, newline="") as f:
        for row in csv.DictReader(f):
            if row.get("stage", "final") not in ("", "final") or row["init"] != init or float(row["bias"]) != bias:
                continue
            if row["status"] not in ("ok", "diverged"):
                continue
            lr = float(row["train.lr"]) if row.get("train.lr") else None
            acc = float(row["final_test_accuracy"]) if row["status"] == "ok" else None
            out.setdefault((row["activation"], lr), {})[int(row["seed"])] = acc
    return out


def run_one(config, runs, activation, lr, init, bias, seed):
    name = f"{activation}_lr{lr}_{init}_b{bias}_s{seed}.json" if lr is not None else f"{activation}_{init}_b{bias}_s{seed}.json"
    path = os.path.join(runs, name)
    if not os.path.exists(path):
        cmd = [sys.executable, os.path.join(HERE, "crosscheck.py"), config, "--activation", activation, "--init", init,
               "--bias", str(bias), "--seed", str(seed), "--out", path]
        if lr is not None:
            cmd += ["--lr", str(lr)]
        subprocess.run(cmd, check=True)
    with open(path) as f:
        s = json.load(f)
    return s["final_test_accuracy"] if s["status"] == "ok" else None


def main(argv):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("config")
    ap.add_argument("--trials", required=True, help="actbench export's trials.csv of a run of CONFIG")
    ap.add_argument("--cell", action="append", required=True, help="ACTIVATION or ACTIVATION:LR")
    ap.add_argument("--init", default="he_normal")
    ap.add_argument("--bias", type=float, default=0.0)
    ap.add_argument("--seeds", default="1-8", help="seeds to compare, e.g. 1-8 or 1,3,5 (default 1-8)")
    ap.add_argument("--runs", default="crosscheck-runs", help="where the cross-check's summaries are kept")
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--tolerance", type=float, default=0.005,
                    help="largest difference in mean test accuracy still called agreement (default 0.005)")
    a = ap.parse_args(argv)
    os.makedirs(a.runs, exist_ok=True)
    ours = actbench_trials(a.trials, a.init, a.bias)
    seeds = parse_seeds(a.seeds)
    cells = []
    for cell in a.cell:
        act, _, lr = cell.partition(":")
        lr = float(lr) if lr else None
        stored = ours.get((act, lr))
        if stored is None:
            print(f"compare: {a.trials}: no final trials of {cell} at init {a.init}, bias {a.bias}", file=sys.stderr)
            return 2
        cells.append((act, lr, {s: v for s, v in stored.items() if s in seeds}))
    with concurrent.futures.ThreadPoolExecutor(a.jobs) as pool:
        futures = {(act, lr, s): pool.submit(run_one, a.config, a.runs, act, lr, a.init, a.bias, s)
                   for act, lr, stored in cells for s in sorted(stored)}
        theirs = {k: f.result() for k, f in futures.items()}
    agree_all = True
    print(f"| cell | seeds | actbench mean | cross-check mean | difference [95% Welch] | diverged (a / c) | agrees within ±{a.tolerance} |")
    print("|---|---:|---:|---:|---|---|---|")
    for act, lr, stored in cells:
        x = [v for v in stored.values() if v is not None]
        y = [theirs[(act, lr, s)] for s in stored if theirs[(act, lr, s)] is not None]
        dx, dy = len(stored) - len(x), len(stored) - len(y)
        d, lo, hi = welch(x, y) if len(x) > 1 and len(y) > 1 else (float("nan"),) * 3
        agrees = dx == dy and ((lo <= 0 <= hi) or (-a.tolerance <= lo and hi <= a.tolerance))
        agree_all &= agrees
        label = act + (f" @ lr {lr:g}" if lr is not None else "")
        print(f"| {label} | {len(stored)} | {sum(x) / len(x):.4f} | {sum(y) / len(y):.4f} | {d:+.4f} [{lo:+.4f}, {hi:+.4f}] | "
              f"{dx} / {dy} | {'yes' if agrees else 'NO'} |")
    return 0 if agree_all else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
