// `actbench bench`: this machine's fp32 matrix-multiply peak (oneDNN matmul, large square sizes) and a model's
// training and evaluation throughput, measured in one run, with the efficiency achieved ÷ peak. With --profile,
// a further timed run of training steps breaks the step down by category (forward, backward-data,
// backward-weights, activation, reorder, loss, optimizer, data) and by layer, and a timed run of evaluation
// steps does the same for the forward pass in evaluation mode. With --precision bf16, the same for bf16 beside fp32.
#pragma once

#include "activation.hpp"
#include "model_zoo.hpp"

#include <nlohmann/json.hpp>

#include <chrono>
#include <string>

namespace actbench {

struct BenchOptions {
    ModelSpec model = ModelSpec::make("lenet");
    ActivationSpec activation = builtin_activation("relu");
    int batch = 64;
    int threads = 2;
    double seconds = 3;  // per measurement, after warm-up
    bool profile = false;  // also time each layer and direction, reorders, the optimiser and data preparation
    // bf16: also measure the bf16 matmul peak and the model in bf16, and their ratios to fp32; the profile is
    // then bf16's. Refused (std::invalid_argument) where oneDNN has no native bf16.
    Precision precision = Precision::fp32;
};

struct BenchResult {
    nlohmann::json json;
    std::string text;
};

BenchResult run_bench(const BenchOptions& options);

// v with `digits` decimals, for the bench commands' tables.
std::string fixed(double v, int digits);

// "lenet conv1=32 conv2=64 dense=128 kernel=5 padding=2": the family and every parameter (a choice by its name).
std::string model_text(const ModelSpec& model);

// Runs `step` until `seconds` have passed (after two warm-up calls); returns seconds per call.
template <class Step>
double time_per_call(Step&& step, double seconds) {
    using Clock = std::chrono::steady_clock;
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

}  // namespace actbench
