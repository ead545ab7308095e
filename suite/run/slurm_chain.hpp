// A staged study (tune:, adaptive:) on Slurm, unattended: a chain of job arrays, each followed by a step job
// (`actbench slurm … --step`) that asks where the study stands (study_status) and submits what it waits for — the
// next array, of only the trials still needed, with another step after it — or, once nothing is left, the report
// job. Every step is idempotent (it decides from the run directory alone) and records what it submitted in
// OUT/slurm-chain.jsonl. A step that finds the same trials still missing after `retries` resubmissions (a lost
// node, a time limit) records them as failed (a tuning value with a failed seed is never chosen; a round decides
// on the seeds that finished) and goes on, saying so.
#pragma once

#include "run/slurm.hpp"

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

namespace actbench {

inline constexpr const char* kChainLogFile = "slurm-chain.jsonl";

// The first array and the step after it (the scripts written into the run directory); returns what was submitted.
std::string start_chain(const SlurmOptions& o);
// One step; returns what it did, as text. Throws InputError for a directory written by another config.
std::string chain_step(const SlurmOptions& o);

std::vector<nlohmann::json> read_chain_log(const std::string& out);

}  // namespace actbench
