#include "run/tuning.hpp"

#include "core/error.hpp"
#include "run/plan.hpp"
#include "store/run_store.hpp"

#include <algorithm>
#include <map>
#include <set>

namespace actbench {

namespace {

// One stored stage-1 trial's score into its value's results (a diverged or unscored seed counts as diverged);
// false when it is not stored yet (or damaged, which run retrains).
bool add_score(const TuneSpec& tune, const std::filesystem::path& dir, TunedValue& value) {
    try {
        if (!std::filesystem::exists(dir / kSummaryFile)) return false;
        const StoredTrial stored = read_trial(dir);
        if (stored.summary.contains("pruned_at_epoch")) {  // halving stopped it: its value is out
            value.pruned_at = stored.summary["pruned_at_epoch"].get<int>();
            return true;
        }
        if (status_of(stored.summary) != TrialStatus::ok) {
            ++value.diverged;
            return true;
        }
        const nlohmann::json& last = stored.metrics.back();
        const nlohmann::json score = tuning_score(last, tune.select);
        value.add(score);  // a validation loss of NaN: as good as diverged
        return true;
    } catch (const InputError&) {
        return false;
    }
}

}  // namespace

TuningSelection select_tuned(const Config& config, const std::filesystem::path& run_dir) {
    const TuneSpec& tune = *config.tune;
    const Config& stage1 = *config.tuning_stage;
    const Config& stage2 = *config.final_stage;
    TuningSelection selection;
    const TrialIds ids(stage1);
    // Two passes: the tuning seeds; then, for the cells whose choice on them is too close to call, the seeds if close.
    std::map<std::string, std::vector<TunedValue>> groups;
    std::set<std::string> close;
    for (const bool extra : {false, true}) {
        for (std::size_t cell = 0; cell < stage1.cell_count(); ++cell) {
            const nlohmann::json values = stage1.cell_values(cell);
            const bool is_extra = tune.if_close(values["seed"].get<std::int64_t>());
            const std::string key = tuning_group(values, tune.axis);
            if (is_extra != extra || (extra && !close.count(key))) continue;
            std::vector<TunedValue>& group = groups[key];
            if (group.empty())
                for (const auto& v : tune.values) group.push_back({v, {}, static_cast<int>(tune.seeds.size()), 0});
            const std::size_t index = tune.value_index(values);
            // Halving: more seeds only for the values that reached the budget (none stopped at a rung, none diverged).
            if (extra && tune.halving() && (group[index].pruned_at > 0 || group[index].diverged > 0)) continue;
            if (extra) ++group[index].expected, selection.close_cells.push_back(cell);
            if (!add_score(tune, run_dir / ids.id(cell), group[index])) ++selection.missing;
        }
        if (selection.missing > 0 || tune.seeds_if_close.empty()) break;
        if (!extra)
            for (const auto& [key, values] : groups)
                if (choice_margin(values, choose_value(values, tune.select), tune.select).close()) close.insert(key);
        selection.close_groups = close.size();
    }
    if (selection.missing > 0) return selection;
    std::map<std::string, int> chosen;
    for (const auto& [key, values] : groups) {
        chosen[key] = choose_value(values, tune.select);
        selection.groups_without_choice += chosen[key] < 0;
    }
    for (std::size_t cell = 0; cell < stage2.cell_count(); ++cell) {
        const nlohmann::json values = stage2.cell_values(cell);
        const int c = chosen.count(tuning_group(values, tune.axis)) ? chosen[tuning_group(values, tune.axis)] : -1;
        if (c >= 0 && values[tune.axis] == tune.values[static_cast<std::size_t>(c)]) selection.final_cells.push_back(cell);
    }
    return selection;
}

}  // namespace actbench
