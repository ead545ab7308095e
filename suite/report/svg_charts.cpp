// The one-panel charts: the forest plot, the heatmap and the critical-difference diagram.
#include "report/svg_plot.hpp"
#include "report/svg_text.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <sstream>

namespace actbench {

using namespace svg;

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
