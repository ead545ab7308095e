// The activations the layer tests run over, and inputs that keep away from their kinks.
#pragma once

#include "activation.hpp"

#include <cmath>
#include <vector>

namespace actbench::test {

// Every built-in with its defaults, some non-default parameterisations, and formulas: what a config can use.
inline std::vector<ActivationSpec> all_elementwise() {
    std::vector<ActivationSpec> specs;
    for (const auto& info : activation_table())
        if (info.kernel != ActivationKernel::formula && info.kernel != ActivationKernel::maxout)
            specs.push_back(builtin_activation(info.name));
    specs.push_back(activation_variant("very_leaky", "leaky_relu", {{"slope", 0.18}}));
    specs.push_back(activation_variant("elu_half", "elu", {{"alpha", 0.5}}));
    specs.push_back(activation_variant("softplus_2", "softplus", {{"beta", 2.0}}));
    specs.push_back(activation_variant("swish_1702", "swish", {{"beta", 1.702}}));
    specs.push_back(activation_variant("relu3", "clipped_relu", {{"cap", 3.0}}));
    specs.push_back(activation_variant("rrelu_torch", "rrelu", {{"lower", 0.125}, {"upper", 1.0 / 3}, {"pytorch", 1}}));
    specs.push_back(activation_variant("prelu_shared", "prelu", {{"shared", 1}, {"init", 0.1}}));
    specs.push_back(formula_activation("f_swish", "x * sigmoid(beta * x)", {{"beta", 1.702}}));
    specs.push_back(formula_activation("f_mix", "log1p(exp(x)) - softplus(x) + tanh(x) * erf(x / 2) + sqrt(x*x + 1) / (2 + abs(x))", {}));
    specs.push_back(formula_activation("f_periodic", "x + sin(2 * x) / 2 + cos(x) * atan(x)", {}));
    specs.push_back(formula_activation("f_pow", "pow(1 + x*x, 0.5) + (x^2)/3 - min(x, 1) + max(0, x)", {}));
    // Learned parameters: PReLU per channel, Swish-β with one β per layer, PELU with two positive ones per channel.
    using C = LearnedParam::Constraint;
    specs.push_back(formula_activation("f_prelu", "x > 0 ? x : a * x", {}, {LearnedParam{"a", 0.25, true, C::none}}));
    specs.push_back(formula_activation("f_swish_beta", "x * sigmoid(beta * x)", {}, {LearnedParam{"beta", 1.0, false, C::none}}));
    specs.push_back(formula_activation("f_pelu", "x > 0 ? (a / b) * x : a * (exp(x / b) - 1)", {},
                                       {LearnedParam{"a", 1.0, true, C::positive}, LearnedParam{"b", 1.0, true, C::positive}}));
    return specs;
}

// Every learned parameter of a built layer (PReLU's slopes, a formula's raw values) at its initial value, as the
// network's initialisation sets them.
inline void params_at_initial(Context& ctx, Activation& act) {
    for (Param* p : act.params()) from_plain(ctx, std::vector<float>(logical_count(p->dims), p->initial), p->value);
}

// A grid over [−6, 6] that keeps 0.05 away from every kink.
inline std::vector<float> grid_away_from_kinks(const ActivationSpec& spec, std::size_t n) {
    std::vector<float> x;
    const auto kinks = spec.kinks();
    for (std::size_t i = 0; x.size() < n; ++i) {
        const double v = -6.0 + 12.0 * static_cast<double>(i % 977) / 976.0 + 1e-3 * static_cast<double>(i / 977);
        bool near_kink = std::abs(v - 1.0) < 0.05 || std::abs(v) < 0.05;  // formulas' min(x, 1) and max(0, x)
        for (double k : kinks) near_kink |= std::abs(v - k) < 0.05;
        if (!near_kink) x.push_back(static_cast<float>(v));
    }
    return x;
}

}  // namespace actbench::test
