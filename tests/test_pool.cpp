#include "layer_check.hpp"
#include "pool.hpp"

using namespace actbench;
using namespace actbench::test;

TEST_CASE("max-pool forward matches the scalar reference, odd sizes drop the last row, in training and evaluation", "[pool]") {
    Context ctx;
    Rng rng(31);
    const int n = 2, c = 16, h = 7, w = 6;
    MaxPool2d pool("pool", PoolSpec{2, 2});
    const auto out_desc = pool.build(ctx, plain_desc({n, c, h, w}), true);
    REQUIRE(out_desc.dims() == memory::dims{n, c, 3, 3});
    const auto x = random_vector(static_cast<std::size_t>(n) * c * h * w, rng);
    memory in = plain_memory(ctx, {n, c, h, w}, x);
    const auto y = to_plain(ctx, pool.forward(ctx, in));
    // Evaluation runs the workspace-free inference primitive: the same maxima.
    pool.set_training(false);
    CHECK(to_plain(ctx, pool.forward(ctx, in)) == y);
    for (int i = 0; i < n * c; ++i)
        for (int a = 0; a < 3; ++a)
            for (int b = 0; b < 3; ++b) {
                float m = -INFINITY;
                for (int p = 0; p < 2; ++p)
                    for (int q = 0; q < 2; ++q) m = std::max(m, x[(i * h + 2 * a + p) * w + 2 * b + q]);
                REQUIRE(y[(i * 3 + a) * 3 + b] == m);
            }
}

TEST_CASE("max-pool gradient agrees with finite differences away from ties", "[pool][gradient]") {
    Context ctx;
    Rng rng(32);
    MaxPool2d pool("pool", PoolSpec{2, 2});
    pool.build(ctx, plain_desc({2, 16, 6, 6}), true);
    // Random normal inputs have no ties; a step of 1e-3 rarely changes which element is the maximum.
    check_layer_gradients(ctx, pool, {2, 16, 6, 6}, random_vector(2 * 16 * 36, rng), 33, true, 1e-3);
}
