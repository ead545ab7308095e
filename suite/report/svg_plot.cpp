#include "report/svg_plot.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <sstream>

namespace actbench {

namespace {

// Text is laid out from an upper bound on its width: 12 px sans-serif (DejaVu Sans, Debian's default) stays
// under 8 px a character for digits and lower case.
constexpr double kCharWidth = 8, kFontSize = 12, kLineHeight = 16;

double text_width(const std::string& s) {
    std::size_t chars = 0;
    for (unsigned char c : s) chars += (c & 0xC0) != 0x80;  // UTF-8: count code points
    return kCharWidth * static_cast<double>(chars);
}

std::string num(double v) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.2f", v);
    return buf;
}

std::string tick_label(double v) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%g", std::abs(v) < 1e-12 ? 0.0 : v);
    return buf;
}

std::string escape(const std::string& s) {
    std::string out;
    for (char c : s) {
        if (c == '<')
            out += "&lt;";
        else if (c == '>')
            out += "&gt;";
        else if (c == '&')
            out += "&amp;";
        else if (c == '"')
            out += "&quot;";
        else
            out += c;
    }
    return out;
}

// `s` shortened with "…" to fit `width` pixels, whole UTF-8 characters only.
std::string fit(const std::string& s, double width) {
    if (text_width(s) <= width) return s;
    std::string out;
    for (std::size_t i = 0; i < s.size();) {
        const unsigned char c = static_cast<unsigned char>(s[i]);
        const std::size_t length = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1;
        if (text_width(out + s.substr(i, length)) + kCharWidth > width) break;  // room for the "…"
        out += s.substr(i, length);
        i += length;
    }
    return out + "…";
}

// `s` broken at spaces into lines no wider than `width` pixels (a word wider than that gets a line of its own):
// text that wraps instead of being cut with "…".
std::vector<std::string> wrap_lines(const std::string& s, double width) {
    std::vector<std::string> lines;
    std::string line;
    std::size_t at = 0;
    while (at <= s.size()) {
        const std::size_t space = std::min(s.find(' ', at), s.size());
        const std::string word = s.substr(at, space - at);
        if (!line.empty() && text_width(line + " " + word) > width) lines.push_back(line), line.clear();
        line += (line.empty() ? "" : " ") + word;
        at = space + 1;
    }
    if (!line.empty()) lines.push_back(line);
    return lines;
}

// Lines of text centred on x (anchor "middle") or ending at x ("end"), from baseline y down; returns the y after them.
double text_lines(std::ostringstream& svg, const std::vector<std::string>& lines, double x, double y, const char* anchor,
                  int font_size = static_cast<int>(kFontSize)) {
    for (const std::string& l : lines) {
        svg << "<text x=\"" << num(x) << "\" y=\"" << num(y) << "\" text-anchor=\"" << anchor << "\" font-size=\"" << font_size << "\">"
            << escape(l) << "</text>\n";
        y += font_size + 4;
    }
    return y;
}

// A marker of `shape` centred on (x, y), with its hover text; `kind` becomes data-kind.
void marker(std::ostringstream& svg, const std::string& shape, double x, double y, const std::string& color, const std::string& kind,
            const std::string& label, const std::string& hover) {
    const std::string data = kind.empty() ? "" : " class=\"marker\" data-kind=\"" + escape(kind) + "\" data-label=\"" + escape(label) + "\"";
    const std::string title = "<title>" + escape(hover) + "</title>";
    auto polygon = [&](const std::vector<std::pair<double, double>>& points) {
        svg << "<polygon" << data << " points=\"";
        for (const auto& [dx, dy] : points) svg << num(x + dx) << "," << num(y + dy) << " ";
        svg << "\" fill=\"" << color << "\">" << title << "</polygon>\n";
    };
    if (shape == "up")
        polygon({{0, -6}, {5.5, 4}, {-5.5, 4}});
    else if (shape == "down")
        polygon({{0, 6}, {5.5, -4}, {-5.5, -4}});
    else if (shape == "diamond")
        polygon({{0, -6}, {6, 0}, {0, 6}, {-6, 0}});
    else if (shape == "cross")  // an event with no value to draw (a diverged run)
        svg << "<path" << data << " d=\"M" << num(x - 4.5) << " " << num(y - 4.5) << " L" << num(x + 4.5) << " " << num(y + 4.5) << " M"
            << num(x - 4.5) << " " << num(y + 4.5) << " L" << num(x + 4.5) << " " << num(y - 4.5) << "\" stroke=\"" << color
            << "\" stroke-width=\"2.2\" fill=\"none\">" << title << "</path>\n";
    else
        svg << "<circle" << data << " cx=\"" << num(x) << "\" cy=\"" << num(y) << "\" r=\"4.5\" "
            << (shape == "ring" ? "fill=\"white\" stroke=\"" + color + "\" stroke-width=\"2\"" : "fill=\"" + color + "\"") << ">"
            << title << "</circle>\n";
}

// Round tick values covering [lo, hi], as many as fit `length` pixels with labels `label_width` wide apart.
std::vector<double> ticks(double lo, double hi, double length, bool horizontal) {
    const double span = hi - lo;
    int target = 5;
    for (;; --target) {
        const double raw = span / target;
        const double mag = std::pow(10, std::floor(std::log10(raw)));
        double step = mag;
        for (double m : {1.0, 2.0, 5.0, 10.0})
            if (mag * m >= raw) {
                step = mag * m;
                break;
            }
        std::vector<double> t;
        for (double v = std::ceil(lo / step) * step; v <= hi + step * 1e-9; v += step) t.push_back(std::abs(v) < step * 1e-9 ? 0.0 : v);
        double widest = 0;
        for (double v : t) widest = std::max(widest, horizontal ? text_width(tick_label(v)) : kLineHeight);
        const double spacing = t.size() > 1 ? length * step / span : length;
        if (target <= 2 || spacing >= widest + 10) return t;
    }
}

struct Range {
    double lo = INFINITY, hi = -INFINITY;
    void add(double v) {
        if (std::isfinite(v)) lo = std::min(lo, v), hi = std::max(hi, v);
    }
    void settle(bool pad) {
        if (!std::isfinite(lo)) lo = 0, hi = 1;
        if (hi - lo < 1e-12) lo -= 0.5, hi += 0.5;
        if (pad) {
            const double p = 0.05 * (hi - lo);
            lo -= p, hi += p;
        }
    }
};

struct LegendEntry {
    std::string label, color;
    bool dashed;
    std::string marker;  // non-empty: the entry is a marker, not a line
};

// The legend as rows of entries across `width`, from (x, y); returns its height.
double legend(std::ostringstream& svg, const std::vector<LegendEntry>& entries, double x, double y, double width) {
    if (entries.empty()) return 0;
    double widest = 0;
    for (const auto& e : entries) widest = std::max(widest, text_width(e.label));
    const double entry_width = std::min(width, 34 + widest + 16);
    const int per_row = std::max(1, static_cast<int>(width / entry_width));
    const int rows = static_cast<int>((entries.size() + per_row - 1) / per_row);
    const double height = rows * kLineHeight + 8;
    svg << "<g class=\"legend\"><rect x=\"" << num(x) << "\" y=\"" << num(y) << "\" width=\"" << num(width) << "\" height=\"" << num(height)
        << "\" fill=\"#fafafa\" stroke=\"#ddd\"/>\n";
    for (std::size_t i = 0; i < entries.size(); ++i) {
        const double ex = x + 6 + static_cast<double>(i % per_row) * entry_width;
        const double ey = y + 4 + static_cast<double>(i / per_row) * kLineHeight + 12;
        if (!entries[i].marker.empty())
            marker(svg, entries[i].marker, ex + 12, ey - 4, entries[i].color, "", "", entries[i].label);
        else
            svg << "<line x1=\"" << num(ex) << "\" y1=\"" << num(ey - 4) << "\" x2=\"" << num(ex + 24) << "\" y2=\"" << num(ey - 4)
                << "\" stroke=\"" << entries[i].color << "\" stroke-width=\"2\""
                << (entries[i].dashed ? " stroke-dasharray=\"6 4\"" : "") << "/>\n";
        svg << "<text x=\"" << num(ex + 30) << "\" y=\"" << num(ey) << "\">" << escape(fit(entries[i].label, entry_width - 40)) << "<title>"
            << escape(entries[i].label) << "</title></text>\n";
    }
    svg << "</g>\n";
    return height;
}

std::string header(double width, double height) {
    std::ostringstream s;
    s << "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" << num(width) << "\" height=\"" << num(height) << "\" viewBox=\"0 0 "
      << num(width) << " " << num(height) << "\" font-family=\"sans-serif\" font-size=\"" << kFontSize << "\">\n"
      << "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n";
    return s.str();
}

}  // namespace

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

std::string svg_forest_plot(const std::string& title, const std::string& x_label, const std::vector<ForestRow>& rows, double reference,
                            const std::string& note, double band) {
    Range xr;
    double widest = 0, widest_right = 0;
    for (const auto& r : rows) {
        xr.add(r.low), xr.add(r.high), xr.add(r.estimate), xr.add(r.reference);
        widest = std::max(widest, text_width(r.label));
        widest_right = std::max(widest_right, text_width(r.right));
    }
    xr.add(reference);
    if (std::isfinite(band) && std::isfinite(reference)) xr.add(reference - band), xr.add(reference + band);
    xr.settle(true);
    const double label_w = std::min(widest, 460.0) + 12, left = label_w + 10, plot_w = 520, right = left + plot_w;
    const double width = right + (widest_right > 0 ? widest_right + 16 : 0) + 20;
    std::ostringstream body;
    const double top = text_lines(body, wrap_lines(title, width - 20), width / 2, 19, "middle", 14) - 4;
    const double row_h = 18, bottom = top + static_cast<double>(std::max<std::size_t>(rows.size(), 1)) * row_h;
    auto px = [&](double x) { return left + (x - xr.lo) / (xr.hi - xr.lo) * plot_w; };
    if (std::isfinite(band) && std::isfinite(reference))
        body << "<rect x=\"" << num(px(reference - band)) << "\" y=\"" << num(top) << "\" width=\"" << num(px(reference + band) - px(reference - band))
             << "\" height=\"" << num(bottom - top) << "\" fill=\"#dbe9f6\"><title>within ±" << tick_label(band) << "</title></rect>\n";
    for (double t : ticks(xr.lo, xr.hi, plot_w, true))
        body << "<line x1=\"" << num(px(t)) << "\" y1=\"" << num(top) << "\" x2=\"" << num(px(t)) << "\" y2=\"" << num(bottom)
             << "\" stroke=\"#eee\"/>\n<text x=\"" << num(px(t)) << "\" y=\"" << num(bottom + 15) << "\" text-anchor=\"middle\">"
             << tick_label(t) << "</text>\n";
    body << "<rect class=\"plot-area\" x=\"" << num(left) << "\" y=\"" << num(top) << "\" width=\"" << num(plot_w) << "\" height=\""
         << num(bottom - top) << "\" fill=\"none\" stroke=\"#888\"/>\n";
    if (std::isfinite(reference))
        body << "<line x1=\"" << num(px(reference)) << "\" y1=\"" << num(top) << "\" x2=\"" << num(px(reference)) << "\" y2=\""
             << num(bottom) << "\" stroke=\"#555\" stroke-dasharray=\"5 4\"><title>baseline " << tick_label(reference)
             << "</title></line>\n";
    for (std::size_t i = 0; i < rows.size(); ++i) {
        const ForestRow& r = rows[i];
        const double y = top + (static_cast<double>(i) + 0.5) * row_h;
        body << "<text x=\"" << num(label_w) << "\" y=\"" << num(y + 4) << "\" text-anchor=\"end\">" << escape(fit(r.label, label_w - 4))
             << "<title>" << escape(r.label) << "</title></text>\n";
        if (!r.right.empty())
            body << "<text x=\"" << num(right + 8) << "\" y=\"" << num(y + 4) << "\">" << escape(r.right) << "</text>\n";
        if (std::isfinite(r.reference) && !std::isfinite(reference))
            body << "<line x1=\"" << num(px(r.reference)) << "\" y1=\"" << num(y - 7) << "\" x2=\"" << num(px(r.reference)) << "\" y2=\""
                 << num(y + 7) << "\" stroke=\"#999\" stroke-width=\"2\"/>\n";
        const std::string hover = r.label + ": " + tick_label(r.estimate) + " [" + tick_label(r.low) + ", " + tick_label(r.high) + "]" +
            (r.note.empty() ? "" : "; " + r.note);
        if (std::isfinite(r.low) && std::isfinite(r.high))
            body << "<line x1=\"" << num(px(r.low)) << "\" y1=\"" << num(y) << "\" x2=\"" << num(px(r.high)) << "\" y2=\"" << num(y)
                 << "\" stroke=\"" << r.color << "\" stroke-width=\"2\"><title>" << escape(hover) << "</title></line>\n";
        if (std::isfinite(r.estimate)) marker(body, r.marker, px(r.estimate), y, r.color, r.kind, r.label, hover);
    }
    body << "<text x=\"" << num(left + plot_w / 2) << "\" y=\"" << num(bottom + 34) << "\" text-anchor=\"middle\">" << escape(x_label)
         << "</text>\n";
    const double height = text_lines(body, wrap_lines(note, width - 20), width - 10, bottom + 54, "end") + 2;
    std::ostringstream svg;
    svg << header(width, height) << body.str() << "</svg>\n";
    return svg.str();
}

std::string svg_heatmap(const std::string& title, const std::vector<std::string>& row_labels, const std::vector<std::string>& column_labels,
                        const std::vector<std::vector<double>>& values, const std::vector<std::vector<std::string>>& marks,
                        const std::string& note, bool diverging) {
    Range vr;
    for (const auto& row : values)
        for (double v : row) vr.add(v);
    vr.settle(false);
    double row_w = 0, col_w = 64;
    for (const auto& l : row_labels) row_w = std::max(row_w, text_width(l));
    for (const auto& l : column_labels) col_w = std::max(col_w, std::min(text_width(l), 200.0) + 10);
    row_w = std::min(row_w, 240.0) + 12;
    const double left = row_w + 6, top = 52, cell_h = 22;
    const double width = std::max(left + col_w * static_cast<double>(column_labels.size()) + 20, text_width(title) + 40);
    const std::vector<std::string> note_lines = wrap_lines(note, width - 12);  // wrapped, never cut
    const double height = top + cell_h * static_cast<double>(row_labels.size()) + 18 + 16 * static_cast<double>(std::max<std::size_t>(note_lines.size(), 1));
    std::ostringstream svg;
    svg << header(width, height);
    svg << "<text x=\"" << num(width / 2) << "\" y=\"19\" text-anchor=\"middle\" font-size=\"14\">" << escape(title) << "</text>\n";
    for (std::size_t c = 0; c < column_labels.size(); ++c)
        svg << "<text x=\"" << num(left + (static_cast<double>(c) + 0.5) * col_w) << "\" y=\"" << num(top - 8)
            << "\" text-anchor=\"middle\">" << escape(fit(column_labels[c], col_w - 8)) << "<title>" << escape(column_labels[c])
            << "</title></text>\n";
    svg << "<g class=\"plot-area-group\">\n";
    for (std::size_t r = 0; r < row_labels.size(); ++r) {
        const double y = top + static_cast<double>(r) * cell_h;
        svg << "<text x=\"" << num(row_w) << "\" y=\"" << num(y + 15) << "\" text-anchor=\"end\">" << escape(fit(row_labels[r], row_w - 4))
            << "<title>" << escape(row_labels[r]) << "</title></text>\n";
        for (std::size_t c = 0; c < column_labels.size(); ++c) {
            const double v = c < values[r].size() ? values[r][c] : NAN;
            const double x = left + static_cast<double>(c) * col_w;
            // White (lowest) to a deep blue (highest); diverging: white at 0, blue above and vermilion below, by the square
            // root of |v| over the largest |v| (one collapse would otherwise bleach every other cell). The text turns
            // white on the darker half.
            const double reach = std::max(std::abs(vr.lo), std::abs(vr.hi));
            const double f = !std::isfinite(v) ? 0 : diverging ? (reach > 0 ? std::sqrt(std::abs(v) / reach) : 0) : (v - vr.lo) / (vr.hi - vr.lo);
            char fill[16];
            if (diverging && v < 0)
                std::snprintf(fill, sizeof fill, "#%02x%02x%02x", static_cast<int>(255 - 42 * f), static_cast<int>(255 - 161 * f),
                              static_cast<int>(255 - 255 * f));
            else
                std::snprintf(fill, sizeof fill, "#%02x%02x%02x", static_cast<int>(247 - 200 * f), static_cast<int>(251 - 150 * f),
                              static_cast<int>(255 - 80 * f));
            const std::string mark = r < marks.size() && c < marks[r].size() ? marks[r][c] : "";
            char signed_text[32];
            std::snprintf(signed_text, sizeof signed_text, "%+.3f", v);
            const std::string text =
                std::isfinite(v) ? (diverging ? std::string(signed_text) : tick_label(std::round(v * 1000) / 1000)) + mark : "";
            svg << "<rect x=\"" << num(x) << "\" y=\"" << num(y) << "\" width=\"" << num(col_w - 2) << "\" height=\"" << num(cell_h - 2)
                << "\" fill=\"" << (std::isfinite(v) ? fill : "#f4f4f4") << "\"><title>"
                << escape(row_labels[r] + ", " + column_labels[c] + ": " + text) << "</title></rect>\n";
            if (!text.empty())
                svg << "<text x=\"" << num(x + col_w / 2 - 1) << "\" y=\"" << num(y + 15) << "\" text-anchor=\"middle\" fill=\""
                    << (f > 0.55 ? "white" : "#222") << "\">" << escape(text) << "</text>\n";
        }
    }
    svg << "</g>\n";
    double y = top + cell_h * static_cast<double>(row_labels.size()) + 24;
    for (const std::string& line : note_lines) svg << "<text x=\"6\" y=\"" << num(y) << "\">" << escape(line) << "</text>\n", y += 16;
    svg << "</svg>\n";
    return svg.str();
}

std::string svg_cd_diagram(const std::string& title, const std::vector<std::string>& names, const std::vector<double>& mean_ranks,
                           double cd, const std::vector<std::pair<std::size_t, std::size_t>>& cliques, const std::string& note) {
    const std::size_t k = names.size();
    double label_w = 60;
    for (std::size_t i = 0; i < k; ++i) label_w = std::min(std::max(label_w, text_width(names[i] + " 10.00") + 16), 260.0);
    const double axis_w = std::clamp(32.0 * static_cast<double>(k - 1), 300.0, 600.0);
    // Demšar's layout, the better half labelled left and the rest right, where it fits a 1,000-pixel page; else every
    // name on the left (the elbows still never cross: a better name's line ends above a worse one's).
    const bool split = 2 * label_w + axis_w + 40 <= 1000;
    const std::size_t left_count = split ? (k + 1) / 2 : k;
    const double axis_left = label_w + 20, axis_right = axis_left + axis_w;
    const std::string cd_label = std::isfinite(cd) ? "CD = " + num(cd) + (cd > std::max<double>(2, static_cast<double>(k)) - 1 ? " (wider than the axis)" : "") : "";
    const double cd_end = std::isfinite(cd) ? axis_left + std::min(cd, std::max<double>(2, static_cast<double>(k)) - 1) /
                                                  (std::max<double>(2, static_cast<double>(k)) - 1) * axis_w
                                            : 0;
    // Room for the right half of the names, and for "CD = …" after its bar.
    const double width = std::max(axis_right + (split ? label_w + 20 : 150), cd_end + 6 + text_width(cd_label) + 10);
    const double axis_y = 78;  // the rank axis, its tick labels above it and the CD bar above them
    const double bars_top = axis_y + 12, bar_gap = 7;
    const double rows_top = bars_top + bar_gap * static_cast<double>(cliques.size()) + 18, row_h = 18;
    const double bottom = rows_top + row_h * static_cast<double>(std::max(left_count, k - left_count));
    const std::vector<std::string> note_lines = wrap_lines(note, width - 20);
    const double height = bottom + 14 + 16 * static_cast<double>(note_lines.size());
    const double max_rank = std::max<double>(2, static_cast<double>(k));
    auto px = [&](double rank) { return axis_left + (rank - 1) / (max_rank - 1) * axis_w; };
    std::ostringstream svg;
    svg << header(width, height);
    svg << "<text x=\"" << num(width / 2) << "\" y=\"19\" text-anchor=\"middle\" font-size=\"14\">" << escape(fit(title, width - 20))
        << "</text>\n";
    // The axis, a tick at each whole rank, labelled above.
    svg << "<rect class=\"plot-area\" x=\"" << num(axis_left) << "\" y=\"" << num(axis_y - 6) << "\" width=\"" << num(axis_w)
        << "\" height=\"6\" fill=\"none\" stroke=\"none\"/>\n";
    svg << "<line x1=\"" << num(axis_left) << "\" y1=\"" << num(axis_y) << "\" x2=\"" << num(axis_right) << "\" y2=\"" << num(axis_y)
        << "\" stroke=\"#333\"/>\n";
    for (int r = 1; r <= static_cast<int>(max_rank); ++r)  // 40 px or more apart: room for every label
        svg << "<line x1=\"" << num(px(r)) << "\" y1=\"" << num(axis_y - 5) << "\" x2=\"" << num(px(r)) << "\" y2=\"" << num(axis_y)
            << "\" stroke=\"#333\"/>\n<text x=\"" << num(px(r)) << "\" y=\"" << num(axis_y - 9) << "\" text-anchor=\"middle\">" << r
            << "</text>\n";
    // The critical difference, as a bar from rank 1, above the tick labels.
    if (std::isfinite(cd)) {
        const double end = px(1 + std::min(cd, max_rank - 1));
        svg << "<line x1=\"" << num(px(1)) << "\" y1=\"40\" x2=\"" << num(end)
            << "\" y2=\"40\" stroke=\"#333\" stroke-width=\"2\"><title>critical "
            << "difference " << tick_label(cd) << "</title></line>\n";
        svg << "<text x=\"" << num(end + 6) << "\" y=\"44\">" << escape(cd_label) << "</text>\n";
    }
    // The bars: each run of names not significantly different.
    for (std::size_t c = 0; c < cliques.size(); ++c) {
        const double y = bars_top + bar_gap * static_cast<double>(c);
        const auto [first, last] = cliques[c];
        svg << "<line x1=\"" << num(px(mean_ranks[first]) - 3) << "\" y1=\"" << num(y) << "\" x2=\"" << num(px(mean_ranks[last]) + 3)
            << "\" y2=\"" << num(y) << "\" stroke=\"#d62728\" stroke-width=\"3\"><title>"
            << escape(names[first] + " … " + names[last] + ": not significantly different") << "</title></line>\n";
    }
    // The names, one line each, joined to their ranks.
    for (std::size_t i = 0; i < k; ++i) {
        const bool left = i < left_count;
        const std::size_t row = left ? i : k - 1 - i;  // the right half from the bottom up, as Demšar draws it
        const double y = rows_top + row_h * static_cast<double>(row), x = px(mean_ranks[i]);
        const double end = left ? axis_left - 8 : axis_right + 8;
        const std::string label = escape(fit(names[i], label_w - text_width(" 10.00") - 16));
        svg << "<polyline points=\"" << num(x) << "," << num(axis_y) << " " << num(x) << "," << num(y) << " " << num(end) << "," << num(y)
            << "\" fill=\"none\" stroke=\"#777\"/>\n";
        svg << "<circle cx=\"" << num(x) << "\" cy=\"" << num(axis_y) << "\" r=\"3\" fill=\"#1f77b4\"><title>" << escape(names[i])
            << ": mean rank " << num(mean_ranks[i]) << "</title></circle>\n";
        svg << "<text x=\"" << num(left ? end - 4 : end + 4) << "\" y=\"" << num(y + 4) << "\" text-anchor=\"" << (left ? "end" : "start")
            << "\">" << (left ? label + " " + num(mean_ranks[i]) : num(mean_ranks[i]) + " " + label) << "<title>" << escape(names[i])
            << "</title></text>\n";
    }
    text_lines(svg, note_lines, width - 10, bottom + 26, "end");
    svg << "</svg>\n";
    return svg.str();
}

}  // namespace actbench
