// Plots as self-contained SVG (no scripts, no external fonts), for reports and `show activation`.
//
// Every plot keeps its legend outside the data area and lays its text out so that no two labels overlap,
// however many series or panels it has: legends wrap into rows above the panels, tick labels thin out to
// the space they have, long names are shortened with "…". Points and bars carry an SVG <title> (their
// values on hover). Data areas are <rect class="plot-area">, legends <g class="legend">, so a browser test
// can check the layout.
#pragma once

#include <string>
#include <utility>
#include <vector>

namespace actbench {

struct Series {
    std::string label;
    std::string color;  // any SVG colour
    std::vector<double> x, y;
    std::vector<double> band_low, band_high;  // optional: a shaded band around the line (same length as x)
    bool dashed = false;
    // Non-empty: the points alone, each drawn as this marker (see ForestRow::marker), with no line: a choice or an
    // event on top of the lines (the chosen tuning value, a diverged one).
    std::string marker;
    // The points sit on the floor of the plot area whatever their y (a value that has none to draw, e.g. diverged).
    bool at_floor = false;
};
// A line, and points alone (the positional aggregate would have to spell every field out).
inline Series make_line(std::string label, std::string color, std::vector<double> x = {}, std::vector<double> y = {}, bool dashed = false) {
    Series s;
    s.label = std::move(label), s.color = std::move(color), s.x = std::move(x), s.y = std::move(y), s.dashed = dashed;
    return s;
}
inline Series make_points(std::string label, std::string color, std::string marker, bool at_floor = false) {
    Series s = make_line(std::move(label), std::move(color));
    s.marker = std::move(marker), s.at_floor = at_floor;
    return s;
}

struct PlotSpec {
    std::string title, x_label, y_label;
    int width = 640, height = 400;
};

// One panel with a legend above it. Non-finite points are skipped (the line breaks there).
std::string svg_line_plot(const PlotSpec& spec, const std::vector<Series>& series);

// Small multiples: one panel per entry, wrapping into rows of `columns`, with shared x and y ranges so
// panels compare, and one legend (every distinct label and colour) above them.
struct Panel {
    std::string title;
    std::vector<Series> series;
};
struct MultiPlotSpec {
    std::string title, x_label, y_label;
    int columns = 4;
    int panel_width = 200, panel_height = 160;  // four panels a row fit a 1,100-pixel page
    std::vector<std::string> x_names;  // non-empty: x is categorical, x = 1..n named by these (one tick each)
    bool log_x = false;  // x on a log10 scale (learning rates)
    std::vector<double> x_ticks;  // non-empty: ticks at these x values (e.g. the values tried), thinned to fit
    bool log_y = false;  // y on a log10 scale (losses, whose diverged seeds run to 10^4 and more); at least three ticks
    // Finite: the y range ends here, not at the data's extreme, and what lies beyond is cut at the panel's edge (a
    // tuning curve's collapse at the largest rate would otherwise squash the differences the choice was made on).
    double y_lo = 0.0 / 0.0, y_hi = 0.0 / 0.0;
    bool fraction = false;  // y is a fraction: its range (padding included) stays within [0, 1]
};
std::string svg_small_multiples(const MultiPlotSpec& spec, const std::vector<Panel>& panels);

// A forest plot: one row per entry (in the given order), the estimate as a dot and its interval as a bar,
// with a dashed vertical line at `reference` (when finite) or a grey tick at each row's own reference.
struct ForestRow {
    std::string label;
    double estimate = 0, low = 0, high = 0;
    double reference = 0.0 / 0.0;  // this row's baseline (NaN: none)
    std::string color = "#1f77b4";
    std::string note;  // added to the hover text
    // The estimate's marker: circle, ring (hollow), up or down (triangles), diamond, cross — so that a verdict is carried by
    // shape as well as colour. `kind` is written as the marker's data-kind, with the label as data-label (a browser
    // test reads them back against the table).
    std::string marker = "circle", kind;
    std::string right;  // short text right of the plot area on the row (e.g. "n = 8")
};
// `note` goes under the x axis (e.g. what the colours mean), wrapped onto as many lines as it needs; `band`, when
// finite, shades reference ± band (an equivalence margin).
std::string svg_forest_plot(const std::string& title, const std::string& x_label, const std::vector<ForestRow>& rows, double reference,
                            const std::string& note = "", double band = 0.0 / 0.0);

// A heatmap: values[r][c] coloured on one scale (NaN: empty), the value written in each cell with `marks[r][c]`
// after it (e.g. "▲"), row and column labels outside the grid. `diverging`: signed values (differences), coloured
// away from white at 0 in two hues and printed with their sign.
std::string svg_heatmap(const std::string& title, const std::vector<std::string>& row_labels, const std::vector<std::string>& column_labels,
                        const std::vector<std::vector<double>>& values, const std::vector<std::vector<std::string>>& marks,
                        const std::string& note, bool diverging = false);

// A critical-difference diagram (Demšar 2006, Fig. 1): an axis of mean ranks, 1 (the best) on the left; each name on
// its own line, the better half to the left and the rest to the right (all on the left where both halves would make it
// wider than 1,000 pixels), joined to its rank by an elbow; a bar under the
// axis for each run of names no two of which differ significantly (`cliques`: index ranges into `names`, which is in
// order of mean rank); and a bar of length `cd` above the axis. Nothing overlaps: one line per name.
std::string svg_cd_diagram(const std::string& title, const std::vector<std::string>& names, const std::vector<double>& mean_ranks,
                           double cd, const std::vector<std::pair<std::size_t, std::size_t>>& cliques, const std::string& note);

}  // namespace actbench
