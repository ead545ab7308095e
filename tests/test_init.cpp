#include "init.hpp"

#include <catch2/catch.hpp>

#include <cmath>

using namespace actbench;

namespace {
std::vector<InitSpec> all_inits() {
    std::vector<InitSpec> specs;
    for (const auto& info : init_table()) specs.push_back(builtin_init(info.name));
    specs.push_back(init_variant("he_out", "he_normal", {{"mode", 1}}));
    specs.push_back(init_variant("he_leaky", "he_uniform", {{"a", 0.25}, {"gain", 1.5}}));
    specs.push_back(init_variant("wide", "uniform", {{"a", 0.3}}));
    specs.push_back(init_variant("narrow", "normal", {{"std", 0.02}, {"gain", 2}}));
    specs.push_back(init_variant("xavier2", "xavier_uniform", {{"gain", 2}}));
    specs.push_back(init_variant("ortho2", "orthogonal", {{"gain", 2}}));
    return specs;
}
}  // namespace

TEST_CASE("each initialiser has the mean and variance of its formula, and repeats for a seed", "[init]") {
    // A conv weight [200, 16, 5, 5]: fan_in = 400, fan_out = 5000.
    const std::size_t rows = 200, cols = 400;
    const double fan_in = 400, fan_out = 5000;
    for (const auto& spec : all_inits()) {
        INFO("init " << spec.name);
        std::vector<float> w(rows * cols);
        Rng rng(17);
        spec.fill(w, rows, fan_in, fan_out, rng);
        double s = 0, s2 = 0;
        for (float v : w) s += v, s2 += static_cast<double>(v) * v;
        const double mean = s / w.size(), var = s2 / w.size() - mean * mean;
        const double want_std = spec.std_of(fan_in, fan_out);
        if (spec.info->name == std::string_view("constant")) {
            CHECK(mean == Approx(spec.param("gain") * spec.param("value")));
            CHECK(var == Approx(0).margin(1e-12));
            continue;
        }
        CHECK(std::abs(mean) < 5 * std::max(want_std, 1e-12) / std::sqrt(static_cast<double>(w.size())) + 1e-12);
        CHECK(std::sqrt(var) == Approx(want_std).epsilon(0.01).margin(1e-12));
        std::vector<float> again(w.size());
        Rng rng2(17);
        spec.fill(again, rows, fan_in, fan_out, rng2);
        CHECK(again == w);
    }
    CHECK(builtin_init("he_normal").std_of(50, 0) == Approx(0.2));
    CHECK(init_variant("h", "he_normal", {{"mode", 1}}).std_of(50, 200) == Approx(0.1));
    CHECK(init_variant("h", "he_normal", {{"a", 1}}).std_of(50, 0) == Approx(std::sqrt(1.0 / 50)));
    CHECK(builtin_init("xavier_uniform").std_of(30, 70) == Approx(std::sqrt(2.0 / 100)));
    CHECK(builtin_init("standard").std_of(300, 0) == Approx(1 / std::sqrt(900.0)));
}

TEST_CASE("uniform initialisers stay inside their bounds", "[init]") {
    std::vector<float> w(10000);
    Rng rng(1);
    builtin_init("xavier_uniform").fill(w, 100, 10, 14, rng);
    for (float v : w) REQUIRE(std::abs(v) <= std::sqrt(6.0 / 24));
    builtin_init("standard").fill(w, 100, 25, 0, rng);
    for (float v : w) REQUIRE(std::abs(v) <= 0.2 + 1e-7);
}

TEST_CASE("orthogonal weights have orthonormal rows (or columns), times the gain", "[init]") {
    for (auto [rows, cols] : {std::pair<std::size_t, std::size_t>{16, 64}, {64, 16}}) {
        std::vector<float> w(rows * cols);
        Rng rng(3);
        init_variant("o", "orthogonal", {{"gain", 2}}).fill(w, rows, static_cast<double>(cols), 0, rng);
        const bool by_rows = rows <= cols;
        const std::size_t count = by_rows ? rows : cols, length = by_rows ? cols : rows;
        auto at = [&](std::size_t i, std::size_t k) { return by_rows ? w[i * cols + k] : w[k * cols + i]; };
        for (std::size_t i = 0; i < count; ++i)
            for (std::size_t j = 0; j <= i; ++j) {
                double dot = 0;
                for (std::size_t k = 0; k < length; ++k) dot += static_cast<double>(at(i, k)) * at(j, k);
                REQUIRE(dot == Approx(i == j ? 4.0 : 0.0).margin(1e-5));
            }
    }
}

TEST_CASE("variance through 20 ReLU layers: He keeps it, std sqrt(1/fan_in) halves it per layer", "[init]") {
    // He et al. 2015, §2.2: with Var[w] = 2/n the second moment of the activations is preserved through
    // ReLU layers; with 1/n it shrinks by 2 per layer (2^-20 ≈ 1e-6 after 20).
    const std::size_t width = 256, batch = 256, depth = 20;
    auto second_moment_after = [&](const InitSpec& init) {
        Rng rng(5);
        std::vector<double> x(batch * width);
        for (auto& v : x) v = rng.normal();
        std::vector<float> w(width * width);
        std::vector<double> y(batch * width);
        double moment = 0;
        for (std::size_t layer = 0; layer < depth; ++layer) {
            init.fill(w, width, width, width, rng);
            for (std::size_t b = 0; b < batch; ++b)
                for (std::size_t o = 0; o < width; ++o) {
                    double s = 0;
                    for (std::size_t i = 0; i < width; ++i) s += w[o * width + i] * x[b * width + i];
                    y[b * width + o] = s > 0 ? s : 0;  // ReLU
                }
            std::swap(x, y);
            moment = 0;
            for (double v : x) moment += v * v;
            moment /= static_cast<double>(x.size());
        }
        return moment;
    };
    // Input second moment 1; after a ReLU layer with He init, E[y²] = Var[pre]/2 = 1 (first layer of unit input).
    const double he = second_moment_after(builtin_init("he_normal"));
    const double lecun = second_moment_after(builtin_init("lecun_normal"));
    CHECK(he > 0.25);
    CHECK(he < 4.0);
    CHECK(lecun < 4 * std::pow(0.5, depth));
    CHECK(lecun > 0.25 * std::pow(0.5, depth));
}

TEST_CASE("unknown inits, parameters and choices list the valid ones", "[init][errors]") {
    CHECK_THROWS_WITH(find_init("kaiming"), Catch::Contains("he_normal") && Catch::Contains("orthogonal"));
    CHECK_THROWS_WITH(init_variant("v", "he_normal", {{"gian", 2}}),
                      Catch::Contains("no parameter 'gian'") && Catch::Contains("gain, mode, a"));
    CHECK_THROWS_WITH(init_variant("v", "he_normal", {{"gain", -1}}), Catch::Contains("out of range"));
    CHECK_THROWS_WITH(init_choice("he_normal", "mode", "fanin"), Catch::Contains("fan_in, fan_out"));
    CHECK(init_choice("he_uniform", "mode", "fan_out") == 1);
}
