// `actbench index DIR`: one page over the reports in DIR's subfolders — each linked (HTML and Markdown) with its
// answer in one line, read from what the report wrote: report.json's "answer", or the first paragraph of a ranking's
// summary in rank.md.
#include "report/report_index.hpp"

#include "core/error.hpp"
#include "report/report_data.hpp"
#include "store/run_store.hpp"

#include <algorithm>

namespace actbench {

namespace {

// The first paragraph after "## Summary" in a ranking's Markdown ("" when there is none).
std::string rank_summary(const std::string& md) {
    const std::size_t heading = md.find("\n## Summary\n\n");
    if (heading == std::string::npos) return "";
    const std::size_t start = heading + 13;
    return md.substr(start, md.find("\n\n", start) - start);
}

Text link(const std::string& text, const std::string& href) { return {{Span::Style::link, text, href}}; }

}  // namespace

IndexFiles build_index(const std::filesystem::path& dir) {
    namespace fs = std::filesystem;
    if (!fs::is_directory(dir)) throw InputError(dir.string() + ": not a directory");
    std::vector<fs::path> folders;
    for (const auto& e : fs::directory_iterator(dir))
        if (e.is_directory() && (fs::exists(e.path() / "report.json") || fs::exists(e.path() / "rank.md"))) folders.push_back(e.path());
    if (folders.empty()) throw InputError(dir.string() + ": no report (a folder with report.json or rank.md) to index");
    std::sort(folders.begin(), folders.end());
    Document doc;
    doc.title = "actbench reports: " + fs::absolute(dir).lexically_normal().filename().string();
    Section s;
    s.level = 1;
    s.title = doc.title;
    s.paragraphs.push_back(spans("Each report, linked as a page and as Markdown, with its answer in one line (from the report itself: "
                                 "`report.json`'s answer, or a ranking's first finding). Written by `actbench index`."));
    for (const fs::path& f : folders) {
        const std::string name = f.filename().string();
        const bool study = fs::exists(f / "report.json");
        std::string answer;
        if (study) {
            try {
                answer = nlohmann::json::parse(read_text(f / "report.json")).value("answer", "");
            } catch (const nlohmann::json::exception& e) {
                throw InputError((f / "report.json").string() + ": not JSON (" + e.what() + ")");
            }
        } else {
            answer = rank_summary(read_text(f / "rank.md"));
        }
        if (answer.rfind("**Answer**: ", 0) == 0) answer = answer.substr(12);
        const std::string page = name + (study ? "/report" : "/rank");
        Text item = link(name, page + ".html");
        item.push_back({Span::Style::plain, " (", {}});
        item.push_back({Span::Style::link, "Markdown", page + ".md"});
        item.push_back({Span::Style::plain, std::string(study ? "" : ", a ranking across studies") + "): ", {}});
        for (Span& sp : spans(answer.empty() ? "(no answer recorded: regenerate the report)" : answer)) item.push_back(std::move(sp));
        s.bullets.push_back(std::move(item));
    }
    doc.sections.push_back(std::move(s));
    return {render_markdown(doc), render_html(doc)};
}

}  // namespace actbench
