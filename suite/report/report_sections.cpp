// Report, stage 3a: the aggregate as a document — the summary first (ranking, findings, forest plot,
// heatmap; report_findings.cpp), then the long tables, then the curves as small multiples (report_figures.cpp).
// Every caption defines its columns.
#include "core/error.hpp"
#include "report/report.hpp"
#include "report/report_parts.hpp"

#include <algorithm>
#include <map>
#include <optional>
#include <set>

namespace actbench {

using nlohmann::json;
using namespace doc;

namespace {

// The tuning table: per cell, the validation score of every value tried, the choice, its lead over the runner-up
// and its flags.
Table tuning_table(const Aggregate& a, const std::string& score) {
    Table t;
    std::vector<std::string> axes;
    for (const auto& c : a.columns)
        if (c != a.tune_axis && a.tuning.front().values.contains(c)) axes.push_back(c);
    t.header = axes;
    t.numeric.assign(axes.size(), false);
    for (const auto& v : a.tuning.front().tried) t.header.push_back(a.tune_axis + " " + value_text(v.value)), t.numeric.push_back(true);
    t.header.push_back("chosen"), t.numeric.push_back(true);
    t.header.push_back("lead over the runner-up"), t.numeric.push_back(true);
    t.header.push_back("flags"), t.numeric.push_back(false);
    for (const auto& tc : a.tuning) {
        std::vector<Cell> row;
        for (const auto& c : axes) row.push_back(cell(value_text(tc.values[c])));
        for (std::size_t i = 0; i < tc.tried.size(); ++i) {
            const TunedValue& v = tc.tried[i];
            const double mean = v.scores.empty() ? NAN : summarise(v.scores).mean;
            std::string text = v.diverged ? std::to_string(v.diverged) + " diverged" : fmt("%.4f", mean);
            if (v.pruned_at > 0 && !v.diverged) text += " at epoch " + std::to_string(v.pruned_at);
            if (static_cast<int>(i) == tc.chosen) text += " ◀";
            row.push_back(cell(text, v.diverged || v.pruned_at ? NAN : mean));
        }
        row.push_back(cell(tc.chosen >= 0 ? value_text(tc.tried[static_cast<std::size_t>(tc.chosen)].value) : "none"));
        const ChoiceMargin& m = tc.margin;
        row.push_back(m.runner_up < 0 ? cell("—")
                                      : cell(fmt("%+.4f", m.gap) + (std::isfinite(m.standard_error) ? " ± " + fmt("%.4f", m.standard_error) : "") +
                                                 " (" + value_text(tc.tried[static_cast<std::size_t>(m.runner_up)].value) + ")",
                                             m.gap));
        std::string flags = tc.chosen >= 0 && tc.at_edge ? "at the edge" : "";
        if (m.close()) flags += std::string(flags.empty() ? "" : ", ") + "too close to call";
        row.push_back(cell(flags));
        t.rows.push_back(row);
    }
    t.caption = spans("Mean " + score + " over the tuning seeds for each value; ◀ marks the value chosen. *lead over the runner-up*: "
                      "how much better the chosen value's mean is than the next best qualifying value's (named), ± the "
                      "standard error of that difference over the tuning seeds, √(s²₁/n₁ + s²₂/n₂); *too close to call* where "
                      "the lead is under twice it." +
                      std::string(a.tune_halving ? " *at epoch N*: the halving schedule stopped the value at that rung; its mean "
                                                   "score there (not comparable with the budget's)."
                                                 : ""));
    return t;
}

// tune: the choice rule in words with the counts of edge and close choices, the tuning table, and the tuning curves
// as small multiples.
Section tuning_section(const Aggregate& a) {
    Section s = section("tuning", "Tuning: " + a.tune_axis + " chosen per cell on the validation split");
    const std::string score = a.tune_select == "validation_loss" ? "validation loss" : "validation accuracy";
    int at_edge = 0, close = 0, extended = 0;
    for (const auto& cell : a.tuning) at_edge += cell.chosen >= 0 && cell.at_edge, close += cell.margin.close(), extended += cell.extended;
    s.paragraphs.push_back(
        spans("Stage 1 trained every value of `" + a.tune_axis +
              "` with the tuning seeds on the training split minus "
              "the validation split and chose, per cell, the value with the best mean " +
              score +
              " (a value with a diverged seed is never chosen; ties go to the earlier value); stage 2 trained the "
              "cell's final seeds at that value, and only those are in the tables above and below." +
              (at_edge ? " **" + std::to_string(at_edge) + " of " + std::to_string(a.tuning.size()) +
                       " cell(s) chose a value at the edge of the grid**: the best may lie beyond it — widen the grid there."
                       : std::string(" Every choice lies inside the grid.")) +
              (close ? " **" + std::to_string(close) + " of " + std::to_string(a.tuning.size()) +
                           " choice(s) are too close to call**: the chosen value leads the runner-up by less than twice the "
                           "lead's standard error over the tuning seeds, so other seeds could have chosen the runner-up; "
                           "more tuning seeds (`tune.seeds`) would settle them."
                     : std::string(" Every choice leads its runner-up by at least twice the lead's standard error.")) +
              (extended ? " " + std::to_string(extended) + " cell(s) were too close to call on the tuning seeds and chose on "
                                                             "`tune.seeds_if_close` too (their rows are over all of them)."
                        : std::string())));
    s.tables.push_back(tuning_table(a, score));
    // The tuning curves: a panel per compared value, a colour per other context.
    std::vector<Panel> panels;
    std::map<std::string, std::size_t> panel_of, colour_of;
    bool positive = true;
    for (const auto& v : a.tuning.front().tried) positive &= v.value.is_number() && v.value.get<double>() > 0;
    for (const auto& cell : a.tuning) {
        const std::string key = cell.values.value(a.compared_axis, json()).dump();
        if (!panel_of.count(key))
            panel_of[key] = panels.size(), panels.push_back({value_text(cell.values.value(a.compared_axis, json())), {}});
        std::string label = a.context_text(cell.values, {a.compared_axis, a.tune_axis});
        if (label.empty()) label = "mean over the tuning seeds";
        if (!colour_of.count(label)) colour_of.emplace(label, colour_of.size());
        const char* colour = kPalette[colour_of[label] % 10];
        Series series = make_line(label, colour);
        Series chosen = make_points("chosen", "#222222", "ring"), diverged = make_points("diverged (never chosen)", "#d62728", "cross", true);
        Series stopped = make_points("stopped at a rung (halving)", "#7f7f7f", "down", true);
        for (std::size_t i = 0; i < cell.tried.size(); ++i) {
            const TunedValue& v = cell.tried[i];
            if (!v.value.is_number()) continue;
            const double x = v.value.get<double>(), y = v.scores.empty() || v.diverged || v.pruned_at ? NAN : summarise(v.scores).mean;
            series.x.push_back(x), series.y.push_back(y);
            if (static_cast<int>(i) == cell.chosen) chosen.x.push_back(x), chosen.y.push_back(y);
            if (v.diverged) diverged.x.push_back(x), diverged.y.push_back(NAN);
            if (v.pruned_at && !v.diverged) stopped.x.push_back(x), stopped.y.push_back(NAN);
        }
        auto& out = panels[panel_of[key]].series;
        out.push_back(series);
        for (Series* marks : {&chosen, &diverged, &stopped})
            if (!marks->x.empty()) out.push_back(*marks);
    }
    MultiPlotSpec m =
        multiples("Tuning: " + score + " against " + a.tune_axis + " (a panel per " + a.compared_axis +
                      "; ring: the value chosen; cross on the floor: a value with a diverged seed; a line through the floor falls further" +
                      std::string(a.tune_halving ? "; triangle on the floor: a value the halving schedule stopped at a rung" : "") + ")",
                  a.tune_axis, score);
    m.log_x = positive;
    // The y range is the one the choices were made in: from the best chosen score past the worst runner-up by half as
    // much again; a value that collapsed (a rate too large) runs off the panel's edge instead of flattening the rest.
    double lo = INFINITY, hi = -INFINITY;
    for (const auto& cell : a.tuning)
        for (int i : {cell.chosen, cell.margin.runner_up})
            if (i >= 0 && !cell.tried[i].scores.empty()) {
                const double mean = summarise(cell.tried[i].scores).mean;
                lo = std::min(lo, mean), hi = std::max(hi, mean);
            }
    if (std::isfinite(lo) && hi > lo) {
        if (a.tune_select == "validation_loss")
            m.y_hi = hi + 0.5 * (hi - lo);
        else
            m.y_lo = lo - 0.5 * (hi - lo);
    }
    for (const auto& v : a.tuning.front().tried)
        if (v.value.is_number()) m.x_ticks.push_back(v.value.get<double>());  // a tick at each value tried
    s.figures.push_back(panel_figure("tuning", "Tuning curves", m, panels));
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
        row.push_back(cell(
            st.zero_init.empty() ? "—" : fmt("%.3f", summarise(st.zero_init).mean) + " → " + fmt("%.3f", summarise(st.zero_final).mean)));
        row.push_back(
            cell(st.dead.empty() ? "n/a" : fmt("%.3f", summarise(st.dead).mean), st.dead.empty() ? NAN : summarise(st.dead).mean));
        t.rows.push_back(row);
    }
    t.caption = spans(
        "*test accuracy*: top-1 accuracy on the test split (the whole of it, or the class-balanced dataset.test_subset the "
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
    std::vector<std::string> rest{"n",          "final: mean", "95% CI",     "bootstrap 95% CI", "IQM",
                                  "IQM 95% CI", "median",      "best: mean", "train accuracy",   "gap (train − test)"};
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
    t.caption = spans(
        "*final*: test accuracy after the last epoch over the seeds that finished; *95% CI*: Student-t interval for the mean; "
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
    s.figures.push_back(iqm_figure(a));
    if (auto poi = improvement_figure(a)) s.figures.push_back(std::move(*poi));
    return s;
}

// One ranking's speed against its baseline (RankedEntry::Speed); none without paired seeds.
std::optional<Table> speed_table(const Aggregate& a, const Ranking& r) {
    const std::string adjusted = a.adjustment == "bh" ? "p (BH)" : "p (Holm)";
    Table t;
    t.header = {a.compared_axis, "seeds",  "sooner / later / tie", "steps ratio", "95% CI", "both reached", "p (sign test)",
                adjusted,        "verdict"};
    t.numeric = {false, true, false, true, false, true, true, true, false};
    for (const RankedEntry& e : r.entries) {
        const RankedEntry::Speed& sp = e.speed;
        if (!sp.pairs) continue;
        const bool decided = sp.tested() && sp.p_adjusted < a.alpha;
        const std::string verdict = !sp.tested() ? "all tied" : !decided ? "not distinguished" : sp.sooner > sp.later ? "sooner" : "later";
        t.rows.push_back(
            {cell(value_text(e.group->values[a.compared_axis])), cell(std::to_string(sp.pairs), sp.pairs),
             cell(std::to_string(sp.sooner) + " / " + std::to_string(sp.later) + " / " + std::to_string(sp.pairs - sp.sooner - sp.later)),
             cell(fmt("%.2f", sp.ratio), sp.ratio),
             cell(std::isfinite(sp.ratio_ci.low) ? interval_text("%.2f", sp.ratio_ci.low, sp.ratio_ci.high, 1) : "—"),
             cell(std::to_string(sp.both_reached), sp.both_reached), cell(fmt("%.3g", sp.p_value), sp.p_value),
             cell(fmt("%.3g", sp.p_adjusted), sp.p_adjusted), cell(verdict)});
    }
    if (t.rows.empty()) return std::nullopt;
    t.title = "Steps to the target against " + a.baseline_text() + (r.context_label.empty() ? "" : ", with " + r.context_label);
    t.caption = spans("Over the seeds both the group and **" + a.baseline_text() +
                      "** finished (*seeds*; the run's seeds are paired): "
                      "*sooner / later / tie*: on how many the group reached the training-error target of " +
                      fmt("%.2f", a.target) +
                      " at an earlier or a later step (a trial that never reached it is the later of its pair; both never, or the same "
                      "step, is a tie). *steps ratio*: the geometric mean of the group's steps over the baseline's on the seeds where "
                      "*both reached* it, with its 95% Student-t interval (on the logarithms); below 1 is faster. *p (sign test)*: the "
                      "exact two-sided sign test of sooner against later (Dixon & Mood 1946), which needs only each pair's order, so "
                      "censored seeds count; *" +
                      adjusted + "*: adjusted over the report's " + std::to_string(a.speed_comparisons) +
                      " speed comparisons, a family apart from accuracy's. *verdict*: *sooner* or *later* where the adjusted p < 0.05." +
                      std::string(a.adaptive ? " The adaptive rounds added seeds for the accuracy comparisons; this test takes the seeds "
                                               "they left, with no sequential design of its own."
                                             : ""));
    return t;
}

Section convergence_section(const Aggregate& a) {
    Section s = section("convergence", "Convergence");
    Table t = group_table(a, {"reached target", "median epochs to target", "median steps to target", "loss AUC", "train loss at the end"});
    for (const Group& g : a.groups) {
        const GroupStats& st = g.stats;
        auto row = group_cells(g);
        row.push_back(
            cell(std::to_string(st.reached) + "/" + std::to_string(st.finished), st.finished ? double(st.reached) / st.finished : NAN));
        row.push_back(
            cell(std::isinf(st.median_epochs_to_target) ? "> " + std::to_string(a.epochs) : fmt("%.1f", st.median_epochs_to_target),
                 std::isinf(st.median_epochs_to_target) ? 1e300 : st.median_epochs_to_target));
        row.push_back(
            cell(steps_text(st.median_steps_to_target), std::isinf(st.median_steps_to_target) ? 1e300 : st.median_steps_to_target));
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
    Table t = group_table(
        a, {"zero fraction: init", "final", "final, 95% CI", "dead (rectifiers)", "dead, 95% CI", "inactive (others)", "saturated"});
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
    t.caption = spans(
        "All over the probe set, averaged over the activation layers. *zero fraction*: exact zeros in the outputs. *dead*: units "
        "(conv channels, dense neurons) whose pre-activation is ≤ 0 for every probe image — for the ReLU family they pass no "
        "gradient. *inactive*: for the other activations, units with |f′| < 0.001 on every probe image. *saturated*: elements "
        "with |f′| < 0.001 (for ReLU these are its zeros). Final values after the last epoch, mean ± std over seeds, and the "
        "95% Student-t interval of the mean (clipped to [0, 1]), to hold against a number a paper states.");
    s.tables.push_back(t);
    return s;
}

Section per_layer_section(const Aggregate& a) {
    Section s = section("per-layer", "Per activation layer");
    Table t = group_table(a,
                          {"layer", "zero fraction: init", "Φ(−μ/σ) init", "final", "dead / inactive: final", "mean: init", "lowest",
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
    t.caption = spans(
        "One row per activation layer (1 = nearest the input), over the probe set, averaged over seeds. *Φ(−μ/σ)*: the zero "
        "fraction a rectifier would have if its pre-activation were Gaussian with the measured mean μ and standard deviation σ "
        "(rectifiers only). *dead*: rectifier units with pre-activation ≤ 0 on every probe image; *inactive*: other units with "
        "|f′| < 0.001 on every probe image. *mean*: of the layer's output, at initialisation, at the lowest of the evaluation "
        "points (the seed-averaged curve) and after the last epoch. *second moment*: E[y²] of the output at initialisation (a "
        "signal that shrinks or grows layer by layer shows here). *PReLU slope*: the mean learned slope of the layer.");
    s.tables.push_back(t);
    if (auto learned = learned_figure(a)) s.figures.push_back(std::move(*learned));
    if (auto shapes = learned_shape_figure(a)) s.figures.push_back(std::move(*shapes));
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
    t.caption = spans(
        "The L2 norm of the first weighted layer's weight gradient divided by the last one's, at the first training step and "
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
    if (const auto& e = a.early_stops; e.trials > 0)
        s.closing.push_back(spans("Early stops: " + std::to_string(e.trials) + " diverged trial(s) (every stage) stopped at the step their " +
                                  "loss became NaN or Inf, or passed train.diverge_loss, and trained " + fmt("%.0f", e.trained) + " of their " +
                                  fmt("%.0f", e.planned) + " planned steps: " + fmt("%.0f", e.planned - e.trained) + " steps saved, " +
                                  fmt("%.1f", 100 * (e.planned - e.trained) / e.all_planned) + "% of the study's " + fmt("%.0f", e.all_planned) +
                                  " (the planned steps of a trial are those of a finished one with the same data, epochs and batch)."));
    if (const auto& e = a.early_stops; e.pruned > 0)
        s.closing.push_back(spans("Halving: " + std::to_string(e.pruned) + " tuning trial(s) stopped at a rung (tune.schedule) trained " +
                                  fmt("%.0f", e.pruned_trained) + " of their " + fmt("%.0f", e.pruned_planned) + " planned steps: " +
                                  fmt("%.0f", e.pruned_planned - e.pruned_trained) + " steps saved, " +
                                  fmt("%.1f", 100 * (e.pruned_planned - e.pruned_trained) / e.all_planned) + "% of the study's."));
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
        throw InputError("--rows '" + pivot_rows + "' and --cols '" + pivot_cols + "': expected two different axes of the sweep (" + names +
                         ")");
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
    t.caption = spans(
        "Mean ± std of the final test accuracy over every finished trial with that pair of values (the other axes and the seeds pooled).");
    s.tables.push_back(t);
    return s;
}

}  // namespace

Document report_document(const Aggregate& a, const std::string& pivot_rows, const std::string& pivot_cols) {
    Document doc;
    doc.title = "actbench report: " + a.manifest.value("sweep", std::string("?"));
    doc.formats = {{"Markdown", "report.md"}, {"the trials (CSV)", "report.csv"}, {"the ranking (CSV)", "summary.csv"},
                   {"every number (JSON)", "report.json"}};
    doc.related = {{"every report (the index beside this folder)", "../index.html"}};
    Section head = opening(a);
    if (!a.baseline.is_null()) head.figures.push_back(delta_forest(a));  // under the verdicts it draws
    doc.sections.push_back(head);
    doc.sections.push_back(provenance(a));
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
    plots.paragraphs.push_back(spans("One panel per value of " + a.compared_axis +
                                     ", on shared axes so panels compare; inside a panel, a colour per "
                                     "combination of the other axes. Hover a point for its value."));
    plots.figures = curves(a);
    doc.sections.push_back(plots);
    return doc;
}

}  // namespace actbench
