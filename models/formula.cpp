#include "formula.hpp"

#include "vecmath.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <memory>

namespace actbench {

namespace {

constexpr std::size_t kMaxLength = 2000;
constexpr int kMaxDepth = 64;
constexpr std::size_t kMaxNodes = 256;
constexpr std::size_t kBlock = 256;

using Op = Formula::Op;
using Node = Formula::Node;

struct FunctionInfo {
    const char* name;
    Op op;
    int arity;
};
constexpr FunctionInfo kFunctions[] = {
    {"exp", Op::exp, 1}, {"log", Op::log, 1},   {"log1p", Op::log1p, 1},     {"sqrt", Op::sqrt, 1},
    {"abs", Op::abs, 1}, {"tanh", Op::tanh, 1}, {"sigmoid", Op::sigmoid, 1}, {"softplus", Op::softplus, 1},
    {"erf", Op::erf, 1}, {"min", Op::min, 2},   {"max", Op::max, 2},         {"pow", Op::pow, 2},
};

std::string function_names() {
    std::string s;
    for (const auto& f : kFunctions) s += (s.empty() ? "" : ", ") + std::string(f.name);
    return s;
}

template <class T>
T sigmoid_of(T a) {
    return T(1) / (T(1) + std::exp(-a));
}
template <class T>
T softplus_of(T a) {
    // max(a, 0) + log1p(exp(−|a|)): no overflow for large |a|.
    return std::max(a, T(0)) + std::log1p(std::exp(-std::abs(a)));
}

// Applies one operation to scalars, for constant folding (in double).
double apply(Op op, double a, double b) {
    switch (op) {
        case Op::add: return a + b;
        case Op::sub: return a - b;
        case Op::mul: return a * b;
        case Op::div: return a / b;
        case Op::neg: return -a;
        case Op::pow: return std::pow(a, b);
        case Op::exp: return std::exp(a);
        case Op::log: return std::log(a);
        case Op::log1p: return std::log1p(a);
        case Op::sqrt: return std::sqrt(a);
        case Op::abs: return std::abs(a);
        case Op::tanh: return std::tanh(a);
        case Op::sigmoid: return sigmoid_of(a);
        case Op::softplus: return softplus_of(a);
        case Op::erf: return std::erf(a);
        case Op::min: return std::min(a, b);
        case Op::max: return std::max(a, b);
        default: return 0;
    }
}

class Parser {
public:
    Parser(std::string_view text, const std::map<std::string, double>& params, std::vector<Node>& nodes)
        : s_(text), params_(params), nodes_(nodes) {}

    int parse() {
        const int root = expr(0);
        skip_space();
        if (pos_ < s_.size()) fail("unexpected '" + std::string(1, s_[pos_]) + "'; expected an operator or the end");
        return root;
    }

private:
    [[noreturn]] void fail(const std::string& what) const { throw FormulaError(static_cast<int>(pos_) + 1, what); }

    void skip_space() {
        while (pos_ < s_.size() && std::isspace(static_cast<unsigned char>(s_[pos_]))) ++pos_;
    }
    bool eat(char c) {
        skip_space();
        if (pos_ < s_.size() && s_[pos_] == c) {
            ++pos_;
            return true;
        }
        return false;
    }

    int add(Node n) {
        // Fold operations on constants now, so evaluation only sees x-dependent nodes and constants.
        const bool unary = n.b < 0;
        if (n.op != Op::constant && n.op != Op::x && nodes_[n.a].op == Op::constant && (unary || nodes_[n.b].op == Op::constant)) {
            const double v = apply(n.op, nodes_[n.a].constant, unary ? 0.0 : nodes_[n.b].constant);
            n = Node{Op::constant, -1, -1, v};
        }
        if (nodes_.size() >= kMaxNodes) fail("the formula is too large (more than 256 operations)");
        nodes_.push_back(n);
        return static_cast<int>(nodes_.size()) - 1;
    }

    int expr(int depth) {
        if (depth > kMaxDepth) fail("nested too deeply (more than 64 levels)");
        int left = term(depth + 1);
        for (;;) {
            if (eat('+'))
                left = add({Op::add, left, term(depth + 1)});
            else if (eat('-'))
                left = add({Op::sub, left, term(depth + 1)});
            else
                return left;
        }
    }

    int term(int depth) {
        int left = unary(depth + 1);
        for (;;) {
            if (eat('*'))
                left = add({Op::mul, left, unary(depth + 1)});
            else if (eat('/'))
                left = add({Op::div, left, unary(depth + 1)});
            else
                return left;
        }
    }

    int unary(int depth) {
        if (depth > kMaxDepth) fail("nested too deeply (more than 64 levels)");
        if (eat('-')) return add({Op::neg, unary(depth + 1)});
        if (eat('+')) return unary(depth + 1);
        const int base = primary(depth + 1);
        if (eat('^')) return add({Op::pow, base, unary(depth + 1)});
        return base;
    }

    int primary(int depth) {
        if (depth > kMaxDepth) fail("nested too deeply (more than 64 levels)");
        skip_space();
        if (pos_ >= s_.size()) fail("the formula ends here; expected a number, a name or '('");
        const char c = s_[pos_];
        if (std::isdigit(static_cast<unsigned char>(c)) || c == '.') return number();
        if (std::isalpha(static_cast<unsigned char>(c)) || c == '_') return name(depth);
        if (eat('(')) {
            const int inner = expr(depth + 1);
            if (!eat(')')) fail("expected ')'");
            return inner;
        }
        fail("unexpected '" + std::string(1, c) + "'; expected a number, a name or '('");
    }

    int number() {
        const std::size_t start = pos_;
        while (pos_ < s_.size() && (std::isdigit(static_cast<unsigned char>(s_[pos_])) || s_[pos_] == '.')) ++pos_;
        if (pos_ < s_.size() && (s_[pos_] == 'e' || s_[pos_] == 'E')) {
            std::size_t p = pos_ + 1;
            if (p < s_.size() && (s_[p] == '+' || s_[p] == '-')) ++p;
            if (p < s_.size() && std::isdigit(static_cast<unsigned char>(s_[p]))) {
                pos_ = p;
                while (pos_ < s_.size() && std::isdigit(static_cast<unsigned char>(s_[pos_]))) ++pos_;
            }
        }
        const std::string token(s_.substr(start, pos_ - start));
        char* end = nullptr;
        const double v = std::strtod(token.c_str(), &end);
        if (end != token.c_str() + token.size() || !std::isfinite(v)) {
            pos_ = start;
            fail("'" + token + "' is not a number");
        }
        return add({Op::constant, -1, -1, v});
    }

    int name(int depth) {
        const std::size_t start = pos_;
        while (pos_ < s_.size() && (std::isalnum(static_cast<unsigned char>(s_[pos_])) || s_[pos_] == '_')) ++pos_;
        const std::string id(s_.substr(start, pos_ - start));
        skip_space();
        if (pos_ < s_.size() && s_[pos_] == '(') {
            const FunctionInfo* fn = nullptr;
            for (const auto& f : kFunctions)
                if (id == f.name) fn = &f;
            if (!fn) {
                pos_ = start;
                fail("unknown function '" + id + "'; valid: " + function_names());
            }
            ++pos_;
            const int a = expr(depth + 1);
            int b = -1;
            if (fn->arity == 2) {
                if (!eat(',')) fail(std::string(fn->name) + " takes two arguments; expected ','");
                b = expr(depth + 1);
            }
            if (!eat(')')) fail(std::string("expected ')' to close ") + fn->name + "(");
            return add({fn->op, a, b});
        }
        if (id == "x") return add({Op::x});
        if (auto it = params_.find(id); it != params_.end()) return add({Op::constant, -1, -1, it->second});
        if (id == "pi") return add({Op::constant, -1, -1, M_PI});
        if (id == "e") return add({Op::constant, -1, -1, M_E});
        pos_ = start;
        std::string known = "x, pi, e";
        for (const auto& [k, v] : params_) known += ", " + k;
        fail("unknown name '" + id + "'; valid: " + known + " (params go in the activation's params:)");
    }

    std::string_view s_;
    const std::map<std::string, double>& params_;
    std::vector<Node>& nodes_;
    std::size_t pos_ = 0;
};

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

template <class T>
[[gnu::always_inline]] inline void eval_nodes(const std::vector<Node>& nodes_, const T* x, std::size_t n, T* val, T* der,
                                              bool want_derivative) {
    // val and der hold kBlock values per node; node k's block starts at k * kBlock.
    for (std::size_t k = 0; k < nodes_.size(); ++k) {
        const Node& node = nodes_[k];
        T* v = val + k * kBlock;
        T* d = want_derivative ? der + k * kBlock : nullptr;
        const T* va = node.a >= 0 ? val + node.a * kBlock : nullptr;
        const T* vb = node.b >= 0 ? val + node.b * kBlock : nullptr;
        const T* da = want_derivative && node.a >= 0 ? der + node.a * kBlock : nullptr;
        const T* db = want_derivative && node.b >= 0 ? der + node.b * kBlock : nullptr;
        const bool dv = want_derivative;
        switch (node.op) {
            case Op::constant:
                std::fill(v, v + n, static_cast<T>(node.constant));
                if (dv) std::fill(d, d + n, T(0));
                break;
            case Op::x:
                std::copy(x, x + n, v);
                if (dv) std::fill(d, d + n, T(1));
                break;
            case Op::add:
                for (std::size_t i = 0; i < n; ++i) v[i] = va[i] + vb[i];
                if (dv)
                    for (std::size_t i = 0; i < n; ++i) d[i] = da[i] + db[i];
                break;
            case Op::sub:
                for (std::size_t i = 0; i < n; ++i) v[i] = va[i] - vb[i];
                if (dv)
                    for (std::size_t i = 0; i < n; ++i) d[i] = da[i] - db[i];
                break;
            case Op::mul:
                for (std::size_t i = 0; i < n; ++i) v[i] = va[i] * vb[i];
                if (dv)
                    for (std::size_t i = 0; i < n; ++i) d[i] = da[i] * vb[i] + va[i] * db[i];
                break;
            case Op::div:
                for (std::size_t i = 0; i < n; ++i) v[i] = va[i] / vb[i];
                if (dv)
                    for (std::size_t i = 0; i < n; ++i) d[i] = (da[i] - v[i] * db[i]) / vb[i];
                break;
            case Op::neg:
                for (std::size_t i = 0; i < n; ++i) v[i] = -va[i];
                if (dv)
                    for (std::size_t i = 0; i < n; ++i) d[i] = -da[i];
                break;
            case Op::pow:
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
            case Op::exp:
                for (std::size_t i = 0; i < n; ++i) v[i] = m_exp(va[i]);
                if (dv)
                    for (std::size_t i = 0; i < n; ++i) d[i] = v[i] * da[i];
                break;
            case Op::log:
                for (std::size_t i = 0; i < n; ++i) v[i] = m_log(va[i]);
                if (dv)
                    for (std::size_t i = 0; i < n; ++i) d[i] = da[i] / va[i];
                break;
            case Op::log1p:
                for (std::size_t i = 0; i < n; ++i) v[i] = m_log1p(va[i]);
                if (dv)
                    for (std::size_t i = 0; i < n; ++i) d[i] = da[i] / (T(1) + va[i]);
                break;
            case Op::sqrt:
                for (std::size_t i = 0; i < n; ++i) v[i] = std::sqrt(va[i]);
                if (dv)
                    for (std::size_t i = 0; i < n; ++i) d[i] = da[i] / (T(2) * v[i]);
                break;
            case Op::abs:
                for (std::size_t i = 0; i < n; ++i) v[i] = std::abs(va[i]);
                if (dv)
                    for (std::size_t i = 0; i < n; ++i) d[i] = va[i] > T(0) ? da[i] : (va[i] < T(0) ? -da[i] : T(0));
                break;
            case Op::tanh:
                for (std::size_t i = 0; i < n; ++i) v[i] = std::tanh(va[i]);
                if (dv)
                    for (std::size_t i = 0; i < n; ++i) d[i] = (T(1) - v[i] * v[i]) * da[i];
                break;
            case Op::sigmoid:
                for (std::size_t i = 0; i < n; ++i) v[i] = m_sigmoid(va[i]);
                if (dv)
                    for (std::size_t i = 0; i < n; ++i) d[i] = v[i] * (T(1) - v[i]) * da[i];
                break;
            case Op::softplus:
                for (std::size_t i = 0; i < n; ++i) v[i] = m_softplus(va[i]);
                if (dv)
                    for (std::size_t i = 0; i < n; ++i) d[i] = m_sigmoid(va[i]) * da[i];
                break;
            case Op::erf:
                for (std::size_t i = 0; i < n; ++i) v[i] = std::erf(va[i]);
                if (dv) {
                    const T c = static_cast<T>(2.0 / std::sqrt(M_PI));
                    for (std::size_t i = 0; i < n; ++i) d[i] = c * m_exp(-va[i] * va[i]) * da[i];
                }
                break;
            case Op::min:
                for (std::size_t i = 0; i < n; ++i) v[i] = std::min(va[i], vb[i]);
                if (dv)
                    for (std::size_t i = 0; i < n; ++i) d[i] = va[i] <= vb[i] ? da[i] : db[i];
                break;
            case Op::max:
                for (std::size_t i = 0; i < n; ++i) v[i] = std::max(va[i], vb[i]);
                if (dv)
                    for (std::size_t i = 0; i < n; ++i) d[i] = va[i] >= vb[i] ? da[i] : db[i];
                break;
        }
    }
}

// The float evaluation, built for plain x86-64, AVX2 and AVX-512 (chosen at load time); the loops in
// eval_nodes vectorise where their functions do (tanh, erf and pow stay scalar libm calls).
__attribute__((target_clones("default", "avx2", "avx512f"))) void eval_block_f32(const std::vector<Node>& nodes, const float* x,
                                                                                 std::size_t n, float* val, float* der,
                                                                                 bool want_derivative) {
    eval_nodes<float>(nodes, x, n, val, der, want_derivative);
}

}  // namespace

Formula Formula::parse(std::string_view text, const std::map<std::string, double>& params) {
    if (text.size() > kMaxLength) throw FormulaError(static_cast<int>(kMaxLength) + 1, "the formula is longer than 2000 characters");
    Formula f;
    f.text_ = std::string(text);
    const int root = Parser(text, params, f.nodes_).parse();
    // Keep only the nodes the result depends on (folding leaves dead constants behind).
    std::vector<int> keep(f.nodes_.size(), 0);
    keep[root] = 1;
    for (int i = root; i >= 0; --i)
        if (keep[i]) {
            if (f.nodes_[i].a >= 0) keep[f.nodes_[i].a] = 1;
            if (f.nodes_[i].b >= 0) keep[f.nodes_[i].b] = 1;
        }
    std::vector<int> new_index(f.nodes_.size(), -1);
    std::vector<Node> kept;
    for (int i = 0; i <= root; ++i)
        if (keep[i]) {
            Node n = f.nodes_[i];
            if (n.a >= 0) n.a = new_index[n.a];
            if (n.b >= 0) n.b = new_index[n.b];
            new_index[i] = static_cast<int>(kept.size());
            kept.push_back(n);
        }
    f.nodes_ = std::move(kept);
    return f;
}

void Formula::forward(const float* x, float* y, std::size_t n) const {
    const std::size_t blocks = (n + kBlock - 1) / kBlock;
    const std::size_t root = nodes_.size() - 1;
#pragma omp parallel
    {
        std::vector<float> val(nodes_.size() * kBlock);
#pragma omp for schedule(static)
        for (std::size_t b = 0; b < blocks; ++b) {
            const std::size_t first = b * kBlock, count = std::min(kBlock, n - first);
            eval_block_f32(nodes_, x + first, count, val.data(), nullptr, false);
            std::copy(val.data() + root * kBlock, val.data() + root * kBlock + count, y + first);
        }
    }
}

void Formula::backward(const float* x, const float* dy, float* dx, std::size_t n) const {
    const std::size_t blocks = (n + kBlock - 1) / kBlock;
    const std::size_t root = nodes_.size() - 1;
#pragma omp parallel
    {
        std::vector<float> val(nodes_.size() * kBlock), der(nodes_.size() * kBlock);
#pragma omp for schedule(static)
        for (std::size_t b = 0; b < blocks; ++b) {
            const std::size_t first = b * kBlock, count = std::min(kBlock, n - first);
            eval_block_f32(nodes_, x + first, count, val.data(), der.data(), true);
            const float* d = der.data() + root * kBlock;
            for (std::size_t i = 0; i < count; ++i) dx[first + i] = d[i] * dy[first + i];
        }
    }
}

double Formula::value(double x) const {
    std::vector<double> val(nodes_.size() * kBlock), der(nodes_.size() * kBlock);
    eval_nodes<double>(nodes_, &x, 1, val.data(), der.data(), false);
    return val[(nodes_.size() - 1) * kBlock];
}

double Formula::derivative(double x) const {
    std::vector<double> val(nodes_.size() * kBlock), der(nodes_.size() * kBlock);
    eval_nodes<double>(nodes_, &x, 1, val.data(), der.data(), true);
    return der[(nodes_.size() - 1) * kBlock];
}

void Formula::check(double lo, double hi) const {
    auto number = [](double x) {
        if (std::isnan(x)) return std::string("NaN");
        if (std::isinf(x)) return std::string(x > 0 ? "+Inf" : "-Inf");
        char buf[64];
        std::snprintf(buf, sizeof buf, "%.6g", x);
        return std::string(buf);
    };
    const int points = 1601;
    const double step = (hi - lo) / (points - 1);
    for (int k = 0; k < points; ++k) {
        // Every grid point, and one shifted off round numbers, so the derivative check does not sit on the
        // usual kinks (0, ±1, …) while the finiteness check does visit them.
        for (const double x : {lo + step * k, lo + step * (k + 0.2718281828)}) {
            const double f = value(x), d = derivative(x);
            if (!std::isfinite(f))
                throw FormulaError(0,
                                   "the formula is " + number(f) + " at x = " + number(x) + "; it must be finite on [" + number(lo) + ", " +
                                       number(hi) + "]");
            if (!std::isfinite(d)) throw FormulaError(0, "the formula's derivative is " + number(d) + " at x = " + number(x));
            const double h = 1e-5 * std::max(1.0, std::abs(x));
            const double fp = value(x + h), fm = value(x - h);
            const double left = (f - fm) / h, right = (fp - f) / h;
            if (!std::isfinite(fp) || !std::isfinite(fm)) continue;  // the neighbours are checked as grid points
            if (std::abs(left - right) > 1e-3 * (1 + std::abs(left) + std::abs(right))) continue;  // a kink
            const double central = (fp - fm) / (2 * h);
            if (std::abs(central - d) > 1e-4 * (1 + std::abs(d)))
                throw FormulaError(
                    0, "the derivative at x = " + number(x) + " is " + number(d) + " but a finite difference gives " + number(central));
        }
    }
}

}  // namespace actbench
