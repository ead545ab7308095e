// Reports from stored runs only (never retraining): the same run directory in gives byte-identical text out.
#pragma once

#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace actbench {

// A Markdown report of one run directory: per activation × init × bias over seeds, final test accuracy
// (mean ± sample std), mean training loss per epoch, zero fraction at initialisation and at the end, and
// the dead-unit fraction at the end, each defined in the caption. Throws InputError for a directory that is
// not a run directory or holds unreadable files.
std::string report_markdown(const std::filesystem::path& run_dir);

// Everything `report --out DIR` writes: report.md (the tables above, each with a caption defining its
// metric), report.csv (one row per trial, then one per group), report.json (the same, structured),
// report.html (one self-contained page: the tables and the plots as inline SVG) and the SVG files.
struct ReportFiles {
    std::string markdown, csv, json, html;
    std::map<std::string, std::string> svgs;  // file name → SVG
};
// pivot_rows/pivot_cols (axis names, both or neither): an extra table of mean final test accuracy with one
// row per value of the first axis and one column per value of the second, the other axes pooled.
ReportFiles build_report(const std::vector<std::filesystem::path>& run_dirs, const std::string& pivot_rows = "",
                         const std::string& pivot_cols = "");
// Several run directories of one sweep (e.g. its shards) merged into one report; their manifests must
// describe the same config. A trial stored in more than one directory is counted once.
std::string report_markdown(const std::vector<std::filesystem::path>& run_dirs);

}  // namespace actbench
