#include "run/status.hpp"

#include "config/settings.hpp"
#include "core/error.hpp"
#include "run/plan.hpp"
#include "run/halving.hpp"
#include "store/run_store.hpp"

#include <cmath>

namespace actbench {

Config config_of_run(const std::filesystem::path& run_dir, const nlohmann::json& manifest, const std::string& config_file) {
    const std::string file = config_file.empty() ? manifest["config_file"].get<std::string>() : config_file;
    const Config config = load_config(file);
    if (trial_id(config_json(config)) != manifest["config_hash"])
        throw InputError(file + ": this config is not the one " + run_dir.string() +
                         " was run with (its hash differs from the manifest's); give the config that made the run");
    return config;
}

std::string work_key(const nlohmann::json& settings) {
    const nlohmann::json train = settings.value("train", nlohmann::json::object());
    return settings.value("activation_def", nlohmann::json()).dump() + settings.value("model", nlohmann::json()).dump() +
        settings.value("dataset", nlohmann::json()).dump() + train.value("epochs", nlohmann::json()).dump() +
        train.value("batch", nlohmann::json()).dump() + train.value("precision", nlohmann::json()).dump();
}

namespace {

// Training and evaluation seconds of the finished trials (timing.jsonl), in all and by work_key.
struct Timings {
    double seconds = 0, trials = 0;
    std::map<std::string, std::pair<double, double>> by_work;  // seconds, trials
    double mean() const { return trials > 0 ? seconds / trials : NAN; }
};

// Counts the stored trials by stage and status, and gathers their timings.
Timings count_stored(const std::filesystem::path& run_dir, StudyStatus& s) {
    Timings timings;
    for (const auto& e : std::filesystem::directory_iterator(run_dir)) {
        if (!e.is_directory() || !std::filesystem::exists(e.path() / kSummaryFile)) continue;
        try {
            const StoredTrial trial = read_trial(e.path());
            const nlohmann::json& summary = trial.summary;
            double seconds = timed_seconds(trial);
            // A trial tune's halving stopped at an epoch stands for a whole one at its cost per epoch.
            if (summary.contains("pruned_at_epoch") && summary["pruned_at_epoch"].get<double>() > 0)
                seconds *= summary["settings"]["train"]["epochs"].get<double>() / summary["pruned_at_epoch"].get<double>();
            if (!trial.timing.empty()) {
                auto& [sum, n] = timings.by_work[work_key(summary.value("settings", nlohmann::json::object()))];
                sum += seconds, n += 1, timings.seconds += seconds, timings.trials += 1;
            }
            StudyStatus::Counts& c = s.stored[summary["axes"].value("stage", std::string("sweep"))];
            const TrialStatus status = *status_of(summary);
            (status == TrialStatus::ok ? c.ok : status == TrialStatus::diverged ? c.diverged : c.failed)++;
        } catch (const InputError&) {
            ++s.stored["damaged"].damaged;  // unreadable: run retrains it
        }
    }
    return timings;
}

double core_seconds_per_trial(const std::filesystem::path& run_dir) {
    double core_seconds = 0, trials = 0;
    for (const nlohmann::json& run : read_run_log(run_dir)) {
        const double finished = run.value("trials_finished", 0.0);
        if (finished <= 0 || run.value("interrupted", false)) continue;
        core_seconds += run.value("wall_seconds", 0.0) * run.value("jobs", 1.0) * run.value("threads_per_trial", 1.0);
        trials += finished;
    }
    return trials > 0 ? core_seconds / trials : NAN;
}

}  // namespace

StudyStatus study_status(const std::filesystem::path& run_dir, const std::string& config_file) {
    const nlohmann::json manifest = read_manifest(run_dir);
    const Config config = config_of_run(run_dir, manifest, config_file);
    StudyStatus s;
    s.name = config.name;
    s.config_file = config.file;
    const Timings timings = count_stored(run_dir, s);
    const double threads = manifest["environment"].value("threads_per_trial", 1.0), timed = timings.mean() * threads;
    RunOptions dry;
    dry.out = run_dir;
    dry.dry_run = dry.quiet = true;
    s.next = run_sweep(config, dry);
    s.core_seconds_per_trial = core_seconds_per_trial(run_dir);
    if (!std::isfinite(s.core_seconds_per_trial)) s.core_seconds_per_trial = timed;  // no run has ended yet: the trials' own timings
    // The step's ETA, trial by trial: a trial like a stored one (same activation, model, data, epochs, batch) takes
    // their mean training and evaluation time; any other the mean over all (the run log's figure before any timing).
    // (Not the run log's overhead: a run log's per-trial time mixes whatever trials that run happened to train.)
    const double fallback = std::isfinite(timed) ? timed : s.core_seconds_per_trial;
    if (std::isfinite(fallback)) s.eta_core_seconds = 0;
    for (const nlohmann::json& t : s.next.waiting_trials) {
        const auto it = timings.by_work.find(work_key(t["settings"]));
        s.eta_core_seconds += it != timings.by_work.end() ? it->second.first / it->second.second * threads : fallback;
    }
    // Halving trains the waiting tuning trials' values for at most this share of the full schedule's epochs.
    if (s.next.at == "tuning" && config.tune) s.eta_core_seconds *= halving_share(config);
    return s;
}

nlohmann::json StudyStatus::to_json() const {
    nlohmann::json j{{"study", name}, {"config_file", config_file}, {"next", next.at}, {"waiting", next.waiting},
                     {"core_seconds_per_trial", std::isfinite(core_seconds_per_trial) ? nlohmann::json(core_seconds_per_trial) : nlohmann::json()},
                     {"eta_core_seconds", std::isfinite(eta_core_seconds) ? nlohmann::json(eta_core_seconds) : nlohmann::json()}};
    for (const auto& [stage, c] : stored)
        j["stored"][stage] = {{"ok", c.ok}, {"diverged", c.diverged}, {"failed", c.failed}, {"damaged", c.damaged}};
    return j;
}

}  // namespace actbench
