#include "report.hpp"

#include "error.hpp"
#include "run_store.hpp"
#include "statistics.hpp"
#include "svg_plot.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <sstream>

namespace actbench {

namespace {

using nlohmann::json;
namespace fs = std::filesystem;

struct TrialRecord {
    json summary;
    std::vector<json> metrics, timing;
};

struct Group {
    std::vector<std::string> cells;  // the group's value on each column axis
    json values;                     // the same, as JSON by axis name
    std::vector<const TrialRecord*> trials;
};

std::string fmt(const char* format, double v) {
    if (!std::isfinite(v)) return "—";
    char buf[64];
    std::snprintf(buf, sizeof buf, format, v);
    return buf;
}

// Position of `value` on an axis of the config, so rows follow the config's order.
std::size_t axis_rank(const json& axis, const json& value) {
    if (axis.is_array())
        for (std::size_t i = 0; i < axis.size(); ++i)
            if (axis[i] == value) return i;
    return SIZE_MAX;
}

// Values of a summary field over a group's trials that finished (status ok).
std::vector<double> field(const Group& g, const char* name) {
    std::vector<double> v;
    for (const TrialRecord* t : g.trials)
        if (t->summary.value("status", "") == "ok" && t->summary.contains(name) && t->summary[name].is_number())
            v.push_back(t->summary[name].get<double>());
    return v;
}

std::string mean_std(const std::vector<double>& v, const char* format) {
    if (v.empty()) return "—";
    const Summary s = summarise(v);
    return v.size() > 1 ? fmt(format, s.mean) + " ± " + fmt(format, s.std) : fmt(format, s.mean);
}

// Mean over seeds of a metric at each evaluation point (keyed by step; with epoch_ends_only, the rows at the
// end of an epoch only, not the optional every-K-steps ones).
std::vector<std::pair<double, double>> curve(const Group& g, const char* x_key, const char* y_key,
                                             std::vector<double>* lo = nullptr, std::vector<double>* hi = nullptr,
                                             bool epoch_ends_only = false) {
    std::map<long, std::vector<double>> ys;
    std::map<long, double> xs;
    for (const TrialRecord* t : g.trials) {
        if (t->summary.value("status", "") != "ok") continue;
        for (const json& row : t->metrics) {
            if (epoch_ends_only && !row.value("epoch", json()).is_number_integer()) continue;
            if (row.contains(y_key) && row[y_key].is_number()) {
                const long step = row.value("step", 0L);
                ys[step].push_back(row[y_key].get<double>());
                xs[step] = row.value(x_key, 0.0);
            }
        }
    }
    std::vector<std::pair<double, double>> out;
    for (const auto& [e, v] : ys) {
        const Summary s = summarise(v);
        out.emplace_back(xs[e], s.mean);
        if (lo) lo->push_back(s.min);
        if (hi) hi->push_back(s.max);
    }
    return out;
}

// Per-layer metric `key` (an array, one value per activation layer) at each evaluation step, averaged over the
// group's finished trials; null entries (a metric undefined for that layer) are skipped.
std::map<long, std::vector<double>> layer_curve(const Group& g, const char* key) {
    std::map<long, std::vector<double>> sum, count;
    for (const TrialRecord* t : g.trials) {
        if (t->summary.value("status", "") != "ok") continue;
        for (const json& row : t->metrics) {
            const json v = row.value(key, json());
            if (!v.is_array()) continue;
            auto& s = sum[row.value("step", 0L)];
            auto& c = count[row.value("step", 0L)];
            s.resize(std::max(s.size(), v.size()), 0.0), c.resize(s.size(), 0.0);
            for (std::size_t l = 0; l < v.size(); ++l)
                if (v[l].is_number()) s[l] += v[l].get<double>(), c[l] += 1;
        }
    }
    for (auto& [step, s] : sum)
        for (std::size_t l = 0; l < s.size(); ++l) s[l] = count[step][l] > 0 ? s[l] / count[step][l] : NAN;
    return sum;
}

double at(const std::vector<double>& v, std::size_t i) { return i < v.size() ? v[i] : NAN; }

// Standard normal CDF.
double normal_cdf(double x) { return 0.5 * std::erfc(-x / std::sqrt(2.0)); }

const char* const kPalette[] = {"#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b", "#e377c2", "#17becf", "#7f7f7f", "#bcbd22"};

std::string csv_escape(const std::string& s) {
    if (s.find_first_of(",\"\n") == std::string::npos) return s;
    std::string out = "\"";
    for (char c : s) out += c == '"' ? std::string("\"\"") : std::string(1, c);
    return out + "\"";
}

std::string html_escape(const std::string& s) {
    std::string out;
    for (char c : s) out += c == '<' ? "&lt;" : c == '>' ? "&gt;" : c == '&' ? "&amp;" : std::string(1, c);
    return out;
}

// A Markdown table → HTML (the report's tables are simple: no pipes inside cells).
std::string markdown_table_to_html(const std::string& md) {
    std::istringstream in(md);
    std::string line, html;
    bool in_table = false, header = true;
    while (std::getline(in, line)) {
        if (line.rfind("|", 0) == 0) {
            if (line.rfind("|---", 0) == 0) continue;
            if (!in_table) html += "<table>\n", in_table = true, header = true;
            html += "<tr>";
            std::size_t b = 1;
            while (b < line.size()) {
                const std::size_t e = line.find('|', b);
                if (e == std::string::npos) break;
                std::string cell = line.substr(b, e - b);
                cell.erase(0, cell.find_first_not_of(' '));
                cell.erase(cell.find_last_not_of(' ') + 1);
                html += std::string(header ? "<th>" : "<td>") + html_escape(cell) + (header ? "</th>" : "</td>");
                b = e + 1;
            }
            html += "</tr>\n";
            header = false;
            continue;
        }
        if (in_table) html += "</table>\n", in_table = false;
        if (line.rfind("## ", 0) == 0) html += "<h2>" + html_escape(line.substr(3)) + "</h2>\n";
        else if (line.rfind("# ", 0) == 0) html += "<h1>" + html_escape(line.substr(2)) + "</h1>\n";
        else if (!line.empty()) {
            std::string text = html_escape(line);
            // *term*: → <em>term</em>
            for (std::size_t a; (a = text.find('*')) != std::string::npos;) {
                const std::size_t z = text.find('*', a + 1);
                if (z == std::string::npos) break;
                text = text.substr(0, a) + "<em>" + text.substr(a + 1, z - a - 1) + "</em>" + text.substr(z + 1);
            }
            html += "<p>" + text + "</p>\n";
        }
    }
    if (in_table) html += "</table>\n";
    return html;
}

}  // namespace

ReportFiles build_report(const std::vector<fs::path>& run_dirs, const std::string& pivot_rows, const std::string& pivot_cols) {
    json manifest;
    std::map<std::string, fs::path> trial_dirs;  // by trial id: the first directory that has it
    for (const auto& run_dir : run_dirs) {
        std::error_code ec;
        if (!fs::is_directory(run_dir, ec)) throw InputError(run_dir.string() + ": no such run directory");
        const fs::path manifest_path = run_dir / kManifestFile;
        const json m = read_manifest(run_dir);
        if (manifest.is_null()) manifest = m;
        else if (m.value("config_hash", "") != manifest.value("config_hash", ""))
            throw InputError(manifest_path.string() + ": a different sweep from " + (run_dirs[0] / "manifest.json").string() +
                             " (config hashes differ); only runs of one config merge into a report");
        for (const auto& entry : fs::directory_iterator(run_dir))
            if (entry.is_directory() && fs::exists(entry.path() / kSummaryFile))
                trial_dirs.emplace(entry.path().filename().string(), entry.path());
    }
    std::vector<TrialRecord> records;
    std::vector<std::pair<std::string, std::string>> damaged;  // trial id, what is wrong: listed, never used
    for (const auto& [id, d] : trial_dirs) {
        try {
            TrialRecord r{read_summary(d), {}, {}};
            if (r.summary["status"] != "failed") {
                r.metrics = read_metrics(d, r.summary);
                r.timing = read_timing(d);
            }
            records.push_back(std::move(r));
        } catch (const InputError& e) {
            damaged.emplace_back(id, e.what());
        }
    }
    std::string dir_names;
    for (const auto& d : run_dirs) dir_names += (dir_names.empty() ? "`" : ", `") + d.lexically_normal().string() + "`";

    // Columns: every axis of the sweep but the seed, in the config's order; one row per combination of their
    // values that has trials, in the order of the axes' values.
    const json config = manifest.value("config", json::object());
    const json axes = config.value("sweep", json::object()).value("axes", json::array());
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
        cells.values = json::object();
        for (std::size_t i = 0; i < columns.size(); ++i) {
            const json v = values.value(columns[i], json());
            ranks.push_back(axis_rank(column_values[i], v));
            text_key += v.dump() + "|";
            cells.cells.push_back(v.is_string() ? v.get<std::string>() : v.dump());
            cells.values[columns[i]] = v;
        }
        Group& g = groups[{ranks, text_key}];
        g.cells = cells.cells;
        g.values = cells.values;
        g.trials.push_back(&r);
        const std::string status = r.summary.value("status", "");
        (status == "ok" ? ok : status == "diverged" ? diverged : failed)++;
    }
    const std::string baseline = config.value("baseline", "");
    const double target = config.value("train", json::object()).value("target", 0.25);
    const int epochs = config.value("train", json::object()).value("epochs", 0);

    auto header = [&](std::ostringstream& md, const std::string& rest, const std::string& align) {
        for (const auto& c : columns) md << "| " << c << " ";
        md << "| " << rest << " |\n";
        for (std::size_t i = 0; i < columns.size(); ++i) md << "|---";
        md << align << "\n";
    };
    auto row_start = [&](std::ostringstream& md, const Group& g) {
        for (const auto& cell : g.cells) md << "| " << cell << " ";
    };

    std::ostringstream md;
    const json env = manifest.value("environment", json::object());
    md << "# actbench report: " << manifest.value("sweep", "?") << "\n\n";
    md << records.size() << " trials (" << ok << " ok, " << diverged << " diverged" << (failed ? ", " + std::to_string(failed) + " failed" : "")
       << ") from " << dir_names << ".  \n";
    md << "actbench " << env.value("actbench_version", "?") << " (" << env.value("git_commit", "?") << "), oneDNN "
       << env.value("onednn_version", "?") << ", OpenCV " << env.value("opencv_version", "?") << ", "
       << env.value("cpu_model", "?") << ", ISA " << env.value("cpu_isa", "?") << ", "
       << env.value("threads_per_trial", 0) << " thread(s) per trial.\n\n";
    // How the runs were produced: each `actbench run` invocation that trained something (runs.jsonl).
    double wall_total = 0;
    std::string commands;
    for (const auto& run_dir : run_dirs) {
        for (const json& r : read_run_log(run_dir)) {
            wall_total += r.value("wall_seconds", 0.0);
            commands += "- `" + r.value("command", std::string("?")) + "` (commit " + r.value("commit", std::string("?")) + ", " +
                        std::to_string(r.value("jobs", 0)) + " jobs × " + std::to_string(r.value("threads_per_trial", 0)) +
                        " thread(s)): " + std::to_string(r.value("trials_finished", 0)) + " trials in " +
                        fmt("%.0f", r.value("wall_seconds", 0.0)) + " s" + (r.value("interrupted", false) ? ", interrupted" : "") + "\n";
        }
    }
    if (!commands.empty())
        md << "Produced by" << (run_dirs.size() > 1 ? " (all directories)" : "") << ":\n\n" << commands << "\nWall time: "
           << fmt("%.0f", wall_total) << " s (" << fmt("%.1f", wall_total / 60) << " min) in all.\n\n";
    if (!damaged.empty()) {
        md << "**Damaged:** " << damaged.size() << " trial folder(s) hold files that fail the run store's checks; they are left out of "
              "every table below (`actbench run` retrains them):\n\n";
        for (const auto& [id, why] : damaged) md << "- " << id << ": " << why << "\n";
        md << "\n";
    }
    std::size_t fewest = SIZE_MAX;
    for (const auto& [k, g] : groups) fewest = std::min(fewest, g.trials.size());
    if (!groups.empty() && fewest < 5)
        md << "**Warning:** some groups have fewer than 5 seeds (the smallest has " << fewest
           << "); their standard deviations and intervals are rough, and differences of a point or so are within noise.\n\n";

    // 1. Overview.
    md << "## Overview\n\n";
    header(md, "seeds | diverged | test accuracy | train loss by epoch | zero fraction init → final | dead units", "|---:|---:|---|---|---|---:|");
    json groups_json = json::array();
    for (const auto& [key, g] : groups) {
        int group_diverged = 0;
        for (const TrialRecord* t : g.trials) group_diverged += t->summary.value("status", "") == "diverged";
        std::string losses;
        for (const auto& [x, y] : curve(g, "epoch", "train_loss", nullptr, nullptr, true)) losses += (losses.empty() ? "" : " / ") + fmt("%.3f", y);
        const auto z0 = field(g, "zero_fraction_init"), z1 = field(g, "zero_fraction_final"), dead = field(g, "dead_fraction_final");
        row_start(md, g);
        md << "| " << g.trials.size() << " | " << group_diverged << " | " << mean_std(field(g, "final_test_accuracy"), "%.4f") << " | "
           << (losses.empty() ? "—" : losses) << " | "
           << (z0.empty() ? "—" : fmt("%.3f", summarise(z0).mean) + " → " + fmt("%.3f", summarise(z1).mean)) << " | "
           << (dead.empty() ? "n/a" : fmt("%.3f", summarise(dead).mean)) << " |\n";
    }
    md << "\n*test accuracy*: top-1 accuracy on the test split (the whole of it, or the class-balanced dataset.test_subset the config names) after the last epoch, mean ± sample standard "
          "deviation over the seeds that did not diverge (a diverged trial has a NaN/Inf training loss and is "
          "counted under *diverged*).  \n"
       << "*train loss by epoch*: mean cross-entropy over each epoch's mini-batches, averaged over seeds.  \n"
       << "*zero fraction*: fraction of exact zeros in the activation layers' outputs over the probe set (the "
          "first training images, the same for every trial), averaged over layers and seeds, at initialisation "
          "and after the last epoch.  \n"
       << "*dead units*: after the last epoch, fraction of units (conv channels, dense neurons) whose "
          "pre-activation is ≤ 0 for every probe image, averaged over layers and seeds; rectifiers only (n/a "
          "otherwise).\n\n";

    // 2. Accuracy with intervals and the baseline comparison.
    md << "## Accuracy\n\n";
    bool any_validation = false;
    for (const auto& r : records) any_validation |= r.summary.contains("final_val_accuracy");
    header(md, "n | final: mean | 95% CI | median | best: mean | train accuracy | gap (train − test)" +
                   std::string(any_validation ? " | validation: final" : "") +
                   std::string(baseline.empty() ? "" : " | vs " + baseline + ": Δ | p (Welch) | g"),
           std::string("|---:|---:|---|---:|---:|---:|---:") + (any_validation ? "|---:" : "") + (baseline.empty() ? "|" : "|---:|---:|---:|"));
    for (const auto& [key, g] : groups) {
        const auto acc = field(g, "final_test_accuracy");
        const Summary s = summarise(acc);
        row_start(md, g);
        md << "| " << s.n << " | " << (s.n ? fmt("%.4f", s.mean) : "—") << " | "
           << (s.n > 1 ? "[" + fmt("%.4f", s.ci_low) + ", " + fmt("%.4f", s.ci_high) + "]" : "—") << " | "
           << (s.n ? fmt("%.4f", s.median) : "—") << " | " << mean_std(field(g, "best_test_accuracy"), "%.4f");
        // Training accuracy: the running mean over the last epoch's mini-batches (as the model changed during it).
        std::vector<double> train_acc, gap;
        for (const TrialRecord* t : g.trials)
            if (t->summary.value("status", "") == "ok" && !t->metrics.empty() && t->metrics.back().value("train_accuracy", json()).is_number()) {
                train_acc.push_back(t->metrics.back()["train_accuracy"].get<double>());
                gap.push_back(train_acc.back() - t->summary.value("final_test_accuracy", 0.0));
            }
        md << " | " << mean_std(train_acc, "%.4f") << " | " << mean_std(gap, "%.4f");
        if (any_validation) md << " | " << mean_std(field(g, "final_val_accuracy"), "%.4f");
        json gj{{"axes", g.values}, {"trials", g.trials.size()}, {"final_test_accuracy", {{"n", s.n}, {"mean", s.mean}, {"std", s.std},
               {"median", s.median}, {"ci95", {s.ci_low, s.ci_high}}}}};
        if (!baseline.empty()) {
            std::string cmp = " | — | — | —";
            if (g.values.value("activation", json()) != json(baseline)) {
                for (const auto& [k2, other] : groups) {
                    json same = g.values;
                    same["activation"] = baseline;
                    if (other.values != same) continue;
                    const Comparison c = welch_test(acc, field(other, "final_test_accuracy"));
                    cmp = " | " + fmt("%+.4f", c.difference) + " | " + (c.valid ? fmt("%.3g", c.p_value) : "—") + " | " +
                          (c.valid ? fmt("%+.2f", c.hedges_g) : "—");
                    gj["vs_baseline"] = {{"difference", c.difference}, {"p_value", c.valid ? json(c.p_value) : json(nullptr)},
                                         {"hedges_g", c.valid ? json(c.hedges_g) : json(nullptr)}};
                }
            }
            md << cmp;
        }
        md << " |\n";
        groups_json.push_back(gj);
    }
    md << "\n*final*: test accuracy after the last epoch over the seeds that finished; *95% CI*: Student-t interval "
          "for the mean; *best*: the highest test accuracy of any epoch; *train accuracy*: the running accuracy over the "
          "last epoch's mini-batches (training mode: dropout, RReLU and noise draws on); *gap*: train accuracy − final "
          "test accuracy, per trial, mean ± std."
       << (any_validation ? " *validation*: accuracy on the images held out of the training split (dataset.validation)." : "")
       << (baseline.empty() ? "" : " *vs " + baseline + "*: difference of means from the " + baseline +
                                       " group with the same other settings, Welch's two-sided t-test p-value, and "
                                       "Hedges' g (difference over the pooled standard deviation, small-sample corrected).")
       << "\n\n";

    // 3. Convergence.
    md << "## Convergence\n\n";
    header(md, "reached target | median epochs to target | median steps to target | loss AUC | train loss at the end", "|---:|---:|---:|---:|---:|");
    std::vector<double> seconds_medians;  // for the Cost table (wall clock)
    std::size_t gi = 0;
    for (const auto& [key, g] : groups) {
        std::vector<double> epochs_to, steps_to, seconds_to;
        int reached = 0, finished = 0;
        for (const TrialRecord* t : g.trials) {
            if (t->summary.value("status", "") != "ok") continue;
            ++finished;
            const bool hit = t->summary.value("epochs_to_target", json()).is_number();
            reached += hit;
            // A trial that never reached the target is censored: it sorts above every reached one.
            epochs_to.push_back(hit ? t->summary["epochs_to_target"].get<double>() : INFINITY);
            steps_to.push_back(hit ? t->summary["steps_to_target"].get<double>() : INFINITY);
            // Seconds: the training time of the epochs up to and including the one that reached the target
            // (from timing.jsonl, so this column is wall-clock and not reproducible bit for bit).
            double seconds = INFINITY;
            if (hit) {
                seconds = 0;
                for (const json& row : t->timing)
                    if (row.value("epoch", 0) >= 1 && row.value("epoch", 0) <= t->summary["epochs_to_target"].get<int>())
                        seconds += row.value("train_seconds", 0.0);
            }
            seconds_to.push_back(seconds);
        }
        const double me = epochs_to.empty() ? NAN : summarise(epochs_to).median, ms = steps_to.empty() ? NAN : summarise(steps_to).median;
        seconds_medians.push_back(seconds_to.empty() ? NAN : summarise(seconds_to).median);
        row_start(md, g);
        md << "| " << reached << "/" << finished << " | " << (std::isinf(me) ? "> " + std::to_string(epochs) : fmt("%.1f", me)) << " | "
           << (std::isinf(ms) ? "> max" : fmt("%.0f", ms)) << " | " << mean_std(field(g, "train_loss_auc"), "%.3f") << " | "
           << mean_std(field(g, "final_train_loss"), "%.3f") << " |\n";
        groups_json[gi]["convergence"] = {{"reached", reached}, {"finished", finished},
                                          {"median_epochs_to_target", std::isfinite(me) ? json(me) : json(nullptr)},
                                          {"median_steps_to_target", std::isfinite(ms) ? json(ms) : json(nullptr)}};
        ++gi;
    }
    md << "\n*target*: training error " << fmt("%.2f", target)
       << ", measured step by step over the most recent epoch's worth of mini-batches; *steps to target*: the first step "
          "at which it is at or below the target, and *epochs*: the epoch of that step, medians over seeds; a trial that "
          "never gets there is censored and counts as > max, never dropped; seconds to target are in the Cost table. *loss AUC*: the sum over epochs of the mean training loss (the area under the curve, in "
          "epochs), mean ± std.\n\n";

    // 4. Sparsity and dead or inactive units.
    md << "## Sparsity, dead and inactive units\n\n";
    header(md, "zero fraction: init | final | dead (rectifiers) | inactive (others) | saturated", "|---:|---:|---:|---:|---:|");
    for (const auto& [key, g] : groups) {
        const auto dead = field(g, "dead_fraction_final"), inactive = field(g, "inactive_fraction_final");
        row_start(md, g);
        md << "| " << mean_std(field(g, "zero_fraction_init"), "%.3f") << " | " << mean_std(field(g, "zero_fraction_final"), "%.3f")
           << " | " << (dead.empty() ? "n/a" : mean_std(dead, "%.3f")) << " | " << (inactive.empty() ? "n/a" : mean_std(inactive, "%.3f"))
           << " | " << mean_std(field(g, "saturated_fraction_final"), "%.3f") << " |\n";
    }
    md << "\nAll over the probe set, averaged over the activation layers. *zero fraction*: exact zeros in the outputs. "
          "*dead*: units (conv channels, dense neurons) whose pre-activation is ≤ 0 for every probe image — for the ReLU "
          "family they pass no gradient. *inactive*: for the other activations, units with |f′| < 0.001 on every probe "
          "image. *saturated*: elements with |f′| < 0.001 (for ReLU these are its zeros). Final values after the last epoch.\n\n";

    // 4b. Per activation layer.
    md << "## Per activation layer\n\n";
    header(md, "layer | zero fraction: init | Φ(−μ/σ) init | final | dead / inactive: final | mean: init | lowest | final | "
               "second moment: init | pre-activation μ, σ: init | PReLU slope: final",
           "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---:|");
    for (const auto& [key, g] : groups) {
        const auto zeros = layer_curve(g, "zero_fraction"), dead = layer_curve(g, "dead_fraction"),
                   inactive = layer_curve(g, "inactive_fraction"), mean = layer_curve(g, "mean"),
                   second = layer_curve(g, "second_moment"), pre_mean = layer_curve(g, "pre_mean"), pre_std = layer_curve(g, "pre_std"),
                   slope = layer_curve(g, "prelu_slope");
        if (zeros.empty()) continue;
        const std::size_t layers = zeros.begin()->second.size();
        const bool rectifier = !dead.empty() && std::isfinite(at(dead.rbegin()->second, 0));
        auto first = [](const std::map<long, std::vector<double>>& m, std::size_t l) { return m.empty() ? NAN : at(m.begin()->second, l); };
        auto last = [](const std::map<long, std::vector<double>>& m, std::size_t l) { return m.empty() ? NAN : at(m.rbegin()->second, l); };
        for (std::size_t l = 0; l < layers; ++l) {
            double lowest = INFINITY;
            for (const auto& [step, v] : mean) lowest = std::min(lowest, at(v, l));
            const double mu = first(pre_mean, l), sigma = first(pre_std, l);
            const double inactive_or_dead = rectifier ? last(dead, l) : last(inactive, l);
            row_start(md, g);
            md << "| " << l + 1 << " | " << fmt("%.3f", first(zeros, l)) << " | "
               << (rectifier && sigma > 0 ? fmt("%.3f", normal_cdf(-mu / sigma)) : "—") << " | " << fmt("%.3f", last(zeros, l)) << " | "
               << fmt("%.3f", inactive_or_dead) << (std::isfinite(inactive_or_dead) ? (rectifier ? " dead" : " inactive") : "") << " | "
               << fmt("%.3f", first(mean, l)) << " | " << fmt("%.3f", lowest) << " | " << fmt("%.3f", last(mean, l)) << " | "
               << fmt("%.3g", first(second, l)) << " | "
               << (std::isfinite(mu) ? fmt("%.3f", mu) + ", " + fmt("%.3f", sigma) : "—") << " | " << fmt("%.3f", last(slope, l)) << " |\n";
        }
    }
    md << "\nOne row per activation layer (1 = nearest the input), over the probe set, averaged over seeds. "
          "*Φ(−μ/σ)*: the zero fraction a rectifier would have if its pre-activation were Gaussian with the measured "
          "mean μ and standard deviation σ (rectifiers only). *dead*: rectifier units with pre-activation ≤ 0 on every probe "
          "image; *inactive*: other units with |f′| < 0.001 on every probe image. *mean*: of the layer's output, at "
          "initialisation, at the lowest of the evaluation points (the seed-averaged curve) and after the last epoch. "
          "*second moment*: E[y²] of the output at initialisation (a signal that shrinks or grows layer by layer shows here). "
          "*PReLU slope*: the mean learned slope of the layer.\n\n";

    // 5. Gradient flow.
    md << "## Gradient flow\n\n";
    header(md, "first/last layer gradient norm: first step | last step", "|---:|---:|");
    for (const auto& [key, g] : groups) {
        std::vector<double> last;
        for (const TrialRecord* t : g.trials)
            if (t->summary.value("status", "") == "ok" && !t->metrics.empty() && t->metrics.back().value("grad_ratio", json()).is_number())
                last.push_back(t->metrics.back()["grad_ratio"].get<double>());
        row_start(md, g);
        md << "| " << mean_std(field(g, "grad_ratio_first_step"), "%.3g") << " | " << mean_std(last, "%.3g") << " |\n";
    }
    md << "\nThe L2 norm of the first weighted layer's weight gradient divided by the last one's, at the first training step "
          "and at the last; vanishing gradients show as ratios ≪ 1. Per-layer norms are in metrics.jsonl (grad_norm).\n\n";

    // Pivot: mean final accuracy by two axes.
    if (!pivot_rows.empty() || !pivot_cols.empty()) {
        std::string names;
        for (const auto& a : axes) names += (names.empty() ? "" : ", ") + a.value("name", "");
        const json* row_values = nullptr;
        const json* col_values = nullptr;
        for (const auto& a : axes) {
            if (a.value("name", "") == pivot_rows) row_values = &a["values"];
            if (a.value("name", "") == pivot_cols) col_values = &a["values"];
        }
        if (!row_values || !col_values || pivot_rows == pivot_cols)
            throw InputError("--rows '" + pivot_rows + "' and --cols '" + pivot_cols + "': expected two different axes of the sweep (" + names + ")");
        md << "## Test accuracy by " << pivot_rows << " × " << pivot_cols << "\n\n| " << pivot_rows << " \\ " << pivot_cols;
        for (const auto& c : *col_values) md << " | " << (c.is_string() ? c.get<std::string>() : c.dump());
        md << " |\n|---";
        for (std::size_t i = 0; i < col_values->size(); ++i) md << "|---:";
        md << "|\n";
        for (const auto& r : *row_values) {
            md << "| " << (r.is_string() ? r.get<std::string>() : r.dump());
            for (const auto& c : *col_values) {
                std::vector<double> acc;
                for (const auto& rec : records) {
                    const json v = rec.summary.value("axes", json::object());
                    if (rec.summary.value("status", "") == "ok" && v.value(pivot_rows, json()) == r && v.value(pivot_cols, json()) == c)
                        acc.push_back(rec.summary.value("final_test_accuracy", 0.0));
                }
                md << " | " << mean_std(acc, "%.4f");
            }
            md << " |\n";
        }
        md << "\nMean ± std of the final test accuracy over every finished trial with that pair of values (the other axes "
              "and the seeds pooled).\n\n";
    }

    // 6. Cost.
    md << "## Cost\n\n";
    header(md, "training images/s | seconds per epoch (training) | seconds per evaluation | median seconds to target", "|---:|---:|---:|---:|");
    std::size_t cost_row = 0;
    for (const auto& [key, g] : groups) {
        const double to_target = seconds_medians[cost_row++];
        std::vector<double> ips, train_s, eval_s;
        for (const TrialRecord* t : g.trials)
            for (const json& row : t->timing) {
                if (row.value("train_images_per_second", json()).is_number()) ips.push_back(row["train_images_per_second"].get<double>());
                if (row.value("train_seconds", json()).is_number()) train_s.push_back(row["train_seconds"].get<double>());
                if (row.value("eval_seconds", json()).is_number()) eval_s.push_back(row["eval_seconds"].get<double>());
            }
        row_start(md, g);
        md << "| " << (ips.empty() ? "—" : fmt("%.0f", summarise(ips).mean)) << " | " << (train_s.empty() ? "—" : fmt("%.2f", summarise(train_s).mean))
           << " | " << (eval_s.empty() ? "—" : fmt("%.2f", summarise(eval_s).mean)) << " | "
           << (std::isinf(to_target) ? "> max" : fmt("%.1f", to_target)) << " |\n";
    }
    md << "\nWall-clock figures from timing.jsonl (not part of the reproducible metrics): means over epochs and seeds, "
       << env.value("threads_per_trial", 0) << " thread(s) per trial; an evaluation covers the test split and the probe set; *seconds to target*: the training time of the epochs up "
          "to the one that reached the convergence target, median over seeds (censored: > max).\n";

    ReportFiles files;
    files.markdown = md.str();

    // CSV: one row per trial, then one per group.
    std::ostringstream csv;
    csv << "row";
    for (const auto& c : columns) csv << "," << csv_escape(c);
    csv << ",seed,status,trials,final_test_accuracy,best_test_accuracy,epochs_to_target,steps_to_target,train_loss_auc,"
           "zero_fraction_init,zero_fraction_final,dead_fraction_final,inactive_fraction_final,grad_ratio_first_step\n";
    auto num = [](const json& v) { return v.is_number() ? v.dump() : std::string(); };
    json trials_json = json::array();
    for (const auto& [key, g] : groups)
        for (const TrialRecord* t : g.trials) {
            const json& s = t->summary;
            csv << "trial";
            for (const auto& cell : g.cells) csv << "," << csv_escape(cell);
            csv << "," << s.value("axes", json::object()).value("seed", json()).dump() << "," << s.value("status", "") << ",1";
            for (const char* f : {"final_test_accuracy", "best_test_accuracy", "epochs_to_target", "steps_to_target", "train_loss_auc",
                                  "zero_fraction_init", "zero_fraction_final", "dead_fraction_final", "inactive_fraction_final",
                                  "grad_ratio_first_step"})
                csv << "," << num(s.value(f, json()));
            csv << "\n";
            json tj = s;
            tj.erase("settings");
            trials_json.push_back(tj);
        }
    for (const auto& [key, g] : groups) {
        csv << "group";
        for (const auto& cell : g.cells) csv << "," << csv_escape(cell);
        csv << ",,," << g.trials.size();
        for (const char* f : {"final_test_accuracy", "best_test_accuracy", "epochs_to_target", "steps_to_target", "train_loss_auc",
                              "zero_fraction_init", "zero_fraction_final", "dead_fraction_final", "inactive_fraction_final",
                              "grad_ratio_first_step"}) {
            const auto v = field(g, f);
            csv << "," << (v.empty() ? std::string() : json(summarise(v).mean).dump());
        }
        csv << "\n";
    }
    files.csv = csv.str();
    json report_json{{"sweep", manifest.value("sweep", "")}, {"environment", env}, {"config", config}, {"groups", groups_json},
                      {"trials", trials_json}};
    if (!damaged.empty()) {
        json d = json::array();
        for (const auto& [id, why] : damaged) d.push_back({{"id", id}, {"error", why}});
        report_json["damaged"] = d;
    }
    files.json = report_json.dump(2) + "\n";

    // Plots: training loss against steps (mean over seeds, band min–max), test accuracy against epochs, zero fraction
    // per layer at initialisation and at the end, and the dead fraction against the learning rate when it is swept.
    std::vector<Series> loss, accuracy, zeros, last_mean;
    std::size_t colour = 0;
    for (const auto& [key, g] : groups) {
        std::string label;
        for (const auto& c : g.cells) label += (label.empty() ? "" : " ") + c;
        const std::string col = kPalette[colour++ % 10];
        Series s{label, col, {}, {}, {}, {}};
        for (const auto& [x, y] : curve(g, "step", "train_loss", &s.band_low, &s.band_high)) s.x.push_back(x), s.y.push_back(y);
        loss.push_back(s);
        Series a{label, col, {}, {}, {}, {}};
        for (const auto& [x, y] : curve(g, "epoch", "test_accuracy")) a.x.push_back(x), a.y.push_back(y);
        accuracy.push_back(a);
        // The last activation layer's mean output against the step (Glorot & Bengio 2010's saturation of the
        // top hidden layer shows here).
        Series m{label, col, {}, {}, {}, {}};
        for (const auto& [step, v] : layer_curve(g, "mean"))
            if (!v.empty() && std::isfinite(v.back())) m.x.push_back(static_cast<double>(step)), m.y.push_back(v.back());
        last_mean.push_back(m);
        // Zero fraction per layer: the first and last metrics rows, averaged over seeds.
        std::vector<std::vector<double>> init_layers, final_layers;
        for (const TrialRecord* t : g.trials) {
            if (t->summary.value("status", "") != "ok" || t->metrics.empty()) continue;
            init_layers.push_back(t->metrics.front().value("zero_fraction", json::array()).get<std::vector<double>>());
            final_layers.push_back(t->metrics.back().value("zero_fraction", json::array()).get<std::vector<double>>());
        }
        for (int which = 0; which < 2 && !init_layers.empty(); ++which) {
            const auto& rows = which == 0 ? init_layers : final_layers;
            Series z{label + (which == 0 ? " (init)" : " (end)"), col, {}, {}, {}, {}};
            z.dashed = which == 0;
            for (std::size_t l = 0; l < rows[0].size(); ++l) {
                double m = 0;
                for (const auto& r : rows) m += r[l];
                z.x.push_back(static_cast<double>(l + 1));
                z.y.push_back(m / static_cast<double>(rows.size()));
            }
            zeros.push_back(z);
        }
    }
    files.svgs["loss.svg"] = svg_line_plot({"Training loss (mean over seeds, band: min to max)", "step", "cross-entropy", 760, 440}, loss);
    files.svgs["accuracy.svg"] = svg_line_plot({"Test accuracy", "epoch", "top-1 accuracy", 760, 440}, accuracy);
    files.svgs["last_layer_mean.svg"] = svg_line_plot({"Mean output of the last activation layer (probe set, mean over seeds)", "step", "mean activation", 760, 440}, last_mean);
    files.svgs["zeros.svg"] = svg_line_plot({"Zero fraction per activation layer (dashed: at initialisation)", "activation layer", "fraction of exact zeros", 760, 440}, zeros);
    const auto lr_col = std::find(columns.begin(), columns.end(), "train.lr");
    if (lr_col != columns.end()) {
        std::map<std::string, Series> by_activation;
        for (const auto& [key, g] : groups) {
            std::string label;
            for (std::size_t i = 0; i < columns.size(); ++i)
                if (columns[i] != "train.lr") label += (label.empty() ? "" : " ") + g.cells[i];
            Series& s = by_activation[label];
            s.label = label;
            const auto dead = field(g, "dead_fraction_final");
            if (dead.empty()) continue;
            s.x.push_back(g.values["train.lr"].get<double>());
            s.y.push_back(summarise(dead).mean);
        }
        std::vector<Series> dead_lr;
        colour = 0;
        for (auto& [label, s] : by_activation) {
            if (s.x.empty()) continue;
            s.color = kPalette[colour++ % 10];
            dead_lr.push_back(s);
        }
        if (!dead_lr.empty())
            files.svgs["dead_vs_lr.svg"] = svg_line_plot({"Dead-unit fraction after training against the learning rate", "learning rate", "dead fraction", 760, 440}, dead_lr);
    }

    std::ostringstream html;
    html << "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>actbench report: "
         << html_escape(manifest.value("sweep", "")) << "</title>\n<style>body{font-family:sans-serif;max-width:1100px;margin:2em auto;"
            "padding:0 1em;color:#222}table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;padding:3px 8px;"
            "text-align:right}th{background:#f3f3f3}figure{margin:1.5em 0}</style></head><body>\n"
         << markdown_table_to_html(files.markdown) << "<h2>Plots</h2>\n";
    for (const auto& [name, svg] : files.svgs) html << "<figure id=\"" << name.substr(0, name.size() - 4) << "\">\n" << svg << "</figure>\n";
    html << "</body></html>\n";
    files.html = html.str();
    return files;
}

std::string report_markdown(const fs::path& run_dir) { return build_report({run_dir}).markdown; }
std::string report_markdown(const std::vector<fs::path>& run_dirs) { return build_report(run_dirs).markdown; }

}  // namespace actbench
