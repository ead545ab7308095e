// The runner's stages, shared by its files: runner.cpp runs a stage's cells (and tune:'s two stages), rounds.cpp
// the adaptive rounds and the confirmation seeds over a stage. Internal to run/.
#pragma once

#include "run/runner.hpp"

#include <string>
#include <vector>

namespace actbench {

// The trials one invocation runs: cells of a grid (the config itself, or one of its tuning stages), labelled
// with their stage in the trials' axes (empty: no stage).
struct Stage {
    const Config& grid;
    std::vector<std::size_t> cells;
    std::string label;
    const TuneSpec* halving = nullptr;  // tune's halving schedule: the workers take tuning groups (halving.hpp)
};

// runner.cpp
RunTotals run_stage(const Config& config, const Stage& stage, const RunOptions& options);
std::vector<std::size_t> all_cells(const Config& grid);
RunTotals& operator+=(RunTotals& a, const RunTotals& b);

// rounds.cpp: adaptive: over the candidate cells, in rounds, then adaptive.confirm's fresh seeds.
RunTotals run_adaptive(const Config& config, const Stage& candidates, const RunOptions& options);

}  // namespace actbench
