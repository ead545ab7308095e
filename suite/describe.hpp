// What `actbench list` and `actbench show` print: the activation and initialiser tables, and an
// activation's f and f′ over a range (text, JSON, SVG).
#pragma once

#include "activation.hpp"

#include <nlohmann/json.hpp>

#include <string>

namespace actbench {

nlohmann::json activations_json();
std::string activations_text();
nlohmann::json inits_json();
std::string inits_text();

struct Curve {
    std::vector<double> x, f, df;
};
// f and f′ (evaluation form) at `points` evenly spaced x in [lo, hi]. Throws std::invalid_argument for maxout
// (not elementwise) or a bad range.
Curve activation_curve(const ActivationSpec& spec, double lo, double hi, int points);
std::string curve_text(const ActivationSpec& spec, const Curve& c);
nlohmann::json curve_json(const ActivationSpec& spec, const Curve& c);
std::string curve_svg(const ActivationSpec& spec, const Curve& c);

}  // namespace actbench
