#include "cli/export.hpp"

#include "report/report_data.hpp"
#include "report/tidy_table.hpp"
#include "store/run_store.hpp"

#include <algorithm>
#include <set>

namespace actbench {

using nlohmann::json;

namespace {

json number_or_null(double v) { return std::isfinite(v) ? json(v) : json(nullptr); }

// The sweep's axes, then every other value that varies between stored trials (the tuning stage and the tuned value
// of a tuned study, which the runner records in each summary's axes but the config's grid does not list), sorted.
std::vector<std::string> axis_names(const Aggregate& a, const std::vector<const TrialRecord*>& trials) {
    std::vector<std::string> names;
    for (const auto& axis : a.config["sweep"]["axes"]) names.push_back(axis["name"].get<std::string>());
    std::set<std::string> extra;
    for (const TrialRecord* r : trials)
        for (auto it = r->summary["axes"].begin(); it != r->summary["axes"].end(); ++it)
            if (std::find(names.begin(), names.end(), it.key()) == names.end()) extra.insert(it.key());
    names.insert(names.end(), extra.begin(), extra.end());
    return names;
}

// An adaptive design's round (1-based) of a seed: the first round whose seeds_at includes its position in the
// design's seed list; empty for a seed outside it or a design without rounds.
json adaptive_round(const Aggregate& a, const json& seed) {
    if (!a.adaptive || !seed.is_number_integer()) return json();
    const AdaptiveSpec& spec = *a.adaptive;
    std::size_t position = 0;
    for (const auto& axis : a.config["sweep"]["axes"])
        if (axis["name"] == "seed") {
            const auto& values = axis["values"];
            const auto it = std::find(values.begin(), values.end(), seed);
            if (it == values.end()) return json();
            position = static_cast<std::size_t>(it - values.begin());
        }
    for (int round = 0; round < spec.rounds(); ++round)
        if (position < static_cast<std::size_t>(spec.seeds_at(round))) return round + 1;
    return json();
}

// A trial's stage: "tuning" or "final" in a tuned study, "confirm" for adaptive.confirm's fresh seeds, else empty.
std::string stage_of(const TrialRecord& r) { return r.summary["axes"].value("stage", std::string()); }

TidyTable trials_table(const Aggregate& a, const LoadedRuns& runs, const std::vector<const TrialRecord*>& trials) {
    const auto axes = axis_names(a, trials);
    const bool rounds = a.adaptive.has_value();
    const std::vector<std::string> metrics = trial_csv_metrics();
    TidyTable t;
    t.columns.push_back("trial_id");
    t.columns.insert(t.columns.end(), axes.begin(), axes.end());
    if (rounds) t.columns.push_back("round");
    t.columns.push_back("status");
    t.columns.push_back("error");
    for (const std::string& m : metrics) {
        t.columns.push_back(m);
        if (m == "steps_to_target") t.columns.push_back("target_reached");
    }
    for (const TrialRecord* trial : trials) {
        const TrialRecord& r = *trial;
        const json& s = r.summary;
        std::vector<json> row{s["id"]};
        for (const auto& axis : axes) row.push_back(s["axes"].value(axis, json()));
        if (rounds) row.push_back(stage_of(r) == "tuning" ? json() : adaptive_round(a, s["axes"].value("seed", json())));
        row.push_back(s["status"]);
        row.push_back(s.value("error", json()));
        for (const std::string& m : metrics) {
            row.push_back(s.value(m, json()));
            if (m == "steps_to_target") row.push_back(r.ok() ? json(s["steps_to_target"].is_number()) : json());
        }
        t.rows.push_back(row);
    }
    for (const auto& [id, why] : runs.damaged) {  // listed, with what is wrong; never their numbers
        std::vector<json> row(t.columns.size());
        row[0] = id;
        row[1 + axes.size() + rounds] = "damaged";
        row[2 + axes.size() + rounds] = why;
        t.rows.push_back(row);
    }
    return t;
}

// One metric of an evaluation row in long form: a number is a row, a per-layer list a row per layer, and an object
// (the learned parameters: learned → NAME → mean/std → per layer) its members under dotted names.
void long_rows(TidyTable& t, const json& id, const json& row, const std::string& metric, const json& v) {
    if (v.is_object()) {
        for (auto it = v.begin(); it != v.end(); ++it) long_rows(t, id, row, metric + "." + it.key(), *it);
        return;
    }
    if (!v.is_array()) {
        t.rows.push_back({id, row["step"], row["epoch"], metric, nullptr, v});
        return;
    }
    for (std::size_t l = 0; l < v.size(); ++l) t.rows.push_back({id, row["step"], row["epoch"], metric, l + 1, v[l]});
}

TidyTable curves_table(const std::vector<const TrialRecord*>& trials) {
    TidyTable t{{"trial_id", "step", "epoch", "metric", "layer", "value"}, {}};
    for (const TrialRecord* trial : trials)
        for (const TrialRecord& r = *trial; const json& row : r.metrics)
            for (auto it = row.begin(); it != row.end(); ++it)
                if (it.key() != "step" && it.key() != "epoch") long_rows(t, r.summary["id"], row, it.key(), *it);
    return t;
}

TidyTable groups_table(const Aggregate& a) {
    TidyTable t;
    t.columns = a.columns;
    for (const char* c :
         {"trials", "finished", "diverged", "failed", "n", "mean", "std", "ci95_low", "ci95_high", "bootstrap_ci95_low",
          "bootstrap_ci95_high", "iqm", "iqm_ci95_low", "iqm_ci95_high", "median", "median_steps_to_target", "steps_censored"})
        t.columns.push_back(c);
    for (const Group& g : a.groups) {
        const GroupStats& s = g.stats;
        std::vector<json> row;
        for (const auto& c : a.columns) row.push_back(g.values[c]);
        const bool any = s.acc.n > 0, several = s.acc.n > 1;
        for (json v :
             {json(g.trials.size()), json(s.finished), json(s.diverged), json(s.failed), json(s.acc.n), any ? json(s.acc.mean) : json(),
              several ? json(s.acc.std) : json(), several ? json(s.acc.ci_low) : json(), several ? json(s.acc.ci_high) : json(),
              several ? number_or_null(s.mean_bootstrap.low) : json(), several ? number_or_null(s.mean_bootstrap.high) : json(),
              number_or_null(s.iqm), several ? number_or_null(s.iqm_bootstrap.low) : json(),
              several ? number_or_null(s.iqm_bootstrap.high) : json(), any ? json(s.acc.median) : json(),
              number_or_null(s.median_steps_to_target), any ? json(std::isinf(s.median_steps_to_target)) : json()})
            row.push_back(v);
        t.rows.push_back(row);
    }
    return t;
}

}  // namespace

std::map<std::string, std::string> export_runs(const std::vector<std::filesystem::path>& run_dirs, const std::string& format,
                                               const std::string& stage) {
    const LoadedRuns runs = load_runs(run_dirs);
    const Aggregate a = aggregate(runs);
    // A tuned study's tuning trials ran at the values the tuning rejected too: left out unless asked for, so that a
    // plain mean over trials.csv is the final stage's (trials of an untuned study have no stage and always count).
    std::vector<const TrialRecord*> trials;
    for (const TrialRecord& r : runs.trials)
        if (stage == "all" || stage_of(r) == stage || (stage_of(r).empty() && stage == "final")) trials.push_back(&r);
    auto write = [&](const TidyTable& t) { return format == "jsonl" ? to_jsonl(t) : to_csv(t); };
    const std::string ext = format == "jsonl" ? ".jsonl" : ".csv";
    return {{std::string("trials").append(ext), write(trials_table(a, runs, trials))},
            {std::string("curves").append(ext), write(curves_table(trials))},
            {std::string("groups").append(ext), write(groups_table(a))}};
}

}  // namespace actbench
