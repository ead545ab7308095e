// Weight initialisers, each described once in init_table(): name, formula, parameters, source. Values are
// drawn in the plain (logical) order of the weight tensor — [out, in(, kh, kw)] — and then reordered into
// the primitive's layout, so a trial gets the same weights whatever layout oneDNN picks.
//
// fan_in = in·kh·kw and fan_out = out·kh·kw for convolutions (the kernel area counts); in and out for dense.
// Every initialiser takes a gain that multiplies the weights.
#pragma once

#include "rng.hpp"

#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace actbench {

struct InitParam {
    std::string_view name;
    double default_value;
    double min, max;
    std::string_view meaning;
    std::vector<std::string_view> choices;  // non-empty: the value is an index into these names
    // Choices are indices: a fraction is refused (0.7 would otherwise name one choice in the trial id and
    // select another in the code).
    bool whole_number() const { return !choices.empty(); }
};

struct InitInfo {
    std::string_view name;
    std::string_view formula;
    std::string_view source;
    std::vector<InitParam> params;
    // Fills w (plain order; `rows` = the output dimension) for the given fans and parameters.
    void (*fill)(std::vector<float>& w, std::size_t rows, double fan_in, double fan_out, const double* p, Rng& rng);
    // The standard deviation of the weights the formula gives.
    double (*std_of)(double fan_in, double fan_out, const double* p);
};

const std::vector<InitInfo>& init_table();
std::string init_names();
const InitInfo& find_init(std::string_view name);  // throws std::invalid_argument listing the valid names
const InitInfo* lookup_init(std::string_view name);  // nullptr for an unknown name

// A resolved initialiser: a family with every parameter set.
struct InitSpec {
    std::string name;
    const InitInfo* info = nullptr;
    std::vector<double> params;

    double param(std::string_view n) const;
    void fill(std::vector<float>& w, std::size_t rows, double fan_in, double fan_out, Rng& rng) const {
        info->fill(w, rows, fan_in, fan_out, params.data(), rng);
    }
    double std_of(double fan_in, double fan_out) const { return info->std_of(fan_in, fan_out, params.data()); }
};

InitSpec builtin_init(std::string_view name);
// {base: he_normal, mode: fan_out, gain: 1.5}: parameters by name; a parameter with choices takes the
// choice's index. Throws std::invalid_argument for an unknown family or parameter or a value out of range.
InitSpec init_variant(std::string name, std::string_view base, const std::map<std::string, double>& params);
// The index of `choice` among the choices of parameter `param` of family `base`; throws listing them.
double init_choice(std::string_view base, std::string_view param, std::string_view choice);

}  // namespace actbench
