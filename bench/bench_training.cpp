// Throughput of one training step of the LeNet-style model (forward, backward, SGD update) and of one
// evaluation forward, at batch 64 on 28×28 input, in fp32 and (the last argument 1) bf16 mixed precision, which
// reports an error where oneDNN has no native bf16. Threads come from OMP_NUM_THREADS.
//   build/bench/bench_training --benchmark_counters_tabular=true
// items_per_second is images per second; FLOP/s uses the model's multiply-adds counted below.
#include "network.hpp"
#include "optimizer.hpp"

#include <benchmark/benchmark.h>

using namespace actbench;

namespace {

// FLOPs per image of the forward pass: 2 × the multiply-adds the network counts per layer.
double forward_flops(const Network& net) {
    double macs = 0;
    for (const auto& l : net.summary()) macs += l.forward_macs;
    return 2 * macs;
}

void fill_input(Network& net, std::vector<std::int32_t>& labels) {
    Rng rng(1);
    const std::size_t n = static_cast<std::size_t>(net.batch()) * 28 * 28;
    for (std::size_t i = 0; i < n; ++i) net.input()[i] = static_cast<float>(rng.normal());
    for (auto& l : labels) l = static_cast<std::int32_t>(rng.below(10));
}

constexpr int kBatch = 64;

ModelSpec model_of(const benchmark::State& state) {
    return ModelSpec::make("lenet",
                           {{"conv1", static_cast<double>(state.range(0))},
                            {"conv2", static_cast<double>(state.range(1))},
                            {"dense", static_cast<double>(state.range(2))}});
}

Precision precision_of(const benchmark::State& state) { return state.range(3) == 1 ? Precision::bf16 : Precision::fp32; }

// A He-initialised ReLU network with random input and labels.
Network make_network(Context& ctx, const ModelSpec& m, Precision precision, std::vector<std::int32_t>& labels) {
    NetworkSpec spec{m, builtin_activation("relu"), 0.0};
    spec.precision = precision;
    Network net(ctx, spec, kBatch, InputShape{1, 28, 28, 10});
    Rng rng(2);
    net.initialise(builtin_init("he_normal"), rng);
    labels.resize(kBatch);
    fill_input(net, labels);
    return net;
}

void BM_TrainStep(benchmark::State& state) {
    if (precision_of(state) == Precision::bf16 && !native_bf16()) return state.SkipWithError("no native bf16 on this CPU");
    const ModelSpec m = model_of(state);
    const int batch = kBatch;
    Context ctx;
    std::vector<std::int32_t> labels;
    Network net = make_network(ctx, m, precision_of(state), labels);
    Optimizer optimizer(net.params(), OptimizerSpec{});
    for (auto _ : state) {
        benchmark::DoNotOptimize(net.forward(labels.data(), batch));
        net.backward();
        optimizer.step(0.001);
    }
    state.SetItemsProcessed(state.iterations() * batch);
    // A training step costs about 3× the forward pass (forward, backward-data, backward-weights).
    state.counters["GFLOP/s"] = benchmark::Counter(3 * forward_flops(net) * batch * state.iterations() / 1e9, benchmark::Counter::kIsRate);
}

void BM_EvalForward(benchmark::State& state) {
    if (precision_of(state) == Precision::bf16 && !native_bf16()) return state.SkipWithError("no native bf16 on this CPU");
    const int batch = kBatch;
    Context ctx;
    std::vector<std::int32_t> labels;
    Network net = make_network(ctx, model_of(state), precision_of(state), labels);
    net.set_training(false);
    for (auto _ : state) benchmark::DoNotOptimize(net.forward(labels.data(), batch));
    state.SetItemsProcessed(state.iterations() * batch);
}

}  // namespace

BENCHMARK(BM_TrainStep)->ArgsProduct({{32}, {64}, {128}, {0, 1}})->Args({16, 32, 64, 0})->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_EvalForward)->ArgsProduct({{32}, {64}, {128}, {0, 1}})->Args({16, 32, 64, 0})->Unit(benchmark::kMillisecond)->UseRealTime();
