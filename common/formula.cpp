// Formula, part 2: evaluation — over arrays in blocks (float, vectorised), and in double for the checks — and the
// load-time check. The parser is formula_parse.cpp.
#include "formula.hpp"
#include "formula_ops.hpp"

#include "vecmath.hpp"

#include <omp.h>
#include <algorithm>
#include <cmath>
#include <cstdio>

namespace actbench {

namespace {

using namespace formula_detail;

// Float evaluation uses the vectorisable functions of vecmath.hpp; double (scalar checks) uses libm.
inline float m_exp(float x) { return vecmath::exp(x); }
inline double m_exp(double x) { return std::exp(x); }
inline float m_log(float x) { return vecmath::log(x); }
inline double m_log(double x) { return std::log(x); }
inline float m_log1p(float x) { return vecmath::log1p(x); }
inline double m_log1p(double x) { return std::log1p(x); }
inline float m_sigmoid(float x) { return vecmath::sigmoid(x); }
inline double m_sigmoid(double x) { return sigmoid_of(x); }
inline float m_softplus(float x) { return vecmath::softplus(x); }
inline double m_softplus(double x) { return softplus_of(x); }

// x^n for a whole n ≥ 0 by repeated squaring, in a fixed order: x^2 is x·x, exact where powf is only within an ulp,
// and vectorisable where pow is a libm call per element (a rational of degrees 5 and 4 has seven powers: with pow,
// a LeNet trial of its learned form took some 100 times ReLU's).
template <class T>
inline T int_pow(T x, int n) {
    T result = 1;
    for (; n > 0; n >>= 1, x *= x)
        if (n & 1) result *= x;
    return result;
}

// Whether x^c has a whole constant c small enough for int_pow (|c| ≤ 64); if so, n is c.
inline bool whole_exponent(const std::vector<Node>& nodes, const Node& node, int& n) {
    const Node& b = nodes[node.b];
    if (b.op != Op::constant || b.constant != std::floor(b.constant) || std::abs(b.constant) > 64) return false;
    n = static_cast<int>(b.constant);
    return true;
}

// Each node's block of values and, for `tangent` ≥ 0, of derivatives: with respect to x (tangent 0) or to learned
// parameter k's raw value (tangent k + 1). `p[k]` holds parameter k's raw value for each element of the block.
//
// With `values` false, val already holds every node's values (an earlier call on the same block) and only the
// derivatives are computed, skipping the nodes that do not depend on the tangent's variable (`depends`: a bit per
// variable, bit 0 for x and k + 1 for learned parameter k), whose derivative is 0: each learned parameter's pass then
// touches only the path from it to the root (a rational's coefficient, a handful of its some 40 nodes).
template <class T>
[[gnu::always_inline]] inline void eval_nodes(const std::vector<Node>& nodes_, const T* x, const T* const* p, std::size_t n, T* val, T* der,
                                              int tangent, std::size_t stride = kBlock, bool values = true,
                                              const std::uint32_t* depends = nullptr) {
    // val and der hold `stride` values per node (a block's, or one for scalar evaluation); node k's starts at k·stride.
    const bool dv = tangent >= 0;
    for (std::size_t k = 0; k < nodes_.size(); ++k) {
        const Node& node = nodes_[k];
        T* v = val + k * stride;
        T* d = dv ? der + k * stride : nullptr;
        if (!values && (!dv || (depends && !((depends[k] >> tangent) & 1u)))) {
            if (dv) std::fill(d, d + n, T(0));
            continue;
        }
        const T* va = node.a >= 0 ? val + node.a * stride : nullptr;
        const T* vb = node.b >= 0 ? val + node.b * stride : nullptr;
        const T* da = dv && node.a >= 0 ? der + node.a * stride : nullptr;
        const T* db = dv && node.b >= 0 ? der + node.b * stride : nullptr;
        switch (node.op) {
            case Op::constant:
                if (values) std::fill(v, v + n, static_cast<T>(node.constant));
                if (dv) std::fill(d, d + n, T(0));
                break;
            case Op::x:
                if (values) std::copy(x, x + n, v);
                if (dv) std::fill(d, d + n, T(tangent == 0 ? 1 : 0));
                break;
            case Op::param: {
                const std::size_t which = static_cast<std::size_t>(node.constant);
                if (values) std::copy(p[which], p[which] + n, v);
                if (dv) std::fill(d, d + n, T(tangent == static_cast<int>(which) + 1 ? 1 : 0));
                break;
            }
            case Op::gt:
            case Op::ge:
            case Op::lt:
            case Op::le:
                for (std::size_t i = 0; values && i < n; ++i)
                    v[i] = node.op == Op::gt ? T(va[i] > vb[i])
                        : node.op == Op::ge  ? T(va[i] >= vb[i])
                        : node.op == Op::lt  ? T(va[i] < vb[i])
                                             : T(va[i] <= vb[i]);
                if (dv) std::fill(d, d + n, T(0));  // a step: 0 everywhere but at the switch, which the checks skip
                break;
            case Op::select: {  // both branches computed; each element takes one
                const T* vc = val + node.c * stride;
                if (values)
                    for (std::size_t i = 0; i < n; ++i) v[i] = vc[i] != T(0) ? va[i] : vb[i];
                if (dv)
                    for (std::size_t i = 0; i < n; ++i) d[i] = vc[i] != T(0) ? da[i] : db[i];
                break;
            }
            case Op::add:
                if (values)
                    for (std::size_t i = 0; i < n; ++i) v[i] = va[i] + vb[i];
                if (dv)
                    for (std::size_t i = 0; i < n; ++i) d[i] = da[i] + db[i];
                break;
            case Op::sub:
                if (values)
                    for (std::size_t i = 0; i < n; ++i) v[i] = va[i] - vb[i];
                if (dv)
                    for (std::size_t i = 0; i < n; ++i) d[i] = da[i] - db[i];
                break;
            case Op::mul:
                if (values)
                    for (std::size_t i = 0; i < n; ++i) v[i] = va[i] * vb[i];
                if (dv)
                    for (std::size_t i = 0; i < n; ++i) d[i] = da[i] * vb[i] + va[i] * db[i];
                break;
            case Op::div:
                if (values)
                    for (std::size_t i = 0; i < n; ++i) v[i] = va[i] / vb[i];
                if (dv)
                    for (std::size_t i = 0; i < n; ++i) d[i] = (da[i] - v[i] * db[i]) / vb[i];
                break;
            case Op::neg:
                if (values)
                    for (std::size_t i = 0; i < n; ++i) v[i] = -va[i];
                if (dv)
                    for (std::size_t i = 0; i < n; ++i) d[i] = -da[i];
                break;
            case Op::pow: {
                int whole = 0;
                if (whole_exponent(nodes_, node, whole)) {  // x^n, n whole: products, exact for n = 2
                    const int m = std::abs(whole);
                    if (values)
                        for (std::size_t i = 0; i < n; ++i) v[i] = whole >= 0 ? int_pow(va[i], m) : T(1) / int_pow(va[i], m);
                    if (dv)
                        for (std::size_t i = 0; i < n; ++i)  // n·x^(n−1)
                            d[i] = whole == 0 ? T(0)
                                : whole > 0   ? T(whole) * int_pow(va[i], m - 1) * da[i]
                                              : T(whole) / int_pow(va[i], m + 1) * da[i];
                    break;
                }
                if (values)
                    for (std::size_t i = 0; i < n; ++i) v[i] = std::pow(va[i], vb[i]);
                if (dv) {
                    if (nodes_[node.b].op == Op::constant) {
                        const T p = static_cast<T>(nodes_[node.b].constant);
                        for (std::size_t i = 0; i < n; ++i) d[i] = p * std::pow(va[i], p - T(1)) * da[i];
                    } else {
                        for (std::size_t i = 0; i < n; ++i) d[i] = v[i] * (db[i] * m_log(va[i]) + vb[i] * da[i] / va[i]);
                    }
                }
                break;
            }
            case Op::exp:
                if (values)
                    for (std::size_t i = 0; i < n; ++i) v[i] = m_exp(va[i]);
                if (dv)
                    for (std::size_t i = 0; i < n; ++i) d[i] = v[i] * da[i];
                break;
            case Op::log:
                if (values)
                    for (std::size_t i = 0; i < n; ++i) v[i] = m_log(va[i]);
                if (dv)
                    for (std::size_t i = 0; i < n; ++i) d[i] = da[i] / va[i];
                break;
            case Op::log1p:
                if (values)
                    for (std::size_t i = 0; i < n; ++i) v[i] = m_log1p(va[i]);
                if (dv)
                    for (std::size_t i = 0; i < n; ++i) d[i] = da[i] / (T(1) + va[i]);
                break;
            case Op::sqrt:
                if (values)
                    for (std::size_t i = 0; i < n; ++i) v[i] = std::sqrt(va[i]);
                if (dv)
                    for (std::size_t i = 0; i < n; ++i) d[i] = da[i] / (T(2) * v[i]);
                break;
            case Op::abs:
                if (values)
                    for (std::size_t i = 0; i < n; ++i) v[i] = std::abs(va[i]);
                if (dv)
                    for (std::size_t i = 0; i < n; ++i) d[i] = va[i] > T(0) ? da[i] : (va[i] < T(0) ? -da[i] : T(0));
                break;
            case Op::tanh:
                if (values)
                    for (std::size_t i = 0; i < n; ++i) v[i] = std::tanh(va[i]);
                if (dv)
                    for (std::size_t i = 0; i < n; ++i) d[i] = (T(1) - v[i] * v[i]) * da[i];
                break;
            case Op::sigmoid:
                if (values)
                    for (std::size_t i = 0; i < n; ++i) v[i] = m_sigmoid(va[i]);
                if (dv)
                    for (std::size_t i = 0; i < n; ++i) d[i] = v[i] * (T(1) - v[i]) * da[i];
                break;
            case Op::softplus:
                if (values)
                    for (std::size_t i = 0; i < n; ++i) v[i] = m_softplus(va[i]);
                if (dv)
                    for (std::size_t i = 0; i < n; ++i) d[i] = m_sigmoid(va[i]) * da[i];
                break;
            case Op::erf:
                if (values)
                    for (std::size_t i = 0; i < n; ++i) v[i] = std::erf(va[i]);
                if (dv) {
                    const T c = static_cast<T>(2.0 / std::sqrt(M_PI));
                    for (std::size_t i = 0; i < n; ++i) d[i] = c * m_exp(-va[i] * va[i]) * da[i];
                }
                break;
            case Op::sin:  // periodic activations (SIREN, Snake, GCU): scalar libm, like tanh
                if (values)
                    for (std::size_t i = 0; i < n; ++i) v[i] = std::sin(va[i]);
                if (dv)
                    for (std::size_t i = 0; i < n; ++i) d[i] = std::cos(va[i]) * da[i];
                break;
            case Op::cos:
                if (values)
                    for (std::size_t i = 0; i < n; ++i) v[i] = std::cos(va[i]);
                if (dv)
                    for (std::size_t i = 0; i < n; ++i) d[i] = -std::sin(va[i]) * da[i];
                break;
            case Op::atan:
                if (values)
                    for (std::size_t i = 0; i < n; ++i) v[i] = std::atan(va[i]);
                if (dv)
                    for (std::size_t i = 0; i < n; ++i) d[i] = da[i] / (T(1) + va[i] * va[i]);
                break;
            case Op::min:
                if (values)
                    for (std::size_t i = 0; i < n; ++i) v[i] = std::min(va[i], vb[i]);
                if (dv)
                    for (std::size_t i = 0; i < n; ++i) d[i] = va[i] <= vb[i] ? da[i] : db[i];
                break;
            case Op::max:
                if (values)
                    for (std::size_t i = 0; i < n; ++i) v[i] = std::max(va[i], vb[i]);
                if (dv)
                    for (std::size_t i = 0; i < n; ++i) d[i] = va[i] >= vb[i] ? da[i] : db[i];
                break;
        }
    }
}

// The float evaluation, built for plain x86-64, AVX2 and AVX-512 (chosen at load time); the loops in
// eval_nodes vectorise where their functions do (tanh, erf, pow to a fractional or variable exponent, sin, cos and atan stay scalar libm calls).
__attribute__((target_clones("default", "avx2", "avx512f"))) void eval_block_f32(const std::vector<Node>& nodes, const float* x,
                                                                                 const float* const* p, std::size_t n, float* val,
                                                                                 float* der, int tangent, bool values = true,
                                                                                 const std::uint32_t* depends = nullptr) {
    eval_nodes<float>(nodes, x, p, n, val, der, tangent, kBlock, values, depends);
}

// Runs of one channel within the elements [first, first + count) of a field: f(offset, length, channel) for each, in
// order (a division per run, not per element: the field's channel of an element is (i / spatial) % channels).
template <class F>
void channel_runs(const ParamField& field, std::size_t first, std::size_t count, F&& f) {
    std::size_t c = (first / field.spatial) % field.channels, s = first % field.spatial;
    for (std::size_t i = 0; i < count;) {
        const std::size_t run = std::min(count - i, field.spatial - s);
        f(i, run, c);
        i += run, s = 0, c = c + 1 == field.channels ? 0 : c + 1;
    }
}

// Each learned parameter's raw value for the elements [first, first + count) of a field, into blocks[k].
void fill_params(const ParamField& field, const std::vector<LearnedParam>& learned, std::size_t first, std::size_t count,
                 std::vector<std::vector<float>>& blocks, std::vector<const float*>& pointers) {
    for (std::size_t k = 0; k < learned.size(); ++k) {
        float* out = blocks[k].data();
        const float* raw = field.raw.at(k);
        if (!learned[k].per_channel)
            std::fill(out, out + count, raw[0]);
        else
            channel_runs(field, first, count,
                         [&](std::size_t i, std::size_t run, std::size_t c) { std::fill(out + i, out + i + run, raw[c]); });
        pointers[k] = out;
    }
}

}  // namespace

void Formula::forward(const float* x, float* y, std::size_t n, const ParamField& field) const {
    const std::size_t blocks = (n + kBlock - 1) / kBlock;
    const std::size_t root = nodes_.size() - 1;
#pragma omp parallel
    {
        std::vector<float> val(nodes_.size() * kBlock);
        std::vector<std::vector<float>> pblocks(learned_.size(), std::vector<float>(kBlock));
        std::vector<const float*> p(learned_.size());
#pragma omp for schedule(static)
        for (std::size_t b = 0; b < blocks; ++b) {
            const std::size_t first = b * kBlock, count = std::min(kBlock, n - first);
            fill_params(field, learned_, first, count, pblocks, p);
            eval_block_f32(nodes_, x + first, p.data(), count, val.data(), nullptr, -1);
            std::copy(val.data() + root * kBlock, val.data() + root * kBlock + count, y + first);
        }
    }
}

void Formula::backward(const float* x, const float* dy, float* dx, std::size_t n, const ParamField& field,
                       const std::vector<double*>& grad) const {
    const std::size_t blocks = (n + kBlock - 1) / kBlock;
    const std::size_t root = nodes_.size() - 1;
    const bool learn = !learned_.empty() && grad.size() == learned_.size();
    // Per thread, per parameter, per channel: partial sums, added up in thread order after the loop (a fixed order
    // for a fixed thread count, so the same bits every run).
    std::vector<std::vector<std::vector<double>>> partial(learn ? static_cast<std::size_t>(omp_get_max_threads()) : 0);
#pragma omp parallel
    {
        std::vector<float> val(nodes_.size() * kBlock), der(nodes_.size() * kBlock);
        std::vector<std::vector<float>> pblocks(learned_.size(), std::vector<float>(kBlock));
        std::vector<const float*> p(learned_.size());
        std::vector<std::vector<double>>* mine = nullptr;
        if (learn) {
            mine = &partial[static_cast<std::size_t>(omp_get_thread_num())];
            for (const LearnedParam& lp : learned_) mine->emplace_back(lp.per_channel ? field.channels : 1, 0.0);
        }
#pragma omp for schedule(static)
        for (std::size_t b = 0; b < blocks; ++b) {
            const std::size_t first = b * kBlock, count = std::min(kBlock, n - first);
            fill_params(field, learned_, first, count, pblocks, p);
            eval_block_f32(nodes_, x + first, p.data(), count, val.data(), der.data(), 0);
            const float* d = der.data() + root * kBlock;
            for (std::size_t i = 0; i < count; ++i) dx[first + i] = d[i] * dy[first + i];
            for (std::size_t k = 0; learn && k < learned_.size(); ++k) {
                // The values are the x pass's: only the derivatives on the path from parameter k to the root.
                eval_block_f32(nodes_, x + first, p.data(), count, val.data(), der.data(), static_cast<int>(k) + 1, false, depends_.data());
                std::vector<double>& sums = (*mine)[k];
                const float* g = dy + first;
                channel_runs(field, first, count, [&](std::size_t i, std::size_t run, std::size_t c) {
                    double sum = 0;
                    for (std::size_t j = i; j < i + run; ++j) sum += static_cast<double>(d[j]) * g[j];
                    sums[learned_[k].per_channel ? c : 0] += sum;
                });
            }
        }
    }
    for (const auto& thread : partial)
        for (std::size_t k = 0; k < thread.size(); ++k)
            for (std::size_t c = 0; c < thread[k].size(); ++c) grad[k][c] += thread[k][c];
}

std::vector<double> Formula::eval_scalar(double x, const std::vector<double>& raw, int tangent) const {
    const std::vector<double> r = raw.empty() ? initial_raw() : raw;
    if (r.size() != learned_.size()) throw std::invalid_argument("formula: wrong number of learned parameter values");
    std::vector<const double*> p;
    for (const double& v : r) p.push_back(&v);
    std::vector<double> val(nodes_.size()), der(nodes_.size());  // one value per node: a scalar needs no block
    eval_nodes<double>(nodes_, &x, p.data(), 1, val.data(), der.data(), tangent, 1);
    const std::size_t root = nodes_.size() - 1;
    return {val[root], tangent >= 0 ? der[root] : NAN};
}

double Formula::value(double x, const std::vector<double>& raw) const { return eval_scalar(x, raw, -1)[0]; }
double Formula::derivative(double x, const std::vector<double>& raw) const { return eval_scalar(x, raw, 0)[1]; }
double Formula::param_derivative(double x, std::size_t k, const std::vector<double>& raw) const {
    return eval_scalar(x, raw, static_cast<int>(k) + 1)[1];
}

namespace {

std::string number_text(double x) {
    if (std::isnan(x)) return "NaN";
    if (std::isinf(x)) return x > 0 ? "+Inf" : "-Inf";
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.6g", x);
    return buf;
}

// d/dt of g at t against its central finite difference, unless t is a kink of g (left and right differences
// disagree); false when they disagree.
template <class G>
bool agrees(G&& g, double t, double d, double* central) {
    const double h = 1e-5 * std::max(1.0, std::abs(t));
    const double f = g(t), fp = g(t + h), fm = g(t - h);
    if (!std::isfinite(fp) || !std::isfinite(fm)) return true;  // the neighbours are checked as grid points
    const double left = (f - fm) / h, right = (fp - f) / h;
    if (std::abs(left - right) > 1e-3 * (1 + std::abs(left) + std::abs(right))) return true;  // a kink
    *central = (fp - fm) / (2 * h);
    return std::abs(*central - d) <= 1e-4 * (1 + std::abs(d));
}

}  // namespace

void Formula::check(double lo, double hi) const {
    const int points = 1601;
    const double step = (hi - lo) / (points - 1);
    const std::vector<double> raw0 = initial_raw();
    std::vector<const double*> p;
    for (const double& v : raw0) p.push_back(&v);
    std::vector<double> val(nodes_.size()), der(nodes_.size());
    for (int k = 0; k < points; ++k) {
        // Every grid point, and one shifted off round numbers, so the derivative check does not sit on the
        // usual kinks (0, ±1, …) while the finiteness check does visit them.
        for (const double x : {lo + step * k, lo + step * (k + 0.2718281828)}) {
            // Both branches of every conditional are computed everywhere: each must be finite, not only the one taken.
            eval_nodes<double>(nodes_, &x, p.data(), 1, val.data(), der.data(), -1, 1);
            for (const Node& node : nodes_)
                if (node.op == Op::select)
                    for (const auto& [branch, which] : {std::pair{node.a, "'then'"}, {node.b, "'else'"}})
                        if (!std::isfinite(val[static_cast<std::size_t>(branch)]))
                            throw FormulaError(node.column,
                                               std::string("the conditional's ") + which + " branch is " +
                                                   number_text(val[static_cast<std::size_t>(branch)]) + " at x = " + number_text(x) +
                                                   "; both branches are computed everywhere, so each must "
                                                   "be finite on [" +
                                                   number_text(lo) + ", " + number_text(hi) + "]");
            const double f = value(x), d = derivative(x);
            if (!std::isfinite(f))
                throw FormulaError(0,
                                   "the formula is " + number_text(f) + " at x = " + number_text(x) + "; it must be finite on [" +
                                       number_text(lo) + ", " + number_text(hi) + "]");
            if (!std::isfinite(d)) throw FormulaError(0, "the formula's derivative is " + number_text(d) + " at x = " + number_text(x));
            double central = 0;
            if (!agrees([&](double t) { return value(t); }, x, d, &central))
                throw FormulaError(0,
                                   "the derivative at x = " + number_text(x) + " is " + number_text(d) + " but a finite difference gives " +
                                       number_text(central));
            for (std::size_t j = 0; j < learned_.size() && k % 8 == 0; ++j) {  // each learned parameter, at its initial value
                const double dp = param_derivative(x, j);
                auto g = [&](double r) {
                    std::vector<double> moved = raw0;
                    moved[j] = r;
                    return value(x, moved);
                };
                if (!std::isfinite(dp) || !agrees(g, raw0[j], dp, &central))
                    throw FormulaError(0,
                                       "the derivative with respect to " + learned_[j].name + " at x = " + number_text(x) + " is " +
                                           number_text(dp) + " but a finite difference gives " + number_text(central));
            }
        }
    }
}

}  // namespace actbench
