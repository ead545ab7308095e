#include "layer_check.hpp"
#include "loss.hpp"

#include <cmath>

using namespace actbench;
using namespace actbench::test;

TEST_CASE("softmax cross-entropy matches the scalar reference", "[loss]") {
    Context ctx;
    Rng rng(51);
    const int n = 6, k = 10;
    SoftmaxCrossEntropy loss;
    loss.build(ctx, plain_desc({n, k}));
    const auto z = random_vector(n * k, rng, 3.0);
    std::vector<std::int32_t> labels{0, 3, 9, 2, 2, 7};
    memory logits = plain_memory(ctx, {n, k}, z);
    const LossResult r = loss.forward(ctx, logits, labels.data(), n);
    double expected = 0;
    int correct = 0;
    std::vector<double> grad(n * k);
    for (int i = 0; i < n; ++i) {
        double mx = -INFINITY;
        int arg = 0;
        for (int c = 0; c < k; ++c)
            if (z[i * k + c] > mx) mx = z[i * k + c], arg = c;
        double sum = 0;
        for (int c = 0; c < k; ++c) sum += std::exp(z[i * k + c] - mx);
        expected += -(z[i * k + labels[i]] - mx - std::log(sum));
        correct += arg == labels[i];
        for (int c = 0; c < k; ++c) grad[i * k + c] = (std::exp(z[i * k + c] - mx) / sum - (c == labels[i])) / n;
    }
    CHECK(r.loss_sum == Approx(expected).epsilon(1e-5));
    CHECK(r.correct == correct);
    const auto g = to_plain(ctx, loss.backward(ctx));
    for (int i = 0; i < n * k; ++i) CHECK(g[i] == Approx(grad[i]).margin(1e-6));

    SECTION("padding rows are not counted") {
        const LossResult part = loss.forward(ctx, logits, labels.data(), 2);
        double first_two = 0;
        for (int i = 0; i < 2; ++i) {
            double sum = 0;
            for (int c = 0; c < k; ++c) sum += std::exp(static_cast<double>(z[i * k + c]));
            first_two += std::log(sum) - z[i * k + labels[i]];
        }
        CHECK(part.loss_sum == Approx(first_two).epsilon(1e-5));
    }
}

TEST_CASE("softmax cross-entropy gradient agrees with finite differences", "[loss][gradient]") {
    Context ctx;
    Rng rng(52);
    const int n = 4, k = 5;
    SoftmaxCrossEntropy loss;
    loss.build(ctx, plain_desc({n, k}));
    auto z = random_vector(n * k, rng, 2.0);
    std::vector<std::int32_t> labels{1, 4, 0, 2};
    memory logits = plain_memory(ctx, {n, k}, z);
    auto mean_loss = [&] {
        std::copy(z.begin(), z.end(), data_of(logits));
        return loss.forward(ctx, logits, labels.data(), n).loss_sum / n;
    };
    mean_loss();
    const auto g = to_plain(ctx, loss.backward(ctx));
    const auto d = random_vector(z.size(), rng);
    const auto z0 = z;
    const double eps = 1e-2;
    for (std::size_t i = 0; i < z.size(); ++i) z[i] = z0[i] + static_cast<float>(eps) * d[i];
    const double plus = mean_loss();
    for (std::size_t i = 0; i < z.size(); ++i) z[i] = z0[i] - static_cast<float>(eps) * d[i];
    const double minus = mean_loss();
    CHECK((plus - minus) / (2 * eps) == Approx(dot(g, d)).epsilon(1e-2));
}
