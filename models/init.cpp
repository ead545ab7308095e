#include "init.hpp"

#include <cmath>
#include <stdexcept>

namespace actbench {

namespace {
double he_std(double fan_in, double) { return std::sqrt(2.0 / fan_in); }
void he_normal(std::vector<float>& w, double fan_in, double fan_out, Rng& rng) {
    const double s = he_std(fan_in, fan_out);
    for (auto& v : w) v = static_cast<float>(s * rng.normal());
}
// U[−a, a] has variance a²/3, so a = √(6/(fan_in+fan_out)) gives std √(2/(fan_in+fan_out)).
double xavier_std(double fan_in, double fan_out) { return std::sqrt(2.0 / (fan_in + fan_out)); }
void xavier_uniform(std::vector<float>& w, double fan_in, double fan_out, Rng& rng) {
    const double a = std::sqrt(6.0 / (fan_in + fan_out));
    for (auto& v : w) v = static_cast<float>(rng.uniform(-a, a));
}
}  // namespace

const std::vector<InitInfo>& init_table() {
    static const std::vector<InitInfo> table{
        {"he_normal", "w ~ N(0, 2/fan_in)", "He, Zhang, Ren & Sun 2015, arXiv 1502.01852, eq. 10", he_normal, he_std},
        {"xavier_uniform", "w ~ U[-a, a], a = sqrt(6/(fan_in+fan_out))",
         "Glorot & Bengio 2010 (Understanding the difficulty of training deep feedforward networks), eq. 16",
         xavier_uniform, xavier_std},
    };
    return table;
}

std::string init_names() {
    std::string names;
    for (const auto& i : init_table()) {
        if (!names.empty()) names += ", ";
        names += i.name;
    }
    return names;
}

const InitInfo& find_init(std::string_view name) {
    for (const auto& i : init_table())
        if (i.name == name) return i;
    throw std::invalid_argument("unknown init '" + std::string(name) + "' (valid: " + init_names() + ")");
}

}  // namespace actbench
