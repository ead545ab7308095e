// Statistics over seeds: summaries, Student-t confidence intervals, Welch's t-test and an effect size.
// The t distribution's CDF comes from the regularised incomplete beta function (continued fraction,
// Lentz's method; Press et al., Numerical Recipes, 3rd ed., §6.4), and its quantiles from bisection on it.
#pragma once

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

// Holm's step-down adjustment of a family of p-values (Holm 1979, "A simple sequentially rejective multiple
// test procedure"): the k-th smallest of m becomes max over j ≤ k of min(1, (m − j + 1)·p(j)). Rejecting
// where the adjusted p < α keeps the family-wise error rate at α, under any dependence between the tests.
std::vector<double> holm_adjust(const std::vector<double>& p);

}  // namespace actbench
