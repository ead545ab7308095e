// Weight initialisers, each described once in init_table(). Values are drawn in the plain (logical) order
// of the weight tensor and then reordered into the primitive's layout, so a trial gets the same weights
// whatever layout oneDNN picks.
#pragma once

#include "rng.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace actbench {

struct InitInfo {
    std::string_view name;
    std::string_view formula;
    std::string_view source;
    // Fills `w` (plain order) given the fans.
    void (*fill)(std::vector<float>& w, double fan_in, double fan_out, Rng& rng);
    // The standard deviation the formula prescribes, for tests and `inspect`.
    double (*std_of)(double fan_in, double fan_out);
};

const std::vector<InitInfo>& init_table();
const InitInfo& find_init(std::string_view name);  // throws std::invalid_argument listing the valid names
std::string init_names();

}  // namespace actbench
