// Report, stage 3d: the aggregate as data — CSV (a row per trial, then per group), the summary's ranking as
// its own CSV, and JSON with everything typed (numbers as numbers, null where a value is censored or absent).
#include "report/report_data.hpp"
#include "report/tidy_table.hpp"  // csv_escape
#include "store/run_store.hpp"

#include <sstream>

namespace actbench {

using nlohmann::json;

namespace {

json number_or_null(double v) { return std::isfinite(v) ? json(v) : json(nullptr); }
json mean_or_null(const std::vector<double>& v) { return v.empty() ? json(nullptr) : json(summarise(v).mean); }

const char* verdict_name(RankedEntry::Verdict v) {
    switch (v) {
        case RankedEntry::Verdict::baseline: return "baseline";
        case RankedEntry::Verdict::better: return "better";
        case RankedEntry::Verdict::worse: return "worse";
        case RankedEntry::Verdict::within_noise: return "not_distinguished";
        case RankedEntry::Verdict::underpowered: return "underpowered";
        case RankedEntry::Verdict::equivalent: return "equivalent";
        case RankedEntry::Verdict::undecided: return "undecided";
        case RankedEntry::Verdict::pending: return "pending";
        case RankedEntry::Verdict::alias: return "alias";
        case RankedEntry::Verdict::not_tested: return "not_tested";
    }
    return "";
}

// Steps to the target against the baseline (RankedEntry::Speed); null where not compared.
json speed_json(const RankedEntry::Speed& sp) {
    if (!sp.pairs) return nullptr;
    return {{"pairs", sp.pairs},
            {"sooner", sp.sooner},
            {"later", sp.later},
            {"both_reached", sp.both_reached},
            {"steps_ratio", number_or_null(sp.ratio)},
            {"steps_ratio_ci95", std::isfinite(sp.ratio_ci.low) ? json{sp.ratio_ci.low, sp.ratio_ci.high} : json(nullptr)},
            {"p_value", sp.tested() ? json(sp.p_value) : json(nullptr)},
            {"p_adjusted", sp.tested() ? json(sp.p_adjusted) : json(nullptr)}};
}

json entry_json(const Aggregate& a, const RankedEntry& e) {
    const GroupStats& st = e.group->stats;
    const Comparison& c = e.vs_baseline;
    const bool compared = c.valid && !e.is_baseline;
    const std::vector<double>& flat = !st.dead.empty() ? st.dead : st.inactive;
    return {
        {"rank", e.rank},
        {a.compared_axis, e.group->values[a.compared_axis]},
        {"n", st.acc.n},
        {"mean", st.acc.n ? json(st.acc.mean) : json(nullptr)},
        {"ci95", st.acc.n > 1 ? json{st.acc.ci_low, st.acc.ci_high} : json(nullptr)},
        {"difference", compared ? json(c.difference) : json(nullptr)},
        {"difference_ci95", compared ? json{c.ci_low, c.ci_high} : json(nullptr)},
        {"test", compared ? json(e.paired ? "paired" : "welch") : json(nullptr)},
        {"pairs", e.paired ? json(e.pairs) : json(nullptr)},
        {"wins", e.paired ? json(e.wins) : json(nullptr)},
        {"p_value", compared && !e.sequential ? json(c.p_value) : json(nullptr)},  // none is valid under an adaptive design
        {"p_adjusted", compared && !e.sequential ? json(e.p_adjusted) : json(nullptr)},
        {"design_interval", e.sequential && std::isfinite(e.design_ci.low) ? json{e.design_ci.low, e.design_ci.high} : json(nullptr)},
        {"design_level", e.sequential && std::isfinite(e.design_ci.low) ? json(a.design_level) : json(nullptr)},
        {"probability_of_improvement", std::isfinite(e.improvement) && !e.is_baseline ? json(e.improvement) : json(nullptr)},
        {"probability_of_improvement_ci95",
         std::isfinite(e.improvement) && !e.is_baseline ? json{e.improvement_interval.low, e.improvement_interval.high} : json(nullptr)},
        {"seeds_for_80_percent_power", compared && e.seeds_needed > 0 ? json(e.seeds_needed) : json(nullptr)},
        {"verdict", verdict_name(e.verdict)},
        {"sequential_seeds", e.sequential ? json(e.sequential_seeds) : json(nullptr)},
        {"confirmation",
         e.confirming ? json{{"pairs", e.confirmation.pairs},
                             {"diverged", e.confirmation.diverged},
                             {"difference", e.confirmation.pairs > 1 ? json(e.confirmation.difference) : json(nullptr)},
                             {"interval", e.confirmation.pairs > 1 ? json{e.confirmation.low, e.confirmation.high} : json(nullptr)},
                             {"level", e.confirmation.pairs > 1 ? json(e.confirmation.level) : json(nullptr)},
                             {"confirmed", e.confirmation.confirmed}}
                      : json(nullptr)},
        {"median_steps_to_target", number_or_null(st.median_steps_to_target)},
        {"censored", std::isinf(st.median_steps_to_target)},
        {"speed", speed_json(e.speed)},
        {!st.dead.empty() ? "dead_fraction" : "inactive_fraction", mean_or_null(flat)},
        {"diverged", st.diverged}};
}

std::string plain(const Text& text) {
    std::string s;
    for (const Span& span : text) s += span.text;
    return s;
}

}  // namespace

std::string render_csv(const Aggregate& a) {
    const std::vector<std::string> metrics = report_csv_metrics();
    std::ostringstream csv;
    csv << "row";
    for (const auto& c : a.columns) csv << "," << csv_escape(c);
    csv << ",seed,status,trials";
    for (const std::string& f : metrics) csv << "," << f;
    csv << "\n";
    for (const Group& g : a.groups)
        for (const TrialRecord* t : g.trials) {
            csv << "trial";
            for (const auto& cell : g.cells) csv << "," << csv_escape(cell);
            csv << "," << t->summary["axes"].value("seed", json()).dump() << "," << status_name(t->status()) << ",1";
            for (const std::string& f : metrics) {
                const json v = t->summary.value(f, json());
                csv << "," << (v.is_number() ? v.dump() : std::string());
            }
            csv << "\n";
        }
    for (const Group& g : a.groups) {
        csv << "group";
        for (const auto& cell : g.cells) csv << "," << csv_escape(cell);
        csv << ",,," << g.trials.size();
        for (const std::string& f : metrics) {
            std::vector<double> v;
            for (const TrialRecord* t : g.trials)
                if (t->ok() && t->summary.value(f, json()).is_number()) v.push_back(t->summary[f].get<double>());
            csv << "," << (v.empty() ? std::string() : json(summarise(v).mean).dump());
        }
        csv << "\n";
    }
    return csv.str();
}

std::string render_summary_csv(const Aggregate& a) {
    std::ostringstream csv;
    std::vector<std::string> context_axes;
    for (const auto& c : a.columns)
        if (c != a.compared_axis) context_axes.push_back(c);
    for (const auto& c : context_axes) csv << csv_escape(c) << ",";
    csv << "rank," << csv_escape(a.compared_axis)
        << ",n,mean,ci95_low,ci95_high,difference,difference_ci95_low,difference_ci95_high,test,pairs,wins,p_value,p_adjusted,"
           "probability_of_improvement,probability_of_improvement_ci95_low,probability_of_improvement_ci95_high,seeds_for_80_percent_power,"
           "verdict,median_steps_to_target,censored,dead_or_inactive_fraction,diverged\n";
    auto num = [](const json& v) { return v.is_null() ? std::string() : v.dump(); };
    for (const Ranking& r : a.rankings)
        for (const RankedEntry& e : r.entries) {
            const json j = entry_json(a, e);
            for (const auto& c : context_axes) {
                const json v = r.context.value(c, json());
                csv << csv_escape(v.is_string() ? v.get<std::string>() : v.dump()) << ",";
            }
            const json& value = j[a.compared_axis];
            const json flat = j.contains("dead_fraction") ? j["dead_fraction"] : j["inactive_fraction"];
            csv << e.rank << "," << csv_escape(value.is_string() ? value.get<std::string>() : value.dump()) << "," << j["n"] << ","
                << num(j["mean"]) << "," << (j["ci95"].is_null() ? "," : num(j["ci95"][0]) + "," + num(j["ci95"][1])) << ","
                << num(j["difference"]) << ","
                << (j["difference_ci95"].is_null() ? "," : num(j["difference_ci95"][0]) + "," + num(j["difference_ci95"][1])) << ","
                << (j["test"].is_null() ? "" : j["test"].get<std::string>()) << "," << num(j["pairs"]) << "," << num(j["wins"]) << ","
                << num(j["p_value"]) << "," << num(j["p_adjusted"]) << "," << num(j["probability_of_improvement"]) << ","
                << (j["probability_of_improvement_ci95"].is_null()
                        ? ","
                        : num(j["probability_of_improvement_ci95"][0]) + "," + num(j["probability_of_improvement_ci95"][1]))
                << "," << num(j["seeds_for_80_percent_power"]) << "," << j["verdict"].get<std::string>() << ","
                << num(j["median_steps_to_target"]) << "," << (j["censored"].get<bool>() ? "true" : "false") << "," << num(flat) << ","
                << e.group->stats.diverged << "\n";
        }
    return csv.str();
}

std::string render_json(const Aggregate& a) {
    json rankings = json::array();
    std::size_t comparisons = 0;
    for (const Ranking& r : a.rankings) {
        json entries = json::array();
        for (const RankedEntry& e : r.entries) {
            entries.push_back(entry_json(a, e));
            comparisons += e.vs_baseline.valid && !e.is_baseline;
        }
        rankings.push_back({{"context", r.context}, {"entries", entries}});
    }
    json findings = json::array();
    for (const Text& t : a.findings) findings.push_back(plain(t));
    json groups = json::array();
    for (const Group& g : a.groups) {
        const GroupStats& st = g.stats;
        groups.push_back({{"axes", g.values},
                          {"trials", g.trials.size()},
                          {"final_test_accuracy",
                           {{"n", st.acc.n},
                            {"mean", st.acc.mean},
                            {"std", st.acc.std},
                            {"median", st.acc.median},
                            {"ci95", {st.acc.ci_low, st.acc.ci_high}},
                            {"bootstrap_ci95", {number_or_null(st.mean_bootstrap.low), number_or_null(st.mean_bootstrap.high)}},
                            {"iqm", number_or_null(st.iqm)},
                            {"iqm_ci95", {number_or_null(st.iqm_bootstrap.low), number_or_null(st.iqm_bootstrap.high)}}}},
                          {"convergence",
                           {{"reached", st.reached},
                            {"finished", st.finished},
                            {"median_epochs_to_target", number_or_null(st.median_epochs_to_target)},
                            {"median_steps_to_target", number_or_null(st.median_steps_to_target)}}},
                          {"diverged", st.diverged}});
    }
    json trials = json::array();
    for (const Group& g : a.groups)
        for (const TrialRecord* t : g.trials) {
            json tj = t->summary;
            tj.erase("settings");
            trials.push_back(tj);
        }
    json out{{"sweep", a.manifest["sweep"]},
             {"answer", answer_text(a)},
             {"environment", a.environment},
             {"config", a.config},
             {"summary",
              {{"compared_axis", a.compared_axis},
               {"baseline", a.baseline.is_null() ? json(nullptr) : a.baseline},
               {"alpha", a.alpha},
               {"adjustment", a.adjustment},
               {"paired_seeds", a.paired_seeds},
               {"paired_to_welch_width",
                std::isfinite(a.pairing_ratio_median)
                    ? json{{"median", a.pairing_ratio_median}, {"min", a.pairing_ratio_min}, {"max", a.pairing_ratio_max}}
                    : json(nullptr)},
               {"comparisons", comparisons},
               {"rankings", rankings},
               {"findings", findings}}},
             {"groups", groups},
             {"trials", trials}};
    if (!a.damaged.empty()) {
        json d = json::array();
        for (const auto& [id, why] : a.damaged) d.push_back({{"id", id}, {"error", why}});
        out["damaged"] = d;
    }
    return out.dump(2) + "\n";
}

}  // namespace actbench
