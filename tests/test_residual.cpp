// The residual block and global average pooling: forward against a scalar reference written from the block's
// definition (He et al. 2016, figure 4 (a) and (e)), gradients by finite differences.
#include "layer_check.hpp"
#include "network.hpp"
#include "pool.hpp"
#include "residual.hpp"

#include <cmath>

using namespace actbench;
using namespace actbench::test;

namespace {

// A plain NCHW tensor for the reference.
struct Tensor {
    int n = 0, c = 0, h = 0, w = 0;
    std::vector<double> v;
    double& at(int a, int b, int i, int j) { return v[((static_cast<std::size_t>(a) * c + b) * h + i) * w + j]; }
    double at(int a, int b, int i, int j) const { return v[((static_cast<std::size_t>(a) * c + b) * h + i) * w + j]; }
};

Tensor tensor(int n, int c, int h, int w) { return {n, c, h, w, std::vector<double>(static_cast<std::size_t>(n) * c * h * w)}; }

// y = b + Σ w·x over a k×k window, stride s, padding p; w in oihw order.
Tensor conv_ref(const Tensor& x, const std::vector<float>& w, const std::vector<float>& b, int oc, int k, int s, int p) {
    Tensor y = tensor(x.n, oc, (x.h + 2 * p - k) / s + 1, (x.w + 2 * p - k) / s + 1);
    for (int a = 0; a < y.n; ++a)
        for (int o = 0; o < oc; ++o)
            for (int i = 0; i < y.h; ++i)
                for (int j = 0; j < y.w; ++j) {
                    double sum = b.empty() ? 0 : b[o];
                    for (int ci = 0; ci < x.c; ++ci)
                        for (int u = 0; u < k; ++u)
                            for (int v = 0; v < k; ++v) {
                                const int yi = i * s + u - p, xj = j * s + v - p;
                                if (yi >= 0 && yi < x.h && xj >= 0 && xj < x.w)
                                    sum += w[((o * x.c + ci) * k + u) * k + v] * x.at(a, ci, yi, xj);
                            }
                    y.at(a, o, i, j) = sum;
                }
    return y;
}

// Training-mode batch norm with scale γ and shift β: the batch's per-channel mean and (biased) variance.
Tensor bn_ref(const Tensor& x, const std::vector<float>& gamma, const std::vector<float>& beta) {
    Tensor y = x;
    const double count = static_cast<double>(x.n) * x.h * x.w;
    for (int ch = 0; ch < x.c; ++ch) {
        double mean = 0, var = 0;
        for (int a = 0; a < x.n; ++a)
            for (int i = 0; i < x.h; ++i)
                for (int j = 0; j < x.w; ++j) mean += x.at(a, ch, i, j) / count;
        for (int a = 0; a < x.n; ++a)
            for (int i = 0; i < x.h; ++i)
                for (int j = 0; j < x.w; ++j) var += std::pow(x.at(a, ch, i, j) - mean, 2) / count;
        for (int a = 0; a < x.n; ++a)
            for (int i = 0; i < x.h; ++i)
                for (int j = 0; j < x.w; ++j) y.at(a, ch, i, j) = gamma[ch] * (x.at(a, ch, i, j) - mean) / std::sqrt(var + 1e-5) + beta[ch];
    }
    return y;
}

Tensor map(Tensor x, const ActivationSpec& f) {
    for (auto& v : x.v) v = f.f(v);
    return x;
}

Tensor plus(Tensor a, const Tensor& b) {
    for (std::size_t i = 0; i < a.v.size(); ++i) a.v[i] += b.v[i];
    return a;
}

// The block's parameters by name, in plain order.
struct BlockParams {
    Context& ctx;
    ResidualBlock& block;
    std::vector<float> get(const std::string& name) const {
        for (Param* p : block.params())
            if (p->name == name) return to_plain(ctx, p->value);
        return {};
    }
};

// The block by its definition, from the block's own parameters.
Tensor block_ref(const Tensor& x, const BlockParams& p, const std::string& name, BlockKind kind, int oc, int stride,
                 const ActivationSpec& f) {
    auto conv = [&](const Tensor& in, const char* part, int k, int s, int pad) {
        return conv_ref(in, p.get(name + "." + part + ".weight"), p.get(name + "." + part + ".bias"), oc, k, s, pad);
    };
    auto bn = [&](const Tensor& in, const char* part) {
        return bn_ref(in, p.get(name + "." + part + ".scale"), p.get(name + "." + part + ".shift"));
    };
    const bool projection = stride != 1 || x.c != oc;
    switch (kind) {
        case BlockKind::post_activation: {
            const Tensor branch = bn(conv(map(bn(conv(x, "conv1", 3, stride, 1), "bn1"), f), "conv2", 3, 1, 1), "bn2");
            return map(plus(branch, projection ? conv(x, "shortcut", 1, stride, 0) : x), f);
        }
        case BlockKind::pre_activation: {
            const Tensor pre = map(bn(x, "bn1"), f);
            const Tensor branch = conv(map(bn(conv(pre, "conv1", 3, stride, 1), "bn2"), f), "conv2", 3, 1, 1);
            return plus(branch, projection ? conv(pre, "shortcut", 1, stride, 0) : x);
        }
        case BlockKind::plain: {
            const Tensor branch = conv(map(conv(x, "conv1", 3, stride, 1), f), "conv2", 3, 1, 1);
            return map(plus(branch, projection ? conv(x, "shortcut", 1, stride, 0) : x), f);
        }
    }
    return x;
}

}  // namespace

TEST_CASE("residual blocks match their definition: post-activation, pre-activation and plain, identity and projection", "[residual]") {
    Context ctx;
    Rng rng(61);
    const ActivationSpec f = builtin_activation("elu");  // smooth enough that float rounding stays small
    for (const BlockKind kind : {BlockKind::post_activation, BlockKind::pre_activation, BlockKind::plain})
        for (const auto& [in_c, out_c, stride] : {std::tuple{8, 8, 1}, std::tuple{8, 16, 2}, std::tuple{4, 8, 1}})
            for (bool bias : {true, false}) {
                INFO("kind " << static_cast<int>(kind) << ", " << in_c << " -> " << out_c << " channels, stride " << stride << ", bias "
                             << bias);
                const int n = 3, h = 7, w = 6;
                ResidualBlock block("block1", ResidualSpec{out_c, stride, kind, bias, Precision::fp32}, f, 5);
                block.build(ctx, plain_desc({n, in_c, h, w}), true);
                randomise_params(ctx, block, rng, 0.4);
                const auto x = random_vector(static_cast<std::size_t>(n) * in_c * h * w, rng);
                memory in = plain_memory(ctx, {n, in_c, h, w}, x);
                const auto y = to_plain(ctx, block.forward(ctx, in));
                Tensor xt = tensor(n, in_c, h, w);
                xt.v.assign(x.begin(), x.end());
                const Tensor ref = block_ref(xt, BlockParams{ctx, block}, "block1", kind, out_c, stride, f);
                REQUIRE(ref.h == (h - 1) / stride + 1);
                REQUIRE(y.size() == ref.v.size());
                for (std::size_t i = 0; i < y.size(); ++i) REQUIRE(y[i] == Approx(ref.v[i]).margin(2e-4).epsilon(1e-4));
                // The parameters: two convs (+ projection), batch norms as the layout places them.
                const std::size_t convs = 2 + (stride != 1 || in_c != out_c);
                const std::size_t norms = kind == BlockKind::plain ? 0 : 2;
                CHECK(block.params().size() == convs * (bias ? 2 : 1) + 2 * norms);
            }
}

TEST_CASE("residual block gradients agree with finite differences, through both paths", "[residual][gradient]") {
    Context ctx;
    Rng rng(62);
    const ActivationSpec f = builtin_activation("tanh");  // no kinks
    for (const BlockKind kind : {BlockKind::post_activation, BlockKind::pre_activation, BlockKind::plain})
        for (const auto& [in_c, out_c, stride] : {std::tuple{4, 4, 1}, std::tuple{4, 8, 2}}) {
            const Rng start = rng;
            std::vector<std::vector<float>> own;  // the input and parameter gradients with each buffer its own
            for (const bool shared : {false, true}) {
                rng = start;  // both ways on the same draws: the gradients are the same bits
                INFO("kind " << static_cast<int>(kind) << ", " << in_c << " -> " << out_c << " channels, stride " << stride);
                const memory::dims dims{2, in_c, 5, 5};
                // Each part's input gradient in its own buffer, and in the shared slots a network gives them (the block's
                // own, above the network's 0 and 1): a slot overwritten while still to be read spoils the input gradient.
                INFO((shared ? "shared" : "own") << " input-gradient buffers");
                GradientArena arena;
                ctx.gradients = shared ? &arena : nullptr;
                ctx.gradient_slot = 1;
                ResidualBlock block("block1", ResidualSpec{out_c, stride, kind, true, Precision::fp32}, f, 5);
                block.build(ctx, plain_desc(dims), true);
                ctx.gradients = nullptr;
                arena.commit(ctx);
                CHECK((arena.bytes() > 0) == shared);
                randomise_params(ctx, block, rng, 0.4);
                // A smaller step than the layers' 1e-2: batch norm over 50 values per channel curves the objective enough
                // that the central difference's O(ε²) error reaches a few percent at 1e-2 (measured: it shrinks as ε does).
                const std::vector<float> x = random_vector(logical_count(dims), rng);
                check_layer_gradients(ctx, block, dims, x, 63, true, 3e-3, 3e-2);
                // And bit for bit the same as with each buffer its own.
                const memory& y = block.forward(ctx, plain_memory(ctx, dims, x));
                const memory::dims out_dims = y.get_desc().dims();
                std::vector<std::vector<float>> grads{
                    to_plain(ctx, block.backward(ctx, plain_memory(ctx, out_dims, std::vector<float>(logical_count(out_dims), 0.5f))))};
                for (Param* p : block.params()) grads.push_back(to_plain(ctx, p->grad));
                if (!shared)
                    own = grads;
                else
                    CHECK(grads == own);
            }
        }
    SECTION("element by element, borders and the strided shortcut included") {
        const memory::dims dims{1, 2, 4, 4};
        ResidualBlock block("block1", ResidualSpec{3, 2, BlockKind::plain, true, Precision::fp32}, f, 5);
        block.build(ctx, plain_desc(dims), true);
        randomise_params(ctx, block, rng, 0.4);
        check_layer_gradients_elementwise(ctx, block, dims, random_vector(logical_count(dims), rng), 64);
    }
}

TEST_CASE("global average pooling: each channel's mean, and an even share of the gradient", "[residual][pool]") {
    Context ctx;
    Rng rng(65);
    const memory::dims dims{3, 5, 4, 6};
    GlobalAvgPool pool("gap");
    CHECK(pool.build(ctx, plain_desc(dims), true).dims() == memory::dims{3, 5, 1, 1});
    const auto x = random_vector(logical_count(dims), rng);
    memory in = plain_memory(ctx, dims, x);
    const auto y = to_plain(ctx, pool.forward(ctx, in));
    for (int n = 0; n < 3; ++n)
        for (int c = 0; c < 5; ++c) {
            double mean = 0;
            for (int s = 0; s < 24; ++s) mean += x[(n * 5 + c) * 24 + s] / 24.0;
            REQUIRE(y[n * 5 + c] == Approx(mean).margin(1e-6));
        }
    check_layer_gradients(ctx, pool, dims, x, 66);
}

TEST_CASE("a resnet's activations are its blocks' too: probe statistics and the L1 penalty see every one", "[residual][network]") {
    Context ctx;
    NetworkSpec spec;
    spec.model = ModelSpec::make("resnet", {{"depth", 8}, {"width", 4}});  // stem, 3 blocks of 2, classifier
    Network net(ctx, spec, 2, InputShape{1, 12, 12, 3});
    CHECK(net.activations().size() == 1 + 3 * 2);
    // maxout widens the layers before it, which an identity shortcut cannot follow.
    spec.activation = builtin_activation("maxout");
    CHECK_THROWS_WITH(Network(ctx, spec, 2, InputShape{1, 12, 12, 3}), Catch::Contains("identity shortcut"));
    CHECK_THROWS_WITH(ModelSpec::make("resnet", {{"depth", 21}}), Catch::Contains("2 + 2·stages·n"));
    CHECK_THROWS_WITH(ModelSpec::make("resnet", {}, "after"), Catch::Contains("block parameter"));
}
