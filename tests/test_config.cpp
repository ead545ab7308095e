#include "config_errors.hpp"
#include "cli/describe.hpp"
#include "config/config.hpp"
#include "config/settings.hpp"
#include "core/error.hpp"
#include "run/plan.hpp"
#include "temp_dir.hpp"

#include <catch2/catch.hpp>

#include <sys/stat.h>

#include <cmath>
#include <filesystem>
#include <fstream>

#include <map>
#include <set>

using namespace actbench;
using namespace actbench::test;

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

}  // namespace

TEST_CASE("a valid config parses into typed settings and a plan", "[config]") {
    const Config c = parse_config(kGood, "cfg.yaml");
    CHECK(c.name == "t");
    CHECK(c.out == "runs/t");
    CHECK(c.dataset.kind == "synthetic_shapes");
    CHECK(c.model.param("conv2") == 8);
    CHECK(c.train.lr == 0.05);
    CHECK(c.train.optimizer.kind == "momentum");
    CHECK(c.train.optimizer.momentum == 0.9);
    REQUIRE(c.sweep.bias.size() == 3);
    CHECK_FALSE(c.sweep.bias[2].value.has_value());
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
    CHECK_THAT(error_of(unknown_act),
               Catch::Contains("cfg.yaml:9:22: sweep.activation: unknown activation 'tanhh'") &&
                   Catch::Contains("valid: relu, leaky_relu, prelu"));

    CHECK_THAT(error_of("name: x\ntrain: {lr: -1}\n"), Catch::Contains("cfg.yaml:2:13: train.lr: -1 is out of range"));
    CHECK_THAT(error_of("name: x\nsweep: {seed: [1, 1]}\n"), Catch::Contains("value 1 appears twice"));
    CHECK_THAT(error_of("name: x\nsweep: {bias: [0, nothing]}\n"), Catch::Contains("expected a number, got 'nothing'"));
    CHECK_THAT(error_of("name: [x\n"), Catch::Contains("cfg.yaml:") && Catch::Contains("YAML syntax error"));
    CHECK_THAT(error_of(""), Catch::Contains("cfg.yaml: the file is empty"));
    CHECK_THAT(error_of("- 1\n- 2\n"), Catch::Contains("must be a mapping"));
    CHECK_THAT(error_of("dataset: {kind: cifar10}\n"), Catch::Contains("unknown dataset kind 'cifar10'"));
    CHECK_THAT(
        error_of("model: {name: densenet}\n"),
        Catch::Contains(
            "cfg.yaml:1:15: model.name: unknown model 'densenet' (valid: lenet, mlp, plain_deep, vgg_small, resnet, or a spec file"));
    CHECK_THAT(error_of("model: {name: mlp, conv1: 3}\n"), Catch::Contains("cfg.yaml:1:20: unknown key 'conv1' in model (mlp)"));
    CHECK_THAT(error_of("model: {name: plain_deep, depth: 31}\n"), Catch::Contains("model.depth: 31 is out of range; expected 1..30"));
    CHECK_THAT(error_of("model: {batchnorm: middle}\n"), Catch::Contains("unknown placement 'middle'"));
    // resnet: its block is a choice by name; its depth must fit the stages; batch norm is the block's.
    CHECK_THAT(error_of("model: {name: resnet, block: middle}\n"),
               Catch::Contains("cfg.yaml:1:30: model.block: unknown block 'middle' (valid: post_activation, pre_activation, plain)"));
    CHECK_THAT(error_of("model: {name: resnet, block: 1}\n"), Catch::Contains("unknown block '1'"));
    CHECK_THAT(error_of("model: {name: resnet, depth: 21}\n"), Catch::Contains("cfg.yaml:1:8: resnet: depth 21 is not 2 + 2·stages·n"));
    CHECK_THAT(error_of("model: {name: resnet, batchnorm: after}\n"), Catch::Contains("resnet places batch norm by its block parameter"));
}

TEST_CASE("a missing config file is a clear error", "[config][errors]") {
    CHECK_THROWS_WITH(load_config("/nonexistent/x.yaml"), Catch::Contains("/nonexistent/x.yaml: cannot open"));
}

TEST_CASE("activations defined in the config are used like built-ins", "[config][activation]") {
    std::string text = kGood;
    text.replace(text.find("sweep:"), 6,
                 "activations:\n"
                 "  very_leaky: {base: leaky_relu, slope: 0.18}\n"
                 "  swish_1702: {expr: \"x * sigmoid(beta * x)\", params: {beta: 1.702}}\n"
                 "sweep:");
    text.replace(text.find("[relu, tanh]"), 12, "[relu, very_leaky, swish_1702]");
    const Config c = parse_config(text, "cfg.yaml");
    REQUIRE(c.activations.size() == 2);
    CHECK(c.activations.at("very_leaky").param("slope") == 0.18);
    CHECK(c.activations.at("swish_1702").f(1.0) == Approx(1 / (1 + std::exp(-1.702))));
    const auto plan = make_plan(c);
    CHECK(plan.size() == 3 * 2 * 3 * 2);
    const auto& t = plan[2 * 3 * 2];  // the first very_leaky trial
    CHECK(t.activation.name == "very_leaky");
    CHECK(t.settings()["activation_def"] == nlohmann::json{{"base", "leaky_relu"}, {"slope", 0.18}});
    // Changing a variant's parameter changes its trials' ids, and only theirs.
    std::string other = text;
    other.replace(other.find("slope: 0.18"), 11, "slope: 0.2");
    const auto plan2 = make_plan(parse_config(other, "cfg.yaml"));
    for (std::size_t i = 0; i < plan.size(); ++i) CHECK((plan[i].id == plan2[i].id) == (plan[i].activation.name != "very_leaky"));
}

TEST_CASE("bad activation definitions point at the file, line and column", "[config][activation][errors]") {
    auto with = [](const std::string& defs) { return error_of("name: x\nactivations:\n" + defs + "sweep: {activation: [relu]}\n"); };
    CHECK_THAT(with("  v: {base: leaky, slope: 0.1}\n"), Catch::Contains("cfg.yaml:3:13: activations.v.base: unknown activation 'leaky'"));
    CHECK_THAT(with("  v: {base: leaky_relu, slop: 0.1}\n"),
               Catch::Contains("cfg.yaml:3:6: activations.v: activation leaky_relu has no parameter 'slop' (valid: slope)"));
    CHECK_THAT(with("  v: {base: leaky_relu, slope: 3}\n"), Catch::Contains("out of range"));
    CHECK_THAT(with("  v: {expr: \"x * sigmod(x)\"}\n"), Catch::Contains("cfg.yaml:3:18: activations.v.expr: unknown function 'sigmod'"));
    CHECK_THAT(with("  v: {expr: x * beta}\n"), Catch::Contains("cfg.yaml:3:17: activations.v.expr: unknown name 'beta'"));
    CHECK_THAT(with("  v: {expr: \"log(x)\"}\n"), Catch::Contains("activations.v.expr: the formula is NaN at x = -8"));
    CHECK_THAT(with("  relu: {base: leaky_relu}\n"), Catch::Contains("'relu' is a built-in activation"));
    CHECK_THAT(with("  v: {slope: 0.1}\n"), Catch::Contains("expected {base: FAMILY"));
    CHECK_THAT(with("  v: {expr: x, paramz: {}}\n"), Catch::Contains("unknown key 'paramz'") && Catch::Contains("did you mean 'params'"));
    CHECK_THAT(error_of("name: x\nsweep: {activation: [very_leaky]}\n"), Catch::Contains("unknown activation 'very_leaky'"));
}

TEST_CASE("inits defined in the config are used like built-ins", "[config][init]") {
    std::string text = kGood;
    text.replace(text.find("sweep:"), 6, "inits:\n  he_out: {base: he_normal, mode: fan_out, gain: 1.5}\nsweep:");
    text.replace(text.find("[he_normal, xavier_uniform]"), 27, "[he_normal, he_out, orthogonal]");
    const Config c = parse_config(text, "cfg.yaml");
    REQUIRE(c.inits.count("he_out") == 1);
    CHECK(c.inits.at("he_out").param("mode") == 1);
    const auto plan = make_plan(c);
    CHECK(plan.size() == 2 * 3 * 3 * 2);
    CHECK(plan[6].settings()["init_def"] == nlohmann::json{{"base", "he_normal"}, {"gain", 1.5}, {"mode", "fan_out"}, {"a", 0.0}});
    auto with = [](const std::string& defs) { return error_of("name: x\ninits:\n" + defs + "sweep: {init: [he_normal]}\n"); };
    CHECK_THAT(with("  v: {base: he_normal, mode: fanout}\n"),
               Catch::Contains("cfg.yaml:3:30: inits.v.mode:") && Catch::Contains("fan_in, fan_out"));
    CHECK_THAT(with("  v: {base: kaiming}\n"), Catch::Contains("cfg.yaml:3:13: inits.v.base: unknown init 'kaiming'"));
    CHECK_THAT(with("  he_normal: {base: he_normal}\n"), Catch::Contains("built-in init"));
    CHECK_THAT(with("  v: {base: he_normal, gian: 2}\n"), Catch::Contains("no parameter 'gian'"));
}

TEST_CASE("a choice parameter is a name or a whole number, never a fraction", "[config][init][activation][errors]") {
    // A fraction would be truncated in the trial id and compared in the code: one id, two behaviours.
    auto init_with = [](const std::string& def) { return error_of("name: x\ninits:\n  v: " + def + "\nsweep: {init: [v]}\n"); };
    CHECK_THAT(init_with("{base: he_normal, mode: 0.7}"),
               Catch::Contains("cfg.yaml:3:30: inits.v.mode:") && Catch::Contains("0.7 is not a whole number"));
    CHECK_THAT(init_with("{base: he_uniform, mode: 2}"), Catch::Contains("inits.v.mode:") && Catch::Contains("out of range"));
    CHECK(init_with("{base: he_normal, mode: 1}").empty());
    const Config by_index = parse_config("name: x\ninits:\n  v: {base: he_normal, mode: 1}\nsweep: {init: [v]}\n", "cfg.yaml");
    const Config by_name = parse_config("name: x\ninits:\n  v: {base: he_normal, mode: fan_out}\nsweep: {init: [v]}\n", "cfg.yaml");
    CHECK(make_plan(by_index)[0].id == make_plan(by_name)[0].id);
    CHECK(by_index.inits.at("v").std_of(100, 400) == Approx(std::sqrt(2.0 / 400)));
    auto act_with = [](const std::string& def) { return error_of("name: x\nactivations:\n  v: " + def + "\nsweep: {activation: [v]}\n"); };
    CHECK_THAT(act_with("{base: prelu, shared: 0.5}"),
               Catch::Contains("cfg.yaml:3:28: activations.v.shared:") && Catch::Contains("whole number"));
    CHECK_THAT(act_with("{base: rrelu, pytorch: 0.3}"), Catch::Contains("activations.v.pytorch:") && Catch::Contains("whole number"));
    CHECK_THAT(act_with("{base: maxout, pieces: 2.5}"), Catch::Contains("activations.v.pieces:") && Catch::Contains("whole number"));
    CHECK(act_with("{base: prelu, shared: 1}").empty());
}

TEST_CASE("bias settings: constants, none, and per-layer overrides", "[config][bias]") {
    std::string text = kGood;
    text.replace(text.find("[0, 0.1, none]"), 14, "[0, {default: 0.1, dense1: 1.0}, none]");
    const Config c = parse_config(text, "cfg.yaml");
    REQUIRE(c.sweep.bias.size() == 3);
    CHECK(c.sweep.bias[1].value == 0.1);
    CHECK(c.sweep.bias[1].overrides.at("dense1") == 1.0);
    CHECK(bias_json(c.sweep.bias[1]) == nlohmann::json{{"default", 0.1}, {"dense1", 1.0}});
    CHECK(bias_json(c.sweep.bias[0]) == nlohmann::json(0.0));
    CHECK(bias_json(c.sweep.bias[2]) == nlohmann::json("none"));
    std::string bad = kGood;
    bad.replace(bad.find("[0, 0.1, none]"), 14, "[{default: 0, dense3: 1}]");
    CHECK_THAT(error_of(bad),
               Catch::Contains("cfg.yaml:11:23: sweep.bias: unknown layer 'dense3'; valid: default, conv1, conv2, dense1, dense2"));
}

TEST_CASE("a model spec from configs/models/NAME.yaml, with inline overrides", "[config][models]") {
    actbench::test::TempDir dir;
    std::filesystem::create_directories(dir / "models");
    std::ofstream(dir / "models" / "deep20.yaml") << "name: plain_deep\ndepth: 20\nwidth: 16\n";
    std::ofstream(dir / "models" / "broken.yaml") << "name: plain_deep\ndepth: 40\n";
    std::ofstream(dir / "models" / "loop.yaml") << "name: loop\n";
    std::ofstream(dir / "a.yaml") << "name: a\nmodel: {name: deep20, width: 32, batchnorm: after}\n";
    const Config c = load_config((dir / "a.yaml").string());
    CHECK(c.model.name == "plain_deep");
    CHECK(c.model.param("depth") == 20);
    CHECK(c.model.param("width") == 32);
    CHECK(c.model.batchnorm == "after");
    std::ofstream(dir / "b.yaml") << "name: b\nmodel: {name: broken}\n";
    CHECK_THROWS_WITH(load_config((dir / "b.yaml").string()), Catch::Contains("broken.yaml:2:8: model.depth: 40 is out of range"));
    std::ofstream(dir / "c.yaml") << "name: c\nmodel: {name: nothing}\n";
    CHECK_THROWS_WITH(load_config((dir / "c.yaml").string()),
                      Catch::Contains("unknown model 'nothing'") && Catch::Contains("models/nothing.yaml"));
    std::ofstream(dir / "d.yaml") << "name: d\nmodel: {name: loop}\n";
    CHECK_THROWS_WITH(load_config((dir / "d.yaml").string()), Catch::Contains("more than 8 deep"));
}

TEST_CASE("the committed model specs and sweep configs are valid", "[config][models]") {
    // Every sweep config, in configs/ and its study folders (claims/, halving/); models/ holds model specs.
    for (const auto& entry : std::filesystem::recursive_directory_iterator(std::string(ACTBENCH_SOURCE_DIR) + "/configs")) {
        if (entry.path().extension() != ".yaml" || entry.path().parent_path().filename() == "models") continue;
        INFO(entry.path());
        CHECK_NOTHROW(load_config(entry.path().string()));
    }
    for (const auto& entry : std::filesystem::directory_iterator(std::string(ACTBENCH_SOURCE_DIR) + "/configs/models")) {
        INFO(entry.path());
        const std::string name = entry.path().stem().string();
        actbench::test::TempDir dir;
        std::ofstream(dir / "x.yaml") << "name: x\nmodel: {name: " << name << "}\n";
        std::filesystem::create_directories(dir / "models");
        std::filesystem::copy_file(entry.path(), dir / "models" / entry.path().filename());
        CHECK_NOTHROW(load_config((dir / "x.yaml").string()));
    }
}

TEST_CASE("any setting is an axis by its dotted path — zip and exclude shape the grid", "[config][sweep]") {
    const std::string base =
        "name: g\n"
        "dataset: {kind: synthetic_shapes}\n"
        "model: {name: mlp, depth: 2}\n"
        "train: {lr: 0.05}\n";
    SECTION("the product of the axes, first axis slowest") {
        const Config c = parse_config(
            base + "sweep:\n  train.lr: [0.01, 0.1]\n  model.batchnorm: [none, after]\n  activation: [relu, tanh]\n", "cfg.yaml");
        const auto plan = make_plan(c);
        REQUIRE(plan.size() == 8);
        CHECK(plan[0].train.lr == 0.01);
        CHECK(plan[0].model.batchnorm == "none");
        CHECK(plan[1].activation.name == "tanh");
        CHECK(plan[2].model.batchnorm == "after");
        CHECK(plan[4].train.lr == 0.1);
        CHECK(plan[7].axes ==
              nlohmann::json{{"train.lr", 0.1},
                             {"model.batchnorm", "after"},
                             {"activation", "tanh"},
                             {"init", "he_normal"},
                             {"bias", 0.0},
                             {"seed", 1}});
        CHECK(plan[0].model.param("depth") == 2);  // the rest of the section stays
    }
    SECTION("a choice parameter of a model as an axis: by name in the settings, a different id per value") {
        const Config c = parse_config(
            "name: g\ndataset: {kind: synthetic_shapes}\nmodel: {name: resnet, depth: 8}\n"
            "sweep:\n  model.block: [post_activation, pre_activation, plain]\n",
            "cfg.yaml");
        const auto plan = make_plan(c);
        REQUIRE(plan.size() == 3);
        CHECK(plan[1].model.param("block") == 1);
        CHECK(plan[1].settings()["model"]["block"] == "pre_activation");
        CHECK(plan[2].settings()["model"]["depth"] == 8);
        CHECK(plan[0].id != plan[1].id);
        CHECK(plan[1].id != plan[2].id);
    }
    SECTION("zip moves axes together; exclude drops cells") {
        const Config c = parse_config(base +
                                          "sweep:\n  train.lr: [0.01, 0.1, 1.0]\n  train.momentum: [0.9, 0.5, 0]\n"
                                          "  activation: [relu, sigmoid]\n  zip: [[train.lr, train.momentum]]\n"
                                          "  exclude: [{activation: sigmoid, train.lr: 1.0}]\n",
                                      "cfg.yaml");
        const auto plan = make_plan(c);
        REQUIRE(plan.size() == 5);
        CHECK(plan[2].train.lr == 0.1);
        CHECK(plan[2].train.optimizer.momentum == 0.5);
        CHECK(plan[4].train.lr == 1.0);
        CHECK(plan[4].activation.name == "relu");
    }
    SECTION("a new value on one axis leaves the other trials' ids alone") {
        const auto a = make_plan(parse_config(base + "sweep: {train.lr: [0.01, 0.1]}\n", "cfg.yaml"));
        const auto b = make_plan(parse_config(base + "sweep: {train.lr: [0.03, 0.01, 0.1]}\n", "cfg.yaml"));
        CHECK(a[0].id == b[1].id);
        CHECK(a[1].id == b[2].id);
    }
    SECTION("errors point at the axis") {
        CHECK_THAT(error_of(base + "sweep: {train.lr: [0.01, -1]}\n"), Catch::Contains("cfg.yaml:5:26: train.lr: -1 is out of range"));
        CHECK_THAT(error_of(base + "sweep: {train.lrr: [0.01]}\n"),
                   Catch::Contains("unknown key 'lrr' in train") && Catch::Contains("sweep cell"));
        CHECK_THAT(error_of(base + "sweep: {trian.lr: [0.01]}\n"),
                   Catch::Contains("cfg.yaml:5:9: sweep.trian.lr: a dotted path starts with dataset, model or train"));
        CHECK_THAT(error_of(base + "sweep: {train.lr: [1, 2], zip: [[train.lr, seed]]}\n"),
                   Catch::Contains("'seed' has 1 values but 'train.lr' has 2"));
        CHECK_THAT(error_of(base + "sweep: {train.lr: [1, 2], zip: [[train.lr, train.epochs]]}\n"),
                   Catch::Contains("'train.epochs' is not an axis"));
        CHECK_THAT(error_of(base + "sweep: {train.lr: [1, 2], exclude: [{train.lr: 3}]}\n"), Catch::Contains("matches no combination"));
        CHECK_THAT(error_of(base + "sweep: {train.lr: [1], exclude: [{train.lr: 1}]}\n"), Catch::Contains("every combination is excluded"));
        CHECK_THAT(error_of(base + "sweep: {train.lr: [1, 1]}\n"), Catch::Contains("value 1 appears twice"));
    }
}

TEST_CASE("extends starts from another config and overrides it", "[config][sweep]") {
    actbench::test::TempDir dir;
    std::ofstream(dir / "base.yaml") << "name: base\ndataset: {kind: synthetic_shapes, classes: 3}\ntrain: {lr: 0.05, epochs: 4}\n"
                                        "sweep: {activation: [relu, tanh]}\n";
    std::ofstream(dir / "child.yaml") << "extends: base.yaml\nname: child\ntrain: {lr: 0.01}\n";
    const Config c = load_config((dir / "child.yaml").string());
    CHECK(c.name == "child");
    CHECK(c.train.lr == 0.01);
    CHECK(c.train.epochs == 4);  // merged, not replaced
    CHECK(c.dataset.classes == 3);
    CHECK(make_plan(c).size() == 2);
    std::ofstream(dir / "bad.yaml") << "extends: nowhere.yaml\n";
    CHECK_THROWS_WITH(
        load_config((dir / "bad.yaml").string()),
        Catch::Contains("bad.yaml:1:10: extends: ") && Catch::Contains("nowhere.yaml: cannot open the base config: no such file"));
    std::ofstream(dir / "broken_base.yaml") << "name: b\ntrain: {lr: fast}\n";
    std::ofstream(dir / "uses_broken.yaml") << "extends: broken_base.yaml\n";
    CHECK_THROWS_WITH(load_config((dir / "uses_broken.yaml").string()),
                      Catch::Contains("broken_base.yaml:2:13: train.lr: expected a number"));
}

TEST_CASE("dataset augmentation settings", "[config][augment]") {
    const Config c = parse_config("name: a\ndataset: {kind: synthetic_shapes, augment: {crop_padding: 2, flip: true}}\n", "cfg.yaml");
    CHECK(c.dataset.augment.crop_padding == 2);
    CHECK(c.dataset.augment.flip);
    CHECK(dataset_json(c.dataset)["augment"] == nlohmann::json{{"crop_padding", 2}, {"flip", true}});
    CHECK(dataset_json(parse_config("name: a\n", "cfg.yaml").dataset).count("augment") == 0);  // off: ids unchanged
    CHECK_THAT(error_of("dataset: {augment: {flip: maybe}}\n"),
               Catch::Contains("cfg.yaml:1:27: dataset.augment.flip: expected true or false"));
    CHECK_THAT(error_of("dataset: {augment: {crop: 2}}\n"), Catch::Contains("unknown key 'crop' in dataset.augment"));
}

TEST_CASE("subsets: a count or a fraction", "[config][datasets]") {
    const Config a = parse_config("name: a\ndataset: {train_subset: 12000, test_subset: 0.5}\n", "cfg.yaml");
    CHECK(a.dataset.train_subset == 12000);
    CHECK(a.dataset.test_subset == 0.5);
    CHECK(dataset_json(a.dataset)["train_subset"].dump() == "12000");
    CHECK_THAT(error_of("dataset: {train_subset: 1.5}\n"), Catch::Contains("neither a whole count nor a fraction below 1"));
}

TEST_CASE("bad values for the later config keys name the place and the valid values", "[config][errors]") {
    CHECK_THAT(error_of("isa: avx9\n"), Catch::Contains("cfg.yaml:1:6: isa: unknown value 'avx9'; valid: sse41, avx, avx2"));
    CHECK_THAT(error_of("baseline: relu\nsweep: {activation: [tanh, sigmoid]}\n"),
               Catch::Contains("cfg.yaml:1:11: baseline: 'relu' is not a value of sweep.activation"));
    CHECK_THAT(error_of("train: {optimizer: rmsprop}\n"),
               Catch::Contains("cfg.yaml:1:20: train.optimizer: unknown value 'rmsprop'; valid: sgd, momentum, nesterov, adam"));
    CHECK_THAT(error_of("train: {schedule: linear}\n"),
               Catch::Contains("train.schedule: unknown value 'linear'; valid: constant, step, cosine"));
    CHECK_THAT(error_of("train: {schedule: {kind: step, gama: 0.5}}\n"),
               Catch::Contains("unknown key 'gama' in train.schedule (did you mean 'gamma'?)"));
    CHECK_THAT(error_of("train: {eval_every: -3}\n"),
               Catch::Contains("train.eval_every (steps; 0: only at epoch ends): -3 is out of range"));
    CHECK_THAT(error_of("train: {target: 2}\n"), Catch::Contains("train.target (a training error): 2 is out of range"));
    CHECK_THAT(error_of("dataset: {kind: cifar}\n"), Catch::Contains("dataset (kind cifar): expected a path"));
    CHECK_THAT(error_of("dataset: {kind: image_folder, path: x, channels: 2}\n"),
               Catch::Contains("dataset.channels: expected 1 (grey) or 3 (colour)"));
    CHECK_THAT(error_of("dataset: {validation: 0.9}\n"),
               Catch::Contains("dataset.validation (a fraction of the training split): 0.9 is out of range"));
}

TEST_CASE("extends cycles, directories and FIFOs are refused by name, never followed", "[config][errors]") {
    actbench::test::TempDir dir;
    std::ofstream(dir / "a.yaml") << "extends: b.yaml\nname: a\n";
    std::ofstream(dir / "b.yaml") << "extends: a.yaml\nname: b\n";
    std::ofstream(dir / "self.yaml") << "name: s\nextends: self.yaml\n";
    CHECK_THROWS_WITH(load_config((dir / "a.yaml").string()),
                      Catch::Contains("b.yaml:1:10: extends: a cycle: ") && Catch::Contains("a.yaml -> ") && Catch::EndsWith("a.yaml"));
    CHECK_THROWS_WITH(load_config((dir / "self.yaml").string()),
                      Catch::Contains("self.yaml:2:10: extends: a cycle: ") && Catch::Contains("self.yaml -> "));
    std::filesystem::create_directories(dir / "folder");
    std::ofstream(dir / "dir_base.yaml") << "extends: folder\n";
    CHECK_THROWS_WITH(
        load_config((dir / "dir_base.yaml").string()),
        Catch::Contains("dir_base.yaml:1:10: extends: ") && Catch::Contains("folder: is a directory; expected the base config"));
    CHECK_THROWS_WITH(load_config((dir / "folder").string()), Catch::Contains("folder: is a directory; expected the config file"));
    REQUIRE(::mkfifo((dir / "fifo.yaml").c_str(), 0644) == 0);
    CHECK_THROWS_WITH(load_config((dir / "fifo.yaml").string()), Catch::Contains("fifo.yaml: is not a regular file"));
    std::ofstream(dir / "empty_extends.yaml") << "extends: ''\n";
    CHECK_THROWS_WITH(load_config((dir / "empty_extends.yaml").string()),
                      Catch::Contains("empty_extends.yaml:1:10: extends: expected a config file's path"));
}

TEST_CASE("duplicate keys, an empty out and formula errors in block scalars are placed exactly", "[config][errors]") {
    CHECK_THAT(error_of("name: a\ntrain: {epochs: 1}\ntrain: {epochs: 2}\n"),
               Catch::Contains("cfg.yaml:3:1: duplicate key 'train' (first at line 2)"));
    CHECK_THAT(error_of("name: a\nsweep:\n  seed: [1]\n  activation: [relu]\n  seed: [2]\n"),
               Catch::Contains("cfg.yaml:5:3: duplicate key 'seed'"));
    CHECK_THAT(error_of("name: a\nout: ''\n"), Catch::Contains("cfg.yaml:2:6: out: expected a run directory's path"));
    // The error's column is on the formula's own line, not on the | or > that opens the block.
    CHECK_THAT(error_of("name: x\nactivations:\n  v:\n    expr: |\n      x * sigmod(x)\nsweep: {activation: [v]}\n"),
               Catch::Contains("cfg.yaml:5:11: activations.v.expr: unknown function 'sigmod'") && Catch::EndsWith("in \"x * sigmod(x)\""));
    CHECK_THAT(error_of("name: x\nactivations:\n  v:\n    expr: >-\n      x *\n      sigmod(x)\nsweep: {activation: [v]}\n"),
               Catch::Contains("cfg.yaml:6:7: activations.v.expr: unknown function 'sigmod'"));
    CHECK_THAT(error_of("name: x\nactivations:\n  v: {expr: 'x * sigmod(x)'}\nsweep: {activation: [v]}\n"),
               Catch::Contains("cfg.yaml:3:18: activations.v.expr: unknown function 'sigmod'"));
}

TEST_CASE("validating a long axis takes linear time", "[config][sweep]") {
    // 100,000 seeds: the duplicate check was quadratic (30,000 took 7.6 s).
    std::string seeds;
    for (int i = 0; i < 100000; ++i) seeds += (i ? ", " : "") + std::to_string(i);
    const Config c = parse_config("name: many\nsweep: {seed: [" + seeds + "]}\n", "cfg.yaml");
    CHECK(c.cell_count() == 100000);
    CHECK_THAT(error_of("name: many\nsweep: {seed: [" + seeds + ", 17]}\n"), Catch::Contains("sweep.seed: value 17 appears twice"));
}

TEST_CASE("what run would refuse for a cell is refused by validate with the key's place", "[config][errors]") {
    const std::string data = "dataset: {kind: synthetic_shapes, classes: 3, train_count: 192, test_count: 60, size: 12}\n";
    CHECK_THAT(error_of("name: k\n" + data + "model: {conv1: 4, conv2: 8, dense: 16, kernel: 9, padding: 0}\n"),
               Catch::Contains("cfg.yaml:3:8: model lenet: layer 4 (conv2) gets input 4x2x2: a 9x9 kernel with padding 0 leaves no output "
                               "(dataset synthetic_shapes gives 1x12x12 images)"));
    CHECK_THAT(error_of("name: k\n" + data + "model: {kernel: 3}\nsweep: {model.kernel: [3, 9]}\n"),
               Catch::Contains("gets input 32x4x4: a 9x9 kernel with padding 2") &&
                   Catch::Contains("(in the sweep cell {\"model.kernel\":9}, axes at cfg.yaml:4:9)"));
    CHECK_THAT(error_of("name: k\n" + data + "train: {batch: 500}\n"),
               Catch::Contains("cfg.yaml:3:16: train.batch: 500 is larger than the training split (at most 192 images)"));
    CHECK_THAT(error_of("name: k\n" + data.substr(0, data.size() - 2) + ", validation: 0.5}\ntrain: {batch: 150}\n"),
               Catch::Contains("train.batch: 150 is larger than the training split (at most 97 images after dataset.validation)"));
    CHECK_THAT(error_of("name: k\ndataset: {train_subset: 40}\n"), Catch::Contains("train.batch: 64 (the default) is larger"));
    CHECK(error_of("name: k\n" + data + "train: {batch: 192}\n").empty());
}

TEST_CASE("the ids a plan lists without building trials are the trials' own ids", "[config][plan]") {
    // Every kind of axis value: config-defined activations and inits, bias maps and none, dotted paths, zip.
    const Config c = parse_config(R"yaml(name: ids
dataset: {kind: synthetic_shapes, classes: 3, train_count: 60, test_count: 30, size: 16}
model: {conv1: 4, conv2: 8, dense: 16, kernel: 3, padding: 1}
train: {epochs: 2, batch: 8}
activations:
  swish_1702: {expr: "x * sigmoid(beta * x)", params: {beta: 1.702}}
  leaky_18: {base: leaky_relu, slope: 0.18}
inits:
  he_out: {base: he_normal, mode: fan_out, gain: 1.5}
sweep:
  activation: [relu, swish_1702, leaky_18, prelu]
  train.lr: [0.01, 0.1]
  train.momentum: [0.5, 0.9]
  init: [he_normal, he_out]
  model.batchnorm: [none, after]
  bias: [0, none, {default: 0.1, dense1: 1}]
  seed: [1, 7]
  zip: [[train.lr, train.momentum]]
  exclude: [{activation: prelu, model.batchnorm: after}]
)yaml",
                                  "cfg.yaml");
    const TrialIds ids(c);
    REQUIRE(c.cell_count() == 4 * 2 * 2 * 2 * 3 * 2 - 2 * 2 * 3 * 2);
    for (std::size_t i = 0; i < c.cell_count(); ++i) {
        const Trial t = make_trial(c, i);
        INFO(t.settings().dump());
        REQUIRE(ids.id(i) == t.id);
        CHECK(c.cell_values(i) == t.axes);
    }
}

TEST_CASE("a dataset or a model that cannot fit this machine's memory is refused by validate, naming the key", "[config][errors]") {
    // 1.7 TB of mlp weights, 65 GB of synthetic images: they used to pass validate and die of bad_alloc.
    CHECK_THAT(error_of("name: m\ndataset: {kind: synthetic_shapes, classes: 3, train_count: 192, test_count: 60, size: 16}\n"
                        "model: {name: mlp, depth: 100, width: 65536}\n"),
               Catch::Contains("cfg.yaml:3:8: model mlp: one trial needs about ") && Catch::Contains("this machine has"));
    CHECK_THAT(error_of("name: m\ndataset: {kind: synthetic_shapes, classes: 3, train_count: 1000000, test_count: 60, size: 256}\n"),
               Catch::Contains("cfg.yaml:2:60: dataset: 1000060 synthetic images of 256x256 take 65.5 GB"));
    // The estimate itself: lenet 32/64/128 on 28x28 has 1,663,370 parameters and fits easily.
    const ModelFootprint lenet = check_input_fits(ModelSpec::make("lenet"), 1, 28, 28, 10);
    CHECK(lenet.params == 32 * (25 + 1) + 64 * (32 * 25 + 1) + 128 * (64 * 7 * 7 + 1) + 10 * (128 + 1));
    CHECK(lenet.values_per_image == 2 * 32 * 28 * 28 + 32 * 14 * 14 + 2 * 64 * 14 * 14 + 64 * 7 * 7 + 2 * 128 + 10);
    CHECK(lenet.bytes(64) < 1e9);
    // The arithmetic count agrees with the built network's for every family.
    for (const auto& info : model_table()) {
        INFO(info.name);
        const ModelSpec m = ModelSpec::make(info.name);
        CHECK(check_input_fits(m, 1, 28, 28, 10).params ==
              inspect_model(m, InputShape{1, 28, 28, 10}, builtin_init("he_normal")).json["params"].get<double>());
    }
}

TEST_CASE("errors keep their file position through adaptive: and tune:, which rewrite the document", "[config]") {
    const std::string head = "dataset: {kind: synthetic_shapes, classes: 3, train_count: 60, test_count: 30, size: 16, validation: 0.2}\n";
    // adaptive: rewrites sweep.seed; before, every later error was placed at 1:1
    CHECK_THAT(
        error_of(head + "baseline: relu\nadaptive: {min: 2, max: 4, step: 2}\nsweep: {activation: [relu, tanh]}\ntrain:\n  lr: -1\n"),
        Catch::Contains("cfg.yaml:6:7: train.lr: -1 is out of range"));
    // tune: builds its two stages from the document
    CHECK_THAT(
        error_of(
            head +
            "tune: {axis: train.lr, values: [0.1, 0.2], seeds: [101, 102]}\nsweep: {activation: [relu]}\ntrain: {batch: 16, probe: 0}\n"),
        Catch::Contains("cfg.yaml:4:27: train.probe: 0 is out of range"));
    // both
    CHECK_THAT(error_of(head +
                        "baseline: relu\nadaptive: {min: 2, max: 4, step: 2}\n"
                        "tune: {axis: train.lr, values: [0.1, 0.2], seeds: [101, 102]}\nsweep: {activation: [relu, tanh]}\n"
                        "model: {name: lenet, conv1: 0}\n"),
               Catch::Contains("cfg.yaml:6:29: model.conv1: 0 is out of range"));
}

TEST_CASE("a YAML alias bomb (10^9 nodes through nested aliases) is refused at once, wherever it sits", "[config]") {
    // a0 holds 10 scalars and each a_i ten aliases of a_(i-1): a8 expands to 10^9 nodes.
    std::string laughs = "    a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n";
    for (int i = 1; i <= 8; ++i) {
        laughs += "    a" + std::to_string(i) + ": &a" + std::to_string(i) + " [";
        for (int k = 0; k < 10; ++k) laughs += (k ? ", *a" : "*a") + std::to_string(i - 1);
        laughs += "]\n";
    }
    CHECK_THAT(error_of("unknown_key:\n" + laughs), Catch::Contains("cfg.yaml:1:1: unknown key 'unknown_key'"));
    CHECK_THAT(error_of("sweep:\n  activation: [relu, tanh]\n  exclude:\n  - activation: relu\n    laughs:\n" + laughs),
               Catch::Contains("sweep.exclude: 'laughs' is not an axis"));
}

TEST_CASE("a synthetic validation split that leaves no training image, or holds out none, is refused by validate", "[config]") {
    const std::string tail = "train: {batch: 1}\nsweep: {activation: [relu]}\n";
    // one image per class, half of it held out: llround(0.5) = 1, as run's data preparation rounds
    CHECK_THAT(
        error_of("dataset: {kind: synthetic_shapes, classes: 3, train_count: 3, test_count: 30, size: 16, validation: 0.5}\n" + tail),
        Catch::Contains("cfg.yaml:1:101: dataset.validation: 0.5 of 3 training images in 3 classes holds out every one"));
    CHECK_THAT(
        error_of("dataset: {kind: synthetic_shapes, classes: 3, train_count: 6, test_count: 30, size: 16, validation: 0.1}\n" + tail),
        Catch::Contains("rounds to none per class; raise it"));
    CHECK(error_of("dataset: {kind: synthetic_shapes, classes: 3, train_count: 30, test_count: 30, size: 16, validation: 0.2}\n" + tail)
              .empty());
}

TEST_CASE("maxout (or a maxout variant) with residual blocks is refused by validate, at sweep.activation", "[config]") {
    const std::string head =
        "dataset: {kind: synthetic_shapes, classes: 3, train_count: 60, test_count: 30, size: 16}\ntrain: {batch: 16}\n";
    CHECK_THAT(error_of(head + "model: {name: resnet}\nsweep: {activation: [relu, maxout]}\n"),
               Catch::Contains("cfg.yaml:4:21: model resnet: maxout changes the channel count"));
    CHECK_THAT(error_of(head + "activations: {mx3: {base: maxout, pieces: 3}}\nsweep: {activation: [mx3], model.name: [lenet, resnet]}\n"),
               Catch::Contains("model resnet: mx3 changes the channel count"));
    CHECK(error_of(head + "model: {name: lenet, conv1: 4, conv2: 8, dense: 16}\nsweep: {activation: [maxout]}\n").empty());
}

TEST_CASE("model.widen scales every hidden layer's width, enters the id only when not 1, and is checked", "[config][models]") {
    // The layers: each hidden conv and dense layer's width × widen, rounded, at least 1; the classifier keeps the classes.
    const std::map<std::string, double> lenet{{"conv1", 8}, {"conv2", 16}, {"dense", 32}, {"kernel", 3}, {"padding", 1}};
    std::vector<int> widths;
    for (const auto& l : ModelSpec::make("lenet", lenet, "none", 0, 0.25).layers(10))
        if (l.kind == LayerSpec::Kind::conv || l.kind == LayerSpec::Kind::dense) widths.push_back(l.units);
    CHECK(widths == std::vector<int>{2, 4, 8, 10});
    for (const auto& l : ModelSpec::make("resnet", {{"depth", 8}, {"width", 8}}, "none", 0, 0.01).layers(3))
        if (l.kind == LayerSpec::Kind::conv || l.kind == LayerSpec::Kind::residual) CHECK(l.units == 1);
    // In the trial id only when not 1, so every id of before the key stays.
    std::string text = kGood;
    const std::string plain_id = make_plan(parse_config(text, "cfg.yaml"))[0].id;
    text.replace(text.find("padding: 1}"), 11, "padding: 1, widen: 1}");
    CHECK(make_plan(parse_config(text, "cfg.yaml"))[0].id == plain_id);
    text.replace(text.find("widen: 1}"), 9, "widen: 2}");
    const auto plan = make_plan(parse_config(text, "cfg.yaml"));
    CHECK(plan[0].id != plain_id);
    CHECK(plan[0].settings()["model"]["widen"] == 2.0);
    // A factor of 0 or below, or above 64, is refused with its place.
    for (const char* bad : {"widen: 0}", "widen: -1}", "widen: 65}", "widen: wide}"}) {
        std::string b = kGood;
        b.replace(b.find("padding: 1}"), 11, std::string("padding: 1, ") + bad);
        INFO(bad);
        CHECK_THAT(error_of(b), Catch::Contains("cfg.yaml:3:") && Catch::Contains("model.widen"));
    }
}
