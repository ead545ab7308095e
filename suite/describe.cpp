#include "describe.hpp"

#include "dataset_kinds.hpp"

#include "config.hpp"
#include "data.hpp"
#include "error.hpp"
#include "init.hpp"
#include "optimizer.hpp"
#include "plan.hpp"
#include "svg_plot.hpp"

#include <omp.h>
#include <opencv2/imgcodecs.hpp>

#include <chrono>
#include <cmath>
#include <map>
#include <thread>
#include <cstdio>
#include <sstream>
#include <stdexcept>

namespace actbench {

namespace {
std::string param_text(const ActivationParam& p) {
    std::ostringstream s;
    s << p.name << " = " << p.default_value << " in [" << p.min << ", " << p.max << "]: " << p.meaning;
    return s.str();
}
}  // namespace

nlohmann::json activations_json() {
    nlohmann::json all = nlohmann::json::array();
    for (const auto& a : activation_table()) {
        if (a.kernel == ActivationKernel::formula) continue;
        nlohmann::json params = nlohmann::json::array();
        for (const auto& p : a.params)
            params.push_back({{"name", p.name}, {"default", p.default_value}, {"min", p.min}, {"max", p.max}, {"meaning", p.meaning}});
        all.push_back({{"name", a.name}, {"formula", a.formula}, {"params", params}, {"computed_by", a.computed_by},
                       {"source", a.source}, {"rectifier", a.rectifier}});
    }
    return all;
}

std::string activations_text() {
    std::ostringstream s;
    for (const auto& a : activation_table()) {
        if (a.kernel == ActivationKernel::formula) continue;
        s << a.name << "\n  " << a.formula << "\n";
        for (const auto& p : a.params) s << "  param " << param_text(p) << "\n";
        s << "  computed by: " << a.computed_by << "\n  source: " << a.source << "\n";
    }
    s << "\nNew variants go in a config's activations: section, e.g.\n"
         "  activations:\n"
         "    very_leaky: {base: leaky_relu, slope: 0.18}\n"
         "    swish_1702: {expr: \"x * sigmoid(beta * x)\", params: {beta: 1.702}}\n";
    return s.str();
}

nlohmann::json inits_json() {
    nlohmann::json all = nlohmann::json::array();
    for (const auto& i : init_table()) {
        nlohmann::json params = nlohmann::json::array();
        for (const auto& p : i.params) {
            nlohmann::json j{{"name", p.name}, {"default", p.default_value}, {"min", p.min}, {"max", p.max}, {"meaning", p.meaning}};
            if (!p.choices.empty()) j["choices"] = p.choices;
            params.push_back(j);
        }
        all.push_back({{"name", i.name}, {"formula", i.formula}, {"params", params}, {"source", i.source}});
    }
    return all;
}

std::string inits_text() {
    std::ostringstream s;
    for (const auto& i : init_table()) {
        s << i.name << "\n  " << i.formula << "\n";
        for (const auto& p : i.params) {
            s << "  param " << p.name << " = ";
            if (p.choices.empty()) s << p.default_value << " in [" << p.min << ", " << p.max << "]";
            else s << p.choices[static_cast<std::size_t>(p.default_value)] << " (or " << p.choices.back() << ")";
            s << ": " << p.meaning << "\n";
        }
        s << "  source: " << i.source << "\n";
    }
    s << "\nNew variants go in a config's inits: section, e.g.\n"
         "  inits:\n"
         "    he_fan_out: {base: he_normal, mode: fan_out}\n";
    return s.str();
}

nlohmann::json models_json() {
    nlohmann::json all = nlohmann::json::array();
    for (const auto& m : model_table()) {
        nlohmann::json params = nlohmann::json::array();
        for (const auto& p : m.params) {
            nlohmann::json j{{"name", p.name}, {"default", p.default_value}, {"min", p.min}, {"max", p.max}, {"meaning", p.meaning}};
            if (!p.choices.empty()) {
                j["default"] = p.choices[static_cast<std::size_t>(p.default_value)];
                j["choices"] = p.choices;
                j.erase("min"), j.erase("max");
            }
            params.push_back(j);
        }
        all.push_back({{"name", m.name}, {"description", m.description}, {"params", params}});
    }
    return all;
}

std::string models_text() {
    std::ostringstream s;
    for (const auto& m : model_table()) {
        s << m.name << "\n  " << m.description << "\n";
        for (const auto& p : m.params) {
            if (p.choices.empty()) {
                s << "  param " << p.name << " = " << p.default_value << " in [" << p.min << ", " << p.max << "]: " << p.meaning << "\n";
                continue;
            }
            s << "  param " << p.name << " = " << p.choices[static_cast<std::size_t>(p.default_value)] << ", one of";
            for (auto c : p.choices) s << " " << c;
            s << ": " << p.meaning << "\n";
        }
    }
    s << "Every model also takes batchnorm: none | before | after (the activation; resnet places its own by block) and\n"
         "dropout: RATE (after each hidden dense layer's activation).\n";
    return s.str();
}

ModelInspection inspect_model(const ModelSpec& model, const InputShape& input, const InitSpec& init,
                               const ActivationSpec& activation) {
    Context ctx;
    NetworkSpec spec;
    spec.model = model;
    spec.activation = activation;
    Network net(ctx, spec, 1, input);
    Rng rng(1);
    net.initialise(init, rng);
    nlohmann::json layers = nlohmann::json::array();
    std::ostringstream t;
    char line[256];
    std::snprintf(line, sizeof line, "%-10s %-11s %-14s %10s %14s %12s\n", "layer", "kind", "output", "params",
                  "forward MFLOP", "init std");
    t << model.name << " on " << input.channels << "x" << input.height << "x" << input.width << " input, "
      << input.classes << " classes, init " << init.name << "\n" << line;
    double forward = 0, training = 0;
    std::size_t params = 0;
    const auto summary = net.summary();
    auto all_params = net.params();
    for (std::size_t i = 0; i < summary.size(); ++i) {
        const auto& l = summary[i];
        std::string out;
        for (std::size_t k = 1; k < l.output.size(); ++k) {
            if (!out.empty()) out += 'x';
            out += std::to_string(l.output[k]);
        }
        const double flops = 2 * l.forward_macs;
        forward += flops;
        training += flops * (i == 0 ? 2 : 3);
        params += l.params;
        double weight_std = NAN;
        for (Param* p : all_params)
            if (p->role == ParamRole::weight && p->name == l.name + ".weight") weight_std = init.std_of(p->fan_in, p->fan_out);
        nlohmann::json j{{"name", l.name}, {"kind", l.kind}, {"output", out}, {"params", l.params}, {"forward_flops", flops}};
        j["init_std"] = std::isfinite(weight_std) ? nlohmann::json(weight_std) : nlohmann::json(nullptr);
        layers.push_back(j);
        std::snprintf(line, sizeof line, "%-10s %-11s %-14s %10zu %14.3f %12s\n", l.name.c_str(), l.kind.c_str(), out.c_str(),
                      l.params, flops / 1e6, std::isfinite(weight_std) ? std::to_string(weight_std).substr(0, 8).c_str() : "");
        t << line;
    }
    t << "total: " << params << " parameters; " << forward / 1e6 << " MFLOP forward, " << training / 1e6
      << " MFLOP per training image (forward + backward-data + backward-weights)\n";
    return {{{"model", model.name}, {"layers", layers}, {"params", params}, {"forward_flops", forward},
             {"training_flops", training}},
            t.str()};
}

namespace {

// A tuned config's plan: stage 1 as a plan of its own; stage 2's size is known, its values are chosen later.
void write_tuned_plan(const Config& config, int jobs, bool json, std::ostream& out) {
    const std::size_t values = config.tune->values.size();
    const std::size_t final_trials = config.final_stage->cell_count() / values;
    if (!json)
        out << "stage 1 (tuning " << config.tune->axis << " over " << values << " values, seeds " << nlohmann::json(config.tune->seeds).dump()
            << ", chosen by " << config.tune->select << "):\n";
    std::ostringstream stage1;
    write_plan(*config.tuning_stage, jobs, json, stage1);
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
        << "\n";
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
                                static_cast<double>(p.data.train.count()), static_cast<double>(p.data.test.count())};
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

    // Throughput: a few training steps of the trial's network, one thread (the default per trial).
    double measure(const Trial& first) {
        omp_set_num_threads(1);
        const InputShape shape = facts_of(first.dataset).shape;
        Context ctx;
        Network net(ctx, NetworkSpec{first.model, first.activation, first.bias, 1}, first.train.batch, shape);
        Rng rng(1);
        net.initialise(first.init, rng);
        Optimizer optimizer(net.params(), first.train.optimizer);
        std::vector<std::int32_t> labels(first.train.batch, 0);
        const std::size_t inputs = static_cast<std::size_t>(first.train.batch) * shape.channels * shape.height * shape.width;
        for (std::size_t i = 0; i < inputs; ++i) net.input()[i] = static_cast<float>(rng.normal());
        auto step = [&] {
            net.forward(labels.data(), first.train.batch);
            net.backward();
            optimizer.step(1e-6);
        };
        step();
        const auto t0 = std::chrono::steady_clock::now();
        const int steps = 5;
        for (int i = 0; i < steps; ++i) step();
        const double seconds_per_image =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count() / (steps * first.train.batch);
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

}  // namespace

void write_plan(const Config& config, int jobs, bool json, std::ostream& out) {
    if (config.tune) return write_tuned_plan(config, jobs, json, out);
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
    if (json) {
        out << "]}\n";
        return;
    }
    out << count << " trials; measured " << estimate.flops_per_second() / 1e9 << " GFLOP/s per trial (1 thread); about "
        << static_cast<long>(wall) << " s of wall time with " << parallel << " jobs\n";
    if (config.adaptive)
        out << "adaptive seeds: rounds of " << config.adaptive->step << " from " << config.adaptive->min << " to " << config.adaptive->max
            << " seeds, so between " << count / static_cast<std::size_t>(config.adaptive->max) * config.adaptive->min << " and " << count
            << " of these trials run: about " << static_cast<long>(wall * config.adaptive->min / config.adaptive->max) << "–"
            << static_cast<long>(wall) << " s\n";
}

nlohmann::json datasets_json() {
    nlohmann::json all = nlohmann::json::array();
    for (const DatasetKind& k : dataset_kinds()) {
        nlohmann::json keys = nlohmann::json::array();
        for (auto key : k.keys) keys.push_back(key);
        if (k.subsets) keys.push_back("train_subset"), keys.push_back("test_subset");
        all.push_back({{"kind", k.name}, {"description", k.description}, {"keys", keys}});
    }
    return all;
}

std::string datasets_text() {
    std::ostringstream s;
    for (const auto& d : datasets_json()) {
        s << d["kind"].get<std::string>() << "\n  " << d["description"].get<std::string>() << "\n  keys:";
        for (const auto& k : d["keys"]) s << " " << k.get<std::string>();
        s << "\n";
    }
    s << "Every kind also takes";
    for (auto key : kCommonDatasetKeys)
        if (key != "kind") s << " " << key;
    s << " (normalize: none | unit | standard).\n";
    return s.str();
}

DatasetInspection inspect_dataset(const DatasetConfig& config, const std::string& sheet_path) {
    const PreparedData p = prepare_data(config);
    const Dataset& d = p.data;
    auto per_class = [&](const ImageSet& set) {
        std::vector<std::size_t> n(d.classes, 0);
        for (auto l : set.labels) ++n[l];
        return n;
    };
    const auto train_counts = per_class(d.train), test_counts = per_class(d.test);
    std::vector<double> mean(d.train.channels, 0), sd(d.train.channels, 0);
    const std::size_t plane = static_cast<std::size_t>(d.train.height) * d.train.width;
    for (int c = 0; c < d.train.channels; ++c) {
        double s1 = 0, s2 = 0;
        for (std::size_t i = 0; i < d.train.count(); ++i)
            for (std::size_t k = 0; k < plane; ++k) {
                const double v = d.train.image(i)[c * plane + k] / 255.0;
                s1 += v, s2 += v * v;
            }
        const double n = static_cast<double>(plane * d.train.count());
        mean[c] = s1 / n;
        sd[c] = std::sqrt(std::max(0.0, s2 / n - mean[c] * mean[c]));
    }
    std::ostringstream t;
    t << d.name << ": " << d.train.count() << " training and " << d.test.count() << " test images of " << d.train.channels << "x"
      << d.train.height << "x" << d.train.width << ", " << d.classes << " classes\n";
    for (int c = 0; c < d.train.channels; ++c)
        t << "channel " << c << ": training pixels mean " << mean[c] << ", std " << sd[c] << " (of x/255)\n";
    t << "class      train   test\n";
    for (int c = 0; c < d.classes; ++c) {
        char line[128];
        std::snprintf(line, sizeof line, "%-9s %6zu %6zu\n", d.class_names[c].substr(0, 9).c_str(), train_counts[c], test_counts[c]);
        t << line;
    }
    if (!sheet_path.empty()) {
        // One row per class, up to 10 training images each, 2 px gaps.
        const int h = d.train.height, w = d.train.width, ch = d.train.channels, per_row = 10, gap = 2;
        cv::Mat sheet(d.classes * (h + gap), per_row * (w + gap), ch == 1 ? CV_8UC1 : CV_8UC3, cv::Scalar::all(255));
        std::vector<int> placed(d.classes, 0);
        for (std::size_t i = 0; i < d.train.count(); ++i) {
            const int c = d.train.labels[i];
            if (placed[c] >= per_row) continue;
            const int x0 = placed[c]++ * (w + gap), y0 = c * (h + gap);
            const std::uint8_t* img = d.train.image(i);
            for (int y = 0; y < h; ++y)
                for (int x = 0; x < w; ++x) {
                    const std::size_t at = static_cast<std::size_t>(y) * w + x;
                    if (ch == 1) sheet.at<std::uint8_t>(y0 + y, x0 + x) = img[at];
                    else sheet.at<cv::Vec3b>(y0 + y, x0 + x) = cv::Vec3b(img[2 * plane + at], img[plane + at], img[at]);  // RGB planes → BGR
                }
        }
        if (!cv::imwrite(sheet_path, sheet)) throw IoError(sheet_path + ": cannot write the contact sheet");
        t << "contact sheet: " << sheet_path << "\n";
    }
    nlohmann::json classes = nlohmann::json::array();
    for (int c = 0; c < d.classes; ++c)
        classes.push_back({{"name", d.class_names[c]}, {"train", train_counts[c]}, {"test", test_counts[c]}});
    return {{{"name", d.name}, {"train", d.train.count()}, {"test", d.test.count()}, {"channels", d.train.channels},
             {"height", d.train.height}, {"width", d.train.width}, {"classes", classes}, {"pixel_mean", mean}, {"pixel_std", sd}},
            t.str()};
}

Curve activation_curve(const ActivationSpec& spec, double lo, double hi, int points) {
    if (spec.info->kernel == ActivationKernel::maxout)
        throw std::invalid_argument(spec.name + ": maxout is a max over channels, not a function of one x; nothing to show");
    if (!(lo < hi)) throw std::invalid_argument("the range must have A < B");
    if (points < 2 || points > 100000) throw std::invalid_argument("points must be 2..100000");
    Curve c;
    for (int k = 0; k < points; ++k) {
        const double x = lo + (hi - lo) * k / (points - 1);
        c.x.push_back(x);
        c.f.push_back(spec.f(x));
        c.df.push_back(spec.df(x));
    }
    return c;
}

std::string curve_text(const ActivationSpec& spec, const Curve& c) {
    std::ostringstream s;
    const bool stochastic = spec.info->kernel == ActivationKernel::rrelu || spec.info->kernel == ActivationKernel::noisy_relu;
    s << spec.name << ": " << (spec.formula ? spec.formula->text() : std::string(spec.info->formula)) << "\n";
    if (stochastic) s << "(evaluation form; training draws noise)\n";
    s << "        x          f(x)         f'(x)\n";
    for (std::size_t i = 0; i < c.x.size(); ++i) {
        char line[96];
        std::snprintf(line, sizeof line, "%9.4f  %12.6g  %12.6g\n", c.x[i], c.f[i], c.df[i]);
        s << line;
    }
    return s.str();
}

nlohmann::json curve_json(const ActivationSpec& spec, const Curve& c) {
    return {{"name", spec.name}, {"x", c.x}, {"f", c.f}, {"df", c.df}};
}

std::string curve_svg(const ActivationSpec& spec, const Curve& c) {
    return svg_line_plot({spec.name + ": f(x) and f'(x)", "x", "", 640, 400},
                         {{"f(x)", "#1f77b4", c.x, c.f, {}, {}, false}, {"f'(x)", "#d62728", c.x, c.df, {}, {}, false}});
}

}  // namespace actbench
