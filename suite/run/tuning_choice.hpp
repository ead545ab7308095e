// How tune: chooses a cell's value from its tuning seeds' scores, and which trials form a cell. No config and no
// model here: the report reads the same choice back from the stored trials (report_aggregate.cpp).
#pragma once

#include <nlohmann/json.hpp>

#include <cmath>
#include <string>
#include <vector>

namespace actbench {

// One tuned value's results in one cell: the tuning seeds' scores.
struct TunedValue {
    nlohmann::json value;
    std::vector<double> scores;  // validation accuracy or loss of each finished seed
    int expected = 0;  // the tuning seeds
    int diverged = 0;  // diverged or failed seeds: the value is never chosen
};

// The value a cell chooses: the best mean score (highest accuracy, lowest loss) among values whose every seed
// finished; ties go to the earlier value in the config. −1 when no value qualifies.
int choose_value(const std::vector<TunedValue>& values, const std::string& select);

// How far the chosen value is ahead of the runner-up (the best other value that qualifies): the gap in mean score
// (positive: the chosen one is better, in the select's direction) and its standard error over the tuning seeds,
// √(s²₁/n₁ + s²₂/n₂) (unpaired, so conservative for seeds shared by both values; NaN with one seed each). A choice
// is *close* when the gap is under twice its standard error: other seeds could well have chosen the runner-up.
struct ChoiceMargin {
    int runner_up = -1;
    double gap = NAN, standard_error = NAN;
    bool close() const { return std::isfinite(standard_error) && gap < 2 * standard_error; }
};
ChoiceMargin choice_margin(const std::vector<TunedValue>& values, int chosen, const std::string& select);

// The key of a cell's tuning group: its values on every axis but the seed, the tuned axis and the stage.
std::string tuning_group(nlohmann::json values, const std::string& axis);

}  // namespace actbench
