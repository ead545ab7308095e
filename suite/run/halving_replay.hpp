// What tune's halving schedule would have chosen, and spent, on a study tuned with the full schedule: its rungs
// replayed on the stored per-epoch validation scores. A halving run trains the same steps as the full schedule up
// to where it stops a value (halving.cpp), so its rung scores are these, and the replay is what the run would do.
#pragma once

#include <nlohmann/json.hpp>

#include <filesystem>
#include <string>
#include <vector>

namespace actbench {

struct HalvingReplay {
    struct Cell {
        nlohmann::json values;  // the cell's axes (the tuning group)
        nlohmann::json full_choice, halving_choice;  // null: none
        // The full budget's mean score of the full choice minus that of halving's (in the select's direction, on the
        // seeds the full choice used), and the standard error of that difference over those seeds.
        double gap = 0, standard_error = NAN;
        std::vector<int> stopped_at;  // per value, the epoch halving stopped it (the budget: it went on to the end)
        bool estimated = false;  // halving's seeds if close are not stored here: their steps are estimated
    };
    std::vector<Cell> cells;
    double full_steps = 0, halving_steps = 0;  // training steps of the tuning stage (both images per step alike)
    int agree() const;
    int within_one_error() const;  // the disagreeing choices whose gap is at most one standard error
};

// Throws InputError when `run_dir` has no tuning stage, when its tuning trials are not all stored, or when the
// rungs do not fit its budget.
HalvingReplay replay_halving(const std::filesystem::path& run_dir, const std::vector<int>& rungs, double keep);

std::string halving_replay_text(const std::filesystem::path& run_dir, const HalvingReplay& r, const std::vector<int>& rungs, double keep);

}  // namespace actbench
