// Line plots as self-contained SVG (no scripts, no external fonts), for reports and `show activation`.
#pragma once

#include <string>
#include <vector>

namespace actbench {

struct Series {
    std::string label;
    std::string color;  // any SVG colour
    std::vector<double> x, y;
    std::vector<double> band_low, band_high;  // optional: a shaded band around the line (same length as x)
    bool dashed = false;
};

struct PlotSpec {
    std::string title, x_label, y_label;
    int width = 640, height = 400;
};

// Non-finite points are skipped (the line breaks there).
std::string svg_line_plot(const PlotSpec& spec, const std::vector<Series>& series);

}  // namespace actbench
