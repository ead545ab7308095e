// `plan`'s writer: the trials of a config with an estimate of the wall time on this machine (plan_estimate.hpp).
#include "cli/plan_estimate.hpp"

#include "cli/bench_study.hpp"
#include "cli/describe.hpp"
#include "config/config.hpp"
#include "config/settings.hpp"
#include "run/data.hpp"
#include "run/halving.hpp"
#include "run/plan.hpp"
#include "run/tuning_choice.hpp"

#include <omp.h>

#include <cmath>
#include <map>
#include <sstream>
#include <thread>

namespace actbench {

namespace {
std::string core_hours_line(const Config& config, double seconds_per_trial);
double write_untuned_plan(const Config& config, int jobs, bool json, std::ostream& out, bool compute_line);

// adaptive.confirm: the most trials the confirmation adds (every comparison decided), "" without it.
std::string confirmation_line(const Config& config, std::size_t final_trials) {
    if (!config.adaptive || config.adaptive->confirm == 0) return "";
    const std::size_t groups = final_trials / static_cast<std::size_t>(config.adaptive->max);
    return "then confirmation: up to " + std::to_string(groups * static_cast<std::size_t>(config.adaptive->confirm)) + " trials (" +
        std::to_string(config.adaptive->confirm) + " fresh seeds, " + std::to_string(config.adaptive->max + 1) + "–" +
        std::to_string(config.adaptive->max + config.adaptive->confirm) +
        ", for each decided comparison and its baseline; none if nothing is decided)\n";
}

std::string halving_text(const Config& config) {
    const TuneSpec& t = *config.tune;
    if (!t.halving()) return "";
    char share[32];
    std::snprintf(share, sizeof share, "%.2f", halving_share(config));
    return "; schedule: halving, compared at epochs " + nlohmann::json(t.rungs).dump() + " of " + std::to_string(fewest_epochs(*config.tuning_stage)) +
        ", the best " + std::to_string(static_cast<int>(std::lround(t.keep * 100))) + "% (at least two) going on, " +
        std::to_string(halving_finalists(t.values.size(), t.rungs, t.keep)) + " of " + std::to_string(t.values.size()) +
        " values reaching the budget: at most " + share + " of the full schedule's epochs; the trials below are its most";
}

// A tuned config's plan: stage 1 as a plan of its own; stage 2's size is known, its values are chosen later.
void write_tuned_plan(const Config& config, int jobs, bool json, std::ostream& out) {
    const std::size_t values = config.tune->values.size();
    const std::size_t final_trials = config.final_stage->cell_count() / values;
    if (!json)
        out << "stage 1 (tuning " << config.tune->axis << " over " << values << " values, seeds "
            << nlohmann::json(config.tune->seeds).dump()
            << (config.tune->seeds_if_close.empty() ? ""
                                                    : ", then " + nlohmann::json(config.tune->seeds_if_close).dump() +
                       " for the cells whose choice is too close to call; listed below, run only where needed")
            << ", chosen by " << config.tune->select << halving_text(config) << "):\n";
    std::ostringstream stage1;
    // The tuning stage is the final grid times the tuned values and the tuning seeds, so its mean trial is the
    // final stages' too: one measurement.
    const double seconds_per_trial = write_untuned_plan(*config.tuning_stage, jobs, json, stage1, false);
    if (json) {
        out << "{\"tuning\": " << stage1.str() << ", \"final\": {\"count\": " << final_trials
            << ", \"chosen_from\": " << nlohmann::json(config.tune->values).dump() << "}}\n";
        return;
    }
    out << stage1.str() << "stage 2 (final): ";
    if (config.adaptive)
        out << final_trials / static_cast<std::size_t>(config.adaptive->max) * config.adaptive->min << " to " << final_trials
            << " trials (adaptive seeds, " << config.adaptive->min << " to " << config.adaptive->max << ")";
    else
        out << final_trials << " trials";
    out << ", each cell's seeds at the " << config.tune->axis << " stage 1 chooses for it; their time is about stage 1's × "
        << (config.sweep.seed.size()) << "/" << config.tune->seeds.size() << " ÷ " << values
        << (config.adaptive ? " for the most seeds, " + std::to_string(config.adaptive->min) + "/" + std::to_string(config.adaptive->max) +
                    " of that for the fewest"
                            : std::string())
        << "\n"
        << confirmation_line(config, final_trials) << core_hours_line(config, seconds_per_trial);
}

// What a plan's time estimate needs: each distinct dataset's shape and split sizes (loaded once), each model ×
// input's FLOPs per image (counted once), and this machine's training FLOP rate on the first trial's network.
class WorkEstimate {
public:
    explicit WorkEstimate(const Config& config) : flops_per_second_(measure(make_trial(config, 0))) {
        // A trial's estimate depends on its sections only (the work, not the activation), so per variant.
        for (const Sections& s : config.variants) {
            const DataFacts& facts = facts_of(s.dataset);
            const auto [train_flops, forward_flops] = flops(s.model, facts.shape);
            const double work = train_flops * facts.n_train * s.train.epochs +
                forward_flops * (facts.n_test + std::min<double>(s.train.probe, facts.n_train)) * (s.train.epochs + 1);
            variant_seconds_.push_back(work / flops_per_second_);
        }
    }
    double flops_per_second() const { return flops_per_second_; }
    double seconds(const Config& config, std::size_t cell) const { return variant_seconds_[config.cell_variant[cell]]; }

private:
    struct DataFacts {
        InputShape shape;
        double n_train = 0, n_test = 0;
    };

    const DataFacts& facts_of(const DatasetConfig& d) {
        const std::string key = dataset_json(d).dump();
        if (!data_facts_.count(key)) {
            const PreparedData p = prepare_data(d);
            data_facts_[key] = {{p.data.train.channels, p.data.train.height, p.data.train.width, p.data.classes},
                                static_cast<double>(p.data.train.count()),
                                static_cast<double>(p.data.test.count())};
        }
        return data_facts_[key];
    }

    // (training, forward) FLOPs per image.
    std::pair<double, double> flops(const ModelSpec& model, const InputShape& in) {
        const std::string key = model_json(model).dump() + "/" + std::to_string(in.channels) + "x" + std::to_string(in.height) + "x" +
            std::to_string(in.width) + "/" + std::to_string(in.classes);
        if (!model_flops_.count(key)) {
            const auto m = inspect_model(model, in, builtin_init("he_normal")).json;
            model_flops_[key] = {m["training_flops"].get<double>(), m["forward_flops"].get<double>()};
        }
        return model_flops_[key];
    }

    // Throughput: training steps of the trial's network for a fifth of a second, one thread (the default per trial).
    double measure(const Trial& first) {
        omp_set_num_threads(1);
        const InputShape shape = facts_of(first.dataset).shape;
        const double seconds_per_image = time_trial_steps(first, shape, 0.2, false).train / first.train.batch;
        return flops(first.model, shape).first / seconds_per_image;
    }

    std::map<std::string, DataFacts> data_facts_;
    std::map<std::string, std::pair<double, double>> model_flops_;
    double flops_per_second_;
    std::vector<double> variant_seconds_;
};

// One line (or JSON row) per trial: its id, the values of the axes that vary, its estimated seconds.
void write_plan_rows(const Config& config, const WorkEstimate& estimate, bool json, std::ostream& out) {
    std::vector<std::size_t> varying;  // axes with more than one value
    for (std::size_t a = 0; a < config.axes.size(); ++a)
        if (config.axes[a].values.size() > 1) varying.push_back(a);
    if (!json) {
        out << "id               ";
        for (std::size_t a : varying) out << " " << config.axes[a].name;
        out << "  est. seconds\n";
    }
    const TrialIds ids(config);
    const std::size_t count = config.cell_count();
    for (std::size_t i = 0; i < count; ++i) {
        const double seconds = estimate.seconds(config, i);
        if (json) {
            nlohmann::json row{{"id", ids.id(i)}, {"estimated_seconds", seconds}};
            for (std::size_t a : varying) row[config.axes[a].name] = config.cell_value(i, a);
            out << "  " << row.dump() << (i + 1 < count ? ",\n" : "\n");
            continue;
        }
        out << ids.id(i) << " ";
        for (std::size_t a : varying) {
            const nlohmann::json& v = config.cell_value(i, a);
            out << " " << (v.is_string() ? v.get<std::string>() : v.dump());
        }
        char buf[32];
        std::snprintf(buf, sizeof buf, "  %.0f", seconds);
        out << buf << "\n";
    }
}

// The whole protocol's compute on this machine, in core-hours: every stage from its fewest trials (no cell too close
// to call, every comparison decided at the first look, none confirmed) to its most.
std::string core_hours_line(const Config& config, double seconds_per_trial) {  // seconds_per_trial: the mean
    const double per_trial = seconds_per_trial / 3600;
    const auto range = [&](double lo, double hi) {
        char buf[64];
        std::snprintf(buf, sizeof buf, lo == hi ? "%.3g" : "%.3g–%.3g", lo * per_trial, hi * per_trial);
        return std::string(buf);
    };
    double lo = 0, hi = 0;
    std::string parts;
    if (config.tune) {
        const double all = static_cast<double>(config.tuning_stage->cell_count()), seeds = static_cast<double>(config.tune->seeds.size());
        const double first = all * seeds / (seeds + static_cast<double>(config.tune->seeds_if_close.size()));
        // Halving: its share of the tuning seeds' epochs; the seeds if close train only the values at the budget.
        const TuneSpec& t = *config.tune;
        const double finalists = t.halving() ? static_cast<double>(halving_finalists(t.values.size(), t.rungs, t.keep)) : 1.0;
        const double halved_lo = first * halving_share(config),
                     halved_hi = halved_lo + (all - first) * (t.halving() ? finalists / static_cast<double>(t.values.size()) : 1.0);
        lo += halved_lo, hi += halved_hi;
        parts += "tuning " + range(halved_lo, halved_hi) + (t.halving() ? " (full schedule " + range(first, all) + ")" : "") + ", ";
    }
    const double cells = static_cast<double>(config.tune ? config.final_stage->cell_count() / config.tune->values.size() : config.cell_count());
    const double fewest = config.adaptive ? cells / config.adaptive->max * config.adaptive->min : cells;
    lo += fewest, hi += cells;
    parts += (config.tune ? "final " : "trials ") + range(fewest, cells);
    if (config.adaptive && config.adaptive->confirm > 0) {
        const double confirm = cells / config.adaptive->max * config.adaptive->confirm;
        hi += confirm;
        parts += ", confirmation up to " + range(confirm, confirm);
    }
    if (!config.tune && !config.adaptive) return "compute: about " + range(lo, hi) + " core-hours on this machine\n";
    return "compute: about " + range(lo, hi) + " core-hours on this machine (" + parts + ")\n";
}

// Returns the mean estimate of a trial's seconds.
double write_untuned_plan(const Config& config, int jobs, bool json, std::ostream& out, bool compute_line) {
    const WorkEstimate estimate(config);
    const std::size_t count = config.cell_count();
    double total = 0;
    for (std::size_t i = 0; i < count; ++i) total += estimate.seconds(config, i);
    const int cores = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
    const int parallel = jobs > 0 ? jobs : cores;
    const double wall = total / std::min<double>(parallel, static_cast<double>(count));

    if (json)
        out << "{\"count\": " << count << ", \"estimated_wall_seconds\": " << nlohmann::json(wall).dump()
            << ", \"gflops_per_second\": " << nlohmann::json(estimate.flops_per_second() / 1e9).dump() << ", \"jobs\": " << parallel
            << ", \"trials\": [\n";
    write_plan_rows(config, estimate, json, out);
    const double mean = count > 0 ? total / static_cast<double>(count) : 0;
    if (json) {
        out << "]}\n";
        return mean;
    }
    out << count << " trials; measured " << estimate.flops_per_second() / 1e9 << " GFLOP/s per trial (1 thread); about "
        << static_cast<long>(wall) << " s of wall time with " << parallel << " jobs\n";
    if (config.adaptive)
        out << "adaptive seeds: rounds of " << config.adaptive->step << " from " << config.adaptive->min << " to " << config.adaptive->max
            << " seeds, so between " << count / static_cast<std::size_t>(config.adaptive->max) * config.adaptive->min << " and " << count
            << " of these trials run: about " << static_cast<long>(wall * config.adaptive->min / config.adaptive->max) << "–"
            << static_cast<long>(wall) << " s\n"
            << confirmation_line(config, count);
    if (compute_line) out << core_hours_line(config, mean);
    return mean;
}

}  // namespace

void write_plan(const Config& config, int jobs, bool json, std::ostream& out) {
    if (config.tune) return write_tuned_plan(config, jobs, json, out);
    write_untuned_plan(config, jobs, json, out, true);
}

}  // namespace actbench
