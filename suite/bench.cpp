#include "bench.hpp"

#include "describe.hpp"
#include "dataset.hpp"
#include "network.hpp"
#include "optimizer.hpp"

#include <omp.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <map>
#include <sstream>

namespace actbench {

namespace {

using Clock = std::chrono::steady_clock;

// Runs `step` until `seconds` have passed (after two warm-up calls); returns seconds per call.
template <class Step>
double time_per_call(Step&& step, double seconds) {
    step();
    step();
    const auto t0 = Clock::now();
    long calls = 0;
    double elapsed = 0;
    do {
        step();
        ++calls;
        elapsed = std::chrono::duration<double>(Clock::now() - t0).count();
    } while (elapsed < seconds);
    return elapsed / static_cast<double>(calls);
}

// Runs `step` as time_per_call does, with every section timed into `profile`; returns the calls made (the
// warm-up calls included: they are timed too).
template <class Step>
long profiled_calls(Context& ctx, Profile& profile, Step&& step, double seconds) {
    long calls = 0;
    ctx.profile = &profile;
    time_per_call([&] {
        step();
        ++calls;
    }, seconds);
    ctx.profile = nullptr;
    return calls;
}

// The fp32 matrix-multiply peak: oneDNN matmul on square matrices, the best of a few sizes and of two
// layouts — plain row-major, and the layouts the primitive prefers (format_tag::any: blocked weights,
// which let oneDNN use its brgemm kernels where it has them).
double matmul_gflops(Context& ctx, double seconds) {
    double best = 0;
    for (memory::dim n : {1024, 2048})
        for (const tag layout : {tag::ab, tag::any}) {
            const memory::desc a({n, n}, dt::f32, layout), b({n, n}, dt::f32, layout), c({n, n}, dt::f32, tag::ab);
            dnnl::matmul::primitive_desc pd(dnnl::matmul::desc(a, b, c), ctx.engine);
            dnnl::matmul mm(pd);
            memory ma(pd.src_desc(), ctx.engine), mb(pd.weights_desc(), ctx.engine), mc(pd.dst_desc(), ctx.engine);
            std::fill(data_of(ma), data_of(ma) + floats_in(pd.src_desc()), 0.5f);
            std::fill(data_of(mb), data_of(mb) + floats_in(pd.weights_desc()), 0.25f);
            const double t = time_per_call([&] {
                mm.execute(ctx.stream, {{DNNL_ARG_SRC, ma}, {DNNL_ARG_WEIGHTS, mb}, {DNNL_ARG_DST, mc}});
                ctx.stream.wait();
            }, seconds / 4);
            best = std::max(best, 2.0 * static_cast<double>(n) * n * n / t / 1e9);
        }
    return best;
}

// Writes one profile (sections timed over `calls_made` steps) to `t` as a table by category and one by layer, and
// returns it as JSON.
nlohmann::json report_profile(const Profile& profile, long calls_made, const char* what, std::ostringstream& t) {
    const double calls = static_cast<double>(calls_made);
    std::map<std::string, double> by_category;
    double total = 0;
    for (const auto& [key, sec] : profile.seconds) by_category[key.first] += sec, total += sec;
    std::vector<std::pair<double, std::pair<std::string, std::string>>> sections;
    for (const auto& [key, sec] : profile.seconds) sections.push_back({sec, key});
    std::sort(sections.rbegin(), sections.rend());
    nlohmann::json pj{{"steps", calls_made}, {"ms_per_step", total / calls * 1e3}, {"categories", nlohmann::json::object()},
                      {"sections", nlohmann::json::array()}};
    t << "\nprofile: " << calls_made << " " << what << " steps, " << total / calls * 1e3 << " ms per step (timed sections)\n";
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
        std::snprintf(line, sizeof line, "  %-10s %-18s %8.3f  %5.1f%%\n", key.second.empty() ? "-" : key.second.c_str(),
                      key.first.c_str(), sec / calls * 1e3, 100 * sec / total);
        t << line;
        pj["sections"].push_back({{"category", key.first}, {"section", key.second}, {"ms_per_step", sec / calls * 1e3}, {"share", sec / total}});
    }
    return pj;
}

}  // namespace

BenchResult run_bench(const BenchOptions& o) {
    omp_set_num_threads(o.threads);
    Context ctx;
    const double peak = matmul_gflops(ctx, o.seconds);
    const InputShape input{1, 28, 28, 10};
    Network net(ctx, NetworkSpec{o.model, o.activation, 0.0, 1}, o.batch, input);
    Rng rng(1);
    net.initialise(builtin_init("he_normal"), rng);
    Optimizer optimizer(net.params(), OptimizerSpec{});
    std::vector<std::int32_t> labels(o.batch);
    for (auto& l : labels) l = static_cast<std::int32_t>(rng.below(10));
    for (std::size_t i = 0; i < static_cast<std::size_t>(o.batch) * 28 * 28; ++i) net.input()[i] = static_cast<float>(rng.normal());
    long profile_steps = 0;
    const double train_step = time_per_call([&] {
        net.forward(labels.data(), o.batch);
        net.backward();
        optimizer.step(1e-6);
    }, o.seconds);
    // The profile: the same training step with every section timed, and a batch prepared as the trainer does
    // (uint8 images normalised into the input buffer) timed as "data".
    Profile profile;
    if (o.profile) {
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
        profile_steps = profiled_calls(ctx, profile, [&] {
            {
                ProfileScope timed(ctx, "data", data);
                fill_batch(images, indices, 0, o.batch, norm, batch_buffer.data(), labels.data());
            }
            net.forward(labels.data(), o.batch);
            net.backward();
            ProfileScope timed(ctx, "optimizer", optimizer_name);
            optimizer.step(1e-6);
        }, o.seconds);
    }
    net.set_training(false);
    const double eval_step = time_per_call([&] { net.forward(labels.data(), o.batch); }, o.seconds);
    Profile eval_profile;
    const long eval_profile_steps =
        o.profile ? profiled_calls(ctx, eval_profile, [&] { net.forward(labels.data(), o.batch); }, o.seconds) : 0;
    const nlohmann::json shape = inspect_model(o.model, input, builtin_init("he_normal"), o.activation).json;
    const double train_flops = shape["training_flops"].get<double>(), forward_flops = shape["forward_flops"].get<double>();
    const double train_ips = o.batch / train_step, eval_ips = o.batch / eval_step;
    const double achieved = train_flops * train_ips / 1e9;
    nlohmann::json j{{"model", o.model.name}, {"model_params", o.model.params}, {"activation", o.activation.name}, {"batch", o.batch}, {"threads", o.threads},
                     {"matmul_peak_gflops", peak}, {"training_flops_per_image", train_flops},
                     {"forward_flops_per_image", forward_flops}, {"training_images_per_second", train_ips},
                     {"training_gflops", achieved}, {"efficiency", achieved / peak},
                     {"evaluation_images_per_second", eval_ips}, {"evaluation_vs_training", eval_ips / train_ips}};
    std::ostringstream t;
    t << "model " << o.model.name;
    for (const auto& [k, v] : o.model.params) t << " " << k << "=" << v;
    t << ", activation " << o.activation.name << ", batch " << o.batch << ", " << o.threads << " thread(s)\n"
      << "fp32 matmul peak (oneDNN, 1024² and 2048², plain and preferred layouts): " << static_cast<long>(peak) << " GFLOP/s\n"
      << "training: " << static_cast<long>(train_ips) << " images/s x " << train_flops / 1e6 << " MFLOP/image = "
      << static_cast<long>(achieved) << " GFLOP/s, efficiency " << achieved / peak << " of peak\n"
      << "evaluation: " << static_cast<long>(eval_ips) << " images/s, " << eval_ips / train_ips << "x training\n"
      << "(training FLOPs per image: forward + backward-data + backward-weights of conv and dense layers, as `inspect "
         "model` counts them)\n";
    if (profile_steps > 0) j["profile"] = report_profile(profile, profile_steps, "training", t);
    if (eval_profile_steps > 0)
        j["evaluation_profile"] = report_profile(eval_profile, eval_profile_steps, "evaluation", t);
    return {j, t.str()};
}

}  // namespace actbench
