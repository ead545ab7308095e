// Statistics over seeds: summaries, Student-t confidence intervals, Welch's t-test and an effect size.
// The t distribution's CDF comes from the regularised incomplete beta function (continued fraction,
// Lentz's method; Press et al., Numerical Recipes, 3rd ed., §6.4), and its quantiles from bisection on it.
#pragma once

#include <cstdint>
#include <vector>

namespace actbench {

struct Summary {
    std::size_t n = 0;
    double mean = 0, std = 0, median = 0, min = 0, max = 0;
    double ci_low = 0, ci_high = 0;  // 95% Student-t interval for the mean (n ≥ 2; else the mean)
};
Summary summarise(std::vector<double> values);

// I_x(a, b), the regularised incomplete beta function, for a, b > 0 and 0 ≤ x ≤ 1.
double incomplete_beta(double a, double b, double x);
// P(T ≤ t) for Student's t with ν degrees of freedom (ν > 0, not necessarily whole).
double student_t_cdf(double t, double nu);
// The q-quantile of Student's t with ν degrees of freedom.
double student_t_quantile(double q, double nu);

struct Comparison {
    double difference = 0;   // mean(a) − mean(b)
    double t = 0, df = 0;    // Welch's statistic and its Welch–Satterthwaite degrees of freedom
    double p_value = 1;      // two-sided
    double hedges_g = 0;     // (mean(a) − mean(b)) / pooled std, small-sample corrected
    double ci_low = 0, ci_high = 0;  // 95% Welch interval for the difference: d ± t(0.975, df)·√(s²a/na + s²b/nb)
    bool valid = false;      // both groups have ≥ 2 values and some variance
};
// Welch's unequal-variance t-test of a against b (Welch 1947), and Hedges' g (Hedges 1981).
Comparison welch_test(const std::vector<double>& a, const std::vector<double>& b);

// The paired t-test of a against b, matched element by element (a.size() == b.size()): the mean of the
// differences with its 95% Student-t interval, t on n − 1 degrees of freedom, the two-sided p, and in
// hedges_g Cohen's d_z (mean difference over the differences' standard deviation).
Comparison paired_test(const std::vector<double>& a, const std::vector<double>& b);

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

// The seeds per group (paired: the pairs) a two-sided t-test at level `alpha` needs to detect a standardised
// effect `effect` (difference ÷ standard deviation: pooled, or of the differences when paired) with the given
// power: the smallest n with |effect|·√(n/2) (paired: |effect|·√n) ≥ t(1 − α/2, ν) + t(power, ν), ν = 2n − 2
// (paired: n − 1) — the usual normal-shift approximation with t quantiles, which matches G*Power's 17 per
// group for d = 1 and 34 pairs for d_z = 0.5 at α = 0.05 and 80% power. −1 when it exceeds `limit`.
int seeds_for_power(double effect, double alpha, double power, bool paired, int limit = 100000);

}  // namespace actbench
