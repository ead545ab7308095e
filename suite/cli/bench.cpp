#include "cli/bench.hpp"

#include "cli/describe.hpp"
#include "core/error.hpp"
#include "dataset.hpp"
#include "network.hpp"
#include "optimizer.hpp"
#include "params.hpp"

#include <omp.h>
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <map>
#include <set>
#include <sstream>

namespace actbench {

namespace {

// Runs `step` as time_per_call does, with every section timed into `profile`; returns the calls made (the
// warm-up calls included: they are timed too).
template <class Step>
long profiled_calls(Context& ctx, Profile& profile, Step&& step, double seconds) {
    long calls = 0;
    ctx.profile = &profile;
    time_per_call(
        [&] {
            step();
            ++calls;
        },
        seconds);
    ctx.profile = nullptr;
    return calls;
}

// The matrix-multiply peak in one precision: oneDNN matmul on square matrices, the best of a few sizes and of two
// layouts — plain row-major, and the layouts the primitive prefers (format_tag::any: blocked weights, which let
// oneDNN use its brgemm kernels where it has them). bf16 multiplies bf16 matrices into an fp32 result, as the
// conv and dense layers' forward does.
double matmul_gflops(Context& ctx, double seconds, Precision precision) {
    const dt in = data_type_of(precision);
    double best = 0;
    for (memory::dim n : {1024, 2048})
        for (const tag layout : {tag::ab, tag::any}) {
            const memory::desc a({n, n}, in, layout), b({n, n}, in, layout), c({n, n}, dt::f32, tag::ab);
            dnnl::matmul::primitive_desc pd(dnnl::matmul::desc(a, b, c), ctx.engine);
            dnnl::matmul mm(pd);
            memory ma(pd.src_desc(), ctx.engine), mb(pd.weights_desc(), ctx.engine), mc(pd.dst_desc(), ctx.engine);
            from_plain(ctx, std::vector<float>(static_cast<std::size_t>(n * n), 0.5f), ma);
            from_plain(ctx, std::vector<float>(static_cast<std::size_t>(n * n), 0.25f), mb);
            const double t = time_per_call(
                [&] {
                    mm.execute(ctx.stream, {{DNNL_ARG_SRC, ma}, {DNNL_ARG_WEIGHTS, mb}, {DNNL_ARG_DST, mc}});
                    ctx.stream.wait();
                },
                seconds / 4);
            best = std::max(best, 2.0 * static_cast<double>(n) * n * n / t / 1e9);
        }
    return best;
}

// The layers, by name, whose work is one oneDNN primitive per direction that the architecture itself asks for: the
// conv and dense layers, and with them batch norm and pooling. Their primitives' time bounds what any saving
// around them can reach.
struct PrimitiveLayers {
    std::set<std::string> conv_dense, required;
};

PrimitiveLayers primitive_layers(Network& net) {
    PrimitiveLayers layers;
    auto strip = [](const std::string& name, const std::string& suffix) { return name.substr(0, name.size() - suffix.size()); };
    for (const Param* param : net.params()) {
        if (param->role == ParamRole::weight) layers.conv_dense.insert(strip(param->name, ".weight"));
        if (param->role == ParamRole::norm && param->name.ends_with(".scale")) layers.required.insert(strip(param->name, ".scale"));
    }
    for (const auto& layer : net.summary())
        if (layer.kind == "maxpool" || layer.kind == "global_avgpool") layers.required.insert(layer.name);
    layers.required.insert(layers.conv_dense.begin(), layers.conv_dense.end());
    return layers;
}

// Writes one profile (sections timed over `calls_made` steps) to `t` as a table by category and one by layer, and
// returns it as JSON, with the time of the conv and dense layers' own primitives and of every required one (`layers`).
nlohmann::json report_profile(const Profile& profile, long calls_made, const char* what, const PrimitiveLayers& layers,
                              std::ostringstream& t) {
    const double calls = static_cast<double>(calls_made);
    std::map<std::string, double> by_category;
    double total = 0, primitives = 0, required = 0;
    for (const auto& [key, sec] : profile.seconds) {
        by_category[key.first] += sec, total += sec;
        const bool compute = key.first == "forward" || key.first == "backward-data" || key.first == "backward-weights";
        if (compute && layers.conv_dense.count(key.second)) primitives += sec;
        if (compute && layers.required.count(key.second)) required += sec;
    }
    std::vector<std::pair<double, std::pair<std::string, std::string>>> sections;
    for (const auto& [key, sec] : profile.seconds) sections.push_back({sec, key});
    std::sort(sections.rbegin(), sections.rend());
    nlohmann::json pj{{"steps", calls_made},
                      {"ms_per_step", total / calls * 1e3},
                      {"categories", nlohmann::json::object()},
                      {"sections", nlohmann::json::array()}};
    pj["conv_dense_ms_per_step"] = primitives / calls * 1e3;
    pj["required_primitives_ms_per_step"] = required / calls * 1e3;
    t << "\nprofile: " << calls_made << " " << what << " steps, " << total / calls * 1e3 << " ms per step (timed sections), of which "
      << primitives / calls * 1e3 << " ms the conv and dense layers' primitives (" << 100 * primitives / total << "%), "
      << required / calls * 1e3 << " ms with batch norm's and pooling's (" << 100 * required / total << "%)\n";
    t << "  category            ms/step   share\n";
    char line[160];
    std::vector<std::pair<double, std::string>> categories;
    for (const auto& [c, sec] : by_category) categories.push_back({sec, c});
    std::sort(categories.rbegin(), categories.rend());
    for (const auto& [sec, c] : categories) {
        std::snprintf(line, sizeof line, "  %-18s %8.3f  %5.1f%%\n", c.c_str(), sec / calls * 1e3, 100 * sec / total);
        t << line;
        pj["categories"][c] = {{"ms_per_step", sec / calls * 1e3}, {"share", sec / total}};
    }
    t << "  layer      category            ms/step   share\n";
    for (const auto& [sec, key] : sections) {
        std::snprintf(line, sizeof line, "  %-10s %-18s %8.3f  %5.1f%%\n", key.second.empty() ? "-" : key.second.c_str(), key.first.c_str(),
                      sec / calls * 1e3, 100 * sec / total);
        t << line;
        pj["sections"].push_back(
            {{"category", key.first}, {"section", key.second}, {"ms_per_step", sec / calls * 1e3}, {"share", sec / total}});
    }
    return pj;
}

}  // namespace

namespace {

// One precision's measurements of the model: seconds per training and per evaluation step, and, with --profile,
// their breakdowns (JSON, with the tables written to `t`).
struct Throughput {
    double train_step = 0, eval_step = 0;
    nlohmann::json profile, evaluation_profile;
};

Throughput measure_model(Context& ctx, const BenchOptions& o, Precision precision, bool profile, std::ostringstream& t) {
    const InputShape input{1, 28, 28, 10};
    NetworkSpec spec{o.model, o.activation, 0.0, 1};
    spec.precision = precision;
    Network net(ctx, spec, o.batch, input);
    Rng rng(1);
    net.initialise(builtin_init("he_normal"), rng);
    Optimizer optimizer(net.params(), OptimizerSpec{});
    std::vector<std::int32_t> labels(o.batch);
    for (auto& l : labels) l = static_cast<std::int32_t>(rng.below(10));
    for (std::size_t i = 0; i < static_cast<std::size_t>(o.batch) * 28 * 28; ++i) net.input()[i] = static_cast<float>(rng.normal());
    Throughput r;
    r.train_step = time_per_call(
        [&] {
            net.forward(labels.data(), o.batch);
            net.backward();
            optimizer.step(1e-6);
        },
        o.seconds);
    const std::string what = std::string(precision_name(precision)) + " training";
    const PrimitiveLayers layers = primitive_layers(net);
    if (profile) {
        // The same training step with every section timed, and a batch prepared as the trainer does (uint8 images
        // normalised into the input buffer) timed as "data".
        ImageSet images;
        images.height = images.width = 28;
        images.pixels.resize(static_cast<std::size_t>(o.batch) * 28 * 28);
        for (auto& p : images.pixels) p = static_cast<std::uint8_t>(rng.below(256));
        images.labels.assign(static_cast<std::size_t>(o.batch), 0);
        std::vector<std::size_t> indices(static_cast<std::size_t>(o.batch));
        for (std::size_t i = 0; i < indices.size(); ++i) indices[i] = i;
        const Normalizer norm = make_normalizer(images, "standard");
        std::vector<float> batch_buffer(images.pixels.size());
        static const std::string data = "batch", optimizer_name = "step";
        Profile p;
        const long steps = profiled_calls(
            ctx, p,
            [&] {
                {
                    ProfileScope timed(ctx, "data", data);
                    fill_batch(images, indices, 0, o.batch, norm, batch_buffer.data(), labels.data());
                }
                net.forward(labels.data(), o.batch);
                net.backward();
                ProfileScope timed(ctx, "optimizer", optimizer_name);
                optimizer.step(1e-6);
            },
            o.seconds);
        r.profile = report_profile(p, steps, what.c_str(), layers, t);
    }
    net.set_training(false);
    r.eval_step = time_per_call([&] { net.forward(labels.data(), o.batch); }, o.seconds);
    if (profile) {
        Profile p;
        const long steps = profiled_calls(
            ctx, p, [&] { net.forward(labels.data(), o.batch); }, o.seconds);
        r.evaluation_profile = report_profile(p, steps, (std::string(precision_name(precision)) + " evaluation").c_str(), layers, t);
    }
    return r;
}

}  // namespace

namespace {
// A model and batch that cannot fit this machine's memory are refused before anything is built (they would grow
// until the kernel killed the process): the same estimate validate uses for a config (ModelFootprint).
void check_bench_fits(const BenchOptions& o) {
    ModelFootprint footprint;
    try {
        check_activation_width(o.model, o.activation.width_multiplier(), o.activation.name);
        footprint = check_input_fits(o.model, 1, 28, 28, 10);
    } catch (const std::invalid_argument& e) {
        throw InputError(std::string("bench: ") + e.what());
    }
    const double memory = machine_memory();
    const double need = footprint.bytes(o.batch);
    if (need <= memory) return;
    char text[256];
    std::snprintf(text, sizeof text,
                  "bench: model %s with --batch %d needs about %.1f GB (%.3g parameters and %.3g values per image); this "
                  "machine has %.1f GB: lower --batch or the model's size",
                  o.model.name.c_str(), o.batch, need / 1e9, footprint.params, footprint.values_per_image, memory / 1e9);
    throw InputError(text);
}
}  // namespace

std::string fixed(double v, int digits) {
    char b[48];
    std::snprintf(b, sizeof b, "%.*f", digits, v);
    return b;
}

std::string model_text(const ModelSpec& model) {
    std::ostringstream t;
    t << model.name;
    for (const auto& p : find_model(model.name).params)  // a choice by its name
        if (p.choices.empty())
            t << " " << p.name << "=" << model.param(p.name);
        else
            t << " " << p.name << "=" << choice_name(p.choices, model.param(p.name));
    return t.str();
}

BenchResult run_bench(const BenchOptions& o) {
    check_bench_fits(o);
    omp_set_num_threads(o.threads);
    require_precision(o.precision);
    Context ctx;
    const bool bf16 = o.precision == Precision::bf16;
    const double peak = matmul_gflops(ctx, o.seconds, Precision::fp32);
    const double peak16 = bf16 ? matmul_gflops(ctx, o.seconds, Precision::bf16) : 0;
    std::ostringstream profiles;
    const Throughput fp32 = measure_model(ctx, o, Precision::fp32, o.profile && !bf16, profiles);
    const Throughput low = bf16 ? measure_model(ctx, o, Precision::bf16, o.profile, profiles) : Throughput{};

    const nlohmann::json shape = inspect_model(o.model, InputShape{1, 28, 28, 10}, builtin_init("he_normal"), o.activation).json;
    const double train_flops = shape["training_flops"].get<double>(), forward_flops = shape["forward_flops"].get<double>();
    const double train_ips = o.batch / fp32.train_step, eval_ips = o.batch / fp32.eval_step;
    const double achieved = train_flops * train_ips / 1e9;
    nlohmann::json j{{"model", o.model.name},
                     {"model_params", o.model.params},
                     {"activation", o.activation.name},
                     {"batch", o.batch},
                     {"threads", o.threads},
                     {"cpu_isa", effective_isa_name()},
                     {"matmul_peak_gflops", peak},
                     {"training_flops_per_image", train_flops},
                     {"forward_flops_per_image", forward_flops},
                     {"training_images_per_second", train_ips},
                     {"training_gflops", achieved},
                     {"efficiency", achieved / peak},
                     {"evaluation_images_per_second", eval_ips},
                     {"evaluation_vs_training", eval_ips / train_ips}};
    std::ostringstream t;
    t << "model " << model_text(o.model) << ", activation " << o.activation.name << ", batch " << o.batch << ", " << o.threads << " thread(s), oneDNN ISA "
      << effective_isa_name() << "\n"
      << "fp32 matmul peak (oneDNN, 1024² and 2048², plain and preferred layouts): " << static_cast<long>(peak) << " GFLOP/s\n"
      << "training: " << static_cast<long>(train_ips) << " images/s x " << train_flops / 1e6
      << " MFLOP/image = " << static_cast<long>(achieved) << " GFLOP/s, efficiency " << achieved / peak << " of peak\n"
      << "evaluation: " << static_cast<long>(eval_ips) << " images/s, " << eval_ips / train_ips << "x training\n";
    if (bf16) {
        // Each precision's efficiency is against its own peak; the ratios are what bf16 buys end to end.
        const double train16 = o.batch / low.train_step, eval16 = o.batch / low.eval_step, achieved16 = train_flops * train16 / 1e9;
        j["bf16"] = {{"matmul_peak_gflops", peak16},
                     {"training_images_per_second", train16},
                     {"training_gflops", achieved16},
                     {"efficiency", achieved16 / peak16},
                     {"evaluation_images_per_second", eval16}};
        j["bf16_vs_fp32"] = {{"matmul_peak", peak16 / peak}, {"training", train16 / train_ips}, {"evaluation", eval16 / eval_ips}};
        t << "bf16 matmul peak (bf16 in, fp32 out): " << static_cast<long>(peak16) << " GFLOP/s\n"
          << "bf16 training: " << static_cast<long>(train16) << " images/s = " << static_cast<long>(achieved16) << " GFLOP/s, efficiency "
          << achieved16 / peak16 << " of the bf16 peak\n"
          << "bf16 evaluation: " << static_cast<long>(eval16) << " images/s\n"
          << "bf16 / fp32: matmul peak " << peak16 / peak << "x, training " << train16 / train_ips << "x, evaluation " << eval16 / eval_ips
          << "x\n";
    }
    t << "(training FLOPs per image: forward + backward-data + backward-weights of conv and dense layers, as `inspect "
         "model` counts them)\n";
    const Throughput& profiled = bf16 ? low : fp32;
    if (!profiled.profile.is_null()) {
        // The efficiency the step would reach if nothing but the conv and dense primitives took time (what their own
        // speed allows, whatever is done around them), and if nothing but them and batch norm's and pooling's did.
        auto bound = [&](const char* key) {
            const double seconds = profiled.profile[key].get<double>() / 1e3;
            return train_flops * o.batch / seconds / 1e9 / (bf16 ? peak16 : peak);
        };
        const double conv_dense = bound("conv_dense_ms_per_step"), required = bound("required_primitives_ms_per_step");
        (bf16 ? j["bf16"] : j)["primitives_bound_efficiency"] = conv_dense;
        (bf16 ? j["bf16"] : j)["required_primitives_bound_efficiency"] = required;
        t << (bf16 ? "bf16 " : "") << "training's conv and dense primitives alone (profiled): " << conv_dense
          << " of the peak, the most any saving around them can reach; with batch norm's and pooling's: " << required << "\n";
        j["profile"] = profiled.profile;
    }
    if (!profiled.evaluation_profile.is_null()) j["evaluation_profile"] = profiled.evaluation_profile;
    t << profiles.str();
    return {j, t.str()};
}

}  // namespace actbench
