// tune: stage 1 trains every value of one setting with the tuning seeds on the training split minus the
// validation split; each cell (every other axis but the seed) gets the value with the best validation score;
// stage 2 trains the cell's final seeds at that value and tests them. Both stages are ordinary stored trials
// (their axes carry "stage": "tuning" or "final"), so ids, resume, sharding and verify work as for any sweep.
#pragma once

#include "config/config.hpp"
#include "run/tuning_choice.hpp"

#include <filesystem>
#include <string>
#include <vector>

namespace actbench {

struct TuningSelection {
    std::size_t missing = 0;  // stage-1 trials not (yet) stored, or damaged, in the run directory
    std::vector<std::size_t> final_cells;  // the stage-2 cells to run: each cell at its chosen value
    std::size_t groups_without_choice = 0;  // cells whose every value diverged: no final trials
};
// Reads the stored stage-1 results of `config` (which has tune) from `run_dir` and chooses.
TuningSelection select_tuned(const Config& config, const std::filesystem::path& run_dir);

}  // namespace actbench
