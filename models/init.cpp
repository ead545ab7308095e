#include "init.hpp"

#include "params.hpp"

#include <cmath>
#include <sstream>
#include <stdexcept>

namespace actbench {

namespace {

// Parameter indices, by family (see the table).
// gain is p[0] everywhere.

void fill_uniform(std::vector<float>& w, double bound, Rng& rng) {
    for (auto& v : w) v = static_cast<float>(rng.uniform(-bound, bound));
}
void fill_normal(std::vector<float>& w, double std, Rng& rng) {
    for (auto& v : w) v = static_cast<float>(std * rng.normal());
}

// He et al. 2015: std = gain·√(2 / ((1 + a²)·fan)), fan = fan_in (mode 0) or fan_out (mode 1; the mode is a
// choice index, a whole number).
double he_std(double fan_in, double fan_out, const double* p) {
    const double fan = p[1] == 1 ? fan_out : fan_in;
    return p[0] * std::sqrt(2.0 / ((1 + p[2] * p[2]) * fan));
}

// Orthogonal (Saxe, McClelland & Ganguli 2013): a Gaussian matrix [rows × cols] orthonormalised by modified
// Gram–Schmidt along its shorter side, times the gain. Rows (cols) are orthonormal when rows ≤ cols (≥).
void fill_orthogonal(std::vector<float>& w, std::size_t rows, double, double, const double* p, Rng& rng) {
    const std::size_t cols = w.size() / rows;
    const bool by_rows = rows <= cols;
    const std::size_t count = by_rows ? rows : cols, length = by_rows ? cols : rows;
    std::vector<double> v(count * length);
    for (auto& x : v) x = rng.normal();
    for (std::size_t i = 0; i < count; ++i) {
        double* vi = v.data() + i * length;
        for (std::size_t j = 0; j < i; ++j) {
            const double* vj = v.data() + j * length;
            double dot = 0;
            for (std::size_t k = 0; k < length; ++k) dot += vi[k] * vj[k];
            for (std::size_t k = 0; k < length; ++k) vi[k] -= dot * vj[k];
        }
        double norm = 0;
        for (std::size_t k = 0; k < length; ++k) norm += vi[k] * vi[k];
        norm = std::sqrt(norm);
        for (std::size_t k = 0; k < length; ++k) vi[k] /= norm;
    }
    for (std::size_t r = 0; r < rows; ++r)
        for (std::size_t c = 0; c < cols; ++c)
            w[r * cols + c] = static_cast<float>(p[0] * (by_rows ? v[r * length + c] : v[c * length + r]));
}

const InitParam kGain{"gain", 1, 0, 100, "multiplies the weights", {}};

}  // namespace

const std::vector<InitInfo>& init_table() {
    static const std::vector<InitInfo> table{
        {"zeros",
         "w = 0 (every unit computes the same function: the symmetry-breaking control)",
         "—",
         {kGain},
         [](std::vector<float>& w, std::size_t, double, double, const double*, Rng&) { std::fill(w.begin(), w.end(), 0.f); },
         [](double, double, const double*) { return 0.0; }},
        {"constant",
         "w = gain·value",
         "—",
         {kGain, {"value", 0.01, -1e3, 1e3, "the value", {}}},
         [](std::vector<float>& w, std::size_t, double, double, const double* p, Rng&) {
             std::fill(w.begin(), w.end(), static_cast<float>(p[0] * p[1]));
         },
         [](double, double, const double*) { return 0.0; }},
        {"uniform",
         "w ~ gain·U[-a, a]",
         "—",
         {kGain, {"a", 0.05, 0, 1e3, "the bound", {}}},
         [](std::vector<float>& w, std::size_t, double, double, const double* p, Rng& rng) { fill_uniform(w, p[0] * p[1], rng); },
         [](double, double, const double* p) { return p[0] * p[1] / std::sqrt(3.0); }},
        {"normal",
         "w ~ gain·N(0, std²)",
         "—",
         {kGain, {"std", 0.01, 0, 1e3, "the standard deviation", {}}},
         [](std::vector<float>& w, std::size_t, double, double, const double* p, Rng& rng) { fill_normal(w, p[0] * p[1], rng); },
         [](double, double, const double* p) { return p[0] * p[1]; }},
        {"standard",
         "w ~ gain·U[-1/√fan_in, 1/√fan_in]",
         "the common heuristic Glorot & Bengio 2010 analyse (their eq. 1)",
         {kGain},
         [](std::vector<float>& w, std::size_t, double fi, double, const double* p, Rng& rng) {
             fill_uniform(w, p[0] / std::sqrt(fi), rng);
         },
         [](double fi, double, const double* p) { return p[0] / std::sqrt(3 * fi); }},
        {"xavier_uniform",
         "w ~ gain·U[-a, a], a = √(6/(fan_in+fan_out))",
         "Glorot & Bengio 2010 (Understanding the difficulty of training deep feedforward networks), eq. 16",
         {kGain},
         [](std::vector<float>& w, std::size_t, double fi, double fo, const double* p, Rng& rng) {
             fill_uniform(w, p[0] * std::sqrt(6.0 / (fi + fo)), rng);
         },
         [](double fi, double fo, const double* p) { return p[0] * std::sqrt(2.0 / (fi + fo)); }},
        {"xavier_normal",
         "w ~ gain·N(0, 2/(fan_in+fan_out))",
         "Glorot & Bengio 2010",
         {kGain},
         [](std::vector<float>& w, std::size_t, double fi, double fo, const double* p, Rng& rng) {
             fill_normal(w, p[0] * std::sqrt(2.0 / (fi + fo)), rng);
         },
         [](double fi, double fo, const double* p) { return p[0] * std::sqrt(2.0 / (fi + fo)); }},
        {"he_normal",
         "w ~ N(0, std²), std = gain·√(2/((1+a²)·fan)), fan = fan_in or fan_out",
         "He, Zhang, Ren & Sun 2015, arXiv 1502.01852, eq. 10 (a: the leaky/PReLU slope the gain accounts for)",
         {kGain, {"mode", 0, 0, 1, "which fan", {"fan_in", "fan_out"}}, {"a", 0, 0, 1, "negative slope of the rectifier", {}}},
         [](std::vector<float>& w, std::size_t, double fi, double fo, const double* p, Rng& rng) {
             fill_normal(w, he_std(fi, fo, p), rng);
         },
         he_std},
        {"he_uniform",
         "w ~ U[-b, b], b = gain·√(6/((1+a²)·fan))",
         "He, Zhang, Ren & Sun 2015, arXiv 1502.01852",
         {kGain, {"mode", 0, 0, 1, "which fan", {"fan_in", "fan_out"}}, {"a", 0, 0, 1, "negative slope of the rectifier", {}}},
         [](std::vector<float>& w, std::size_t, double fi, double fo, const double* p, Rng& rng) {
             fill_uniform(w, std::sqrt(3.0) * he_std(fi, fo, p), rng);
         },
         he_std},
        {"lecun_normal",
         "w ~ N(0, gain²/fan_in)",
         "LeCun, Bottou, Orr & Müller 1998 (Efficient BackProp)",
         {kGain},
         [](std::vector<float>& w, std::size_t, double fi, double, const double* p, Rng& rng) {
             fill_normal(w, p[0] / std::sqrt(fi), rng);
         },
         [](double fi, double, const double* p) { return p[0] / std::sqrt(fi); }},
        {"lecun_uniform",
         "w ~ gain·U[-√(3/fan_in), √(3/fan_in)]",
         "LeCun, Bottou, Orr & Müller 1998",
         {kGain},
         [](std::vector<float>& w, std::size_t, double fi, double, const double* p, Rng& rng) {
             fill_uniform(w, p[0] * std::sqrt(3.0 / fi), rng);
         },
         [](double fi, double, const double* p) { return p[0] / std::sqrt(fi); }},
        {"orthogonal",
         "w = gain·Q, Q with orthonormal rows (or columns) from a Gaussian matrix",
         "Saxe, McClelland & Ganguli 2013, arXiv 1312.6120",
         {kGain},
         fill_orthogonal,
         // Orthonormal rows of length fan_in give each weight variance 1/fan_in (when out ≤ fan_in, the usual case).
         [](double fi, double, const double* p) { return p[0] / std::sqrt(fi); }},
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

const InitInfo* lookup_init(std::string_view name) {
    for (const auto& i : init_table())
        if (i.name == name) return &i;
    return nullptr;
}

const InitInfo& find_init(std::string_view name) {
    if (const InitInfo* i = lookup_init(name)) return *i;
    throw std::invalid_argument("unknown init '" + std::string(name) + "' (valid: " + init_names() + ")");
}

double InitSpec::param(std::string_view n) const {
    for (std::size_t i = 0; i < info->params.size(); ++i)
        if (info->params[i].name == n) return params[i];
    throw std::invalid_argument("init " + name + " has no parameter '" + std::string(n) + "'");
}

InitSpec builtin_init(std::string_view name) { return init_variant(std::string(name), name, {}); }

InitSpec init_variant(std::string name, std::string_view base, const std::map<std::string, double>& params) {
    const InitInfo& info = find_init(base);
    InitSpec spec{std::move(name), &info, {}};
    spec.params = resolve_params(info.params, params, "init", base);
    return spec;
}

double init_choice(std::string_view base, std::string_view param, std::string_view choice) {
    const InitInfo& info = find_init(base);
    for (const auto& p : info.params) {
        if (p.name != param) continue;
        if (const int k = choice_index(p.choices, choice); k >= 0) return k;
        throw std::invalid_argument(std::string(base) + "." + std::string(param) + ": '" + std::string(choice) + "' is not one of " +
                                    (p.choices.empty() ? "(a number is expected)" : choice_list(p.choices)));
    }
    throw std::invalid_argument("init " + std::string(base) + " has no parameter '" + std::string(param) + "'");
}

}  // namespace actbench
