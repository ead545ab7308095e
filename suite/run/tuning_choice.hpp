// How tune: chooses a cell's value from its tuning seeds' scores, and which trials form a cell. No config and no
// model here: the report reads the same choice back from the stored trials (report_aggregate.cpp).
#pragma once

#include <nlohmann/json.hpp>

#include <cmath>
#include <functional>
#include <string>
#include <vector>

namespace actbench {

// One tuned value's results in one cell: the tuning seeds' scores.
struct TunedValue {
    nlohmann::json value;
    std::vector<double> scores;  // validation accuracy or loss of each finished seed
    int expected = 0;  // the tuning seeds
    int diverged = 0;  // diverged or failed seeds: the value is never chosen
    int pruned_at = 0;  // tune's halving stopped the value at this epoch: never chosen (0: it ran the budget)
    // A seed's score (tuning_score's number), or null for one that diverged, failed or has none: counted as diverged.
    void add(const nlohmann::json& score) {
        if (score.is_number())
            scores.push_back(score.get<double>());
        else
            ++diverged;
    }
};

// A metrics row's score for tune.select (validation_accuracy: val_accuracy, validation_loss: val_loss): a number, or
// null where the row has none (no row, a NaN loss).
nlohmann::json tuning_score(const nlohmann::json& row, const std::string& select);

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

// tune.schedule halving's cut at a rung: of the values still in (`alive`, indices into `at_rung`, whose scores are
// the seeds' at the rung's epoch), the ones that go on: the best ceil(n·keep) of the n that qualify, at least two
// (the last comparison is always at the full budget between two or more, where a close call can still ask for
// more seeds). A value with a diverged seed never goes on. In value order.
std::vector<std::size_t> halving_cut(const std::vector<TunedValue>& at_rung, const std::vector<std::size_t>& alive, double keep,
                                     const std::string& select);

// How many of n qualifying values go on at a rung: ceil(n·keep), at least two (when there are two).
std::size_t halving_kept(std::size_t n, double keep);
// The halving schedule's epochs per seed over a group of `values`, as a fraction of the full schedule's (every value
// for the whole budget), when nothing diverges: an upper bound (a diverged value stops at once).
double halving_fraction(std::size_t values, const std::vector<int>& rungs, int budget, double keep);
// The values that reach the budget when nothing diverges.
std::size_t halving_finalists(std::size_t values, const std::vector<int>& rungs, double keep);

// Successive halving over a group's values, as the runner and its replay (actbench halving) both run it: at each
// rung, advance(value, epoch) trains (or reads) the value's seeds to that epoch and returns their scores there;
// prune(value, epoch) stops a value cut at that rung. The last rung is the budget, where the survivors finish.
void halve(std::size_t values, const std::vector<int>& rungs, int budget, double keep, const std::string& select,
           const std::function<TunedValue(std::size_t value, int epoch)>& advance,
           const std::function<void(std::size_t value, int epoch)>& prune);

// The key of a cell's tuning group: its values on every axis but the seed, the tuned axis and the stage.
std::string tuning_group(nlohmann::json values, const std::string& axis);

}  // namespace actbench
