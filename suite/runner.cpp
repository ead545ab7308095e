#include "runner.hpp"

#include "data.hpp"
#include "error.hpp"
#include "plan.hpp"
#include "rng.hpp"
#include "run_store.hpp"
#include "trainer.hpp"
#include "version.hpp"

#include <oneapi/dnnl/dnnl.hpp>
#include <omp.h>
#include <opencv2/core.hpp>

#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <csignal>
#include <fstream>
#include <map>
#include <iostream>
#include <mutex>
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

std::string isa_name(dnnl::cpu_isa isa) {
    switch (isa) {
        case dnnl::cpu_isa::sse41: return "sse41";
        case dnnl::cpu_isa::avx: return "avx";
        case dnnl::cpu_isa::avx2: return "avx2";
        case dnnl::cpu_isa::avx512_mic: return "avx512_mic";
        case dnnl::cpu_isa::avx512_mic_4ops: return "avx512_mic_4ops";
        case dnnl::cpu_isa::avx512_core: return "avx512_core";
        case dnnl::cpu_isa::avx512_core_vnni: return "avx512_core_vnni";
        case dnnl::cpu_isa::avx512_core_bf16: return "avx512_core_bf16";
        case dnnl::cpu_isa::avx512_core_amx: return "avx512_core_amx";
        case dnnl::cpu_isa::avx2_vnni: return "avx2_vnni";
        case dnnl::cpu_isa::all: return "all";
        default: return "other";
    }
}

dnnl::cpu_isa isa_from_name(const std::string& name) {
    for (auto isa : {dnnl::cpu_isa::sse41, dnnl::cpu_isa::avx, dnnl::cpu_isa::avx2, dnnl::cpu_isa::avx512_core,
                     dnnl::cpu_isa::avx512_core_vnni, dnnl::cpu_isa::avx512_core_bf16, dnnl::cpu_isa::all})
        if (isa_name(isa) == name) return isa;
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
            {"cpu_isa", isa_name(dnnl::get_effective_cpu_isa())},
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

RunTotals run_sweep(const Config& config, const RunOptions& options) {
    // A pinned ISA must be set before oneDNN generates any kernel (and before it reports the ISA).
    if (!config.isa.empty()) dnnl::set_max_cpu_isa(isa_from_name(config.isa));
    const std::filesystem::path out = options.out.empty() ? std::filesystem::path(config.out) : options.out;
    const int threads = std::max(1, options.threads_per_trial);
    const int cores = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
    const int jobs = options.jobs > 0 ? options.jobs : std::max(1, cores / threads);

    const nlohmann::json config_doc = config_json(config);
    const std::string config_hash = trial_id(config_doc);
    // What must match for stored trials to be comparable with new ones.
    nlohmann::json identity{{"config", config_doc}, {"config_hash", config_hash}, {"threads_per_trial", threads},
                            {"cpu_isa", environment_json(threads)["cpu_isa"]}};
    std::error_code ec;
    std::filesystem::create_directories(out, ec);
    if (ec) throw InputError(out.string() + ": cannot create the run directory: " + ec.message());
    const auto manifest_path = out / "manifest.json";
    if (std::filesystem::exists(manifest_path)) {
        const nlohmann::json old = read_json(manifest_path);
        nlohmann::json old_identity{{"config", old.value("config", nlohmann::json())},
                                    {"config_hash", old.value("config_hash", "")},
                                    {"threads_per_trial", old.value("environment", nlohmann::json::object()).value("threads_per_trial", 0)},
                                    {"cpu_isa", old.value("environment", nlohmann::json::object()).value("cpu_isa", "")}};
        if (old_identity != identity) {
            std::string what;
            for (const auto& d : json_differences(old_identity, identity))
                if (d != "config_hash") what += "\n  " + d;
            throw InputError(manifest_path.string() + ": this run directory holds a different sweep; these settings differ:" +
                             what + "\nuse another --out directory, or remove this one to start again");
        }
    }
    nlohmann::json manifest{{"sweep", config.name},
                            {"config_file", config.file},
                            {"config", config_doc},
                            {"config_hash", config_hash},
                            {"environment", environment_json(threads)}};
    write_atomic(manifest_path, manifest.dump(2) + "\n");

    const std::vector<Trial> plan = make_plan(config);
    RunTotals totals;
    totals.planned = static_cast<int>(plan.size());
    std::vector<const Trial*> todo;
    for (const auto& t : plan) {
        if (!in_shard(t.id, options.shard_index, options.shard_count)) {
            ++totals.other_shards;
            continue;
        }
        const auto summary = out / t.id / "summary.json";
        if (options.resume && std::filesystem::exists(summary)) {
            const bool failed = read_json(summary).value("status", "") == "failed";
            if (!(failed && options.retry_failed)) {
                ++totals.skipped;
                continue;
            }
        }
        todo.push_back(&t);
    }
    if (!options.quiet)
        std::cerr << "actbench: " << config.name << ": " << plan.size() << " trials"
                  << (options.shard_count > 1 ? ", " + std::to_string(plan.size() - totals.other_shards) + " in shard " +
                                                    std::to_string(options.shard_index) + "/" + std::to_string(options.shard_count)
                                              : std::string())
                  << ", " << totals.skipped << " already done, " << todo.size() << " to run (" << jobs << " jobs x "
                  << threads << " threads) -> " << out.string() << "\n";
    if (todo.empty()) return totals;

    // Each distinct dataset setting (a sweep may vary dataset.*) is prepared once and shared by its trials.
    std::map<std::string, PreparedData> datasets;
    for (const Trial* t : todo) {
        const std::string key = dataset_json(t->dataset).dump();
        // Decoded image folders are cached next to the run store (runs/.cache beside runs/<sweep>).
        if (!datasets.count(key)) datasets.emplace(key, prepare_data(t->dataset, out.parent_path() / ".cache"));
    }
    cv::setNumThreads(1);  // OpenCV's pool must not compete with oneDNN's threads

    g_stop.store(false);
    struct sigaction sa {};
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    struct sigaction old_int {}, old_term {};
    sigaction(SIGINT, &sa, &old_int);
    sigaction(SIGTERM, &sa, &old_term);

    std::atomic<std::size_t> next{0};
    std::mutex mu;
    // On a terminal, a status line on stderr (rewritten in place); quiet otherwise.
    const bool progress = !options.quiet && ::isatty(STDERR_FILENO);
    const auto started = std::chrono::steady_clock::now();
    int done = totals.skipped;
    std::exception_ptr first_error;
    auto worker = [&] {
        omp_set_num_threads(threads);  // per thread: each worker's oneDNN calls use `threads` OpenMP threads
        while (!g_stop.load()) {
            const std::size_t i = next.fetch_add(1);
            if (i >= todo.size()) return;
            const Trial& t = *todo[i];
            try {
                const TrialOutcome r = run_trial(t, datasets.at(dataset_json(t.dataset).dump()), out / t.id, &g_stop);
                std::lock_guard lock(mu);
                if (r.status == "interrupted") continue;
                ++done;
                (r.status == "ok" ? totals.ok : totals.diverged)++;
                if (!options.quiet)
                    std::cerr << "[" << done << "/" << plan.size() << "] " << t.id << " " << t.label() << ": "
                              << r.status << ", test accuracy " << r.summary["final_test_accuracy"].dump() << " ("
                              << static_cast<int>(r.seconds) << " s)\n";
            } catch (const InputError&) {
                std::lock_guard lock(mu);
                if (!first_error) first_error = std::current_exception();
                g_stop.store(true);
            } catch (const std::exception& e) {
                // A failed trial is a result too: recorded, so a resume skips it unless --retry-failed.
                std::lock_guard lock(mu);
                ++totals.failed;
                ++done;
                std::cerr << "actbench: trial " << t.id << " (" << t.label() << ") failed: " << e.what() << "\n";
                try {
                    std::filesystem::create_directories(out / t.id);
                    write_atomic(out / t.id / "summary.json",
                                 nlohmann::json{{"id", t.id}, {"status", "failed"}, {"error", e.what()}, {"axes", t.axes},
                                                {"settings", t.settings()}}.dump(2) + "\n");
                } catch (const std::exception&) {
                }
            }
            if (progress) {
                std::lock_guard lock(mu);
                const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
                const int finished = done - totals.skipped, left = static_cast<int>(todo.size()) - finished;
                const double eta = finished > 0 ? elapsed / finished * left : 0;
                std::fprintf(stderr, "\r\033[K[%d/%zu] running %d, failed %d, elapsed %.0f s, ETA %.0f s", done,
                             plan.size() - totals.other_shards, std::min(jobs, left), totals.failed, elapsed, eta);
                if (left == 0) std::fprintf(stderr, "\n");
            }
        }
    };
    std::vector<std::thread> pool;
    for (int j = 0; j < std::min<int>(jobs, static_cast<int>(todo.size())); ++j) pool.emplace_back(worker);
    for (auto& th : pool) th.join();
    totals.interrupted = g_stop.load() && !first_error;
    {
        const auto log_path = out / "runs.jsonl";
        std::string log = std::filesystem::exists(log_path) ? read_text(log_path) : std::string();
        const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
        log += nlohmann::json{{"command", options.command},
                              {"commit", kGitCommit},
                              {"jobs", jobs},
                              {"threads_per_trial", threads},
                              {"trials_finished", done - totals.skipped},
                              {"interrupted", totals.interrupted},
                              {"wall_seconds", std::round(wall * 10) / 10}}
                   .dump() +
               "\n";
        write_atomic(log_path, log);
    }
    sigaction(SIGINT, &old_int, nullptr);
    sigaction(SIGTERM, &old_term, nullptr);
    if (first_error) std::rethrow_exception(first_error);
    return totals;
}

}  // namespace actbench
