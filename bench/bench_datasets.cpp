// Loading Fashion-MNIST (both splits, from gzip) and producing one epoch of normalised batches, in images per
// second; a training epoch of lenet runs at a few thousand images/s, so loading must stay a small fraction.
//   build/bench/bench_datasets
#include "dataset.hpp"
#include "idx.hpp"

#include <benchmark/benchmark.h>

#include <filesystem>

using namespace actbench;

namespace {

const char* const kDir = "/usr/share/datasets/fashion-mnist";

void BM_LoadFashionMnist(benchmark::State& state) {
    if (!std::filesystem::exists(kDir)) {
        state.SkipWithError("Fashion-MNIST is not installed (apt-get install dataset-fashion-mnist)");
        return;
    }
    std::size_t images = 0;
    for (auto _ : state) {
        const Dataset d = load_idx_directory(kDir, 10);
        images += d.train.count() + d.test.count();
        benchmark::DoNotOptimize(d.train.pixels.data());
    }
    state.SetItemsProcessed(static_cast<std::int64_t>(images));
}

void BM_EpochOfBatches(benchmark::State& state) {
    if (!std::filesystem::exists(kDir)) {
        state.SkipWithError("Fashion-MNIST is not installed (apt-get install dataset-fashion-mnist)");
        return;
    }
    const Dataset d = load_idx_directory(kDir, 10);
    const Normalizer norm = make_normalizer(d.train, "standard");
    std::vector<std::size_t> order(d.train.count());
    for (std::size_t i = 0; i < order.size(); ++i) order[i] = order.size() - 1 - i;
    const int batch = 64;
    std::vector<float> out(static_cast<std::size_t>(batch) * 28 * 28);
    std::vector<std::int32_t> labels(batch);
    for (auto _ : state) {
        for (std::size_t first = 0; first + batch <= order.size(); first += batch) {
            fill_batch(d.train, order, first, batch, norm, out.data(), labels.data());
            benchmark::ClobberMemory();
        }
    }
    state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * (order.size() / batch * batch)));
}

}  // namespace

BENCHMARK(BM_LoadFashionMnist)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_EpochOfBatches)->Unit(benchmark::kMillisecond)->UseRealTime();
