#include "run/tuning_choice.hpp"

namespace actbench {

namespace {
bool qualifies(const TunedValue& v) { return v.diverged == 0 && !v.scores.empty() && static_cast<int>(v.scores.size()) >= v.expected; }
double mean_of(const std::vector<double>& v) {
    double sum = 0;
    for (double s : v) sum += s;
    return sum / static_cast<double>(v.size());
}
double variance_of_mean(const std::vector<double>& v) {
    if (v.size() < 2) return NAN;
    const double m = mean_of(v);
    double ss = 0;
    for (double s : v) ss += (s - m) * (s - m);
    return ss / static_cast<double>(v.size() - 1) / static_cast<double>(v.size());
}
// The best qualifying value but `skip`, -1 for none.
int best_value(const std::vector<TunedValue>& values, const std::string& select, int skip) {
    int best = -1;
    double best_score = 0;
    for (std::size_t i = 0; i < values.size(); ++i) {
        if (static_cast<int>(i) == skip || !qualifies(values[i])) continue;
        const double mean = mean_of(values[i].scores);
        const bool better = best < 0 || (select == "validation_loss" ? mean < best_score : mean > best_score);
        if (better) best = static_cast<int>(i), best_score = mean;
    }
    return best;
}
}  // namespace

int choose_value(const std::vector<TunedValue>& values, const std::string& select) { return best_value(values, select, -1); }

ChoiceMargin choice_margin(const std::vector<TunedValue>& values, int chosen, const std::string& select) {
    ChoiceMargin m;
    if (chosen < 0) return m;
    m.runner_up = best_value(values, select, chosen);
    if (m.runner_up < 0) return m;
    const TunedValue &a = values[static_cast<std::size_t>(chosen)], &b = values[static_cast<std::size_t>(m.runner_up)];
    m.gap = (mean_of(a.scores) - mean_of(b.scores)) * (select == "validation_loss" ? -1 : 1);
    m.standard_error = std::sqrt(variance_of_mean(a.scores) + variance_of_mean(b.scores));
    return m;
}

std::string tuning_group(nlohmann::json values, const std::string& axis) {
    values.erase("seed");
    values.erase(axis);
    values.erase("stage");
    return values.dump();
}

}  // namespace actbench
