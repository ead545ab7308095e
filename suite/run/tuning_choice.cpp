#include "run/tuning_choice.hpp"

#include <algorithm>

namespace actbench {

namespace {
bool qualifies(const TunedValue& v) {
    return v.diverged == 0 && v.pruned_at == 0 && !v.scores.empty() && static_cast<int>(v.scores.size()) >= v.expected;
}
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

nlohmann::json tuning_score(const nlohmann::json& row, const std::string& select) {
    if (!row.is_object()) return nullptr;
    const nlohmann::json score = row.value(select == "validation_loss" ? "val_loss" : "val_accuracy", nlohmann::json());
    return score.is_number() ? score : nlohmann::json();
}

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

std::vector<std::size_t> halving_cut(const std::vector<TunedValue>& at_rung, const std::vector<std::size_t>& alive, double keep,
                                     const std::string& select) {
    std::vector<std::size_t> ranked;
    for (const std::size_t v : alive)
        if (qualifies(at_rung[v])) ranked.push_back(v);
    const double sign = select == "validation_loss" ? -1 : 1;
    std::stable_sort(ranked.begin(), ranked.end(), [&](std::size_t a, std::size_t b) {
        return sign * mean_of(at_rung[a].scores) > sign * mean_of(at_rung[b].scores);
    });
    ranked.resize(halving_kept(ranked.size(), keep));
    std::sort(ranked.begin(), ranked.end());
    return ranked;
}

std::size_t halving_kept(std::size_t n, double keep) {
    const auto kept = static_cast<std::size_t>(std::ceil(static_cast<double>(n) * keep - 1e-9));  // 1e-9: 4 × 0.5 is 2
    return std::min(n, std::max<std::size_t>(2, kept));
}

std::size_t halving_finalists(std::size_t values, const std::vector<int>& rungs, double keep) {
    for (std::size_t i = 0; i < rungs.size(); ++i) values = halving_kept(values, keep);
    return values;
}

double halving_fraction(std::size_t values, const std::vector<int>& rungs, int budget, double keep) {
    double epochs = 0;
    int done = 0;
    std::size_t alive = values;
    for (const int rung : rungs) {
        epochs += static_cast<double>(alive) * (rung - done);
        done = rung, alive = halving_kept(alive, keep);
    }
    epochs += static_cast<double>(alive) * (budget - done);
    return epochs / (static_cast<double>(values) * budget);
}

void halve(std::size_t values, const std::vector<int>& rungs, int budget, double keep, const std::string& select,
           const std::function<TunedValue(std::size_t value, int epoch)>& advance,
           const std::function<void(std::size_t value, int epoch)>& prune) {
    std::vector<std::size_t> alive(values);
    for (std::size_t v = 0; v < values; ++v) alive[v] = v;
    for (const int rung : rungs) {
        std::vector<TunedValue> at_rung(values);
        for (const std::size_t v : alive) at_rung[v] = advance(v, rung);
        const std::vector<std::size_t> kept = halving_cut(at_rung, alive, keep, select);
        for (const std::size_t v : alive)
            if (!std::binary_search(kept.begin(), kept.end(), v)) prune(v, rung);
        alive = kept;
    }
    for (const std::size_t v : alive) advance(v, budget);
}

std::string tuning_group(nlohmann::json values, const std::string& axis) {
    values.erase("seed");
    values.erase(axis);
    values.erase("stage");
    return values.dump();
}

}  // namespace actbench
