// Report, stage 1: run directories → checked trials. Everything read goes through the run store's readers.
#include "core/error.hpp"
#include "report/report_data.hpp"
#include "store/run_store.hpp"

#include <map>

namespace actbench {

namespace fs = std::filesystem;

LoadedRuns load_runs(const std::vector<fs::path>& dirs) {
    LoadedRuns runs;
    runs.dirs = dirs;
    std::map<std::string, fs::path> trial_dirs;  // by trial id: the first directory that has it
    for (const auto& run_dir : dirs) {
        std::error_code ec;
        if (!fs::is_directory(run_dir, ec)) throw InputError(run_dir.string() + ": no such run directory");
        const nlohmann::json m = read_manifest(run_dir);
        if (runs.manifest.is_null())
            runs.manifest = m;
        else if (m["config_hash"] != runs.manifest["config_hash"])
            throw InputError((run_dir / kManifestFile).string() + ": a different sweep from " + (dirs[0] / kManifestFile).string() +
                             " (config hashes differ); only runs of one config merge into a report");
        for (const auto& entry : fs::directory_iterator(run_dir))
            if (entry.is_directory() && fs::exists(entry.path() / kSummaryFile))
                trial_dirs.emplace(entry.path().filename().string(), entry.path());
        for (auto& line : read_run_log(run_dir)) runs.run_log.push_back(std::move(line));
    }
    for (const auto& [id, d] : trial_dirs) {
        try {
            StoredTrial t = read_trial(d);
            runs.trials.push_back(TrialRecord{std::move(t.summary), std::move(t.metrics), std::move(t.timing)});
        } catch (const InputError& e) {
            runs.damaged.emplace_back(id, e.what());
        }
    }
    return runs;
}

}  // namespace actbench
