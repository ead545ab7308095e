#include "svg_plot.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <sstream>

namespace actbench {

namespace {

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
        if (c == '<') out += "&lt;";
        else if (c == '>') out += "&gt;";
        else if (c == '&') out += "&amp;";
        else out += c;
    }
    return out;
}

// About five round tick values covering [lo, hi].
std::vector<double> ticks(double lo, double hi) {
    const double span = hi - lo;
    const double raw = span / 5;
    const double mag = std::pow(10, std::floor(std::log10(raw)));
    double step = mag;
    for (double m : {1.0, 2.0, 5.0, 10.0})
        if (mag * m >= raw) {
            step = mag * m;
            break;
        }
    std::vector<double> t;
    for (double v = std::ceil(lo / step) * step; v <= hi + step * 1e-9; v += step) t.push_back(v);
    return t;
}

}  // namespace

std::string svg_line_plot(const PlotSpec& spec, const std::vector<Series>& series) {
    double x0 = INFINITY, x1 = -INFINITY, y0 = INFINITY, y1 = -INFINITY;
    for (const auto& s : series)
        for (std::size_t i = 0; i < s.x.size(); ++i)
            if (std::isfinite(s.x[i]) && std::isfinite(s.y[i])) {
                x0 = std::min(x0, s.x[i]), x1 = std::max(x1, s.x[i]);
                y0 = std::min(y0, s.y[i]), y1 = std::max(y1, s.y[i]);
                if (s.band_low.size() == s.x.size()) y0 = std::min(y0, s.band_low[i]), y1 = std::max(y1, s.band_high[i]);
            }
    if (!std::isfinite(x0)) x0 = 0, x1 = 1, y0 = 0, y1 = 1;
    if (x1 - x0 < 1e-12) x1 = x0 + 1;
    if (y1 - y0 < 1e-12) y0 -= 0.5, y1 += 0.5;
    const double pad = 0.05 * (y1 - y0);
    y0 -= pad, y1 += pad;

    const double left = 60, right = spec.width - 20, top = 36, bottom = spec.height - 48;
    auto px = [&](double x) { return left + (x - x0) / (x1 - x0) * (right - left); };
    auto py = [&](double y) { return bottom - (y - y0) / (y1 - y0) * (bottom - top); };

    std::ostringstream svg;
    svg << "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" << spec.width << "\" height=\"" << spec.height
        << "\" viewBox=\"0 0 " << spec.width << " " << spec.height << "\" font-family=\"sans-serif\" font-size=\"12\">\n";
    svg << "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n";
    svg << "<text x=\"" << spec.width / 2 << "\" y=\"20\" text-anchor=\"middle\" font-size=\"14\">" << escape(spec.title) << "</text>\n";
    for (double t : ticks(x0, x1)) {
        svg << "<line x1=\"" << num(px(t)) << "\" y1=\"" << num(top) << "\" x2=\"" << num(px(t)) << "\" y2=\"" << num(bottom)
            << "\" stroke=\"#e5e5e5\"/>\n";
        svg << "<text x=\"" << num(px(t)) << "\" y=\"" << num(bottom + 16) << "\" text-anchor=\"middle\">" << tick_label(t) << "</text>\n";
    }
    for (double t : ticks(y0, y1)) {
        svg << "<line x1=\"" << num(left) << "\" y1=\"" << num(py(t)) << "\" x2=\"" << num(right) << "\" y2=\"" << num(py(t))
            << "\" stroke=\"#e5e5e5\"/>\n";
        svg << "<text x=\"" << num(left - 6) << "\" y=\"" << num(py(t) + 4) << "\" text-anchor=\"end\">" << tick_label(t) << "</text>\n";
    }
    svg << "<rect x=\"" << num(left) << "\" y=\"" << num(top) << "\" width=\"" << num(right - left) << "\" height=\""
        << num(bottom - top) << "\" fill=\"none\" stroke=\"#444\"/>\n";
    svg << "<text x=\"" << num((left + right) / 2) << "\" y=\"" << spec.height - 12 << "\" text-anchor=\"middle\">"
        << escape(spec.x_label) << "</text>\n";
    svg << "<text transform=\"translate(16," << num((top + bottom) / 2) << ") rotate(-90)\" text-anchor=\"middle\">"
        << escape(spec.y_label) << "</text>\n";
    int legend = 0;
    for (const auto& s : series) {
        if (s.band_low.size() == s.x.size() && !s.x.empty()) {
            std::string band;
            for (std::size_t i = 0; i < s.x.size(); ++i) band += (i ? " L" : "M") + num(px(s.x[i])) + " " + num(py(s.band_high[i]));
            for (std::size_t i = s.x.size(); i-- > 0;) band += " L" + num(px(s.x[i])) + " " + num(py(s.band_low[i]));
            svg << "<path d=\"" << band << " Z\" fill=\"" << s.color << "\" fill-opacity=\"0.15\" stroke=\"none\"/>\n";
        }
        std::string path;
        bool pen_down = false;
        for (std::size_t i = 0; i < s.x.size(); ++i) {
            if (!std::isfinite(s.x[i]) || !std::isfinite(s.y[i])) {
                pen_down = false;
                continue;
            }
            path += (pen_down ? " L" : " M") + num(px(s.x[i])) + " " + num(py(s.y[i]));
            pen_down = true;
        }
        svg << "<path d=\"" << path << "\" fill=\"none\" stroke=\"" << s.color << "\" stroke-width=\"2\""
            << (s.dashed ? " stroke-dasharray=\"6 4\"" : "") << "/>\n";
        const double ly = top + 14 + 16 * legend++;
        svg << "<line x1=\"" << num(left + 10) << "\" y1=\"" << num(ly - 4) << "\" x2=\"" << num(left + 30) << "\" y2=\""
            << num(ly - 4) << "\" stroke=\"" << s.color << "\" stroke-width=\"2\"/>\n";
        svg << "<text x=\"" << num(left + 36) << "\" y=\"" << num(ly) << "\">" << escape(s.label) << "</text>\n";
    }
    svg << "</svg>\n";
    return svg.str();
}

}  // namespace actbench
