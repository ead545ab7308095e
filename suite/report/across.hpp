// `actbench rank`: several studies of the same comparison — one per data set, say — summed up by rank (Demšar 2006,
// "Statistical comparisons of classifiers over multiple data sets", JMLR 7). Within each study (and each of its
// contexts, when it sweeps other axes too) the compared values are ranked by mean final test accuracy, 1 the best;
// across them, by mean rank. Friedman's test (Iman and Davenport's F) says whether the mean ranks differ at all,
// and Nemenyi's critical difference which pairs do; the critical-difference diagram draws both: the mean ranks on an
// axis, and a bar joining each run of values no two of which differ significantly.
#pragma once

#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace actbench {

// What `rank --out DIR` writes: rank.md and rank.html (one document), rank.csv (a row per compared value: its mean
// rank, then its rank and mean accuracy in each study) and the diagram as cd_diagram.svg.
struct RankFiles {
    std::string markdown, html, csv;
    std::map<std::string, std::string> svgs;  // file name → SVG
};

// One run directory per study, each its own config; they must compare the same axis. Values not in every study are
// named and left out. Throws InputError for a directory that is not a run directory, a study without trials, or
// studies comparing different axes; fewer than two studies or two common values leave nothing to rank.
RankFiles build_rank(const std::vector<std::filesystem::path>& studies, double alpha = 0.05);

}  // namespace actbench
