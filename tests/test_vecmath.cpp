#include "vecmath.hpp"

#include <catch2/catch.hpp>

#include <cmath>
#include <vector>

using namespace actbench;

namespace {
// Largest relative error of f against the double-precision reference g over [lo, hi].
template <class F, class G>
double max_relative_error(F f, G g, double lo, double hi, int points = 200001) {
    double worst = 0;
    for (int k = 0; k < points; ++k) {
        const float x = static_cast<float>(lo + (hi - lo) * k / (points - 1));
        const double want = g(static_cast<double>(x));
        const double got = f(x);
        worst = std::max(worst, std::abs(got - want) / std::max(std::abs(want), 1e-30));
    }
    return worst;
}
}  // namespace

TEST_CASE("vectorisable exp, log, log1p, cos, sigmoid and softplus match libm", "[vecmath]") {
    CHECK(max_relative_error(
              vecmath::exp, [](double x) { return std::exp(x); }, -87, 88) < 3e-7);
    CHECK(max_relative_error(
              vecmath::log, [](double x) { return std::log(x); }, 1e-30, 1e30, 400001) < 3e-7);
    CHECK(max_relative_error(
              vecmath::log, [](double x) { return std::log(x); }, 0.5, 2.0) < 1e-6);
    CHECK(max_relative_error(
              vecmath::log1p, [](double x) { return std::log1p(x); }, -0.99, 10) < 5e-7);
    CHECK(max_relative_error(
              vecmath::log1p, [](double x) { return std::log1p(x); }, -1e-4, 1e-4) < 5e-7);
    CHECK(max_relative_error(
              vecmath::sigmoid, [](double x) { return 1 / (1 + std::exp(-x)); }, -80, 80) < 5e-7);
    CHECK(max_relative_error(
              vecmath::softplus, [](double x) { return std::log1p(std::exp(x)); }, -80, 80) < 5e-7);
    // cos is compared absolutely: it crosses zero.
    double worst = 0;
    for (int k = 0; k < 100000; ++k) {
        const float u = static_cast<float>(k) / 100000.f;
        worst = std::max(worst, std::abs(vecmath::cos_turns(u) - std::cos(2 * M_PI * static_cast<double>(u))));
    }
    CHECK(worst < 3e-7);
    CHECK(vecmath::exp(-100.f) == 0.f);
    CHECK(vecmath::exp(0.f) == 1.f);
}

TEST_CASE("counter-based uniforms are uniform, independent of neighbours, and keyed", "[vecmath][rng]") {
    const int n = 1 << 20;
    double s = 0, s2 = 0, lag = 0;
    float prev = vecmath::counter_uniform(42, 0);
    std::vector<int> bins(16, 0);
    for (int i = 1; i <= n; ++i) {
        const float u = vecmath::counter_uniform(42, static_cast<std::uint64_t>(i));
        REQUIRE(u >= 0.f);
        REQUIRE(u < 1.f);
        s += u, s2 += static_cast<double>(u) * u, lag += (u - 0.5) * (prev - 0.5);
        ++bins[static_cast<int>(u * 16)];
        prev = u;
    }
    CHECK(s / n == Approx(0.5).margin(0.002));
    CHECK(s2 / n - (s / n) * (s / n) == Approx(1.0 / 12).margin(0.001));
    CHECK(lag / n == Approx(0).margin(0.001));  // no correlation between consecutive elements
    for (int b : bins) CHECK(b == Approx(n / 16).epsilon(0.02));
    CHECK(vecmath::counter_uniform(1, 5) != vecmath::counter_uniform(2, 5));
    CHECK(vecmath::counter_uniform(1ULL << 40, 5) != vecmath::counter_uniform(2ULL << 40, 5));
}
