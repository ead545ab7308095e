// Small multiples and the one-panel line plot: shared axes, ticks (log or linear), legends, series and bands.
#include "report/svg_plot.hpp"
#include "report/svg_text.hpp"

#include <algorithm>
#include <cmath>
#include <sstream>

namespace actbench {

using namespace svg;

namespace {

// What every panel of a small-multiples plot shares: the transforms (log or linear), the data ranges after them,
// and the ticks.
struct SharedAxes {
    const MultiPlotSpec& spec;
    Range xr, yr;
    std::vector<std::pair<double, std::string>> x_ticks;
    std::vector<double> y_ticks;
    double tx(double x) const { return spec.log_x ? (x > 0 ? std::log10(x) : NAN) : x; }
    double ty(double y) const { return spec.log_y ? (y > 0 ? std::log10(y) : NAN) : y; }
};

// Ranges over every panel's finite points (bands included), and the legend's entries, one per label and colour.
void gather_ranges(SharedAxes& axes, const std::vector<Panel>& panels, std::vector<LegendEntry>& entries) {
    const MultiPlotSpec& spec = axes.spec;
    for (const auto& p : panels)
        for (const auto& s : p.series) {
            for (std::size_t i = 0; i < s.x.size(); ++i) {
                if (s.at_floor) {  // x counts; y is the floor, whatever it is
                    axes.xr.add(axes.tx(s.x[i]));
                    continue;
                }
                if (!std::isfinite(axes.tx(s.x[i])) || !std::isfinite(axes.ty(s.y[i]))) continue;
                axes.xr.add(axes.tx(s.x[i]));
                axes.yr.add(axes.ty(s.y[i]));
                if (s.band_low.size() == s.x.size()) axes.yr.add(axes.ty(s.band_low[i])), axes.yr.add(axes.ty(s.band_high[i]));
            }
            if (std::none_of(entries.begin(), entries.end(),
                             [&](const LegendEntry& e) { return e.label == s.label && e.color == s.color; }))
                entries.push_back({s.label, s.color, s.dashed, s.marker});
        }
    if (!spec.x_names.empty()) axes.xr.lo = 0.5, axes.xr.hi = static_cast<double>(spec.x_names.size()) + 0.5;
    axes.xr.settle(false);
    // A fixed end inside the data's range replaces it, and the padding is 5% of the range that is left.
    const double fixed_lo = axes.ty(spec.y_lo), fixed_hi = axes.ty(spec.y_hi);
    if (std::isfinite(fixed_lo) && fixed_lo > axes.yr.lo && fixed_lo < axes.yr.hi) axes.yr.lo = fixed_lo;
    if (std::isfinite(fixed_hi) && fixed_hi < axes.yr.hi && fixed_hi > axes.yr.lo) axes.yr.hi = fixed_hi;
    axes.yr.settle(true);
    if (spec.fraction && !spec.log_y) axes.yr.lo = std::max(axes.yr.lo, 0.0), axes.yr.hi = std::min(axes.yr.hi, 1.0);
}

// Every k-th of n labels, k chosen so the widest fits its slot of the panel's width.
std::size_t thinning(double widest, std::size_t n, double panel_width) {
    const double slot = panel_width / static_cast<double>(n);
    return std::max<std::size_t>(1, static_cast<std::size_t>(std::ceil((widest + 8) / slot)));
}

// Ticks on a log10 axis spanning [lo, hi] (in log10 units): whole powers of ten, else 1-2-5 of each decade, else
// every digit, whichever first gives at least three (one tick on a loss panel says nothing of its scale), thinned
// so that no two labels touch.
std::vector<double> log_ticks(double lo, double hi, double length) {
    std::vector<double> t;
    for (const std::vector<double>& mantissas : {std::vector<double>{1}, {1, 2, 5}, {1, 2, 3, 4, 5, 6, 7, 8, 9}}) {
        t.clear();
        for (double decade = std::floor(lo); decade <= std::ceil(hi); ++decade)
            for (double m : mantissas) {
                const double v = decade + std::log10(m);
                if (v >= lo - 1e-9 && v <= hi + 1e-9) t.push_back(v);
            }
        if (t.size() >= 3) break;
    }
    std::vector<double> kept;  // a label's height apart at least (the digits of a decade crowd at its top)
    for (double v : t)
        if (kept.empty() || (v - kept.back()) * length / (hi - lo) >= kLineHeight + 2) kept.push_back(v);
    return kept;
}

// x ticks: the category names, the given values, or round numbers; y ticks: round numbers (whole powers of ten
// on a log scale).
void choose_ticks(SharedAxes& axes) {
    const MultiPlotSpec& spec = axes.spec;
    if (!spec.x_names.empty()) {
        double widest = 0;
        for (const auto& n : spec.x_names) widest = std::max(widest, text_width(n));
        const std::size_t every = thinning(widest, spec.x_names.size(), spec.panel_width);
        for (std::size_t i = 0; i < spec.x_names.size(); i += every) axes.x_ticks.emplace_back(static_cast<double>(i + 1), spec.x_names[i]);
    } else if (!spec.x_ticks.empty()) {
        double widest = 0;
        for (double v : spec.x_ticks) widest = std::max(widest, text_width(tick_label(v)));
        const std::size_t every = thinning(widest, spec.x_ticks.size(), spec.panel_width);
        for (std::size_t i = 0; i < spec.x_ticks.size(); i += every) {
            const double t = axes.tx(spec.x_ticks[i]);  // a tick outside the data's range would sit outside the panel
            if (std::isfinite(t) && t >= axes.xr.lo - 1e-9 * std::abs(axes.xr.lo) && t <= axes.xr.hi + 1e-9 * std::abs(axes.xr.hi))
                axes.x_ticks.emplace_back(t, tick_label(spec.x_ticks[i]));
        }
    } else {
        for (double t : ticks(axes.xr.lo, axes.xr.hi, spec.panel_width, true))
            axes.x_ticks.emplace_back(t, tick_label(spec.log_x ? std::pow(10, t) : t));
    }
    axes.y_ticks = ticks(axes.yr.lo, axes.yr.hi, spec.panel_height, false);
    if (spec.log_y) axes.y_ticks = log_ticks(axes.yr.lo, axes.yr.hi, spec.panel_height);
}

// One series in a panel: its band (where every point of it is drawable), its line (broken at missing points) and
// a dot with a tooltip per point.
template <class Px, class Py>
void draw_series(std::ostringstream& body, const SharedAxes& axes, const Series& s, Px&& px, Py&& py) {
    const MultiPlotSpec& spec = axes.spec;
    auto hover = [&](std::size_t i) {
        return s.label + (s.label.empty() ? "" : ": ") + spec.x_label + " " +
            (spec.x_names.empty() ? tick_label(s.x[i]) : spec.x_names[static_cast<std::size_t>(s.x[i]) - 1]) +
            (s.at_floor ? "" : ", " + spec.y_label + " " + tick_label(s.y[i]));
    };
    if (!s.marker.empty()) {  // points alone
        for (std::size_t i = 0; i < s.x.size(); ++i) {
            const double y = s.at_floor ? py(spec.log_y ? std::pow(10, axes.yr.lo) : axes.yr.lo) - 6 : py(s.y[i]);
            if (std::isfinite(px(s.x[i])) && std::isfinite(y)) marker(body, s.marker, px(s.x[i]), y, s.color, "", "", hover(i));
        }
        return;
    }
    bool band_drawable = s.band_low.size() == s.x.size() && !s.x.empty();
    for (std::size_t i = 0; band_drawable && i < s.x.size(); ++i)
        band_drawable = std::isfinite(px(s.x[i])) && std::isfinite(py(s.band_low[i])) && std::isfinite(py(s.band_high[i]));
    if (band_drawable) {
        std::string band;
        for (std::size_t i = 0; i < s.x.size(); ++i) band += (i ? " L" : "M") + num(px(s.x[i])) + " " + num(py(s.band_high[i]));
        for (std::size_t i = s.x.size(); i-- > 0;) band += " L" + num(px(s.x[i])) + " " + num(py(s.band_low[i]));
        body << "<path d=\"" << band << " Z\" fill=\"" << s.color << "\" fill-opacity=\"0.15\" stroke=\"none\"/>\n";
    }
    std::string path, points;
    bool pen_down = false;
    for (std::size_t i = 0; i < s.x.size(); ++i) {
        if (!std::isfinite(axes.tx(s.x[i])) || !std::isfinite(axes.ty(s.y[i]))) {
            pen_down = false;
            continue;
        }
        path += (pen_down ? " L" : " M") + num(px(s.x[i])) + " " + num(py(s.y[i]));
        pen_down = true;
        points += "<circle cx=\"" + num(px(s.x[i])) + "\" cy=\"" + num(py(s.y[i])) + "\" r=\"2\" fill=\"" + s.color + "\"><title>" +
            escape(hover(i)) + "</title></circle>\n";
    }
    if (path.empty()) return;
    body << "<path d=\"" << path << "\" fill=\"none\" stroke=\"" << s.color << "\" stroke-width=\"1.6\""
         << (s.dashed ? " stroke-dasharray=\"6 4\"" : "") << "><title>" << escape(s.label) << "</title></path>\n"
         << points;
}

// One panel with its plot area's top-left corner at (left, top): title, grid and tick labels, frame, series.
void draw_panel(std::ostringstream& body, const SharedAxes& axes, const Panel& p, double left, double top) {
    const MultiPlotSpec& spec = axes.spec;
    const Range &xr = axes.xr, &yr = axes.yr;
    const double right = left + spec.panel_width, bottom = top + spec.panel_height;
    auto px = [&](double x) { return left + (axes.tx(x) - xr.lo) / (xr.hi - xr.lo) * (right - left); };
    auto py_scaled = [&](double y) { return bottom - (y - yr.lo) / (yr.hi - yr.lo) * (bottom - top); };
    auto py = [&](double y) { return py_scaled(axes.ty(y)); };
    body << "<g class=\"panel\">\n";
    if (!p.title.empty())
        body << "<text class=\"panel-title\" x=\"" << num((left + right) / 2) << "\" y=\"" << num(top - 7) << "\" text-anchor=\"middle\">"
             << escape(fit(p.title, spec.panel_width)) << "<title>" << escape(p.title) << "</title></text>\n";
    for (const auto& [t, label] : axes.x_ticks) {
        const double x = spec.x_names.empty() ? left + (t - xr.lo) / (xr.hi - xr.lo) * (right - left) : px(t);
        body << "<line x1=\"" << num(x) << "\" y1=\"" << num(top) << "\" x2=\"" << num(x) << "\" y2=\"" << num(bottom)
             << "\" stroke=\"#eee\"/>\n"
             << "<text x=\"" << num(x) << "\" y=\"" << num(bottom + 14) << "\" text-anchor=\"middle\">" << escape(label) << "</text>\n";
    }
    for (double t : axes.y_ticks)
        body << "<line x1=\"" << num(left) << "\" y1=\"" << num(py_scaled(t)) << "\" x2=\"" << num(right) << "\" y2=\"" << num(py_scaled(t))
             << "\" stroke=\"#eee\"/>\n<text x=\"" << num(left - 5) << "\" y=\"" << num(py_scaled(t) + 4) << "\" text-anchor=\"end\">"
             << tick_label(spec.log_y ? std::pow(10, t) : t) << "</text>\n";
    body << "<rect class=\"plot-area\" x=\"" << num(left) << "\" y=\"" << num(top) << "\" width=\"" << num(right - left) << "\" height=\""
         << num(bottom - top) << "\" fill=\"none\" stroke=\"#888\"/>\n";
    // The series in a viewport a marker's radius larger than the plot area: what runs past a fixed y range is cut.
    body << "<svg x=\"" << num(left - 7) << "\" y=\"" << num(top - 7) << "\" width=\"" << num(right - left + 14) << "\" height=\""
         << num(bottom - top + 14) << "\" viewBox=\"" << num(left - 7) << " " << num(top - 7) << " " << num(right - left + 14) << " "
         << num(bottom - top + 14) << "\">\n";
    for (const auto& s : p.series) draw_series(body, axes, s, px, py);
    body << "</svg>\n</g>\n";
}

}  // namespace

std::string svg_small_multiples(const MultiPlotSpec& spec, const std::vector<Panel>& panels) {
    SharedAxes axes{spec, {}, {}, {}, {}};
    std::vector<LegendEntry> entries;
    gather_ranges(axes, panels, entries);

    choose_ticks(axes);
    // The right margin holds half the widest x tick label: one at the panel's right edge stays inside the figure.
    double widest_tick = 0;
    for (const auto& [t, label] : axes.x_ticks) widest_tick = std::max(widest_tick, text_width(label));
    const double outer_left = 28, panel_left = 52, panel_right = std::max(14.0, widest_tick / 2 + 4), panel_top = 22, panel_bottom = 30;
    const double cell_w = panel_left + spec.panel_width + panel_right, cell_h = panel_top + spec.panel_height + panel_bottom;
    const int columns = std::max(1, std::min<int>(spec.columns, static_cast<int>(panels.size())));
    const int rows = static_cast<int>((panels.size() + columns - 1) / columns);
    const double width = outer_left + columns * cell_w;
    std::ostringstream body;
    const std::vector<std::string> title_lines = wrap_lines(spec.title, width - 20);  // wrapped, never cut
    const double title_h = 28 + 18 * static_cast<double>(std::max<std::size_t>(title_lines.size(), 1) - 1);
    const double legend_h = entries.size() > 1 || (entries.size() == 1 && !entries[0].label.empty())
        ? legend(body, entries, outer_left, title_h, width - outer_left - 8) + 8
        : 0;
    const double grid_top = title_h + legend_h;
    const double height = grid_top + rows * cell_h + 24;
    for (std::size_t index = 0; index < panels.size(); ++index)
        draw_panel(body, axes, panels[index], outer_left + static_cast<double>(index % columns) * cell_w + panel_left,
                   grid_top + static_cast<double>(index / columns) * cell_h + panel_top);

    std::ostringstream svg;
    svg << header(width, height);
    text_lines(svg, title_lines, width / 2, 19, "middle", 14);
    svg << body.str();
    svg << "<text x=\"" << num(width / 2) << "\" y=\"" << num(height - 6) << "\" text-anchor=\"middle\">" << escape(spec.x_label)
        << "</text>\n";
    svg << "<text transform=\"translate(14," << num(grid_top + rows * cell_h / 2) << ") rotate(-90)\" text-anchor=\"middle\">"
        << escape(fit(spec.y_label, rows * cell_h)) << "</text>\n";
    svg << "</svg>\n";
    return svg.str();
}

std::string svg_line_plot(const PlotSpec& spec, const std::vector<Series>& series) {
    MultiPlotSpec m;
    m.title = spec.title, m.x_label = spec.x_label, m.y_label = spec.y_label;
    m.columns = 1, m.panel_width = spec.width - 100, m.panel_height = spec.height - 120;
    return svg_small_multiples(m, {Panel{"", series}});
}
}  // namespace actbench
