// Each subcommand: its options, registered on the parser, and what it does once they are parsed. Adding a
// subcommand is one such function and one line in main() (suite/cli/main.cpp); the cluster's commands live in
// cluster.cpp.
#pragma once

#include <CLI/CLI.hpp>

#include <functional>
#include <string>

namespace actbench {

struct Command {
    CLI::App* app;
    std::function<int()> action;
};

// cluster.cpp: `actbench slurm` (the job array, the report job) and `actbench status` (where a study stands).
Command slurm_command(CLI::App& app, const std::string& invocation);
Command status_command(CLI::App& app);
// `actbench halving`: tune's halving schedule replayed on a study tuned with the full one (run/halving_replay.hpp).
Command halving_command(CLI::App& app);

}  // namespace actbench
