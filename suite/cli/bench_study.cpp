#include "cli/bench_study.hpp"

#include "config/settings.hpp"
#include "core/error.hpp"
#include "network.hpp"
#include "optimizer.hpp"
#include "run/data.hpp"
#include "run/plan.hpp"
#include "run/status.hpp"
#include "store/run_store.hpp"

#include <omp.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <sstream>

namespace actbench {

namespace {

// The trials of one kind of work, with the rates measured for it and their predicted and stored seconds.
struct WorkKind {
    Trial example;
    double train_step = 0, eval_batch = 0;  // seconds
    double predicted = 0, stored = 0;
    std::size_t trials = 0;
};

// The trial's predicted seconds: each stored evaluation's batches, and each trained epoch's steps.
double predict(const WorkKind& k, const Trial& t, const PreparedData& data, const std::vector<nlohmann::json>& timing) {
    const auto batches = [&](std::size_t images) { return static_cast<double>((images + t.train.batch - 1) / t.train.batch); };
    const double per_eval = batches(data.test_indices.size()) +
        batches(std::min<std::size_t>(t.train.probe, data.train_indices.size())) + batches(data.validation_indices.size());
    const double steps = static_cast<double>(data.train_indices.size() / static_cast<std::size_t>(t.train.batch));
    double s = 0;
    for (const nlohmann::json& row : timing) s += per_eval * k.eval_batch + (row.contains("train_seconds") ? steps * k.train_step : 0.0);
    return s;
}

}  // namespace

StepTimes time_trial_steps(const Trial& t, const InputShape& shape, double seconds, bool eval) {
    Context ctx;
    NetworkSpec spec{t.model, t.activation, t.bias, 1};
    spec.precision = t.train.precision;
    Network net(ctx, spec, t.train.batch, shape);
    Rng rng(1);
    net.initialise(t.init, rng);
    Optimizer optimizer(net.params(), t.train.optimizer);
    std::vector<std::int32_t> labels(static_cast<std::size_t>(t.train.batch));
    for (auto& l : labels) l = static_cast<std::int32_t>(rng.below(static_cast<std::uint64_t>(shape.classes)));
    const std::size_t inputs = labels.size() * static_cast<std::size_t>(shape.channels * shape.height * shape.width);
    for (std::size_t i = 0; i < inputs; ++i) net.input()[i] = static_cast<float>(rng.normal());
    StepTimes times;
    times.train = time_per_call(
        [&] {
            net.forward(labels.data(), t.train.batch);
            net.backward();
            optimizer.step(1e-6);
        },
        seconds);
    if (!eval) return times;
    net.set_training(false);
    times.eval = time_per_call([&] { net.forward(labels.data(), t.train.batch); }, seconds);
    return times;
}

BenchResult bench_study(const StudyBenchOptions& o) {
    const nlohmann::json manifest = read_manifest(o.run_dir);
    const Config config = config_of_run(o.run_dir, manifest);
    const int threads = manifest["environment"].value("threads_per_trial", 1);
    omp_set_num_threads(threads);
    std::vector<const Config*> grids{&config};
    if (config.tune) grids = {config.tuning_stage.get(), config.final_stage.get()};
    std::map<std::string, WorkKind> kinds;
    std::map<std::string, PreparedData> datasets;
    std::vector<double> ratios;  // per trial, predicted ÷ stored
    for (const Config* grid : grids) {
        const TrialIds ids(*grid);
        for (std::size_t cell = 0; cell < grid->cell_count(); ++cell) {
            const std::filesystem::path dir = o.run_dir / ids.id(cell);
            if (!std::filesystem::exists(dir / kSummaryFile)) continue;
            const StoredTrial stored = read_trial(dir);
            if (stored.timing.empty()) continue;  // failed before its first evaluation
            const Trial t = make_trial(*grid, cell);
            const std::string data_key = dataset_json(t.dataset).dump();
            if (!datasets.count(data_key)) datasets.emplace(data_key, prepare_data(t.dataset));
            WorkKind& k = kinds[work_key(t.settings())];
            if (k.trials == 0) {
                k.example = t;
                const Dataset& d = datasets.at(data_key).data;
                const StepTimes times = time_trial_steps(t, {d.train.channels, d.train.height, d.train.width, d.classes}, o.seconds, true);
                k.train_step = times.train, k.eval_batch = times.eval;
            }
            const double predicted = predict(k, t, datasets.at(data_key), stored.timing), actual = timed_seconds(stored);
            k.predicted += predicted, k.stored += actual, ++k.trials;
            if (actual > 0) ratios.push_back(predicted / actual);
        }
    }
    if (kinds.empty()) throw InputError(o.run_dir.string() + ": no stored trial has timings to compare with");
    double predicted = 0, stored = 0;
    nlohmann::json rows = nlohmann::json::array();
    std::ostringstream t;
    t << "| activation | model | precision | batch | trials | ms per training step | ms per evaluation batch | predicted s | stored s | "
         "predicted ÷ stored |\n|---|---|---|---:|---:|---:|---:|---:|---:|---:|\n";
    for (const auto& [key, k] : kinds) {
        predicted += k.predicted, stored += k.stored;
        rows.push_back({{"activation", k.example.activation.name},
                        {"model", model_json(k.example.model)},
                        {"precision", precision_name(k.example.train.precision)},
                        {"batch", k.example.train.batch},
                        {"trials", k.trials},
                        {"train_step_seconds", k.train_step},
                        {"eval_batch_seconds", k.eval_batch},
                        {"predicted_seconds", k.predicted},
                        {"stored_seconds", k.stored}});
        t << "| " << k.example.activation.name << " | " << model_text(k.example.model) << " | " << precision_name(k.example.train.precision) << " | "
          << k.example.train.batch << " | " << k.trials << " | " << fixed(k.train_step * 1e3, 2) << " | " << fixed(k.eval_batch * 1e3, 2)
          << " | " << fixed(k.predicted, 1) << " | " << fixed(k.stored, 1) << " | " << fixed(k.predicted / k.stored, 2) << " |\n";
    }
    std::sort(ratios.begin(), ratios.end());
    const auto quantile = [&](double q) { return ratios[static_cast<std::size_t>(std::lround(q * static_cast<double>(ratios.size() - 1)))]; };
    const double hours = 3600.0 / threads;  // core-seconds per core-hour, in trial-seconds at `threads`
    std::ostringstream head;
    head << o.run_dir.string() << ": " << ratios.size() << " stored trials of " << kinds.size() << " kinds of work, measured now at "
         << threads << " thread(s) per trial (the run's), oneDNN ISA " << effective_isa_name() << " (the run's: "
         << manifest["environment"].value("cpu_isa", std::string("?")) << ")\n"
         << "predicted " << fixed(predicted / hours, 3) << " core-hours of training and evaluation, stored " << fixed(stored / hours, 3)
         << ": error " << fixed(100 * (predicted / stored - 1), 1) << "%; per trial, predicted ÷ stored: median "
         << fixed(quantile(0.5), 2) << ", 10th–90th percentile " << fixed(quantile(0.1), 2) << "–" << fixed(quantile(0.9), 2) << "\n\n";
    nlohmann::json j{{"run_dir", o.run_dir.string()},
                     {"threads_per_trial", threads},
                     {"cpu_isa", effective_isa_name()},
                     {"run_cpu_isa", manifest["environment"].value("cpu_isa", std::string())},
                     {"trials", ratios.size()},
                     {"predicted_core_hours", predicted / hours},
                     {"stored_core_hours", stored / hours},
                     {"error", predicted / stored - 1},
                     {"trial_ratio", {{"median", quantile(0.5)}, {"p10", quantile(0.1)}, {"p90", quantile(0.9)}}},
                     {"kinds", rows}};
    return {j, head.str() + t.str()};
}

}  // namespace actbench
