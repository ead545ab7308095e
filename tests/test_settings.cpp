// The canonical settings a trial id hashes: exactly the values the code uses, in one canonical spelling, and ids
// that do not move between versions unless the settings change.
#include "config/config.hpp"
#include "config/settings.hpp"
#include "run/plan.hpp"

#include <catch2/catch.hpp>

using namespace actbench;

namespace {
const std::string kGolden =
    "dataset: {kind: synthetic_shapes, classes: 3, train_count: 60, test_count: 30, size: 16}\n"
    "model: {conv1: 4, conv2: 8, dense: 16, kernel: 3, padding: 1}\ntrain: {epochs: 2, batch: 8, lr: 0.05}\n"
    "inits: {he_out: {base: he_normal, mode: fan_out}}\n"
    "sweep: {activation: [relu], init: [he_out], bias: [0.1], seed: [7]}\n";
}

TEST_CASE("trial ids are stable: a fixed config's ids and settings, spelled out", "[settings][plan]") {
    // If this fails, every stored run's trial ids changed: resume and verify would no longer find them. Change
    // it only with a change that means to change what a trial is, and say so.
    const Trial paired = make_trial(parse_config("name: golden\n" + kGolden, "cfg.yaml"), 0);
    CHECK(
        paired.settings().dump() ==
        R"({"activation":"relu","activation_def":{"base":"relu"},"bias":0.1,"dataset":{"classes":3,"kind":"synthetic_shapes","noise":8.0,)"
        R"("normalize":"standard","seed":1,"size":16,"test_count":30,"train_count":60},"init":"he_out","init_def":{"a":0.0,"base":"he_normal",)"
        R"("gain":1.0,"mode":"fan_out"},"model":{"batchnorm":"none","conv1":4,"conv2":8,"dense":16,"dropout":0.0,"kernel":3,"name":"lenet",)"
        R"("padding":1},"seed":7,"seeds":"paired","train":{"batch":8,"epochs":2,"eval_every":0,"l1_activation":0.0,"lr":0.05,)"
        R"("optimizer":{"clip_norm":0.0,"kind":"momentum","momentum":0.9,"weight_decay":0.0},"probe":512,)"
        R"("schedule":{"kind":"constant","warmup_epochs":0.0},"target":0.25}})");
    CHECK(paired.id == "d40d9b9834b5ce2c");
    // seeds: independent keeps the ids trials had before seeds could be paired.
    CHECK(make_trial(parse_config("name: golden\nseeds: independent\n" + kGolden, "cfg.yaml"), 0).id == "b286cb51c62a38a9");
}

TEST_CASE("the canonical settings spell each value one way: counts as integers, choices as names", "[settings]") {
    // 12000 and 12000.0 are one subset; mode 1 and mode fan_out are one init: one id each.
    const Config a =
        parse_config("name: a\ndataset: {train_subset: 12000}\ninits: {v: {base: he_normal, mode: 1}}\nsweep: {init: [v]}\n", "cfg.yaml");
    const Config b = parse_config(
        "name: a\ndataset: {train_subset: 12000.0}\ninits: {v: {base: he_normal, mode: fan_out}}\nsweep: {init: [v]}\n", "cfg.yaml");
    CHECK(dataset_json(a.dataset)["train_subset"].dump() == "12000");
    CHECK(init_json(a.inits.at("v"))["mode"] == "fan_out");
    CHECK(make_trial(a, 0).id == make_trial(b, 0).id);
    CHECK(config_json(a) == config_json(b));
    // Keys are sorted, so the dump is canonical whatever order the file gave.
    const Config c = parse_config("name: a\ntrain: {lr: 0.1, epochs: 2}\n", "cfg.yaml"),
                 d = parse_config("name: a\ntrain: {epochs: 2, lr: 0.1}\n", "cfg.yaml");
    CHECK(config_json(c).dump() == config_json(d).dump());
    // The config hash records what changes the results: pairing, tuning, adaptive designs.
    CHECK(config_json(c).contains("seeds"));
    CHECK_FALSE(config_json(parse_config("name: a\nseeds: independent\n", "cfg.yaml")).contains("seeds"));
}
