#include "formula.hpp"
#include "rng.hpp"

#include <catch2/catch.hpp>

#include <cmath>

using namespace actbench;

namespace {
std::string error_of(const std::string& text, const std::map<std::string, double>& params = {}) {
    try {
        Formula::parse(text, params).check();
    } catch (const FormulaError& e) {
        return e.what();
    }
    return "";
}
}  // namespace

TEST_CASE("formulas evaluate with the usual precedence and functions", "[formula]") {
    const std::map<std::string, double> p{{"beta", 2.0}};
    struct Case {
        const char* text;
        double (*f)(double);
    };
    const Case cases[] = {
        {"1 + 2 * x - x / 4", [](double x) { return 1 + 2 * x - x / 4; }},
        {"-x^2", [](double x) { return -(x * x); }},
        {"2^3^x", [](double x) { return std::pow(2, std::pow(3, x)); }},
        {"x * sigmoid(beta * x)", [](double x) { return x / (1 + std::exp(-2 * x)); }},
        {"exp(-x) + log(1 + x*x) + log1p(x*x) + sqrt(1 + x*x)",
         [](double x) { return std::exp(-x) + 2 * std::log1p(x * x) + std::sqrt(1 + x * x); }},
        {"abs(x) + tanh(x) + erf(x) + softplus(x)",
         [](double x) { return std::abs(x) + std::tanh(x) + std::erf(x) + std::log1p(std::exp(x)); }},
        {"min(x, 0.5) + max(x, -0.5) + pow(x*x + 1, 1.5)",
         [](double x) { return std::min(x, 0.5) + std::max(x, -0.5) + std::pow(x * x + 1, 1.5); }},
        {"pi * e * x + 1e-3 + .5", [](double x) { return M_PI * M_E * x + 1e-3 + 0.5; }},
    };
    for (const auto& c : cases) {
        INFO(c.text);
        const Formula f = Formula::parse(c.text, p);
        for (double x = -2.05; x < 2; x += 0.1) {
            CHECK(f.value(x) == Approx(c.f(x)).epsilon(1e-12));
            // The exact derivative against a central difference in double precision.
            const double h = 1e-6;
            CHECK(f.derivative(x) == Approx((c.f(x + h) - c.f(x - h)) / (2 * h)).epsilon(1e-5).margin(1e-6));
        }
    }
}

TEST_CASE("array evaluation equals scalar evaluation, in blocks of any length", "[formula]") {
    const Formula f = Formula::parse("x * sigmoid(1.702 * x) + tanh(x) * x^2 / (1 + abs(x))");
    for (std::size_t n : {1, 255, 256, 257, 5000}) {
        std::vector<float> x(n), y(n), dy(n, 2.f), dx(n);
        for (std::size_t i = 0; i < n; ++i) x[i] = -6.f + 12.f * static_cast<float>(i) / static_cast<float>(n);
        f.forward(x.data(), y.data(), n);
        f.backward(x.data(), dy.data(), dx.data(), n);
        for (std::size_t i = 0; i < n; ++i) {
            REQUIRE(y[i] == Approx(f.value(x[i])).epsilon(1e-5).margin(1e-6));
            REQUIRE(dx[i] == Approx(2 * f.derivative(x[i])).epsilon(1e-4).margin(1e-6));
        }
    }
}

TEST_CASE("constants are folded and unused nodes dropped", "[formula]") {
    CHECK(Formula::parse("x * (2 * 3 + exp(0))").node_count() == 3);  // x, 7, mul
    CHECK(Formula::parse("3 * 4").node_count() == 1);
}

TEST_CASE("bad formulas name the column and what was expected", "[formula][errors]") {
    CHECK_THAT(error_of("x * sigmod(x)"), Catch::Contains("column 5: unknown function 'sigmod'") && Catch::Contains("sigmoid"));
    CHECK_THAT(error_of("x * beta"), Catch::Contains("column 5: unknown name 'beta'"));
    CHECK_THAT(error_of("x +"), Catch::Contains("column 4: the formula ends here"));
    CHECK_THAT(error_of("(x + 1"), Catch::Contains("column 7: expected ')'"));
    CHECK_THAT(error_of("x $ 2"), Catch::Contains("column 3: unexpected '$'"));
    CHECK_THAT(error_of("max(x)"), Catch::Contains("two arguments"));
    CHECK_THAT(error_of("x 2"), Catch::Contains("column 3: unexpected '2'"));
    CHECK_THAT(error_of("1..2 * x"), Catch::Contains("column 1: '1..2' is not a number"));
    CHECK_THAT(error_of(""), Catch::Contains("column 1"));
    CHECK_THAT(error_of(std::string(100, '(') + "x" + std::string(100, ')')), Catch::Contains("nested too deeply"));
    CHECK_THAT(error_of(std::string(3000, 'x')), Catch::Contains("longer than 2000"));
    std::string long_sum = "x";
    for (int i = 0; i < 300; ++i) long_sum += " + x";
    CHECK_THAT(error_of(long_sum), Catch::Contains("too large"));
}

TEST_CASE("formulas that are not finite on the probe range are refused with the offending x", "[formula][errors]") {
    CHECK_THAT(error_of("log(x)"), Catch::Contains("the formula is NaN at x = -8"));
    CHECK_THAT(error_of("1 / x"), Catch::Contains("Inf at x = 0"));
    CHECK_THAT(error_of("exp(exp(x))"), Catch::Contains("+Inf at x ="));
    CHECK_THAT(error_of("sqrt(x)"), Catch::Contains("NaN at x = -8"));
    CHECK_THAT(error_of("sqrt(x*x)"), Catch::Contains("derivative is NaN at x = 0"));
    // Kinks are fine: max(0, x) has no derivative at 0 only.
    CHECK(error_of("max(0, x) + abs(x - 1)").empty());
}

TEST_CASE("the formula parser survives random input: it parses or throws, never crashes or hangs", "[formula][fuzz]") {
    const std::vector<std::string> tokens{"x",    "1",    "2.5", "1e3", "e",  "pi",   "beta", "+",     "-",        "*",
                                          "/",    "^",    "(",   ")",   ",",  "exp(", "log(", "min(",  "max(",     "sigmoid(",
                                          "erf(", "abs(", " ",   "@",   "1e", ".",    "pow(", "sqrt(", "softplus("};
    Rng rng(2024);
    int parsed = 0;
    for (int trial = 0; trial < 20000; ++trial) {
        std::string s;
        const auto len = rng.below(40);
        for (std::uint64_t i = 0; i < len; ++i) s += tokens[rng.below(tokens.size())];
        if (rng.below(10) == 0) s[rng.below(s.size() + 1) % std::max<std::size_t>(s.size(), 1)] = static_cast<char>(rng.below(256));
        try {
            const Formula f = Formula::parse(s, {{"beta", 1.5}});
            float x[3] = {-1, 0, 1}, y[3];
            f.forward(x, y, 3);
            (void)f.derivative(0.5);
            ++parsed;
        } catch (const FormulaError&) {
        }
    }
    CHECK(parsed > 100);
}
