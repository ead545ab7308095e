// tune: {schedule: halving}: the tuning stage's unit of work is a group (one cell's values × tuning seeds), whose
// values train side by side through the rungs (halving.cpp says why in memory). Internal to run/, but for
// halving_share, which plan quotes too.
#pragma once

#include "config/config.hpp"
#include "run/data.hpp"
#include "run/trainer.hpp"

#include <atomic>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

namespace actbench {

// The share of the full schedule's tuning epochs that the config's tune spends at most (halving_fraction over its
// values, rungs and the tuning stage's budget; 1 without halving).
double halving_share(const Config& config);

// The tuning groups of a stage's cells, in the order their first cells come.
std::vector<std::vector<std::size_t>> halving_groups(const Config& stage1, const std::vector<std::size_t>& cells, const TuneSpec& tune);
// A group's id: what shards it (every trial of a group goes to the same runner) and claims it.
std::string halving_group_id(const Config& stage1, std::size_t cell, const std::string& axis);

// Trains one group under tune's halving schedule, reading what is stored (unless !resume): `make` gives a cell's
// trial, `stored` is told each trial this call stores (pruned, diverged or at the budget). False when *stop
// interrupted it.
bool train_halving_group(const Config& stage1, const TuneSpec& tune, const std::vector<std::size_t>& cells, const PreparedData& data,
                         const std::filesystem::path& out, bool resume, const std::atomic<bool>* stop,
                         const std::function<Trial(std::size_t cell)>& make,
                         const std::function<void(const Trial&, const TrialOutcome&)>& stored);

}  // namespace actbench
