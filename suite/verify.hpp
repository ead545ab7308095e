// `actbench verify`: retrain stored trials and check that their metrics repeat bit for bit.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace actbench {

struct VerifyResult {
    std::string id;
    bool identical = false;
    std::string difference;  // the first metric that differs: "epoch 2: test_loss 0.41 vs 0.42"
};

// Retrains the trials of `run_dir` (or only `trial_id`) from the config file its manifest names, which must
// still have the recorded hash, with the recorded threads per trial. Throws InputError.
std::vector<VerifyResult> verify_run(const std::filesystem::path& run_dir, const std::string& only_trial);

}  // namespace actbench
