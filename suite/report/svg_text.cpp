// Plot text and shapes shared by every SVG figure: measuring, escaping, wrapping and cutting text; markers; round
// tick values; the data range; the legend; the document header.
#include "report/svg_text.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace actbench::svg {

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

double text_lines(std::ostringstream& svg, const std::vector<std::string>& lines, double x, double y, const char* anchor,
                  int font_size) {
    for (const std::string& l : lines) {
        svg << "<text x=\"" << num(x) << "\" y=\"" << num(y) << "\" text-anchor=\"" << anchor << "\" font-size=\"" << font_size << "\">"
            << escape(l) << "</text>\n";
        y += font_size + 4;
    }
    return y;
}

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

}  // namespace actbench::svg
