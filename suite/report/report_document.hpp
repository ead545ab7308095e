// The report as a document: what each renderer (Markdown, HTML) turns into its own format. Aggregation
// builds it once; no renderer reads another's output.
//
// Text is a list of spans, each plain, emphasised (a defined term), strong (a warning) or code (a command,
// a file). `spans("*term*: text with **strong** and `code`")` builds them from that inline notation, which
// is this model's own shorthand for captions written in C++ (not Markdown parsed back from a renderer).
#pragma once

#include <cmath>
#include <string>
#include <vector>
#include <utility>

namespace actbench {

struct Span {
    enum class Style { plain, em, strong, code, link } style = Style::plain;
    std::string text;
    std::string href;  // a link's target, relative to the page
};
using Text = std::vector<Span>;

// "*a*" → em, "**a**" → strong, "`a`" → code; anything else plain. An unmatched marker stays literal.
Text spans(const std::string& notation);

struct Cell {
    std::string text;
    double sort = NAN;  // the value a sortable table orders by (NaN: order by the text)
};

struct Table {
    std::string title;  // above the table (e.g. the settings its rows share); may be empty
    std::vector<std::string> header;
    std::vector<bool> numeric;  // per column: right-aligned, sorted by number
    std::vector<std::vector<Cell>> rows;
    Text caption;
};

// An SVG figure, inline in the HTML and a file beside it (`file`), referred to from the Markdown.
struct Figure {
    Figure() = default;
    Figure(std::string id_, std::string title_, std::string svg_, std::string narrow = "")
        : id(std::move(id_)), title(std::move(title_)), svg(std::move(svg_)), narrow_svg(std::move(narrow)) {}
    std::string id;  // also the file name without .svg
    std::string title;
    std::string svg;
    std::string narrow_svg;  // non-empty: what the HTML page shows instead on a screen under 600 px (panels in one column)
};

struct Section {
    std::string id;  // the HTML anchor
    std::string title;  // empty: no heading (the page's opening)
    int level = 2;  // 1: the page title
    bool collapsed = false;  // HTML: folded under its title (provenance); other renderers show it as it is
    std::vector<Text> paragraphs;  // before the tables
    std::vector<Text> bullets;  // a list after the paragraphs
    std::vector<Text> closing;  // paragraphs after the list
    std::vector<Table> tables;
    std::vector<Figure> figures;
};

struct Document {
    std::string title;
    std::vector<Section> sections;
    // The same document in the other files written beside it (text, file name): the HTML page links them under its
    // title. Not in the Markdown, which is also printed where no file is written.
    std::vector<std::pair<std::string, std::string>> formats;
    // Pages beside this one (text, path relative to it): the index that `actbench index` writes one folder up, a
    // ranking's source studies in the folders beside it (the layout of reports/). HTML only, as the formats.
    std::vector<std::pair<std::string, std::string>> related;
};

}  // namespace actbench
