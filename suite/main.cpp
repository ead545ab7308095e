// The actbench command line.
//   actbench run CONFIG [--out DIR] [--jobs N] [--threads-per-trial M] [--shard I/N] [--no-resume] [--retry-failed] [--quiet]
//   actbench report RUN_DIR... [--out DIR] [--rows AXIS --cols AXIS] [--adjust holm|bh]
//   actbench export RUN_DIR... [--format csv|jsonl] [--out DIR]
//   actbench validate CONFIG | plan CONFIG [--json] | verify RUN_DIR [--trial ID]
//   actbench list activations|inits|models|datasets [--json]
//   actbench show activation NAME [--config FILE] [--range A:B] [--points N] [--plot FILE.svg] [--json]
//   actbench inspect model CONFIG_OR_FAMILY [--json] | inspect dataset CONFIG [--sheet FILE.png] [--json]
//   actbench bench [--model F] [--activation A] [--batch B] [--threads T] [--profile] [--json]
//   actbench slurm CONFIG --out DIR [--tasks N] [--partition P] [--time T] [--cpus-per-task C] [--submit]
// Exit status: 0 success; 1 interrupted (verify: a trial differs); 2 bad input or usage; 3 internal error;
// 4 the system failed: an I/O error (a full disk, a read-only directory) or out of memory, with nothing wrong
// in the input; 100 + n when n trials failed
// (capped at 255). A diverged trial is a result, not a failure.
#include "bench.hpp"
#include "config.hpp"
#include "data.hpp"
#include "describe.hpp"
#include "error.hpp"
#include "export.hpp"
#include "report.hpp"
#include "run_store.hpp"
#include "runner.hpp"
#include "slurm.hpp"
#include "verify.hpp"
#include "version.hpp"

#include <CLI/CLI.hpp>

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <iostream>

namespace {

using namespace actbench;

void write_output_file(const std::string& path, const std::string& text) {
    const std::filesystem::path parent = std::filesystem::path(path).parent_path();
    std::error_code ec;
    if (!parent.empty()) std::filesystem::create_directories(parent, ec);
    if (ec) throw IoError(parent.string() + ": cannot create: " + ec.message());
    write_atomic(path, text);
}

// "A:B" → (A, B)
std::pair<double, double> parse_range(const std::string& text) {
    const auto colon = text.find(':');
    try {
        if (colon == std::string::npos) throw std::invalid_argument("");
        std::size_t used_a = 0, used_b = 0;
        const double a = std::stod(text.substr(0, colon), &used_a);
        const double b = std::stod(text.substr(colon + 1), &used_b);
        if (used_a != colon || used_b != text.size() - colon - 1 || !(a < b) || !std::isfinite(a) || !std::isfinite(b))
            throw std::invalid_argument("");
        return {a, b};
    } catch (const std::exception&) {
        throw InputError("--range '" + text + "': expected A:B with finite numbers A < B, e.g. -4:4");
    }
}

}  // namespace

// A relative config path that is not under the working directory is looked up where the configs are installed,
// share/actbench/ beside the binary's bin/ (so `actbench run configs/quick.yaml` works from anywhere).
std::string locate_config(const std::string& path) {
    namespace fs = std::filesystem;
    std::error_code ec;
    if (path.empty() || fs::path(path).is_absolute() || fs::exists(path, ec)) return path;
    const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
    if (ec) return path;
    for (const fs::path& share : {exe.parent_path().parent_path() / "share" / "actbench", exe.parent_path() / "share" / "actbench"})
        for (const fs::path& candidate : {share / path, share / "configs" / path})
            if (fs::is_regular_file(candidate, ec)) return candidate.string();
    return path;
}

int main(int argc, char** argv) {
    CLI::App app{"actbench: a reproducible benchmark of activations x weight initialisations x bias settings on "
                 "small oneDNN CNNs",
                 "actbench"};
    app.require_subcommand(1);
    app.set_version_flag("--version", std::string("actbench ") + kVersion + " (git " + kGitCommit + ")");

    std::string config_path, out, report_out, list_what, show_name, show_range = "-4:4", show_plot;
    RunOptions options;
    bool no_resume = false, json = false;
    int show_points = 17;
    auto* run = app.add_subcommand("run", "Train every trial of a sweep config and store the results");
    run->add_option("config", config_path, "Sweep config (YAML)")->required();
    run->add_option("--out", out, "Run directory (default: the config's out, or runs/<name>)");
    run->add_option("--jobs", options.jobs, "Trials run in parallel (default: cores / threads per trial)")
        ->check(CLI::Range(1, 1024));
    run->add_option("--threads-per-trial", options.threads_per_trial,
                    "OpenMP threads per trial; results repeat bit for bit at a fixed value (default 1)")
        ->check(CLI::Range(1, 1024));
    run->add_flag("--no-resume", no_resume, "Retrain trials that already have a summary");
    run->add_flag("--retry-failed", options.retry_failed, "Rerun trials recorded as failed (resume skips them otherwise)");
    std::string shard;
    run->add_option("--shard", shard, "I/N: run only shard I of N (by trial id); N machines split a sweep this way");
    run->add_flag("--quiet", options.quiet, "No progress messages on stderr");

    std::vector<std::string> run_dirs;
    auto* report = app.add_subcommand("report", "Print a Markdown report of run directories (never retrains); shards merge");
    report->add_option("run_dir", run_dirs, "Run directories written by 'actbench run' for one config")->required();
    std::string pivot_rows, pivot_cols;
    report->add_option("--rows", pivot_rows, "With --cols: a table of accuracy with a row per value of this axis");
    report->add_option("--cols", pivot_cols, "With --rows: … and a column per value of this axis");
    std::string report_adjust = "holm";
    report->add_option("--adjust", report_adjust, "Multiplicity adjustment of the comparisons with the baseline: holm (family-wise error, default) or bh (false discovery rate)")
        ->check(CLI::IsMember({"holm", "bh"}));
    report->add_option("--out", report_out, "Also write report.md, report.csv, report.json, report.html and the SVG plots into this directory");

    std::vector<std::string> export_dirs;
    std::string export_format = "csv", export_out = ".";
    auto* exporter = app.add_subcommand("export", "Write tidy tables of run directories: trials, curves (long form) and groups, for pandas or R");
    exporter->add_option("run_dir", export_dirs, "Run directories written by 'actbench run' for one config")->required();
    exporter->add_option("--format", export_format, "csv (default) or jsonl")->check(CLI::IsMember({"csv", "jsonl"}));
    exporter->add_option("--out", export_out, "Directory for trials, curves and groups (default: the current one)");

    auto* list = app.add_subcommand("list", "List the built-in activations, initialisers, models or dataset kinds (formula, parameters, source)");
    list->add_option("what", list_what, "activations | inits | models | datasets")
        ->required()
        ->check(CLI::IsMember({"activations", "inits", "models", "datasets"}));
    list->add_flag("--json", json, "Print JSON");
    bool names_only = false;
    list->add_flag("--names", names_only, "Print the names only, one per line (for shell completion)");

    auto* show = app.add_subcommand("show", "Show an activation's f(x) and f'(x) over a range");
    show->add_option("what", list_what, "activation")->required()->check(CLI::IsMember({"activation"}));
    show->add_option("name", show_name, "A built-in, or a name from the config's activations: section")->required();
    show->add_option("--config", config_path, "Config whose activations: section defines NAME");
    show->add_option("--range", show_range, "A:B, the range of x (default -4:4)");
    show->add_option("--points", show_points, "Number of points (default 17)")->check(CLI::Range(2, 100000));
    show->add_option("--plot", show_plot, "Write an SVG plot of f and f' to this file");
    show->add_flag("--json", json, "Print JSON");

    std::string inspect_what, inspect_target, inspect_init = "he_normal", inspect_sheet;
    auto* inspect = app.add_subcommand("inspect", "Describe a model (layers, shapes, parameters, FLOPs, initial weight std) or a "
                                                  "config's dataset (counts, shape, pixel statistics, a contact sheet)");
    inspect->add_option("what", inspect_what, "model | dataset")->required()->check(CLI::IsMember({"model", "dataset"}));
    inspect->add_option("--sheet", inspect_sheet, "dataset: write a PNG contact sheet of samples per class");
    inspect->add_option("target", inspect_target, "A sweep config (its model, input and first init) or a model family name")->required();
    inspect->add_option("--init", inspect_init, "Initialiser for the std column, with a family name (default he_normal)");
    inspect->add_flag("--json", json, "Print JSON");

    auto* validate = app.add_subcommand("validate", "Check a config (keys, types, ranges, names) without running anything");
    validate->add_option("config", config_path, "Sweep config (YAML)")->required();

    auto* plan = app.add_subcommand("plan", "List a config's trials (id and the settings that vary) with an estimate of the wall time");
    plan->add_option("config", config_path, "Sweep config (YAML)")->required();
    plan->add_option("--jobs", options.jobs, "Trials in parallel, for the estimate (default: cores / threads per trial)");
    plan->add_flag("--json", json, "Print JSON");

    std::string verify_dir, verify_trial;
    auto* verify = app.add_subcommand("verify", "Retrain stored trials and check that their metrics repeat bit for bit");
    verify->add_option("run_dir", verify_dir, "Run directory")->required();
    verify->add_option("--trial", verify_trial, "Only this trial id");

    BenchOptions bench_options;
    std::string bench_model = "lenet";
    std::map<std::string, double> bench_params;
    std::string bench_activation = "relu";
    auto* bench = app.add_subcommand("bench", "Measure the fp32 matmul peak and a model's training throughput, and their ratio");
    bench->add_option("--model", bench_model, "Model family (default lenet)");
    bench->add_option("--conv1", bench_params["conv1"], "lenet: first conv channels (default 32)");
    bench->add_option("--conv2", bench_params["conv2"], "lenet: second conv channels (default 64)");
    bench->add_option("--dense", bench_params["dense"], "lenet: hidden dense units (default 128)");
    bench->add_option("--activation", bench_activation, "A built-in activation, with its default parameters (default relu)");
    bench->add_option("--batch", bench_options.batch, "Batch size (default 64)")->check(CLI::Range(1, 65536));
    bench->add_option("--threads", bench_options.threads, "OpenMP threads (default 2)")->check(CLI::Range(1, 1024));
    bench->add_option("--seconds", bench_options.seconds, "Seconds per measurement (default 3)")->check(CLI::Range(0.1, 600.0));
    bench->add_flag("--profile", bench_options.profile,
                    "Also time each layer and direction, reorders, the optimiser and data preparation, for a training and an evaluation step");
    bench->add_flag("--json", json, "Print JSON");

    SlurmOptions slurm_options;
    bool slurm_submit = false;
    auto* slurm = app.add_subcommand("slurm", "Write (and with --submit, submit) a Slurm job array running the sweep's shards, and a report job after it");
    slurm->add_option("config", slurm_options.config, "Sweep config (YAML)")->required();
    slurm->add_option("--out", slurm_options.out, "Run directory on storage every node shares")->required();
    slurm->add_option("--tasks", slurm_options.tasks, "Array tasks = shards (default 4)")->check(CLI::Range(1, 100000));
    slurm->add_option("--partition", slurm_options.partition, "Slurm partition");
    slurm->add_option("--time", slurm_options.time, "Time limit per task, HH:MM:SS (default 04:00:00)");
    slurm->add_option("--cpus-per-task", slurm_options.cpus_per_task, "CPUs per task = trials in parallel per task (default 2)")
        ->check(CLI::Range(1, 4096));
    slurm->add_flag("--submit", slurm_submit, "Submit both jobs with sbatch and print their ids");

    // An unknown command is named, with the valid ones (CLI11 would only say that one is required).
    if (argc > 1 && argv[1][0] != '-') {
        std::string valid;
        bool known = false;
        for (const CLI::App* sub : app.get_subcommands([](const CLI::App*) { return true; })) {
            known |= sub->get_name() == argv[1];
            valid += (valid.empty() ? "" : ", ") + sub->get_name();
        }
        if (!known) {
            std::cerr << "actbench: error: unknown command '" << argv[1] << "'; valid: " << valid << " (see actbench --help)\n";
            return 2;
        }
    }
    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        const int rc = app.exit(e);
        return rc == 0 ? 0 : 2;
    }

    try {
        config_path = locate_config(config_path);
        slurm_options.config = locate_config(slurm_options.config);
        if (*inspect && !std::filesystem::exists(inspect_target)) {
            const std::string found = locate_config(inspect_target);
            if (found != inspect_target) inspect_target = found;
        }
        if (*run) {
            const Config config = load_config(config_path);
            options.out = out;
            options.resume = !no_resume;
            for (int i = 0; i < argc; ++i) options.command += (i ? " " : "") + std::string(argv[i]);
            if (!shard.empty()) std::tie(options.shard_index, options.shard_count) = parse_shard(shard);
            const RunTotals t = run_sweep(config, options);
            if (!options.quiet)
                std::cerr << "actbench: " << t.ok << " ok, " << t.diverged << " diverged, " << t.failed << " failed, "
                          << t.skipped << " already done"
                          << (t.elsewhere ? ", " + std::to_string(t.elsewhere) + " run by another runner" : std::string())
                          << (t.interrupted ? " (interrupted)" : "") << "\n";
            if (t.failed > 0) return 100 + std::min(t.failed, 155);  // the count of failed trials, above 100
            return t.interrupted ? 1 : 0;
        }
        if (*report) {
            const ReportFiles files =
                build_report(std::vector<std::filesystem::path>(run_dirs.begin(), run_dirs.end()), pivot_rows, pivot_cols, report_adjust);
            if (!report_out.empty()) {
                const std::filesystem::path dir(report_out);
                write_output_file((dir / "report.md").string(), files.markdown);
                write_output_file((dir / "report.csv").string(), files.csv);
                write_output_file((dir / "summary.csv").string(), files.summary_csv);
                write_output_file((dir / "report.json").string(), files.json);
                write_output_file((dir / "report.html").string(), files.html);
                for (const auto& [name, svg] : files.svgs) write_output_file((dir / name).string(), svg);
            }
            std::cout << files.markdown;
            return 0;
        }
        if (*exporter) {
            const auto files = export_runs(std::vector<std::filesystem::path>(export_dirs.begin(), export_dirs.end()), export_format);
            for (const auto& [name, text] : files) {
                write_output_file((std::filesystem::path(export_out) / name).string(), text);
                std::cout << "wrote " << (std::filesystem::path(export_out) / name).string() << "\n";
            }
            return 0;
        }
        if (*list && names_only) {
            const nlohmann::json all = list_what == "activations" ? activations_json()
                                       : list_what == "models"    ? models_json()
                                       : list_what == "datasets"  ? datasets_json()
                                                                  : inits_json();
            for (const auto& item : all) std::cout << item.value(item.contains("name") ? "name" : "kind", std::string()) << "\n";
            return 0;
        }
        if (*list) {
            if (list_what == "activations") std::cout << (json ? activations_json().dump(2) + "\n" : activations_text());
            else if (list_what == "models") std::cout << (json ? models_json().dump(2) + "\n" : models_text());
            else if (list_what == "datasets") std::cout << (json ? datasets_json().dump(2) + "\n" : datasets_text());
            else std::cout << (json ? inits_json().dump(2) + "\n" : inits_text());
            return 0;
        }
        if (*bench) {
            std::map<std::string, double> params;
            for (const auto& [k, v] : bench_params)
                if (bench->count("--" + k)) params[k] = v;
            try {
                bench_options.model = ModelSpec::make(bench_model, params);
                bench_options.activation = builtin_activation(bench_activation);
            } catch (const std::invalid_argument& e) {
                throw InputError(e.what());
            }
            const BenchResult r = run_bench(bench_options);
            std::cout << (json ? r.json.dump(2) + "\n" : r.text);
            return 0;
        }
        if (*slurm) {
            check_slurm_options(slurm_options);
            const Config config = load_config(slurm_options.config);  // refuse a bad config before a cluster does
            slurm_options.config = std::filesystem::absolute(slurm_options.config).string();
            slurm_options.out = std::filesystem::absolute(slurm_options.out).lexically_normal().string();
            slurm_options.binary = std::filesystem::read_symlink("/proc/self/exe").string();
            slurm_options.command.clear();
            for (int i = 0; i < argc; ++i) slurm_options.command += (i ? " " : "") + std::string(argv[i]);
            const std::filesystem::path dir(slurm_options.out);
            const std::string array = (dir / "actbench-array.sbatch").string(), report_job = (dir / "actbench-report.sbatch").string();
            write_output_file(array, slurm_array_script(slurm_options));
            write_output_file(report_job, slurm_report_script(slurm_options));
            std::cout << config.name << ": " << config.cell_count() << " trials in " << slurm_options.tasks << " tasks\n"
                      << "wrote " << array << "\nwrote " << report_job << "\n";
            if (!slurm_submit) {
                std::cout << "submit with: jobid=$(sbatch --parsable " << array << ") && sbatch --dependency=afterok:$jobid " << report_job << "\n";
                return 0;
            }
            auto sbatch = [](const std::string& args) {
                std::string out;
                FILE* p = ::popen(("sbatch --parsable " + args + " 2>&1").c_str(), "r");
                if (!p) throw InputError("cannot run sbatch");
                char buf[256];
                while (std::fgets(buf, sizeof buf, p)) out += buf;
                const int rc = ::pclose(p);
                while (!out.empty() && (out.back() == '\n' || out.back() == '\r')) out.pop_back();
                if (rc != 0) throw InputError("sbatch failed: " + out);
                return out.substr(0, out.find(';'));  // "id;cluster" on federated clusters
            };
            const std::string array_id = sbatch(array);
            const std::string report_id = sbatch("--dependency=afterok:" + array_id + " " + report_job);
            std::cout << "submitted array job " << array_id << " and report job " << report_id << "\n";
            return 0;
        }
        if (*validate) {
            const Config config = load_config(config_path);
            if (config.tune) {
                const std::size_t final_trials = config.final_stage->cell_count() / config.tune->values.size();
                std::cout << config_path << ": ok, " << config.tuning_stage->cell_count() << " tuning trials, then ";
                if (config.adaptive)
                    std::cout << final_trials / static_cast<std::size_t>(config.adaptive->max) * config.adaptive->min << " to ";
                std::cout << final_trials << " final trials\n";
            }
            else if (config.adaptive)
                std::cout << config_path << ": ok, " << config.cell_count() / static_cast<std::size_t>(config.adaptive->max) * config.adaptive->min
                          << " to " << config.cell_count() << " trials (adaptive seeds)\n";
            else
                std::cout << config_path << ": ok, " << config.cell_count() << " trials\n";
            return 0;
        }
        if (*plan) {
            const Config config = load_config(config_path);
            write_plan(config, options.jobs, json, std::cout);
            return 0;
        }
        if (*verify) {
            const VerifyReport report = verify_run(verify_dir, verify_trial);
            for (const auto& note : report.notes) std::cout << "note: " << note << "\n";
            int differing = 0;
            for (const auto& r : report.trials) {
                using O = VerifyResult::Outcome;
                std::cout << r.id << ": "
                          << (r.outcome == O::identical ? "identical"
                              : r.outcome == O::differs ? "DIFFERS: " + r.detail
                              : r.outcome == O::damaged ? "DAMAGED: " + r.detail
                                                        : "not retrained: recorded as failed (" + r.detail + ")")
                          << "\n";
                differing += r.outcome == O::differs || r.outcome == O::damaged;
            }
            return differing > 0 ? 1 : 0;
        }
        if (*inspect && inspect_what == "dataset") {
            const Config config = load_config(inspect_target);
            const DatasetInspection r = inspect_dataset(config.dataset, inspect_sheet);
            std::cout << (json ? r.json.dump(2) + "\n" : r.text);
            return 0;
        }
        if (*inspect) {
            ModelSpec model;
            InputShape input;
            InitSpec init;
            try {
                if (std::filesystem::is_regular_file(inspect_target)) {
                    const Config config = load_config(inspect_target);
                    model = config.model;
                    input = dataset_input_shape(config.dataset);
                    init = resolve_init(config, config.sweep.init.front());
                } else {
                    model = ModelSpec::make(inspect_target);
                    init = builtin_init(inspect_init);
                }
                const ModelInspection r = inspect_model(model, input, init);
                std::cout << (json ? r.json.dump(2) + "\n" : r.text);
            } catch (const std::invalid_argument& e) {
                throw InputError(e.what());
            }
            return 0;
        }
        if (*show) {
            const auto [lo, hi] = parse_range(show_range);
            ActivationSpec spec;
            try {
                if (!config_path.empty()) {
                    const Config config = load_config(config_path);
                    spec = resolve_activation(config, show_name);
                } else {
                    spec = builtin_activation(show_name);
                }
            } catch (const std::invalid_argument& e) {
                throw InputError(std::string(e.what()) + (config_path.empty() ? " (for a variant defined in a config, add --config FILE)" : ""));
            }
            Curve curve;
            try {
                curve = activation_curve(spec, lo, hi, show_points);
            } catch (const std::invalid_argument& e) {
                throw InputError(e.what());
            }
            if (!show_plot.empty()) write_output_file(show_plot, curve_svg(spec, curve));
            std::cout << (json ? curve_json(spec, curve).dump(2) + "\n" : curve_text(spec, curve));
            return 0;
        }
    } catch (const InputError& e) {
        std::cerr << "actbench: error: " << e.what() << "\n";
        return 2;
    } catch (const IoError& e) {
        std::cerr << "actbench: I/O error: " << e.what() << "\n";
        return 4;
    } catch (const std::bad_alloc&) {
        std::cerr << "actbench: out of memory: lower --jobs, train.batch or the model's size (validate estimates what one trial needs)\n";
        return 4;
    } catch (const std::exception& e) {
        std::cerr << "actbench: internal error: " << e.what() << "\n";
        return 3;
    }
    return 0;
}
