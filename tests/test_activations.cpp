#include "activation.hpp"
#include "activation_cases.hpp"
#include "kernels.hpp"
#include "layer_check.hpp"
#include "vecmath.hpp"

#include <omp.h>

#include <algorithm>
#include <bit>
#include <cmath>

using namespace actbench;
using namespace actbench::test;

TEST_CASE("every activation matches its scalar reference f and f' through the real kernel", "[activation]") {
    Context ctx;
    const memory::dims dims{4, 16, 7, 5};
    for (const auto& spec : all_elementwise()) {
        INFO("activation " << spec.name);
        Activation act("act", spec, 1);
        act.build(ctx, plain_desc(dims), true);
        act.set_training(false);
        params_at_initial(ctx, act);  // PReLU's slopes, a formula's learned values
        const auto x = grid_away_from_kinks(spec, logical_count(dims));
        memory in = plain_memory(ctx, dims, x);
        const auto y = to_plain(ctx, act.forward(ctx, in));
        memory dy = plain_memory(ctx, dims, std::vector<float>(x.size(), 1.f));
        const auto dx = to_plain(ctx, act.backward(ctx, dy));
        for (std::size_t i = 0; i < x.size(); ++i) {
            INFO("x = " << x[i]);
            REQUIRE(y[i] == Approx(spec.f(x[i])).epsilon(2e-5).margin(2e-6));
            REQUIRE(dx[i] == Approx(spec.df(x[i])).epsilon(2e-4).margin(2e-6));
        }
    }
}

TEST_CASE("every activation's gradient agrees with finite differences, PReLU slopes included", "[activation][gradient]") {
    Context ctx;
    Rng rng(41);
    const memory::dims dims{2, 16, 4, 4};
    for (const auto& spec : all_elementwise()) {
        INFO("activation " << spec.name);
        Activation act("act", spec, 1);
        act.build(ctx, plain_desc(dims), true);
        act.set_training(false);  // the stochastic ones are checked in evaluation form (training draws anew per call)
        randomise_params(ctx, act, rng, 0.3);
        auto x = random_vector(logical_count(dims), rng, 2.0);
        std::vector<double> kinks = spec.kinks();
        if (spec.formula) kinks = {0.0, 1.0};
        for (auto& v : x)
            for (double k : kinks)
                if (std::abs(v - k) < 0.05) v = static_cast<float>(k + (v < k ? -0.05 : 0.05));
        check_layer_gradients(ctx, act, dims, x, 42, true, 1e-3);
        // Element by element on a small slice: two channels, so PReLU's per-channel slopes are each checked.
        const memory::dims small{1, 2, 3, 3};
        Activation one("act", spec, 1);
        one.build(ctx, plain_desc(small), true);
        one.set_training(false);
        randomise_params(ctx, one, rng, 0.3);
        check_layer_gradients_elementwise(ctx, one, small, std::vector<float>(x.begin(), x.begin() + 18), 43, 1e-3);
    }
}

TEST_CASE("activations work on oneDNN's blocked layouts, padded channels included", "[activation]") {
    Context ctx;
    // 20 channels in nChw16c: padded to 32. Our kernels must not write f(0) into the padding.
    const memory::dims dims{2, 20, 3, 3};
    const memory::desc blocked(dims, dt::f32, tag::nChw16c);
    Rng rng(5);
    const auto x = random_vector(logical_count(dims), rng);
    for (const auto& spec : all_elementwise()) {
        INFO("activation " << spec.name);
        Activation act("act", spec, 1);
        const memory::desc out = act.build(ctx, blocked, true);
        act.set_training(false);
        memory in(blocked, ctx.engine);
        from_plain(ctx, x, in);
        params_at_initial(ctx, act);
        const auto y = to_plain(ctx, act.forward(ctx, in));
        for (std::size_t i = 0; i < x.size(); ++i) REQUIRE(y[i] == Approx(spec.f(x[i])).epsilon(2e-5).margin(2e-6));
        CHECK(out.dims() == dims);
    }
}

TEST_CASE("PReLU on a blocked, padded layout: output and slope gradients against a scalar reference", "[activation][gradient]") {
    // The jit path: slopes in the primitive's layout (per channel), or one shared slope copied to every channel.
    Context ctx;
    const memory::dims dims{2, 20, 3, 3};  // nChw16c pads 20 channels to 32
    const memory::desc blocked(dims, dt::f32, tag::nChw16c);
    const std::size_t channels = 20, spatial = 9;
    Rng rng(17);
    const auto x = random_vector(logical_count(dims), rng);
    const auto dy = random_vector(logical_count(dims), rng);
    for (const bool shared : {false, true}) {
        INFO((shared ? "shared" : "per channel"));
        Activation act("act", activation_variant("p", "prelu", {{"shared", shared ? 1.0 : 0.0}}), 1);
        act.build(ctx, blocked, true);
        Param& slope = *act.params()[0];
        CHECK(logical_count(slope.dims) == (shared ? 1 : channels));
        std::vector<float> a = random_vector(logical_count(slope.dims), rng, 0.3);
        from_plain(ctx, a, slope.value);
        memory in(blocked, ctx.engine);
        from_plain(ctx, x, in);
        const auto y = to_plain(ctx, act.forward(ctx, in));
        const auto dx = to_plain(ctx, act.backward(ctx, plain_memory(ctx, dims, dy)));
        const auto grad = to_plain(ctx, slope.grad);
        std::vector<double> want(grad.size(), 0.0);
        for (std::size_t i = 0; i < x.size(); ++i) {
            const std::size_t c = (i / spatial) % channels;
            const float ac = a[shared ? 0 : c];
            REQUIRE(y[i] == Approx(x[i] > 0 ? x[i] : ac * x[i]).margin(1e-6));
            REQUIRE(dx[i] == Approx(x[i] > 0 ? dy[i] : ac * dy[i]).margin(1e-6));
            if (x[i] <= 0) want[shared ? 0 : c] += static_cast<double>(x[i]) * dy[i];
        }
        for (std::size_t c = 0; c < grad.size(); ++c) CHECK(grad[c] == Approx(want[c]).epsilon(1e-4).margin(1e-5));
    }
}

TEST_CASE("rrelu: training slopes are drawn in range, evaluation uses the fixed slope, backward reuses the draws", "[activation][rrelu]") {
    Context ctx;
    const memory::dims dims{8, 16, 16, 16};
    const std::size_t n = logical_count(dims);
    memory in = plain_memory(ctx, dims, std::vector<float>(n, -1.f));
    for (bool pytorch : {false, true}) {
        INFO("pytorch convention " << pytorch);
        const double lo = pytorch ? 0.125 : 3, hi = pytorch ? 1.0 / 3 : 8;
        Activation act("act", activation_variant("r", "rrelu", {{"lower", lo}, {"upper", hi}, {"pytorch", pytorch ? 1.0 : 0.0}}), 99);
        act.build(ctx, plain_desc(dims), true);
        const auto y = to_plain(ctx, act.forward(ctx, in));  // slope = −y for x = −1
        const double min_slope = pytorch ? lo : 1 / hi, max_slope = pytorch ? hi : 1 / lo;
        // E[slope]: (l+u)/2 for a uniform slope; E[1/r] = ln(u/l)/(u−l) for r ~ U(l, u).
        const double expected_mean = pytorch ? (lo + hi) / 2 : std::log(hi / lo) / (hi - lo);
        double sum = 0;
        for (float v : y) {
            REQUIRE(-v >= min_slope - 1e-6);
            REQUIRE(-v <= max_slope + 1e-6);
            sum += -v;
        }
        CHECK(sum / n == Approx(expected_mean).epsilon(0.01));
        // Backward uses exactly forward's slopes: dx = slope · dy for x < 0.
        memory dy = plain_memory(ctx, dims, std::vector<float>(n, 1.f));
        const auto dx = to_plain(ctx, act.backward(ctx, dy));
        for (std::size_t i = 0; i < n; ++i) REQUIRE(dx[i] == -y[i]);
        // The next training step draws anew.
        const auto y2 = to_plain(ctx, act.forward(ctx, in));
        CHECK(y2 != y);
        // Evaluation: the fixed slope, 2/(l+u) (Xu et al.) or (l+u)/2 (PyTorch).
        act.set_training(false);
        const auto ye = to_plain(ctx, act.forward(ctx, in));
        const float fixed = static_cast<float>(pytorch ? (lo + hi) / 2 : 2 / (lo + hi));
        for (float v : ye) REQUIRE(v == Approx(-fixed));
        // Backward at evaluation (the probe statistics' f′) uses exactly forward's fixed slope.
        const auto dxe = to_plain(ctx, act.backward(ctx, dy));
        for (std::size_t i = 0; i < n; ++i) REQUIRE(dxe[i] == -ye[i]);
    }
}

TEST_CASE("rrelu and noisy_relu draws depend on the seed only, not on the thread count", "[activation][rrelu]") {
    Context ctx;
    const memory::dims dims{4, 16, 16, 16};
    Rng rng(3);
    const auto x = random_vector(logical_count(dims), rng);
    for (const char* name : {"rrelu", "noisy_relu"}) {
        std::vector<std::vector<float>> outputs;
        for (int threads : {1, 2}) {
            omp_set_num_threads(threads);
            Activation act("act", builtin_activation(name), 1234);
            act.build(ctx, plain_desc(dims), true);
            memory in = plain_memory(ctx, dims, x);
            outputs.push_back(to_plain(ctx, act.forward(ctx, in)));
        }
        CHECK(outputs[0] == outputs[1]);
        Activation other("act", builtin_activation(name), 1235);
        other.build(ctx, plain_desc(dims), true);
        memory in = plain_memory(ctx, dims, x);
        CHECK(to_plain(ctx, other.forward(ctx, in)) != outputs[0]);
    }
}

TEST_CASE("rrelu_train: every value is the definition's, whatever the split", "[activation][rrelu]") {
    // Element i: h = counter_hash32 of (key, 8·⌊i/16⌋ + i % 8), m = its low 16 bits for i % 16 < 8, else its high
    // 16; r = lower + (upper − lower)·2^-16·m, slope = 1/r (Xu et al.) or r (PyTorch); out = v where x > 0,
    // slope·v elsewhere. `first` sits just below 2^33 so the hash counter's upper half changes inside the
    // tensor; the pieces start and end off the blocks of 16.
    const std::size_t n = (std::size_t{1} << 18) + 5;
    const std::size_t first = (std::size_t{1} << 33) - 1003;
    Rng rng(11);
    const auto x = random_vector(n, rng), v = random_vector(n, rng);
    struct Params {
        float lower, upper;
        bool pytorch;
    };
    for (const Params& p : {Params{3.f, 8.f, false}, Params{0.125f, 1.f / 3, true}, Params{1e-6f, 1e6f, false}, Params{5.f, 5.f, false}}) {
        INFO("lower " << p.lower << ", upper " << p.upper << ", pytorch " << p.pytorch);
        const std::uint64_t key = 0x1234567890abcdefULL;
        std::vector<float> out(n), pieces(n);
        kernels::rrelu_train(x.data(), v.data(), out.data(), n, first, key, p.lower, p.upper, p.pytorch);
        const float step = (p.upper - p.lower) * 0x1p-16f;
        std::size_t mismatches = 0;
        std::vector<std::size_t> seen(1 << 16);
        std::vector<double> draws(n);
        for (std::size_t i = 0; i < n; ++i) {
            const std::uint64_t g = first + i, counter = g / 16 * 8 + g % 8;
            const std::uint32_t h = vecmath::counter_hash(key, counter);
            const std::uint32_t m = g % 16 < 8 ? h & 0xffff : h >> 16;
            ++seen[m];
            draws[i] = m / 65536.0 - 0.5;
            const float r = p.lower + step * static_cast<float>(m);
            const float slope = p.pytorch ? r : 1.f / r;
            const float want = x[i] > 0.f ? v[i] : slope * v[i];
            mismatches += std::bit_cast<std::uint32_t>(want) != std::bit_cast<std::uint32_t>(out[i]);
        }
        CHECK(mismatches == 0);
        // The 16-bit draws are uniform: a chi-square over 256 bins of m / 256 (255 degrees of freedom; 330 is
        // about the 0.1% tail).
        double chi2 = 0;
        for (std::size_t bin = 0; bin < 256; ++bin) {
            double count = 0;
            for (std::size_t k = 0; k < 256; ++k) count += static_cast<double>(seen[bin * 256 + k]);
            chi2 += (count - n / 256.0) * (count - n / 256.0) / (n / 256.0);
        }
        CHECK(chi2 < 330);
        // The two halves of one hash (elements i and i + 8 of a block) are uncorrelated: the correlation of
        // uniforms on [−1/2, 1/2) (variance 1/12) within 4 standard errors of 0.
        double product = 0, pairs = 0;
        for (std::size_t i = 0; i + 8 < n; ++i)
            if ((first + i) % 16 < 8) product += draws[i] * draws[i + 8], ++pairs;
        CHECK(std::abs(product / pairs * 12) < 4 / std::sqrt(pairs));
        const std::size_t cuts[] = {0, 3, 17, 999, 1003, 1011, 70001, n};
        for (std::size_t c = 0; c + 1 < std::size(cuts); ++c)
            kernels::rrelu_train(x.data() + cuts[c], v.data() + cuts[c], pieces.data() + cuts[c], cuts[c + 1] - cuts[c], first + cuts[c],
                                 key, p.lower, p.upper, p.pytorch);
        CHECK(pieces == out);
    }
}

TEST_CASE("noisy_relu adds N(0, sigma^2) in training and is plain ReLU in evaluation", "[activation][noisy]") {
    Context ctx;
    const memory::dims dims{8, 16, 16, 16};
    const std::size_t n = logical_count(dims);
    Activation act("act", activation_variant("n", "noisy_relu", {{"sigma", 0.5}}), 7);
    act.build(ctx, plain_desc(dims), true);
    // x = 10: the noise never reaches zero, so y − x is the noise itself.
    memory in = plain_memory(ctx, dims, std::vector<float>(n, 10.f));
    const auto y = to_plain(ctx, act.forward(ctx, in));
    double s = 0, s2 = 0;
    for (float v : y) s += v - 10.0, s2 += (v - 10.0) * (v - 10.0);
    CHECK(s / n == Approx(0).margin(0.01));
    CHECK(std::sqrt(s2 / n) == Approx(0.5).epsilon(0.02));
    // Backward passes the gradient where the noisy input was positive.
    Rng rng(8);
    const auto x = random_vector(n, rng);
    memory in2 = plain_memory(ctx, dims, x);
    const auto y2 = to_plain(ctx, act.forward(ctx, in2));
    memory dy = plain_memory(ctx, dims, std::vector<float>(n, 1.f));
    const auto dx = to_plain(ctx, act.backward(ctx, dy));
    std::size_t differs = 0;
    for (std::size_t i = 0; i < n; ++i) {
        REQUIRE(dx[i] == (y2[i] > 0 ? 1.f : 0.f));
        differs += y2[i] != std::max(x[i], 0.f);
    }
    CHECK(differs > n / 2);
    act.set_training(false);
    const auto ye = to_plain(ctx, act.forward(ctx, in2));
    for (std::size_t i = 0; i < n; ++i) REQUIRE(ye[i] == std::max(x[i], 0.f));
}

TEST_CASE("noisy_relu's noise: one call's values are standard normal, uncorrelated, and the same for any split", "[activation][noisy]") {
    std::vector<float> pool(kernels::kNoisePoolFloats);
    kernels::noise_pool(pool.data(), 99);
    double square = 0;
    for (std::size_t i = 0; i < kernels::kNoisePool; ++i) square += static_cast<double>(pool[i]) * pool[i];
    CHECK(square / kernels::kNoisePool == Approx(1.0).epsilon(1e-6));
    for (std::size_t i = 0; i < 7; ++i) REQUIRE(pool[kernels::kNoisePool + i] == pool[i]);

    // x = 100 keeps every value positive, so y − 100 is sigma·z (to 1e-5).
    const std::size_t n = std::size_t{1} << 20;
    const std::vector<float> x(n, 100.f);
    std::vector<float> y(n);
    kernels::noisy_relu_train_forward(x.data(), y.data(), n, 0, 1234, 1.f, pool.data());
    std::vector<double> z(n);
    double mean = 0, var = 0, fourth = 0;
    for (std::size_t i = 0; i < n; ++i) z[i] = y[i] - 100.0, mean += z[i];
    mean /= n;
    for (double v : z) var += (v - mean) * (v - mean), fourth += std::pow(v - mean, 4);
    var /= n;
    fourth /= n;
    const double bound = 4 / std::sqrt(static_cast<double>(n));
    CHECK(std::abs(mean) < bound);
    CHECK(var == Approx(1.0).margin(0.01));
    CHECK(fourth / (var * var) == Approx(3.0).margin(0.05));
    // Neighbours in a row (lag 1), the Hadamard partners of a lane (lag 8) and the next group (lag 32) are
    // uncorrelated; the partners are independent too: E[z_k² z_k'²] = 1 for independent standard normals.
    for (std::size_t lag : {1, 8, 32}) {
        double product = 0;
        for (std::size_t i = 0; i + lag < n; ++i) product += z[i] * z[i + lag];
        INFO("lag " << lag);
        CHECK(std::abs(product / static_cast<double>(n - lag)) < bound);
    }
    double squares = 0;
    for (std::size_t i = 0; i < n; i += 16) squares += z[i] * z[i] * z[i + 8] * z[i + 8];
    CHECK(squares / static_cast<double>(n / 16) == Approx(1.0).margin(0.05));
    // Kolmogorov–Smirnov distance to the normal CDF: below the 1% critical value 1.63/√n.
    std::vector<double> sorted = z;
    std::sort(sorted.begin(), sorted.end());
    double ks = 0;
    for (std::size_t i = 0; i < n; ++i) {
        const double cdf = 0.5 * std::erfc(-sorted[i] / std::sqrt(2.0));
        ks = std::max({ks, std::abs(cdf - static_cast<double>(i) / n), std::abs(cdf - static_cast<double>(i + 1) / n)});
    }
    CHECK(ks < 1.63 / std::sqrt(static_cast<double>(n)));

    // Any split of the tensor, ragged ends included, gives the same bits; sigma scales the noise.
    const std::size_t cuts[] = {0, 5, 13, 77, 4096, 4099, 50001, n};
    std::vector<float> pieces(n);
    for (std::size_t c = 0; c + 1 < std::size(cuts); ++c)
        kernels::noisy_relu_train_forward(x.data() + cuts[c], pieces.data() + cuts[c], cuts[c + 1] - cuts[c], cuts[c], 1234, 1.f,
                                          pool.data());
    CHECK(pieces == y);
    kernels::noisy_relu_train_forward(x.data(), pieces.data(), n, 0, 1235, 1.f, pool.data());
    CHECK(pieces != y);
    // Negative inputs: ReLU of x + z (z known to the rounding of 100 + z).
    const std::vector<float> low(n, -1.f);
    kernels::noisy_relu_train_forward(low.data(), pieces.data(), n, 0, 1234, 1.f, pool.data());
    for (std::size_t i = 0; i < n; i += 97) REQUIRE(pieces[i] == Approx(std::max(z[i] - 1.0, 0.0)).margin(1e-5));
}

TEST_CASE("maxout: output shape, values and gradients", "[activation][maxout]") {
    Context ctx;
    Rng rng(9);
    for (int k : {2, 3}) {
        INFO("pieces " << k);
        const memory::dims dims{2, 4 * k, 3, 3};
        Activation act("act", activation_variant("m", "maxout", {{"pieces", static_cast<double>(k)}}), 1);
        const memory::desc out = act.build(ctx, plain_desc(dims), true);
        REQUIRE(out.dims() == memory::dims{2, 4, 3, 3});
        const auto x = random_vector(logical_count(dims), rng);
        memory in = plain_memory(ctx, dims, x);
        const auto y = to_plain(ctx, act.forward(ctx, in));
        for (int b = 0; b < 2; ++b)
            for (int c = 0; c < 4; ++c)
                for (int s = 0; s < 9; ++s) {
                    float best = -INFINITY;
                    for (int j = 0; j < k; ++j) best = std::max(best, x[((b * 4 * k) + c * k + j) * 9 + s]);
                    REQUIRE(y[(b * 4 + c) * 9 + s] == best);
                }
        check_layer_gradients(ctx, act, dims, x, 10, true, 1e-3);
    }
    Activation bad("act", activation_variant("m", "maxout", {{"pieces", 3}}), 1);
    CHECK_THROWS_WITH(bad.build(ctx, plain_desc({2, 8, 3, 3}), true), Catch::Contains("divisible by 3"));
}

TEST_CASE("unknown names and parameters list the valid ones", "[activation][errors]") {
    try {
        find_activation("relux");
        FAIL("expected an exception");
    } catch (const std::invalid_argument& e) {
        const std::string msg = e.what();
        CHECK(msg.find("relux") != std::string::npos);
        for (const auto& a : activation_table())
            if (a.kernel != ActivationKernel::formula) CHECK(msg.find(std::string(a.name)) != std::string::npos);
    }
    CHECK_THROWS_WITH(activation_variant("v", "leaky_relu", {{"slop", 0.1}}),
                      Catch::Contains("no parameter 'slop'") && Catch::Contains("valid: slope"));
    CHECK_THROWS_WITH(activation_variant("v", "relu", {{"slope", 0.1}}), Catch::Contains("it takes none"));
    CHECK_THROWS_WITH(activation_variant("v", "leaky_relu", {{"slope", 2}}), Catch::Contains("out of range"));
    CHECK_THROWS_WITH(activation_variant("v", "rrelu", {{"lower", 9}}), Catch::Contains("must not exceed upper"));
    CHECK_THROWS_WITH(builtin_activation("formula"), Catch::Contains("unknown activation"));
}

TEST_CASE("the rectifier flag matches f: zero for every x <= 0", "[activation]") {
    for (const auto& info : activation_table()) {
        if (!info.f) continue;
        const ActivationSpec spec = builtin_activation(info.name);
        bool zero_below = true;
        for (double x = -5; x <= 0; x += 0.25) zero_below &= spec.f(x) == 0.0;
        INFO(info.name);
        CHECK(info.rectifier == zero_below);
    }
}

TEST_CASE("noisy_relu with variance sigmoid(x): Nair & Hinton's NReLU, its moments against x, its derivative, any split",
          "[activation][noisy]") {
    // y = max(0, x + √σ(x)·z): the rectified normal's moments with μ = x and s = √σ(x):
    // E[y] = μΦ(μ/s) + sφ(μ/s), E[y²] = (μ² + s²)Φ(μ/s) + μsφ(μ/s).
    std::vector<float> pool(kernels::kNoisePoolFloats);
    kernels::noise_pool(pool.data(), 4321);
    const std::size_t n = std::size_t{1} << 18;
    auto Phi = [](double v) { return 0.5 * std::erfc(-v / std::sqrt(2.0)); };
    auto phi = [](double v) { return std::exp(-v * v / 2) / std::sqrt(2 * M_PI); };
    for (const float x0 : {-2.f, -0.5f, 0.f, 1.f, 3.f}) {
        INFO("x = " << x0);
        const std::vector<float> x(n, x0);
        std::vector<float> y(n);
        kernels::noisy_relu_train_forward(x.data(), y.data(), n, 0, 4321, 0.1f, pool.data(), true);
        double m1 = 0, m2 = 0;
        for (float v : y) m1 += v, m2 += static_cast<double>(v) * v;
        m1 /= n, m2 /= n;
        const double mu = x0, s = std::sqrt(1 / (1 + std::exp(-mu))), r = mu / s;
        CHECK(m1 == Approx(mu * Phi(r) + s * phi(r)).margin(0.006));
        CHECK(m2 == Approx((mu * mu + s * s) * Phi(r) + mu * s * phi(r)).margin(0.012));
    }
    // The same bits for any split of the tensor, as for the fixed form.
    std::vector<float> x(n), whole(n), pieces(n);
    Rng rng(5);
    for (auto& v : x) v = static_cast<float>(2 * rng.normal());
    kernels::noisy_relu_train_forward(x.data(), whole.data(), n, 0, 99, 0.1f, pool.data(), true);
    for (const std::size_t cut : {std::size_t{1}, std::size_t{33}, n / 3}) {
        kernels::noisy_relu_train_forward(x.data(), pieces.data(), cut, 0, 99, 0.1f, pool.data(), true);
        kernels::noisy_relu_train_forward(x.data() + cut, pieces.data() + cut, n - cut, cut, 99, 0.1f, pool.data(), true);
        CHECK(pieces == whole);
    }
    // The derivative with the noise held fixed (the same key and element), by central differences away from the kink.
    std::vector<float> dy(n, 1.f), dx(n);
    kernels::noisy_relu_sigmoid_backward(x.data(), whole.data(), dy.data(), dx.data(), n);
    int checked = 0;
    for (std::size_t g = 0; g < n && checked < 200; g += 997) {
        if (whole[g] < 0.2f) continue;  // away from max's kink
        const float h = 1e-2f;
        float up = 0, down = 0;
        const float xu = x[g] + h, xd = x[g] - h;
        kernels::noisy_relu_train_forward(&xu, &up, 1, g, 99, 0.1f, pool.data(), true);
        kernels::noisy_relu_train_forward(&xd, &down, 1, g, 99, 0.1f, pool.data(), true);
        CHECK(dx[g] == Approx((up - down) / (2 * h)).epsilon(0.02).margin(0.002));
        ++checked;
    }
    CHECK(checked > 100);
    // The default (variance 0) keeps its draws: the fixed form's numbers do not change with the new parameter.
    CHECK(builtin_activation("noisy_relu").param("variance") == 0);
    CHECK(activation_variant("nrelu", "noisy_relu", {{"variance", 1}}).param("variance") == 1);
}

// Values published with each activation or computed by an independent implementation (Python's math module,
// PyTorch's documented outputs), not from the table the kernels and f use: a wrong constant in a row, or a row
// whose kernel and reference are wrong together, fails here.
TEST_CASE("golden values: each activation at a few points, as its source gives them", "[activation][golden]") {
    struct Golden {
        ActivationSpec spec;
        std::vector<std::pair<double, double>> points;  // (x, f(x)) in evaluation mode
    };
    const std::vector<Golden> golden{
        {builtin_activation("relu"), {{-1, 0}, {2, 2}}},
        {builtin_activation("leaky_relu"), {{-2, -0.02}, {3, 3}}},  // Maas et al.: slope 0.01
        {activation_variant("xu_leaky", "leaky_relu", {{"slope", 1 / 5.5}}), {{-5.5, -1}}},
        {builtin_activation("prelu"), {{-1, -0.25}, {1, 1}}},  // He et al.: a starts at 0.25
        {builtin_activation("rrelu"), {{-5.5, -1}, {2, 2}}},  // Xu et al.: x / ((3 + 8)/2)
        {activation_variant("rrelu_torch", "rrelu", {{"lower", 0.125}, {"upper", 1.0 / 3}, {"pytorch", 1}}),
         {{-24, -5.5}}},  // PyTorch: slope (1/8 + 1/3)/2
        {builtin_activation("noisy_relu"), {{-1, 0}, {0.5, 0.5}}},
        {builtin_activation("elu"), {{-1, -0.6321205588285577}, {1, 1}}},  // 1/e − 1
        {builtin_activation("selu"), {{-1, -1.1113307378125625}, {1, 1.0507009873554805}}},  // Klambauer et al. eq. 14
        {builtin_activation("softplus"), {{0, 0.6931471805599453}, {1, 1.3132616875182228}}},  // ln 2, ln(1 + e)
        {activation_variant("softplus_2", "softplus", {{"beta", 2.0}}), {{1, 1.0634640055214863}}},
        {builtin_activation("sigmoid"), {{0, 0.5}, {1, 0.7310585786300049}}},
        {builtin_activation("tanh"), {{1, 0.7615941559557649}, {-1, -0.7615941559557649}}},
        {builtin_activation("softsign"), {{3, 0.75}, {-1, -0.5}}},
        {builtin_activation("swish"), {{1, 0.7310585786300049}}},
        {activation_variant("swish_2", "swish", {{"beta", 2.0}}), {{1, 0.8807970779778823}}},
        {builtin_activation("silu"), {{1, 0.7310585786300049}, {-1, -0.2689414213699951}}},
        {builtin_activation("gelu"), {{1, 0.8413447460685429}, {-1, -0.15865525393145707}}},  // x·Φ(x)
        {builtin_activation("gelu_tanh"), {{1, 0.8411919906082768}}},
        {builtin_activation("mish"), {{1, 0.8650983882673103}}},  // Misra 2019
        {builtin_activation("hardswish"), {{1, 2.0 / 3}, {-1, -1.0 / 3}, {4, 4}, {-4, 0}}},
        {builtin_activation("clipped_relu"), {{7, 6}, {3, 3}, {-1, 0}}},
        {builtin_activation("relu6"), {{7, 6}, {-1, 0}}},
        {builtin_activation("abs"), {{-2, 2}}},
        {builtin_activation("identity"), {{-2, -2}}},
    };
    // Every built-in elementwise family has a row here.
    for (const auto& info : activation_table()) {
        if (info.kernel == ActivationKernel::formula || info.kernel == ActivationKernel::maxout) continue;
        INFO("family " << info.name);
        CHECK(std::any_of(golden.begin(), golden.end(), [&](const Golden& g) { return g.spec.info == &info; }));
    }
    Context ctx;
    for (const auto& g : golden) {
        INFO("activation " << g.spec.name);
        const memory::dims dims{1, static_cast<memory::dim>(g.points.size()), 1, 1};
        Activation act("act", g.spec, 1);
        act.build(ctx, plain_desc(dims), false);
        act.set_training(false);
        params_at_initial(ctx, act);  // PReLU's slopes, a formula's learned values
        std::vector<float> x;
        for (const auto& [xi, fi] : g.points) x.push_back(static_cast<float>(xi));
        memory in = plain_memory(ctx, dims, x);
        const auto y = to_plain(ctx, act.forward(ctx, in));
        for (std::size_t i = 0; i < x.size(); ++i) {
            const auto [xi, fi] = g.points[i];
            INFO("x = " << xi);
            CHECK(g.spec.f(xi) == Approx(fi).epsilon(1e-12).margin(1e-15));
            CHECK(y[i] == Approx(fi).epsilon(2e-6).margin(1e-7));
        }
    }
}

// oneDNN's convolutions read the padded channels of a blocked tensor as zeros; a kernel that wrote f(0) there
// (sigmoid: 0.5) would leak into the next layer. Forward and backward leave their input's buffer as it was and
// every padded channel of a blocked output zero.
TEST_CASE("blocked layouts: no activation writes its input or a padded channel", "[activation]") {
    Context ctx;
    const memory::dims dims{2, 20, 3, 3};  // nChw16c pads 20 channels to 32
    const memory::desc blocked(dims, dt::f32, tag::nChw16c);
    const std::size_t padded_floats = blocked.get_size() / sizeof(float);
    auto padding_is_zero = [&](const memory& m) {
        if (m.get_desc() != blocked) return true;  // a plain output has no padding
        const float* p = data_of(m);
        for (std::size_t i = 0; i < padded_floats; ++i) {
            const std::size_t inner = i % 16, block = (i / (16 * 9)) % 2;
            if (block * 16 + inner >= 20 && p[i] != 0.f) return false;
        }
        return true;
    };
    Rng rng(8);
    const auto x = random_vector(logical_count(dims), rng);
    const auto r = random_vector(logical_count(dims), rng);
    for (const auto& spec : all_elementwise()) {
        INFO("activation " << spec.name);
        Activation act("act", spec, 1);
        act.build(ctx, blocked, true);
        params_at_initial(ctx, act);
        memory in(blocked, ctx.engine), dy(blocked, ctx.engine);
        from_plain(ctx, x, in);
        from_plain(ctx, r, dy);
        const std::vector<float> in_before(data_of(in), data_of(in) + padded_floats);
        const std::vector<float> dy_before(data_of(dy), data_of(dy) + padded_floats);
        const memory& y = act.forward(ctx, in);
        CHECK(padding_is_zero(y));
        const memory& dx = act.backward(ctx, dy);
        CHECK(padding_is_zero(dx));
        CHECK(std::equal(in_before.begin(), in_before.end(), data_of(in)));
        CHECK(std::equal(dy_before.begin(), dy_before.end(), data_of(dy)));
    }
}

TEST_CASE(
    "in place: a ReLU allowed to overwrite its input gives the same bits, forward and backward, and the observer still "
    "sees the input",
    "[activation][inplace]") {
    Context ctx;
    const memory::dims dims{2, 20, 3, 3};  // blocked and padded, as the network's layouts are
    const memory::desc blocked(dims, dt::f32, tag::nChw16c);
    Rng rng(9);
    const auto x = random_vector(logical_count(dims), rng);
    const auto r = random_vector(logical_count(dims), rng);
    std::size_t in_place = 0, relu_family = 0;
    for (const auto& spec : all_elementwise()) {
        INFO("activation " << spec.name);
        relu_family += spec.info->name == "relu" || spec.info->name == "leaky_relu";
        std::vector<float> results[2][3];  // [allowed][output, input gradient, observed input]
        for (const bool allowed : {false, true}) {
            Activation act("act", spec, 1);
            if (allowed) act.allow_in_place();
            act.build(ctx, blocked, true);
            params_at_initial(ctx, act);
            memory in(blocked, ctx.engine), dy(blocked, ctx.engine);
            from_plain(ctx, x, in);
            from_plain(ctx, r, dy);
            results[allowed][0] = to_plain(ctx, act.forward(ctx, in));
            results[allowed][1] = to_plain(ctx, act.backward(ctx, dy));
            // Only ReLU and leaky ReLU (slope ≥ 0) run in place, and then the output is the input's buffer.
            const bool relu_like = spec.info->kernel == ActivationKernel::eltwise &&
                spec.info->eltwise(spec.params.data()).algorithm == dnnl::algorithm::eltwise_relu &&
                spec.info->eltwise(spec.params.data()).alpha >= 0;
            CHECK(act.in_place() == (allowed && relu_like));
            if (act.in_place()) {
                CHECK(act.last_dst().get_data_handle() == in.get_data_handle());
                ++in_place;
            }
            // In evaluation the observer sees the input as it was, though the layer overwrote it.
            from_plain(ctx, x, in);
            act.set_training(false);
            ActivationObserver observer;
            observer.observe = [&](Activation& a, const memory& input, const memory& output) {
                CHECK(&a == &act);
                CHECK(to_plain(ctx, output) == to_plain(ctx, act.last_dst()));
                results[allowed][2] = to_plain(ctx, input);
            };
            ctx.observer = &observer;
            act.forward(ctx, in);
            ctx.observer = nullptr;
        }
        CHECK(results[1][0] == results[0][0]);
        CHECK(results[1][1] == results[0][1]);
        CHECK(results[1][2] == x);
        CHECK(results[0][2] == x);
    }
    CHECK(in_place == relu_family);  // relu and the leaky ReLUs
    CHECK(relu_family >= 2);
}
