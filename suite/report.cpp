#include "report.hpp"

#include "error.hpp"
#include "run_store.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <sstream>

namespace actbench {

namespace {

using nlohmann::json;

struct TrialRecord {
    json summary;
    std::vector<json> metrics;
};

struct Group {
    std::vector<std::string> cells;  // the group's value on each column axis
    std::vector<const TrialRecord*> trials;
};

std::string fmt(const char* format, double v) {
    char buf[64];
    std::snprintf(buf, sizeof buf, format, v);
    return buf;
}

double mean(const std::vector<double>& v) {
    double s = 0;
    for (double x : v) s += x;
    return v.empty() ? NAN : s / static_cast<double>(v.size());
}

double sample_std(const std::vector<double>& v) {
    if (v.size() < 2) return NAN;
    const double m = mean(v);
    double s = 0;
    for (double x : v) s += (x - m) * (x - m);
    return std::sqrt(s / static_cast<double>(v.size() - 1));
}

// Position of `value` on an axis of the config, so rows follow the config's order.
std::size_t axis_rank(const json& axis, const json& value) {
    if (axis.is_array())
        for (std::size_t i = 0; i < axis.size(); ++i)
            if (axis[i] == value) return i;
    return SIZE_MAX;
}

}  // namespace

std::string report_markdown(const std::filesystem::path& run_dir) { return report_markdown(std::vector{run_dir}); }

std::string report_markdown(const std::vector<std::filesystem::path>& run_dirs) {
    namespace fs = std::filesystem;
    json manifest;
    std::map<std::string, fs::path> trial_dirs;  // by trial id: the first directory that has it
    for (const auto& run_dir : run_dirs) {
        std::error_code ec;
        if (!fs::is_directory(run_dir, ec)) throw InputError(run_dir.string() + ": no such run directory");
        const fs::path manifest_path = run_dir / "manifest.json";
        if (!fs::exists(manifest_path))
            throw InputError(manifest_path.string() + ": not found; expected a run directory written by 'actbench run'");
        const json m = read_json(manifest_path);
        if (manifest.is_null()) manifest = m;
        else if (m.value("config_hash", "") != manifest.value("config_hash", ""))
            throw InputError(manifest_path.string() + ": a different sweep from " + (run_dirs[0] / "manifest.json").string() +
                             " (config hashes differ); only runs of one config merge into a report");
        for (const auto& entry : fs::directory_iterator(run_dir))
            if (entry.is_directory() && fs::exists(entry.path() / "summary.json"))
                trial_dirs.emplace(entry.path().filename().string(), entry.path());
    }
    std::vector<TrialRecord> records;
    for (const auto& [id, d] : trial_dirs) {
        json summary = read_json(d / "summary.json");
        std::vector<json> metrics;
        if (summary.value("status", "") != "failed") metrics = read_jsonl(d / "metrics.jsonl");
        records.push_back({std::move(summary), std::move(metrics)});
    }
    std::string dir_names;
    for (const auto& d : run_dirs) dir_names += (dir_names.empty() ? "`" : ", `") + d.lexically_normal().string() + "`";

    // Columns: every axis of the sweep but the seed, in the config's order; one row per combination of their
    // values that has trials, in the order of the axes' values.
    const json axes = manifest.value("config", json::object()).value("sweep", json::object()).value("axes", json::array());
    std::vector<std::string> columns;
    std::vector<json> column_values;
    for (const auto& a : axes)
        if (a.value("name", "") != "seed") columns.push_back(a.value("name", "")), column_values.push_back(a.value("values", json::array()));
    std::map<std::pair<std::vector<std::size_t>, std::string>, Group> groups;
    int ok = 0, diverged = 0, failed = 0;
    for (const auto& r : records) {
        const json values = r.summary.value("axes", json::object());
        std::vector<std::size_t> ranks;
        std::string text_key;
        Group cells;
        for (std::size_t i = 0; i < columns.size(); ++i) {
            const json v = values.value(columns[i], json());
            ranks.push_back(axis_rank(column_values[i], v));
            text_key += v.dump() + "|";
            cells.cells.push_back(v.is_string() ? v.get<std::string>() : v.dump());
        }
        Group& g = groups[{ranks, text_key}];
        g.cells = cells.cells;
        g.trials.push_back(&r);
        const std::string status = r.summary.value("status", "");
        (status == "ok" ? ok : status == "diverged" ? diverged : failed)++;
    }

    std::ostringstream md;
    const json env = manifest.value("environment", json::object());
    md << "# actbench report: " << manifest.value("sweep", "?") << "\n\n";
    md << records.size() << " trials (" << ok << " ok, " << diverged << " diverged" << (failed ? ", " + std::to_string(failed) + " failed" : "")
       << ") from " << dir_names << ".  \n";
    md << "actbench " << env.value("actbench_version", "?") << " (" << env.value("git_commit", "?") << "), oneDNN "
       << env.value("onednn_version", "?") << ", OpenCV " << env.value("opencv_version", "?") << ", "
       << env.value("cpu_model", "?") << ", ISA " << env.value("cpu_isa", "?") << ", "
       << env.value("threads_per_trial", 0) << " thread(s) per trial.\n\n";

    for (const auto& c : columns) md << "| " << c << " ";
    md << "| seeds | diverged | test accuracy | train loss by epoch | zero fraction init → final | dead units |\n";
    for (std::size_t i = 0; i < columns.size(); ++i) md << "|---";
    md << "|---:|---:|---|---|---|---:|\n";
    for (const auto& [key, g] : groups) {
        std::vector<double> acc, z0, z1, dead;
        std::vector<std::vector<double>> loss_by_epoch;
        int group_diverged = 0;
        for (const TrialRecord* t : g.trials) {
            if (t->summary.value("status", "") != "ok") {
                group_diverged += t->summary.value("status", "") == "diverged";
                continue;
            }
            acc.push_back(t->summary.at("final_test_accuracy").get<double>());
            if (t->summary["zero_fraction_init"].is_number()) z0.push_back(t->summary["zero_fraction_init"].get<double>());
            if (t->summary["zero_fraction_final"].is_number()) z1.push_back(t->summary["zero_fraction_final"].get<double>());
            if (t->summary["dead_fraction_final"].is_number()) dead.push_back(t->summary["dead_fraction_final"].get<double>());
            for (const json& row : t->metrics) {
                const int epoch = row.value("epoch", 0);
                if (epoch < 1 || !row.contains("train_loss") || !row["train_loss"].is_number()) continue;
                if (loss_by_epoch.size() < static_cast<std::size_t>(epoch)) loss_by_epoch.resize(epoch);
                loss_by_epoch[epoch - 1].push_back(row["train_loss"].get<double>());
            }
        }
        std::string accuracy = "—";
        if (!acc.empty()) {
            accuracy = fmt("%.4f", mean(acc));
            if (acc.size() > 1) accuracy += " ± " + fmt("%.4f", sample_std(acc));
        }
        std::string losses;
        for (const auto& l : loss_by_epoch) losses += (losses.empty() ? "" : " / ") + fmt("%.3f", mean(l));
        if (losses.empty()) losses = "—";
        const std::string zeros = z0.empty() ? "—" : fmt("%.3f", mean(z0)) + " → " + fmt("%.3f", mean(z1));
        const std::string dead_units = dead.empty() ? "n/a" : fmt("%.3f", mean(dead));
        for (const auto& cell : g.cells) md << "| " << cell << " ";
        md << "| " << g.trials.size() << " | "
           << group_diverged << " | " << accuracy << " | " << losses << " | " << zeros << " | " << dead_units << " |\n";
    }
    md << "\n"
       << "*test accuracy*: top-1 accuracy on the whole test split after the last epoch, mean ± sample standard "
          "deviation over the seeds that did not diverge (a diverged trial has a NaN/Inf training loss and is "
          "counted under *diverged*).  \n"
       << "*train loss by epoch*: mean cross-entropy over each epoch's mini-batches, averaged over seeds.  \n"
       << "*zero fraction*: fraction of exact zeros in the activation layers' outputs over the probe set (the "
          "first training images, the same for every trial), averaged over layers and seeds, at initialisation "
          "and after the last epoch.  \n"
       << "*dead units*: after the last epoch, fraction of units (conv channels, dense neurons) whose "
          "pre-activation is ≤ 0 for every probe image, averaged over layers and seeds; rectifiers only (n/a "
          "otherwise).\n";
    return md.str();
}

}  // namespace actbench
