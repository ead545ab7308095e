// `actbench compact`: a run store's finished trials in their compact form (run_store.hpp), for committing or
// archiving: metrics.jsonl and timing.jsonl gzipped, trial.yaml dropped. On the canonical studies' stores this is
// 26.7 MB → 13.2 MB (reports/README.md); every number stays, so reports regenerate byte for byte and verify still
// compares bit for bit.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <utility>
#include <vector>

namespace actbench {

struct CompactResult {
    std::size_t compacted = 0;  // trials rewritten now
    std::size_t already = 0;  // trials that were compact
    std::vector<std::pair<std::string, std::string>> skipped;  // (trial id, why): unfinished, being trained, damaged
    std::uintmax_t bytes_before = 0, bytes_after = 0;  // of the finished trials' folders
};

// Compacts every finished trial of `run_dir` (a directory `actbench run` wrote; InputError otherwise). A trial
// another runner holds is skipped, as are unfinished and damaged ones (resume retrains those). Each file is
// written in place atomically and read back before its plain form is removed, so an interruption leaves every
// trial readable; running it again finishes the job. Throws IoError when a file cannot be written.
CompactResult compact_run(const std::filesystem::path& run_dir);

}  // namespace actbench
