// Rational activations (Padé activation units, Molina, Schramowski & Kersting 2020): P(x)/Q(x) with P of degree m
// and the "safe" denominator Q(x) = 1 + Σ_{k=1..n} |b_k|·|x|^k, which is ≥ 1 everywhere, so the unit has no pole.
// Written as a formula (formula.hpp) over the coefficients a0..am and b1..bn, so their gradients, the load-time
// checks and learning come from the formula engine; initialised by a least-squares fit to a named built-in on [−3, 3].
#pragma once

#include "activation.hpp"

#include <map>
#include <string>

namespace actbench {

inline constexpr int kMaxRationalDegree = 6;  // numerator and denominator: 7 + 6 = 13 coefficients at most

struct RationalFit {
    std::map<std::string, double> coefficients;  // a0..am, b1..bn
    double rms = 0;  // the fit's root-mean-square error on the fitting grid
};

// "(a0 + a1*x + …) / (1 + abs(b1)*abs(x) + …)". Throws std::invalid_argument for a degree outside 1..6.
std::string rational_expr(int numerator, int denominator);

// The coefficients of P/Q that fit `target` on 601 points of [−3, 3] by least squares on the linearised residual
// P(x) − f(x)·Q(x) (Molina et al. fit theirs the same way), with every |b_k| kept ≥ 0 by refitting without those
// that come out negative (an active set) and then at least 0.001 (|b| has no gradient at 0, so a zero would never
// learn), and the RMS error of P/Q itself against f there.
RationalFit fit_rational(const ActivationSpec& target, int numerator, int denominator);

}  // namespace actbench
