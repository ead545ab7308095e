// Reports from stored runs only (never retraining): the same run directories in give byte-identical files out.
#pragma once

#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace actbench {

// Everything `report --out DIR` writes: report.md and report.html (the same document: the summary first —
// the ranking of the compared axis against the baseline, what it supports, a forest plot and, when other axes
// are swept, a heatmap — then the long tables, each with a caption defining its columns, then the curves as
// small multiples), report.csv (a row per trial, then per group), summary.csv (the ranking), report.json
// (all of it, typed) and the SVG files.
struct ReportFiles {
    std::string markdown, csv, summary_csv, json, html;
    std::map<std::string, std::string> svgs;  // file name → SVG
    // The trials left out because their files are damaged (id, what is wrong), as the report's Damaged block lists
    // them; the command line also warns on stderr (and fails with --strict).
    std::vector<std::pair<std::string, std::string>> damaged;
};
// Several run directories of one sweep (e.g. its shards) merge into one report; their manifests must
// describe the same config, and a trial stored in more than one directory is counted once. Throws
// InputError for a directory that is not a run directory, a damaged manifest or run log, or bad pivot axes.
// pivot_rows/pivot_cols (axis names, both or neither): an extra table of mean final test accuracy with one
// row per value of the first axis and one column per value of the second, the other axes pooled.
// adjustment: holm (the family-wise error rate, the default) or bh (Benjamini–Hochberg, the false discovery rate).
ReportFiles build_report(const std::vector<std::filesystem::path>& run_dirs, const std::string& pivot_rows = "",
                         const std::string& pivot_cols = "", const std::string& adjustment = "holm");

}  // namespace actbench
