// Activations with learned parameters (formula.hpp's learned parameters, activation_learned.cpp's layer, the config's
// learn: and constrain:): PReLU as a formula against the built-in, gradients on dense outputs, the config and the id.
#include "config_errors.hpp"
#include "activation.hpp"
#include "activation_cases.hpp"
#include "config/config.hpp"
#include "core/error.hpp"
#include "layer_check.hpp"
#include "optimizer.hpp"
#include "rational.hpp"
#include "rng.hpp"
#include "run/plan.hpp"

#include <catch2/catch.hpp>

#include <cmath>

using namespace actbench;
using namespace actbench::test;

namespace {
// A small valid config (test_config.cpp's), whose sweep the tests below give learned activations.
const char* kGood = R"(name: t
dataset: {kind: synthetic_shapes, classes: 3, train_count: 60, test_count: 30, size: 16}
model: {conv1: 4, conv2: 8, dense: 16, kernel: 3, padding: 1}
train:
  epochs: 2
  batch: 8
  lr: 0.05
sweep:
  activation: [relu, tanh]
  init: [he_normal, xavier_uniform]
  bias: [0, 0.1, none]
  seed: [1, 2]
)";

}  // namespace

TEST_CASE("PReLU written as a learned formula gives the built-in prelu's numbers, on conv and dense shapes", "[activation][learned]") {
    // He et al. 2015's PReLU as a config writes it: one slope per channel (per unit after a dense layer), learned.
    const ActivationSpec formula =
        formula_activation("f_prelu", "x > 0 ? x : a * x", {}, {LearnedParam{"a", 0.25, true, LearnedParam::Constraint::none}});
    Context ctx;
    Rng rng(23);
    for (const memory::dims& dims : {memory::dims{3, 8, 5, 5}, memory::dims{16, 24}}) {
        INFO("dims " << dims.size());
        Activation ours("act", formula, 1), theirs("act", builtin_activation("prelu"), 1);
        ours.build(ctx, plain_desc(dims), true);
        theirs.build(ctx, plain_desc(dims), true);
        REQUIRE(ours.params().size() == 1);
        CHECK(logical_count(ours.params()[0]->dims) == logical_count(theirs.params()[0]->dims));  // a slope per channel, both
        const auto slopes = random_vector(static_cast<std::size_t>(dims[1]), rng, 0.3);
        from_plain(ctx, slopes, ours.params()[0]->value);
        from_plain(ctx, slopes, theirs.params()[0]->value);
        const auto x = random_vector(logical_count(dims), rng), dy = random_vector(logical_count(dims), rng);
        std::vector<float> out[2][3];
        for (int which = 0; which < 2; ++which) {
            Activation& a = which == 0 ? ours : theirs;
            out[which][0] = to_plain(ctx, a.forward(ctx, plain_memory(ctx, dims, x)));
            out[which][1] = to_plain(ctx, a.backward(ctx, plain_memory(ctx, dims, dy)));
            out[which][2] = to_plain(ctx, a.params()[0]->grad);
        }
        for (int k = 0; k < 3; ++k)
            for (std::size_t i = 0; i < out[0][k].size(); ++i) REQUIRE(out[0][k][i] == Approx(out[1][k][i]).epsilon(1e-5).margin(1e-6));
    }
}

TEST_CASE("a learned formula's gradients on a dense layer's output, every parameter element alone", "[activation][learned][gradient]") {
    Context ctx;
    Rng rng(29);
    for (const auto& spec : all_elementwise()) {
        if (!spec.formula || spec.formula->learned().empty()) continue;
        INFO("activation " << spec.name);
        const memory::dims dims{3, 4};  // batch 3, 4 units: a value per unit
        Activation act("act", spec, 1);
        act.build(ctx, plain_desc(dims), true);
        params_at_initial(ctx, act);
        auto x = random_vector(logical_count(dims), rng, 2.0);
        for (auto& v : x)
            if (std::abs(v) < 0.05) v = v < 0 ? -0.05f : 0.05f;  // away from the kink at 0
        check_layer_gradients_elementwise(ctx, act, dims, x, 31, 1e-3);
    }
}

TEST_CASE("learned activation parameters: learn and constrain, in the trial id", "[config][activation][learned]") {
    std::string text = kGood;
    text.replace(text.find("sweep:"), 6,
                 "activations:\n"
                 "  swish_beta: {expr: \"x * sigmoid(beta * x)\", params: {beta: 1.0}, learn: {beta: channel}}\n"
                 "  pelu: {expr: \"x > 0 ? (a / b) * x : a * (exp(x / b) - 1)\", params: {a: 1.0, b: 1.0},\n"
                 "         learn: {a: channel, b: layer}, constrain: {a: positive, b: [0.1, 10]}}\n"
                 "sweep:");
    text.replace(text.find("[relu, tanh]"), 12, "[relu, swish_beta, pelu]");
    const Config c = parse_config(text, "cfg.yaml");
    const auto& pelu = *c.activations.at("pelu").formula;
    REQUIRE(pelu.learned().size() == 2);
    CHECK(pelu.learned()[0].constraint == LearnedParam::Constraint::positive);
    CHECK(pelu.learned()[1].per_channel == false);
    CHECK(pelu.learned()[1].lo == 0.1);
    CHECK(c.activations.at("pelu").f(-1.0) == Approx(std::expm1(-1.0)));  // ELU at a = b = 1
    const auto plan = make_plan(c);
    const auto& t = plan[2 * 3 * 2 * 2];  // the first pelu trial
    CHECK(t.settings()["activation_def"] ==
          nlohmann::json::parse(R"j({"expr": "x > 0 ? (a / b) * x : a * (exp(x / b) - 1)", "params": {"a": 1.0, "b": 1.0},
                                   "learn": {"a": "channel", "b": "layer"}, "constrain": {"a": "positive", "b": [0.1, 10.0]}})j"));
    // What is learned, how, from where and within what is in the id: each change moves the learned activation's trials only.
    for (const auto& [from, to] : {std::pair{"learn: {beta: channel}", "learn: {beta: layer}"},
                                   {"params: {beta: 1.0}", "params: {beta: 1.5}"},
                                   {"b: [0.1, 10]", "b: [0.1, 20]"}}) {
        std::string other = text;
        other.replace(other.find(from), std::string(from).size(), to);
        const auto plan2 = make_plan(parse_config(other, "cfg.yaml"));
        const std::string changed = std::string(from).find("beta") != std::string::npos ? "swish_beta" : "pelu";
        for (std::size_t i = 0; i < plan.size(); ++i) CHECK((plan[i].id == plan2[i].id) == (plan[i].activation.name != changed));
    }
}

TEST_CASE("bad learned parameters point at the file, line and column", "[config][activation][learned][errors]") {
    auto with = [](const std::string& defs) { return error_of("name: x\nactivations:\n" + defs + "sweep: {activation: [relu]}\n"); };
    CHECK_THAT(with("  v: {expr: \"x * sigmoid(x)\", params: {beta: 1}, learn: {beta: channel}}\n"),
               Catch::Contains("activations.v.expr: learned parameter 'beta' is not used in the formula"));
    CHECK_THAT(with("  v: {expr: \"x * sigmoid(beta * x)\", params: {beta: 1}, learn: {gamma: channel}}\n"),
               Catch::Contains("cfg.yaml:3:65: activations.v.learn.gamma: not in params (params: beta)"));
    CHECK_THAT(with("  v: {expr: \"x * sigmoid(beta * x)\", params: {beta: 1}, learn: {beta: unit}}\n"),
               Catch::Contains("cfg.yaml:3:71: activations.v.learn.beta: expected channel") && Catch::Contains("not 'unit'"));
    CHECK_THAT(with("  v: {expr: \"x * sigmoid(beta * x)\", params: {beta: 1}, learn: {beta: layer}, constrain: {b: positive}}\n"),
               Catch::Contains("activations.v.constrain.b: not a learned parameter"));
    CHECK_THAT(with("  v: {expr: \"x * sigmoid(beta * x)\", params: {beta: -1}, learn: {beta: layer}, constrain: {beta: positive}}\n"),
               Catch::Contains("activations.v.constrain.beta: its initial value -1 is not positive"));
    CHECK_THAT(with("  v: {expr: \"x * sigmoid(beta * x)\", params: {beta: 1}, learn: {beta: layer}, constrain: {beta: [2, 3]}}\n"),
               Catch::Contains("activations.v.constrain.beta: its initial value 1 is not inside (2, 3)"));
    CHECK_THAT(with("  v: {expr: \"x * sigmoid(beta * x)\", params: {beta: 1}, learn: {beta: layer}, constrain: {beta: bounded}}\n"),
               Catch::Contains("activations.v.constrain.beta: expected positive or [LO, HI]"));
    CHECK_THAT(with("  v: {expr: \"x * sigmoid(beta * x)\", params: {beta: 1}, constrain: {beta: positive}}\n"),
               Catch::Contains("activations.v.constrain: constraints are for learned parameters"));
}

TEST_CASE("rational activations: the safe Padé form, fitted to a built-in by least squares", "[activation][learned][rational]") {
    CHECK(rational_expr(2, 1) == "(a0 + a1 * x + a2 * x^2) / (1 + abs(b1) * abs(x))");
    CHECK_THROWS_WITH(rational_expr(0, 2), Catch::Contains("numerator's degree is 0; expected 1..6"));
    CHECK_THROWS_WITH(rational_expr(3, 7), Catch::Contains("denominator's degree is 7"));
    // Molina et al. 2020 fit PAU(5, 4) to leaky ReLU; tanh needs less. The fit is P/Q's own error on [−3, 3].
    const auto check_fit = [](const char* target, int m, int n, double rms_bound) {
        INFO(target << " " << m << "/" << n);
        const RationalFit fit = fit_rational(builtin_activation(target), m, n);
        CHECK(fit.rms < rms_bound);
        CHECK(fit.coefficients.size() == static_cast<std::size_t>(m + 1 + n));
        for (const auto& [name, value] : fit.coefficients)
            if (name[0] == 'b') CHECK(value >= 1e-3);  // learnable: |b| has no gradient at 0
        // The formula with the fitted constants is the fitted function, and it is the built-in to within the fit.
        const ActivationSpec spec = formula_activation("r", rational_expr(m, n), fit.coefficients);
        const ActivationSpec ref = builtin_activation(target);
        double squares = 0;
        for (int i = 0; i <= 600; ++i) squares += std::pow(spec.f(-3.0 + i / 100.0) - ref.f(-3.0 + i / 100.0), 2);
        CHECK(std::sqrt(squares / 601) == Approx(fit.rms).epsilon(1e-6));
    };
    check_fit("tanh", 3, 2, 0.005);
    check_fit("leaky_relu", 5, 4, 0.02);
    check_fit("swish", 4, 3, 0.02);
    // The safe denominator is at least 1 for any coefficients, so a rational never has a pole: with random ones, the
    // load-time check (finite values and exact derivatives on [−8, 8]) passes.
    Rng rng(3);
    for (int trial = 0; trial < 20; ++trial) {
        std::map<std::string, double> c;
        for (const char* a : {"a0", "a1", "a2", "a3"}) c[a] = rng.normal();
        for (const char* b : {"b1", "b2"}) c[b] = rng.normal() + 0.01;
        CHECK_NOTHROW(formula_activation("r", rational_expr(3, 2), c));
    }
}

TEST_CASE("rational activations in a config: fitted at load time, learned, recorded in the id", "[config][learned][rational]") {
    std::string text = kGood;
    text.replace(text.find("sweep:"), 6,
                 "activations:\n"
                 "  pau: {rational: {numerator: 5, denominator: 4}, init: leaky_relu, learn: layer}\n"
                 "  pau_fixed: {rational: {numerator: 3, denominator: 2}, init: tanh}\n"
                 "sweep:");
    text.replace(text.find("[relu, tanh]"), 12, "[pau, pau_fixed]");
    const Config c = parse_config(text, "cfg.yaml");
    const ActivationSpec& pau = c.activations.at("pau");
    CHECK(pau.formula->learned().size() == 10);
    CHECK_FALSE(pau.formula->learned()[0].per_channel);
    CHECK(c.activations.at("pau_fixed").formula->learned().empty());
    CHECK(pau.f(1.0) == Approx(1.0).margin(0.03));  // leaky ReLU, to within the fit
    const nlohmann::json def = make_plan(c)[0].settings()["activation_def"];
    CHECK(def["fit"]["to"] == "leaky_relu");
    CHECK(def["fit"]["rms"].get<double>() == pau.fit_rms);
    CHECK(def["learn"].size() == 10);
    auto with = [](const std::string& defs) { return error_of("name: x\nactivations:\n" + defs + "sweep: {activation: [relu]}\n"); };
    CHECK_THAT(with("  r: {rational: {numerator: 0, denominator: 2}, init: tanh}\n"),
               Catch::Contains("cfg.yaml:3:29: activations.r.rational.numerator: 0 is out of range; expected 1..6"));
    CHECK_THAT(with("  r: {rational: {numerator: 3, denominator: 9}, init: tanh}\n"),
               Catch::Contains("cfg.yaml:3:45: activations.r.rational.denominator: 9 is out of range"));
    CHECK_THAT(with("  r: {rational: {numerator: 3}, init: tanh}\n"), Catch::Contains("expected numerator and denominator"));
    CHECK_THAT(with("  r: {rational: {numerator: 3, denominator: 2}, init: tanhh}\n"),
               Catch::Contains("cfg.yaml:3:55: activations.r.init: 'tanhh' is not a built-in elementwise activation"));
    CHECK_THAT(with("  r: {rational: {numerator: 3, denominator: 2}}\n"), Catch::Contains("expected init:"));
    CHECK_THAT(with("  r: {rational: {numerator: 3, denominator: 2}, init: tanh, learn: all}\n"),
               Catch::Contains("activations.r.learn: expected channel or layer") && Catch::Contains("not 'all'"));
}

TEST_CASE("Swish with beta learned from 1: one SGD step equals the update computed by hand", "[activation][learned]") {
    // Ramachandran et al. 2017's Swish-β, one β for the layer: dL/dβ = Σ dy · ∂(x σ(βx))/∂β = Σ dy · x² σ(βx)(1 − σ(βx)),
    // and plain SGD moves β by −lr times that. Written out here independently of the formula engine.
    const ActivationSpec spec =
        formula_activation("swish_beta", "x * sigmoid(beta * x)", {}, {LearnedParam{"beta", 1.0, false, LearnedParam::Constraint::none}});
    Context ctx;
    const memory::dims dims{4, 5};
    Activation act("act", spec, 1);
    act.build(ctx, plain_desc(dims), true);
    params_at_initial(ctx, act);
    Rng rng(37);
    const auto x = random_vector(20, rng, 2.0), dy = random_vector(20, rng);
    act.forward(ctx, plain_memory(ctx, dims, x));
    act.backward(ctx, plain_memory(ctx, dims, dy));
    double grad = 0;
    for (std::size_t i = 0; i < x.size(); ++i) {
        const double s = 1 / (1 + std::exp(-static_cast<double>(x[i])));
        grad += dy[i] * x[i] * x[i] * s * (1 - s);
    }
    OptimizerSpec sgd;
    sgd.kind = "sgd";
    Optimizer opt(act.params(), sgd);
    opt.step(0.1);
    CHECK(to_plain(ctx, act.params()[0]->value)[0] == Approx(1.0 - 0.1 * grad).epsilon(1e-6));
}
