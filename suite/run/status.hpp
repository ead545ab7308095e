// `actbench status`: where a study stands — what its run directory holds, stage by stage, and the step its protocol
// waits for (the tuning trials, a round of adaptive seeds, the confirmation seeds), with an ETA from the
// directory's own timings. It trains nothing and writes nothing: the runner goes through the stages as far as the
// stored trials allow (RunOptions::dry_run). The Slurm chain asks the same question between its steps.
#pragma once

#include "config/config.hpp"
#include "run/runner.hpp"

#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <string>

namespace actbench {

// The config that made a run directory, from its manifest (read_manifest): the file the manifest names (or
// `config_file`, when given), which must still hash as the manifest says. Throws InputError naming the file otherwise.
Config config_of_run(const std::filesystem::path& run_dir, const nlohmann::json& manifest, const std::string& config_file = "");

// What a trial's time depends on, from its settings: its activation, model, data, epochs, batch and precision (not its
// seed or rate). status's ETA and bench --study group trials by it.
std::string work_key(const nlohmann::json& settings);

struct StudyStatus {
    std::string name, config_file;
    struct Counts {
        int ok = 0, diverged = 0, failed = 0, damaged = 0;
    };
    std::map<std::string, Counts> stored;  // by stage ("sweep" for an unstaged config), in stored trials
    RunTotals next;  // the dry run: next.at is "done" or the step that waits, next.waiting its trials
    // Core-seconds per finished trial over every `actbench run` in runs.jsonl (wall × jobs × threads ÷ trials), or
    // while the first run is still going, from the finished trials' timing.jsonl (training and evaluation only); NaN
    // before any trial has finished.
    double core_seconds_per_trial = NAN;
    // The waiting step's trials, each at the time stored trials like it took (NaN before any has finished).
    double eta_core_seconds = NAN;
    nlohmann::json to_json() const;
};

StudyStatus study_status(const std::filesystem::path& run_dir, const std::string& config_file = "");

}  // namespace actbench
