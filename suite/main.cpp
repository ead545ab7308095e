// The actbench command line.
//   actbench run CONFIG [--out DIR] [--jobs N] [--threads-per-trial M] [--no-resume] [--quiet]
//   actbench report RUN_DIR [--out FILE]
//   actbench list activations|inits
// Exit status: 0 success; 1 some trials failed or the run was interrupted; 2 bad input or usage.
#include "config.hpp"
#include "error.hpp"
#include "init.hpp"
#include "report.hpp"
#include "run_store.hpp"
#include "runner.hpp"
#include "version.hpp"

#include <CLI/CLI.hpp>

#include <filesystem>
#include <iostream>

namespace {

int cmd_list(const std::string& what) {
    using namespace actbench;
    if (what == "activations") {
        for (const auto& a : activation_table())
            std::cout << a.name << "\n  " << a.formula << "\n  source: " << a.source << "\n";
    } else {
        for (const auto& i : init_table())
            std::cout << i.name << "\n  " << i.formula << "\n  source: " << i.source << "\n";
    }
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    using namespace actbench;
    CLI::App app{"actbench: a reproducible benchmark of activations x weight initialisations x bias settings on "
                 "small oneDNN CNNs"};
    app.require_subcommand(1);
    app.set_version_flag("--version", std::string("actbench ") + kVersion + " (git " + kGitCommit + ")");

    std::string config_path, out, report_out, list_what;
    RunOptions options;
    bool no_resume = false;
    auto* run = app.add_subcommand("run", "Train every trial of a sweep config and store the results");
    run->add_option("config", config_path, "Sweep config (YAML)")->required();
    run->add_option("--out", out, "Run directory (default: the config's out, or runs/<name>)");
    run->add_option("--jobs", options.jobs, "Trials run in parallel (default: cores / threads per trial)")
        ->check(CLI::Range(1, 1024));
    run->add_option("--threads-per-trial", options.threads_per_trial,
                    "OpenMP threads per trial; results repeat bit for bit at a fixed value (default 1)")
        ->check(CLI::Range(1, 1024));
    run->add_flag("--no-resume", no_resume, "Retrain trials that already have a summary");
    run->add_flag("--quiet", options.quiet, "No progress messages on stderr");

    std::string run_dir;
    auto* report = app.add_subcommand("report", "Print a Markdown report of a run directory (never retrains)");
    report->add_option("run_dir", run_dir, "Run directory written by 'actbench run'")->required();
    report->add_option("--out", report_out, "Also write the report to this file");

    auto* list = app.add_subcommand("list", "List the built-in activations or weight initialisations");
    list->add_option("what", list_what, "activations | inits")->required()->check(CLI::IsMember({"activations", "inits"}));

    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        const int rc = app.exit(e);
        return rc == 0 ? 0 : 2;
    }

    try {
        if (*run) {
            const Config config = load_config(config_path);
            options.out = out;
            options.resume = !no_resume;
            const RunTotals t = run_sweep(config, options);
            if (!options.quiet)
                std::cerr << "actbench: " << t.ok << " ok, " << t.diverged << " diverged, " << t.failed << " failed, "
                          << t.skipped << " already done" << (t.interrupted ? " (interrupted)" : "") << "\n";
            return (t.failed > 0 || t.interrupted) ? 1 : 0;
        }
        if (*report) {
            const std::string text = report_markdown(run_dir);
            if (!report_out.empty()) {
                const std::filesystem::path parent = std::filesystem::path(report_out).parent_path();
                std::error_code ec;
                if (!parent.empty()) std::filesystem::create_directories(parent, ec);
                if (ec) throw InputError(parent.string() + ": cannot create: " + ec.message());
                write_atomic(report_out, text);
            }
            std::cout << text;
            return 0;
        }
        if (*list) return cmd_list(list_what);
    } catch (const InputError& e) {
        std::cerr << "actbench: error: " << e.what() << "\n";
        return 2;
    } catch (const std::exception& e) {
        std::cerr << "actbench: internal error: " << e.what() << "\n";
        return 3;
    }
    return 0;
}
