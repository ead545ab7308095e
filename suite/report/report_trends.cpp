// Report, stage 3a: a study's results against a numeric swept axis — an L1 strength, a width factor, a noise level
// (every axis with three or more numeric values but the seed, the compared one, a tuned one and train.lr, whose dead
// fraction report_figures.cpp draws): test accuracy with its interval, and the sparsity that comes with it.
#include "report/report_parts.hpp"

#include <algorithm>

namespace actbench::doc {

using nlohmann::json;

namespace {

// The axes to draw against: numeric, three values or more, not the seed, the compared, the tuned axis or the rate.
std::vector<std::size_t> trend_axes(const Aggregate& a) {
    std::vector<std::size_t> out;
    for (std::size_t i = 0; i < a.columns.size(); ++i) {
        const std::string& axis = a.columns[i];
        if (axis == a.compared_axis || axis == a.tune_axis || axis == "train.lr" || a.column_values[i].size() < 3) continue;
        if (std::all_of(a.column_values[i].begin(), a.column_values[i].end(), [](const json& v) { return v.is_number(); }))
            out.push_back(i);
    }
    return out;
}

Figure trend_figure(const Aggregate& a, std::size_t column) {
    const std::string& axis = a.columns[column];
    const std::vector<json>& values = a.column_values[column];
    const char* const titles[] = {"test accuracy", "zero fraction after training", "dead or inactive units"};
    std::vector<Panel> panels;
    for (const char* t : titles) panels.push_back({t, {}});
    std::map<std::string, std::size_t> colour_of;
    std::map<std::string, std::array<std::size_t, 3>> series_of;
    for (const Group& g : a.groups) {
        std::string label = value_text(g.values[a.compared_axis]);
        const std::string context = a.context_text(g.values, {a.compared_axis, axis, a.tune_axis});
        if (!context.empty()) label += " (" + context + ")";
        if (!colour_of.count(label)) {
            colour_of.emplace(label, colour_of.size());
            for (std::size_t p = 0; p < 3; ++p) {
                series_of[label][p] = panels[p].series.size();
                panels[p].series.push_back(make_line(label, kPalette[colour_of[label] % 10]));
            }
        }
        const double x = static_cast<double>(std::find(values.begin(), values.end(), g.values[axis]) - values.begin() + 1);
        const Summary& acc = g.stats.acc;
        const std::vector<double>& flat = g.stats.dead.empty() ? g.stats.inactive : g.stats.dead;
        const double y[3] = {acc.n ? acc.mean : NAN, g.stats.zero_final.empty() ? NAN : summarise(g.stats.zero_final).mean,
                             flat.empty() ? NAN : summarise(flat).mean};
        for (std::size_t p = 0; p < 3; ++p) {
            Series& s = panels[p].series[series_of[label][p]];
            s.x.push_back(x), s.y.push_back(y[p]);
            if (p == 0)  // a fraction's interval, clipped to [0, 1] (a t interval over few seeds reaches past either)
                s.band_low.push_back(acc.n ? std::max(0.0, acc.ci_low) : NAN), s.band_high.push_back(acc.n ? std::min(1.0, acc.ci_high) : NAN);
        }
    }
    for (Panel& p : panels)
        for (Series& s : p.series) sort_by_x(s);  // in the order of the axis's values
    MultiPlotSpec m = multiples("Against " + axis + ": test accuracy (band: its 95% interval over seeds), the zero fraction after "
                                "training, and the dead (rectifiers) or inactive units (the others); means over seeds, a line per " +
                                    a.compared_axis,
                                axis, "fraction");
    m.fraction = true;  // all three are
    for (const json& v : values) m.x_names.push_back(value_text(v));
    m.columns = 3, m.panel_width = 260, m.panel_height = 200;
    std::string id = "trend_" + axis;
    std::replace(id.begin(), id.end(), '.', '_');
    return panel_figure(id, "Against " + axis, m, panels);
}

}  // namespace

std::vector<Figure> trend_figures(const Aggregate& a) {
    std::vector<Figure> out;
    for (const std::size_t column : trend_axes(a)) out.push_back(trend_figure(a, column));
    return out;
}

}  // namespace actbench::doc
