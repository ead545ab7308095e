// `actbench bench --study RUN_DIR`: what a study costs, predicted from throughput measured now and compared with
// what its trials took. Every stored trial of the run directory is rebuilt from the run's config; the trials that
// share a kind of work (status.hpp's work_key: activation, model, data, epochs, batch, precision; not the seed or
// rate) share one measurement of the seconds per training step and per evaluation batch of their actual network, at
// the run's threads per trial.
// A trial's prediction is its epochs' training steps and evaluation batches (test split, probe and validation
// split, at every evaluation it stored) at those rates; its actual seconds are its timing.jsonl's training and
// evaluation seconds. The error says how far a throughput benchmark predicts a study's compute (plan and the
// report's Cost table quote core-hours).
#pragma once

#include "cli/bench.hpp"
#include "run/plan.hpp"

#include <filesystem>

namespace actbench {

struct StudyBenchOptions {
    std::filesystem::path run_dir;
    double seconds = 0.5;  // per measurement of each kind of work (training, then evaluation)
};

// Throws InputError for a directory that is not a run directory, or whose config cannot be found.
BenchResult bench_study(const StudyBenchOptions& options);

// Seconds per training step (forward, backward, the optimizer) and, with `eval`, per evaluation batch of a trial's
// network as it trains — its model, activation, bias, precision, init, optimizer and batch — on random input and
// labels, at the OpenMP threads the caller set. `plan` and `bench --study` both time a trial's work with it.
struct StepTimes {
    double train = 0, eval = 0;
};
StepTimes time_trial_steps(const Trial& trial, const InputShape& shape, double seconds, bool eval);

}  // namespace actbench
