// Forward and backward of every activation on a 64×32×28×28 fp32 tensor (the output of a LeNet conv layer at
// batch 64), in bytes per second and as a ratio to a plain copy of the same bytes measured in the same
// benchmark, with the same OpenMP threads — so the ratio is comparable across machines and loads.
//   OMP_NUM_THREADS=1 build/bench/bench_activations
// Bytes: forward reads x and writes y (2 × 6.4 MB); backward reads x and dy and writes dx (3 ×).
// Also: a formula activation (x * sigmoid(x)) against the built-in swish, and formulas with learned parameters
// against the same formulas with constants and against the built-in prelu.
#include "activation.hpp"

#include <benchmark/benchmark.h>

#include <algorithm>
#include <chrono>
#include <cstring>

using namespace actbench;

namespace {

const memory::dims kDims{64, 32, 28, 28};

// Bytes per second of a parallel memcpy of n floats (read + write), best of 5.
double copy_bytes_per_second(const float* a, float* b, std::size_t n) {
    double best = 1e30;
    for (int rep = 0; rep < 5; ++rep) {
        const auto t0 = std::chrono::steady_clock::now();
        constexpr std::size_t kChunk = 1 << 16;
#pragma omp parallel for schedule(static)
        for (std::size_t c = 0; c < (n + kChunk - 1) / kChunk; ++c)
            std::memcpy(b + c * kChunk, a + c * kChunk, std::min(kChunk, n - c * kChunk) * sizeof(float));
        benchmark::ClobberMemory();
        best = std::min(best, std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
    }
    return 2.0 * n * sizeof(float) / best;
}

void BM_Activation(benchmark::State& state, ActivationSpec spec, bool backward) {
    Context ctx;
    Activation act("act", spec, 7);
    act.build(ctx, plain_desc(kDims), true);
    for (Param* p : act.params())  // learned values at their start (PReLU's slopes, a formula's parameters)
        std::fill(data_of(p->value), data_of(p->value) + p->value.get_desc().get_size() / sizeof(float), p->initial);
    memory x(plain_desc(kDims), ctx.engine), dy(plain_desc(kDims), ctx.engine);
    const std::size_t n = logical_count(kDims);
    for (std::size_t i = 0; i < n; ++i) data_of(x)[i] = static_cast<float>(i % 17) * 0.5f - 4.f, data_of(dy)[i] = 1.f;
    act.forward(ctx, x);
    const double copy = copy_bytes_per_second(data_of(x), data_of(dy), n);
    std::fill(data_of(dy), data_of(dy) + n, 1.f);
    const auto t0 = std::chrono::steady_clock::now();
    for (auto _ : state) {
        if (backward)
            act.backward(ctx, dy);
        else
            act.forward(ctx, x);
        ctx.stream.wait();
    }
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    const double bytes = static_cast<double>(state.iterations()) * (backward ? 3 : 2) * n * sizeof(float);
    state.SetBytesProcessed(static_cast<std::int64_t>(bytes));
    state.counters["vs_copy"] = bytes / seconds / copy;
}

const bool registered = [] {
    std::vector<ActivationSpec> specs;
    for (const auto& info : activation_table())
        if (info.kernel != ActivationKernel::formula && info.kernel != ActivationKernel::maxout)
            specs.push_back(builtin_activation(info.name));
    specs.push_back(formula_activation("formula_silu", "x * sigmoid(x)", {}));
    // Learned parameters against the same formula with constants, and against the built-in prelu (oneDNN's): the
    // cost of a per-element parameter block, one tangent more per parameter in backward, and the plain layout.
    using C = LearnedParam::Constraint;
    specs.push_back(formula_activation("formula_prelu_const", "x > 0 ? x : a * x", {{"a", 0.25}}));
    specs.push_back(formula_activation("formula_prelu_learned", "x > 0 ? x : a * x", {}, {LearnedParam{"a", 0.25, true, C::none}}));
    specs.push_back(formula_activation("formula_swish_beta_const", "x * sigmoid(beta * x)", {{"beta", 1.0}}));
    specs.push_back(
        formula_activation("formula_swish_beta_learned", "x * sigmoid(beta * x)", {}, {LearnedParam{"beta", 1.0, true, C::none}}));
    for (const auto& spec : specs)
        for (bool backward : {false, true})
            benchmark::RegisterBenchmark(((backward ? "BM_Backward/" : "BM_Forward/") + spec.name).c_str(), BM_Activation, spec, backward)
                ->UseRealTime()
                ->Unit(benchmark::kMicrosecond);
    return true;
}();

}  // namespace
