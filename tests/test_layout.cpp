// The source tree's structure, checked: suite/'s folders are stages in order, each including only the stages
// before it (folder-qualified includes), the include graph has no cycle, report code never reaches a model or
// oneDNN header, and files and functions stay short enough to read at once.
#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

namespace fs = std::filesystem;

namespace {

const fs::path kRoot = ACTBENCH_SOURCE_DIR;
// suite/'s stages, lowest first: a file may include its own folder and the folders before it.
const std::vector<std::string> kStages{"core", "stats", "config", "store", "run", "report", "cli"};
// The libraries below the suite, where an unqualified include is looked for.
const std::vector<std::string> kLibraries{"common", "models", "datasets"};
const std::set<std::string> kGenerated{"version.hpp", "git_commit.hpp"};

std::vector<std::string> lines_of(const fs::path& path) {
    std::ifstream in(path);
    std::vector<std::string> lines;
    for (std::string line; std::getline(in, line);) lines.push_back(line);
    return lines;
}

std::vector<std::string> quoted_includes(const fs::path& path) {
    static const std::regex include(R"re(^#include "([^"]+)")re");
    std::vector<std::string> out;
    std::smatch m;
    for (const auto& line : lines_of(path))
        if (std::regex_search(line, m, include)) out.push_back(m[1]);
    return out;
}

int stage_of(const std::string& folder) {
    for (std::size_t i = 0; i < kStages.size(); ++i)
        if (kStages[i] == folder) return static_cast<int>(i);
    return -1;
}

// Where an include resolves, relative to the root ("suite/config/config.hpp", "models/network.hpp"), or empty.
std::string resolve(const std::string& include) {
    if (include.find('/') != std::string::npos) return fs::exists(kRoot / "suite" / include) ? "suite/" + include : "";
    for (const auto& lib : kLibraries)
        if (fs::exists(kRoot / lib / include)) return lib + "/" + include;
    return "";
}

std::vector<fs::path> sources(const std::vector<std::string>& folders) {
    std::vector<fs::path> out;
    for (const auto& folder : folders)
        for (const auto& e : fs::recursive_directory_iterator(kRoot / folder))
            if (e.path().extension() == ".cpp" || e.path().extension() == ".hpp") out.push_back(e.path());
    return out;
}

std::string rel_path(const fs::path& p) { return fs::relative(p, kRoot).generic_string(); }

}  // namespace

TEST_CASE("suite/ is stages in order: every include is folder-qualified and goes down, never up", "[layout]") {
    for (const auto& file : sources({"suite"})) {
        const std::string rel = rel_path(file);
        const std::string folder = fs::relative(file, kRoot / "suite").begin()->string();
        INFO(rel);
        REQUIRE(stage_of(folder) >= 0);  // every file lives in a stage folder
        for (const auto& inc : quoted_includes(file)) {
            INFO("#include \"" << inc << "\"");
            if (kGenerated.count(inc)) continue;
            const std::string target = resolve(inc);
            CHECK_FALSE(target.empty());  // a suite header without its folder, or a header that does not exist
            if (target.rfind("suite/", 0) != 0) continue;
            CHECK(stage_of(inc.substr(0, inc.find('/'))) <= stage_of(folder));
        }
    }
}

TEST_CASE("the include graph has no cycle, and report code never reaches a model or oneDNN header", "[layout]") {
    std::map<std::string, std::vector<std::string>> edges;  // file → the files it includes (root-relative)
    for (const auto& file : sources({"suite", "common", "models", "datasets"}))
        for (const auto& inc : quoted_includes(file))
            if (const std::string target = resolve(inc); !target.empty()) edges[rel_path(file)].push_back(target);
    std::map<std::string, int> state;  // 0 unseen, 1 on the path, 2 done
    std::vector<std::string> path;
    std::function<void(const std::string&)> visit = [&](const std::string& f) {
        state[f] = 1;
        path.push_back(f);
        for (const auto& next : edges[f]) {
            if (state[next] == 1) {
                std::string cycle;
                for (auto it = std::find(path.begin(), path.end(), next); it != path.end(); ++it) cycle += *it + " -> ";
                FAIL("include cycle: " << cycle << next);
            }
            if (state[next] == 0) visit(next);
        }
        path.pop_back();
        state[f] = 2;
    };
    for (const auto& [f, _] : edges)
        if (state[f] == 0) visit(f);

    for (const auto& file : sources({"suite/report"})) {
        std::set<std::string> seen;
        std::vector<std::string> todo{rel_path(file)};
        while (!todo.empty()) {
            const std::string f = todo.back();
            todo.pop_back();
            if (!seen.insert(f).second) continue;
            INFO(rel_path(file) << " reaches " << f);
            CHECK(f.rfind("models/", 0) != 0);
            for (const auto& line : lines_of(kRoot / f)) CHECK(line.rfind("#include <dnnl", 0) != 0);
            for (const auto& next : edges[f]) todo.push_back(next);
        }
    }
}

TEST_CASE("no source file over 600 lines and no function over 80, outside data tables", "[layout]") {
    // The activation table's file: one row per family, read by the code that iterates it; splitting it would split
    // the table.
    const std::set<std::string> tables{"models/activation_table.cpp"};
    const std::regex definition(R"(^[A-Za-z~].*\()");
    const std::regex not_a_function(R"(^(namespace|struct|class|enum|union|extern|using|template|typedef|static_assert|return)\b)");
    for (const auto& file : sources({"suite", "common", "models", "datasets", "tests", "bench"})) {
        const std::string rel = rel_path(file);
        if (tables.count(rel)) continue;
        const auto lines = lines_of(file);
        INFO(rel);
        CHECK(lines.size() <= 600);
        if (rel.rfind("tests/", 0) == 0) continue;  // a test case is a list of checks
        for (std::size_t i = 0; i < lines.size(); ++i) {
            if (!std::regex_search(lines[i], definition) || std::regex_search(lines[i], not_a_function)) continue;
            std::size_t open = i;  // the signature may span lines, up to its '{'
            const auto ends_statement = [&](std::size_t k) {
                return !lines[k].empty() && std::string("{;}").find(lines[k].back()) != std::string::npos;
            };
            while (open < lines.size() && open < i + 6 && !ends_statement(open)) ++open;
            if (open >= lines.size() || lines[open].empty() || lines[open].back() != '{') continue;
            std::size_t close = open + 1;
            while (close < lines.size() && lines[close] != "}") ++close;
            // A data table: a function that returns its static table (activation_table(), init_table(), the settings
            // schema's keys), one entry per row.
            bool table = false;
            for (std::size_t k = open + 1; k < std::min(close, open + 5); ++k) table |= lines[k].find("static const") != std::string::npos;
            INFO("the function at line " << i + 1 << ": " << lines[i]);
            CHECK((table || close - i + 1 <= 80));
            i = close;
        }
    }
}
