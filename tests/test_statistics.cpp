#include "statistics.hpp"

#include <catch2/catch.hpp>

#include <cmath>

using namespace actbench;

TEST_CASE("Student t quantiles and CDF match the tables", "[statistics]") {
    // Two-sided 95% critical values (any statistics table).
    CHECK(student_t_quantile(0.975, 1) == Approx(12.7062).epsilon(1e-4));
    CHECK(student_t_quantile(0.975, 4) == Approx(2.7764).epsilon(1e-4));
    CHECK(student_t_quantile(0.975, 9) == Approx(2.2622).epsilon(1e-4));
    CHECK(student_t_quantile(0.975, 30) == Approx(2.0423).epsilon(1e-4));
    CHECK(student_t_quantile(0.995, 10) == Approx(3.1693).epsilon(1e-4));
    CHECK(student_t_cdf(0, 5) == Approx(0.5));
    CHECK(student_t_cdf(2.015, 5) == Approx(0.95).epsilon(1e-3));
    CHECK(student_t_cdf(-2.015, 5) == Approx(0.05).epsilon(1e-2));
    CHECK(incomplete_beta(2, 3, 0.4) == Approx(0.5248));  // 1 − Σ… closed form for integers
}

TEST_CASE("summaries: mean, sample std, median, 95% interval", "[statistics]") {
    const Summary s = summarise({2, 4, 4, 4, 5, 5, 7, 9});
    CHECK(s.mean == 5);
    CHECK(s.std == Approx(std::sqrt(32.0 / 7)));
    CHECK(s.median == 4.5);
    CHECK(s.ci_low == Approx(5 - 2.3646 * std::sqrt(32.0 / 7) / std::sqrt(8.0)).epsilon(1e-4));
    const Summary one = summarise({3});
    CHECK(one.std == 0);
    CHECK(one.ci_low == 3);
}

TEST_CASE("Welch's t-test and Hedges' g against known values", "[statistics]") {
    // Reference values from an independent script: Welch's formulas in plain Python and the two-sided tail of
    // the t density integrated by Simpson's rule: t = −2.45536, ν = 24.98853, p = 0.021378.
    const std::vector<double> a{27.5, 21.0, 19.0, 23.6, 17.0, 17.9, 16.9, 20.1, 21.9, 22.6, 23.1, 19.6, 19.0, 21.7, 21.4};
    const std::vector<double> b{27.1, 22.0, 20.8, 23.4, 23.4, 23.5, 25.8, 22.0, 24.8, 20.2, 21.9, 22.1, 22.9, 20.5, 24.4};
    const Comparison c = welch_test(a, b);
    REQUIRE(c.valid);
    CHECK(c.t == Approx(-2.45536).epsilon(1e-5));
    CHECK(c.df == Approx(24.98853).epsilon(1e-5));
    CHECK(c.p_value == Approx(0.021378).epsilon(1e-3));
    CHECK(c.hedges_g < 0);
    // The 95% interval of the difference, as R's t.test(a, b) gives it: [-3.984096, -0.349237] (the same script:
    // the t quantile 2.059586 at ν = 24.98853 by bisection on the Simpson-integrated CDF).
    CHECK(c.difference == Approx(-2.1666667).epsilon(1e-6));
    CHECK(c.ci_low == Approx(-3.984096).epsilon(1e-5));
    CHECK(c.ci_high == Approx(-0.349237).epsilon(1e-5));
    CHECK_FALSE(welch_test({1}, {2, 3}).valid);
    CHECK_FALSE(welch_test({1, 1}, {1, 1}).valid);
}

TEST_CASE("Holm's adjustment against R's p.adjust(method = \"holm\")", "[statistics]") {
    // p.adjust(c(0.01, 0.04, 0.03, 0.005), "holm") = 0.03 0.06 0.06 0.02
    const std::vector<double> adjusted = holm_adjust({0.01, 0.04, 0.03, 0.005});
    REQUIRE(adjusted.size() == 4);
    CHECK(adjusted[0] == Approx(0.03));
    CHECK(adjusted[1] == Approx(0.06));
    CHECK(adjusted[2] == Approx(0.06));
    CHECK(adjusted[3] == Approx(0.02));
    // Capped at 1, ties kept in order, the empty family empty.
    CHECK(holm_adjust({0.5, 0.5, 0.9}) == std::vector<double>{1.0, 1.0, 1.0});
    CHECK(holm_adjust({}).empty());
    CHECK(holm_adjust({0.02}) == std::vector<double>{0.02});
}
