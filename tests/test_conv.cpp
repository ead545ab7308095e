#include "conv.hpp"
#include "layer_check.hpp"

using namespace actbench;
using namespace actbench::test;

namespace {
// y[n,o,i,j] = b[o] + Σ w[o,c,p,q] x[n,c,i+p−pad,j+q−pad], stride 1.
std::vector<float> conv_reference(const std::vector<float>& x, const std::vector<float>& w, const std::vector<float>& b, int n, int ic,
                                  int h, int wd, int oc, int k, int pad) {
    const int oh = h + 2 * pad - k + 1, ow = wd + 2 * pad - k + 1;
    std::vector<float> y(static_cast<std::size_t>(n) * oc * oh * ow);
    for (int in = 0; in < n; ++in)
        for (int o = 0; o < oc; ++o)
            for (int i = 0; i < oh; ++i)
                for (int j = 0; j < ow; ++j) {
                    double s = b.empty() ? 0.0 : b[o];
                    for (int c = 0; c < ic; ++c)
                        for (int p = 0; p < k; ++p)
                            for (int q = 0; q < k; ++q) {
                                const int yi = i + p - pad, xj = j + q - pad;
                                if (yi < 0 || yi >= h || xj < 0 || xj >= wd) continue;
                                s += static_cast<double>(w[((o * ic + c) * k + p) * k + q]) *
                                    x[((static_cast<std::size_t>(in) * ic + c) * h + yi) * wd + xj];
                            }
                    y[((static_cast<std::size_t>(in) * oc + o) * oh + i) * ow + j] = static_cast<float>(s);
                }
    return y;
}
}  // namespace

TEST_CASE("conv forward matches the scalar reference", "[conv]") {
    Context ctx;
    Rng rng(11);
    for (bool bias : {true, false}) {
        for (int pad : {0, 2}) {
            const int n = 3, ic = 3, h = 9, w = 8, oc = 16, k = 5;
            Conv2d conv("conv", ConvSpec{oc, k, 1, pad, bias});
            conv.build(ctx, plain_desc({n, ic, h, w}), true);
            randomise_params(ctx, conv, rng, 0.3);
            const auto x = random_vector(static_cast<std::size_t>(n) * ic * h * w, rng);
            memory in = plain_memory(ctx, {n, ic, h, w}, x);
            const auto y = to_plain(ctx, conv.forward(ctx, in));
            const auto params = conv.params();
            const auto wv = to_plain(ctx, params[0]->value);
            const auto bv = bias ? to_plain(ctx, params[1]->value) : std::vector<float>{};
            const auto ref = conv_reference(x, wv, bv, n, ic, h, w, oc, k, pad);
            REQUIRE(y.size() == ref.size());
            for (std::size_t i = 0; i < y.size(); ++i) REQUIRE(y[i] == Approx(ref[i]).margin(1e-4));
        }
    }
}

TEST_CASE("conv gradients agree with finite differences", "[conv][gradient]") {
    Context ctx;
    Rng rng(12);
    SECTION("with input gradient and bias") {
        Conv2d conv("conv", ConvSpec{16, 3, 1, 1, true});
        conv.build(ctx, plain_desc({2, 4, 7, 7}), true);
        randomise_params(ctx, conv, rng, 0.2);
        check_layer_gradients(ctx, conv, {2, 4, 7, 7}, random_vector(2 * 4 * 7 * 7, rng), 13);
    }
    SECTION("element by element, padded borders included") {
        Conv2d conv("conv", ConvSpec{4, 3, 1, 1, true});
        conv.build(ctx, plain_desc({1, 2, 5, 5}), true);
        randomise_params(ctx, conv, rng, 0.3);
        check_layer_gradients_elementwise(ctx, conv, {1, 2, 5, 5}, random_vector(2 * 25, rng), 15);
    }
    SECTION("first layer: no input gradient, no bias") {
        Conv2d conv("conv", ConvSpec{8, 5, 1, 2, false});
        conv.build(ctx, plain_desc({2, 1, 10, 10}), false);
        randomise_params(ctx, conv, rng, 0.2);
        check_layer_gradients(ctx, conv, {2, 1, 10, 10}, random_vector(2 * 100, rng), 14, false);
        CHECK(conv.params().size() == 1);
    }
}
