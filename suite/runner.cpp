#include "runner.hpp"

#include "data.hpp"
#include "error.hpp"
#include "plan.hpp"
#include "run_store.hpp"
#include "trainer.hpp"
#include "version.hpp"

#include <oneapi/dnnl/dnnl.hpp>
#include <omp.h>
#include <opencv2/core.hpp>

#include <atomic>
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
        default: return "other";
    }
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

RunTotals run_sweep(const Config& config, const RunOptions& options) {
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
        if (options.resume && std::filesystem::exists(out / t.id / "summary.json")) {
            ++totals.skipped;
            continue;
        }
        todo.push_back(&t);
    }
    if (!options.quiet)
        std::cerr << "actbench: " << config.name << ": " << plan.size() << " trials, " << totals.skipped
                  << " already done, " << todo.size() << " to run (" << jobs << " jobs x " << threads
                  << " threads) -> " << out.string() << "\n";
    if (todo.empty()) return totals;

    // Each distinct dataset setting (a sweep may vary dataset.*) is prepared once and shared by its trials.
    std::map<std::string, PreparedData> datasets;
    for (const Trial* t : todo) {
        const std::string key = dataset_json(t->dataset).dump();
        if (!datasets.count(key)) datasets.emplace(key, prepare_data(t->dataset));
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
                std::lock_guard lock(mu);
                ++totals.failed;
                std::cerr << "actbench: trial " << t.id << " (" << t.label() << ") failed: " << e.what() << "\n";
            }
        }
    };
    std::vector<std::thread> pool;
    for (int j = 0; j < std::min<int>(jobs, static_cast<int>(todo.size())); ++j) pool.emplace_back(worker);
    for (auto& th : pool) th.join();
    totals.interrupted = g_stop.load() && !first_error;
    sigaction(SIGINT, &old_int, nullptr);
    sigaction(SIGTERM, &old_term, nullptr);
    if (first_error) std::rethrow_exception(first_error);
    return totals;
}

}  // namespace actbench
