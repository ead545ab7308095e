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
        {"sin(3 * x) + cos(x * x) + atan(2 * x)",
         [](double x) { return std::sin(3 * x) + std::cos(x * x) + std::atan(2 * x); }},
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
                                          "erf(", "sin(", "atan(", "abs(", " ",   "@",   "1e", ".",    "pow(", "sqrt(", "softplus(",
                                          ">",    "<=",   "?",   ":",   "where(", "a"};
    Rng rng(2024);
    int parsed = 0;
    for (int trial = 0; trial < 20000; ++trial) {
        std::string s;
        const auto len = rng.below(40);
        for (std::uint64_t i = 0; i < len; ++i) s += tokens[rng.below(tokens.size())];
        if (rng.below(10) == 0) s[rng.below(s.size() + 1) % std::max<std::size_t>(s.size(), 1)] = static_cast<char>(rng.below(256));
        try {
            // With a learned parameter where the text names one (an unused one is refused).
            std::vector<LearnedParam> learned;
            if (s.find('a') != std::string::npos) learned.push_back(LearnedParam{"a", 1.0, true, LearnedParam::Constraint::positive});
            const Formula f = Formula::parse(s, {{"beta", 1.5}}, learned);
            float x[3] = {-1, 0, 1}, y[3], dy[3] = {1, 1, 1}, dx[3], a = 0.5f;
            double grad = 0;
            const ParamField field{1, 3, {&a}};
            f.forward(x, y, 3, field);
            f.backward(x, dy, dx, 3, field, learned.empty() ? std::vector<double*>{} : std::vector<double*>{&grad});
            (void)f.derivative(0.5);
            ++parsed;
        } catch (const FormulaError&) {
        }
    }
    CHECK(parsed > 100);
}

namespace {
using C = LearnedParam::Constraint;
LearnedParam learned(std::string name, double init, C constraint = C::none, bool per_channel = true) {
    LearnedParam p;
    p.name = std::move(name), p.init = init, p.constraint = constraint, p.per_channel = per_channel;
    return p;
}
}  // namespace

TEST_CASE("conditionals: comparisons, '? :' and where() write piecewise functions, with exact derivatives", "[formula]") {
    const Formula elu = Formula::parse("x > 0 ? x : a * (exp(x) - 1)", {{"a", 1.0}});
    const Formula elu_where = Formula::parse("where(x > 0, x, a * (exp(x) - 1))", {{"a", 1.0}});
    for (double x : {-3.0, -0.5, 0.25, 2.0}) {
        const double ref = x > 0 ? x : std::expm1(x), dref = x > 0 ? 1 : std::exp(x);
        CHECK(elu.value(x) == Approx(ref).margin(1e-12));
        CHECK(elu.derivative(x) == Approx(dref).margin(1e-12));
        CHECK(elu_where.value(x) == Approx(ref).margin(1e-12));
        CHECK(elu_where.derivative(x) == Approx(dref).margin(1e-12));
    }
    elu.check();  // the kink at 0 is skipped, the rest agrees with finite differences
    // Comparisons are 1 or 0 and bind looser than arithmetic; '?' looser still, and nests to the right.
    const Formula step = Formula::parse("x + 1 >= 2 * x ? 1 : x < -1 ? -1 : 0");
    CHECK(step.value(0.5) == 1);  // 1.5 ≥ 1
    CHECK(step.value(3) == 0);
    CHECK(step.value(-2) == 1);  // −1 ≥ −4
    CHECK(Formula::parse("(x <= 0) * x").value(-2) == -2);
    CHECK(Formula::parse("(x <= 0) * x").derivative(-2) == 1);
    CHECK(Formula::parse("(x <= 0) * x").value(2) == 0);
    // A constant condition folds to its branch.
    CHECK(Formula::parse("1 > 0 ? x : exp(x)").node_count() == 1);
    // Array evaluation takes the branch per element.
    std::vector<float> x{-2, -0.5f, 0, 0.5f, 2}, y(5), dy(5, 1), dx(5);
    elu.forward(x.data(), y.data(), x.size());
    elu.backward(x.data(), dy.data(), dx.data(), x.size());
    for (std::size_t i = 0; i < x.size(); ++i) {
        CHECK(y[i] == Approx(elu.value(x[i])).epsilon(1e-5));
        CHECK(dx[i] == Approx(elu.derivative(x[i])).epsilon(1e-5));
    }
}

TEST_CASE("conditionals: a branch that is not finite on the checked range is refused, naming it", "[formula][errors]") {
    // log(x) is NaN for x < 0, where the 'then' branch is not taken — but both are computed everywhere.
    CHECK_THAT(error_of("x > 0 ? log(x) : 0"), Catch::Contains("column 7: the conditional's 'then' branch is") &&
                                                   Catch::Contains("both branches are computed everywhere"));
    CHECK_THAT(error_of("where(x >= 0, x, exp(100 * x))"), Catch::Contains("column 1: the conditional's 'else' branch is +Inf"));
    CHECK_THAT(error_of("x > 0 ? x"), Catch::Contains("expected ':' for the 'else' branch of the '?' at column 7"));
    CHECK_THAT(error_of("where(x, 1)"), Catch::Contains("three arguments"));
}

TEST_CASE("learned parameters: exact derivatives in x and in each raw value, against finite differences", "[formula]") {
    struct Case {
        const char* text;
        std::vector<LearnedParam> learned;
    };
    const std::vector<Case> cases{
        {"x * sigmoid(beta * x)", {learned("beta", 1.0)}},  // Swish-β (Ramachandran et al. 2017)
        {"x > 0 ? (a / b) * x : a * (exp(x / b) - 1)", {learned("a", 1.0, C::positive), learned("b", 1.0, C::positive)}},  // PELU
        {"max(0, x) + a * min(0, x)", {learned("a", 0.25)}},  // PReLU
        {"x * tanh(softplus(x)) * s", {learned("s", 0.5, C::range)}},
    };
    for (Case c : cases) {
        INFO(c.text);
        for (auto& p : c.learned)
            if (p.constraint == C::range) p.lo = 0, p.hi = 2;
        const Formula f = Formula::parse(c.text, {}, c.learned);
        f.check();  // the load-time check covers every parameter too
        Rng rng(7);
        for (int trial = 0; trial < 50; ++trial) {
            std::vector<double> raw;
            for (const auto& p : c.learned) raw.push_back(p.raw_of(p.init) + 0.5 * (rng.uniform() - 0.5));
            const double x = 6 * (rng.uniform() - 0.5);
            if (std::abs(x) < 1e-3) continue;  // the kinks
            const double h = 1e-6;
            CHECK(f.derivative(x, raw) == Approx((f.value(x + h, raw) - f.value(x - h, raw)) / (2 * h)).epsilon(1e-5).margin(1e-7));
            for (std::size_t k = 0; k < raw.size(); ++k) {
                std::vector<double> up = raw, down = raw;
                up[k] += h, down[k] -= h;
                CHECK(f.param_derivative(x, k, raw) == Approx((f.value(x, up) - f.value(x, down)) / (2 * h)).epsilon(1e-5).margin(1e-7));
            }
        }
    }
}

TEST_CASE("learned parameters: a constraint holds by reparameterisation, and the initial value is the parameter's", "[formula]") {
    const LearnedParam positive = learned("a", 0.3, C::positive);
    CHECK(positive.value_of(positive.raw_of(0.3)) == Approx(0.3).epsilon(1e-12));
    CHECK(positive.value_of(-50) > 0);  // however far the raw value goes
    LearnedParam range = learned("s", 0.7, C::range);
    range.lo = 0.5, range.hi = 2;
    CHECK(range.value_of(range.raw_of(0.7)) == Approx(0.7).epsilon(1e-12));
    CHECK(range.value_of(100) <= 2);
    CHECK(range.value_of(-100) >= 0.5);
    // PELU at its initial a = b = 1 is ELU.
    const Formula pelu = Formula::parse("x > 0 ? (a / b) * x : a * (exp(x / b) - 1)", {},
                                        {learned("a", 1.0, C::positive), learned("b", 1.0, C::positive)});
    for (double x : {-2.0, -0.3, 0.7}) CHECK(pelu.value(x) == Approx(x > 0 ? x : std::expm1(x)).epsilon(1e-12));
}

TEST_CASE("learned parameters: per-channel values and gradients over arrays equal the scalar reference", "[formula]") {
    // PReLU as a formula, a slope per channel: NCHW with 3 channels of 5×7, two images; and a shared β.
    const Formula prelu = Formula::parse("x > 0 ? x : a * x", {}, {learned("a", 0.25)});
    const Formula swish = Formula::parse("x * sigmoid(beta * x)", {}, {learned("beta", 1.0, C::none, false)});
    const std::size_t channels = 3, spatial = 35, n = 2 * channels * spatial;
    Rng rng(11);
    std::vector<float> x(n), dy(n), y(n), dx(n);
    for (std::size_t i = 0; i < n; ++i) x[i] = static_cast<float>(4 * (rng.uniform() - 0.5)), dy[i] = static_cast<float>(rng.uniform() - 0.5);
    const std::vector<float> slopes{0.1f, 0.25f, -0.3f}, beta{1.5f};
    for (const auto& [f, values] : {std::pair{&prelu, &slopes}, std::pair{&swish, &beta}}) {
        const bool per_channel = f->learned()[0].per_channel;
        const ParamField field{channels, spatial, {values->data()}};
        std::vector<double> grad(values->size(), 0.0);
        f->forward(x.data(), y.data(), n, field);
        f->backward(x.data(), dy.data(), dx.data(), n, field, {grad.data()});
        std::vector<double> ref(values->size(), 0.0);
        for (std::size_t i = 0; i < n; ++i) {
            const std::size_t c = per_channel ? (i / spatial) % channels : 0;
            const std::vector<double> raw{(*values)[c]};
            CHECK(y[i] == Approx(f->value(x[i], raw)).epsilon(1e-5).margin(1e-6));
            CHECK(dx[i] == Approx(f->derivative(x[i], raw) * dy[i]).epsilon(1e-5).margin(1e-6));
            ref[c] += f->param_derivative(x[i], 0, raw) * dy[i];
        }
        for (std::size_t c = 0; c < ref.size(); ++c) CHECK(grad[c] == Approx(ref[c]).epsilon(1e-5).margin(1e-6));
    }
    // PReLU's slope gradient is Σ min(0, x)·dy over the channel (He et al. 2015, eq. 2).
    std::vector<double> grad(channels, 0.0), expected(channels, 0.0);
    prelu.backward(x.data(), dy.data(), dx.data(), n, ParamField{channels, spatial, {slopes.data()}}, {grad.data()});
    for (std::size_t i = 0; i < n; ++i) expected[(i / spatial) % channels] += std::min(0.0f, x[i]) * dy[i];
    for (std::size_t c = 0; c < channels; ++c) CHECK(grad[c] == Approx(expected[c]).epsilon(1e-6));
}

TEST_CASE("learned parameters: bad declarations are refused", "[formula][errors]") {
    auto error = [](const std::string& text, const std::vector<LearnedParam>& l, const std::map<std::string, double>& params = {}) {
        try {
            Formula::parse(text, params, l).check();
        } catch (const FormulaError& e) {
            return std::string(e.what());
        }
        return std::string();
    };
    CHECK_THAT(error("x * sigmoid(x)", {learned("beta", 1.0)}), Catch::Contains("learned parameter 'beta' is not used"));
    CHECK_THAT(error("x * beta", {learned("beta", 1.0)}, {{"beta", 2.0}}), Catch::Contains("both a constant param and a learned one"));
    CHECK_THAT(error("x * a", {learned("a", -1.0, C::positive)}), Catch::Contains("starts at a value its constraint excludes"));
    CHECK_THAT(error("x / a", {learned("a", 0.0)}), Catch::Contains("Inf"));
    std::vector<LearnedParam> seventeen;
    std::string sum = "x";
    for (int i = 0; i < 17; ++i) {
        std::string name(1, 'p');  // appended, not "p" + …: GCC 12's -Wrestrict false positive
        name += std::to_string(i);
        seventeen.push_back(learned(name, 1.0));
        sum += " + " + name;
    }
    CHECK_THAT(error(sum, seventeen), Catch::Contains("at most 16 learned parameters"));
}
