// The actbench command line.
//   actbench run CONFIG [--out DIR] [--jobs N] [--threads-per-trial M] [--shard I/N] [--no-resume] [--retry-failed] [--only-tuning] [--quiet]
//   actbench report RUN_DIR... [--out DIR] [--rows AXIS --cols AXIS] [--adjust holm|bh] [--strict]
//   actbench rank STUDY_DIR... [--out DIR] [--alpha A]
//   actbench index DIR
//   actbench export RUN_DIR... [--format csv|jsonl] [--out DIR] [--stage final|tuning|confirm|all]
//   actbench validate CONFIG | plan CONFIG [--json] | verify RUN_DIR [--trial ID] [--sample K] | compact RUN_DIR...
//   actbench list activations|inits|models|datasets|settings [--json | --names]
//   actbench show activation NAME [--config FILE] [--range A:B] [--points N] [--plot FILE.svg] [--json]
//   actbench inspect model CONFIG_OR_FAMILY [--json] | inspect dataset CONFIG [--sheet FILE.png] [--json]
//   actbench bench [--model F] [--activation A] [--batch B] [--threads T] [--profile] [--json] | bench --study RUN_DIR [--json] | bench --targets [--check FILE] [--record FILE]
//   actbench slurm CONFIG --out DIR [--tasks N] [--partition P] [--time T] [--cpus-per-task C] [--max-array M] [--retries R] [--submit | --step]
//   actbench status RUN_DIR [--config FILE] [--jobs N] [--json] | halving RUN_DIR --rungs R... [--keep F] [--json]
// Exit status: 0 success; 1 interrupted (verify: a trial differs); 2 bad input or usage; 3 internal error;
// 4 the system failed: an I/O error (a full disk, a read-only directory) or out of memory, with nothing wrong
// in the input; 100 + n when n trials failed
// (capped at 255). A diverged trial is a result, not a failure.
#include "cli/bench.hpp"
#include "cli/bench_study.hpp"
#include "cli/bench_targets.hpp"
#include "cli/commands.hpp"
#include "cli/cli_support.hpp"
#include "cli/describe.hpp"
#include "cli/export.hpp"
#include "cli/plan_estimate.hpp"
#include "cli/verify.hpp"
#include "config/config.hpp"
#include "config/settings_schema.hpp"
#include "core/error.hpp"
#include "image_codecs.hpp"
#include "report/across.hpp"
#include "report/report_index.hpp"
#include "report/report.hpp"
#include "run/data.hpp"
#include "run/runner.hpp"
#include "run/slurm.hpp"
#include "store/compact.hpp"
#include "store/run_store.hpp"
#include "version.hpp"

#include <CLI/CLI.hpp>

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <functional>
#include <iostream>
#include <limits>
#include <map>
#include <memory>
#include <optional>

namespace {

using namespace actbench;

constexpr const char* kOutOfMemoryAdvice =
    "; finished trials are kept: lower --jobs, train.batch or the model's size (validate estimates what one trial needs) "
    "and rerun to resume\n";


std::string command_line(int argc, char** argv) {
    std::string s;
    for (int i = 0; i < argc; ++i) s += (i ? " " : "") + std::string(argv[i]);
    return s;
}

Command run_command(CLI::App& app, const std::string& invocation) {
    struct Options {
        std::string config, out, shard;
        RunOptions run;
        bool no_resume = false;
    };
    auto o = std::make_shared<Options>();
    auto* sub = app.add_subcommand("run", "Train every trial of a sweep config and store the results");
    sub->add_option("config", o->config, "Sweep config (YAML)")->required();
    sub->add_option("--out", o->out, "Run directory (default: the config's out, or runs/<name>)");
    sub->add_option("--jobs", o->run.jobs, "Trials run in parallel (default: cores / threads per trial)")->check(CLI::Range(1, 1024));
    sub->add_option("--threads-per-trial", o->run.threads_per_trial,
                    "OpenMP threads per trial; results repeat bit for bit at a fixed value (default 1)")
        ->check(CLI::Range(1, 1024));
    sub->add_flag("--no-resume", o->no_resume, "Retrain trials that already have a summary");
    sub->add_flag("--retry-failed", o->run.retry_failed, "Rerun trials recorded as failed (resume skips them otherwise)");
    sub->add_option("--shard", o->shard, "I/N: run only shard I of N (by trial id); N machines split a sweep this way");
    sub->add_flag("--quiet", o->run.quiet, "No progress messages on stderr");
    sub->add_flag("--only-tuning", o->run.only_tuning, "With tune: stop once the tuning stage is stored (no final trials)");
    return {sub, [o, invocation] {
                const Config config = load_config(locate_config(o->config));
                RunOptions options = o->run;
                options.out = o->out;
                options.resume = !o->no_resume;
                options.command = invocation;
                if (!o->shard.empty()) std::tie(options.shard_index, options.shard_count) = parse_shard(o->shard);
                const RunTotals t = run_sweep(config, options);
                if (!options.quiet)
                    std::cerr << "actbench: " << t.ok << " ok, " << t.diverged << " diverged, " << t.failed << " failed, " << t.skipped
                              << " already done"
                              << (t.elsewhere ? ", " + std::to_string(t.elsewhere) + " run by another runner" : std::string())
                              << (t.interrupted ? " (interrupted)" : "") << "\n";
                if (t.failed > 0) return 100 + std::min(t.failed, 155);  // the count of failed trials, above 100
                return t.interrupted ? 1 : 0;
            }};
}

Command report_command(CLI::App& app) {
    struct Options {
        std::vector<std::string> dirs;
        std::string rows, cols, adjust = "holm", out;
        bool strict = false;
    };
    auto o = std::make_shared<Options>();
    auto* sub = app.add_subcommand("report", "Print a Markdown report of run directories (never retrains); shards merge");
    sub->add_flag("--strict", o->strict, "Exit with status 2 when a trial's files are damaged (the report is still written)");
    sub->add_option("run_dir", o->dirs, "Run directories written by 'actbench run' for one config")->required();
    sub->add_option("--rows", o->rows, "With --cols: a table of accuracy with a row per value of this axis");
    sub->add_option("--cols", o->cols, "With --rows: … and a column per value of this axis");
    sub->add_option(
           "--adjust", o->adjust,
           "Multiplicity adjustment of the comparisons with the baseline: holm (family-wise error, default) or bh (false discovery rate)")
        ->check(CLI::IsMember({"holm", "bh"}));
    sub->add_option("--out", o->out, "Also write report.md, report.csv, report.json, report.html and the SVG plots into this directory");
    return {sub, [o] {
                const ReportFiles files =
                    build_report(std::vector<std::filesystem::path>(o->dirs.begin(), o->dirs.end()), o->rows, o->cols, o->adjust);
                if (!o->out.empty())
                    write_document_files(o->out,
                                         {{"report.md", &files.markdown},
                                          {"report.csv", &files.csv},
                                          {"summary.csv", &files.summary_csv},
                                          {"report.json", &files.json},
                                          {"report.html", &files.html}},
                                         files.svgs);
                std::cout << files.markdown;
                if (files.damaged.empty()) return 0;
                // The report lists them too, but a script reading the exit status or stderr must be able to tell.
                std::cerr << "actbench: warning: " << files.damaged.size()
                          << " damaged trial(s) left out of the report (run retrains them):";
                for (std::size_t i = 0; i < files.damaged.size() && i < 3; ++i)
                    std::cerr << "\n  " << files.damaged[i].first << ": " << files.damaged[i].second;
                if (files.damaged.size() > 3)
                    std::cerr << "\n  … and " << files.damaged.size() - 3 << " more (the report's Damaged section)";
                std::cerr << "\n";
                return o->strict ? 2 : 0;
            }};
}

Command rank_command(CLI::App& app) {
    struct Options {
        std::vector<std::string> dirs;
        std::string out;
        double alpha = 0.05;
    };
    auto o = std::make_shared<Options>();
    auto* sub = app.add_subcommand("rank",
                                   "Rank the compared values across studies (one run directory each, e.g. one per data set) by mean rank, "
                                   "with Friedman's test and a critical-difference diagram (Demšar 2006)");
    sub->add_option("study_dir", o->dirs, "Run directories, one per study, comparing the same axis")->required();
    sub->add_option("--alpha", o->alpha, "Significance level of Friedman's test and Nemenyi's critical difference (default 0.05)")
        ->check(kFinite)
        ->check(CLI::Range(0.001, 0.5));
    sub->add_option("--out", o->out, "Also write rank.md, rank.html, rank.csv and cd_diagram.svg into this directory");
    return {sub, [o] {
                const RankFiles files = build_rank(std::vector<std::filesystem::path>(o->dirs.begin(), o->dirs.end()), o->alpha);
                if (!o->out.empty())
                    write_document_files(o->out, {{"rank.md", &files.markdown}, {"rank.html", &files.html}, {"rank.csv", &files.csv}},
                                         files.svgs);
                std::cout << files.markdown;
                return 0;
            }};
}

Command index_command(CLI::App& app) {
    auto dir = std::make_shared<std::string>();
    auto* sub = app.add_subcommand("index", "Write index.md and index.html into DIR: each report in its subfolders, linked, with its answer");
    sub->add_option("dir", *dir, "A folder of report folders (as written by report --out and rank --out), e.g. reports")->required();
    return {sub, [dir] {
                const IndexFiles files = build_index(*dir);
                write_document_files(*dir, {{"index.md", &files.markdown}, {"index.html", &files.html}}, {});
                std::cout << files.markdown;
                return 0;
            }};
}

Command export_command(CLI::App& app) {
    struct Options {
        std::vector<std::string> dirs;
        std::string format = "csv", out = ".", stage = "final";
    };
    auto o = std::make_shared<Options>();
    auto* sub =
        app.add_subcommand("export", "Write tidy tables of run directories: trials, curves (long form) and groups, for pandas or R");
    sub->add_option("run_dir", o->dirs, "Run directories written by 'actbench run' for one config")->required();
    sub->add_option("--format", o->format, "csv (default) or jsonl")->check(CLI::IsMember({"csv", "jsonl"}));
    sub->add_option("--out", o->out, "Directory for trials, curves and groups (default: the current one)");
    sub->add_option("--stage", o->stage,
                    "Which stage's trials to write: final (default), tuning, confirm (adaptive.confirm's fresh seeds), or all")
        ->check(CLI::IsMember({"final", "tuning", "confirm", "all"}));
    return {sub, [o] {
                for (const auto& [name, text] :
                     export_runs(std::vector<std::filesystem::path>(o->dirs.begin(), o->dirs.end()), o->format, o->stage)) {
                    const std::string path = (std::filesystem::path(o->out) / name).string();
                    write_output_file(path, text);
                    std::cout << "wrote " << path << "\n";
                }
                return 0;
            }};
}

Command list_command(CLI::App& app) {
    struct Options {
        std::string what;
        bool json = false, names = false;
    };
    auto o = std::make_shared<Options>();
    auto* sub = app.add_subcommand("list",
                                   "List the built-in activations, initialisers, models or dataset kinds (formula, parameters, source), or "
                                   "the config's settings");
    sub->add_option("what", o->what, "activations | inits | models | datasets | settings")
        ->required()
        ->check(CLI::IsMember({"activations", "inits", "models", "datasets", "settings"}));
    sub->add_flag("--json", o->json, "Print JSON");
    sub->add_flag("--names", o->names, "Print the names only, one per line (for shell completion)");
    return {sub, [o] {
                const nlohmann::json all = o->what == "activations" ? activations_json()
                    : o->what == "models"                           ? models_json()
                    : o->what == "datasets"                         ? datasets_json()
                    : o->what == "settings"                         ? settings_json()
                                                                    : inits_json();
                if (o->names) {
                    for (const auto& item : all) std::cout << item.value(item.contains("name") ? "name" : "kind", std::string()) << "\n";
                } else if (o->json) {
                    std::cout << all.dump(2) << "\n";
                } else {
                    std::cout << (o->what == "activations"    ? activations_text()
                                      : o->what == "models"   ? models_text()
                                      : o->what == "datasets" ? datasets_text()
                                      : o->what == "settings" ? settings_reference()
                                                              : inits_text());
                }
                return 0;
            }};
}

Command show_command(CLI::App& app) {
    struct Options {
        std::string what, name, config, range = "-4:4", plot;
        int points = 17;
        bool json = false;
    };
    auto o = std::make_shared<Options>();
    auto* sub = app.add_subcommand("show", "Show an activation's f(x) and f'(x) over a range");
    sub->add_option("what", o->what, "activation")->required()->check(CLI::IsMember({"activation"}));
    sub->add_option("name", o->name, "A built-in, or a name from the config's activations: section")->required();
    sub->add_option("--config", o->config, "Config whose activations: section defines NAME");
    sub->add_option("--range", o->range, "A:B, the range of x (default -4:4)");
    sub->add_option("--points", o->points, "Number of points (default 17)")->check(CLI::Range(2, 100000));
    sub->add_option("--plot", o->plot, "Write an SVG plot of f and f' to this file");
    sub->add_flag("--json", o->json, "Print JSON");
    return {sub, [o] {
                const auto [lo, hi] = parse_range(o->range);
                ActivationSpec spec;
                try {
                    spec = o->config.empty() ? builtin_activation(o->name)
                                             : resolve_activation(load_config(locate_config(o->config)), o->name);
                } catch (const std::invalid_argument& e) {
                    throw InputError(std::string(e.what()) +
                                     (o->config.empty() ? " (for a variant defined in a config, add --config FILE)" : ""));
                }
                Curve curve;
                try {
                    curve = activation_curve(spec, lo, hi, o->points);
                } catch (const std::invalid_argument& e) {
                    throw InputError(e.what());
                }
                if (!o->plot.empty()) write_output_file(o->plot, curve_svg(spec, curve));
                std::cout << (o->json ? curve_json(spec, curve).dump(2) + "\n" : curve_text(spec, curve));
                return 0;
            }};
}

Command inspect_command(CLI::App& app) {
    struct Options {
        std::string what, target, init, sheet;  // init: empty for the default (he_normal, or the config's first)
        bool json = false;
    };
    auto o = std::make_shared<Options>();
    auto* sub = app.add_subcommand("inspect",
                                   "Describe a model (layers, shapes, parameters, FLOPs, initial weight std) or a "
                                   "config's dataset (counts, shape, pixel statistics, a contact sheet)");
    sub->add_option("what", o->what, "model | dataset")->required()->check(CLI::IsMember({"model", "dataset"}));
    sub->add_option("--sheet", o->sheet, "dataset: write a PNG contact sheet of samples per class");
    sub->add_option("target", o->target, "A sweep config (its model, input and first init) or a model family name")->required();
    sub->add_option("--init", o->init, "Initialiser for the std column (default: the config's first, or he_normal with a family name)");
    sub->add_flag("--json", o->json, "Print JSON");
    return {sub, [o] {
                const std::string target = std::filesystem::exists(o->target) ? o->target : locate_config(o->target);
                if (o->what == "dataset") {
                    const DatasetInspection r = inspect_dataset(load_config(target).dataset, o->sheet);
                    std::cout << (o->json ? r.json.dump(2) + "\n" : r.text);
                    return 0;
                }
                try {
                    ModelSpec model;
                    InputShape input;
                    InitSpec init;
                    if (std::filesystem::is_regular_file(target)) {
                        const Config config = load_config(target);
                        model = config.model;
                        input = dataset_input_shape(config.dataset);
                        // --init names the config's own variants too; without it, the sweep's first
                        init = resolve_init(config, o->init.empty() ? config.sweep.init.front() : o->init);
                    } else {
                        model = ModelSpec::make(target);
                        init = builtin_init(o->init.empty() ? "he_normal" : o->init);
                    }
                    const ModelInspection r = inspect_model(model, input, init);
                    std::cout << (o->json ? r.json.dump(2) + "\n" : r.text);
                } catch (const std::invalid_argument& e) {
                    throw InputError(e.what());
                }
                return 0;
            }};
}

Command validate_command(CLI::App& app) {
    auto config_path = std::make_shared<std::string>();
    auto* sub = app.add_subcommand("validate", "Check a config (keys, types, ranges, names) without running anything");
    sub->add_option("config", *config_path, "Sweep config (YAML)")->required();
    return {sub, [config_path] {
                const Config config = load_config(locate_config(*config_path));
                check_precision_supported(config);
                // An adaptive design runs between min/max and all of its seeds.
                auto fewest = [&](std::size_t all) {
                    return config.adaptive ? all / static_cast<std::size_t>(config.adaptive->max) * config.adaptive->min : all;
                };
                std::cout << *config_path << ": ok, ";
                if (config.tune) {
                    const std::size_t final_trials = config.final_stage->cell_count() / config.tune->values.size();
                    // The seeds if close run only for close choices: from the tuning seeds' trials up to all of stage 1.
                    const std::size_t all = config.tuning_stage->cell_count(), seeds = config.tune->seeds.size();
                    const std::size_t least = all / (seeds + config.tune->seeds_if_close.size()) * seeds;
                    std::cout << (least < all ? std::to_string(least) + " to " : std::string()) << all << " tuning trials, then "
                              << (config.adaptive ? std::to_string(fewest(final_trials)) + " to " : std::string()) << final_trials
                              << " final trials\n";
                } else if (config.adaptive) {
                    std::cout << fewest(config.cell_count()) << " to " << config.cell_count() << " trials (adaptive seeds)\n";
                } else {
                    std::cout << config.cell_count() << " trials\n";
                }
                return 0;
            }};
}

Command plan_command(CLI::App& app) {
    struct Options {
        std::string config;
        int jobs = 0;
        bool json = false;
    };
    auto o = std::make_shared<Options>();
    auto* sub = app.add_subcommand("plan", "List a config's trials (id and the settings that vary) with an estimate of the wall time");
    sub->add_option("config", o->config, "Sweep config (YAML)")->required();
    sub->add_option("--jobs", o->jobs, "Trials in parallel, for the estimate (default: cores / threads per trial)");
    sub->add_flag("--json", o->json, "Print JSON");
    return {sub, [o] {
                const Config config = load_config(locate_config(o->config));
                check_precision_supported(config);
                write_plan(config, o->jobs, o->json, std::cout);
                return 0;
            }};
}

Command verify_command(CLI::App& app) {
    struct Options {
        std::string dir;
        VerifyOptions verify;
        long long sample = 0;  // signed, so that -1 is refused rather than wrapped to 2^64 − 1
    };
    auto o = std::make_shared<Options>();
    auto* sub = app.add_subcommand("verify", "Retrain stored trials and check that their metrics repeat bit for bit");
    sub->add_option("run_dir", o->dir, "Run directory")->required();
    sub->add_option("--trial", o->verify.only_trial, "Only this trial id");
    sub->add_option("--sample", o->sample, "Only K trials, picked by a hash of their ids (the same K every time)")
        ->check(CLI::Range(1LL, 1000000000LL));
    return {sub, [o] {
                o->verify.sample = static_cast<std::size_t>(o->sample);
                const VerifyReport report = verify_run(o->dir, o->verify);
                for (const auto& note : report.notes) std::cout << "note: " << note << "\n";
                int differing = 0;
                for (const auto& r : report.trials) {
                    using O = VerifyResult::Outcome;
                    std::cout << r.id << ": "
                              << (r.outcome == O::identical     ? "identical"
                                      : r.outcome == O::differs ? "DIFFERS: " + r.detail
                                      : r.outcome == O::damaged ? "DAMAGED: " + r.detail
                                                                : "not retrained: recorded as failed (" + r.detail + ")")
                              << "\n";
                    differing += r.outcome == O::differs || r.outcome == O::damaged;
                }
                return differing > 0 ? 1 : 0;
            }};
}

std::string size_text(std::uintmax_t bytes) {
    char buf[32];
    if (bytes < 1000000)
        std::snprintf(buf, sizeof buf, "%.1f kB", static_cast<double>(bytes) / 1e3);
    else
        std::snprintf(buf, sizeof buf, "%.1f MB", static_cast<double>(bytes) / 1e6);
    return buf;
}

Command compact_command(CLI::App& app) {
    auto dirs = std::make_shared<std::vector<std::string>>();
    auto* sub = app.add_subcommand("compact",
                                   "Store finished trials compactly, to commit or archive a run directory: metrics.jsonl and "
                                   "timing.jsonl gzipped, trial.yaml dropped (summary.json holds it); every command reads both forms");
    sub->add_option("run_dirs", *dirs, "Run directories")->required();
    return {sub, [dirs] {
                for (const std::string& dir : *dirs) {
                    const CompactResult r = compact_run(dir);
                    std::cout << dir << ": " << r.compacted << " trial(s) compacted, " << r.already << " already compact; "
                              << size_text(r.bytes_before) << " -> " << size_text(r.bytes_after) << "\n";
                    for (const auto& [id, why] : r.skipped) std::cout << "  " << id << ": left as it is: " << why << "\n";
                }
                return 0;
            }};
}

struct BenchCliOptions {
    BenchOptions bench;
    std::string model = "lenet", activation = "relu", precision = "fp32", block;
    std::map<std::string, double> params;
    bool json = false;
    std::string study, check, record;
    bool targets = false;
    int repeats = 3;
};

// bench --targets and bench --study, which fix their own models: the exit status, or nothing for a plain bench.
std::optional<int> run_bench_suite(const BenchCliOptions& o, const CLI::App& sub) {
    const auto refuse_model_options = [&](const std::string& mode, const char* why, std::vector<const char*> also) {
        for (const char* other : {"--model", "--conv1", "--conv2", "--dense", "--depth", "--width", "--stages", "--block", "--activation",
                                  "--batch", "--profile", "--precision"})
            also.push_back(other);
        for (const char* other : also)
            if (sub.count(other)) throw InputError("bench " + mode + ": " + other + " does not apply (" + why + ")");
    };
    if (o.targets || !o.check.empty() || !o.record.empty() || sub.count("--repeats")) {
        if (!o.targets) throw InputError("bench: --check, --record and --repeats go with --targets");
        refuse_model_options("--targets", "the targets fix the models", {"--study"});
        const TargetsResult r = bench_targets({o.bench.seconds, o.bench.threads, o.repeats, o.check, o.record});
        std::cout << (o.json ? r.bench.json.dump(2) + "\n" : r.bench.text);
        return r.regressed ? 1 : 0;
    }
    if (o.study.empty()) return std::nullopt;
    refuse_model_options("--study", "each trial's own settings do", {"--threads"});
    const BenchResult r = bench_study({o.study, sub.count("--seconds") ? o.bench.seconds : 0.5});
    std::cout << (o.json ? r.json.dump(2) + "\n" : r.text);
    return 0;
}

Command bench_command(CLI::App& app) {
    auto o = std::make_shared<BenchCliOptions>();
    auto* sub = app.add_subcommand(
        "bench",
        "Measure the matmul peak and a model's training throughput, and their ratio (fp32; with --precision bf16, bf16 beside it)");
    sub->add_option("--model", o->model, "Model family (default lenet)");
    sub->add_option("--conv1", o->params["conv1"], "lenet: first conv channels (default 32)");
    sub->add_option("--conv2", o->params["conv2"], "lenet: second conv channels (default 64)");
    sub->add_option("--dense", o->params["dense"], "lenet: hidden dense units (default 128)");
    sub->add_option("--depth", o->params["depth"], "resnet, mlp, plain_deep: depth");
    sub->add_option("--width", o->params["width"], "resnet, mlp, plain_deep: width");
    sub->add_option("--stages", o->params["stages"], "resnet: stages (default 3)");
    sub->add_option("--block", o->block, "resnet: post_activation (default), pre_activation or plain");
    sub->add_option("--activation", o->activation, "A built-in activation, with its default parameters (default relu)");
    sub->add_option("--batch", o->bench.batch, "Batch size (default 64)")->check(CLI::Range(1, 65536));
    sub->add_option("--threads", o->bench.threads, "OpenMP threads (default 2)")->check(CLI::Range(1, 1024));
    sub->add_option("--seconds", o->bench.seconds, "Seconds per measurement (default 3)")->check(kFinite)->check(CLI::Range(0.1, 600.0));
    sub->add_flag(
        "--profile", o->bench.profile,
        "Also time each layer and direction, reorders, the optimiser and data preparation, for a training and an evaluation step");
    sub->add_option("--precision", o->precision, "fp32 (default), or bf16: also measure bf16 and its ratios to fp32")
        ->check(CLI::IsMember({"fp32", "bf16"}));
    sub->add_flag("--json", o->json, "Print JSON");
    sub->add_option("--study", o->study,
                    "A run directory: predict its stored trials' seconds from each kind of work's throughput measured now, and "
                    "compare with the seconds they took (--seconds per measurement, default 0.5; the model options do not apply)");
    sub->add_flag("--targets", o->targets,
                  "Measure the throughput targets (lenet and ResNet-20, fp32 and bf16 where native) against their peaks");
    sub->add_option("--check", o->check,
                    "With --targets: committed figures (bench/figures.json); exit 1 when one drops more than 10% below its value for this ISA");
    sub->add_option("--repeats", o->repeats, "With --targets: runs per model, each value the best of them (default 3)")
        ->check(CLI::Range(1, 100));
    sub->add_option("--record", o->record, "With --targets: write this ISA's figures into this file (other ISAs' kept)");
    return {sub, [o, sub] {
                if (const std::optional<int> status = run_bench_suite(*o, *sub)) return *status;
                std::map<std::string, double> params;
                for (const auto& [k, v] : o->params)
                    if (sub->count("--" + k)) params[k] = v;
                BenchOptions options = o->bench;
                try {
                    if (!o->block.empty()) {
                        const ModelInfo& info = find_model(o->model);
                        const auto p =
                            std::find_if(info.params.begin(), info.params.end(), [](const ModelParam& m) { return m.name == "block"; });
                        if (p == info.params.end()) throw std::invalid_argument("--block: model " + o->model + " has no block parameter");
                        params["block"] = model_choice(*p, o->block);
                    }
                    options.model = ModelSpec::make(o->model, params);
                    options.activation = builtin_activation(o->activation);
                    options.precision = o->precision == "bf16" ? Precision::bf16 : Precision::fp32;
                    require_precision(options.precision);
                } catch (const std::invalid_argument& e) {
                    throw InputError(e.what());
                }
                const BenchResult r = run_bench(options);
                std::cout << (o->json ? r.json.dump(2) + "\n" : r.text);
                return 0;
            }};
}

// An unknown command is named, with the valid ones (CLI11 would only say that one is required).
bool known_command(const CLI::App& app, int argc, char** argv) {
    if (argc < 2 || argv[1][0] == '-') return true;
    std::string valid;
    bool known = false;
    for (const CLI::App* sub : app.get_subcommands([](const CLI::App*) { return true; })) {
        known |= sub->get_name() == argv[1];
        valid += (valid.empty() ? "" : ", ") + sub->get_name();
    }
    if (!known) std::cerr << "actbench: error: unknown command '" << argv[1] << "'; valid: " << valid << " (see actbench --help)\n";
    return known;
}

}  // namespace

int main(int argc, char** argv) {
    CLI::App app{"actbench: a reproducible benchmark of activations x weight initialisations x bias settings on small oneDNN CNNs",
                 "actbench"};
    app.require_subcommand(1);
    app.set_version_flag("--version", std::string("actbench ") + kVersion + " (git " + kGitCommit + ")");
    const std::string invocation = command_line(argc, argv);
    const std::vector<Command> commands{run_command(app, invocation),  report_command(app),   rank_command(app),   index_command(app),
                                        export_command(app),           list_command(app),     show_command(app),
                                        inspect_command(app),          validate_command(app), plan_command(app),
                                        verify_command(app),           compact_command(app),  bench_command(app),
                                        slurm_command(app, invocation), status_command(app),   halving_command(app)};
    if (!known_command(app, argc, argv)) return 2;
    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        const int rc = app.exit(e);
        return rc == 0 ? 0 : 2;
    }
    try {
        for (const Command& c : commands)
            if (*c.app) return c.action();
    } catch (const InputError& e) {
        std::cerr << "actbench: error: " << e.what() << "\n";
        return 2;
    } catch (const IoError& e) {
        std::cerr << "actbench: I/O error: " << e.what() << "\n";
        return 4;
    } catch (const CodecsUnavailable& e) {
        std::cerr << "actbench: installation error: " << e.what() << "\n";
        return 4;
    } catch (const OutOfMemory& e) {
        std::cerr << "actbench: out of memory: " << e.what() << kOutOfMemoryAdvice;
        return 4;
    } catch (const std::bad_alloc&) {
        std::cerr << "actbench: out of memory" << kOutOfMemoryAdvice;
        return 4;
    } catch (const std::exception& e) {
        std::cerr << "actbench: internal error: " << e.what() << "\n";
        return 3;
    }
    return 0;
}
