// Forward and backward of each layer kind of lenet at batch 64 (conv2: 32→64 channels 5×5 on 14×14; dense1:
// 64·7·7 → 128; max-pool 2×2 on 64×14×14), with GFLOP/s for the weighted layers, so a regression in one
// layer shows apart from the whole training step (bench_training).
//   OMP_NUM_THREADS=2 build/bench/bench_layers
#include "conv.hpp"
#include "dense.hpp"
#include "pool.hpp"
#include "rng.hpp"

#include <benchmark/benchmark.h>

using namespace actbench;

namespace {

constexpr int kBatch = 64;

memory random_memory(Context& ctx, const memory::dims& dims) {
    memory m(plain_desc(dims), ctx.engine);
    Rng rng(3);
    for (std::size_t i = 0; i < logical_count(dims); ++i) data_of(m)[i] = static_cast<float>(rng.normal());
    return m;
}

void run(benchmark::State& state, Layer& layer, const memory::dims& in_dims, double macs_per_image) {
    Context ctx;
    layer.build(ctx, plain_desc(in_dims), true);
    memory x = random_memory(ctx, in_dims);
    const memory& y = layer.forward(ctx, x);
    memory dy = random_memory(ctx, y.get_desc().dims());
    const bool backward = state.range(0) == 1;
    for (auto _ : state) {
        if (backward)
            layer.backward(ctx, dy);
        else
            layer.forward(ctx, x);
        ctx.stream.wait();
    }
    state.SetItemsProcessed(state.iterations() * kBatch);
    // Backward of a weighted layer is two passes (data and weights), each the forward's multiply-adds.
    const double flops = 2 * macs_per_image * kBatch * (backward ? 2 : 1);
    if (macs_per_image > 0) state.counters["GFLOP/s"] = benchmark::Counter(flops * state.iterations() / 1e9, benchmark::Counter::kIsRate);
}

void BM_Conv(benchmark::State& state) {
    Conv2d conv("conv2", ConvSpec{64, 5, 1, 2, true});
    run(state, conv, {kBatch, 32, 14, 14}, 14.0 * 14 * 64 * 32 * 25);
}
void BM_Dense(benchmark::State& state) {
    Dense dense("dense1", DenseSpec{128, true});
    run(state, dense, {kBatch, 64, 7, 7}, 64.0 * 7 * 7 * 128);
}
void BM_MaxPool(benchmark::State& state) {
    MaxPool2d pool("pool2", PoolSpec{2, 2});
    run(state, pool, {kBatch, 64, 14, 14}, 0);
}

}  // namespace

// Argument 0: forward; 1: backward.
BENCHMARK(BM_Conv)->Arg(0)->Arg(1)->UseRealTime()->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_Dense)->Arg(0)->Arg(1)->UseRealTime()->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_MaxPool)->Arg(0)->Arg(1)->UseRealTime()->Unit(benchmark::kMicrosecond);
