// Shared helpers for the layer tests: plain-layout I/O and finite-difference gradient checks.
//
// A layer's gradients are checked through the scalar  L = Σ r ⊙ layer(x)  for a fixed random r: backward
// with diff_dst = r gives ∂L/∂x and ∂L/∂θ, and a central difference of L along a random direction d gives
// the directional derivative ⟨∇L, d⟩ to compare with. Directional checks average over every element, so a
// rare kink crossing (ReLU at 0, a max-pool tie) moves them far less than it would a single-element check.
#pragma once

#include "onednn.hpp"
#include "rng.hpp"

#include <catch2/catch.hpp>

#include <cmath>
#include <functional>
#include <vector>

namespace actbench::test {

inline std::vector<float> random_vector(std::size_t n, Rng& rng, double scale = 1.0) {
    std::vector<float> v(n);
    for (auto& x : v) x = static_cast<float>(scale * rng.normal());
    return v;
}

inline memory plain_memory(Context& ctx, const memory::dims& dims, const std::vector<float>& values) {
    memory m(plain_desc(dims), ctx.engine);
    std::copy(values.begin(), values.end(), data_of(m));
    return m;
}

inline double dot(const std::vector<float>& a, const std::vector<float>& b) {
    double s = 0;
    for (std::size_t i = 0; i < a.size(); ++i) s += static_cast<double>(a[i]) * b[i];
    return s;
}

// Checks input and parameter gradients of `layer` (already built for `in_dims`) at input `x`.
inline void check_layer_gradients(Context& ctx, Layer& layer, const memory::dims& in_dims, std::vector<float> x, std::uint64_t seed,
                                  bool check_input = true, double eps = 1e-2, double rel_tol = 2e-2) {
    Rng rng(seed);
    memory in = plain_memory(ctx, in_dims, x);
    const memory& out0 = layer.forward(ctx, in);
    const std::size_t out_count = logical_count(out0.get_desc().dims());
    const memory::dims out_dims = out0.get_desc().dims();
    const std::vector<float> r = random_vector(out_count, rng);

    auto objective = [&]() {
        std::copy(x.begin(), x.end(), data_of(in));
        const memory& out = layer.forward(ctx, in);
        return dot(to_plain(ctx, out), r);
    };
    objective();
    memory diff_dst = plain_memory(ctx, out_dims, r);
    const memory& diff_src = layer.backward(ctx, diff_dst);
    const std::vector<float> analytic_x = check_input ? to_plain(ctx, diff_src) : std::vector<float>{};
    std::vector<std::vector<float>> analytic_p;
    for (Param* p : layer.params()) analytic_p.push_back(to_plain(ctx, p->grad));

    // Input gradient.
    if (check_input) {
        const std::vector<float> d = random_vector(x.size(), rng);
        const std::vector<float> x0 = x;
        for (std::size_t i = 0; i < x.size(); ++i) x[i] = x0[i] + static_cast<float>(eps) * d[i];
        const double plus = objective();
        for (std::size_t i = 0; i < x.size(); ++i) x[i] = x0[i] - static_cast<float>(eps) * d[i];
        const double minus = objective();
        x = x0;
        const double numeric = (plus - minus) / (2 * eps);
        const double analytic = dot(analytic_x, d);
        INFO("input gradient: numeric " << numeric << ", analytic " << analytic);
        CHECK(numeric == Approx(analytic).epsilon(rel_tol).margin(1e-3));
    }
    // Parameter gradients.
    const auto params = layer.params();
    for (std::size_t k = 0; k < params.size(); ++k) {
        Param& p = *params[k];
        const std::vector<float> w0 = to_plain(ctx, p.value);
        const std::vector<float> d = random_vector(w0.size(), rng);
        std::vector<float> w = w0;
        for (std::size_t i = 0; i < w.size(); ++i) w[i] = w0[i] + static_cast<float>(eps) * d[i];
        from_plain(ctx, w, p.value);
        const double plus = objective();
        for (std::size_t i = 0; i < w.size(); ++i) w[i] = w0[i] - static_cast<float>(eps) * d[i];
        from_plain(ctx, w, p.value);
        const double minus = objective();
        from_plain(ctx, w0, p.value);
        const double numeric = (plus - minus) / (2 * eps);
        const double analytic = dot(analytic_p[k], d);
        INFO(p.name << " gradient: numeric " << numeric << ", analytic " << analytic);
        CHECK(numeric == Approx(analytic).epsilon(rel_tol).margin(1e-3));
    }
}

// The same check one element at a time, for layers small enough: each input element and each parameter
// element perturbed alone, so an error confined to a few elements (a wrong border, a wrong channel) is not
// averaged away. The input must keep every element away from a kink by more than eps.
inline void check_layer_gradients_elementwise(Context& ctx, Layer& layer, const memory::dims& in_dims, std::vector<float> x,
                                              std::uint64_t seed, double eps = 1e-2, double tol = 2e-2) {
    Rng rng(seed);
    memory in = plain_memory(ctx, in_dims, x);
    const memory::dims out_dims = layer.forward(ctx, in).get_desc().dims();
    const std::vector<float> r = random_vector(logical_count(out_dims), rng);
    auto objective = [&]() {
        std::copy(x.begin(), x.end(), data_of(in));
        return dot(to_plain(ctx, layer.forward(ctx, in)), r);
    };
    objective();
    memory diff_dst = plain_memory(ctx, out_dims, r);
    const std::vector<float> analytic_x = to_plain(ctx, layer.backward(ctx, diff_dst));
    std::vector<std::vector<float>> analytic_p;
    for (Param* p : layer.params()) analytic_p.push_back(to_plain(ctx, p->grad));
    // Central difference of the objective in one coordinate of `v`, written back through `store`.
    auto central = [&](std::vector<float>& v, std::size_t i, const std::function<void()>& store) {
        const float v0 = v[i];
        v[i] = v0 + static_cast<float>(eps);
        store();
        const double plus = objective();
        v[i] = v0 - static_cast<float>(eps);
        store();
        const double minus = objective();
        v[i] = v0;
        store();
        return (plus - minus) / (2 * eps);
    };
    for (std::size_t i = 0; i < x.size(); ++i) {
        INFO("input element " << i << " at " << x[i]);
        CHECK(central(x, i, [] {}) == Approx(analytic_x[i]).epsilon(tol).margin(1e-3));
    }
    const auto params = layer.params();
    for (std::size_t k = 0; k < params.size(); ++k) {
        std::vector<float> w = to_plain(ctx, params[k]->value);
        for (std::size_t i = 0; i < w.size(); ++i) {
            INFO(params[k]->name << " element " << i);
            CHECK(central(w, i, [&] { from_plain(ctx, w, params[k]->value); }) == Approx(analytic_p[k][i]).epsilon(tol).margin(1e-3));
        }
    }
}

// Sets every parameter of `layer` to N(0, scale²) values, in plain order.
inline void randomise_params(Context& ctx, Layer& layer, Rng& rng, double scale) {
    for (Param* p : layer.params()) from_plain(ctx, random_vector(logical_count(p->dims), rng, scale), p->value);
}

}  // namespace actbench::test
