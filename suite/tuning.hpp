// tune: stage 1 trains every value of one setting with the tuning seeds on the training split minus the
// validation split; each cell (every other axis but the seed) gets the value with the best validation score;
// stage 2 trains the cell's final seeds at that value and tests them. Both stages are ordinary stored trials
// (their axes carry "stage": "tuning" or "final"), so ids, resume, sharding and verify work as for any sweep.
#pragma once

#include "config.hpp"

#include <filesystem>
#include <string>
#include <vector>

namespace actbench {

// One tuned value's results in one cell: the tuning seeds' scores.
struct TunedValue {
    nlohmann::json value;
    std::vector<double> scores;  // validation accuracy or loss of each finished seed
    int expected = 0;            // the tuning seeds
    int diverged = 0;            // diverged or failed seeds: the value is never chosen
};

// The value a cell chooses: the best mean score (highest accuracy, lowest loss) among values whose every seed
// finished; ties go to the earlier value in the config. −1 when no value qualifies.
int choose_value(const std::vector<TunedValue>& values, const std::string& select);

// The key of a cell's tuning group: its values on every axis but the seed, the tuned axis and the stage.
std::string tuning_group(nlohmann::json values, const std::string& axis);

struct TuningSelection {
    std::size_t missing = 0;               // stage-1 trials not (yet) stored, or damaged, in the run directory
    std::vector<std::size_t> final_cells;  // the stage-2 cells to run: each cell at its chosen value
    std::size_t groups_without_choice = 0; // cells whose every value diverged: no final trials
};
// Reads the stored stage-1 results of `config` (which has tune) from `run_dir` and chooses.
TuningSelection select_tuned(const Config& config, const std::filesystem::path& run_dir);

}  // namespace actbench
