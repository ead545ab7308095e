#include "config.hpp"
#include "error.hpp"
#include "plan.hpp"

#include <catch2/catch.hpp>

#include <map>
#include <set>

using namespace actbench;

namespace {
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

std::string error_of(const std::string& text) {
    try {
        parse_config(text, "cfg.yaml");
    } catch (const InputError& e) {
        return e.what();
    }
    return "";
}
}  // namespace

TEST_CASE("a valid config parses into typed settings and a plan", "[config]") {
    const Config c = parse_config(kGood, "cfg.yaml");
    CHECK(c.name == "t");
    CHECK(c.out == "runs/t");
    CHECK(c.dataset.kind == "synthetic_shapes");
    CHECK(c.model.conv2 == 8);
    CHECK(c.train.sgd.lr == 0.05);
    CHECK(c.train.sgd.momentum == 0.9);
    REQUIRE(c.sweep.bias.size() == 3);
    CHECK_FALSE(c.sweep.bias[2].has_value());
    const auto plan = make_plan(c);
    CHECK(plan.size() == 2 * 2 * 3 * 2);
    std::set<std::string> ids;
    for (const auto& t : plan) ids.insert(t.id);
    CHECK(ids.size() == plan.size());
}

TEST_CASE("trial ids depend on the settings, not on the grid", "[config][plan]") {
    const Config a = parse_config(kGood, "a.yaml");
    std::string more = kGood;
    more.replace(more.find("[relu, tanh]"), 12, "[sigmoid, tanh, relu]");
    const Config b = parse_config(more, "b.yaml");
    std::map<std::string, std::string> ids_b;
    for (const auto& t : make_plan(b)) ids_b[t.label()] = t.id;
    for (const auto& t : make_plan(a)) CHECK(ids_b.at(t.label()) == t.id);
    // A changed shared setting changes every id.
    std::string other_lr = kGood;
    other_lr.replace(other_lr.find("lr: 0.05"), 8, "lr: 0.02");
    CHECK(make_plan(parse_config(other_lr, "c.yaml"))[0].id != make_plan(a)[0].id);
}

TEST_CASE("config errors name the file, line and column and what was expected", "[config][errors]") {
    std::string typo = kGood;
    typo.replace(typo.find("  lr: 0.05"), 10, "  lrr: 0.05");
    CHECK_THAT(error_of(typo), Catch::Contains("cfg.yaml:7:3: unknown key 'lrr' in train (did you mean 'lr'?)"));

    std::string wrong_type = kGood;
    wrong_type.replace(wrong_type.find("epochs: 2"), 9, "epochs: two");
    CHECK_THAT(error_of(wrong_type), Catch::Contains("cfg.yaml:5:11: train.epochs: expected an integer, got 'two'"));

    std::string unknown_act = kGood;
    unknown_act.replace(unknown_act.find("[relu, tanh]"), 12, "[relu, tanhh]");
    CHECK_THAT(error_of(unknown_act), Catch::Contains("cfg.yaml:9:22: sweep.activation: unknown activation 'tanhh'") &&
                                          Catch::Contains("valid: relu, leaky_relu, prelu"));

    CHECK_THAT(error_of("name: x\ntrain: {lr: -1}\n"), Catch::Contains("cfg.yaml:2:13: train.lr: -1 is out of range"));
    CHECK_THAT(error_of("name: x\nsweep: {seed: [1, 1]}\n"), Catch::Contains("value 1 appears twice"));
    CHECK_THAT(error_of("name: x\nsweep: {bias: [0, nothing]}\n"), Catch::Contains("expected a number, got 'nothing'"));
    CHECK_THAT(error_of("name: [x\n"), Catch::Contains("cfg.yaml:") && Catch::Contains("YAML syntax error"));
    CHECK_THAT(error_of(""), Catch::Contains("cfg.yaml: the file is empty"));
    CHECK_THAT(error_of("- 1\n- 2\n"), Catch::Contains("must be a mapping"));
    CHECK_THAT(error_of("dataset: {kind: cifar}\n"), Catch::Contains("unknown dataset kind 'cifar'"));
    CHECK_THAT(error_of("model: {name: resnet}\n"), Catch::Contains("unknown model 'resnet'; valid: lenet"));
}

TEST_CASE("a missing config file is a clear error", "[config][errors]") {
    CHECK_THROWS_WITH(load_config("/nonexistent/x.yaml"), Catch::Contains("/nonexistent/x.yaml: cannot open"));
}
