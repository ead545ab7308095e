#include "report/report_document.hpp"

namespace actbench {

Text spans(const std::string& notation) {
    Text out;
    auto add = [&](Span::Style style, std::string text) {
        if (text.empty()) return;
        if (!out.empty() && out.back().style == style)
            out.back().text += text;
        else
            out.push_back({style, std::move(text), {}});
    };
    std::size_t i = 0;
    while (i < notation.size()) {
        // The markers, longest first; each needs its closing twin.
        const bool strong = notation.compare(i, 2, "**") == 0;
        const std::string marker = strong ? "**" : notation[i] == '*' ? "*" : notation[i] == '`' ? "`" : "";
        if (!marker.empty()) {
            const std::size_t close = notation.find(marker, i + marker.size());
            if (close != std::string::npos && close > i + marker.size()) {
                add(strong              ? Span::Style::strong
                        : marker == "*" ? Span::Style::em
                                        : Span::Style::code,
                    notation.substr(i + marker.size(), close - i - marker.size()));
                i = close + marker.size();
                continue;
            }
        }
        add(Span::Style::plain, std::string(1, notation[i]));
        ++i;
    }
    return out;
}

}  // namespace actbench
