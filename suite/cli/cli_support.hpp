// The command line's shared helpers: writing result files, option checks, finding an installed config.
// Compiled into the actbench executable with main.cpp (it needs CLI11, which only the executable links).
#pragma once

#include <CLI/CLI.hpp>

#include <map>
#include <string>
#include <utility>
#include <vector>

namespace actbench {

// `text` into `path`, atomically, its folder created first. Throws IoError.
void write_output_file(const std::string& path, const std::string& text);
// A document's files into `out` (report, rank): each named text, then the SVG figures.
void write_document_files(const std::string& out, const std::vector<std::pair<std::string, const std::string*>>& texts,
                          const std::map<std::string, std::string>& svgs);
// A number option must be finite: CLI::Range lets NaN through (every comparison with it is false).
extern const CLI::Validator kFinite;
// "A:B" → (A, B), finite, A < B, within ±1e6; throws InputError naming --range.
std::pair<double, double> parse_range(const std::string& text);
// A relative config path that is not under the working directory is looked up where the configs are installed,
// share/actbench/ beside the binary's bin/ (so `actbench run configs/quick.yaml` works from anywhere).
std::string locate_config(const std::string& path);

}  // namespace actbench
