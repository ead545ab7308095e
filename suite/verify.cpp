#include "verify.hpp"

#include "config.hpp"
#include "data.hpp"
#include "error.hpp"
#include "plan.hpp"
#include "run_store.hpp"
#include "runner.hpp"
#include "trainer.hpp"

#include <omp.h>
#include <unistd.h>

#include <random>

namespace actbench {

namespace {

// The first field of the first line where two metrics files differ, or "".
std::string first_difference(const std::vector<nlohmann::json>& stored, const std::vector<nlohmann::json>& fresh) {
    for (std::size_t i = 0; i < std::max(stored.size(), fresh.size()); ++i) {
        if (i >= stored.size() || i >= fresh.size())
            return "line " + std::to_string(i + 1) + ": present in only one of the two runs";
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
}  // namespace

VerifyReport verify_run(const std::filesystem::path& run_dir, const std::string& only_trial) {
    namespace fs = std::filesystem;
    const nlohmann::json manifest = read_manifest(run_dir);
    const std::string config_file = manifest["config_file"];
    const Config config = load_config(config_file);
    if (trial_id(config_json(config)) != manifest["config_hash"])
        throw InputError(config_file + ": this config has changed since " + run_dir.string() +
                         " was run (its hash differs from the manifest's); verify needs the config that made the run");
    // The run's environment: its pinned ISA (as the runner pinned it) and its threads per trial.
    pin_isa(config.isa);
    check_precision_supported(config);
    VerifyReport report;
    const nlohmann::json& recorded = manifest["environment"];
    const std::string isa_here = environment_json(1)["cpu_isa"];
    if (recorded["cpu_isa"] != isa_here)
        report.notes.push_back("the run used oneDNN's " + recorded["cpu_isa"].get<std::string>() + " kernels and this machine runs " +
                               isa_here + (config.isa.empty() ? " (the config pins no isa:)" : " even with the config's isa: " + config.isa) +
                               "; results from different ISAs may differ in the last bits");
    omp_set_num_threads(recorded["threads_per_trial"].get<int>());
    std::map<std::string, PreparedData> datasets;
    const ScratchDir scratch;
    // The grids whose trials may be stored: the config's, or with tune its two stages.
    std::vector<const Config*> grids{&config};
    if (config.tune) grids = {config.tuning_stage.get(), config.final_stage.get()};
    for (const Config* grid : grids) {
    const TrialIds ids(*grid);
    for (std::size_t cell = 0; cell < grid->cell_count(); ++cell) {
        const std::string id = ids.id(cell);
        if (!only_trial.empty() && id != only_trial) continue;
        const fs::path stored = run_dir / id;
        if (!fs::exists(stored / kSummaryFile)) continue;
        const Trial t = make_trial(*grid, cell);
        std::vector<nlohmann::json> stored_metrics;
        try {
            const nlohmann::json summary = read_summary(stored);
            if (summary["status"] == "failed") {
                report.trials.push_back({t.id, VerifyResult::Outcome::failed, summary["error"]});
                continue;
            }
            stored_metrics = read_metrics(stored, summary);
        } catch (const InputError& e) {
            report.trials.push_back({t.id, VerifyResult::Outcome::damaged, e.what()});
            continue;
        }
        const std::string key = dataset_json(t.dataset).dump();
        if (!datasets.count(key)) datasets.emplace(key, prepare_data(t.dataset));
        run_trial(t, datasets.at(key), scratch.path / t.id);
        const std::string diff = first_difference(stored_metrics, read_jsonl(scratch.path / t.id / kMetricsFile));
        report.trials.push_back({t.id, diff.empty() ? VerifyResult::Outcome::identical : VerifyResult::Outcome::differs, diff});
    }
    }
    if (!only_trial.empty() && report.trials.empty())
        throw InputError(run_dir.string() + ": no finished trial " + only_trial);
    return report;
}

}  // namespace actbench
