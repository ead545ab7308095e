#include "verify.hpp"

#include "config.hpp"
#include "data.hpp"
#include "error.hpp"
#include "plan.hpp"
#include "run_store.hpp"
#include "trainer.hpp"

#include <omp.h>

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

std::vector<VerifyResult> verify_run(const std::filesystem::path& run_dir, const std::string& only_trial) {
    namespace fs = std::filesystem;
    const nlohmann::json manifest = read_json(run_dir / "manifest.json");
    const std::string config_file = manifest.value("config_file", "");
    const Config config = load_config(config_file);
    if (trial_id(config_json(config)) != manifest.value("config_hash", ""))
        throw InputError(config_file + ": this config has changed since " + run_dir.string() +
                         " was run (its hash differs from the manifest's); verify needs the config that made the run");
    omp_set_num_threads(manifest.value("environment", nlohmann::json::object()).value("threads_per_trial", 1));
    std::vector<VerifyResult> results;
    std::map<std::string, PreparedData> datasets;
    std::random_device rd;
    const fs::path scratch = fs::temp_directory_path() / ("actbench-verify-" + std::to_string(rd()));
    for (const Trial& t : make_plan(config)) {
        if (!only_trial.empty() && t.id != only_trial) continue;
        if (!fs::exists(run_dir / t.id / "summary.json")) continue;
        const std::string key = dataset_json(t.dataset).dump();
        if (!datasets.count(key)) datasets.emplace(key, prepare_data(t.dataset));
        run_trial(t, datasets.at(key), scratch / t.id);
        const std::string diff = first_difference(read_jsonl(run_dir / t.id / "metrics.jsonl"), read_jsonl(scratch / t.id / "metrics.jsonl"));
        results.push_back({t.id, diff.empty(), diff});
    }
    std::error_code ec;
    fs::remove_all(scratch, ec);
    if (!only_trial.empty() && results.empty())
        throw InputError(run_dir.string() + ": no finished trial " + only_trial);
    return results;
}

}  // namespace actbench
