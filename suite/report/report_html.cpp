// Report, stage 3c: the document as one self-contained HTML page — no network, no external script or font.
// Tables sort by any column (a click on its heading), long ones start collapsed, the contents list links
// every section, and the figures are inline SVG with their values on hover.
#include "report/report_data.hpp"

#include <algorithm>
#include <cstdio>
#include <sstream>

namespace actbench {

namespace {

// Tables longer than this start collapsed.
constexpr std::size_t kCollapsedRows = 30;

std::string escape(const std::string& s) {
    std::string out;
    for (char c : s) out += c == '<' ? "&lt;" : c == '>' ? "&gt;" : c == '&' ? "&amp;" : c == '"' ? "&quot;" : std::string(1, c);
    return out;
}

std::string inline_html(const Text& text) {
    std::string out;
    for (const Span& s : text) {
        switch (s.style) {
            case Span::Style::plain: out += escape(s.text); break;
            case Span::Style::em: out += "<em>" + escape(s.text) + "</em>"; break;
            case Span::Style::strong: out += "<strong>" + escape(s.text) + "</strong>"; break;
            case Span::Style::code: out += "<code>" + escape(s.text) + "</code>"; break;
            case Span::Style::link: out += "<a href=\"" + escape(s.href) + "\">" + escape(s.text) + "</a>"; break;
        }
    }
    return out;
}

std::string sort_value(double v) {
    char buf[40];
    std::snprintf(buf, sizeof buf, "%.17g", v);
    return buf;
}

// Sorting: a click on a heading orders the rows by that column (numbers by data-sort, others by text),
// a second click reverses; rows without a value go last.
const char* const kScript = R"js(
document.querySelectorAll('table.sortable').forEach(function (table) {
  var body = table.tBodies[0];
  Array.prototype.forEach.call(body.rows, function (row, i) { row.dataset.order = i; });
  table.querySelectorAll('th').forEach(function (th) {
    th.addEventListener('click', function () {
      var col = th.cellIndex, up = th.getAttribute('aria-sort') !== 'ascending';
      table.querySelectorAll('th').forEach(function (h) { h.removeAttribute('aria-sort'); });
      th.setAttribute('aria-sort', up ? 'ascending' : 'descending');
      var key = function (row) {
        var cell = row.cells[col];
        if (cell.dataset.sort !== undefined) return parseFloat(cell.dataset.sort);
        return cell.textContent;
      };
      var rows = Array.prototype.slice.call(body.rows);
      rows.sort(function (a, b) {
        var x = key(a), y = key(b), missing = function (v) { return v === '' || v === '—' || (typeof v === 'number' && isNaN(v)); };
        if (missing(x) !== missing(y)) return missing(x) ? 1 : -1;
        var c = typeof x === 'number' && typeof y === 'number' ? x - y : String(x).localeCompare(String(y));
        return (up ? c : -c) || a.dataset.order - b.dataset.order;
      });
      rows.forEach(function (row) { body.appendChild(row); });
    });
  });
});
)js";

void table_html(std::ostringstream& html, const Table& t) {
    if (!t.title.empty()) html << "<p class=\"table-title\"><strong>" << escape(t.title) << "</strong></p>\n";
    const bool collapsed = t.rows.size() > kCollapsedRows;
    if (collapsed) html << "<details><summary>Show the table (" << t.rows.size() << " rows)</summary>\n";
    html << "<div class=\"table-wrap\"><table class=\"sortable\"><thead><tr>";
    for (std::size_t c = 0; c < t.header.size(); ++c)
        html << "<th" << (t.numeric[c] ? " class=\"num\"" : "") << " title=\"sort by this column\">" << escape(t.header[c]) << "</th>";
    html << "</tr></thead>\n<tbody>\n";
    for (const auto& row : t.rows) {
        html << "<tr>";
        for (std::size_t c = 0; c < row.size(); ++c) {
            html << "<td" << (c < t.numeric.size() && t.numeric[c] ? " class=\"num\"" : "");
            if (std::isfinite(row[c].sort)) html << " data-sort=\"" << sort_value(row[c].sort) << "\"";
            html << ">" << escape(row[c].text) << "</td>";
        }
        html << "</tr>\n";
    }
    html << "</tbody></table></div>\n";
    if (collapsed) html << "</details>\n";
    if (!t.caption.empty()) html << "<p class=\"caption\">" << inline_html(t.caption) << "</p>\n";
}

}  // namespace

std::string render_html(const Document& doc) {
    std::ostringstream html;
    html << "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>"
         << escape(doc.title) << "</title>\n"
         << "<style>body{font-family:sans-serif;max-width:1200px;margin:2em auto;padding:0 1em;color:#222;line-height:1.4}"
            "table{border-collapse:collapse;margin:1em 0;font-size:14px}td,th{border:1px solid #ccc;padding:3px 8px;text-align:left}"
            "td{white-space:nowrap}.table-wrap{overflow-x:auto}"
            "td.num,th.num{text-align:right}th{background:#f3f3f3;cursor:pointer;user-select:none}"
            "th[aria-sort=ascending]::after{content:' ▲'}th[aria-sort=descending]::after{content:' ▼'}"
            "figure{margin:1.5em 0;overflow-x:auto}figure svg{max-width:100%;height:auto}.caption{font-size:13px;color:#444;max-width:1100px}"
            "h1,h2,h3,p,li{overflow-wrap:anywhere}td:first-child,th:first-child{position:sticky;left:0;background:#fff;z-index:1}"
            "th:first-child{background:#f3f3f3}details.section>summary{font-size:1.2em;font-weight:bold;margin:1em 0}"

            "nav ul{columns:2}details summary{cursor:pointer;color:#1f5fa0;margin:.5em 0}code{background:#f4f4f4;padding:0 3px}"
            ".narrow{display:none}"
            "@media (max-width:600px){body{margin:1em auto;padding:0 .5em}nav ul{columns:1}.wide{display:none}.narrow{display:block}}</style>\n"
         << "</head><body>\n";
    for (const Section& s : doc.sections) {
        if (s.collapsed) html << "<details class=\"section\"" << (s.id.empty() ? "" : " id=\"" + s.id + "\"") << "><summary>" << escape(s.title)
                              << "</summary>\n";
        else if (!s.title.empty())
            html << "<h" << s.level << (s.id.empty() ? "" : " id=\"" + s.id + "\"") << ">" << escape(s.title) << "</h" << s.level << ">\n";
        if (s.level == 1 && !doc.formats.empty()) {
            html << "<p class=\"formats\">Also as";
            for (std::size_t i = 0; i < doc.formats.size(); ++i)
                html << (i ? " · " : " ") << "<a href=\"" << escape(doc.formats[i].second) << "\">" << escape(doc.formats[i].first) << "</a>";
            html << "</p>\n";
        }
        if (s.level == 1 && !doc.related.empty()) {
            html << "<p class=\"formats\">See also";
            for (std::size_t i = 0; i < doc.related.size(); ++i)
                html << (i ? " · " : " ") << "<a href=\"" << escape(doc.related[i].second) << "\">" << escape(doc.related[i].first) << "</a>";
            html << "</p>\n";
        }
        for (const Text& p : s.paragraphs) html << "<p>" << inline_html(p) << "</p>\n";
        if (!s.bullets.empty()) {
            html << "<ul>\n";
            for (const Text& b : s.bullets) html << "<li>" << inline_html(b) << "</li>\n";
            html << "</ul>\n";
        }
        for (const Text& p : s.closing) html << "<p>" << inline_html(p) << "</p>\n";
        if (s.level == 1 && std::any_of(doc.sections.begin(), doc.sections.end(), [](const Section& x) { return !x.id.empty(); })) {
            html << "<nav><strong>Contents</strong><ul>\n";
            for (const Section& other : doc.sections)
                if (!other.id.empty()) html << "<li><a href=\"#" << other.id << "\">" << escape(other.title) << "</a></li>\n";
            html << "</ul></nav>\n";
        }
        for (const Table& t : s.tables) table_html(html, t);
        for (const Figure& f : s.figures) {
            html << "<figure id=\"" << f.id << "\">\n";
            if (f.narrow_svg.empty())
                html << f.svg;
            else
                html << "<div class=\"wide\">\n" << f.svg << "</div><div class=\"narrow\">\n" << f.narrow_svg << "</div>\n";
            html << "</figure>\n";
        }
        if (s.collapsed) html << "</details>\n";
    }
    html << "<script>" << kScript << "</script>\n</body></html>\n";
    return html.str();
}

}  // namespace actbench
