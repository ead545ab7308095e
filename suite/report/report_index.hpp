// `actbench index DIR`: the page that lists the reports in DIR's subfolders with their answers (report_index.cpp).
#pragma once

#include <filesystem>
#include <string>

namespace actbench {

struct IndexFiles {
    std::string markdown, html;
};
// Throws InputError when DIR is not a directory or holds no report.
IndexFiles build_index(const std::filesystem::path& dir);

}  // namespace actbench
