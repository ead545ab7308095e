// Report, stage 3a's parts: the document is built by the summary and its findings (report_findings.cpp), the figures
// (report_figures.cpp, and report_learned.cpp for learned activations) and the long sections (report_sections.cpp),
// from the cell and text helpers here. Internal to those.
#pragma once

#include "report/report_data.hpp"
#include "report/svg_plot.hpp"

#include <cmath>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace actbench::doc {

inline const char* const kPalette[] = {"#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e",
                                       "#8c564b", "#e377c2", "#17becf", "#7f7f7f", "#bcbd22"};

// report_cells.cpp: numbers as text and cells
std::string fmt(const char* format, double v);  // "—" for a non-finite value
std::string mean_std(const std::vector<double>& v, const char* format);
Cell cell(std::string text, double sort = NAN);
Cell stat_cell(const std::vector<double>& v, const char* format);
// The 95% Student-t interval of the mean of fractions, "[low, high]", clipped to [0, 1] (with three seeds it can
// reach past either); "—" with fewer than two values.
Cell fraction_ci_cell(const std::vector<double>& v);
// A table with a column per axis, then `rest` (numbers).
Table group_table(const Aggregate& a, const std::vector<std::string>& rest);
std::vector<Cell> group_cells(const Group& g);
// Mean over a group's finished trials of a metric at each evaluation point (by step), with its min and max — or,
// with `quartiles`, its first and third quartiles (linear interpolation, R's type 7): where curves of several groups
// share a panel, a min-to-max band is one stray seed wide and hides the others.
struct Curve {
    std::vector<double> x, y, low, high;
};
Curve curve(const Group& g, const char* x_key, const char* y_key, bool epoch_ends_only = false, bool quartiles = false);
// A per-layer metric at each evaluation step, averaged over the group's finished trials (null entries skipped).
std::map<long, std::vector<double>> layer_curve(const Group& g, const char* key);
// The same for a list deeper in the row, e.g. /learned/beta/mean.
std::map<long, std::vector<double>> layer_curve(const Group& g, const nlohmann::json::json_pointer& at);
double at(const std::vector<double>& v, std::size_t i);  // NaN past the end
// A series' points (and its band, if any) in the order of x: a line through values gathered group by group.
void sort_by_x(Series& s);
double normal_cdf(double x);
const char* verdict_text(RankedEntry::Verdict v);
// A verdict's look in every plot and the headline: colour and marker both, so that neither alone carries it (Okabe &
// Ito's colour-blind-safe palette); `name` is the headline chip's heading.
struct VerdictStyle {
    const char* name;
    const char* color;
    const char* marker;
};
VerdictStyle verdict_style(RankedEntry::Verdict v);
Section section(std::string id, std::string title);
std::string steps_text(double steps);

// report_findings.cpp: the page's opening and the summary (ranking, findings, confirmation, figures)
Section opening(const Aggregate& a);
Section provenance(const Aggregate& a);  // trials, machine and commands: folded away on the page
// report_headline.cpp: the first screen
void headline(const Aggregate& a, Section& s);  // the question, the answer in a sentence, the verdict chips
Figure delta_forest(const Aggregate& a);  // Δ against the baseline with the interval each verdict used
Section summary(const Aggregate& a);

// report_figures.cpp
Figure forest(const Aggregate& a);  // every group's mean final accuracy; the baseline as a line or ticks
Figure heatmap(const Aggregate& a);  // the compared axis against every other combination of axes
Figure iqm_figure(const Aggregate& a);  // the interquartile mean of each group with its bootstrap interval
std::optional<Figure> improvement_figure(const Aggregate& a);  // P(group > baseline) with its interval; none without one
std::vector<Figure> curves(const Aggregate& a);
// A formula's learned parameters over training, a panel per activation and parameter, a line per layer; none when
// nothing was learned.
std::optional<Figure> learned_figure(const Aggregate& a);
// Accuracy and sparsity against each numeric swept axis with three values or more (report_trends.cpp).
std::vector<Figure> trend_figures(const Aggregate& a);
// The function a learned formula ends as, per layer, beside its start (report_learned.cpp, like learned_figure).
std::optional<Figure> learned_shape_figure(const Aggregate& a);
MultiPlotSpec multiples(const std::string& title, const std::string& x, const std::string& y);
// Small multiples as a figure, with a one-column copy for narrow screens (Figure::narrow_svg).
Figure panel_figure(std::string id, std::string title, const MultiPlotSpec& m, const std::vector<Panel>& panels);

}  // namespace actbench::doc
