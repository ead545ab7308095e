// `actbench verify`: retrain stored trials and check that their metrics repeat bit for bit.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace actbench {

struct VerifyResult {
    std::string id;
    enum class Outcome { identical, differs, damaged, failed } outcome = Outcome::identical;
    // differs: the first metric that differs ("epoch 2: test_loss 0.41 vs 0.42"); damaged: what is wrong with the
    // stored files; failed: the stored error (a failed trial is not retrained).
    std::string detail;
};

struct VerifyReport {
    std::vector<std::string> notes;  // said before the trials: e.g. this CPU's ISA differs from the recorded one
    std::vector<VerifyResult> trials;
};

struct VerifyOptions {
    std::string only_trial;  // non-empty: only this trial
    std::size_t sample = 0;  // > 0: only this many of the stored trials, picked by a hash of their ids (the same K
        // trials every time, spread over the grid)
};

// Retrains the trials of `run_dir` (all, one, or a sample) from the config file its manifest names, which must
// still have the recorded hash, in the recorded environment: the threads per trial, and the config's pinned ISA
// or, where the config pins none, the ISA the run recorded (oneDNN is capped at it; a note says when this CPU
// cannot reach it). Throws InputError; leaves no scratch files behind, however it ends.
VerifyReport verify_run(const std::filesystem::path& run_dir, const VerifyOptions& options = {});

}  // namespace actbench
