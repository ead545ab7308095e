#include "run/tuning_choice.hpp"

namespace actbench {

int choose_value(const std::vector<TunedValue>& values, const std::string& select) {
    int best = -1;
    double best_score = 0;
    for (std::size_t i = 0; i < values.size(); ++i) {
        const TunedValue& v = values[i];
        if (v.diverged > 0 || v.scores.empty() || static_cast<int>(v.scores.size()) < v.expected) continue;
        double mean = 0;
        for (double s : v.scores) mean += s;
        mean /= static_cast<double>(v.scores.size());
        const bool better = best < 0 || (select == "validation_loss" ? mean < best_score : mean > best_score);
        if (better) best = static_cast<int>(i), best_score = mean;
    }
    return best;
}

std::string tuning_group(nlohmann::json values, const std::string& axis) {
    values.erase("seed");
    values.erase(axis);
    values.erase("stage");
    return values.dump();
}

}  // namespace actbench
