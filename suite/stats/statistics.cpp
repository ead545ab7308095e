#include "stats/statistics.hpp"

#include "rng.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

namespace actbench {

namespace {

// The continued fraction of the incomplete beta function (modified Lentz).
double beta_fraction(double a, double b, double x) {
    const double tiny = 1e-300, eps = 1e-15;
    double c = 1, d = 1 - (a + b) * x / (a + 1);
    if (std::abs(d) < tiny) d = tiny;
    d = 1 / d;
    double h = d;
    for (int m = 1; m <= 10000; ++m) {
        const double m2 = 2.0 * m;
        double aa = m * (b - m) * x / ((a + m2 - 1) * (a + m2));
        d = 1 + aa * d;
        if (std::abs(d) < tiny) d = tiny;
        c = 1 + aa / c;
        if (std::abs(c) < tiny) c = tiny;
        d = 1 / d;
        h *= d * c;
        aa = -(a + m) * (a + b + m) * x / ((a + m2) * (a + m2 + 1));
        d = 1 + aa * d;
        if (std::abs(d) < tiny) d = tiny;
        c = 1 + aa / c;
        if (std::abs(c) < tiny) c = tiny;
        d = 1 / d;
        const double delta = d * c;
        h *= delta;
        if (std::abs(delta - 1) < eps) break;
    }
    return h;
}

}  // namespace

double incomplete_beta(double a, double b, double x) {
    if (x <= 0) return 0;
    if (x >= 1) return 1;
    const double front = std::exp(std::lgamma(a + b) - std::lgamma(a) - std::lgamma(b) + a * std::log(x) + b * std::log1p(-x));
    // The fraction converges fast for x < (a+1)/(a+b+2); use the symmetry I_x(a,b) = 1 − I_{1−x}(b,a) otherwise.
    if (x < (a + 1) / (a + b + 2)) return front * beta_fraction(a, b, x) / a;
    return 1 - front * beta_fraction(b, a, 1 - x) / b;
}

double student_t_cdf(double t, double nu) {
    if (!(nu > 0)) return NAN;
    const double x = nu / (nu + t * t);
    const double tail = 0.5 * incomplete_beta(nu / 2, 0.5, x);  // P(T > |t|)
    return t >= 0 ? 1 - tail : tail;
}

double student_t_quantile(double q, double nu) {
    if (!(nu > 0) || !(q > 0 && q < 1)) return NAN;
    double lo = -1e6, hi = 1e6;
    for (int i = 0; i < 200; ++i) {
        const double mid = 0.5 * (lo + hi);
        (student_t_cdf(mid, nu) < q ? lo : hi) = mid;
    }
    return 0.5 * (lo + hi);
}

Summary summarise(std::vector<double> v) {
    Summary s;
    s.n = v.size();
    if (v.empty()) return s;
    if (std::any_of(v.begin(), v.end(), [](double x) { return std::isnan(x); })) {  // no order to sort by, no centre
        s.mean = s.std = s.median = s.min = s.max = s.ci_low = s.ci_high = NAN;
        return s;
    }
    std::sort(v.begin(), v.end());
    s.min = v.front();
    s.max = v.back();
    s.median = v.size() % 2 ? v[v.size() / 2] : 0.5 * (v[v.size() / 2 - 1] + v[v.size() / 2]);
    s.mean = std::accumulate(v.begin(), v.end(), 0.0) / static_cast<double>(v.size());
    double ss = 0;
    for (double x : v) ss += (x - s.mean) * (x - s.mean);
    s.std = v.size() > 1 ? std::sqrt(ss / static_cast<double>(v.size() - 1)) : 0;
    s.ci_low = s.ci_high = s.mean;
    if (!std::isfinite(s.mean)) s.std = s.ci_low = s.ci_high = NAN;  // an infinite value: no spread is defined
    else if (v.size() > 1) {
        const double half = student_t_quantile(0.975, static_cast<double>(v.size() - 1)) * s.std / std::sqrt(static_cast<double>(v.size()));
        s.ci_low = s.mean - half;
        s.ci_high = s.mean + half;
    }
    return s;
}

namespace {
// Values whose standard deviation is rounding noise, not spread: differences of equal accuracies (0.70 − 0.85 on
// every seed) come out a few ulps apart, and a test on them would divide by 1e-17 (a t of 10¹⁶, a "d" of 10¹⁵).
bool no_spread(const Summary& s) { return s.std <= 1e-12 * std::max(1.0, std::abs(s.mean)); }
bool testable(const Summary& s) { return s.n >= 2 && std::isfinite(s.mean); }
}  // namespace

Comparison welch_test(const std::vector<double>& a, const std::vector<double>& b) {
    Comparison c;
    const Summary sa = summarise(a), sb = summarise(b);
    c.difference = sa.mean - sb.mean;
    if (!testable(sa) || !testable(sb)) return c;
    const double va = sa.std * sa.std / static_cast<double>(sa.n), vb = sb.std * sb.std / static_cast<double>(sb.n);
    if (no_spread(sa) && no_spread(sb)) return c;
    c.t = c.difference / std::sqrt(va + vb);
    c.df = (va + vb) * (va + vb) / (va * va / static_cast<double>(sa.n - 1) + vb * vb / static_cast<double>(sb.n - 1));
    c.p_value = 2 * (1 - student_t_cdf(std::abs(c.t), c.df));
    const double na = static_cast<double>(sa.n), nb = static_cast<double>(sb.n);
    const double pooled = std::sqrt(((na - 1) * sa.std * sa.std + (nb - 1) * sb.std * sb.std) / (na + nb - 2));
    const double correction = 1 - 3 / (4 * (na + nb) - 9);
    c.hedges_g = pooled > 0 ? c.difference / pooled * correction : 0;
    const double half = student_t_quantile(0.975, c.df) * std::sqrt(va + vb);
    c.ci_low = c.difference - half;
    c.ci_high = c.difference + half;
    c.valid = true;
    return c;
}

namespace {
double p_or_one(double p) { return std::isnan(p) ? 1.0 : p; }

// The indices of p from its smallest value up, ties in their original order: the step order of Holm's and
// Benjamini–Hochberg's procedures.
// A NaN p (a test that could not be made) steps as 1, last.
std::vector<std::size_t> ascending_order(const std::vector<double>& p) {
    std::vector<std::size_t> order(p.size());
    std::iota(order.begin(), order.end(), std::size_t{0});
    std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return p_or_one(p[a]) < p_or_one(p[b]); });
    return order;
}
}  // namespace

std::vector<double> holm_adjust(const std::vector<double>& p) {
    const std::size_t m = p.size();
    const std::vector<std::size_t> order = ascending_order(p);
    std::vector<double> adjusted(m);
    double running = 0;  // the step-down adjustment is made monotone by a running maximum
    for (std::size_t k = 0; k < m; ++k) {
        running = std::max(running, std::min(1.0, static_cast<double>(m - k) * p_or_one(p[order[k]])));
        adjusted[order[k]] = running;
    }
    return adjusted;
}

Comparison paired_test(const std::vector<double>& a, const std::vector<double>& b) {
    Comparison c;
    if (a.size() != b.size()) {
        c.difference = NAN;
        return c;
    }
    std::vector<double> d(a.size());
    for (std::size_t i = 0; i < a.size(); ++i) d[i] = a[i] - b[i];
    const Summary s = summarise(d);
    c.difference = s.mean;
    if (!testable(s) || no_spread(s)) return c;
    const double se = s.std / std::sqrt(static_cast<double>(s.n));
    c.t = s.mean / se;
    c.df = static_cast<double>(s.n - 1);
    c.p_value = 2 * (1 - student_t_cdf(std::abs(c.t), c.df));
    c.hedges_g = s.mean / s.std;
    c.ci_low = s.ci_low;
    c.ci_high = s.ci_high;
    c.valid = true;
    return c;
}

std::vector<double> bh_adjust(const std::vector<double>& p) {
    const std::size_t m = p.size();
    const std::vector<std::size_t> order = ascending_order(p);
    std::vector<double> adjusted(m);
    double running = 1;  // the step-up adjustment is made monotone by a running minimum from the largest down
    for (std::size_t k = m; k-- > 0;) {
        running = std::min(running, std::min(1.0, static_cast<double>(m) * p_or_one(p[order[k]]) / static_cast<double>(k + 1)));
        adjusted[order[k]] = running;
    }
    return adjusted;
}

double mean_of(std::vector<double> v) { return v.empty() ? NAN : std::accumulate(v.begin(), v.end(), 0.0) / static_cast<double>(v.size()); }

double interquartile_mean(std::vector<double> v) {
    if (v.empty()) return NAN;
    std::sort(v.begin(), v.end());
    const std::size_t cut = v.size() / 4;
    return std::accumulate(v.begin() + static_cast<std::ptrdiff_t>(cut), v.end() - static_cast<std::ptrdiff_t>(cut), 0.0) /
        static_cast<double>(v.size() - 2 * cut);
}

namespace {
// The (1 − level)/2 and (1 + level)/2 quantiles of sorted values (linear interpolation between order statistics).
Interval percentile_interval(std::vector<double> stats, double level) {
    std::sort(stats.begin(), stats.end());
    auto quantile = [&](double q) {
        const double at = q * static_cast<double>(stats.size() - 1);
        const auto lo = static_cast<std::size_t>(std::floor(at));
        const std::size_t hi = std::min(lo + 1, stats.size() - 1);
        return stats[lo] + (at - static_cast<double>(lo)) * (stats[hi] - stats[lo]);
    };
    return {quantile((1 - level) / 2), quantile((1 + level) / 2)};
}

std::vector<double> resample(const std::vector<double>& v, Rng& rng) {
    std::vector<double> r(v.size());
    for (auto& x : r) x = v[rng.below(v.size())];
    return r;
}
}  // namespace

Interval bootstrap_interval(const std::vector<double>& values, double (*statistic)(std::vector<double>), std::uint64_t seed, int resamples,
                            double level) {
    if (values.empty()) return {NAN, NAN};
    Rng rng(seed);
    std::vector<double> stats(static_cast<std::size_t>(resamples));
    for (auto& s : stats) s = statistic(resample(values, rng));
    return percentile_interval(std::move(stats), level);
}

double probability_of_improvement(const std::vector<double>& x, const std::vector<double>& y) {
    if (x.empty() || y.empty()) return NAN;
    double score = 0;
    for (double a : x)
        for (double b : y) score += a > b ? 1.0 : a == b ? 0.5 : 0.0;
    return score / (static_cast<double>(x.size()) * static_cast<double>(y.size()));
}

Interval probability_of_improvement_interval(const std::vector<double>& x, const std::vector<double>& y, std::uint64_t seed, int resamples,
                                             double level) {
    if (x.empty() || y.empty()) return {NAN, NAN};
    Rng rng(seed);
    std::vector<double> stats(static_cast<std::size_t>(resamples));
    for (auto& s : stats) {
        const auto rx = resample(x, rng);
        s = probability_of_improvement(rx, resample(y, rng));
    }
    return percentile_interval(std::move(stats), level);
}

double sign_test(int wins, int losses) {
    const int n = wins + losses, k = std::min(wins, losses);
    if (n == 0) return 1.0;
    double tail = 0;  // P(X ≤ k), each term in logs: 2⁻ⁿ underflows from n = 1075
    for (int i = 0; i <= k; ++i)
        tail += std::exp(std::lgamma(n + 1.0) - std::lgamma(i + 1.0) - std::lgamma(n - i + 1.0) - n * std::log(2.0));
    return std::min(1.0, 2 * tail);
}

int seeds_for_power(double effect, double alpha, double power, bool paired, int limit) {
    const double e = std::abs(effect);
    if (!(e > 0) || !std::isfinite(e)) return -1;
    auto enough = [&](int n) {
        const double nu = paired ? n - 1 : 2.0 * n - 2;
        return e * std::sqrt(paired ? n : n / 2.0) >= student_t_quantile(1 - alpha / 2, nu) + student_t_quantile(power, nu);
    };
    if (!enough(limit)) return -1;
    int lo = 1, hi = limit;  // enough(hi); the requirement only falls as n grows
    while (hi - lo > 1) {
        const int mid = lo + (hi - lo) / 2;
        (mid >= 2 && enough(mid) ? hi : lo) = mid;
    }
    return hi;
}

std::vector<double> ranks_descending(const std::vector<double>& scores) {
    const std::size_t n = scores.size();
    std::vector<std::size_t> order(n);
    for (std::size_t i = 0; i < n; ++i) order[i] = i;
    auto key = [&](std::size_t i) { return std::isnan(scores[i]) ? -std::numeric_limits<double>::infinity() : scores[i]; };
    std::stable_sort(order.begin(), order.end(),
                     [&](std::size_t a, std::size_t b) { return key(a) > key(b) && !same_accuracy(key(a), key(b)); });
    std::vector<double> ranks(n);
    for (std::size_t first = 0; first < n;) {
        std::size_t last = first;
        while (last + 1 < n && same_accuracy(key(order[last + 1]), key(order[first]))) ++last;
        const double shared = (static_cast<double>(first + last) + 2) / 2;  // ranks first+1 … last+1, averaged
        for (std::size_t i = first; i <= last; ++i) ranks[order[i]] = shared;
        first = last + 1;
    }
    return ranks;
}

double f_cdf(double f, double d1, double d2) {
    if (!(f > 0)) return 0;
    return incomplete_beta(d1 / 2, d2 / 2, d1 * f / (d1 * f + d2));
}

Friedman friedman_test(const std::vector<double>& mean_ranks, int datasets) {
    Friedman r;
    const double k = static_cast<double>(mean_ranks.size()), n = datasets;
    if (k < 2 || n < 2) return r;
    double sum_sq = 0;
    for (double rank : mean_ranks) sum_sq += rank * rank;
    r.chi2 = 12 * n / (k * (k + 1)) * (sum_sq - k * (k + 1) * (k + 1) / 4);
    r.df1 = k - 1;
    r.df2 = (k - 1) * (n - 1);
    r.kendall_w = r.chi2 / (n * (k - 1));
    const double denominator = n * (k - 1) - r.chi2;
    if (denominator <= 1e-9 * n * (k - 1)) {  // every data set ranks the methods in one order: the largest χ² there is
        r.f = std::numeric_limits<double>::quiet_NaN();
        r.exact = true;
        r.p_value = std::min(1.0, std::exp((1 - n) * std::lgamma(k + 1)));  // k! orders of the (k!)^N equally likely
        return r;
    }
    r.f = (n - 1) * r.chi2 / denominator;
    r.p_value = 1 - f_cdf(r.f, r.df1, r.df2);
    return r;
}

namespace {

// P(range of k standard normals ≤ q), Simpson's rule on [−8, 8 − q]: φ beyond ±8 is below 10⁻¹⁴.
double normal_range_cdf(double q, int k) {
    const auto phi = [](double z) { return std::exp(-z * z / 2) / std::sqrt(2 * M_PI); };
    const auto Phi = [](double z) { return 0.5 * std::erfc(-z / std::sqrt(2.0)); };
    const int steps = 4000;  // even
    const double lo = -8, hi = 8, h = (hi - lo) / steps;
    double sum = 0;
    for (int i = 0; i <= steps; ++i) {
        const double z = lo + i * h;
        const double f = phi(z) * std::pow(Phi(z + q) - Phi(z), k - 1);
        sum += f * (i == 0 || i == steps ? 1 : i % 2 == 1 ? 4 : 2);
    }
    return k * sum * h / 3;
}

}  // namespace

double nemenyi_q(int k, double alpha) {
    if (k < 2) return NAN;
    double lo = 0, hi = 20;
    for (int i = 0; i < 100; ++i) {
        const double mid = (lo + hi) / 2;
        (normal_range_cdf(mid, k) < 1 - alpha ? lo : hi) = mid;
    }
    return (lo + hi) / 2 / std::sqrt(2.0);
}

double critical_difference(int k, int datasets, double alpha) {
    if (k < 2 || datasets < 1) return NAN;
    return nemenyi_q(k, alpha) * std::sqrt(k * (k + 1.0) / (6.0 * datasets));
}

std::vector<std::pair<std::size_t, std::size_t>> rank_cliques(const std::vector<double>& sorted_ranks, double cd) {
    std::vector<std::pair<std::size_t, std::size_t>> cliques;
    std::size_t reach = 0;  // the furthest `last` so far: a run ending there or before is inside an earlier one
    for (std::size_t first = 0; first < sorted_ranks.size(); ++first) {
        std::size_t last = first;
        while (last + 1 < sorted_ranks.size() && sorted_ranks[last + 1] - sorted_ranks[first] < cd) ++last;
        if (last > first && (cliques.empty() || last > reach)) cliques.emplace_back(first, last);
        reach = std::max(reach, last);
    }
    return cliques;
}

}  // namespace actbench
