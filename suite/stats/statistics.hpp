// Statistics over seeds: summaries, Student-t confidence intervals, Welch's t-test and an effect size.
// The t distribution's CDF comes from the regularised incomplete beta function (continued fraction,
// Lentz's method; Press et al., Numerical Recipes, 3rd ed., §6.4), and its quantiles from bisection on it.
#pragma once

#include <cmath>

#include <cstdint>
#include <utility>
#include <vector>

namespace actbench {

struct Summary {
    std::size_t n = 0;
    double mean = 0, std = 0, median = 0, min = 0, max = 0;
    double ci_low = 0, ci_high = 0;  // 95% Student-t interval for the mean (n ≥ 2; else the mean)
};
// Degenerate input, each with a stated result: none, all zero; one value, std 0 and the interval the value; a NaN,
// every field NaN but n (nothing to order or centre on); an infinite value, the mean, median, min and max as
// they are and std and the interval NaN (no spread is defined).
Summary summarise(std::vector<double> values);

// I_x(a, b), the regularised incomplete beta function, for a, b > 0 and 0 ≤ x ≤ 1.
double incomplete_beta(double a, double b, double x);
// P(T ≤ t) for Student's t with ν degrees of freedom (ν > 0, not necessarily whole; NaN otherwise).
double student_t_cdf(double t, double nu);
// The q-quantile of Student's t with ν degrees of freedom (NaN unless ν > 0 and 0 < q < 1).
double student_t_quantile(double q, double nu);

struct Comparison {
    double difference = 0;  // mean(a) − mean(b)
    double t = 0, df = 0;  // Welch's statistic and its Welch–Satterthwaite degrees of freedom
    double p_value = 1;  // two-sided
    double hedges_g = 0;  // (mean(a) − mean(b)) / pooled std, small-sample corrected
    double ci_low = 0, ci_high = 0;  // 95% Welch interval for the difference: d ± t(0.975, df)·√(s²a/na + s²b/nb)
    bool valid = false;  // both groups have ≥ 2 finite values and some variance
};
// A comparison that is not valid has only `difference` (NaN or ±inf with a non-finite value); t, df, g and the
// interval are 0 and p is 1, and every caller reads `valid` first: a test is not made on one value per group, on
// groups without spread (see no_spread), on a non-finite value (a diverged loss), or on pairs of unequal length.
// Welch's unequal-variance t-test of a against b (Welch 1947), and Hedges' g (Hedges 1981).
Comparison welch_test(const std::vector<double>& a, const std::vector<double>& b);

// The paired t-test of a against b, matched element by element (a.size() == b.size()): the mean of the
// differences with its 95% Student-t interval, t on n − 1 degrees of freedom, the two-sided p, and in
// hedges_g Cohen's d_z (mean difference over the differences' standard deviation).
Comparison paired_test(const std::vector<double>& a, const std::vector<double>& b);

// (Both adjustments: a NaN p, a test that could not be made, counts as 1; an empty family gives an empty one.)
// Holm's step-down adjustment of a family of p-values (Holm 1979, "A simple sequentially rejective multiple
// test procedure"): the k-th smallest of m becomes max over j ≤ k of min(1, (m − j + 1)·p(j)). Rejecting
// where the adjusted p < α keeps the family-wise error rate at α, under any dependence between the tests.
std::vector<double> holm_adjust(const std::vector<double>& p);

// Benjamini & Hochberg's step-up adjustment (1995, "Controlling the false discovery rate"): the k-th smallest
// of m becomes min over j ≥ k of min(1, m·p(j)/j). Rejecting where it is < α keeps the false discovery rate
// at α for independent or positively dependent tests.
std::vector<double> bh_adjust(const std::vector<double>& p);

struct Interval {
    double low = 0, high = 0;
};

// The arithmetic mean (NaN for none): cheap enough to bootstrap.
double mean_of(std::vector<double> values);

// The interquartile mean: the mean of the middle half, floor(n/4) values cut from each end (rliable's IQM,
// Agarwal et al. 2021, "Deep reinforcement learning at the edge of the statistical precipice").
double interquartile_mean(std::vector<double> values);

// A percentile bootstrap interval (Efron & Tibshirani 1993, §13.3) for statistic(values): `resamples`
// resamples with replacement drawn from the project's generator seeded with `seed`, so the same values and
// seed give the same interval on every machine.
Interval bootstrap_interval(const std::vector<double>& values, double (*statistic)(std::vector<double>), std::uint64_t seed,
                            int resamples = 2000, double level = 0.95);

// P(X > Y) estimated from samples, ties counted half (the Mann–Whitney U over n·m): rliable's probability of
// improvement. −inf counts as the worst outcome (a diverged trial).
double probability_of_improvement(const std::vector<double>& x, const std::vector<double>& y);
// Its percentile bootstrap interval, x and y resampled independently.
Interval probability_of_improvement_interval(const std::vector<double>& x, const std::vector<double>& y, std::uint64_t seed,
                                             int resamples = 2000, double level = 0.95);

// The exact two-sided sign test (Dixon & Mood 1946): of the pairs that are not ties, `wins` went one way and
// `losses` the other; under the null each way has probability ½, and p = min(1, 2·P(X ≤ min(wins, losses)))
// for X ~ Binomial(wins + losses, ½) — R's binom.test(wins, wins + losses). It needs only the order within each
// pair, so a censored value (a trial that never reached a target) takes part as the slower one. 1 when there is
// no pair.
double sign_test(int wins, int losses);

// The seeds per group (paired: the pairs) a two-sided t-test at level `alpha` needs to detect a standardised
// effect `effect` (difference ÷ standard deviation: pooled, or of the differences when paired) with the given
// power: the smallest n with |effect|·√(n/2) (paired: |effect|·√n) ≥ t(1 − α/2, ν) + t(power, ν), ν = 2n − 2
// (paired: n − 1) — the usual normal-shift approximation with t quantiles, which matches G*Power's 17 per
// group for d = 1 and 34 pairs for d_z = 0.5 at α = 0.05 and 80% power. −1 when it exceeds `limit`.
int seeds_for_power(double effect, double alpha, double power, bool paired, int limit = 100000);

// ---- Comparing k methods over N data sets by their ranks (Demšar 2006, "Statistical comparisons of classifiers
// over multiple data sets", JMLR 7: §3.2.2 and Fig. 1).

// Two mean accuracies are the same when they differ by at most kAccuracyTie. Accuracies are counts over a fixed
// test set, so two distinct means differ by at least 1/(test images × seeds) — 1.25e-5 for 5,000 images and 16
// seeds, 1e-8 for 10⁴ images and 10⁴ seeds — while two sums of the same counts in another order differ only by
// rounding, ~1e-16: GELU and PReLU on digits (the same number of correct test images) differed in the last bit and
// were ranked 5 and 6.
inline constexpr double kAccuracyTie = 1e-9;
inline bool same_accuracy(double a, double b) { return a == b || std::abs(a - b) <= kAccuracyTie; }

// The ranks of `scores`, 1 for the highest, tied scores (same_accuracy) sharing the mean of their ranks (NaN counts
// as the lowest).
std::vector<double> ranks_descending(const std::vector<double>& scores);

// Friedman's test from the k methods' mean ranks over N data sets: χ²_F = 12N/(k(k+1))·(Σ R_j² − k(k+1)²/4) on
// k − 1 degrees of freedom, and Iman & Davenport's F_F = (N − 1)χ²_F / (N(k − 1) − χ²_F) on (k − 1, (k − 1)(N − 1))
// degrees of freedom, less conservative, whose p-value is reported (Demšar's recommendation).
// Kendall's coefficient of concordance W = χ²_F / (N(k − 1)) says how alike the data sets rank the methods: 1 when
// every data set ranks them the same, near 0 when the rankings are unrelated.
// Degenerate cases, each with a stated result: fewer than two methods or data sets, nothing to test (p = 1); all
// mean ranks equal, χ²_F = 0 and p = 1; every data set ranking the methods in one order without ties (W = 1),
// F_F's denominator is 0, so F is undefined (NaN, `exact`) and p is the exact permutation probability of that
// under the null, (k!)^(1−N): with N = 2 and k = 3 it is 1/6, nothing like the p = 0 an infinite F would claim.
struct Friedman {
    double chi2 = 0, f = 0, df1 = 0, df2 = 0, p_value = 1;
    double kendall_w = 0;
    bool exact = false;
};
Friedman friedman_test(const std::vector<double>& mean_ranks, int datasets);
// P(F ≤ f) for Fisher's F with (d1, d2) degrees of freedom.
double f_cdf(double f, double d1, double d2);

// Nemenyi's critical value q_α for k methods: the (1 − α) quantile of the range of k independent standard normals,
// divided by √2 (Demšar's Table 5a: 1.960, 2.343, 2.569 for k = 2, 3, 4 at α = 0.05), by numerical integration of
// the range's distribution, P(R ≤ q) = k ∫ φ(z) (Φ(z + q) − Φ(z))^(k−1) dz. NaN for k < 2: no pair to compare.
double nemenyi_q(int k, double alpha);
// Two methods' mean ranks differing by at least CD = q_α·√(k(k+1)/(6N)) differ significantly. NaN for k < 2 or
// N < 1 (rank draws no diagram then).
double critical_difference(int k, int datasets, double alpha);
// The maximal runs of methods (as index ranges [first, last] into `sorted_ranks`, sorted ascending) whose mean
// ranks lie within `cd` of each other: the bars of a critical-difference diagram; a run inside another is left out.
std::vector<std::pair<std::size_t, std::size_t>> rank_cliques(const std::vector<double>& sorted_ranks, double cd);

}  // namespace actbench
