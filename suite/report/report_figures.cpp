// Report, stage 3a: the figures — the forest plot, the heatmap, and the curves as small multiples.
#include "report/report_parts.hpp"

#include <algorithm>
#include <set>

namespace actbench::doc {

using nlohmann::json;

namespace {

std::string row_label(const Aggregate& a, const Ranking& r, const RankedEntry& e) {
    return value_text(e.group->values[a.compared_axis]) + (r.context_label.empty() ? "" : " (" + r.context_label + ")");
}

// Rows sorted by their estimate, best first.
std::vector<ForestRow> sorted_rows(std::vector<ForestRow> rows) {
    std::stable_sort(rows.begin(), rows.end(), [](const ForestRow& x, const ForestRow& y) { return x.estimate > y.estimate; });
    return rows;
}

}  // namespace

// Forest plot of every group's mean final accuracy; the baseline as a line (one context) or a tick per row.
Figure forest(const Aggregate& a) {
    std::vector<ForestRow> rows;
    for (const Ranking& r : a.rankings)
        for (const RankedEntry& e : r.entries) {
            const Summary& acc = e.group->stats.acc;
            if (acc.n == 0) continue;
            ForestRow row;
            row.label = row_label(a, r, e);
            row.estimate = acc.mean;
            row.low = acc.n > 1 ? acc.ci_low : acc.mean;
            row.high = acc.n > 1 ? acc.ci_high : acc.mean;
            row.reference = r.baseline && r.baseline->stats.acc.n ? r.baseline->stats.acc.mean : NAN;
            row.color = verdict_style(e.verdict).color, row.marker = verdict_style(e.verdict).marker;
            row.note = std::string(verdict_text(e.verdict)) + ", n = " + std::to_string(acc.n);
            rows.push_back(row);
        }
    rows = sorted_rows(std::move(rows));
    const bool one_context = a.rankings.size() == 1 && a.rankings[0].baseline;
    const double reference = one_context && a.rankings[0].baseline->stats.acc.n ? a.rankings[0].baseline->stats.acc.mean : NAN;
    return {
        "forest", "Final test accuracy by group",
        svg_forest_plot(
            "Final test accuracy, mean and 95% interval over seeds" +
                std::string(a.baseline.is_null() ? "" : " (dashed / grey tick: " + a.baseline_text() + ")"),
            "final test accuracy", rows, reference,
            a.baseline.is_null() ? "" : "▲ better than the baseline · ▼ worse · ◆ equivalent · ○ no verdict either way · ● the baseline (the verdicts of the Summary)")};
}


// rliable's interval estimate of an aggregate (Agarwal et al. 2021, Fig. 1): the interquartile mean over seeds, robust to
// a stray seed as the mean is not and less noisy than the median, with its percentile bootstrap interval.
Figure iqm_figure(const Aggregate& a) {
    std::vector<ForestRow> rows;
    for (const Ranking& r : a.rankings)
        for (const RankedEntry& e : r.entries) {
            const GroupStats& st = e.group->stats;
            if (st.acc.n == 0) continue;
            ForestRow row;
            row.label = row_label(a, r, e);
            row.estimate = st.iqm;
            row.low = st.acc.n > 1 ? st.iqm_bootstrap.low : st.iqm;
            row.high = st.acc.n > 1 ? st.iqm_bootstrap.high : st.iqm;
            row.reference = r.baseline && r.baseline->stats.acc.n ? r.baseline->stats.iqm : NAN;
            row.color = verdict_style(e.verdict).color, row.marker = verdict_style(e.verdict).marker;
            row.right = "n = " + std::to_string(st.acc.n);
            row.note = verdict_text(e.verdict);
            rows.push_back(row);
        }
    const bool one_context = a.rankings.size() == 1 && a.rankings[0].baseline && a.rankings[0].baseline->stats.acc.n;
    return {"iqm", "Interquartile mean of the final test accuracy",
            svg_forest_plot("Interquartile mean (IQM) of the final test accuracy over the seeds that finished, with its 95% bootstrap "
                            "interval (Agarwal et al. 2021)" +
                                std::string(a.baseline.is_null() ? "" : "; dashed line or grey tick: " + a.baseline_text() + "'s IQM"),
                            "IQM of final test accuracy", sorted_rows(rows), one_context ? a.rankings[0].baseline->stats.iqm : NAN,
                            "The IQM is the mean of the middle half of the seeds: one stray seed moves it less than the mean, and it "
                            "is less noisy than the median. Markers as in the plot above.")};
}

// rliable's probability of improvement: P(a trial of the group beats one of the baseline), 0.5 for neither, with its
// bootstrap interval — how often, not by how much (the Δ plot says how much).
std::optional<Figure> improvement_figure(const Aggregate& a) {
    std::vector<ForestRow> rows;
    for (const Ranking& r : a.rankings)
        for (const RankedEntry& e : r.entries) {
            if (e.is_baseline || e.alias_of || !std::isfinite(e.improvement)) continue;
            ForestRow row;
            row.label = row_label(a, r, e);
            row.estimate = e.improvement;
            row.low = e.improvement_interval.low, row.high = e.improvement_interval.high;
            row.color = verdict_style(e.verdict).color, row.marker = verdict_style(e.verdict).marker;
            row.right = "n = " + std::to_string(e.group->stats.acc.n + e.group->stats.diverged);
            row.note = verdict_text(e.verdict);
            rows.push_back(row);
        }
    if (rows.empty()) return std::nullopt;
    return Figure{"improvement", "Probability of improvement over " + a.baseline_text(),
                  svg_forest_plot("P(a trial beats one of " + a.baseline_text() + "), with its 95% bootstrap interval (Agarwal et al. 2021)",
                                  "probability of improvement", sorted_rows(rows), 0.5,
                                  "0.5: as likely to lose as to win (dashed). Ties count half and a diverged trial is the worst outcome. "
                                  "The intervals are per comparison, not adjusted for the family: the verdicts come from the Δ plot.")};
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
    return {
        "heatmap", "Mean final test accuracy by " + a.compared_axis + " and the other axes",
        svg_heatmap(
            "Mean final test accuracy: " + a.compared_axis + " × the other axes", row_labels, column_labels, values, marks,
            a.baseline.is_null() ? "" : "▲ / ▼: better / worse than " + a.baseline_text() + " in that column (Holm-adjusted p < 0.05)")};
}

// Small multiples as a figure: the grid, and for a phone (the HTML shows it under 600 px) the same panels in one
// column, which a 390-pixel screen shows at full size where it would shrink the grid's text to a third.
Figure panel_figure(std::string id, std::string title, const MultiPlotSpec& m, const std::vector<Panel>& panels) {
    Figure f(std::move(id), std::move(title), svg_small_multiples(m, panels));
    if (panels.size() > 1 && m.columns > 1) {
        MultiPlotSpec narrow = m;
        narrow.columns = 1;
        narrow.panel_width = std::min(m.panel_width, 260);
        f.narrow_svg = svg_small_multiples(narrow, panels);
    }
    return f;
}

MultiPlotSpec multiples(const std::string& title, const std::string& x, const std::string& y) {
    MultiPlotSpec m;
    m.title = title, m.x_label = x, m.y_label = y;
    return m;
}

namespace {

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

// Zero fraction per activation layer, at initialisation (dashed) and at the end.
Figure zeros_figure(const Aggregate& a, const std::string& per) {
    std::size_t layers = 0;
    for (const Group& g : a.groups)
        for (const TrialRecord* t : g.trials)
            if (t->ok()) layers = std::max(layers, t->metrics.front()["zero_fraction"].size());
    MultiPlotSpec zeros = multiples("Zero fraction per activation layer (dashed: at initialisation; solid: at the end)" + per,
                                    "activation layer", "fraction of exact zeros");
    for (std::size_t l = 0; l < layers; ++l) zeros.x_names.push_back("act" + std::to_string(l + 1));
    zeros.fraction = true;
    return panel_figure(
        "zeros", "Zero fraction per activation layer", zeros,
        by_compared_value(a, [&](const Group& g, const std::string& l, const char* c, std::vector<Series>& out) {
                                const auto per_layer = layer_curve(g, "zero_fraction");
                                if (per_layer.empty()) return;
                                for (int which = 0; which < 2; ++which) {
                                    const auto& v = which == 0 ? per_layer.begin()->second : per_layer.rbegin()->second;
                                    Series s = make_line(l + (which == 0 ? " (init)" : ""), c, {}, {}, which == 0);
                                    for (std::size_t k = 0; k < v.size(); ++k)
                                        s.x.push_back(static_cast<double>(k + 1)), s.y.push_back(v[k]);
                                    out.push_back(s);
                                }
                            }));
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
            panels[p].series.push_back(make_line(label, kPalette[colour_of[label] % 10]));
        }
        Series& s = panels[p].series[series_of[{p, label}]];
        s.x.push_back(g.values["train.lr"].get<double>());
        s.y.push_back(summarise(g.stats.dead).mean);
    }
    for (Panel& p : panels)
        for (Series& s : p.series) sort_by_x(s);  // in the order of the rate
    // A curve needs two rates: a tuned study has one per group (its chosen rate), a point that shows no trend.
    const bool any_curve = std::any_of(panels.begin(), panels.end(), [](const Panel& p) {
        return std::any_of(p.series.begin(), p.series.end(), [](const Series& s) { return s.x.size() > 1 && s.x.front() != s.x.back(); });
    });
    if (panels.empty() || !any_curve) return std::nullopt;
    MultiPlotSpec m =
        multiples("Dead-unit fraction after training against the learning rate" + per, "learning rate (log scale)", "dead fraction");
    m.log_x = true;
    m.fraction = true;
    for (std::size_t i = 0; i < a.columns.size(); ++i)  // a tick at each rate of the sweep
        if (a.columns[i] == "train.lr")
            for (const auto& v : a.column_values[i])
                if (v.is_number()) m.x_ticks.push_back(v.get<double>());
    return panel_figure("dead_vs_lr", "Dead-unit fraction against the learning rate", m, panels);
}

// The curves people compare, on shared axes: in each context the baseline and the top and bottom three by final
// accuracy (all of them where there are seven or fewer), a colour per compared value, the same in every panel — the
// small multiples below give each value its own panel, which shows shapes but not who is ahead.
Figure overlay_figure(const Aggregate& a, bool loss) {
    std::map<std::string, std::size_t> colour_of;
    std::vector<Panel> panels;
    constexpr std::size_t kEnds = 3;
    for (const Ranking& r : a.rankings) {
        std::vector<const RankedEntry*> others;
        for (const RankedEntry& e : r.entries)
            if (!e.is_baseline && !e.alias_of) others.push_back(&e);
        std::vector<const RankedEntry*> shown;
        for (const RankedEntry& e : r.entries)
            if (e.is_baseline) shown.push_back(&e);
        for (std::size_t i = 0; i < others.size(); ++i)
            if (others.size() <= 2 * kEnds + 1 || i < kEnds || i + kEnds >= others.size()) shown.push_back(others[i]);
        Panel panel{r.context_label, {}};
        for (const RankedEntry* e : shown) {
            const std::string value = value_text(e->group->values[a.compared_axis]);
            if (!e->is_baseline && !colour_of.count(value)) colour_of.emplace(value, colour_of.size());
            Curve c = loss ? curve(*e->group, "step", "train_loss", false, true) : curve(*e->group, "epoch", "test_accuracy", false, true);
            while (!loss && !c.x.empty() && c.x.front() < 1)  // epoch 0 is chance for all: it would squash the epochs that differ
                for (auto* v : {&c.x, &c.y, &c.low, &c.high}) v->erase(v->begin());
            Series series = make_line(value + (e->is_baseline ? " (baseline)" : ""),
                                      e->is_baseline ? "#222222" : kPalette[colour_of[value] % 10], c.x, c.y, e->is_baseline);
            series.band_low = c.low, series.band_high = c.high;
            panel.series.push_back(series);
        }
        panels.push_back(panel);
    }
    const bool some_left_out = std::any_of(a.rankings.begin(), a.rankings.end(), [](const Ranking& r) { return r.entries.size() > 2 * kEnds + 2; });
    const std::string which = std::string(a.baseline.is_null() ? "" : "the baseline (dashed), ") +
        (some_left_out ? "the top and bottom three by final accuracy" : "every " + a.compared_axis);
    MultiPlotSpec m = multiples((loss ? "Training loss (log scale): " : "Test accuracy: ") + which +
                                    " on shared axes (mean over seeds; band: the interquartile range over seeds)" +
                                    (panels.size() > 1 ? "; a panel per setting of the other axes" : ""),
                                loss ? "step" : "epoch", loss ? "cross-entropy" : "top-1 accuracy");
    m.log_y = loss;
    m.columns = panels.size() == 1 ? 1 : 2;
    m.panel_width = panels.size() == 1 ? 620 : 400, m.panel_height = panels.size() == 1 ? 300 : 220;
    return panel_figure(loss ? "overlay_loss" : "overlay_accuracy", loss ? "Training loss, compared" : "Test accuracy, compared", m, panels);
}

}  // namespace

std::vector<Figure> curves(const Aggregate& a) {
    std::vector<Figure> figures{overlay_figure(a, false), overlay_figure(a, true)};
    const std::string per = " (a panel per " + a.compared_axis + ")";
    auto line = [](const Curve& c, const std::string& label, const char* colour, bool band) {
        Series s = make_line(label, colour, c.x, c.y);
        if (band) s.band_low = c.low, s.band_high = c.high;
        return s;
    };
    MultiPlotSpec loss = multiples("Training loss, mean over seeds (band: min to max; log scale)" + per, "step", "cross-entropy");
    loss.log_y = true;  // a diverging seed's loss runs to 10^4 and more
    figures.push_back(panel_figure("loss", "Training loss", loss,
                                   by_compared_value(a, [&](const Group& g, const std::string& l, const char* c, std::vector<Series>& out) {
                                       out.push_back(line(curve(g, "step", "train_loss"), l, c, true));
                                   })));
    figures.push_back(panel_figure("accuracy", "Test accuracy",
                                   multiples("Test accuracy, mean over seeds (band: min to max)" + per, "epoch", "top-1 accuracy"),
                                   by_compared_value(a, [&](const Group& g, const std::string& l, const char* c, std::vector<Series>& out) {
                                       out.push_back(line(curve(g, "epoch", "test_accuracy"), l, c, true));
                                   })));
    // The last activation layer's mean output (Glorot & Bengio 2010's saturation of the top hidden layer shows here).
    figures.push_back(panel_figure(
        "last_layer_mean", "Mean output of the last activation layer",
             multiples("Mean output of the last activation layer (probe set, mean over seeds)" + per, "step", "mean activation"),
             by_compared_value(a, [&](const Group& g, const std::string& l, const char* c, std::vector<Series>& out) {
                 Series s = make_line(l, c);
                 for (const auto& [step, v] : layer_curve(g, "mean"))
                     if (!v.empty() && std::isfinite(v.back())) s.x.push_back(static_cast<double>(step)), s.y.push_back(v.back());
                 out.push_back(s);
             })));
    figures.push_back(zeros_figure(a, per));
    if (auto dead = dead_vs_lr_figure(a, per)) figures.push_back(std::move(*dead));
    for (Figure& f : trend_figures(a)) figures.push_back(std::move(f));
    return figures;
}

}  // namespace actbench::doc
