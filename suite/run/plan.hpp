// The plan: every cell of the sweep grid × seed as a Trial with fully resolved settings.
//
// A trial's id is a hash of its resolved settings (canonical JSON, sorted keys), not of its position in the
// grid, and its random streams are seeded from (id, stream name): adding a value to an axis, reordering the
// axes or resuming never changes another trial's numbers.
#pragma once

#include "config/config.hpp"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace actbench {

struct Trial {
    std::string id;  // 16 hex digits
    DatasetConfig dataset;
    ModelSpec model;
    TrainConfig train;
    ActivationSpec activation;
    InitSpec init;
    BiasSetting bias;
    std::int64_t seed = 1;
    bool paired_seeds = true;  // see Config::paired_seeds; recorded in the settings (so in the id) when true
    nlohmann::json axes;  // this trial's value on every axis of the sweep (for reports; not part of the id)

    nlohmann::json settings() const;  // canonical: sorted keys
    // What the shared random streams of a paired trial are keyed by: its seed and its dataset (and split).
    std::string pair_key() const;
    std::string label() const;  // "relu he_normal bias=0 train.lr=0.01 seed=1": dotted-path axes included
};

std::string trial_id(const nlohmann::json& settings);

// The trial of cell `cell` (0 ≤ cell < config.cell_count()).
Trial make_trial(const Config& config, std::size_t cell);

// The config's cells in order (the first axis in the file varies slowest).
std::vector<Trial> make_plan(const Config& config);

// Every cell's trial id without building its Trial: the canonical settings text assembled from pieces
// serialised once per distinct section, activation, init and bias. A million-cell plan takes seconds and
// little memory; the ids are those of make_trial (tested).
class TrialIds {
public:
    explicit TrialIds(const Config& config);
    std::string id(std::size_t cell) const;

private:
    const Config& config_;
    std::size_t activation_axis_, init_axis_, bias_axis_, seed_axis_;
    std::vector<std::string> variant_text_;  // ,"dataset":…  /  ,"model":…  /  ,"train":…
    std::vector<std::string> activation_text_, init_text_, bias_text_;  // per value of the axis
    std::string seeds_text_;  // ,"seeds":"paired" or nothing
};

}  // namespace actbench
