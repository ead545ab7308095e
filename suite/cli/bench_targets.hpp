// `actbench bench --targets`: the throughput targets, each measured against the peak it is defined on, in one
// run per model (a bf16 run measures fp32 beside it), and with --check a regression check against committed figures
// (bench/figures.json, per oneDNN ISA): a figure more than 10% below the committed one fails. The figures are
// ratios measured together (efficiency: training GFLOP/s ÷ the matmul peak measured in the same runs; bf16 ÷ fp32),
// each side the best of a few runs, so they hold on a shared machine where absolute rates drift and other work
// slows single measurements down (measured: one run's fp32 peak varied from 292 to 369 GFLOP/s on the
// development machine).
#pragma once

#include "cli/bench.hpp"

#include <filesystem>

namespace actbench {

struct TargetsOptions {
    double seconds = 3;  // per measurement
    int threads = 2;
    int repeats = 3;  // runs per model; each value is the best of them
    std::filesystem::path check;  // committed figures to compare with; empty: none
    std::filesystem::path record;  // write this ISA's figures into this file (the others it holds kept); empty: none
    double tolerance = 0.10;  // the largest drop below a committed figure that passes
};

struct TargetsResult {
    BenchResult bench;
    bool regressed = false;  // with check: some figure fell more than the tolerance below its committed value
};

// Throws InputError for an unreadable figures file (its path and what was expected).
TargetsResult bench_targets(const TargetsOptions& options);

}  // namespace actbench
