// The plot text and shapes every SVG figure shares (svg_plot.cpp's panels, svg_charts.cpp's forest plot, heatmap
// and critical-difference diagram). Internal to those files.
#pragma once

#include <cmath>
#include <sstream>
#include <string>
#include <vector>

namespace actbench::svg {

// Text is laid out from an upper bound on its width: 12 px sans-serif (DejaVu Sans, Debian's default) stays
// under 8 px a character for digits and lower case.
constexpr double kCharWidth = 8, kFontSize = 12, kLineHeight = 16;

double text_width(const std::string& s);
std::string num(double v);  // "%.2f": coordinates
std::string tick_label(double v);  // "%g", −0 as 0
std::string escape(const std::string& s);  // for XML text and attributes
std::string fit(const std::string& s, double width);  // shortened with "…" to fit, whole UTF-8 characters only
// `s` broken at spaces into lines no wider than `width` pixels (a word wider than that gets a line of its own).
std::vector<std::string> wrap_lines(const std::string& s, double width);
// Lines of text centred on x (anchor "middle") or ending at x ("end"), from baseline y down; returns the y after them.
double text_lines(std::ostringstream& svg, const std::vector<std::string>& lines, double x, double y, const char* anchor,
                  int font_size = static_cast<int>(kFontSize));
// A marker of `shape` (circle, ring, up, down, diamond, cross) centred on (x, y), with its hover text; `kind`
// becomes data-kind and `label` data-label, for a browser test to read back.
void marker(std::ostringstream& svg, const std::string& shape, double x, double y, const std::string& color, const std::string& kind,
            const std::string& label, const std::string& hover);
// Round tick values covering [lo, hi], as many as fit `length` pixels with their labels apart.
std::vector<double> ticks(double lo, double hi, double length, bool horizontal);

// The range of the finite values added; settle() gives an empty or flat one a width, and pads it by 5%.
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
double legend(std::ostringstream& svg, const std::vector<LegendEntry>& entries, double x, double y, double width);

std::string header(double width, double height);  // <svg …> with its viewBox and a white background

}  // namespace actbench::svg
