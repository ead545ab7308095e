// Runs the trials of a plan: parallel trials (--jobs), a fixed thread count per trial, resume (a trial whose
// summary.json exists is skipped), and a clean stop on SIGINT/SIGTERM (finished trials stay; the running
// ones leave no summary and are retrained next time).
#pragma once

#include "config/config.hpp"

#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>

namespace actbench {

struct RunOptions {
    std::filesystem::path out;  // empty: the config's out
    int jobs = 0;  // 0: cores / threads_per_trial
    int threads_per_trial = 1;
    bool resume = true;
    bool retry_failed = false;  // rerun trials whose summary says failed
    bool quiet = false;
    int shard_index = 0, shard_count = 1;  // run only the trials with fnv1a(id) mod count == index
    // Train nothing and write nothing: go through the stages as far as the stored trials allow, counting what each
    // would train (`actbench status`, and the Slurm chain's next step).
    bool dry_run = false;
    // Stop once the tuning stage is stored and its choices are made (to compare tuning schedules, say): no final trial.
    bool only_tuning = false;
    std::string command;  // the command line, recorded with the wall time in the run directory's runs.jsonl
};

// "I/N" → (I, N); throws InputError unless 0 ≤ I < N.
std::pair<int, int> parse_shard(const std::string& text);
// Whether trial `id` belongs to shard index/count: a function of the id only, so N machines split any sweep
// the same way and the union of their run directories is the unsharded run.
bool in_shard(const std::string& id, int index, int count);

struct RunTotals {
    int planned = 0, other_shards = 0, skipped = 0, ok = 0, diverged = 0, failed = 0;
    int elsewhere = 0;  // trained (or being trained) by another runner into the same directory
    bool interrupted = false;
    // Where the protocol stands when run_sweep returns: "done", or the step that waits for trials not stored yet
    // ("tuning", "final, round 2 of 4", "confirm", …) and how many (other shards', or those a dry run would train).
    std::string at = "done";
    int waiting = 0;
    // dry_run: the trials that step would train, each {id, axes, settings} (what a failed summary records).
    nlohmann::json waiting_trials = nlohmann::json::array();
};

// Throws InputError for a run directory that belongs to a different config, before writing anything: the
// plan, the stored trials and the data are all checked first. Runners started concurrently on one directory
// split its trials through per-trial claims (TrialClaim) and never train one twice. Every invocation that trains
// anything appends a line to the run directory's runs.jsonl: the command, the actbench commit, the jobs and
// threads, how many trials it finished and its wall time (the report's header quotes them).
RunTotals run_sweep(const Config& config, const RunOptions& options);

// Caps oneDNN at a pinned ISA (a config's isa:, empty: no cap); call before any oneDNN primitive is made.
void pin_isa(const std::string& isa);

// Throws InputError when a cell of the config (or of its tuning and final stages) trains in bf16 and oneDNN would
// have no native bf16 here: the config's isa: pin lacks it, or the CPU (or ONEDNN_MAX_CPU_ISA) does. validate,
// plan, run and verify call it before anything else, so a bf16 sweep is refused up front, not trial by trial.
void check_precision_supported(const Config& config);

// The environment recorded in manifest.json: version and commit, library versions, CPU, ISA, threads.
nlohmann::json environment_json(int threads_per_trial);

}  // namespace actbench
