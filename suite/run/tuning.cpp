#include "run/tuning.hpp"

#include "core/error.hpp"
#include "run/plan.hpp"
#include "store/run_store.hpp"

#include <map>

namespace actbench {

TuningSelection select_tuned(const Config& config, const std::filesystem::path& run_dir) {
    const TuneSpec& tune = *config.tune;
    const Config& stage1 = *config.tuning_stage;
    const Config& stage2 = *config.final_stage;
    TuningSelection selection;
    std::map<std::string, std::vector<TunedValue>> groups;
    const TrialIds ids(stage1);
    for (std::size_t cell = 0; cell < stage1.cell_count(); ++cell) {
        const nlohmann::json values = stage1.cell_values(cell);
        std::vector<TunedValue>& group = groups[tuning_group(values, tune.axis)];
        if (group.empty())
            for (const auto& v : tune.values) group.push_back({v, {}, static_cast<int>(tune.seeds.size()), 0});
        const auto index =
            static_cast<std::size_t>(std::find(tune.values.begin(), tune.values.end(), values[tune.axis]) - tune.values.begin());
        const std::filesystem::path dir = run_dir / ids.id(cell);
        try {
            if (!std::filesystem::exists(dir / kSummaryFile)) throw InputError("missing");
            const StoredTrial stored = read_trial(dir);
            if (status_of(stored.summary) != TrialStatus::ok) {
                ++group[index].diverged;
                continue;
            }
            const std::vector<nlohmann::json>& metrics = stored.metrics;
            const nlohmann::json score = tune.select == "validation_loss" ? metrics.back().value("val_loss", nlohmann::json())
                                                                          : metrics.back().value("val_accuracy", nlohmann::json());
            if (score.is_number())
                group[index].scores.push_back(score.get<double>());
            else
                ++group[index].diverged;  // a validation loss of NaN: as good as diverged
        } catch (const InputError&) {
            ++selection.missing;
        }
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
