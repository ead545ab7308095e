// The command line's shared helpers (cli_support.hpp).
#include "cli/cli_support.hpp"

#include "core/error.hpp"
#include "store/run_store.hpp"

#include <cmath>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <regex>

namespace actbench {

void write_output_file(const std::string& path, const std::string& text) {
    const std::filesystem::path parent = std::filesystem::path(path).parent_path();
    std::error_code ec;
    if (!parent.empty()) std::filesystem::create_directories(parent, ec);
    if (ec) throw IoError(parent.string() + ": cannot create: " + ec.message());
    write_atomic(path, text);
}

namespace {

// The figures a document written earlier into `dir` links (`](name.svg)` in its Markdown, `main`) that the new one
// does not write. Left there they would sit beside the new document as if current (a figure the report no longer
// draws). Only files the old document itself linked are named, never other files in the directory.
std::vector<std::filesystem::path> stale_figures(const std::filesystem::path& dir, const std::string& main,
                                                 const std::map<std::string, std::string>& svgs) {
    std::vector<std::filesystem::path> stale;
    std::ifstream in(dir / main);
    const std::string old((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    const std::regex link(R"(\]\(([A-Za-z0-9_.\-]+\.svg)\))");
    for (auto it = std::sregex_iterator(old.begin(), old.end(), link); it != std::sregex_iterator(); ++it) {
        const std::string name = (*it)[1];
        if (!svgs.count(name) && std::filesystem::exists(dir / name)) stale.push_back(dir / name);
    }
    return stale;
}

}  // namespace

// A document's files into `out` (report, rank): each named text, then the SVG figures; then the figures the previous
// document there linked and this one does not are removed.
void write_document_files(const std::string& out, const std::vector<std::pair<std::string, const std::string*>>& texts,
                          const std::map<std::string, std::string>& svgs) {
    const std::filesystem::path dir(out);
    const std::vector<std::filesystem::path> stale = texts.empty() ? std::vector<std::filesystem::path>{} : stale_figures(dir, texts.front().first, svgs);
    for (const auto& [name, text] : texts) write_output_file((dir / name).string(), *text);
    for (const auto& [name, svg] : svgs) write_output_file((dir / name).string(), svg);
    for (const auto& path : stale) {
        std::error_code ec;
        std::filesystem::remove(path, ec);
        if (ec) throw IoError(path.string() + ": cannot remove this figure of the previous report: " + ec.message());
    }
}

// A number option must be finite: CLI::Range lets NaN through (every comparison with it is false).
const CLI::Validator kFinite(
    [](std::string& text) {
        try {
            std::size_t used = 0;
            const double v = std::stod(text, &used);
            return used == text.size() && std::isfinite(v) ? std::string() : "expected a finite number, got '" + text + "'";
        } catch (const std::exception&) {
            return "expected a number, got '" + text + "'";
        }
    },
    "FINITE");

// "A:B" → (A, B)
std::pair<double, double> parse_range(const std::string& text) {
    const auto colon = text.find(':');
    try {
        if (colon == std::string::npos) throw std::invalid_argument("");
        std::size_t used_a = 0, used_b = 0;
        const double a = std::stod(text.substr(0, colon), &used_a);
        const double b = std::stod(text.substr(colon + 1), &used_b);
        // Beyond ±1e6 an activation's table holds nothing but its asymptotes, and float overflow (inf, nan rows).
        if (used_a != colon || used_b != text.size() - colon - 1 || !(a < b) || !(std::abs(a) <= 1e6) || !(std::abs(b) <= 1e6))
            throw std::invalid_argument("");
        return {a, b};
    } catch (const std::exception&) {
        throw InputError("--range '" + text + "': expected A:B with finite numbers A < B within ±1e6, e.g. -4:4");
    }
}

// A relative config path that is not under the working directory is looked up where the configs are installed,
// share/actbench/ beside the binary's bin/ (so `actbench run configs/quick.yaml` works from anywhere).
std::string locate_config(const std::string& path) {
    namespace fs = std::filesystem;
    std::error_code ec;
    if (path.empty() || fs::path(path).is_absolute() || fs::exists(path, ec)) return path;
    const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
    if (ec) return path;
    for (const fs::path& share : {exe.parent_path().parent_path() / "share" / "actbench", exe.parent_path() / "share" / "actbench"})
        for (const fs::path& candidate : {share / path, share / "configs" / path})
            if (fs::is_regular_file(candidate, ec)) return candidate.string();
    return path;
}

}  // namespace actbench
