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
    // tune.seeds_if_close: the stage-1 cells of the seeds if close that the close choices need (every value of a close
    // cell), stored or not; known once the tuning seeds are all stored.
    std::vector<std::size_t> close_cells;
    std::size_t close_groups = 0;  // the cells whose choice is close
};
// Reads the stored stage-1 results of `config` (which has tune) from `run_dir` and chooses: on the tuning seeds, and
// where that choice is too close to call (choice_margin) and tune.seeds_if_close is set, on them and those too.
TuningSelection select_tuned(const Config& config, const std::filesystem::path& run_dir);

}  // namespace actbench
