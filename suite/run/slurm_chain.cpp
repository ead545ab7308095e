#include "run/slurm_chain.hpp"

#include "run/status.hpp"
#include "store/run_store.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>

namespace actbench {

namespace fs = std::filesystem;

namespace {

std::string script_path(const SlurmOptions& o, const char* name) { return (fs::path(o.out) / name).string(); }

void record(const SlurmOptions& o, nlohmann::json line) {
    line["step"] = read_chain_log(o.out).size();
    append_line_locked(fs::path(o.out) / kChainLogFile, line.dump());
}

// How many of the last submissions in a row were for this same step with the same trials missing: the array ran and
// did not store them.
int attempts(const std::vector<nlohmann::json>& log, const RunTotals& next) {
    int n = 0;
    for (auto it = log.rbegin(); it != log.rend() && it->contains("array"); ++it, ++n)
        if ((*it)["at"] != next.at || (*it)["waiting"] != next.waiting) break;
    return n;
}

// The array's size: the trials waiting, at most --tasks, --max-array and the cluster's MaxArraySize.
int array_tasks(const SlurmOptions& o, int waiting) {
    int tasks = std::max(1, std::min(o.tasks, waiting));
    if (o.max_array > 0) tasks = std::min(tasks, o.max_array);
    if (const int cluster = cluster_max_array_size(); cluster > 0) tasks = std::min(tasks, cluster);
    return tasks;
}

// An array for the step `at` (nullopt waiting: the start, --tasks of them) and the chain's next step after it.
std::string submit_array_and_step(const SlurmOptions& o, const std::string& at, std::optional<int> waiting) {
    const int tasks = array_tasks(o, waiting.value_or(o.tasks));
    const std::string array = sbatch_submit(sbatch_chain_array_args(o, script_path(o, kArrayScript), tasks));
    const std::string step = sbatch_submit(sbatch_step_args(o, script_path(o, kStepScript), array));
    record(o, {{"at", at}, {"waiting", waiting ? nlohmann::json(*waiting) : nlohmann::json()}, {"array", array}, {"tasks", tasks},
               {"next_step", step}});
    return "submitted array job " + array + " (" + std::to_string(tasks) + " tasks) and step job " + step + "\n";
}

// Records the trials a step has waited for through every retry as failed, so that the protocol goes on without them.
std::string give_up(const SlurmOptions& o, const RunTotals& next, int tries) {
    const std::string why = "not stored after " + std::to_string(tries) + " submissions of its step (" + next.at +
        ") by the Slurm chain: a lost node or a time limit; recorded as failed so that the study goes on";
    nlohmann::json ids = nlohmann::json::array();
    for (const nlohmann::json& t : next.waiting_trials) {
        const fs::path dir = fs::path(o.out) / t["id"].get<std::string>();
        fs::create_directories(dir);
        write_failed_summary(dir, t["id"], why, t["axes"], t["settings"]);
        ids.push_back(t["id"]);
    }
    record(o, {{"at", next.at}, {"waiting", next.waiting}, {"gave_up", ids}});
    return "gave up " + std::to_string(ids.size()) + " trial(s) of " + next.at + " after " + std::to_string(tries) +
        " submissions: recorded as failed\n";
}

}  // namespace

std::vector<nlohmann::json> read_chain_log(const std::string& out) {
    std::vector<nlohmann::json> lines;
    std::ifstream in(fs::path(out) / kChainLogFile);
    for (std::string line; std::getline(in, line);)
        if (!line.empty()) lines.push_back(nlohmann::json::parse(line, nullptr, false));
    return lines;
}

std::string start_chain(const SlurmOptions& o) { return submit_array_and_step(o, "start", std::nullopt); }

std::string chain_step(const SlurmOptions& o) {
    // A first array that stored nothing (every task lost before its first trial) leaves no manifest: start again.
    if (!fs::exists(fs::path(o.out) / kManifestFile)) return start_chain(o);
    std::string said;
    for (;;) {  // each pass either submits, or gives a step up and looks again (the protocol has moved on)
        const StudyStatus s = study_status(o.out, o.config);
        if (s.next.at == "done") {
            const std::string report = sbatch_submit(sbatch_report_args(o, script_path(o, kReportScript), ""));
            record(o, {{"at", "done"}, {"waiting", 0}, {"report", report}});
            return said + "the study is complete: submitted report job " + report + "\n";
        }
        const int tries = attempts(read_chain_log(o.out), s.next);
        if (tries <= o.retries) return said + s.next.at + ": " + std::to_string(s.next.waiting) + " trial(s) to train; " +
                                       submit_array_and_step(o, s.next.at, s.next.waiting);
        said += give_up(o, s.next, tries);
    }
}

}  // namespace actbench
