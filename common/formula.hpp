// Activation formulas written in a config, e.g. "x * sigmoid(beta * x)" with params {beta: 1.702}.
//
// Grammar:  cond := expr (cmp expr)? ("?" cond ":" cond)?      cmp := ">" | ">=" | "<" | "<="
//           expr := term (("+" | "-") term)*      term := unary (("*" | "/") unary)*
//           unary := "-" unary | power             power := primary ("^" unary)?
//           primary := number | name | name "(" cond ("," cond)* ")" | "(" cond ")"
// Names: x, the formula's params, pi, e. Functions: exp log log1p sqrt abs tanh sigmoid softplus erf sin cos atan
// (one argument), min max pow (two), where (three: where(c, a, b) is c ? a : b). A comparison is 1 or 0 with
// derivative 0; a conditional picks a branch per element, so piecewise functions (the rectifier family) are formulas:
// "x > 0 ? x : a * (exp(x) - 1)". Both branches are computed everywhere, so each must be finite on the checked range
// (check() refuses one that is not, naming it), and the kink where the branch changes is skipped by the checks.
//
// Learned parameters: names given as `learned` are not constants but trained values, one per channel or one per
// layer. A constraint holds by reparameterisation, never by clipping: a positive parameter is softplus(r) of a free
// raw value r, a bounded one lo + (hi − lo)·sigmoid(r); the optimiser trains r. The derivative with respect to each
// raw value is exact (forward mode, one tangent per parameter), like the one with respect to x.
//
// Evaluation is over whole arrays, in blocks of 256 elements: each node of the (constant-folded) expression
// computes its block with one tight loop, so there is no interpreter dispatch per value. The derivative is
// exact: every node carries its value and its derivative (forward-mode dual numbers), never a finite difference.
//
// Bounds: at most 2,000 characters, nesting depth 64, 256 nodes, 16 learned parameters; any input either parses or
// throws a FormulaError with the column — it never crashes or hangs (fuzzed in tests/test_formula.cpp).
#pragma once

#include <cstdint>
#include <map>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace actbench {

struct FormulaError : std::runtime_error {
    FormulaError(int column, const std::string& what)
        : std::runtime_error(column > 0 ? "column " + std::to_string(column) + ": " + what : what), column(column) {}
    int column;  // 1-based; 0 when the error is not at one place (e.g. a failed check)
};

// A learned parameter of a formula: its name, its initial value (of the parameter itself, not the raw value), one
// per channel or one per layer, and its constraint.
struct LearnedParam {
    enum class Constraint { none, positive, range };
    std::string name;
    double init = 0;
    bool per_channel = true;
    Constraint constraint = Constraint::none;
    double lo = 0, hi = 0;  // Constraint::range: the open interval (lo, hi)

    double raw_of(double value) const;  // the raw value that gives `value` (which must satisfy the constraint)
    double value_of(double raw) const;  // the parameter a raw value stands for
};

// Where a layer's learned values are, for array evaluation: element i of an array of `channels` × `spatial` blocks
// (NCHW or NC plain: i = (n·channels + c)·spatial + s) uses raw[k][c], or raw[k][0] for a per-layer parameter.
struct ParamField {
    std::size_t channels = 1, spatial = 1;
    std::vector<const float*> raw;  // one per learned parameter, in the formula's order
};

class Formula {
public:
    // Throws FormulaError. A learned parameter's name must not also be a constant param, and each must be used.
    static Formula parse(std::string_view text, const std::map<std::string, double>& params = {},
                         const std::vector<LearnedParam>& learned = {});

    // y[i] = f(x[i])
    void forward(const float* x, float* y, std::size_t n, const ParamField& field = {}) const;
    // dx[i] = f'(x[i]) · dy[i]; with learned parameters, grad[k][c] += Σ over channel c's elements of ∂f/∂r_k · dy
    // (grad[k] has `channels` entries, or one for a per-layer parameter), summed in double, in an order fixed by the
    // thread count.
    void backward(const float* x, const float* dy, float* dx, std::size_t n, const ParamField& field = {},
                  const std::vector<double*>& grad = {}) const;
    // Scalar evaluation in double precision (for tests, `show activation` and the load-time check), at the learned
    // parameters' raw values `raw` (empty: their initial values).
    double value(double x, const std::vector<double>& raw = {}) const;
    double derivative(double x, const std::vector<double>& raw = {}) const;
    // ∂f/∂r_k at x: the derivative with respect to learned parameter k's raw value.
    double param_derivative(double x, std::size_t k, const std::vector<double>& raw = {}) const;

    // Refuses (FormulaError naming x) a formula that is NaN/Inf somewhere on [lo, hi], a conditional with a branch
    // that is, or a derivative (in x and in every learned parameter, at its initial value) that disagrees there with
    // a central finite difference. Points where the left and right differences disagree with each other are kinks
    // (max(0, x) at 0, a branch change) and are skipped.
    void check(double lo = -8, double hi = 8) const;

    const std::string& text() const { return text_; }
    std::size_t node_count() const { return nodes_.size(); }
    const std::vector<LearnedParam>& learned() const { return learned_; }
    std::vector<double> initial_raw() const;  // each learned parameter's raw initial value

    enum class Op {
        constant,
        x,
        param,
        add,
        sub,
        mul,
        div,
        neg,
        pow,
        exp,
        log,
        log1p,
        sqrt,
        abs,
        tanh,
        sigmoid,
        softplus,
        erf,
        sin,
        cos,
        atan,
        min,
        max,
        gt,
        ge,
        lt,
        le,
        select
    };
    struct Node {
        Op op;
        int a = -1, b = -1, c = -1;  // operand nodes (earlier in the list); select: c ? a : b
        double constant = 0;  // Op::constant; Op::param: the parameter's index
        int column = 0;  // select: where the conditional is written (for check()'s message)
    };

private:
    std::string text_;
    std::vector<Node> nodes_;  // postfix order; the last node is the result
    std::vector<LearnedParam> learned_;
    std::vector<std::uint32_t> depends_;  // per node: bit 0 if it depends on x, bit k + 1 on learned parameter k
    std::vector<double> eval_scalar(double x, const std::vector<double>& raw, int tangent) const;  // [value, d/d tangent]
};

}  // namespace actbench
