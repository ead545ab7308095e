#include "dense.hpp"
#include "layer_check.hpp"

using namespace actbench;
using namespace actbench::test;

TEST_CASE("dense forward matches the scalar reference on 2-D and 4-D input", "[dense]") {
    Context ctx;
    Rng rng(21);
    for (const memory::dims& in_dims : {memory::dims{5, 12}, memory::dims{4, 3, 4, 5}}) {
        const int oc = 7;
        Dense dense("dense", DenseSpec{oc, true});
        dense.build(ctx, plain_desc(in_dims), true);
        randomise_params(ctx, dense, rng, 0.3);
        const std::size_t n = in_dims[0], per = logical_count(in_dims) / n;
        const auto x = random_vector(n * per, rng);
        memory in = plain_memory(ctx, in_dims, x);
        const auto y = to_plain(ctx, dense.forward(ctx, in));
        const auto w = to_plain(ctx, dense.params()[0]->value);
        const auto b = to_plain(ctx, dense.params()[1]->value);
        REQUIRE(y.size() == n * oc);
        for (std::size_t i = 0; i < n; ++i)
            for (int o = 0; o < oc; ++o) {
                double s = b[o];
                for (std::size_t k = 0; k < per; ++k) s += static_cast<double>(w[o * per + k]) * x[i * per + k];
                REQUIRE(y[i * oc + o] == Approx(s).margin(1e-4));
            }
    }
}

TEST_CASE("dense gradients agree with finite differences", "[dense][gradient]") {
    Context ctx;
    Rng rng(22);
    for (bool bias : {true, false}) {
        Dense dense("dense", DenseSpec{10, bias});
        dense.build(ctx, plain_desc({3, 8, 3, 3}), true);
        randomise_params(ctx, dense, rng, 0.2);
        check_layer_gradients(ctx, dense, {3, 8, 3, 3}, random_vector(3 * 72, rng), 23);
    }
    Dense small("dense", DenseSpec{3, true});
    small.build(ctx, plain_desc({2, 2, 2, 2}), true);
    randomise_params(ctx, small, rng, 0.3);
    check_layer_gradients_elementwise(ctx, small, {2, 2, 2, 2}, random_vector(16, rng), 24);
}
