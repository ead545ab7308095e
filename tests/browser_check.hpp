// The page as a person sees it: a generated HTML page opened in headless Chromium (Debian's, which
// scripts/setup.sh --tests installs) and checked there, not grepped.
#pragma once

#include "cli_helpers.hpp"

#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include <regex>

namespace actbench::test {

inline std::string chromium_flags(const TempDir& dir) {
    return " --headless --no-sandbox --disable-gpu --disable-quic --no-first-run --disable-background-networking "
           "--disable-component-update --disable-sync --user-data-dir=" +
        (dir / "profile").string() + " ";
}

// Opens `page` (a copy beside it, with two scripts added: one collecting script errors first, one checking the layout
// last) and returns what the check found: {svgs, texts: how many it looked at; overlaps: pairs of texts of one SVG
// that overlap; outside: texts outside their SVG; legend_on_data: legends over a data area; errors: script errors;
// sorted, reversed: whether clicking the header `sort_column` of the first sortable table twice sorted its rows up,
// then down (false when `sort_column` is empty); page_width, view_width: the page's scroll width and the window's
// (more: the page scrolls sideways); answer_bottom: where the headline's answer ends (px from the top; -1: none);
// marker_mismatch: forest-plot markers whose verdict (data-kind) is not the summary table's for their row;
// truncated: SVG texts the generator cut with "…"; dead_links: in-page links to no element; numeric_without_key:
// table cells that read as numbers but would sort as text} at a window `width` wide.
inline nlohmann::json check_page_in_browser(const TempDir& dir, const fs::path& page_file, const std::string& sort_column,
                                            int width = 1366) {
    REQUIRE(fs::exists("/usr/bin/chromium"));
    std::string page = slurp(page_file);
    page.insert(
        page.find("<head>") + 6,
        "<script>window.__errors=[];window.addEventListener('error',function(e){window.__errors.push(String(e.message));});</script>");
    const char* const check = R"js(<script>
(function () {
  var out = {overlaps: [], legend_on_data: [], outside: [], sorted: false, reversed: false, errors: window.__errors, svgs: 0, texts: 0,
             truncated: [], marker_mismatch: [], dead_links: [], answer_bottom: -1,
             page_width: document.documentElement.scrollWidth, view_width: window.innerWidth};
  document.querySelectorAll('p > strong').forEach(function (s) {
    if (out.answer_bottom < 0 && s.textContent === 'Answer') out.answer_bottom = s.parentNode.getBoundingClientRect().bottom + window.scrollY;
  });
  document.querySelectorAll('a[href^="#"]').forEach(function (a) {
    if (!document.getElementById(a.getAttribute('href').slice(1))) out.dead_links.push(a.getAttribute('href'));
  });
  // The summary table's verdict per row (its second column names the value): the forest plot's markers must agree.
  var kind = function (v) {
    if (v === 'better' || v === 'worse' || v === 'equivalent') return v;
    if (v.indexOf('pending') === 0) return 'pending';
    return 'undecided';
  };
  // The summary section's tables (one per context, titled "With <context>"), read between its heading and the next.
  var verdicts = {}, context = '';
  for (var el = document.getElementById('summary'); el && (el = el.nextElementSibling) && el.tagName !== 'H2';) {
    if (el.classList.contains('table-title')) context = el.textContent.replace(/^With /, '');
    el.querySelectorAll('table').forEach(function (table) {
      var vcol = -1;
      table.querySelectorAll('th').forEach(function (th, i) { if (th.textContent === 'verdict') vcol = i; });
      if (vcol >= 0) Array.prototype.forEach.call(table.tBodies[0].rows, function (r) {
        var name = r.cells[1].textContent + (context ? ' (' + context + ')' : '');
        verdicts[name] = kind(r.cells[vcol].textContent.replace(/ \(.*\)$/, ''));
      });
    });
  }
  {
    document.querySelectorAll('#delta_forest .marker').forEach(function (m) {
      var label = m.getAttribute('data-label');
      if (label in verdicts && verdicts[label] !== m.getAttribute('data-kind')) out.marker_mismatch.push(label + ': ' + m.getAttribute('data-kind') + ' / ' + verdicts[label]);
      if (!(label in verdicts)) out.marker_mismatch.push(label + ': not in the summary table');
    });
  }
  // A column of numbers must sort as numbers: every numeric-looking cell carries its sort key.
  out.numeric_without_key = [];
  document.querySelectorAll('table.sortable').forEach(function (table) {
    Array.prototype.forEach.call(table.tBodies[0].rows, function (r) {
      Array.prototype.forEach.call(r.cells, function (c) {
        if (/^-?[0-9.]+(e[-+]?[0-9]+)?$/.test(c.textContent) && c.dataset.sort === undefined) out.numeric_without_key.push(c.textContent);
      });
    });
  });
  var hit = function (a, b, slack) { return a.left < b.right - slack && b.left < a.right - slack && a.top < b.bottom - slack && b.top < a.bottom - slack; };
  // A figure's plot, or the one of its two (the grid, the phone's column) that this width shows.
  document.querySelectorAll('figure > svg, figure > div > svg').forEach(function (svg) {
    var box = svg.getBoundingClientRect();
    if (box.width === 0) return;
    out.svgs++;
    var texts = Array.prototype.map.call(svg.querySelectorAll('text'), function (t) { return {r: t.getBoundingClientRect(), s: t.textContent}; })
      .filter(function (t) { return t.r.width > 0; });
    out.texts += texts.length;
    texts.forEach(function (t) { if (/…$/.test(t.s)) out.truncated.push(svg.closest('figure').id + ': ' + t.s); });
    for (var i = 0; i < texts.length; i++) {
      var r = texts[i].r;
      if (r.left < box.left - 1 || r.right > box.right + 1 || r.top < box.top - 1 || r.bottom > box.bottom + 1) out.outside.push(texts[i].s);
      for (var j = i + 1; j < texts.length; j++)
        if (hit(r, texts[j].r, 1)) out.overlaps.push(svg.closest('figure').id + ': "' + texts[i].s + '" / "' + texts[j].s + '"');
    }
    var areas = Array.prototype.map.call(svg.querySelectorAll('rect.plot-area'), function (r) { return r.getBoundingClientRect(); });
    svg.querySelectorAll('g.legend').forEach(function (g) {
      var l = g.getBoundingClientRect();
      areas.forEach(function (a) { if (hit(l, a, 0)) out.legend_on_data.push(svg.closest('figure').id); });
    });
  });
  var table = document.querySelector('table.sortable');
  var heads = table ? table.querySelectorAll('th') : [];
  var col = -1;
  heads.forEach(function (th, i) { if (th.textContent === SORT_COLUMN) col = i; });
  if (col >= 0) {
    var values = function () { return Array.prototype.map.call(table.tBodies[0].rows, function (r) { return parseFloat(r.cells[col].dataset.sort); }); };
    var ordered = function (v, up) { for (var i = 1; i < v.length; i++) if (up ? v[i] < v[i - 1] : v[i] > v[i - 1]) return false; return v.length > 1; };
    heads[col].click();
    out.sorted = ordered(values(), true);
    heads[col].click();
    out.reversed = ordered(values(), false);
  }
  var pre = document.createElement('pre');
  pre.id = 'layout-result';
  pre.textContent = JSON.stringify(out);
  document.body.appendChild(pre);
})();
</script>)js";
    std::string script = check;
    script.replace(script.find("SORT_COLUMN"), 11, nlohmann::json(sort_column).dump());
    page.insert(page.rfind("</body>"), script);
    const fs::path checked = page_file.parent_path() / ("checked-" + page_file.filename().string());
    std::ofstream(checked) << page;
    const std::string url = "file://" + checked.string();
    REQUIRE(std::system(("/usr/bin/chromium" + chromium_flags(dir) + "--window-size=" + std::to_string(width) +
                         ",900 --virtual-time-budget=5000 --dump-dom " + url + " > " +
                         (dir / "dom.html").string() + " 2>" + (dir / "chromium.log").string())
                            .c_str()) == 0);
    const std::string dom = slurp(dir / "dom.html");
    std::smatch m;
    std::regex_search(dom, m, std::regex("<pre id=\"layout-result\">([^<]*)</pre>"));
    INFO(slurp(dir / "chromium.log"));
    REQUIRE(m.size() == 2);
    std::string text = m[1].str();
    for (const auto& [entity, ch] :
         std::vector<std::pair<std::string, std::string>>{{"&quot;", "\""}, {"&lt;", "<"}, {"&gt;", ">"}, {"&amp;", "&"}})
        for (std::size_t p; (p = text.find(entity)) != std::string::npos;) text.replace(p, entity.size(), ch);
    return nlohmann::json::parse(text);
}

// A screenshot of `page_file` as `png`, kept in build/test-artifacts for a person to look at.
inline fs::path screenshot_artifact(const TempDir& dir, const fs::path& page_file, const std::string& png, int width, int height) {
    const fs::path artifacts = fs::path(ACTBENCH_BINARY).parent_path() / "test-artifacts";
    fs::create_directories(artifacts);
    REQUIRE(
        std::system(("/usr/bin/chromium" + chromium_flags(dir) + "--window-size=" + std::to_string(width) + "," + std::to_string(height) +
                     " --screenshot=" + (artifacts / png).string() + " file://" + page_file.string() + " >/dev/null 2>&1")
                        .c_str()) == 0);
    return artifacts / png;
}

}  // namespace actbench::test
