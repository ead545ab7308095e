#include "rational.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <vector>

namespace actbench {

namespace {

void check_degrees(int numerator, int denominator) {
    for (const auto& [what, d] : {std::pair{"numerator", numerator}, {"denominator", denominator}})
        if (d < 1 || d > kMaxRationalDegree)
            throw std::invalid_argument(std::string("rational: the ") + what + "'s degree is " + std::to_string(d) + "; expected 1.." +
                                        std::to_string(kMaxRationalDegree));
}

// Solves A·x = b (n × n, row-major) by Gaussian elimination with partial pivoting; A is symmetric positive
// (semi-)definite here, made definite by a tiny ridge.
std::vector<double> solve(std::vector<double> a, std::vector<double> b) {
    const std::size_t n = b.size();
    for (std::size_t i = 0; i < n; ++i) a[i * n + i] += 1e-10;
    for (std::size_t col = 0; col < n; ++col) {
        std::size_t pivot = col;
        for (std::size_t r = col + 1; r < n; ++r)
            if (std::abs(a[r * n + col]) > std::abs(a[pivot * n + col])) pivot = r;
        for (std::size_t c = 0; c < n; ++c) std::swap(a[col * n + c], a[pivot * n + c]);
        std::swap(b[col], b[pivot]);
        for (std::size_t r = col + 1; r < n; ++r) {
            const double f = a[r * n + col] / a[col * n + col];
            for (std::size_t c = col; c < n; ++c) a[r * n + c] -= f * a[col * n + c];
            b[r] -= f * b[col];
        }
    }
    std::vector<double> x(n);
    for (std::size_t i = n; i-- > 0;) {
        double s = b[i];
        for (std::size_t c = i + 1; c < n; ++c) s -= a[i * n + c] * x[c];
        x[i] = s / a[i * n + i];
    }
    return x;
}

// "a3", "b1": appended, not "a" + …: GCC 12's -Wrestrict false positive on the out-of-line copy.
std::string coefficient(char letter, std::size_t k) {
    std::string s(1, letter);
    s += std::to_string(k);
    return s;
}

std::string power(std::size_t k) {  // "", "^2", "^3", …
    std::string s;
    if (k > 1) s += '^', s += std::to_string(k);
    return s;
}

}  // namespace

std::string rational_expr(int numerator, int denominator) {
    check_degrees(numerator, denominator);
    std::string text = "(a0";
    for (std::size_t k = 1; k <= static_cast<std::size_t>(numerator); ++k)
        text += " + ", text += coefficient('a', k), text += " * x", text += power(k);
    text += ") / (1";
    for (std::size_t k = 1; k <= static_cast<std::size_t>(denominator); ++k)
        text += " + abs(", text += coefficient('b', k), text += ") * abs(x)", text += power(k);
    return text + ")";
}

RationalFit fit_rational(const ActivationSpec& target, int numerator, int denominator) {
    check_degrees(numerator, denominator);
    std::vector<double> xs, fs;
    for (int i = 0; i <= 600; ++i) xs.push_back(-3.0 + 6.0 * i / 600), fs.push_back(target.f(xs.back()));
    // Unknowns: a0..am, then c1..cn (c_k = |b_k|); the columns of the linearised residual P(x) − f(x)·Σ c_k|x|^k − f(x).
    const std::size_t m = static_cast<std::size_t>(numerator) + 1, n = static_cast<std::size_t>(denominator);
    std::vector<bool> active(n, true);  // c_k still free (false: held at 0)
    std::vector<double> a(m, 0.0), c(n, 0.0);
    for (;;) {
        std::vector<std::size_t> cols;  // indices into the m + n unknowns
        for (std::size_t j = 0; j < m; ++j) cols.push_back(j);
        for (std::size_t k = 0; k < n; ++k)
            if (active[k]) cols.push_back(m + k);
        auto column = [&](std::size_t j, std::size_t i) {
            return j < m ? std::pow(xs[i], static_cast<double>(j)) : -fs[i] * std::pow(std::abs(xs[i]), static_cast<double>(j - m + 1));
        };
        const std::size_t u = cols.size();
        std::vector<double> ata(u * u, 0.0), atb(u, 0.0);
        for (std::size_t i = 0; i < xs.size(); ++i)
            for (std::size_t r = 0; r < u; ++r) {
                const double cr = column(cols[r], i);
                atb[r] += cr * fs[i];
                for (std::size_t s = 0; s < u; ++s) ata[r * u + s] += cr * column(cols[s], i);
            }
        const std::vector<double> sol = solve(ata, atb);
        bool negative = false;
        for (std::size_t r = 0; r < u; ++r) {
            if (cols[r] < m)
                a[cols[r]] = sol[r];
            else if (sol[r] < 0)
                active[cols[r] - m] = false, negative = true;
            else
                c[cols[r] - m] = sol[r];
        }
        if (!negative) break;
        for (std::size_t k = 0; k < n; ++k)
            if (!active[k]) c[k] = 0;
    }
    // A coefficient at exactly 0 would never move: |b|'s derivative there is 0. A small one keeps it learnable.
    for (double& ck : c) ck = std::max(ck, 1e-3);
    RationalFit fit;
    for (std::size_t j = 0; j < m; ++j) fit.coefficients[coefficient('a', j)] = a[j];
    for (std::size_t k = 0; k < n; ++k) fit.coefficients[coefficient('b', k + 1)] = c[k];
    double squares = 0;
    for (std::size_t i = 0; i < xs.size(); ++i) {
        double p = 0, q = 1;
        for (std::size_t j = 0; j < m; ++j) p += a[j] * std::pow(xs[i], static_cast<double>(j));
        for (std::size_t k = 0; k < n; ++k) q += c[k] * std::pow(std::abs(xs[i]), static_cast<double>(k + 1));
        squares += (p / q - fs[i]) * (p / q - fs[i]);
    }
    fit.rms = std::sqrt(squares / static_cast<double>(xs.size()));
    return fit;
}

}  // namespace actbench
