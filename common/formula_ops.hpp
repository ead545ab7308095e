// What the formula's parser (formula_parse.cpp) and evaluator (formula.cpp) share: the node type, the sizes, and
// each operation on scalars (constant folding; the double-precision reference). Internal to those two.
#pragma once

#include "formula.hpp"

#include <algorithm>
#include <cmath>

namespace actbench::formula_detail {

using Op = Formula::Op;
using Node = Formula::Node;

constexpr std::size_t kMaxNodes = 256;
constexpr std::size_t kBlock = 256;

template <class T>
T sigmoid_of(T a) {
    return T(1) / (T(1) + std::exp(-a));
}
template <class T>
T softplus_of(T a) {
    // max(a, 0) + log1p(exp(−|a|)): no overflow for large |a|.
    return std::max(a, T(0)) + std::log1p(std::exp(-std::abs(a)));
}

// One operation on scalars (select and the leaves are not here: they are not folded this way).
inline double apply(Op op, double a, double b) {
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
        case Op::sin: return std::sin(a);
        case Op::cos: return std::cos(a);
        case Op::atan: return std::atan(a);
        case Op::min: return std::min(a, b);
        case Op::max: return std::max(a, b);
        case Op::gt: return a > b ? 1 : 0;
        case Op::ge: return a >= b ? 1 : 0;
        case Op::lt: return a < b ? 1 : 0;
        case Op::le: return a <= b ? 1 : 0;
        default: return 0;
    }
}

}  // namespace actbench::formula_detail
