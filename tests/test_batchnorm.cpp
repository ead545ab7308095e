#include "batchnorm.hpp"
#include "dropout.hpp"
#include "layer_check.hpp"

#include <cmath>

using namespace actbench;
using namespace actbench::test;

TEST_CASE("batch norm forward matches the scalar reference, training and evaluation", "[batchnorm]") {
    Context ctx;
    Rng rng(81);
    const memory::dims dims{4, 16, 3, 3};
    BatchNorm bn("bn");
    bn.build(ctx, plain_desc(dims), true);
    auto params = bn.params();
    const auto gamma = random_vector(16, rng), beta = random_vector(16, rng);
    from_plain(ctx, gamma, params[0]->value);
    from_plain(ctx, beta, params[1]->value);
    const auto x = random_vector(logical_count(dims), rng, 2.0);
    memory in = plain_memory(ctx, dims, x);
    const auto y = to_plain(ctx, bn.forward(ctx, in));
    for (int c = 0; c < 16; ++c) {
        double mean = 0, var = 0;
        for (int n = 0; n < 4; ++n)
            for (int s = 0; s < 9; ++s) mean += x[(n * 16 + c) * 9 + s];
        mean /= 36;
        for (int n = 0; n < 4; ++n)
            for (int s = 0; s < 9; ++s) var += std::pow(x[(n * 16 + c) * 9 + s] - mean, 2);
        var /= 36;
        for (int n = 0; n < 4; ++n)
            for (int s = 0; s < 9; ++s) {
                const int i = (n * 16 + c) * 9 + s;
                REQUIRE(y[i] == Approx(gamma[c] * (x[i] - mean) / std::sqrt(var + 1e-5) + beta[c]).margin(1e-4));
            }
        // Running statistics after one step from (0, 1): 0.9·0 + 0.1·mean and 0.9·1 + 0.1·unbiased var.
        CHECK(bn.running_mean()[c] == Approx(0.1 * mean).margin(1e-6));
        CHECK(bn.running_variance()[c] == Approx(0.9 + 0.1 * var * 36 / 35).epsilon(1e-5));
    }
    // Evaluation uses the running statistics, not the batch's.
    bn.set_training(false);
    const auto ye = to_plain(ctx, bn.forward(ctx, in));
    for (int c = 0; c < 16; ++c) {
        const int i = (1 * 16 + c) * 9 + 4;
        REQUIRE(ye[i] ==
                Approx(gamma[c] * (x[i] - bn.running_mean()[c]) / std::sqrt(bn.running_variance()[c] + 1e-5) + beta[c]).margin(1e-4));
    }
}

TEST_CASE("batch norm gradients agree with finite differences", "[batchnorm][gradient]") {
    Context ctx;
    Rng rng(82);
    for (const memory::dims& dims : {memory::dims{4, 16, 3, 3}, memory::dims{8, 16}}) {
        BatchNorm bn("bn");
        bn.build(ctx, plain_desc(dims), true);
        randomise_params(ctx, bn, rng, 1.0);
        check_layer_gradients(ctx, bn, dims, random_vector(logical_count(dims), rng, 2.0), 83, true, 1e-2, 3e-2);
    }
}

TEST_CASE("dropout keeps 1 - rate of the elements, scales them, and backward uses forward's mask", "[dropout]") {
    Context ctx;
    const memory::dims dims{8, 64, 8, 8};
    const std::size_t n = logical_count(dims);
    Dropout drop("dropout1", 0.3, 5);
    drop.build(ctx, plain_desc(dims), true);
    memory in = plain_memory(ctx, dims, std::vector<float>(n, 1.f));
    const auto y = to_plain(ctx, drop.forward(ctx, in));
    std::size_t kept = 0;
    for (float v : y) {
        REQUIRE((v == 0.f || v == Approx(1 / 0.7)));
        kept += v != 0.f;
    }
    CHECK(static_cast<double>(kept) / n == Approx(0.7).margin(0.005));
    memory dy = plain_memory(ctx, dims, std::vector<float>(n, 2.f));
    const auto dx = to_plain(ctx, drop.backward(ctx, dy));
    for (std::size_t i = 0; i < n; ++i) REQUIRE(dx[i] == 2.f * y[i]);
    CHECK(to_plain(ctx, drop.forward(ctx, in)) != y);  // a new mask each step
    drop.set_training(false);
    for (float v : to_plain(ctx, drop.forward(ctx, in))) REQUIRE(v == 1.f);
}
