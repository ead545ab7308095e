#include "cli/verify.hpp"

#include "config/config.hpp"
#include "config/settings.hpp"
#include "core/error.hpp"
#include "rng.hpp"
#include "run/data.hpp"
#include "run/plan.hpp"
#include "run/runner.hpp"
#include "run/status.hpp"
#include "run/trainer.hpp"
#include "store/run_store.hpp"

#include <omp.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <random>
#include <tuple>

namespace actbench {

namespace {

// The first field of the first line where two metrics files differ, or "".
std::string first_difference(const std::vector<nlohmann::json>& stored, const std::vector<nlohmann::json>& fresh) {
    for (std::size_t i = 0; i < std::max(stored.size(), fresh.size()); ++i) {
        if (i >= stored.size() || i >= fresh.size()) return "line " + std::to_string(i + 1) + ": present in only one of the two runs";
        if (stored[i] == fresh[i]) continue;
        for (auto it = stored[i].begin(); it != stored[i].end(); ++it)
            if (!fresh[i].contains(it.key()) || fresh[i][it.key()] != *it)
                return "epoch " + stored[i].value("epoch", nlohmann::json()).dump() + ": " + it.key() + " stored " + it->dump() +
                    ", retrained " + fresh[i].value(it.key(), nlohmann::json()).dump();
        return "line " + std::to_string(i + 1) + ": the retrained run has extra fields";
    }
    return "";
}

}  // namespace

namespace {
// A scratch folder under $TMPDIR, removed when verify ends, however it ends.
struct ScratchDir {
    std::filesystem::path path;
    ScratchDir() {
        std::random_device rd;
        path = std::filesystem::temp_directory_path() / ("actbench-verify-" + std::to_string(::getpid()) + "-" + std::to_string(rd()));
    }
    ~ScratchDir() {
        std::error_code ec;
        std::filesystem::remove_all(path, ec);
    }
};
// The run's ISA: the config's pin, or else the recorded one, as a cap (set before oneDNN makes any kernel), unless
// the user caps it with ONEDNN_MAX_CPU_ISA: a cap set in code overrides the variable, and verify must not run
// what the user asked it not to (a bf16 run verified at AVX2 is refused, not silently run at AVX-512). A note
// when this CPU runs another ISA than the recorded one.
void pin_recorded_isa(const Config& config, const std::string& recorded, VerifyReport& report) {
    const char* cap = std::getenv("ONEDNN_MAX_CPU_ISA");
    if (!config.isa.empty()) {
        pin_isa(config.isa);
    } else if (!(cap && *cap)) {
        try {
            pin_isa(recorded);
        } catch (const InputError&) {  // a name oneDNN cannot be capped at (e.g. "other"): run uncapped
        }
    }
    const std::string here = effective_isa_description();
    if (recorded == effective_isa_name()) return;
    const std::string why = !config.isa.empty() ? " with the config's isa: " + config.isa
                            : cap && *cap   ? std::string()
                                            : " even capped at the recorded ISA";
    report.notes.push_back("the run used oneDNN's " + recorded + " kernels and this machine runs " + here + why +
                           "; results from different ISAs may differ in the last bits");
}

// The stored trials to retrain: (grid, cell) of each finished trial, all of them, one, or `sample` picked by the hash
// of their ids.
std::vector<std::pair<const Config*, std::size_t>> trials_to_verify(const std::filesystem::path& run_dir, const Config& config,
                                                                    const VerifyOptions& options) {
    // The grids whose trials may be stored: the config's, or with tune its two stages.
    std::vector<const Config*> grids{&config};
    if (config.tune) grids = {config.tuning_stage.get(), config.final_stage.get()};
    std::vector<std::tuple<std::uint64_t, const Config*, std::size_t>> stored;
    for (const Config* grid : grids) {
        const TrialIds ids(*grid);
        for (std::size_t cell = 0; cell < grid->cell_count(); ++cell) {
            const std::string id = ids.id(cell);
            if (!options.only_trial.empty() && id != options.only_trial) continue;
            if (std::filesystem::exists(run_dir / id / kSummaryFile)) stored.emplace_back(fnv1a64("verify sample " + id), grid, cell);
        }
    }
    if (options.sample > 0 && options.sample < stored.size()) {
        std::sort(stored.begin(), stored.end(), [](const auto& a, const auto& b) { return std::get<0>(a) < std::get<0>(b); });
        stored.resize(options.sample);
    }
    std::vector<std::pair<const Config*, std::size_t>> out;
    for (const auto& [hash, grid, cell] : stored) out.emplace_back(grid, cell);
    return out;
}

}  // namespace

VerifyReport verify_run(const std::filesystem::path& run_dir, const VerifyOptions& options) {
    namespace fs = std::filesystem;
    const nlohmann::json manifest = read_manifest(run_dir);
    const Config config = config_of_run(run_dir, manifest);
    // The run's environment: its ISA and its threads per trial.
    VerifyReport report;
    const nlohmann::json& recorded = manifest["environment"];
    pin_recorded_isa(config, recorded["cpu_isa"], report);
    check_precision_supported(config);
    omp_set_num_threads(recorded["threads_per_trial"].get<int>());
    std::map<std::string, PreparedData> datasets;
    const ScratchDir scratch;
    for (const auto& [grid, cell] : trials_to_verify(run_dir, config, options)) {
        const Trial t = make_trial(*grid, cell);
        const fs::path stored = run_dir / t.id;
        std::vector<nlohmann::json> stored_metrics;
        std::optional<int> pruned_at;  // tune's halving stopped it: retrained to the same epoch
        try {
            StoredTrial stored_trial = read_trial(stored);
            if (status_of(stored_trial.summary) == TrialStatus::failed) {
                report.trials.push_back({t.id, VerifyResult::Outcome::failed, stored_trial.summary["error"]});
                continue;
            }
            stored_metrics = std::move(stored_trial.metrics);
            if (stored_trial.summary.contains("pruned_at_epoch")) pruned_at = stored_trial.summary["pruned_at_epoch"].get<int>();
        } catch (const InputError& e) {
            report.trials.push_back({t.id, VerifyResult::Outcome::damaged, e.what()});
            continue;
        }
        const std::string key = dataset_json(t.dataset).dump();
        if (!datasets.count(key)) datasets.emplace(key, prepare_data(t.dataset));
        if (pruned_at) {
            SteppedTrial stepped(t, datasets.at(key), scratch.path / t.id);
            stepped.advance_to(*pruned_at, nullptr);
            stepped.finish(pruned_at);
        } else {
            run_trial(t, datasets.at(key), scratch.path / t.id);
        }
        const std::string diff = first_difference(stored_metrics, read_jsonl(scratch.path / t.id / kMetricsFile));
        report.trials.push_back({t.id, diff.empty() ? VerifyResult::Outcome::identical : VerifyResult::Outcome::differs, diff});
    }
    if (!options.only_trial.empty() && report.trials.empty())
        throw InputError(run_dir.string() + ": no finished trial " + options.only_trial);
    return report;
}

}  // namespace actbench
