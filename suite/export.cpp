#include "export.hpp"

#include "report_data.hpp"
#include "tidy_table.hpp"

namespace actbench {

using nlohmann::json;

namespace {

// The summary's scalar metrics, in the order the trials table gives them.
const char* const kTrialMetrics[] = {"epochs_completed", "steps", "diverged_step", "final_test_accuracy", "best_test_accuracy",
                                     "final_val_accuracy", "best_val_accuracy", "final_train_loss", "train_loss_auc",
                                     "target_train_error", "epochs_to_target", "steps_to_target", "zero_fraction_init",
                                     "zero_fraction_final", "dead_fraction_final", "inactive_fraction_final", "saturated_fraction_final",
                                     "grad_ratio_first_step"};

json number_or_null(double v) { return std::isfinite(v) ? json(v) : json(nullptr); }

std::vector<std::string> axis_names(const Aggregate& a) {
    std::vector<std::string> names;
    for (const auto& axis : a.config["sweep"]["axes"]) names.push_back(axis["name"].get<std::string>());
    return names;
}

TidyTable trials_table(const Aggregate& a, const LoadedRuns& runs) {
    const auto axes = axis_names(a);
    TidyTable t;
    t.columns.push_back("trial_id");
    t.columns.insert(t.columns.end(), axes.begin(), axes.end());
    t.columns.push_back("status");
    t.columns.push_back("error");
    for (const char* m : kTrialMetrics) {
        t.columns.push_back(m);
        if (std::string(m) == "steps_to_target") t.columns.push_back("target_reached");
    }
    for (const TrialRecord& r : runs.trials) {
        const json& s = r.summary;
        std::vector<json> row{s["id"]};
        for (const auto& axis : axes) row.push_back(s["axes"].value(axis, json()));
        row.push_back(s["status"]);
        row.push_back(s.value("error", json()));
        for (const char* m : kTrialMetrics) {
            row.push_back(s.value(m, json()));
            if (std::string(m) == "steps_to_target") row.push_back(r.ok() ? json(s["steps_to_target"].is_number()) : json());
        }
        t.rows.push_back(row);
    }
    for (const auto& [id, why] : runs.damaged) {  // listed, with what is wrong; never their numbers
        std::vector<json> row(t.columns.size());
        row[0] = id;
        row[1 + axes.size()] = "damaged";
        row[2 + axes.size()] = why;
        t.rows.push_back(row);
    }
    return t;
}

TidyTable curves_table(const LoadedRuns& runs) {
    TidyTable t{{"trial_id", "step", "epoch", "metric", "layer", "value"}, {}};
    for (const TrialRecord& r : runs.trials)
        for (const json& row : r.metrics)
            for (auto it = row.begin(); it != row.end(); ++it) {
                if (it.key() == "step" || it.key() == "epoch") continue;
                if (!it->is_array()) {
                    t.rows.push_back({r.summary["id"], row["step"], row["epoch"], it.key(), nullptr, *it});
                    continue;
                }
                for (std::size_t l = 0; l < it->size(); ++l)
                    t.rows.push_back({r.summary["id"], row["step"], row["epoch"], it.key(), l + 1, (*it)[l]});
            }
    return t;
}

TidyTable groups_table(const Aggregate& a) {
    TidyTable t;
    t.columns = a.columns;
    for (const char* c : {"trials", "finished", "diverged", "failed", "n", "mean", "std", "ci95_low", "ci95_high", "bootstrap_ci95_low",
                          "bootstrap_ci95_high", "iqm", "iqm_ci95_low", "iqm_ci95_high", "median", "median_steps_to_target", "steps_censored"})
        t.columns.push_back(c);
    for (const Group& g : a.groups) {
        const GroupStats& s = g.stats;
        std::vector<json> row;
        for (const auto& c : a.columns) row.push_back(g.values[c]);
        const bool any = s.acc.n > 0, several = s.acc.n > 1;
        for (json v : {json(g.trials.size()), json(s.finished), json(s.diverged), json(s.failed), json(s.acc.n),
                       any ? json(s.acc.mean) : json(), several ? json(s.acc.std) : json(), several ? json(s.acc.ci_low) : json(),
                       several ? json(s.acc.ci_high) : json(), several ? number_or_null(s.mean_bootstrap.low) : json(),
                       several ? number_or_null(s.mean_bootstrap.high) : json(), number_or_null(s.iqm),
                       several ? number_or_null(s.iqm_bootstrap.low) : json(), several ? number_or_null(s.iqm_bootstrap.high) : json(),
                       any ? json(s.acc.median) : json(), number_or_null(s.median_steps_to_target),
                       any ? json(std::isinf(s.median_steps_to_target)) : json()})
            row.push_back(v);
        t.rows.push_back(row);
    }
    return t;
}

}  // namespace

std::map<std::string, std::string> export_runs(const std::vector<std::filesystem::path>& run_dirs, const std::string& format) {
    const LoadedRuns runs = load_runs(run_dirs);
    const Aggregate a = aggregate(runs);
    auto write = [&](const TidyTable& t) { return format == "jsonl" ? to_jsonl(t) : to_csv(t); };
    const std::string ext = format == "jsonl" ? ".jsonl" : ".csv";
    return {{std::string("trials").append(ext), write(trials_table(a, runs))},
            {std::string("curves").append(ext), write(curves_table(runs))},
            {std::string("groups").append(ext), write(groups_table(a))}};
}

}  // namespace actbench
