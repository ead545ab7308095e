#include "bench.hpp"

#include "describe.hpp"
#include "network.hpp"
#include "optimizer.hpp"

#include <omp.h>

#include <chrono>
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

// The fp32 matrix-multiply peak: oneDNN matmul on square matrices, the best of a few sizes.
double matmul_gflops(Context& ctx, double seconds) {
    double best = 0;
    for (memory::dim n : {1024, 2048}) {
        const memory::desc a({n, n}, dt::f32, tag::ab), b({n, n}, dt::f32, tag::ab), c({n, n}, dt::f32, tag::ab);
        dnnl::matmul::primitive_desc pd(dnnl::matmul::desc(a, b, c), ctx.engine);
        dnnl::matmul mm(pd);
        memory ma(a, ctx.engine), mb(b, ctx.engine), mc(c, ctx.engine);
        std::fill(data_of(ma), data_of(ma) + n * n, 0.5f);
        std::fill(data_of(mb), data_of(mb) + n * n, 0.25f);
        const double t = time_per_call([&] {
            mm.execute(ctx.stream, {{DNNL_ARG_SRC, ma}, {DNNL_ARG_WEIGHTS, mb}, {DNNL_ARG_DST, mc}});
            ctx.stream.wait();
        }, seconds / 2);
        best = std::max(best, 2.0 * static_cast<double>(n) * n * n / t / 1e9);
    }
    return best;
}

}  // namespace

BenchResult run_bench(const BenchOptions& o) {
    omp_set_num_threads(o.threads);
    Context ctx;
    const double peak = matmul_gflops(ctx, o.seconds);
    const InputShape input{1, 28, 28, 10};
    Network net(ctx, NetworkSpec{o.model, builtin_activation("relu"), 0.0, 1}, o.batch, input);
    Rng rng(1);
    net.initialise(builtin_init("he_normal"), rng);
    Optimizer optimizer(net.params(), OptimizerSpec{});
    std::vector<std::int32_t> labels(o.batch);
    for (auto& l : labels) l = static_cast<std::int32_t>(rng.below(10));
    for (std::size_t i = 0; i < static_cast<std::size_t>(o.batch) * 28 * 28; ++i) net.input()[i] = static_cast<float>(rng.normal());
    const double train_step = time_per_call([&] {
        net.forward(labels.data(), o.batch);
        net.backward();
        optimizer.step(1e-6);
    }, o.seconds);
    net.set_training(false);
    const double eval_step = time_per_call([&] { net.forward(labels.data(), o.batch); }, o.seconds);
    const nlohmann::json shape = inspect_model(o.model, input, builtin_init("he_normal")).json;
    const double train_flops = shape["training_flops"].get<double>(), forward_flops = shape["forward_flops"].get<double>();
    const double train_ips = o.batch / train_step, eval_ips = o.batch / eval_step;
    const double achieved = train_flops * train_ips / 1e9;
    nlohmann::json j{{"model", o.model.name}, {"model_params", o.model.params}, {"batch", o.batch}, {"threads", o.threads},
                     {"matmul_peak_gflops", peak}, {"training_flops_per_image", train_flops},
                     {"forward_flops_per_image", forward_flops}, {"training_images_per_second", train_ips},
                     {"training_gflops", achieved}, {"efficiency", achieved / peak},
                     {"evaluation_images_per_second", eval_ips}, {"evaluation_vs_training", eval_ips / train_ips}};
    std::ostringstream t;
    t << "model " << o.model.name;
    for (const auto& [k, v] : o.model.params) t << " " << k << "=" << v;
    t << ", batch " << o.batch << ", " << o.threads << " thread(s)\n"
      << "fp32 matmul peak (oneDNN, 1024² and 2048²): " << static_cast<long>(peak) << " GFLOP/s\n"
      << "training: " << static_cast<long>(train_ips) << " images/s x " << train_flops / 1e6 << " MFLOP/image = "
      << static_cast<long>(achieved) << " GFLOP/s, efficiency " << achieved / peak << " of peak\n"
      << "evaluation: " << static_cast<long>(eval_ips) << " images/s, " << eval_ips / train_ips << "x training\n"
      << "(training FLOPs per image: forward + backward-data + backward-weights of conv and dense layers, as `inspect "
         "model` counts them)\n";
    return {j, t.str()};
}

}  // namespace actbench
