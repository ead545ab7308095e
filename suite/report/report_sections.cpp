// Report, stage 3a: the aggregate as a document — the summary first (ranking, findings, forest plot,
// heatmap), then the long tables, then the curves as small multiples. Every caption defines its columns.
#include "core/error.hpp"
#include "report/report.hpp"
#include "report/report_data.hpp"
#include "report/svg_plot.hpp"

#include <algorithm>
#include <cstdio>
#include <map>
#include <optional>
#include <set>

namespace actbench {

using nlohmann::json;

namespace {

const char* const kPalette[] = {"#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b", "#e377c2", "#17becf", "#7f7f7f", "#bcbd22"};

std::string fmt(const char* format, double v) {
    if (!std::isfinite(v)) return "—";
    char buf[64];
    std::snprintf(buf, sizeof buf, format, v);
    return buf;
}

std::string mean_std(const std::vector<double>& v, const char* format) {
    if (v.empty()) return "—";
    const Summary s = summarise(v);
    return v.size() > 1 ? fmt(format, s.mean) + " ± " + fmt(format, s.std) : fmt(format, s.mean);
}

Cell cell(std::string text, double sort = NAN) { return {std::move(text), sort}; }
// "[low, high]", each bound in `format`.
std::string interval_text(const char* format, double low, double high) { return "[" + fmt(format, low) + ", " + fmt(format, high) + "]"; }
Cell stat_cell(const std::vector<double>& v, const char* format) { return cell(mean_std(v, format), v.empty() ? NAN : summarise(v).mean); }
// The 95% Student-t interval of the mean of fractions, "[low, high]", clipped to [0, 1] (with three seeds it can
// reach past either); "—" with fewer than two values.
Cell fraction_ci_cell(const std::vector<double>& v) {
    if (v.size() < 2) return cell("—");
    const Summary m = summarise(v);
    return cell(interval_text("%.3f", std::max(0.0, m.ci_low), std::min(1.0, m.ci_high)));
}


// A table with a column per axis, then `rest`; `numeric` says which of `rest` are numbers.
Table group_table(const Aggregate& a, const std::vector<std::string>& rest) {
    Table t;
    t.header = a.columns;
    t.numeric.assign(a.columns.size(), false);
    for (const auto& r : rest) t.header.push_back(r), t.numeric.push_back(true);
    return t;
}
std::vector<Cell> group_cells(const Group& g) {
    std::vector<Cell> row;
    for (const auto& c : g.cells) row.push_back(cell(c));
    return row;
}

// Mean over a group's finished trials of a metric at each evaluation point (by step), with its min and max.
struct Curve {
    std::vector<double> x, y, low, high;
};
Curve curve(const Group& g, const char* x_key, const char* y_key, bool epoch_ends_only = false) {
    std::map<long, std::vector<double>> ys;
    std::map<long, double> xs;
    for (const TrialRecord* t : g.trials) {
        if (!t->ok()) continue;
        for (const json& row : t->metrics) {
            if (epoch_ends_only && !row["epoch"].is_number_integer()) continue;
            if (!row.contains(y_key) || !row[y_key].is_number()) continue;
            const long step = row["step"].get<long>();
            ys[step].push_back(row[y_key].get<double>());
            xs[step] = row[x_key].get<double>();
        }
    }
    Curve c;
    for (const auto& [step, v] : ys) {
        const Summary s = summarise(v);
        c.x.push_back(xs[step]), c.y.push_back(s.mean), c.low.push_back(s.min), c.high.push_back(s.max);
    }
    return c;
}

// A per-layer metric (a list, one value per activation layer) at each evaluation step, averaged over the
// group's finished trials; null entries (undefined for that layer) are skipped.
std::map<long, std::vector<double>> layer_curve(const Group& g, const char* key) {
    std::map<long, std::vector<double>> sum, count;
    for (const TrialRecord* t : g.trials) {
        if (!t->ok()) continue;
        for (const json& row : t->metrics) {
            if (!row.contains(key)) continue;
            const json& v = row[key];
            auto& s = sum[row["step"].get<long>()];
            auto& c = count[row["step"].get<long>()];
            s.resize(std::max(s.size(), v.size()), 0.0), c.resize(s.size(), 0.0);
            for (std::size_t l = 0; l < v.size(); ++l)
                if (v[l].is_number()) s[l] += v[l].get<double>(), c[l] += 1;
        }
    }
    for (auto& [step, s] : sum)
        for (std::size_t l = 0; l < s.size(); ++l) s[l] = count[step][l] > 0 ? s[l] / count[step][l] : NAN;
    return sum;
}

double at(const std::vector<double>& v, std::size_t i) { return i < v.size() ? v[i] : NAN; }
double normal_cdf(double x) { return 0.5 * std::erfc(-x / std::sqrt(2.0)); }

const char* verdict_text(RankedEntry::Verdict v) {
    switch (v) {
        case RankedEntry::Verdict::baseline: return "baseline";
        case RankedEntry::Verdict::better: return "better";
        case RankedEntry::Verdict::worse: return "worse";
        case RankedEntry::Verdict::within_noise: return "not distinguished";
        case RankedEntry::Verdict::underpowered: return "underpowered";
        case RankedEntry::Verdict::not_tested: return "not tested";
        case RankedEntry::Verdict::equivalent: return "equivalent";
        case RankedEntry::Verdict::undecided: return "undecided at max";
        case RankedEntry::Verdict::pending: return "pending: rounds to go";
    }
    return "";
}
const char* verdict_color(RankedEntry::Verdict v) {
    switch (v) {
        case RankedEntry::Verdict::baseline: return "#222222";
        case RankedEntry::Verdict::better: return "#2ca02c";
        case RankedEntry::Verdict::worse: return "#d62728";
        default: return "#7f9fbf";
    }
}

Section section(std::string id, std::string title) {
    Section s;
    s.id = std::move(id);
    s.title = std::move(title);
    return s;
}

std::string steps_text(double steps) { return std::isinf(steps) ? "> max" : fmt("%.0f", steps); }

Section opening(const Aggregate& a) {
    Section s;
    s.level = 1;
    s.title = "actbench report: " + a.manifest.value("sweep", std::string("?"));
    std::string dirs;
    for (const auto& d : a.dirs) dirs += (dirs.empty() ? "`" : ", `") + d.lexically_normal().string() + "`";
    int confirmation = 0;  // adaptive.confirm's fresh seeds, kept apart from the rounds' groups
    for (const Group& g : a.groups) confirmation += static_cast<int>(g.confirmation_trials.size());
    const int tuning = a.trial_count - (a.ok + a.diverged + a.failed) - confirmation;  // stage-1 trials, kept out of the tables
    s.paragraphs.push_back(spans(std::to_string(a.trial_count) + " trials" + (tuning > 0 ? " (" + std::to_string(tuning) + " tuning, then " +
                                                                                             std::to_string(a.ok + a.diverged + a.failed) + " final: "
                                                                                       : " (") +
                                 std::to_string(a.ok) + " ok, " + std::to_string(a.diverged) + " diverged" +
                                 (a.failed ? ", " + std::to_string(a.failed) + " failed" : "") +
                                 (confirmation ? "; then " + std::to_string(confirmation) + " confirmation" : "") + ") from " + dirs + "."));
    const json& env = a.environment;
    s.paragraphs.push_back(spans("actbench " + env["actbench_version"].get<std::string>() + " (" + env["git_commit"].get<std::string>() +
                                 "), oneDNN " + env["onednn_version"].get<std::string>() + ", OpenCV " + env["opencv_version"].get<std::string>() +
                                 ", " + env["cpu_model"].get<std::string>() + ", ISA " + env["cpu_isa"].get<std::string>() + ", " +
                                 std::to_string(env["threads_per_trial"].get<int>()) + " thread(s) per trial."));
    double wall = 0;
    for (const json& r : a.run_log) {
        wall += r["wall_seconds"].get<double>();
        s.bullets.push_back(spans("`" + r["command"].get<std::string>() + "` (commit " + r["commit"].get<std::string>() + ", " +
                                  std::to_string(r["jobs"].get<int>()) + " jobs × " + std::to_string(r["threads_per_trial"].get<int>()) +
                                  " thread(s)): " + std::to_string(r["trials_finished"].get<int>()) + " trials in " +
                                  fmt("%.0f", r["wall_seconds"].get<double>()) + " s" + (r.value("interrupted", false) ? ", interrupted" : "")));
    }
    if (!a.run_log.empty())
        s.paragraphs.push_back(spans("Produced by" + std::string(a.dirs.size() > 1 ? " (all directories)" : "") + " the commands below; wall time " +
                                     fmt("%.0f", wall) + " s (" + fmt("%.1f", wall / 60) + " min) in all."));
    std::size_t fewest = SIZE_MAX;
    for (const Group& g : a.groups) fewest = std::min(fewest, g.trials.size());
    if (!a.groups.empty() && fewest < 5)
        s.closing.push_back(spans("**Warning:** some groups have fewer than 5 seeds (the smallest has " + std::to_string(fewest) +
                                     "); their standard deviations and intervals are rough, and differences of a point or so are within noise."));
    if (!a.damaged.empty()) {
        s.closing.push_back(spans("**Damaged:** " + std::to_string(a.damaged.size()) +
                                  " trial folder(s) hold files that fail the run store's checks; they are left out of every table below "
                                  "(`actbench run` retrains them):"));
        Table t;
        t.header = {"trial", "what is wrong"};
        t.numeric = {false, false};
        for (const auto& [id, why] : a.damaged) t.rows.push_back({cell(id), cell(why)});
        s.tables.push_back(t);
    }
    return s;
}

// One ranked group's row of the summary table: rank, value, n, mean and interval; against the baseline the
// difference, test, p-values, probability of improvement, seeds for power and verdict; then speed, dead units and
// divergences.
std::vector<Cell> summary_row(const Aggregate& a, const RankedEntry& e, bool with_baseline) {
    const GroupStats& st = e.group->stats;
    std::vector<Cell> row{cell(std::to_string(e.rank), e.rank), cell(value_text(e.group->values[a.compared_axis])),
                          cell(std::to_string(st.acc.n), static_cast<double>(st.acc.n)),
                          cell(st.acc.n ? fmt("%.4f", st.acc.mean) : "—", st.acc.n ? st.acc.mean : NAN),
                          cell(st.acc.n > 1 ? interval_text("%.4f", st.acc.ci_low, st.acc.ci_high) : "—")};
    if (with_baseline) {
        const Comparison& c = e.vs_baseline;
        const bool shown = c.valid && !e.is_baseline;
        row.push_back(cell(shown ? fmt("%+.4f", c.difference) : "—", shown ? c.difference : NAN));
        // With adaptive seeds: the repeated interval the decision used, and no fixed-sample p (not valid under the design).
        const bool design = e.sequential && std::isfinite(e.design_ci.low);
        row.push_back(cell(!shown  ? "—"
                           : design ? interval_text("%+.4f", e.design_ci.low, e.design_ci.high)
                                    : interval_text("%+.4f", c.ci_low, c.ci_high)));
        row.push_back(cell(!shown ? "—" : e.paired ? "paired, " + std::to_string(e.pairs) + " seeds, wins " + fmt("%.0f%%", 100 * e.wins)
                                                   : std::string("Welch")));
        row.push_back(cell(shown && !e.sequential ? fmt("%.3g", c.p_value) : "—", shown && !e.sequential ? c.p_value : NAN));
        row.push_back(cell(shown && !e.sequential ? fmt("%.3g", e.p_adjusted) : "—", shown && !e.sequential ? e.p_adjusted : NAN));
        const bool poi = !e.is_baseline && std::isfinite(e.improvement);
        row.push_back(cell(poi ? fmt("%.2f", e.improvement) + " " + interval_text("%.2f", e.improvement_interval.low, e.improvement_interval.high)
                               : "—",
                           poi ? e.improvement : NAN));
        row.push_back(cell(!shown ? "—" : e.seeds_needed < 0 ? "> 100000" : std::to_string(e.seeds_needed),
                           !shown ? NAN : e.seeds_needed < 0 ? 1e300 : e.seeds_needed));
        row.push_back(cell(std::string(verdict_text(e.verdict)) +
                           (e.sequential ? " (" + std::to_string(e.sequential_seeds) + " seeds)" : std::string())));
    }
    const std::vector<double>& flat = !st.dead.empty() ? st.dead : st.inactive;
    row.push_back(cell(steps_text(st.median_steps_to_target), std::isinf(st.median_steps_to_target) ? 1e300 : st.median_steps_to_target));
    row.push_back(cell(flat.empty() ? "n/a" : fmt("%.3f", summarise(flat).mean) + (!st.dead.empty() ? " dead" : " inactive"),
                       flat.empty() ? NAN : summarise(flat).mean));
    row.push_back(cell(std::to_string(st.diverged), st.diverged));
    return row;
}

// adaptive.confirm: each decided comparison beside its effect on the fresh seeds alone.
Table confirmation_table(const Aggregate& a) {
    Table t;
    t.title = "Confirmation on fresh seeds";
    t.header = {a.compared_axis, "context", "decision", "Δ on the rounds' seeds", "fresh seeds", "Δ on the fresh seeds", "interval", "confirmed"};
    t.numeric = {false, false, false, true, true, true, false, false};
    for (const Ranking& r : a.rankings)
        for (const RankedEntry& e : r.entries) {
            if (!e.confirming) continue;
            const Confirmation& c = e.confirmation;
            const bool complete = c.pairs >= a.adaptive->confirm && c.pairs > 1;
            t.rows.push_back({cell(value_text(e.group->values[a.compared_axis])), cell(r.context_label.empty() ? "—" : r.context_label),
                              cell(std::string(verdict_text(e.verdict)) + " (" + std::to_string(e.sequential_seeds) + " seeds)"),
                              cell(fmt("%+.4f", e.vs_baseline.difference), e.vs_baseline.difference), cell(std::to_string(c.pairs), c.pairs),
                              c.pairs > 1 ? cell(fmt("%+.4f", c.difference), c.difference) : cell("—"),
                              c.pairs > 1 ? cell(interval_text("%+.4f", c.low, c.high)) : cell("—"),
                              cell(!complete ? "waiting (" + std::to_string(c.pairs) + " of " + std::to_string(a.adaptive->confirm) + ")"
                                   : c.confirmed ? "confirmed"
                                                 : "not confirmed")});
        }
    t.caption = spans("The decisions of the rounds, each checked on " + std::to_string(a.adaptive->confirm) +
                      " fresh paired seeds trained after them (no round used them): *Δ on the fresh seeds* is the mean paired difference "
                      "from the baseline there, unbiased by where the rounds stopped, with its interval at " +
                      fmt("%.2f", 100 * (1 - a.confirmation_alpha)) + "% (α = 0.05 split over the decisions; an equivalence's at the TOST's "
                      "1 − 2α). *confirmed*: better with the interval above 0, worse below 0, equivalent inside ±" + fmt("%.3f", a.adaptive->margin) +
                      " with no diverged seed. A diverged fresh seed counts at accuracy 0.");
    return t;
}

Section summary(const Aggregate& a) {
    Section s;
    s.id = "summary";
    s.title = "Summary: which " + a.compared_axis + ", and how sure";
    s.paragraphs = a.findings;
    const bool with_baseline = !a.baseline.is_null();
    const std::string adjusted = a.adjustment == "bh" ? "p (BH)" : "p (Holm)";
    for (const Ranking& r : a.rankings) {
        Table t;
        t.header = {"rank", a.compared_axis, "n", "test accuracy", "95% CI"};
        std::vector<std::size_t> text_columns{1, 4};
        if (with_baseline) {
            for (const std::string& h : std::vector<std::string>{"Δ vs baseline", a.adaptive ? "CI of Δ (design)" : "95% CI of Δ", "test", "p", adjusted,
                                                                 "P(> baseline)", "seeds for 80% power", "verdict"})
                t.header.push_back(h);
            for (std::size_t c : {6, 7, 10, 12}) text_columns.push_back(c);
        }
        for (const char* h : {"median steps to target", "dead / inactive", "diverged"}) t.header.push_back(h);
        t.numeric.assign(t.header.size(), true);
        for (std::size_t c : text_columns) t.numeric[c] = false;
        for (const RankedEntry& e : r.entries) t.rows.push_back(summary_row(a, e, with_baseline));
        if (!r.context_label.empty()) t.title = "With " + r.context_label;
        s.tables.push_back(t);
    }
    if (!s.tables.empty()) {
        Text& caption = s.tables.back().caption;
        const std::string family = std::to_string(a.comparisons) + " comparison(s)";
        const std::string correction = a.adjustment == "bh" ? "Benjamini–Hochberg (false discovery rate)" : "Holm (family-wise error)";
        const Text definitions = spans(
            std::string("Ranked by the mean final test accuracy over every seed, a diverged one at 0 (the worst outcome; equal means share "
                        "a rank); *test accuracy*: the mean over the seeds that finished (*n*), with its 95% Student-t interval; *diverged*: "
                        "the seeds that did not, each counted at accuracy 0 in Δ and the tests.") +
            (with_baseline
                 ? " *Δ*: the difference from **" + a.baseline_text() + "** with the same other settings, with its 95% interval. *test*: "
                   "*paired* where both groups finished the same seeds (the run's seeds are paired: same data order and initial draws) — "
                   "the mean of the per-seed differences, the paired t-test, and *wins*, the share of seeds on which the group beat the "
                   "baseline — else *Welch*'s unequal-variance test. *p*: that test's two-sided p; *" + adjusted + "*: adjusted by " +
                       correction + " over the report's family of " + family + ". *P(> baseline)*: the probability that a trial of the "
                   "group beats one of the baseline (ties half; a diverged trial is the worst outcome), with its bootstrap interval "
                   "(Agarwal et al. 2021). *seeds for 80% power*: per group (paired: seeds) to detect the observed difference at " +
                       (a.adaptive ? "α/(m·K) = " + fmt("%.2g", a.power_alpha) + ", the level of each look of the rounds"
                                   : "α/" + std::to_string(std::max<std::size_t>(a.comparisons, 1))) +
                       ". *verdict*: *better* or *worse* where the adjusted p < 0.05; "
                   "otherwise *underpowered* when the seeds here are fewer than that, else *not distinguished* — neither means equal." +
                       std::string(a.adaptive ? " With adaptive seeds the verdict is instead the rounds' decision (better, worse, "
                                                "equivalent within the margin, or undecided at the most seeds), with the seeds it took; "
                                                "*CI of Δ (design)* is the repeated confidence interval at " + fmt("%.2f", 100 * a.design_level) +
                                                "% = 1 − α/(m·K), each look's level, which the decision used and which holds wherever the "
                                                "design stopped (Jennison & Turnbull 2000) — where a seed diverged, the deciding view's at "
                                                "1 − α/(2·m·K), and where that view was the seeds both sides finished, their interval (centred "
                                                "on their difference, not on Δ); no fixed-sample p is shown, since none is valid under the design."
                                              : "")
                 : std::string()) +
            " *median steps to target*: the median over seeds of the first step at which the training error (over the last "
            "epoch's mini-batches) reached " + fmt("%.2f", a.target) + "; *> max*: the median seed never did (censored). "
            "*dead / inactive*: the final fraction of dead units (rectifiers) or inactive ones (others).");
        caption.insert(caption.end(), definitions.begin(), definitions.end());
    }
    if (a.adaptive && a.adaptive->confirm > 0) s.tables.push_back(confirmation_table(a));
    return s;
}

// Forest plot of every group's mean final accuracy; the baseline as a line (one context) or a tick per row.
Figure forest(const Aggregate& a) {
    std::vector<ForestRow> rows;
    for (const Ranking& r : a.rankings)
        for (const RankedEntry& e : r.entries) {
            const Summary& acc = e.group->stats.acc;
            if (acc.n == 0) continue;
            ForestRow row;
            row.label = value_text(e.group->values[a.compared_axis]) + (r.context_label.empty() ? "" : " (" + r.context_label + ")");
            row.estimate = acc.mean;
            row.low = acc.n > 1 ? acc.ci_low : acc.mean;
            row.high = acc.n > 1 ? acc.ci_high : acc.mean;
            row.reference = r.baseline && r.baseline->stats.acc.n ? r.baseline->stats.acc.mean : NAN;
            row.color = verdict_color(e.verdict);
            row.note = std::string(verdict_text(e.verdict)) + ", n = " + std::to_string(acc.n);
            rows.push_back(row);
        }
    std::stable_sort(rows.begin(), rows.end(), [](const ForestRow& x, const ForestRow& y) { return x.estimate > y.estimate; });
    const bool one_context = a.rankings.size() == 1 && a.rankings[0].baseline;
    const double reference = one_context && a.rankings[0].baseline->stats.acc.n ? a.rankings[0].baseline->stats.acc.mean : NAN;
    return {"forest", "Final test accuracy by group",
            svg_forest_plot("Final test accuracy, mean and 95% interval over seeds" +
                                std::string(a.baseline.is_null() ? "" : " (dashed / grey tick: " + a.baseline_text() + ")"),
                            "final test accuracy", rows, reference,
                            a.baseline.is_null() ? "" : "green: better than the baseline; red: worse; blue-grey: not distinguished; black: the baseline")};
}

// The compared axis against every other combination of axes: mean accuracy, marked where it differs from the baseline.
Figure heatmap(const Aggregate& a) {
    std::vector<std::string> row_labels, column_labels;
    std::map<std::string, std::size_t> row_of;
    for (std::size_t i = 0; i < a.columns.size(); ++i)
        if (a.columns[i] == a.compared_axis)
            for (const auto& v : a.column_values[i]) row_of[v.dump()] = row_labels.size(), row_labels.push_back(value_text(v));
    std::vector<std::vector<double>> values(row_labels.size(), std::vector<double>(a.rankings.size(), NAN));
    std::vector<std::vector<std::string>> marks(row_labels.size(), std::vector<std::string>(a.rankings.size()));
    for (std::size_t c = 0; c < a.rankings.size(); ++c) {
        column_labels.push_back(a.rankings[c].context_label);
        for (const RankedEntry& e : a.rankings[c].entries) {
            const auto it = row_of.find(e.group->values[a.compared_axis].dump());
            if (it == row_of.end() || e.group->stats.acc.n == 0) continue;
            values[it->second][c] = e.group->stats.acc.mean;
            marks[it->second][c] = e.verdict == RankedEntry::Verdict::better ? " ▲" : e.verdict == RankedEntry::Verdict::worse ? " ▼" : "";
        }
    }
    return {"heatmap", "Mean final test accuracy by " + a.compared_axis + " and the other axes",
            svg_heatmap("Mean final test accuracy: " + a.compared_axis + " × the other axes", row_labels, column_labels, values, marks,
                        a.baseline.is_null() ? "" : "▲ / ▼: better / worse than " + a.baseline_text() + " in that column (Holm-adjusted p < 0.05)")};
}

// Curves as small multiples: a panel per value of the compared axis, a colour per combination of the others.
template <class AddSeries>
std::vector<Panel> by_compared_value(const Aggregate& a, AddSeries&& add) {
    std::vector<Panel> panels;
    std::map<std::string, std::size_t> panel_of;
    std::map<std::string, std::size_t> colour_of;  // by context
    for (const Ranking& r : a.rankings) colour_of.emplace(r.context.dump(), colour_of.size());
    for (const Group& g : a.groups) {
        const std::string key = g.values[a.compared_axis].dump();
        if (!panel_of.count(key)) panel_of[key] = panels.size(), panels.push_back({value_text(g.values[a.compared_axis]), {}});
        const json context = a.context_of(g.values);
        const std::string label = a.context_text(g.values, {a.compared_axis, a.tune_axis});
        add(g, label.empty() ? "mean over seeds" : label, kPalette[colour_of[context.dump()] % 10], panels[panel_of[key]].series);
    }
    return panels;
}

MultiPlotSpec multiples(const std::string& title, const std::string& x, const std::string& y) {
    MultiPlotSpec m;
    m.title = title, m.x_label = x, m.y_label = y;
    return m;
}

// Zero fraction per activation layer, at initialisation (dashed) and at the end.
Figure zeros_figure(const Aggregate& a, const std::string& per) {
    std::size_t layers = 0;
    for (const Group& g : a.groups)
        for (const TrialRecord* t : g.trials)
            if (t->ok()) layers = std::max(layers, t->metrics.front()["zero_fraction"].size());
    MultiPlotSpec zeros = multiples("Zero fraction per activation layer (dashed: at initialisation; solid: at the end)" + per,
                                    "activation layer", "fraction of exact zeros");
    for (std::size_t l = 0; l < layers; ++l) zeros.x_names.push_back("act" + std::to_string(l + 1));
    return {"zeros", "Zero fraction per activation layer",
            svg_small_multiples(zeros, by_compared_value(a, [&](const Group& g, const std::string& l, const char* c, std::vector<Series>& out) {
                const auto per_layer = layer_curve(g, "zero_fraction");
                if (per_layer.empty()) return;
                for (int which = 0; which < 2; ++which) {
                    const auto& v = which == 0 ? per_layer.begin()->second : per_layer.rbegin()->second;
                    Series s{l + (which == 0 ? " (init)" : ""), c, {}, {}, {}, {}, which == 0};
                    for (std::size_t k = 0; k < v.size(); ++k) s.x.push_back(static_cast<double>(k + 1)), s.y.push_back(v[k]);
                    out.push_back(s);
                }
            }))};
}

// The dead fraction against the learning rate, when the rate is an axis: a panel per compared value, a line per
// other setting, in the order of the rate.
std::optional<Figure> dead_vs_lr_figure(const Aggregate& a, const std::string& per) {
    if (std::find(a.columns.begin(), a.columns.end(), "train.lr") == a.columns.end()) return std::nullopt;
    std::vector<Panel> panels;
    std::map<std::string, std::size_t> panel_of, colour_of;
    std::map<std::pair<std::size_t, std::string>, std::size_t> series_of;
    for (const Group& g : a.groups) {
        if (g.stats.dead.empty()) continue;
        const std::string key = g.values[a.compared_axis].dump();
        if (!panel_of.count(key)) panel_of[key] = panels.size(), panels.push_back({value_text(g.values[a.compared_axis]), {}});
        std::string label = a.context_text(g.values, {a.compared_axis, "train.lr"});
        if (label.empty()) label = "mean over seeds";
        const std::size_t p = panel_of[key];
        if (!colour_of.count(label)) colour_of.emplace(label, colour_of.size());
        if (!series_of.count({p, label})) {
            series_of[{p, label}] = panels[p].series.size();
            panels[p].series.push_back({label, kPalette[colour_of[label] % 10], {}, {}, {}, {}, false});
        }
        Series& s = panels[p].series[series_of[{p, label}]];
        s.x.push_back(g.values["train.lr"].get<double>());
        s.y.push_back(summarise(g.stats.dead).mean);
    }
    for (Panel& p : panels)
        for (Series& s : p.series) {  // in the order of the rate
            std::vector<std::size_t> order(s.x.size());
            for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
            std::sort(order.begin(), order.end(), [&](std::size_t i, std::size_t j) { return s.x[i] < s.x[j]; });
            Series sorted = s;
            for (std::size_t i = 0; i < order.size(); ++i) sorted.x[i] = s.x[order[i]], sorted.y[i] = s.y[order[i]];
            s = sorted;
        }
    if (panels.empty()) return std::nullopt;
    MultiPlotSpec m = multiples("Dead-unit fraction after training against the learning rate" + per, "learning rate (log scale)", "dead fraction");
    m.log_x = true;
    for (std::size_t i = 0; i < a.columns.size(); ++i)  // a tick at each rate of the sweep
        if (a.columns[i] == "train.lr")
            for (const auto& v : a.column_values[i])
                if (v.is_number()) m.x_ticks.push_back(v.get<double>());
    return Figure{"dead_vs_lr", "Dead-unit fraction against the learning rate", svg_small_multiples(m, panels)};
}

std::vector<Figure> curves(const Aggregate& a) {
    std::vector<Figure> figures;
    const std::string per = " (a panel per " + a.compared_axis + ")";
    auto line = [](const Curve& c, const std::string& label, const char* colour, bool band) {
        Series s{label, colour, c.x, c.y, band ? c.low : std::vector<double>{}, band ? c.high : std::vector<double>{}, false};
        return s;
    };
    MultiPlotSpec loss = multiples("Training loss, mean over seeds (band: min to max; log scale)" + per, "step", "cross-entropy");
    loss.log_y = true;  // a diverging seed's loss runs to 10^4 and more
    figures.push_back({"loss", "Training loss",
                       svg_small_multiples(loss,
                                           by_compared_value(a, [&](const Group& g, const std::string& l, const char* c, std::vector<Series>& out) {
                                               out.push_back(line(curve(g, "step", "train_loss"), l, c, true));
                                           }))});
    figures.push_back({"accuracy", "Test accuracy",
                       svg_small_multiples(multiples("Test accuracy, mean over seeds (band: min to max)" + per, "epoch", "top-1 accuracy"),
                                           by_compared_value(a, [&](const Group& g, const std::string& l, const char* c, std::vector<Series>& out) {
                                               out.push_back(line(curve(g, "epoch", "test_accuracy"), l, c, true));
                                           }))});
    // The last activation layer's mean output (Glorot & Bengio 2010's saturation of the top hidden layer shows here).
    figures.push_back({"last_layer_mean", "Mean output of the last activation layer",
                       svg_small_multiples(multiples("Mean output of the last activation layer (probe set, mean over seeds)" + per, "step", "mean activation"),
                                           by_compared_value(a, [&](const Group& g, const std::string& l, const char* c, std::vector<Series>& out) {
                                               Series s{l, c, {}, {}, {}, {}, false};
                                               for (const auto& [step, v] : layer_curve(g, "mean"))
                                                   if (!v.empty() && std::isfinite(v.back())) s.x.push_back(static_cast<double>(step)), s.y.push_back(v.back());
                                               out.push_back(s);
                                           }))});
    figures.push_back(zeros_figure(a, per));
    if (auto dead = dead_vs_lr_figure(a, per)) figures.push_back(std::move(*dead));
    return figures;
}

// tune: per cell, the validation score of every value tried, the choice and whether it sits at the grid's edge;
// and the tuning curves as small multiples.
Section tuning_section(const Aggregate& a) {
    Section s = section("tuning", "Tuning: " + a.tune_axis + " chosen per cell on the validation split");
    const std::string score = a.tune_select == "validation_loss" ? "validation loss" : "validation accuracy";
    int at_edge = 0;
    for (const auto& cell : a.tuning) at_edge += cell.chosen >= 0 && cell.at_edge;
    s.paragraphs.push_back(spans("Stage 1 trained every value of `" + a.tune_axis + "` with the tuning seeds on the training split minus "
                                 "the validation split and chose, per cell, the value with the best mean " + score +
                                 " (a value with a diverged seed is never chosen; ties go to the earlier value); stage 2 trained the "
                                 "cell's final seeds at that value, and only those are in the tables above and below." +
                                 (at_edge ? " **" + std::to_string(at_edge) + " of " + std::to_string(a.tuning.size()) +
                                                " cell(s) chose a value at the edge of the grid**: the best may lie beyond it — widen the grid there."
                                          : std::string(" Every choice lies inside the grid."))));
    Table t;
    std::vector<std::string> axes;
    for (const auto& c : a.columns)
        if (c != a.tune_axis && a.tuning.front().values.contains(c)) axes.push_back(c);
    t.header = axes;
    t.numeric.assign(axes.size(), false);
    for (const auto& v : a.tuning.front().tried) t.header.push_back(a.tune_axis + " " + value_text(v.value)), t.numeric.push_back(true);
    t.header.push_back("chosen"), t.numeric.push_back(true);
    t.header.push_back("at the edge"), t.numeric.push_back(false);
    for (const auto& tc : a.tuning) {
        std::vector<Cell> row;
        for (const auto& c : axes) row.push_back(cell(value_text(tc.values[c])));
        for (std::size_t i = 0; i < tc.tried.size(); ++i) {
            const TunedValue& v = tc.tried[i];
            const double mean = v.scores.empty() ? NAN : summarise(v.scores).mean;
            std::string text = v.diverged ? std::to_string(v.diverged) + " diverged" : fmt("%.4f", mean);
            if (static_cast<int>(i) == tc.chosen) text += " ◀";
            row.push_back(cell(text, v.diverged ? NAN : mean));
        }
        row.push_back(cell(tc.chosen >= 0 ? value_text(tc.tried[static_cast<std::size_t>(tc.chosen)].value) : "none"));
        row.push_back(cell(tc.chosen >= 0 && tc.at_edge ? "yes" : ""));
        t.rows.push_back(row);
    }
    t.caption = spans("Mean " + score + " over the tuning seeds for each value; ◀ marks the value chosen.");
    s.tables.push_back(t);
    // The tuning curves: a panel per compared value, a colour per other context.
    std::vector<Panel> panels;
    std::map<std::string, std::size_t> panel_of, colour_of;
    bool positive = true;
    for (const auto& v : a.tuning.front().tried) positive &= v.value.is_number() && v.value.get<double>() > 0;
    for (const auto& cell : a.tuning) {
        const std::string key = cell.values.value(a.compared_axis, json()).dump();
        if (!panel_of.count(key)) panel_of[key] = panels.size(), panels.push_back({value_text(cell.values.value(a.compared_axis, json())), {}});
        std::string label = a.context_text(cell.values, {a.compared_axis, a.tune_axis});
        if (label.empty()) label = "mean over the tuning seeds";
        if (!colour_of.count(label)) colour_of.emplace(label, colour_of.size());
        Series series{label, kPalette[colour_of[label] % 10], {}, {}, {}, {}, false};
        for (const TunedValue& v : cell.tried) {
            if (!v.value.is_number()) continue;
            series.x.push_back(v.value.get<double>());
            series.y.push_back(v.scores.empty() || v.diverged ? NAN : summarise(v.scores).mean);
        }
        panels[panel_of[key]].series.push_back(series);
    }
    MultiPlotSpec m = multiples("Tuning: " + score + " against " + a.tune_axis + " (a panel per " + a.compared_axis + ")", a.tune_axis, score);
    m.log_x = positive;
    for (const auto& v : a.tuning.front().tried)
        if (v.value.is_number()) m.x_ticks.push_back(v.value.get<double>());  // a tick at each value tried
    s.figures.push_back({"tuning", "Tuning curves", svg_small_multiples(m, panels)});
    return s;
}

Section overview_section(const Aggregate& a) {
    Section s = section("overview", "Overview");
    Table t = group_table(a, {"seeds", "diverged", "test accuracy", "train loss by epoch", "zero fraction init → final", "dead units"});
    t.numeric[a.columns.size() + 3] = false, t.numeric[a.columns.size() + 4] = false;
    for (const Group& g : a.groups) {
        std::string losses;
        const Curve c = curve(g, "epoch", "train_loss", true);
        for (double y : c.y) losses += (losses.empty() ? "" : " / ") + fmt("%.3f", y);
        const GroupStats& st = g.stats;
        auto row = group_cells(g);
        row.push_back(cell(std::to_string(g.trials.size()), static_cast<double>(g.trials.size())));
        row.push_back(cell(std::to_string(st.diverged), st.diverged));
        row.push_back(stat_cell(st.accuracy, "%.4f"));
        row.push_back(cell(losses.empty() ? "—" : losses));
        row.push_back(cell(st.zero_init.empty() ? "—" : fmt("%.3f", summarise(st.zero_init).mean) + " → " + fmt("%.3f", summarise(st.zero_final).mean)));
        row.push_back(cell(st.dead.empty() ? "n/a" : fmt("%.3f", summarise(st.dead).mean), st.dead.empty() ? NAN : summarise(st.dead).mean));
        t.rows.push_back(row);
    }
    t.caption = spans("*test accuracy*: top-1 accuracy on the test split (the whole of it, or the class-balanced dataset.test_subset the "
                      "config names) after the last epoch, mean ± sample standard deviation over the seeds that did not diverge (a "
                      "diverged trial has a NaN/Inf training loss and is counted under *diverged*). *train loss by epoch*: mean "
                      "cross-entropy over each epoch's mini-batches, averaged over seeds. *zero fraction*: fraction of exact zeros in the "
                      "activation layers' outputs over the probe set (the first training images, the same for every trial), averaged "
                      "over layers and seeds, at initialisation and after the last epoch. *dead units*: after the last epoch, fraction of "
                      "units (conv channels, dense neurons) whose pre-activation is ≤ 0 for every probe image, averaged over layers and "
                      "seeds; rectifiers only (n/a otherwise).");
    s.tables.push_back(t);
    return s;
}

Section accuracy_section(const Aggregate& a) {
    Section s = section("accuracy-table", "Accuracy");
    bool any_validation = false;
    for (const Group& g : a.groups) any_validation |= !g.stats.validation.empty();
    std::vector<std::string> rest{"n", "final: mean", "95% CI", "bootstrap 95% CI", "IQM", "IQM 95% CI", "median", "best: mean",
                                  "train accuracy", "gap (train − test)"};
    if (any_validation) rest.push_back("validation: final");
    if (!a.baseline.is_null()) rest.push_back("vs " + a.baseline_text() + ": Δ"), rest.push_back("p"), rest.push_back("effect size");
    Table t = group_table(a, rest);
    for (std::size_t c : {2, 3, 5}) t.numeric[a.columns.size() + c] = false;
    std::map<const Group*, const RankedEntry*> entry_of;
    for (const Ranking& r : a.rankings)
        for (const RankedEntry& e : r.entries) entry_of[e.group] = &e;
    for (const Group& g : a.groups) {
        const Summary& acc = g.stats.acc;
        auto row = group_cells(g);
        row.push_back(cell(std::to_string(acc.n), static_cast<double>(acc.n)));
        row.push_back(cell(acc.n ? fmt("%.4f", acc.mean) : "—", acc.n ? acc.mean : NAN));
        row.push_back(cell(acc.n > 1 ? interval_text("%.4f", acc.ci_low, acc.ci_high) : "—"));
        const Interval& mb = g.stats.mean_bootstrap;
        const Interval& ib = g.stats.iqm_bootstrap;
        row.push_back(cell(acc.n > 1 ? interval_text("%.4f", mb.low, mb.high) : "—"));
        row.push_back(cell(acc.n ? fmt("%.4f", g.stats.iqm) : "—", acc.n ? g.stats.iqm : NAN));
        row.push_back(cell(acc.n > 1 ? interval_text("%.4f", ib.low, ib.high) : "—"));
        row.push_back(cell(acc.n ? fmt("%.4f", acc.median) : "—", acc.n ? acc.median : NAN));
        row.push_back(stat_cell(g.stats.best, "%.4f"));
        row.push_back(stat_cell(g.stats.train_accuracy, "%.4f"));
        row.push_back(stat_cell(g.stats.gap, "%.4f"));
        if (any_validation) row.push_back(stat_cell(g.stats.validation, "%.4f"));
        if (!a.baseline.is_null()) {
            const RankedEntry* e = entry_of[&g];
            const bool shown = e && e->vs_baseline.valid && !e->is_baseline;
            row.push_back(cell(shown ? fmt("%+.4f", e->vs_baseline.difference) : "—", shown ? e->vs_baseline.difference : NAN));
            row.push_back(cell(shown ? fmt("%.3g", e->vs_baseline.p_value) : "—", shown ? e->vs_baseline.p_value : NAN));
            row.push_back(cell(shown ? fmt("%+.2f", e->vs_baseline.hedges_g) : "—", shown ? e->vs_baseline.hedges_g : NAN));
        }
        t.rows.push_back(row);
    }
    t.caption = spans("*final*: test accuracy after the last epoch over the seeds that finished; *95% CI*: Student-t interval for the mean; "
                      "*bootstrap 95% CI*: the percentile bootstrap interval of the mean (2,000 resamples, seeded by the group, so the same "
                      "runs give the same interval); *IQM*: the interquartile mean, the mean of the middle half of the seeds (Agarwal et "
                      "al. 2021), with its bootstrap interval; "
                      "*best*: the highest test accuracy of any epoch; *train accuracy*: the running accuracy over the last epoch's "
                      "mini-batches (training mode: dropout, RReLU and noise draws on); *gap*: train accuracy − final test accuracy, per "
                      "trial, mean ± std." +
                      std::string(any_validation ? " *validation*: accuracy on the images held out of the training split (dataset.validation)." : "") +
                      (a.baseline.is_null() ? std::string()
                                          : " *vs " + a.baseline_text() + "*: the difference from the " + a.baseline_text() +
                                                " group with the same other settings and the two-sided p of the Summary's test (paired "
                                                "over common seeds, else Welch's; unadjusted: the Summary gives the adjusted one); *effect "
                                                "size*: Hedges' g (the difference over the pooled standard deviation, small-sample "
                                                "corrected) for an unpaired comparison, d_z (the mean difference over the differences' "
                                                "standard deviation) for a paired one."));
    s.tables.push_back(t);
    return s;
}

// One ranking's speed against its baseline (RankedEntry::Speed); none without paired seeds.
std::optional<Table> speed_table(const Aggregate& a, const Ranking& r) {
    const std::string adjusted = a.adjustment == "bh" ? "p (BH)" : "p (Holm)";
    Table t;
    t.header = {a.compared_axis, "seeds", "sooner / later / tie", "steps ratio", "95% CI", "both reached", "p (sign test)", adjusted, "verdict"};
    t.numeric = {false, true, false, true, false, true, true, true, false};
    for (const RankedEntry& e : r.entries) {
        const RankedEntry::Speed& sp = e.speed;
        if (!sp.pairs) continue;
        const bool decided = sp.tested() && sp.p_adjusted < a.alpha;
        const std::string verdict = !sp.tested() ? "all tied" : !decided ? "not distinguished" : sp.sooner > sp.later ? "sooner" : "later";
        t.rows.push_back({cell(value_text(e.group->values[a.compared_axis])), cell(std::to_string(sp.pairs), sp.pairs),
                          cell(std::to_string(sp.sooner) + " / " + std::to_string(sp.later) + " / " + std::to_string(sp.pairs - sp.sooner - sp.later)),
                          cell(fmt("%.2f", sp.ratio), sp.ratio),
                          cell(std::isfinite(sp.ratio_ci.low) ? interval_text("%.2f", sp.ratio_ci.low, sp.ratio_ci.high) : "—"),
                          cell(std::to_string(sp.both_reached), sp.both_reached), cell(fmt("%.3g", sp.p_value), sp.p_value),
                          cell(fmt("%.3g", sp.p_adjusted), sp.p_adjusted), cell(verdict)});
    }
    if (t.rows.empty()) return std::nullopt;
    t.title = "Steps to the target against " + a.baseline_text() + (r.context_label.empty() ? "" : ", with " + r.context_label);
    t.caption = spans("Over the seeds both the group and **" + a.baseline_text() + "** finished (*seeds*; the run's seeds are paired): "
                      "*sooner / later / tie*: on how many the group reached the training-error target of " + fmt("%.2f", a.target) +
                      " at an earlier or a later step (a trial that never reached it is the later of its pair; both never, or the same "
                      "step, is a tie). *steps ratio*: the geometric mean of the group's steps over the baseline's on the seeds where "
                      "*both reached* it, with its 95% Student-t interval (on the logarithms); below 1 is faster. *p (sign test)*: the "
                      "exact two-sided sign test of sooner against later (Dixon & Mood 1946), which needs only each pair's order, so "
                      "censored seeds count; *" + adjusted + "*: adjusted over the report's " + std::to_string(a.speed_comparisons) +
                      " speed comparisons, a family apart from accuracy's. *verdict*: *sooner* or *later* where the adjusted p < 0.05." +
                      std::string(a.adaptive ? " The adaptive rounds added seeds for the accuracy comparisons; this test takes the seeds "
                                               "they left, with no sequential design of its own." : ""));
    return t;
}

Section convergence_section(const Aggregate& a) {
    Section s = section("convergence", "Convergence");
    Table t = group_table(a, {"reached target", "median epochs to target", "median steps to target", "loss AUC", "train loss at the end"});
    for (const Group& g : a.groups) {
        const GroupStats& st = g.stats;
        auto row = group_cells(g);
        row.push_back(cell(std::to_string(st.reached) + "/" + std::to_string(st.finished), st.finished ? double(st.reached) / st.finished : NAN));
        row.push_back(cell(std::isinf(st.median_epochs_to_target) ? "> " + std::to_string(a.epochs) : fmt("%.1f", st.median_epochs_to_target),
                           std::isinf(st.median_epochs_to_target) ? 1e300 : st.median_epochs_to_target));
        row.push_back(cell(steps_text(st.median_steps_to_target), std::isinf(st.median_steps_to_target) ? 1e300 : st.median_steps_to_target));
        row.push_back(stat_cell(st.loss_auc, "%.3f"));
        row.push_back(stat_cell(st.final_loss, "%.3f"));
        t.rows.push_back(row);
    }
    t.caption = spans("*target*: training error " + fmt("%.2f", a.target) +
                      ", measured step by step over the most recent epoch's worth of mini-batches; *steps to target*: the first step at "
                      "which it is at or below the target, and *epochs*: the epoch of that step, medians over seeds; a trial that never "
                      "gets there is censored and counts as > max, never dropped; seconds to target are in the Cost table. *loss AUC*: "
                      "the sum over epochs of the mean training loss (the area under the curve, in epochs), mean ± std.");
    s.tables.push_back(t);
    for (const Ranking& r : a.rankings) {
        std::optional<Table> speed = speed_table(a, r);
        if (speed) s.tables.push_back(std::move(*speed));
    }
    return s;
}

Section sparsity_section(const Aggregate& a) {
    Section s = section("sparsity", "Sparsity, dead and inactive units");
    Table t = group_table(a, {"zero fraction: init", "final", "final, 95% CI", "dead (rectifiers)", "dead, 95% CI", "inactive (others)", "saturated"});
    t.numeric[a.columns.size() + 2] = t.numeric[a.columns.size() + 4] = false;
    for (const Group& g : a.groups) {
        const GroupStats& st = g.stats;
        auto row = group_cells(g);
        row.push_back(stat_cell(st.zero_init, "%.3f"));
        row.push_back(stat_cell(st.zero_final, "%.3f"));
        row.push_back(fraction_ci_cell(st.zero_final));
        row.push_back(st.dead.empty() ? cell("n/a") : stat_cell(st.dead, "%.3f"));
        row.push_back(st.dead.empty() ? cell("n/a") : fraction_ci_cell(st.dead));
        row.push_back(st.inactive.empty() ? cell("n/a") : stat_cell(st.inactive, "%.3f"));
        row.push_back(stat_cell(st.saturated, "%.3f"));
        t.rows.push_back(row);
    }
    t.caption = spans("All over the probe set, averaged over the activation layers. *zero fraction*: exact zeros in the outputs. *dead*: units "
                      "(conv channels, dense neurons) whose pre-activation is ≤ 0 for every probe image — for the ReLU family they pass no "
                      "gradient. *inactive*: for the other activations, units with |f′| < 0.001 on every probe image. *saturated*: elements "
                      "with |f′| < 0.001 (for ReLU these are its zeros). Final values after the last epoch, mean ± std over seeds, and the "
                      "95% Student-t interval of the mean (clipped to [0, 1]), to hold against a number a paper states.");
    s.tables.push_back(t);
    return s;
}

Section per_layer_section(const Aggregate& a) {
    Section s = section("per-layer", "Per activation layer");
    Table t = group_table(a, {"layer", "zero fraction: init", "Φ(−μ/σ) init", "final", "dead / inactive: final", "mean: init", "lowest",
                              "final", "second moment: init", "pre-activation μ, σ: init", "PReLU slope: final"});
    t.numeric[a.columns.size() + 4] = false, t.numeric[a.columns.size() + 9] = false;
    for (const Group& g : a.groups) {
        const auto zeros = layer_curve(g, "zero_fraction"), dead = layer_curve(g, "dead_fraction"),
                   inactive = layer_curve(g, "inactive_fraction"), mean = layer_curve(g, "mean"), second = layer_curve(g, "second_moment"),
                   pre_mean = layer_curve(g, "pre_mean"), pre_std = layer_curve(g, "pre_std"), slope = layer_curve(g, "prelu_slope");
        if (zeros.empty()) continue;
        const std::size_t layers = zeros.begin()->second.size();
        const bool rectifier = !dead.empty() && std::isfinite(at(dead.rbegin()->second, 0));
        auto first = [](const std::map<long, std::vector<double>>& m, std::size_t l) { return m.empty() ? NAN : at(m.begin()->second, l); };
        auto last = [](const std::map<long, std::vector<double>>& m, std::size_t l) { return m.empty() ? NAN : at(m.rbegin()->second, l); };
        for (std::size_t l = 0; l < layers; ++l) {
            double lowest = INFINITY;
            for (const auto& [step, v] : mean) lowest = std::min(lowest, at(v, l));
            const double mu = first(pre_mean, l), sigma = first(pre_std, l);
            const double flat = rectifier ? last(dead, l) : last(inactive, l);
            const double phi = rectifier && sigma > 0 ? normal_cdf(-mu / sigma) : NAN;
            auto row = group_cells(g);
            row.push_back(cell(std::to_string(l + 1), static_cast<double>(l + 1)));
            row.push_back(cell(fmt("%.3f", first(zeros, l)), first(zeros, l)));
            row.push_back(cell(fmt("%.3f", phi), phi));
            row.push_back(cell(fmt("%.3f", last(zeros, l)), last(zeros, l)));
            row.push_back(cell(fmt("%.3f", flat) + (std::isfinite(flat) ? (rectifier ? " dead" : " inactive") : ""), flat));
            row.push_back(cell(fmt("%.3f", first(mean, l)), first(mean, l)));
            row.push_back(cell(fmt("%.3f", lowest), lowest));
            row.push_back(cell(fmt("%.3f", last(mean, l)), last(mean, l)));
            row.push_back(cell(fmt("%.3g", first(second, l)), first(second, l)));
            row.push_back(cell(std::isfinite(mu) ? fmt("%.3f", mu) + ", " + fmt("%.3f", sigma) : "—"));
            row.push_back(cell(fmt("%.3f", last(slope, l)), last(slope, l)));
            t.rows.push_back(row);
        }
    }
    t.caption = spans("One row per activation layer (1 = nearest the input), over the probe set, averaged over seeds. *Φ(−μ/σ)*: the zero "
                      "fraction a rectifier would have if its pre-activation were Gaussian with the measured mean μ and standard deviation σ "
                      "(rectifiers only). *dead*: rectifier units with pre-activation ≤ 0 on every probe image; *inactive*: other units with "
                      "|f′| < 0.001 on every probe image. *mean*: of the layer's output, at initialisation, at the lowest of the evaluation "
                      "points (the seed-averaged curve) and after the last epoch. *second moment*: E[y²] of the output at initialisation (a "
                      "signal that shrinks or grows layer by layer shows here). *PReLU slope*: the mean learned slope of the layer.");
    s.tables.push_back(t);
    return s;
}

Section gradients_section(const Aggregate& a) {
    Section s = section("gradients", "Gradient flow");
    Table t = group_table(a, {"first/last layer gradient norm: first step", "last step"});
    for (const Group& g : a.groups) {
        auto row = group_cells(g);
        row.push_back(stat_cell(g.stats.grad_ratio_first, "%.3g"));
        row.push_back(stat_cell(g.stats.grad_ratio_last, "%.3g"));
        t.rows.push_back(row);
    }
    t.caption = spans("The L2 norm of the first weighted layer's weight gradient divided by the last one's, at the first training step and "
                      "at the last; vanishing gradients show as ratios ≪ 1. Per-layer norms are in metrics.jsonl (grad_norm).");
    s.tables.push_back(t);
    return s;
}

Section cost_section(const Aggregate& a) {
    Section s = section("cost", "Cost");
    Table t = group_table(a, {"training images/s", "seconds per epoch (training)", "seconds per evaluation", "median seconds to target"});
    for (const Group& g : a.groups) {
        const GroupStats& st = g.stats;
        auto row = group_cells(g);
        row.push_back(cell(fmt("%.0f", st.images_per_second), st.images_per_second));
        row.push_back(cell(fmt("%.2f", st.train_seconds), st.train_seconds));
        row.push_back(cell(fmt("%.2f", st.eval_seconds), st.eval_seconds));
        row.push_back(cell(std::isinf(st.median_seconds_to_target) ? "> max" : fmt("%.1f", st.median_seconds_to_target),
                           std::isinf(st.median_seconds_to_target) ? 1e300 : st.median_seconds_to_target));
        t.rows.push_back(row);
    }
    t.caption = spans("Wall-clock figures from timing.jsonl (not part of the reproducible metrics): means over epochs and seeds, " +
                      std::to_string(a.environment["threads_per_trial"].get<int>()) +
                      " thread(s) per trial; an evaluation covers the test split and the probe set; *seconds to target*: the training "
                      "time of the epochs up to the one that reached the convergence target, median over seeds (censored: > max).");
    s.tables.push_back(t);
    return s;
}

// The --rows/--cols pivot: mean final accuracy by two axes, the others pooled.
Section pivot_section(const Aggregate& a, const std::string& pivot_rows, const std::string& pivot_cols) {
    std::string names;
    const json* row_values = nullptr;
    const json* col_values = nullptr;
    for (const auto& axis : a.config["sweep"]["axes"]) {
        names += (names.empty() ? "" : ", ") + axis["name"].get<std::string>();
        if (axis["name"] == pivot_rows) row_values = &axis["values"];
        if (axis["name"] == pivot_cols) col_values = &axis["values"];
    }
    if (!row_values || !col_values || pivot_rows == pivot_cols)
        throw InputError("--rows '" + pivot_rows + "' and --cols '" + pivot_cols + "': expected two different axes of the sweep (" + names + ")");
    Section s = section("pivot", "Test accuracy by " + pivot_rows + " × " + pivot_cols);
    Table t;
    t.header.push_back(pivot_rows + " \\ " + pivot_cols);
    t.numeric.push_back(false);
    for (const auto& c : *col_values) t.header.push_back(value_text(c)), t.numeric.push_back(true);
    for (const auto& r : *row_values) {
        std::vector<Cell> row{cell(value_text(r))};
        for (const auto& c : *col_values) {
            std::vector<double> acc;
            for (const Group& g : a.groups)
                for (const TrialRecord* rec : g.trials) {
                    const json& v = rec->summary["axes"];
                    if (rec->ok() && v.value(pivot_rows, json()) == r && v.value(pivot_cols, json()) == c)
                        acc.push_back(rec->summary["final_test_accuracy"].get<double>());
                }
            row.push_back(stat_cell(acc, "%.4f"));
        }
        t.rows.push_back(row);
    }
    t.caption = spans("Mean ± std of the final test accuracy over every finished trial with that pair of values (the other axes and the seeds pooled).");
    s.tables.push_back(t);
    return s;
}

}  // namespace

Document report_document(const Aggregate& a, const std::string& pivot_rows, const std::string& pivot_cols) {
    Document doc;
    doc.title = "actbench report: " + a.manifest.value("sweep", std::string("?"));
    doc.sections.push_back(opening(a));
    Section sum = summary(a);
    sum.figures.push_back(forest(a));
    if (a.rankings.size() > 1) sum.figures.push_back(heatmap(a));
    doc.sections.push_back(sum);
    if (!a.tuning.empty()) doc.sections.push_back(tuning_section(a));

    // The long tables.
    doc.sections.push_back(overview_section(a));
    doc.sections.push_back(accuracy_section(a));
    doc.sections.push_back(convergence_section(a));
    doc.sections.push_back(sparsity_section(a));
    doc.sections.push_back(per_layer_section(a));
    doc.sections.push_back(gradients_section(a));
    if (!pivot_rows.empty() || !pivot_cols.empty()) doc.sections.push_back(pivot_section(a, pivot_rows, pivot_cols));
    doc.sections.push_back(cost_section(a));
    Section plots = section("plots", "Curves");
    plots.paragraphs.push_back(spans("One panel per value of " + a.compared_axis + ", on shared axes so panels compare; inside a panel, a colour per "
                                     "combination of the other axes. Hover a point for its value."));
    plots.figures = curves(a);
    doc.sections.push_back(plots);
    return doc;
}

}  // namespace actbench
