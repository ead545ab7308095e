#include "run/runner.hpp"

#include "config/settings.hpp"
#include "core/error.hpp"
#include "rng.hpp"
#include "run/data.hpp"
#include "run/halving.hpp"
#include "run/plan.hpp"
#include "run/stages.hpp"
#include "run/trainer.hpp"
#include "run/tuning.hpp"
#include "stats/sequential.hpp"
#include "store/run_store.hpp"
#include "version.hpp"

#include <omp.h>
#include <oneapi/dnnl/dnnl.hpp>
#include <opencv2/core.hpp>

#include <unistd.h>

#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <map>
#include <mutex>
#include <set>
#include <thread>

namespace actbench {

namespace {

std::atomic<bool> g_stop{false};
extern "C" void on_signal(int) { g_stop.store(true); }

std::string cpu_model() {
    std::ifstream in("/proc/cpuinfo");
    std::string line;
    while (std::getline(in, line))
        if (line.rfind("model name", 0) == 0) {
            const auto colon = line.find(':');
            if (colon != std::string::npos) return line.substr(line.find_first_not_of(' ', colon + 1));
        }
    return "unknown";
}

dnnl::cpu_isa isa_from_name(const std::string& name) {
    for (auto isa : {dnnl::cpu_isa::sse41, dnnl::cpu_isa::avx, dnnl::cpu_isa::avx2, dnnl::cpu_isa::avx2_vnni, dnnl::cpu_isa::avx512_core,
                     dnnl::cpu_isa::avx512_core_vnni, dnnl::cpu_isa::avx512_core_bf16, dnnl::cpu_isa::avx512_core_amx, dnnl::cpu_isa::all})
        if (cpu_isa_name(isa) == name) return isa;
    throw InputError("isa: unknown ISA '" + name + "'");
}

}  // namespace

nlohmann::json environment_json(int threads_per_trial) {
    const dnnl_version_t* v = dnnl_version();
    return {{"actbench_version", kVersion},
            {"git_commit", kGitCommit},
            {"onednn_version", std::to_string(v->major) + "." + std::to_string(v->minor) + "." + std::to_string(v->patch)},
            {"opencv_version", CV_VERSION},
            {"cpu_model", cpu_model()},
            {"cpu_isa", effective_isa_name()},
            {"threads_per_trial", threads_per_trial}};
}

std::pair<int, int> parse_shard(const std::string& text) {
    const auto slash = text.find('/');
    try {
        if (slash == std::string::npos) throw std::invalid_argument("");
        std::size_t a = 0, b = 0;
        const int i = std::stoi(text.substr(0, slash), &a), n = std::stoi(text.substr(slash + 1), &b);
        if (a != slash || b != text.size() - slash - 1 || n < 1 || i < 0 || i >= n) throw std::invalid_argument("");
        return {i, n};
    } catch (const std::exception&) {
        throw InputError("--shard '" + text + "': expected I/N with 0 <= I < N, e.g. 0/4");
    }
}

bool in_shard(const std::string& id, int index, int count) {
    return static_cast<int>(fnv1a64(id) % static_cast<std::uint64_t>(count)) == index;
}

void pin_isa(const std::string& isa) {
    // Must run before oneDNN generates any kernel (and before it reports the ISA).
    if (!isa.empty()) dnnl::set_max_cpu_isa(isa_from_name(isa));
}

void check_precision_supported(const Config& config) {
    auto wants_bf16 = [](const Config& c) {
        return std::any_of(c.variants.begin(), c.variants.end(), [](const Sections& s) { return s.train.precision == Precision::bf16; });
    };
    if (!wants_bf16(config) && !(config.tuning_stage && wants_bf16(*config.tuning_stage)) &&
        !(config.final_stage && wants_bf16(*config.final_stage)))
        return;
    const std::string needs = config.file + ": train.precision bf16 needs " + kBf16Requirement + "; ";
    if (!config.isa.empty() && !has_bf16(isa_from_name(config.isa))) throw InputError(needs + "the config pins isa: " + config.isa);
    if (!native_bf16()) throw InputError(needs + "oneDNN runs at " + effective_isa_description() + " on this CPU (" + cpu_model() + ")");
}

namespace {

// What must match for stored trials to be comparable with new ones.
nlohmann::json run_identity(const nlohmann::json& config_doc, const std::string& config_hash, int threads, const std::string& isa) {
    return {{"config", config_doc}, {"config_hash", config_hash}, {"threads_per_trial", threads}, {"cpu_isa", isa}};
}

// Refuses a run directory whose manifest records another sweep (or thread count, or ISA). Returns true when the
// manifest must be rewritten: the only difference is adaptive.confirm, which adds confirmation trials to a finished
// design and changes none of its trials (so a committed study can be confirmed in place).
bool check_manifest(const std::filesystem::path& out, const nlohmann::json& identity) {
    if (!std::filesystem::exists(out / kManifestFile)) return false;
    const nlohmann::json old = read_manifest(out);
    const nlohmann::json old_identity =
        run_identity(old["config"], old["config_hash"], old["environment"]["threads_per_trial"], old["environment"]["cpu_isa"]);
    if (old_identity == identity) return false;
    std::string what;
    bool only_confirm = true;
    for (const auto& d : json_differences(old_identity, identity)) {
        if (d == "config_hash") continue;
        only_confirm &= d == "config.adaptive.confirm";
        what += "\n  " + d;
    }
    if (only_confirm) return true;
    throw InputError((out / kManifestFile).string() + ": this run directory holds a different sweep; these settings differ:" + what +
                     "\nuse another --out directory, or remove this one to start again");
}

// Whether a trial is finished (a complete summary), and whether it failed. A damaged summary is not finished.
enum class Stored { none, finished, failed, damaged };
Stored stored_state(const std::filesystem::path& trial_dir, std::string* why = nullptr) {
    if (!std::filesystem::exists(trial_dir / kSummaryFile)) return Stored::none;
    try {
        return status_of(read_trial(trial_dir).summary) == TrialStatus::failed ? Stored::failed : Stored::finished;
    } catch (const InputError& e) {
        if (why) *why = e.what();
        return Stored::damaged;
    }
}

}  // namespace

// The stages' shared pieces (run/stages.hpp): every cell of a grid, totals added up.
std::vector<std::size_t> all_cells(const Config& grid) {
    std::vector<std::size_t> cells(grid.cell_count());
    for (std::size_t i = 0; i < cells.size(); ++i) cells[i] = i;
    return cells;
}

RunTotals& operator+=(RunTotals& a, const RunTotals& b) {
    a.planned += b.planned, a.other_shards += b.other_shards, a.skipped += b.skipped, a.ok += b.ok, a.diverged += b.diverged;
    a.failed += b.failed, a.elsewhere += b.elsewhere, a.interrupted |= b.interrupted;
    a.at = b.at, a.waiting = b.waiting, a.waiting_trials = b.waiting_trials;  // the later step's
    return a;
}

RunTotals run_sweep(const Config& config, const RunOptions& options) {
    if (!config.tune) {
        const Stage all{config, all_cells(config), ""};
        return config.adaptive ? run_adaptive(config, all, options) : run_stage(config, all, options);
    }
    // Stage 1, then the choice from what is stored (this run's and any earlier or concurrent one's), then stage 2.
    const Config& stage1 = *config.tuning_stage;
    std::vector<std::size_t> first;  // the tuning seeds' cells; the seeds if close wait for the choice on them
    for (const std::size_t cell : all_cells(stage1))
        if (!config.tune->if_close(stage1.cell_values(cell)["seed"].get<std::int64_t>())) first.push_back(cell);
    const TuneSpec* halving = config.tune->halving() ? &*config.tune : nullptr;
    RunTotals totals = run_stage(config, {stage1, first, "tuning", halving}, options);
    if (totals.interrupted) return totals;
    const std::filesystem::path out = options.out.empty() ? std::filesystem::path(config.out) : options.out;
    TuningSelection selection = select_tuned(config, out);
    if (!selection.close_cells.empty()) {  // stored ones count as already done, so the totals are the store's
        if (!options.quiet)
            std::cerr << "actbench: " << config.name << ": " << selection.close_groups
                      << " choice(s) too close to call: more tuning seeds for them (tune.seeds_if_close)\n";
        totals += run_stage(config, {stage1, selection.close_cells, "tuning"}, options);
        if (totals.interrupted) return totals;
        selection = select_tuned(config, out);
    }
    if (selection.missing > 0) {
        totals.at = "tuning", totals.waiting = static_cast<int>(selection.missing);
        if (!options.quiet)
            std::cerr << "actbench: " << config.name << ": " << selection.missing << " tuning trial(s) are not in " << out.string()
                      << " yet (other shards?); run again when they are to choose each cell's " << config.tune->axis
                      << " and run stage 2\n";
        return totals;
    }
    if (options.only_tuning) return totals;
    if (selection.groups_without_choice > 0 && !options.quiet)
        std::cerr << "actbench: " << config.name << ": " << selection.groups_without_choice << " cell(s) diverged at every "
                  << config.tune->axis << " tried: no final trials for them\n";
    const Stage final_stage{*config.final_stage, selection.final_cells, "final"};
    totals += config.adaptive ? run_adaptive(config, final_stage, options) : run_stage(config, final_stage, options);
    return totals;
}

namespace {

// A cell's trial, labelled with its stage in its axes (for reports; not part of the id).
Trial stage_trial(const Stage& stage, std::size_t cell) {
    Trial t = make_trial(stage.grid, cell);
    if (!stage.label.empty()) t.axes["stage"] = stage.label;
    return t;
}

// The stage's cells this invocation runs: in its shard, not finished (unless --no-resume), not failed (unless
// --retry-failed). Counts the others in `totals`.
std::vector<std::size_t> cells_to_run(const Stage& stage, const std::filesystem::path& out, const RunOptions& options, RunTotals& totals) {
    const TrialIds ids(stage.grid);
    std::vector<std::size_t> todo;  // cells; their Trials are made as they run
    for (const std::size_t cell : stage.cells) {
        const std::string id = ids.id(cell);
        // With halving a group's trials train together: the group is what goes to a shard.
        const std::string shard_key = stage.halving ? halving_group_id(stage.grid, cell, stage.halving->axis) : id;
        if (!in_shard(shard_key, options.shard_index, options.shard_count)) {
            ++totals.other_shards;
            continue;
        }
        std::string why;
        const Stored state = options.resume ? stored_state(out / id, &why) : Stored::none;
        if (state == Stored::damaged && !options.quiet) std::cerr << "actbench: retraining " << id << ": " << why << "\n";
        if (state == Stored::finished || (state == Stored::failed && !options.retry_failed)) {
            ++totals.skipped;
            continue;
        }
        todo.push_back(cell);
    }
    return todo;
}

// What the workers take one at a time: a cell to train, or with halving a tuning group's cells (every one: the
// stored trials are read, the others trained).
std::vector<std::vector<std::size_t>> work_units(const Stage& stage, const std::vector<std::size_t>& todo) {
    std::vector<std::vector<std::size_t>> units;
    if (!stage.halving) {
        for (const std::size_t cell : todo) units.push_back({cell});
        return units;
    }
    std::set<std::string> wanted;
    for (const std::size_t cell : todo) wanted.insert(halving_group_id(stage.grid, cell, stage.halving->axis));
    for (auto& group : halving_groups(stage.grid, stage.cells, *stage.halving))
        if (wanted.count(halving_group_id(stage.grid, group.front(), stage.halving->axis))) units.push_back(std::move(group));
    return units;
}

// Each distinct dataset setting (a sweep may vary dataset.*) prepared once and shared by its trials, and checked
// against what validate cannot know without the data: a batch larger than the training split.
std::map<std::string, PreparedData> prepare_stage_data(const Config& config, const Config& grid, const std::vector<std::size_t>& todo,
                                                       const std::filesystem::path& out) {
    std::map<std::string, PreparedData> datasets;
    std::set<std::uint32_t> variants_checked;
    for (const std::size_t cell : todo) {
        if (!variants_checked.insert(grid.cell_variant[cell]).second) continue;
        const Sections& sections = grid.cell_sections(cell);
        const std::string key = dataset_json(sections.dataset).dump();
        // Decoded image folders are cached next to the run store (runs/.cache beside runs/<sweep>).
        if (!datasets.count(key)) datasets.emplace(key, prepare_data(sections.dataset, out.parent_path() / ".cache"));
        const std::size_t train_count = datasets.at(key).data.train.count();
        if (train_count < static_cast<std::size_t>(sections.train.batch))
            throw InputError(config.file + ": train.batch: " + std::to_string(sections.train.batch) +
                             " is larger than the training split of " + sections.dataset.path + " (" + std::to_string(train_count) +
                             " images" + (sections.dataset.validation > 0 ? " after dataset.validation" : "") + ") in the sweep cell " +
                             grid.cell_values(cell).dump());
    }
    return datasets;
}

// Creates the run directory and writes its manifest, or checks the one there: one writer at a time, so a second
// runner of another config into this directory is refused even when both started before either wrote it.
void record_manifest(const Config& config, const std::filesystem::path& out, const nlohmann::json& identity,
                     const nlohmann::json& config_doc, const std::string& config_hash, const nlohmann::json& environment) {
    std::error_code ec;
    std::filesystem::create_directories(out, ec);
    if (ec) throw IoError(out.string() + ": cannot create the run directory: " + ec.message());
    const TrialClaim manifest_claim(out, kManifestFile, /*wait=*/true);
    if (check_manifest(out, identity)) {
        // adaptive.confirm added: the config and its hash change; the environment stays the one the rounds' trials
        // ran in (each run's own commit is in runs.jsonl).
        nlohmann::json manifest = read_manifest(out);
        manifest["config"] = config_doc;
        manifest["config_hash"] = config_hash;
        write_manifest(out, manifest);
    }
    if (!std::filesystem::exists(out / kManifestFile))
        write_manifest(out,
                       {{"sweep", config.name},
                        {"config_file", config.file},
                        {"config", config_doc},
                        {"config_hash", config_hash},
                        {"environment", environment}});
}

// SIGINT and SIGTERM set g_stop while a stage runs: workers finish the trial step they are in, the trial is
// left unfinished (a resume retrains it), and the run log records the interruption. The old handlers return
// when the stage ends, however it ends.
class StopOnSignal {
public:
    StopOnSignal() {
        g_stop.store(false);
        struct sigaction sa {};
        sa.sa_handler = on_signal;
        sigemptyset(&sa.sa_mask);
        sigaction(SIGINT, &sa, &old_int_);
        sigaction(SIGTERM, &sa, &old_term_);
    }
    ~StopOnSignal() {
        sigaction(SIGINT, &old_int_, nullptr);
        sigaction(SIGTERM, &old_term_, nullptr);
    }
    StopOnSignal(const StopOnSignal&) = delete;
    StopOnSignal& operator=(const StopOnSignal&) = delete;

private:
    struct sigaction old_int_ {
    }, old_term_{};
};

// The worker threads of one stage: each takes the next cell, claims its trial, trains it, and records the
// outcome in the shared totals under one mutex.
class StageWorkers {
public:
    StageWorkers(const Stage& stage, const std::vector<std::size_t>& todo, const std::map<std::string, PreparedData>& datasets,
                 const std::filesystem::path& out, const RunOptions& options, int jobs, int threads, RunTotals& totals)
        : stage_(stage),
          todo_(todo),
          units_(work_units(stage, todo)),
          datasets_(datasets),
          out_(out),
          options_(options),
          jobs_(jobs),
          threads_(threads),
          totals_(totals),
          done_(totals.skipped),
          progress_(!options.quiet && ::isatty(STDERR_FILENO)) {}

    // Runs every cell of `todo` on `jobs` threads; rethrows the first input or I/O error, which stops the others.
    void run() {
        std::vector<std::thread> pool;
        for (int j = 0; j < std::min<int>(jobs_, static_cast<int>(units_.size())); ++j) pool.emplace_back([this] { work(); });
        for (auto& th : pool) th.join();
        totals_.interrupted = g_stop.load() && !first_error_;
    }
    std::exception_ptr first_error() const { return first_error_; }
    int trials_finished() const { return done_ - totals_.skipped; }
    double elapsed_seconds() const { return std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count(); }

private:
    void work() {
        omp_set_num_threads(threads_);  // per thread: each worker's oneDNN calls use `threads` OpenMP threads
        while (!g_stop.load()) {
            const std::size_t i = next_.fetch_add(1);
            if (i >= units_.size()) return;
            if (stage_.halving)
                run_group(units_[i]);
            else
                run_one(stage_trial(stage_, units_[i].front()));
            if (progress_) print_progress();
        }
    }

    void run_one(const Trial& t) {
        guarded(
            [&] {
                // Concurrent runners into one directory split the trials: whoever holds the claim trains it; the
                // others skip it, and skip it too when it was finished while they were planning.
                const TrialClaim claim(out_, t.id);
                if (!claim.held() || done_elsewhere(t.id)) {
                    std::lock_guard lock(mu_);
                    ++totals_.elsewhere;
                    return;
                }
                const TrialOutcome r = run_trial(t, datasets_.at(dataset_json(t.dataset).dump()), out_ / t.id, &g_stop);
                if (!r.interrupted) count_stored(t, r);
            },
            [&](const char* what) { record_failure(t, what); });
    }

    // A tuning group under halving: claimed as one, trained side by side (halving.cpp). A failure fails the
    // group's trials that are not stored yet.
    void run_group(const std::vector<std::size_t>& cells) {
        const TrialIds ids(stage_.grid);
        const auto unstored = [&] {
            std::vector<std::size_t> out;
            for (const std::size_t cell : cells)
                if (stored_state(out_ / ids.id(cell)) == Stored::none) out.push_back(cell);
            return out;
        };
        guarded(
            [&] {
                const TrialClaim claim(out_, "halving-" + halving_group_id(stage_.grid, cells.front(), stage_.halving->axis));
                if (!claim.held()) {
                    std::lock_guard lock(mu_);
                    totals_.elsewhere += static_cast<int>(unstored().size());
                    return;
                }
                const Trial first = stage_trial(stage_, cells.front());
                train_halving_group(stage_.grid, *stage_.halving, cells, datasets_.at(dataset_json(first.dataset).dump()), out_,
                                    options_.resume, &g_stop,
                                    [&](std::size_t cell) { return stage_trial(stage_, cell); },
                                    [&](const Trial& t, const TrialOutcome& r) { count_stored(t, r); });
            },
            [&](const char* what) {
                for (const std::size_t cell : unstored()) record_failure(stage_trial(stage_, cell), what);
            });
    }

    // The runner's error policy around a unit of work: bad input, a full disk or a memory limit stops the sweep
    // (none is the trial's failure; a stored failure would be skipped by a rerun); anything else is the trial's
    // failure, a result too, handed to on_failure.
    template <class Work, class OnFailure>
    void guarded(Work&& work, OnFailure&& on_failure) {
        try {
            work();
        } catch (const InputError&) {
            stop_with_current_exception();
        } catch (const IoError&) {
            stop_with_current_exception();
        } catch (const OutOfMemory&) {
            stop_with_current_exception();
        } catch (const std::exception& e) {
            on_failure(e.what());
        }
    }

    void count_stored(const Trial& t, const TrialOutcome& r) {
        std::lock_guard lock(mu_);
        ++done_;
        (r.status == TrialStatus::ok ? totals_.ok : totals_.diverged)++;
        if (!options_.quiet)
            std::cerr << "[" << done_ << "/" << totals_.planned << "] " << t.id << " " << t.label() << ": " << status_name(r.status)
                      << (r.summary.contains("pruned_at_epoch") ? ", pruned at epoch " + r.summary["pruned_at_epoch"].dump() : "")
                      << ", test accuracy " << r.summary["final_test_accuracy"].dump() << " (" << static_cast<int>(r.seconds) << " s)\n";
    }

    // Finished (or failed, without --retry-failed) by another runner since this one planned.
    bool done_elsewhere(const std::string& id) const {
        if (!options_.resume) {
            const std::filesystem::path summary = out_ / id / kSummaryFile;
            return std::filesystem::exists(summary) && std::filesystem::last_write_time(summary) > run_started_;
        }
        const Stored state = stored_state(out_ / id);
        return state == Stored::finished || (state == Stored::failed && !options_.retry_failed);
    }

    void stop_with_current_exception() {
        std::lock_guard lock(mu_);
        if (!first_error_) first_error_ = std::current_exception();
        g_stop.store(true);
    }

    // A failed trial is a result too: recorded, so a resume skips it unless --retry-failed.
    void record_failure(const Trial& t, const std::string& what) {
        std::lock_guard lock(mu_);
        ++totals_.failed;
        ++done_;
        std::cerr << "actbench: trial " << t.id << " (" << t.label() << ") failed: " << what << "\n";
        try {
            std::filesystem::create_directories(out_ / t.id);
            write_failed_summary(out_ / t.id, t.id, what, t.axes, t.settings());
        } catch (const std::exception&) {
        }
    }

    // On a terminal, a status line on stderr, rewritten in place.
    void print_progress() {
        std::lock_guard lock(mu_);
        const double elapsed = elapsed_seconds();
        const int finished = trials_finished(), left = static_cast<int>(todo_.size()) - finished;
        const double eta = finished > 0 ? elapsed / finished * left : 0;
        std::fprintf(stderr, "\r\033[K[%d/%d] running %d, failed %d, elapsed %.0f s, ETA %.0f s", done_,
                     totals_.planned - totals_.other_shards, std::min(jobs_, left), totals_.failed, elapsed, eta);
        if (left == 0) std::fprintf(stderr, "\n");
    }

    const Stage& stage_;
    const std::vector<std::size_t>& todo_;
    const std::vector<std::vector<std::size_t>> units_;
    const std::map<std::string, PreparedData>& datasets_;
    const std::filesystem::path out_;
    const RunOptions& options_;
    const int jobs_, threads_;
    RunTotals& totals_;
    int done_;
    const bool progress_;
    const std::filesystem::file_time_type run_started_ = std::filesystem::file_time_type::clock::now();
    const std::chrono::steady_clock::time_point started_ = std::chrono::steady_clock::now();
    std::atomic<std::size_t> next_{0};
    std::mutex mu_;
    std::exception_ptr first_error_;
};

}  // namespace

RunTotals run_stage(const Config& config, const Stage& stage, const RunOptions& options) {
    pin_isa(config.isa);
    check_precision_supported(config);
    const std::filesystem::path out = options.out.empty() ? std::filesystem::path(config.out) : options.out;
    if (out.empty()) throw InputError("the run directory is empty: give --out DIR or the config's out:");
    const int threads = std::max(1, options.threads_per_trial);
    const int cores = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
    const int jobs = options.jobs > 0 ? options.jobs : std::max(1, cores / threads);

    const nlohmann::json config_doc = config_json(config);
    const std::string config_hash = trial_id(config_doc);
    const nlohmann::json environment = environment_json(threads);
    const nlohmann::json identity = run_identity(config_doc, config_hash, threads, environment["cpu_isa"]);
    check_manifest(out, identity);

    // Everything is checked before anything is written: the plan, what is left to do, and the data.
    const std::size_t planned = stage.cells.size();
    RunTotals totals;
    totals.planned = static_cast<int>(planned);
    const std::vector<std::size_t> todo = cells_to_run(stage, out, options, totals);
    if (options.dry_run) {
        if (!todo.empty()) totals.at = stage.label.empty() ? "sweep" : stage.label, totals.waiting = static_cast<int>(todo.size());
        for (const std::size_t cell : todo) {
            const Trial t = stage_trial(stage, cell);
            totals.waiting_trials.push_back({{"id", t.id}, {"axes", t.axes}, {"settings", t.settings()}});
        }
        return totals;
    }
    const std::map<std::string, PreparedData> datasets = prepare_stage_data(config, stage.grid, todo, out);
    record_manifest(config, out, identity, config_doc, config_hash, environment);
    if (!options.quiet)
        std::cerr << "actbench: " << config.name << (stage.label.empty() ? "" : " (" + stage.label + " stage)") << ": " << planned
                  << " trials"
                  << (options.shard_count > 1 ? ", " + std::to_string(planned - totals.other_shards) + " in shard " +
                              std::to_string(options.shard_index) + "/" + std::to_string(options.shard_count)
                                              : std::string())
                  << ", " << totals.skipped << " already done, " << todo.size() << " to run (" << jobs << " jobs x " << threads
                  << " threads) -> " << out.string() << "\n";
    if (todo.empty()) return totals;
    cv::setNumThreads(1);  // OpenCV's pool must not compete with oneDNN's threads

    const StopOnSignal stop_on_signal;
    StageWorkers workers(stage, todo, datasets, out, options, jobs, threads, totals);
    workers.run();
    append_run_log(out,
                   {{"command", options.command},
                    {"commit", kGitCommit},
                    {"jobs", jobs},
                    {"threads_per_trial", threads},
                    {"trials_finished", workers.trials_finished()},
                    {"interrupted", totals.interrupted},
                    {"wall_seconds", std::round(workers.elapsed_seconds() * 10) / 10}});
    if (workers.first_error()) std::rethrow_exception(workers.first_error());
    return totals;
}

}  // namespace actbench
