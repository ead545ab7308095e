// The run store: runs/<sweep>/{manifest.json, <trial-id>/{trial.yaml, metrics.jsonl, timing.jsonl,
// summary.json}}.
//
// Every file is written to a temporary name in the same directory and renamed into place, so a reader
// never sees half a file. A trial counts as done only when its summary.json exists; its other files are
// written first. metrics.jsonl and summary.json hold no wall-clock figures (those go to timing.jsonl), so
// the same trial at the same thread count and ISA gives byte-identical files.
#pragma once

#include <nlohmann/json.hpp>

#include <filesystem>
#include <string>
#include <vector>

namespace actbench {

// Writes `content` to `path` atomically (temporary file + fsync + rename). Throws InputError on failure.
void write_atomic(const std::filesystem::path& path, const std::string& content);

std::string read_text(const std::filesystem::path& path);  // throws InputError naming the file

// One JSON document per line; throws InputError naming the file and line.
std::vector<nlohmann::json> read_jsonl(const std::filesystem::path& path);
nlohmann::json read_json(const std::filesystem::path& path);

// The JSON paths ("train.lr", "sweep.seed") at which two documents differ.
std::vector<std::string> json_differences(const nlohmann::json& a, const nlohmann::json& b,
                                          const std::string& prefix = "");

// A JSON object as YAML (block style, keys in order), for trial.yaml.
std::string to_yaml(const nlohmann::json& j);

}  // namespace actbench
