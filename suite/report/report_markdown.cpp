// Report, stage 3b: the document as Markdown (GitHub's dialect: pipe tables, figures as image links).
#include "report/report_data.hpp"

#include <algorithm>
#include <sstream>

namespace actbench {

namespace {

std::string inline_text(const Text& text) {
    std::string out;
    for (const Span& s : text) {
        switch (s.style) {
            case Span::Style::plain: out += s.text; break;
            case Span::Style::em: out += "*" + s.text + "*"; break;
            case Span::Style::strong: out += "**" + s.text + "**"; break;
            case Span::Style::code: out += "`" + s.text + "`"; break;
            case Span::Style::link: out += "[" + s.text + "](" + s.href + ")"; break;
        }
    }
    return out;
}

std::string cell_text(const std::string& s) {  // a pipe would end the cell
    std::string out;
    for (char c : s) out += c == '|' ? std::string("\\|") : std::string(1, c);
    return out;
}

void section_body(std::ostringstream& md, const Section& s) {
    for (const Text& p : s.paragraphs) md << inline_text(p) << "\n\n";
    for (const Text& b : s.bullets) md << "- " << inline_text(b) << "\n";
    if (!s.bullets.empty()) md << "\n";
    for (const Text& p : s.closing) md << inline_text(p) << "\n\n";
    for (const Table& t : s.tables) {
        if (!t.title.empty()) md << "**" << t.title << "**\n\n";
        for (const auto& h : t.header) md << "| " << cell_text(h) << " ";
        md << "|\n";
        for (std::size_t c = 0; c < t.header.size(); ++c) md << (t.numeric[c] ? "|---:" : "|---");
        md << "|\n";
        for (const auto& row : t.rows) {
            for (const Cell& c : row) md << "| " << cell_text(c.text) << " ";
            md << "|\n";
        }
        md << "\n";
        if (!t.caption.empty()) md << inline_text(t.caption) << "\n\n";
    }
    for (const Figure& f : s.figures) md << "![" << f.title << "](" << f.id << ".svg)\n\n";
}

}  // namespace

std::string render_markdown(const Document& doc) {
    std::ostringstream md;
    for (const Section& s : doc.sections) {
        if (!s.id.empty()) md << "<a id=\"" << s.id << "\"></a>\n\n";  // the contents' links land here on any renderer
        if (!s.title.empty()) md << std::string(s.level, '#') << " " << s.title << "\n\n";
        section_body(md, s);
        const bool any_id = std::any_of(doc.sections.begin(), doc.sections.end(), [](const Section& x) { return !x.id.empty(); });
        if (s.level == 1 && any_id) {  // the contents, after the page's opening
            md << "Contents:";
            bool first = true;
            for (const Section& other : doc.sections)
                if (!other.id.empty()) md << (first ? " " : " · ") << "[" << other.title << "](#" << other.id << ")", first = false;
            md << "\n\n";
        }
    }
    return md.str();
}

}  // namespace actbench
