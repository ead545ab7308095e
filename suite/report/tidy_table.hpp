// A tidy table (one row per observation, one column per variable) and its two file forms: CSV with a header
// line (numbers in full precision, an empty cell for null) and JSON Lines (one object per row, null kept).
#pragma once

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace actbench {

struct TidyTable {
    std::vector<std::string> columns;
    std::vector<std::vector<nlohmann::json>> rows;  // each as long as columns: a number, string, bool or null
};

std::string csv_escape(const std::string& s);
std::string to_csv(const TidyTable& t);
std::string to_jsonl(const TidyTable& t);

}  // namespace actbench
