#include "rng.hpp"
#include "stats/statistics.hpp"

#include <catch2/catch.hpp>

#include <cmath>
#include <limits>

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

TEST_CASE("Benjamini–Hochberg against R's p.adjust(method = \"BH\")", "[statistics]") {
    // p.adjust(c(0.01, 0.04, 0.03, 0.005), "BH") = 0.02 0.04 0.04 0.02
    const std::vector<double> adjusted = bh_adjust({0.01, 0.04, 0.03, 0.005});
    CHECK(adjusted[0] == Approx(0.02));
    CHECK(adjusted[1] == Approx(0.04));
    CHECK(adjusted[2] == Approx(0.04));
    CHECK(adjusted[3] == Approx(0.02));
    // Benjamini & Hochberg 1995, Table 1's first five of 15 p-values: only the smallest 4 survive at q = 0.05.
    const std::vector<double> p{0.0001, 0.0004, 0.0019, 0.0095, 0.0201, 0.0278, 0.0298, 0.0344,
                                0.0459, 0.3240, 0.4262, 0.5719, 0.6528, 0.7590, 1.0};
    const auto q = bh_adjust(p);
    int rejected = 0;
    for (double v : q) rejected += v < 0.05;
    CHECK(rejected == 4);
    CHECK(bh_adjust({}).empty());
}

TEST_CASE("the paired t-test against a hand computation", "[statistics]") {
    // Differences 1, 2, 3, 4, 5 minus 0: mean 3, sd √2.5, t = 3/(√2.5/√5) = 4.2426, ν = 4, p = 0.01324 (R: t.test(x, y, paired = TRUE)).
    const Comparison c = paired_test({2, 4, 6, 8, 10}, {1, 2, 3, 4, 5});
    REQUIRE(c.valid);
    CHECK(c.difference == Approx(3));
    CHECK(c.t == Approx(4.242641).epsilon(1e-6));
    CHECK(c.df == 4);
    CHECK(c.p_value == Approx(0.01324).epsilon(2e-3));
    // 3 ± t(0.975, 4) · √2.5/√5 = 3 ± 2.776445 · 0.707107 = [1.036757, 4.963243]
    CHECK(c.ci_low == Approx(1.036757).epsilon(1e-5));
    CHECK(c.ci_high == Approx(4.963243).epsilon(1e-5));
    CHECK(c.hedges_g == Approx(3 / std::sqrt(2.5)));
    CHECK_FALSE(paired_test({1, 2}, {0, 1}).valid);  // no variance in the differences
}

TEST_CASE("interquartile mean, probability of improvement and power against known values", "[statistics]") {
    CHECK(interquartile_mean({1, 2, 3, 4, 5, 6, 7, 100}) == Approx(4.5));  // cuts 2 from each end: mean of 3..6
    CHECK(interquartile_mean({1, 2, 3}) == Approx(2));  // n < 4: nothing cut
    CHECK(probability_of_improvement({3, 4}, {1, 2}) == 1.0);
    CHECK(probability_of_improvement({1, 2}, {1, 2}) == 0.5);
    // By hand: 2 beats 1 only (1 of 3), 5 beats all three: (1 + 3) / 6.
    CHECK(probability_of_improvement({2, 5}, {1, 3, 4}) == Approx(4.0 / 6));
    CHECK(probability_of_improvement({-INFINITY}, {0.1}) == 0.0);  // a diverged trial is the worst outcome
    // G*Power 3.1: d = 1, α = 0.05 two-sided, 80% power → 17 per group; paired d_z = 0.5 → 34 pairs.
    CHECK(seeds_for_power(1.0, 0.05, 0.8, false) == 17);
    CHECK(seeds_for_power(0.5, 0.05, 0.8, true) == 34);
    CHECK(seeds_for_power(-1.0, 0.05, 0.8, false) == 17);
    CHECK(seeds_for_power(0.0, 0.05, 0.8, false) == -1);
    CHECK(seeds_for_power(0.001, 0.05, 0.8, false, 1000) == -1);
}

TEST_CASE("percentile bootstrap intervals cover the mean about 95% of the time", "[statistics][bootstrap]") {
    // Coverage by simulation: 400 samples of 20 normals; a 95% percentile interval for the mean covers 0 in about
    // 93–95% of them at n = 20 (the percentile method runs slightly narrow at small n). 400 trials give a Monte Carlo
    // standard error of 1.1 points, so [0.89, 0.98] holds with room.
    Rng data(12345);
    int covered = 0;
    const int samples = 400;
    for (int k = 0; k < samples; ++k) {
        std::vector<double> v(20);
        for (auto& x : v) x = data.normal();
        const Interval ci = bootstrap_interval(v, mean_of, static_cast<std::uint64_t>(k), 1000);
        covered += ci.low <= 0 && 0 <= ci.high;
    }
    const double coverage = static_cast<double>(covered) / samples;
    CHECK(coverage > 0.89);
    CHECK(coverage < 0.98);
    // Seeded: the same values and seed give the same interval.
    const std::vector<double> v{0.81, 0.84, 0.79, 0.86, 0.83};
    const Interval a = bootstrap_interval(v, mean_of, 7), b = bootstrap_interval(v, mean_of, 7);
    CHECK(a.low == b.low);
    CHECK(a.high == b.high);
    CHECK(a.low < 0.826);
    CHECK(a.high > 0.826);
}

TEST_CASE("ranks over data sets: ties share their mean rank, Friedman, Iman–Davenport and Nemenyi against Demšar 2006",
          "[statistics][ranks]") {
    // The highest score ranks 1; tied scores share the mean of their ranks; a missing score ranks last.
    CHECK(ranks_descending({0.9, 0.8, 0.9, NAN, 0.7}) == std::vector<double>{1.5, 3, 1.5, 5, 4});
    CHECK(ranks_descending({0.5, 0.5, 0.5}) == std::vector<double>{2, 2, 2});
    // Equal means of counts summed in another order differ in the last bit; they still tie (GELU and PReLU on
    // digits: the same correct test images over 16 seeds, ranked 5 and 6 before).
    double gelu = 0, prelu = 0;
    for (double v : {0.967, 0.9682, 0.9654}) gelu += v;
    for (double v : {0.9654, 0.967, 0.9682}) prelu += v;
    gelu /= 3, prelu /= 3;
    CHECK(ranks_descending({0.97, std::nextafter(0.9668, 1.0), 0.9668, 0.96}) == std::vector<double>{1, 2.5, 2.5, 4});
    CHECK(ranks_descending({gelu, prelu}) == std::vector<double>{1.5, 1.5});
    CHECK(same_accuracy(gelu, prelu));
    CHECK_FALSE(same_accuracy(0.9668, 0.9668 + 1.0 / (10000.0 * 10000.0)));  // one image of 10⁴ over 10⁴ seeds apart

    // Demšar's worked example (§3.2.4): four variants of C4.5 over 14 data sets, mean ranks 3.143, 2.000, 2.893 and
    // 1.964 give χ²_F = 9.28 and F_F = 3.69 on (3, 39) degrees of freedom, above the 5% critical value 2.85.
    const Friedman f = friedman_test({3.143, 2.000, 2.893, 1.964}, 14);
    CHECK(f.chi2 == Approx(9.28).margin(0.01));
    CHECK(f.f == Approx(3.69).margin(0.01));
    CHECK(f.df1 == 3);
    CHECK(f.kendall_w == Approx(9.28 / (14 * 3)).margin(0.001));
    CHECK(friedman_test({1, 2, 3}, 5).kendall_w == Approx(1));
    CHECK(f.df2 == 39);
    CHECK(f_cdf(2.85, 3, 39) == Approx(0.95).margin(0.002));
    CHECK(f.p_value < 0.05);
    CHECK(f.p_value > 0.01);  // F(3, 39)'s 1% critical value is 4.31
    // Every data set ranking the methods alike: the largest statistic there is; F undefined, p exact: (3!)^(1−5).
    CHECK(friedman_test({1, 2, 3}, 5).exact);
    CHECK(std::isnan(friedman_test({1, 2, 3}, 5).f));
    CHECK(friedman_test({1, 2, 3}, 5).p_value == Approx(std::pow(6.0, -4)));
    // Two studies ranking three values alike: 1 in 6 under the null, not a difference (before: F = inf, p = 0).
    CHECK(friedman_test({1, 2, 3}, 2).p_value == Approx(1.0 / 6));
    // One data set or one method: nothing to test.
    CHECK(friedman_test({1, 2, 3}, 1).p_value == 1);
    CHECK(friedman_test({1}, 5).p_value == 1);
    // No difference at all: every mean rank (k + 1)/2.
    CHECK(friedman_test({2, 2, 2}, 5).chi2 == Approx(0).margin(1e-12));
    CHECK(friedman_test({2, 2, 2}, 5).p_value == Approx(1));

    // Nemenyi's critical values, Demšar's Table 5(a), α = 0.05 and α = 0.10, k = 2 … 10.
    const double q05[] = {1.960, 2.343, 2.569, 2.728, 2.850, 2.949, 3.031, 3.102, 3.164};
    const double q10[] = {1.645, 2.052, 2.291, 2.459, 2.589, 2.693, 2.780, 2.855, 2.920};
    for (int k = 2; k <= 10; ++k) {
        INFO("k = " << k);
        CHECK(nemenyi_q(k, 0.05) == Approx(q05[k - 2]).margin(0.0015));
        CHECK(nemenyi_q(k, 0.10) == Approx(q10[k - 2]).margin(0.0015));
    }
    // Its example: CD = 2.569·√(4·5/(6·14)) = 1.25; C4.5 and C4.5+m+cf differ by 1.179, not significantly.
    CHECK(critical_difference(4, 14, 0.05) == Approx(1.25).margin(0.005));
    CHECK(rank_cliques({1.964, 2.000, 2.893, 3.143}, 1.25) == std::vector<std::pair<std::size_t, std::size_t>>{{0, 3}});
    // Two groups apart; a run inside an earlier one is left out; nobody within reach: no bar.
    CHECK(rank_cliques({1, 1.5, 3, 3.2, 5}, 1.0) == std::vector<std::pair<std::size_t, std::size_t>>{{0, 1}, {2, 3}});
    CHECK(rank_cliques({1, 1.2, 1.4}, 1.0) == std::vector<std::pair<std::size_t, std::size_t>>{{0, 2}});
    CHECK(rank_cliques({1, 3, 5}, 1.0).empty());
}

TEST_CASE("the sign test against R's binom.test", "[statistics]") {
    // binom.test(14, 16)$p.value = 274 / 2^16; binom.test(5, 5) = 2 / 2^5; binom.test(3, 10) = 352 / 2^10.
    CHECK(sign_test(14, 2) == Approx(274.0 / 65536).epsilon(1e-9));
    CHECK(sign_test(2, 14) == Approx(274.0 / 65536).epsilon(1e-9));
    CHECK(sign_test(5, 0) == Approx(0.0625).epsilon(1e-9));
    CHECK(sign_test(3, 7) == Approx(0.34375).epsilon(1e-9));
    CHECK(sign_test(5, 5) == 1.0);
    CHECK(sign_test(0, 0) == 1.0);
    // Past where 2^-n underflows: 1100 of 2000, z = 4.47, about 8·10⁻⁶ by the normal approximation.
    const double big = sign_test(1100, 900);
    CHECK(big > 5e-6);
    CHECK(big < 1.2e-5);
}

TEST_CASE("a difference that is the same on every seed has no spread to test: rounding noise is not variance", "[statistics]") {
    const std::vector<double> base{0.8412, 0.8533, 0.8697, 0.8801};
    std::vector<double> shifted, differences;
    for (double v : base) shifted.push_back(v + 0.15), differences.push_back(shifted.back() - v);
    REQUIRE(summarise(differences).std > 0);  // a few ulps apart: the case that reached t ≈ 10¹⁶
    const Comparison paired = paired_test(shifted, base);
    CHECK_FALSE(paired.valid);
    CHECK(paired.difference == Approx(0.15));
    const std::vector<double> same{0.1 + 0.2, 0.3, 0.3};  // 0.30000000000000004 and 0.3
    REQUIRE(summarise(same).std > 0);
    CHECK_FALSE(welch_test(same, {0.7, 0.7, 0.7}).valid);
    // A real spread, however small against the values, is still tested.
    CHECK(paired_test({0.85, 0.8500001, 0.8500003}, {0.7, 0.7, 0.7}).valid);
}

TEST_CASE("every statistic on degenerate input gives its stated result", "[statistics]") {
    const double inf = std::numeric_limits<double>::infinity(), nan = std::numeric_limits<double>::quiet_NaN();
    // Summaries: none, one value, a NaN (no order: before, std::sort on it was undefined), an infinite value.
    CHECK(summarise({}).n == 0);
    const Summary one = summarise({0.5});
    CHECK((one.std == 0 && one.ci_low == 0.5 && one.ci_high == 0.5));
    const Summary with_nan = summarise({0.5, nan, 0.6});
    CHECK(with_nan.n == 3);
    CHECK((std::isnan(with_nan.mean) && std::isnan(with_nan.median) && std::isnan(with_nan.ci_low)));
    const Summary with_inf = summarise({0.5, -inf});
    CHECK((with_inf.mean == -inf && with_inf.min == -inf && with_inf.max == 0.5));
    CHECK((std::isnan(with_inf.std) && std::isnan(with_inf.ci_high)));
    // Tests: not made on one value per group, without spread, on a non-finite value (before: "valid" with NaN
    // t, df and p), or on pairs of unequal length (before: read past the shorter).
    for (const Comparison& c : {welch_test({1}, {2}), welch_test({1, 1, 1}, {2, 2, 2}), welch_test({1, -inf, 1}, {2, 3, 4}),
                                welch_test({1, nan, 2}, {2, 3, 4}), paired_test({1, 2, 3}, {0, 1, 2}), paired_test({1, inf, 3}, {0, 1, 5}),
                                paired_test({1, 2, 3}, {1, 2}), paired_test({}, {})}) {
        CHECK_FALSE(c.valid);
        CHECK(c.p_value == 1);
        CHECK((c.t == 0 && c.df == 0 && c.ci_low == 0 && c.ci_high == 0));
    }
    CHECK(welch_test({1, -inf, 1}, {2, 3, 4}).difference == -inf);
    CHECK(std::isnan(paired_test({1, 2, 3}, {1, 2}).difference));
    // Adjustments: an empty family; a NaN p counts as 1 (before: it broke the step order, and Holm made 0.01 of
    // two tests 1 instead of 0.02).
    CHECK(holm_adjust({}).empty());
    CHECK(bh_adjust({}).empty());
    CHECK(holm_adjust({nan, 0.01}) == std::vector<double>{1, 0.02});
    CHECK(bh_adjust({nan, 0.01}) == std::vector<double>{1, 0.02});
    // t distribution outside its domain.
    CHECK(std::isnan(student_t_quantile(0.975, 0)));
    CHECK(std::isnan(student_t_quantile(1, 5)));
    CHECK(std::isnan(student_t_cdf(1, -1)));
    // Means, bootstrap and P(>) of nothing; power of no effect; the sign test with no untied pair.
    CHECK((std::isnan(mean_of({})) && std::isnan(interquartile_mean({}))));
    CHECK(interquartile_mean({3}) == 3);
    const Interval none = bootstrap_interval({}, mean_of, 1);
    CHECK((std::isnan(none.low) && std::isnan(none.high)));
    const Interval single = bootstrap_interval({2}, mean_of, 1);
    CHECK((single.low == 2 && single.high == 2));
    CHECK(std::isnan(probability_of_improvement({}, {1})));
    CHECK(probability_of_improvement({1, 1}, {1, 1}) == 0.5);
    CHECK(seeds_for_power(0, 0.05, 0.8, true) == -1);
    CHECK(seeds_for_power(nan, 0.05, 0.8, false) == -1);
    CHECK(sign_test(0, 0) == 1);
    // Ranks: none; all tied share the mean rank. Friedman: one method, one data set, all tied: nothing to test.
    CHECK(ranks_descending({}).empty());
    CHECK(ranks_descending({0.7, 0.7, 0.7}) == std::vector<double>{2, 2, 2});
    for (const Friedman& f : {friedman_test({1}, 5), friedman_test({1, 2}, 1), friedman_test({1.5, 1.5}, 3), friedman_test({}, 3)}) {
        CHECK(f.p_value == 1);
        CHECK((f.chi2 == 0 && f.kendall_w == 0));
    }
    // Nemenyi: no pair for one method; no data set.
    CHECK(std::isnan(nemenyi_q(1, 0.05)));
    CHECK(std::isnan(critical_difference(1, 3, 0.05)));
    CHECK(std::isnan(critical_difference(3, 0, 0.05)));
    CHECK(rank_cliques({}, 1).empty());
}
