// Activation formulas written in a config, e.g. "x * sigmoid(beta * x)" with params {beta: 1.702}.
//
// Grammar:  expr := term (("+" | "-") term)*      term := unary (("*" | "/") unary)*
//           unary := "-" unary | power             power := primary ("^" unary)?
//           primary := number | name | name "(" expr ("," expr)* ")" | "(" expr ")"
// Names: x, the formula's params, pi, e. Functions: exp log log1p sqrt abs tanh sigmoid softplus erf
// (one argument), min max pow (two).
//
// Evaluation is over whole arrays, in blocks of 256 elements: each node of the (constant-folded) expression
// computes its block with one tight loop, so there is no interpreter dispatch per value. The derivative is
// exact: every node carries its value and its derivative with respect to x (forward-mode dual numbers),
// never a finite difference.
//
// Bounds: at most 2,000 characters, nesting depth 64, 256 nodes; any input either parses or throws a
// FormulaError with the column — it never crashes or hangs (fuzzed in tests/test_formula.cpp).
#pragma once

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

class Formula {
public:
    // Throws FormulaError.
    static Formula parse(std::string_view text, const std::map<std::string, double>& params = {});

    // y[i] = f(x[i])
    void forward(const float* x, float* y, std::size_t n) const;
    // dx[i] = f'(x[i]) · dy[i]
    void backward(const float* x, const float* dy, float* dx, std::size_t n) const;
    // Scalar evaluation in double precision (for tests, `show activation` and the load-time check).
    double value(double x) const;
    double derivative(double x) const;

    // Refuses (FormulaError naming x) a formula that is NaN/Inf somewhere on [lo, hi], or whose derivative
    // disagrees there with a central finite difference. Points where the left and right differences
    // disagree with each other are kinks (max(0, x) at 0) and are skipped.
    void check(double lo = -8, double hi = 8) const;

    const std::string& text() const { return text_; }
    std::size_t node_count() const { return nodes_.size(); }

    enum class Op { constant, x, add, sub, mul, div, neg, pow, exp, log, log1p, sqrt, abs, tanh, sigmoid, softplus, erf, min, max };
    struct Node {
        Op op;
        int a = -1, b = -1;  // operand nodes (earlier in the list)
        double constant = 0;  // for Op::constant
    };

private:
    std::string text_;
    std::vector<Node> nodes_;  // postfix order; the last node is the result
};

}  // namespace actbench
