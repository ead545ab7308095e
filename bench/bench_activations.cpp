// Forward and backward of every activation in the table on a 64×32×28×28 fp32 tensor, beside a plain copy of
// the same bytes measured in the same run, so the ratio (activation bytes/s ÷ copy bytes/s) is comparable
// across machines.
//   build/bench/bench_activations
#include "activation.hpp"

#include <benchmark/benchmark.h>

#include <cstring>

using namespace actbench;

namespace {

const memory::dims kDims{64, 32, 28, 28};

void BM_Copy(benchmark::State& state) {
    const std::size_t n = logical_count(kDims);
    std::vector<float> a(n, 1.f), b(n);
    for (auto _ : state) {
        std::memcpy(b.data(), a.data(), n * sizeof(float));
        benchmark::ClobberMemory();
    }
    state.SetBytesProcessed(state.iterations() * 2 * n * sizeof(float));  // read + write
}

void BM_Activation(benchmark::State& state, const ActivationInfo* info, bool backward) {
    Context ctx;
    Activation act("act", *info);
    act.build(ctx, plain_desc(kDims), true);
    memory x(plain_desc(kDims), ctx.engine), dy(plain_desc(kDims), ctx.engine);
    const std::size_t n = logical_count(kDims);
    for (std::size_t i = 0; i < n; ++i) data_of(x)[i] = static_cast<float>(i % 17) - 8.f, data_of(dy)[i] = 1.f;
    act.forward(ctx, x);
    for (auto _ : state) {
        if (backward) act.backward(ctx, dy);
        else act.forward(ctx, x);
        ctx.stream.wait();
    }
    // Forward reads x and writes y; backward reads x and dy and writes dx.
    state.SetBytesProcessed(state.iterations() * (backward ? 3 : 2) * n * sizeof(float));
}

const bool registered = [] {
    for (const auto& info : activation_table()) {
        benchmark::RegisterBenchmark(("BM_Forward/" + std::string(info.name)).c_str(), BM_Activation, &info, false)
            ->UseRealTime();
        benchmark::RegisterBenchmark(("BM_Backward/" + std::string(info.name)).c_str(), BM_Activation, &info, true)
            ->UseRealTime();
    }
    return true;
}();

}  // namespace

BENCHMARK(BM_Copy)->UseRealTime();
