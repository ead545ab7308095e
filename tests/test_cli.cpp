// End-to-end: the real actbench binary, run as a subprocess on IDX files written to a temporary directory.
#include "cli_helpers.hpp"
#include "idx.hpp"
#include "synthetic_shapes.hpp"
#include "temp_dir.hpp"

#include <catch2/catch.hpp>

#include <sys/stat.h>
#include <sys/wait.h>

#include <cstdlib>
#include <fstream>
#include <map>
#include <set>

#include <nlohmann/json.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <sstream>

using namespace actbench;
using namespace actbench::test;
namespace fs = std::filesystem;


TEST_CASE("actbench run and report on IDX files, end to end", "[cli][e2e]") {
    TempDir dir;
    write_idx_dataset(dir / "data");
    const fs::path cfg = write_config(dir, "e2e.yaml", config_text(dir / "data"));
    const fs::path runs = dir / "runs";

    const Result run = run_actbench(dir, "run " + cfg.string() + " --out " + runs.string() + " --jobs 2");
    INFO(run.err);
    REQUIRE(run.code == 0);
    REQUIRE(fs::exists(runs / "manifest.json"));
    const auto files = metrics_files(runs);
    REQUIRE(files.size() == 2 * 4);
    for (const auto& [name, text] : files) {
        if (name.find("metrics") == std::string::npos) continue;
        CHECK(std::count(text.begin(), text.end(), '\n') == 3);  // epoch 0, 1, 2
        CHECK(text.find("\"zero_fraction\"") != std::string::npos);
        CHECK(text.find("seconds") == std::string::npos);  // wall-clock figures live in timing.jsonl
        CHECK(text.find("\"pre_std\"") != std::string::npos);
    }
    // The invocation is logged with its command line and wall time, for the report's header.
    const std::string log = slurp(runs / "runs.jsonl");
    CHECK(std::count(log.begin(), log.end(), '\n') == 1);
    CHECK_THAT(log, Catch::Contains("\"trials_finished\":4") && Catch::Contains("--jobs 2") && Catch::Contains("\"wall_seconds\""));
    for (const fs::path& d : trial_dirs(runs)) {
        CHECK(fs::exists(d / "trial.yaml"));
        CHECK(fs::exists(d / "timing.jsonl"));
    }
    for (const auto& e : fs::recursive_directory_iterator(runs))
        CHECK(e.path().string().find(".tmp") == std::string::npos);

    const Result report = run_actbench(dir, "report " + runs.string());
    INFO(report.err);
    REQUIRE(report.code == 0);
    CHECK_THAT(report.out, Catch::Contains("# actbench report: e2e"));
    CHECK_THAT(report.out, Catch::Contains("| relu | he_normal | 0.1 | 2 | 0 |"));
    CHECK_THAT(report.out, Catch::Contains("| tanh | he_normal | 0.1 | 2 | 0 |"));
    CHECK_THAT(report.out, Catch::Contains("zero fraction"));
    CHECK_THAT(report.out, Catch::Contains("Produced by the commands below") && Catch::Contains(" --out " + runs.string() + " --jobs 2` (commit "));
    CHECK_THAT(report.out, Catch::Contains("## Per activation layer") && Catch::Contains("| relu | he_normal | 0.1 | 2 |"));
    // The summary ranks first; the long tables follow the config's order.
    CHECK(report.out.find("## Summary: which activation") < report.out.find("## Overview"));
    CHECK(report.out.find("| relu | he_normal | 0.1 | 2 | 0 |") < report.out.find("| tanh | he_normal | 0.1 | 2 | 0 |"));
    // Same runs in, same report out.
    CHECK(run_actbench(dir, "report " + runs.string()).out == report.out);

    SECTION("resuming skips finished trials and changes nothing") {
        const Result again = run_actbench(dir, "run " + cfg.string() + " --out " + runs.string());
        REQUIRE(again.code == 0);
        CHECK_THAT(again.err, Catch::Contains("4 already done, 0 to run"));
        CHECK(metrics_files(runs) == files);
        CHECK(slurp(runs / "runs.jsonl") == log);  // nothing trained, nothing logged
    }
    SECTION("the same config run again, with one job, gives byte-identical metrics") {
        const fs::path runs2 = dir / "runs2";
        REQUIRE(run_actbench(dir, "run " + cfg.string() + " --out " + runs2.string() + " --jobs 1 --quiet").code == 0);
        CHECK(metrics_files(runs2) == files);
    }
    SECTION("a run directory of another config is refused, naming what differs") {
        std::string text = config_text(dir / "data");
        text.replace(text.find("lr: 0.05"), 8, "lr: 0.02");
        const fs::path other = write_config(dir, "other.yaml", text);
        const Result r = run_actbench(dir, "run " + other.string() + " --out " + runs.string());
        CHECK(r.code == 2);
        CHECK_THAT(r.err, Catch::Contains("manifest.json") && Catch::Contains("config.train.lr"));
    }
}

TEST_CASE("bad input to the binary: one clear message and exit status 2", "[cli][errors]") {
    TempDir dir;
    write_idx_dataset(dir / "data");
    const std::string text = config_text(dir / "data");

    SECTION("missing IDX file") {
        fs::remove(dir / "data" / "t10k-labels-idx1-ubyte.gz");
        const Result r = run_actbench(dir, "run " + write_config(dir, "c.yaml", text).string() + " --out " + (dir / "r").string());
        CHECK(r.code == 2);
        CHECK_THAT(r.err, Catch::Contains("t10k-labels-idx1-ubyte.gz: no such file"));
        CHECK(r.err.find("internal error") == std::string::npos);
        // Nothing written: the corrected config then runs into the same directory (no stale manifest refuses it).
        CHECK_FALSE(fs::exists(dir / "r" / "manifest.json"));
    }
    SECTION("an IDX path that is a FIFO is refused at once, not read forever") {
        fs::remove(dir / "data" / "train-images-idx3-ubyte.gz");
        REQUIRE(::mkfifo((dir / "data" / "train-images-idx3-ubyte.gz").c_str(), 0644) == 0);
        const Result r = run_actbench(dir, "run " + write_config(dir, "c.yaml", text).string() + " --out " + (dir / "r").string(),
                                      "timeout 60 ");  // a hang would end as 124
        CHECK(r.code == 2);
        CHECK_THAT(r.err, Catch::Contains("train-images-idx3-ubyte.gz: is not a regular file (a FIFO, device or socket)"));
        CHECK_FALSE(fs::exists(dir / "r"));
    }
    SECTION("corrupt IDX file") {
        const fs::path labels = dir / "data" / "train-labels-idx1-ubyte.gz";
        fs::remove(labels);
        std::ofstream(dir / "data" / "train-labels-idx1-ubyte", std::ios::binary) << std::string("\x00\x00\x08\x01\x00\x00\x01\x00\x03", 9);
        const Result r = run_actbench(dir, "run " + write_config(dir, "c.yaml", text).string() + " --out " + (dir / "r").string());
        CHECK(r.code == 2);
        CHECK_THAT(r.err, Catch::Contains("train-labels-idx1-ubyte: byte offset 9") && Catch::Contains("truncated"));
        // Nothing written before the data are checked: not even the run directory.
        CHECK_FALSE(fs::exists(dir / "r"));
    }
    SECTION("a subset, a validation split or a batch the data cannot fill: refused before anything is written") {
        const std::string data_line = "dataset: {kind: idx, path: " + (dir / "data").string() + ", classes: 4, normalize: standard";
        const std::string rest = text.substr(text.find("model:"));
        struct Case {
            std::string dataset_keys, train_batch, message;
        };
        for (const Case& c : {Case{", test_subset: 0.001}", "batch: 16", "the test split has no images after test_subset 0.001; raise it"},
                              Case{", train_subset: 0.001}", "batch: 16", "the training split has no images after train_subset 0.001"},
                              Case{"}", "batch: 300", "train.batch: 300 is larger than the training split of " + (dir / "data").string() + " (256 images)"}}) {
            std::string cfg_text = "name: e2e\n" + data_line + c.dataset_keys + "\n" + rest;
            cfg_text.replace(cfg_text.find("batch: 16"), 9, c.train_batch);
            const Result r = run_actbench(dir, "run " + write_config(dir, "sub.yaml", cfg_text).string() + " --out " + (dir / "r").string());
            INFO(r.err);
            CHECK(r.code == 2);
            CHECK_THAT(r.err, Catch::Contains(c.message));
            CHECK_FALSE(fs::exists(dir / "r"));
        }
    }
    SECTION("unknown key in the YAML") {
        std::string bad = text;
        bad.replace(bad.find("  init:"), 7, "  inits:");
        const Result r = run_actbench(dir, "run " + write_config(dir, "bad.yaml", bad).string());
        CHECK(r.code == 2);
        CHECK_THAT(r.err, Catch::Contains("bad.yaml:7:3: unknown key 'inits' in sweep (did you mean 'init'?)"));
    }
    SECTION("missing config and bad run directory") {
        CHECK(run_actbench(dir, "run " + (dir / "none.yaml").string()).code == 2);
        const Result r = run_actbench(dir, "report " + (dir / "data").string());
        CHECK(r.code == 2);
        CHECK_THAT(r.err, Catch::Contains("manifest.json: not found"));
    }
    SECTION("usage errors") {
        CHECK(run_actbench(dir, "").code == 2);
        CHECK(run_actbench(dir, "run").code == 2);
        CHECK(run_actbench(dir, "run x.yaml --jobs 0").code == 2);
        const Result unknown = run_actbench(dir, "frobnicate x.yaml");
        CHECK(unknown.code == 2);
        CHECK_THAT(unknown.err, Catch::Contains("unknown command 'frobnicate'; valid: run, report, rank, export, list, show"));
    }
    SECTION("values that are not what they claim: an infinite range, a time limit that is not a time") {
        const Result range = run_actbench(dir, "show activation relu --range -inf:inf");
        CHECK(range.code == 2);
        CHECK_THAT(range.err, Catch::Contains("--range '-inf:inf': expected A:B with finite numbers"));
        CHECK(range.out.find("nan") == std::string::npos);
        const fs::path cfg = write_config(dir, "c.yaml", text);
        for (const char* bad : {"banana", "4h", "1:2:3:4", "-1"}) {
            const Result r = run_actbench(dir, "slurm " + cfg.string() + " --out " + (dir / "s").string() + " --time " + bad);
            CHECK(r.code == 2);
            CHECK_THAT(r.err, Catch::Contains(std::string("--time '") + bad + "': expected a Slurm time limit"));
        }
        CHECK_FALSE(fs::exists(dir / "s"));
        for (const char* good : {"90", "30:00", "04:00:00", "2-12", "1-00:30", "1-00:00:00"})
            CHECK(run_actbench(dir, "slurm " + cfg.string() + " --out " + (dir / "s").string() + " --time " + good).code == 0);
        const Result part = run_actbench(dir, "slurm " + cfg.string() + " --out " + (dir / "s").string() + " --partition 'cpu;rm -rf'");
        CHECK(part.code == 2);
        CHECK_THAT(part.err, Catch::Contains("--partition 'cpu;rm -rf': expected a partition name"));
    }
}

TEST_CASE("the command line: help, version and list", "[cli]") {
    TempDir dir;
    const Result help = run_actbench(dir, "--help");
    CHECK(help.code == 0);
    CHECK_THAT(help.out, Catch::Contains("run") && Catch::Contains("report"));
    const Result run_help = run_actbench(dir, "run --help");
    CHECK_THAT(run_help.out, Catch::Contains("--jobs") && Catch::Contains("--threads-per-trial") && Catch::Contains("--out"));
    const Result version = run_actbench(dir, "--version");
    CHECK(version.code == 0);
    CHECK_THAT(version.out, Catch::StartsWith("actbench 0.1.0 (git "));
    const Result list = run_actbench(dir, "list activations");
    CHECK(list.code == 0);
    CHECK_THAT(list.out, Catch::Contains("relu") && Catch::Contains("max(0, x)") && Catch::Contains("sigmoid"));
}

TEST_CASE("a diverging trial is a result, and the sweep goes on", "[cli][e2e]") {
    TempDir dir;
    write_idx_dataset(dir / "data");
    std::string text = config_text(dir / "data");
    // A linear network (identity) at a huge learning rate: the weights grow geometrically until they overflow.
    text.replace(text.find("lr: 0.05"), 8, "lr: 1000000");
    text.replace(text.find("[relu, tanh]"), 12, "[identity, relu]");
    text.replace(text.find("seed: [1, 2]"), 12, "seed: [1]");
    const fs::path runs = dir / "runs";
    const Result r = run_actbench(dir, "run " + write_config(dir, "c.yaml", text).string() + " --out " + runs.string());
    INFO(r.err);
    CHECK(r.code == 0);
    int diverged = 0;
    for (const fs::path& d : trial_dirs(runs)) {
        const std::string summary = slurp(d / "summary.json");
        REQUIRE_FALSE(summary.empty());
        if (summary.find("\"status\": \"diverged\"") != std::string::npos) {
            ++diverged;
            CHECK_THAT(summary, Catch::Contains("\"diverged_step\""));
        }
    }
    CHECK(diverged >= 1);
    const Result report = run_actbench(dir, "report " + runs.string());
    CHECK(report.code == 0);
    CHECK_THAT(report.out, Catch::Contains("diverged)"));
}

TEST_CASE("list activations and show activation, for built-ins and config variants", "[cli][activation]") {
    TempDir dir;
    const Result list = run_actbench(dir, "list activations --json");
    REQUIRE(list.code == 0);
    const auto all = nlohmann::json::parse(list.out);
    std::set<std::string> names;
    for (const auto& a : all) names.insert(a["name"].get<std::string>());
    for (const char* n : {"relu", "leaky_relu", "prelu", "rrelu", "noisy_relu", "elu", "selu", "softplus", "sigmoid", "tanh",
                          "softsign", "swish", "silu", "gelu", "gelu_tanh", "mish", "hardswish", "clipped_relu", "relu6",
                          "abs", "identity", "maxout"})
        CHECK(names.count(n) == 1);
    CHECK_THAT(run_actbench(dir, "list inits").out, Catch::Contains("he_normal"));

    const Result show = run_actbench(dir, "show activation leaky_relu --range -2:2 --points 5 --json");
    REQUIRE(show.code == 0);
    const auto curve = nlohmann::json::parse(show.out);
    CHECK(curve["x"] == nlohmann::json{-2.0, -1.0, 0.0, 1.0, 2.0});
    CHECK(curve["f"][0].get<double>() == Approx(-0.02));
    CHECK(curve["df"][4].get<double>() == 1.0);

    const fs::path cfg = write_config(dir, "a.yaml",
                                      "name: a\nactivations:\n  swish_1702: {expr: \"x * sigmoid(1.702 * x)\"}\n"
                                      "sweep: {activation: [swish_1702]}\n");
    const fs::path svg = dir / "plots" / "swish.svg";
    const Result variant = run_actbench(dir, "show activation swish_1702 --config " + cfg.string() + " --plot " + svg.string());
    INFO(variant.err);
    REQUIRE(variant.code == 0);
    CHECK_THAT(variant.out, Catch::Contains("x * sigmoid(1.702 * x)"));
    const std::string plot = slurp(svg);
    CHECK_THAT(plot, Catch::StartsWith("<svg") && Catch::Contains("f'(x)") && Catch::Contains("<path d=\" M"));

    CHECK_THAT(run_actbench(dir, "show activation swish_1702").err, Catch::Contains("unknown activation") && Catch::Contains("--config"));
    CHECK(run_actbench(dir, "show activation relu --range 3:1").code == 2);
    CHECK(run_actbench(dir, "show activation maxout").code == 2);
}

TEST_CASE("a sweep over config-defined and stochastic activations trains end to end", "[cli][e2e][activation]") {
    TempDir dir;
    write_idx_dataset(dir / "data");
    std::string text = config_text(dir / "data");
    text.replace(text.find("sweep:"), 6,
                 "activations:\n"
                 "  very_leaky: {base: leaky_relu, slope: 0.18}\n"
                 "  swish_f: {expr: \"x * sigmoid(x)\"}\n"
                 "sweep:");
    text.replace(text.find("[relu, tanh]"), 12, "[very_leaky, swish_f, prelu, rrelu, noisy_relu, maxout]");
    text.replace(text.find("lr: 0.05"), 8, "lr: 0.01");
    text.replace(text.find("seed: [1, 2]"), 12, "seed: [1]");
    const fs::path runs = dir / "runs";
    const Result r = run_actbench(dir, "run " + write_config(dir, "c.yaml", text).string() + " --out " + runs.string());
    INFO(r.err);
    REQUIRE(r.code == 0);
    const Result report = run_actbench(dir, "report " + runs.string());
    for (const char* n : {"very_leaky", "swish_f", "prelu", "rrelu", "noisy_relu", "maxout"})
        CHECK_THAT(report.out, Catch::Contains(std::string("| ") + n + " | he_normal | 0.1 | 1 | 0 |"));
}

TEST_CASE("inspect model and list models", "[cli][models]") {
    TempDir dir;
    const Result lenet = run_actbench(dir, "inspect model lenet --json");
    REQUIRE(lenet.code == 0);
    const auto j = nlohmann::json::parse(lenet.out);
    // conv1 1→32 5×5: 832 parameters; conv2 32→64: 51,264; dense 3136→128: 401,536; dense 128→10: 1,290.
    CHECK(j["params"] == 832 + 51264 + 401536 + 1290);
    CHECK(j["forward_flops"].get<double>() == Approx(2.0 * (28 * 28 * 32 * 25 + 14 * 14 * 64 * 32 * 25 + 3136 * 128 + 1280)));
    CHECK(j["layers"][0]["init_std"].get<double>() == Approx(std::sqrt(2.0 / 25)));
    const fs::path cfg = write_config(dir, "m.yaml",
                                      "name: m\ndataset: {kind: synthetic_shapes, size: 32, classes: 5}\n"
                                      "model: {name: vgg_small, width1: 16, batchnorm: before, dropout: 0.5}\n"
                                      "sweep: {init: [xavier_uniform]}\n");
    const Result vgg = run_actbench(dir, "inspect model " + cfg.string());
    INFO(vgg.err);
    REQUIRE(vgg.code == 0);
    CHECK_THAT(vgg.out, Catch::Contains("vgg_small on 1x32x32 input, 5 classes, init xavier_uniform") &&
                            Catch::Contains("batchnorm") && Catch::Contains("dropout") && Catch::Contains("16x32x32"));
    CHECK_THAT(run_actbench(dir, "list models").out, Catch::Contains("plain_deep") && Catch::Contains("vgg_small"));
    CHECK(run_actbench(dir, "inspect model densenet").code == 2);
    // resnet: ResNet-20 on 28×28 grey input; stride-2 blocks halve the maps; He et al.'s 0.27 M parameters.
    const Result resnet = run_actbench(dir, "inspect model resnet --json");
    REQUIRE(resnet.code == 0);
    const auto r = nlohmann::json::parse(resnet.out);
    std::vector<std::string> outputs;
    for (const auto& l : r["layers"]) outputs.push_back(l["output"]);
    CHECK(outputs == std::vector<std::string>{"16x28x28", "16x28x28", "16x28x28", "16x28x28", "16x28x28", "16x28x28", "32x14x14",
                                              "32x14x14", "32x14x14", "64x7x7", "64x7x7", "64x7x7", "64x1x1", "10"});
    CHECK(r["params"] == 272778);
    const auto models = nlohmann::json::parse(run_actbench(dir, "list models --json").out);
    const auto block = std::find_if(models.begin(), models.end(), [](const auto& m) { return m["name"] == "resnet"; });
    REQUIRE(block != models.end());
    CHECK((*block)["params"][3]["choices"] == nlohmann::json{"post_activation", "pre_activation", "plain"});
}

TEST_CASE("a sweep over dotted-path axes runs, and the report has a column per axis", "[cli][e2e][sweep]") {
    TempDir dir;
    const fs::path cfg = write_config(dir, "s.yaml",
                                      "name: s\n"
                                      "dataset: {kind: synthetic_shapes, classes: 3, train_count: 96, test_count: 30, size: 16}\n"
                                      "model: {name: mlp, depth: 1, width: 16}\n"
                                      "train: {epochs: 1, batch: 16, probe: 32}\n"
                                      "sweep:\n  train.lr: [0.01, 0.1]\n  model.batchnorm: [none, after]\n  dataset.normalize: [unit, standard]\n"
                                      "  exclude: [{train.lr: 0.1, dataset.normalize: unit}]\n");
    const fs::path runs = dir / "runs";
    const Result r = run_actbench(dir, "run " + cfg.string() + " --out " + runs.string());
    INFO(r.err);
    REQUIRE(r.code == 0);
    CHECK_THAT(r.err, Catch::Contains("6 trials"));
    const Result report = run_actbench(dir, "report " + runs.string());
    CHECK_THAT(report.out, Catch::Contains("| train.lr | model.batchnorm | dataset.normalize | activation | init | bias | seeds |"));
    CHECK_THAT(report.out, Catch::Contains("| 0.01 | after | standard | relu | he_normal | 0.0 | 1 |"));
    CHECK(report.out.find("| 0.1 | none | unit |") == std::string::npos);
}


TEST_CASE("shards 0/2 and 1/2, merged, equal the unsharded run", "[cli][e2e][reproducibility]") {
    TempDir dir;
    const fs::path cfg = write_config(dir, "s.yaml", small_sweep("s"));
    REQUIRE(run_actbench(dir, "run " + cfg.string() + " --out " + (dir / "all").string() + " --quiet").code == 0);
    const Result s0 = run_actbench(dir, "run " + cfg.string() + " --out " + (dir / "s0").string() + " --shard 0/2");
    const Result s1 = run_actbench(dir, "run " + cfg.string() + " --out " + (dir / "s1").string() + " --shard 1/2 --quiet");
    REQUIRE(s0.code == 0);
    REQUIRE(s1.code == 0);
    CHECK_THAT(s0.err, Catch::Contains("in shard 0/2"));
    auto all = metrics_files(dir / "all");
    auto part0 = metrics_files(dir / "s0"), part1 = metrics_files(dir / "s1");
    CHECK(!part0.empty());
    CHECK(!part1.empty());
    part0.insert(part1.begin(), part1.end());
    CHECK(part0 == all);
    // The merged report equals the unsharded one, apart from the line naming the directories and the
    // wall-clock Cost section.
    auto body = [](std::string text) {
        const auto start = text.find("## Overview");
        return text.substr(start, text.find("## Cost") - start);
    };
    CHECK(body(run_actbench(dir, "report " + (dir / "s0").string() + " " + (dir / "s1").string()).out) ==
          body(run_actbench(dir, "report " + (dir / "all").string()).out));
    CHECK(run_actbench(dir, "run " + cfg.string() + " --shard 2/2").code == 2);
}

TEST_CASE("a sweep killed part-way and resumed equals an uninterrupted one", "[cli][e2e][reproducibility]") {
    TempDir dir;
    // Long enough (about 0.3 s a trial) that the kill lands while trials are still running, even on a busy machine.
    std::string text = small_sweep("k");
    text.replace(text.find("epochs: 2"), 9, "epochs: 30");
    const fs::path cfg = write_config(dir, "k.yaml", text);
    REQUIRE(run_actbench(dir, "run " + cfg.string() + " --out " + (dir / "whole").string() + " --quiet --jobs 2").code == 0);
    // Start the same sweep, SIGKILL it once the first trial is stored, then resume.
    const fs::path part = dir / "part";
    const std::string cmd = std::string(ACTBENCH_BINARY) + " run " + cfg.string() + " --out " + part.string() + " --quiet --jobs 1 & "
                            "pid=$!; for i in $(seq 1 400); do ls " + part.string() + "/*/summary.json >/dev/null 2>&1 && break; sleep 0.02; done; "
                            "kill -9 $pid; wait $pid 2>/dev/null; true";
    REQUIRE(std::system(cmd.c_str()) == 0);
    std::size_t finished = 0;
    for (const auto& e : fs::directory_iterator(part)) finished += fs::exists(e.path() / "summary.json");
    CHECK(finished < 8);  // it was interrupted
    const Result resumed = run_actbench(dir, "run " + cfg.string() + " --out " + part.string() + " --jobs 2");
    REQUIRE(resumed.code == 0);
    CHECK(metrics_files(part) == metrics_files(dir / "whole"));
    for (const auto& e : fs::recursive_directory_iterator(part)) CHECK(e.path().string().find(".tmp") == std::string::npos);
}

TEST_CASE("validate and plan of a million-trial sweep stay bounded: streamed, never materialised", "[cli][plan]") {
    TempDir dir;
    std::string seeds;
    for (int i = 0; i < 25000; ++i) seeds += (i ? ", " : "") + std::to_string(i);
    const fs::path cfg = write_config(dir, "big.yaml",
                                      "name: big\ndataset: {kind: synthetic_shapes, classes: 3, train_count: 192, test_count: 60, size: 16}\n"
                                      "model: {conv1: 4, conv2: 8, dense: 16, kernel: 3, padding: 1}\ntrain: {epochs: 1, batch: 16}\n"
                                      "sweep:\n  activation: [relu, tanh, elu, selu, gelu, silu, softplus, leaky_relu, sigmoid, mish]\n"
                                      "  train.lr: [0.01, 0.02, 0.05, 0.1]\n  seed: [" + seeds + "]\n");
    // 1.5 GB of address space: the plan used to hold every trial and its JSON row (4.2 GB resident).
    const std::string limit = "ulimit -v 1500000; ";
    const Result validate = run_actbench(dir, "validate " + cfg.string(), limit);
    CHECK(validate.code == 0);
    CHECK_THAT(validate.out, Catch::Contains("ok, 1000000 trials"));
    const Result plan = run_actbench(dir, "plan " + cfg.string(), limit);
    INFO(plan.err);
    REQUIRE(plan.code == 0);
    CHECK(std::count(plan.out.begin(), plan.out.end(), '\n') == 1000002);
    CHECK_THAT(plan.out, Catch::Contains("1000000 trials; measured"));
}

TEST_CASE("validate, plan and verify", "[cli][reproducibility]") {
    TempDir dir;
    const fs::path cfg = write_config(dir, "v.yaml", small_sweep("v"));
    const Result validate = run_actbench(dir, "validate " + cfg.string());
    CHECK(validate.code == 0);
    CHECK_THAT(validate.out, Catch::Contains("ok, 8 trials"));
    const Result plan = run_actbench(dir, "plan " + cfg.string() + " --json");
    REQUIRE(plan.code == 0);
    const auto p = nlohmann::json::parse(plan.out);
    CHECK(p["count"] == 8);
    CHECK(p["trials"][0].contains("activation"));
    CHECK(p["estimated_wall_seconds"].get<double>() > 0);
    const fs::path runs = dir / "runs";
    REQUIRE(run_actbench(dir, "run " + cfg.string() + " --out " + runs.string() + " --quiet").code == 0);
    const Result verify = run_actbench(dir, "verify " + runs.string());
    INFO(verify.out << verify.err);
    CHECK(verify.code == 0);
    CHECK(std::count(verify.out.begin(), verify.out.end(), '\n') == 8);
    CHECK(verify.out.find("DIFFERS") == std::string::npos);
    // A sample: K of the trials, the same K each time.
    const Result sample = run_actbench(dir, "verify " + runs.string() + " --sample 3");
    CHECK(sample.code == 0);
    CHECK(std::count(sample.out.begin(), sample.out.end(), '\n') == 3);
    CHECK(run_actbench(dir, "verify " + runs.string() + " --sample 3").out == sample.out);
    for (std::size_t at = 0; at < sample.out.size(); at = sample.out.find('\n', at) + 1)
        CHECK(verify.out.find(sample.out.substr(at, sample.out.find('\n', at) - at)) != std::string::npos);
    CHECK(run_actbench(dir, "verify " + runs.string() + " --sample 0").code == 2);
    // Tamper with one stored metric: verify names it.
    const std::string id = verify.out.substr(0, verify.out.find(':'));
    const fs::path metrics = runs / id / "metrics.jsonl";
    std::string m = slurp(metrics);
    const auto at = m.find("\"test_accuracy\":");
    m.replace(at, 16, "\"test_accuracy\":0.123456,\"x\":");
    std::ofstream(metrics, std::ios::binary) << m;
    const Result tampered = run_actbench(dir, "verify " + runs.string() + " --trial " + id);
    CHECK(tampered.code == 1);
    CHECK_THAT(tampered.out, Catch::Contains("DIFFERS: epoch 0: test_accuracy stored 0.123456"));
    // A recorded ISA oneDNN cannot be capped at: verify runs uncapped and says so first.
    std::string manifest = slurp(runs / "manifest.json");
    const std::string recorded = nlohmann::json::parse(manifest)["environment"]["cpu_isa"];
    const std::string field = "\"cpu_isa\": \"" + recorded + "\"";
    manifest.replace(manifest.find(field), field.size(), "\"cpu_isa\": \"other\"");
    std::ofstream(runs / "manifest.json", std::ios::binary) << manifest;
    const std::string other_id = sample.out.substr(0, sample.out.find(':'));
    const Result uncapped = run_actbench(dir, "verify " + runs.string() + " --trial " + other_id);
    INFO(uncapped.out << uncapped.err);
    CHECK(uncapped.code == 0);
    CHECK_THAT(uncapped.out, Catch::StartsWith("note: the run used oneDNN's other kernels") && Catch::Contains(other_id + ": identical"));
    CHECK(run_actbench(dir, "validate " + (dir / "nothing.yaml").string()).code == 2);
}

TEST_CASE("a pinned ISA is used and recorded", "[cli][reproducibility]") {
    TempDir dir;
    const fs::path cfg = write_config(dir, "i.yaml", "name: i\nisa: avx2\n" + small_sweep("i").substr(small_sweep("i").find('\n') + 1));
    std::string text = slurp(cfg);
    text.replace(text.find("[relu, tanh, rrelu, noisy_relu]"), 31, "[relu]");
    text.replace(text.find("seed: [1, 2]"), 12, "seed: [1]");
    std::ofstream(cfg) << text;
    REQUIRE(run_actbench(dir, "run " + cfg.string() + " --out " + (dir / "r").string() + " --quiet").code == 0);
    CHECK_THAT(slurp(dir / "r" / "manifest.json"), Catch::Contains("\"cpu_isa\": \"avx2\""));
    // A run recorded at a capped ISA without a pin in its config: verify caps oneDNN at the recorded ISA, so the
    // same kernels run and the bits repeat.
    text.replace(text.find("isa: avx2\n"), 10, "");
    std::ofstream(cfg) << text;
    REQUIRE(run_actbench(dir, "run " + cfg.string() + " --out " + (dir / "capped").string() + " --quiet", "ONEDNN_MAX_CPU_ISA=AVX2 ").code == 0);
    CHECK_THAT(slurp(dir / "capped" / "manifest.json"), Catch::Contains("\"cpu_isa\": \"avx2\""));
    const Result verify = run_actbench(dir, "verify " + (dir / "capped").string());
    INFO(verify.out << verify.err);
    CHECK(verify.code == 0);
    CHECK_THAT(verify.out, Catch::Contains(": identical") && !Catch::Contains("note:"));
}

TEST_CASE("Ctrl-C stops cleanly, and a new axis value leaves existing trials' numbers alone", "[cli][e2e][reproducibility]") {
    TempDir dir;
    std::string text = small_sweep("c");
    text.replace(text.find("epochs: 2"), 9, "epochs: 6");
    const fs::path cfg = write_config(dir, "c.yaml", text);
    const fs::path part = dir / "part";
    const std::string cmd = std::string(ACTBENCH_BINARY) + " run " + cfg.string() + " --out " + part.string() + " --jobs 1 2>" +
                            (dir / "err.txt").string() + " & pid=$!; for i in $(seq 1 400); do ls " + part.string() +
                            "/*/summary.json >/dev/null 2>&1 && break; sleep 0.02; done; kill -INT $pid; wait $pid; echo $? > " +
                            (dir / "rc.txt").string();
    REQUIRE(std::system(cmd.c_str()) == 0);
    CHECK(std::stoi(slurp(dir / "rc.txt")) == 1);
    CHECK_THAT(slurp(dir / "err.txt"), Catch::Contains("(interrupted)"));
    for (const auto& e : fs::recursive_directory_iterator(part)) CHECK(e.path().string().find(".tmp") == std::string::npos);

    // One more activation: the relu and tanh trials keep their ids and their numbers.
    const fs::path a = write_config(dir, "a.yaml", small_sweep("n"));
    std::string more = small_sweep("n");
    more.replace(more.find("[relu, tanh, rrelu, noisy_relu]"), 31, "[relu, elu, tanh, rrelu, noisy_relu]");
    const fs::path b = write_config(dir, "b.yaml", more);
    REQUIRE(run_actbench(dir, "run " + a.string() + " --out " + (dir / "a").string() + " --quiet").code == 0);
    REQUIRE(run_actbench(dir, "run " + b.string() + " --out " + (dir / "b").string() + " --quiet").code == 0);
    const auto fa = metrics_files(dir / "a");
    const auto fb = metrics_files(dir / "b");
    CHECK(fb.size() == fa.size() + 4);
    for (const auto& [name, content] : fa) CHECK(fb.at(name) == content);
}

TEST_CASE("report --out writes md, csv, json, html and plots, identically each time", "[cli][report]") {
    TempDir dir;
    std::string text = small_sweep("r");
    text.insert(0, "baseline: relu\n");
    text.replace(text.find("train: {"), 8, "train: {target: 0.4, ");
    text.replace(text.find("sweep: {"), 8, "sweep: {train.lr: [0.02, 0.05], ");
    const fs::path cfg = write_config(dir, "r.yaml", text);
    const fs::path runs = dir / "runs";
    REQUIRE(run_actbench(dir, "run " + cfg.string() + " --out " + runs.string() + " --quiet").code == 0);
    const Result a = run_actbench(dir, "report " + runs.string() + " --out " + (dir / "ra").string());
    const Result b = run_actbench(dir, "report " + runs.string() + " --out " + (dir / "rb").string());
    INFO(a.err);
    REQUIRE(a.code == 0);
    for (const char* f : {"report.md", "report.csv", "summary.csv", "report.json", "report.html", "loss.svg", "accuracy.svg", "zeros.svg",
                          "dead_vs_lr.svg", "last_layer_mean.svg", "forest.svg", "heatmap.svg"}) {
        INFO(f);
        REQUIRE(fs::exists(dir / "ra" / f));
        CHECK(slurp(dir / "ra" / f) == slurp(dir / "rb" / f));
    }
    CHECK(slurp(dir / "ra" / "report.md") == a.out);
    CHECK_THAT(a.out, Catch::Contains("## Accuracy") && Catch::Contains("vs relu: Δ | p | effect size") && Catch::Contains("## Convergence") &&
                          Catch::Contains("## Gradient flow") && Catch::Contains("Warning:** some groups have fewer than 5 seeds"));
    CHECK_THAT(a.out, Catch::Contains("| 0.02 | tanh | he_normal | 0.0 | 2 | "));
    const std::string csv = slurp(dir / "ra" / "report.csv");
    CHECK(std::count(csv.begin(), csv.end(), '\n') == 1 + 16 + 8);  // header, trials, groups
    const auto j = nlohmann::json::parse(slurp(dir / "ra" / "report.json"));
    CHECK(j["trials"].size() == 16);
    CHECK(j["groups"].size() == 8);
    // The summary: one ranking per learning rate, relu the baseline, every other activation compared with it.
    const auto& summary = j["summary"];
    CHECK(summary["baseline"] == "relu");
    REQUIRE(summary["rankings"].size() == 2);
    CHECK(summary["comparisons"] == 6);
    for (const auto& ranking : summary["rankings"]) {
        REQUIRE(ranking["entries"].size() == 4);
        for (const auto& e : ranking["entries"]) {
            CHECK(e["verdict"] == (e["activation"] == "relu" ? "baseline" : e["p_adjusted"].is_null() ? "not_tested" : e["verdict"].get<std::string>()));
            if (e["activation"] != "relu" && !e["p_adjusted"].is_null()) CHECK(e["p_adjusted"].get<double>() >= e["p_value"].get<double>());
        }
    }
    const std::string summary_csv = slurp(dir / "ra" / "summary.csv");
    CHECK(std::count(summary_csv.begin(), summary_csv.end(), '\n') == 1 + 8);
    CHECK_THAT(summary_csv, Catch::StartsWith("train.lr,init,bias,rank,activation,n,mean,ci95_low,ci95_high,difference,"));
    CHECK_THAT(a.out, Catch::Contains("**With train.lr 0.02**") && Catch::Contains("| rank | activation | n | test accuracy | 95% CI | Δ vs baseline |"));
    const std::string html = slurp(dir / "ra" / "report.html");
    CHECK_THAT(html, Catch::StartsWith("<!DOCTYPE html>") && Catch::Contains("<svg") && Catch::Contains("<table class=\"sortable\">"));
    // **Warning:** is bold in the page, not a stray pair of <em>s (the page is rendered, not re-parsed from Markdown).
    CHECK_THAT(html, Catch::Contains("<strong>Warning:</strong>"));
    CHECK(html.find("<em></em>") == std::string::npos);
    CHECK(html.find("http://") == html.find("http://www.w3.org/2000/svg"));  // no external resources
    const Result pivot = run_actbench(dir, "report " + runs.string() + " --rows activation --cols train.lr");
    CHECK(pivot.code == 0);
    CHECK_THAT(pivot.out, Catch::Contains("## Test accuracy by activation × train.lr") && Catch::Contains("| activation \\ train.lr | 0.02 | 0.05 |"));
    CHECK(run_actbench(dir, "report " + runs.string() + " --rows activation --cols model.depth").code == 2);
    // A damaged run log is bad input: the file and line are named, exit 2, and no report is written.
    std::ofstream(runs / "runs.jsonl", std::ios::app) << "{\"command\": \"actbench run\", \"jobs\": \n";
    const Result damaged = run_actbench(dir, "report " + runs.string() + " --out " + (dir / "rc").string());
    CHECK(damaged.code == 2);
    CHECK_THAT(damaged.err, Catch::Contains("runs.jsonl:2: not valid JSON"));
    CHECK_FALSE(fs::exists(dir / "rc" / "report.md"));
}

TEST_CASE("the HTML report opens in a real browser with its tables and plots", "[cli][report][browser]") {
    // scripts/setup.sh installs Debian's chromium for this test.
    REQUIRE(fs::exists("/usr/bin/chromium"));
    TempDir dir;
    const fs::path cfg = write_config(dir, "b.yaml", small_sweep("b"));
    REQUIRE(run_actbench(dir, "run " + cfg.string() + " --out " + (dir / "runs").string() + " --quiet").code == 0);
    REQUIRE(run_actbench(dir, "report " + (dir / "runs").string() + " --out " + (dir / "rep").string()).code == 0);
    const std::string flags = " --headless --no-sandbox --disable-gpu --disable-quic --no-first-run --disable-background-networking "
                              "--disable-component-update --disable-sync --user-data-dir=" + (dir / "profile").string() + " ";
    const std::string page = "file://" + (dir / "rep" / "report.html").string();
    // The DOM as the browser built it: the tables and the three SVG plots are there.
    const std::string dom_cmd = "/usr/bin/chromium" + flags + "--dump-dom " + page + " > " + (dir / "dom.html").string() + " 2>" +
                                (dir / "chromium.log").string();
    REQUIRE(std::system(dom_cmd.c_str()) == 0);
    const std::string dom = slurp(dir / "dom.html");
    INFO(slurp(dir / "chromium.log"));
    CHECK(std::count(dom.begin(), dom.end(), '\n') > 50);
    std::size_t svgs = 0, tables = 0;
    for (std::size_t p = 0; (p = dom.find("<svg", p)) != std::string::npos; ++p) ++svgs;
    for (std::size_t p = 0; (p = dom.find("<table", p)) != std::string::npos; ++p) ++tables;
    CHECK(svgs == 5);    // forest, loss, accuracy, last layer mean, zeros
    CHECK(tables == 8);  // the ranking, then overview, accuracy, convergence, sparsity, per layer, gradients, cost
    CHECK_THAT(dom, Catch::Contains("<figure id=\"loss\">") && Catch::Contains("Training loss"));
    // A screenshot renders (a blank or failed page would be a few kB at most).
    const std::string shot_cmd = "/usr/bin/chromium" + flags + "--window-size=1200,3000 --screenshot=" + (dir / "page.png").string() + " " +
                                 page + " >/dev/null 2>&1";
    REQUIRE(std::system(shot_cmd.c_str()) == 0);
    REQUIRE(fs::exists(dir / "page.png"));
    CHECK(fs::file_size(dir / "page.png") > 50000);
    const std::string log = slurp(dir / "chromium.log");
    CHECK(log.find("Uncaught") == std::string::npos);
    CHECK(log.find("Failed to load resource") == std::string::npos);
}

TEST_CASE("bench measures the matmul peak and the training throughput in one run", "[cli][bench]") {
    TempDir dir;
    const Result r = run_actbench(dir, "bench --seconds 0.2 --threads 1 --conv1 8 --conv2 16 --dense 32 --json");
    INFO(r.err);
    REQUIRE(r.code == 0);
    const auto j = nlohmann::json::parse(r.out);
    CHECK(j["matmul_peak_gflops"].get<double>() > 1);
    CHECK(j["training_images_per_second"].get<double>() > 10);
    CHECK(j["efficiency"].get<double>() > 0);
    CHECK(j["efficiency"].get<double>() < 2);
    CHECK(j["evaluation_vs_training"].get<double>() > 1);
    CHECK_FALSE(j.contains("profile"));
    CHECK(j["activation"] == "relu");
    CHECK(run_actbench(dir, "bench --model densenet").code == 2);
    const Result res = run_actbench(dir, "bench --seconds 0.2 --threads 1 --model resnet --depth 8 --width 4 --block pre_activation --json");
    INFO(res.err);
    REQUIRE(res.code == 0);
    CHECK(nlohmann::json::parse(res.out)["model_params"]["block"] == 1);
    CHECK(nlohmann::json::parse(res.out)["efficiency"].get<double>() > 0);
    CHECK_THAT(run_actbench(dir, "bench --model resnet --block middle").err, Catch::Contains("unknown block 'middle'"));
    CHECK_THAT(run_actbench(dir, "bench --model lenet --block plain").err, Catch::Contains("model lenet has no block parameter"));
    // Another activation: the same model, its own step; maxout's wider layers count more FLOPs.
    const Result m = run_actbench(dir, "bench --seconds 0.2 --threads 1 --conv1 8 --conv2 16 --dense 32 --activation maxout --json");
    INFO(m.err);
    REQUIRE(m.code == 0);
    const auto mj = nlohmann::json::parse(m.out);
    CHECK(mj["activation"] == "maxout");
    CHECK(mj["training_flops_per_image"].get<double>() > 1.5 * j["training_flops_per_image"].get<double>());
    const Result bad = run_actbench(dir, "bench --activation relu7");
    CHECK(bad.code == 2);
    CHECK_THAT(bad.err, Catch::Contains("relu7") && Catch::Contains("noisy_relu"));
}

TEST_CASE("bench --profile breaks a training step and an evaluation step down by category and layer", "[cli][bench]") {
    TempDir dir;
    const Result r = run_actbench(dir, "bench --seconds 0.2 --threads 1 --conv1 8 --conv2 16 --dense 32 --profile --json");
    INFO(r.err);
    REQUIRE(r.code == 0);
    const auto p = nlohmann::json::parse(r.out).at("profile");
    CHECK(p["steps"].get<long>() >= 3);
    double share = 0;
    for (const char* c : {"forward", "backward-data", "backward-weights", "activation", "loss", "optimizer", "data"}) {
        INFO(c);
        REQUIRE(p["categories"].contains(c));
        CHECK(p["categories"][c]["ms_per_step"].get<double>() > 0);
    }
    for (const auto& [name, c] : p["categories"].items()) share += c["share"].get<double>();
    CHECK(share == Approx(1.0));
    // Every weighted layer appears with its forward and backward-weights time; act1..act3 as activation.
    std::set<std::string> sections;
    for (const auto& sct : p["sections"]) sections.insert(sct["section"].get<std::string>() + " " + sct["category"].get<std::string>());
    for (const char* s : {"conv1 forward", "conv2 backward-weights", "conv2 backward-data", "dense1 backward-weights",
                          "act1 activation", "act3 activation", "pool1 forward", "step optimizer", "batch data"})
        CHECK(sections.count(s) == 1);
    // The evaluation step (a forward pass in evaluation mode) is profiled separately: forward sections only, no
    // backward, optimiser or data — and no activation, since ReLU runs fused into conv and dense there.
    const auto e = nlohmann::json::parse(r.out).at("evaluation_profile");
    CHECK(e["steps"].get<long>() >= 3);
    CHECK(e["categories"].contains("forward"));
    for (const char* c : {"activation", "backward-data", "backward-weights", "optimizer", "data"}) CHECK_FALSE(e["categories"].contains(c));
    CHECK(e["ms_per_step"].get<double>() < p["ms_per_step"].get<double>());
    // The text form prints the same tables.
    const Result text = run_actbench(dir, "bench --seconds 0.2 --threads 1 --conv1 8 --conv2 16 --dense 32 --profile");
    CHECK_THAT(text.out, Catch::Contains("training steps") && Catch::Contains("backward-weights") &&
                             Catch::Contains("evaluation steps"));
}

TEST_CASE("train.eval_every adds evaluations between epoch ends", "[cli][e2e][report]") {
    TempDir dir;
    std::string text = small_sweep("e");
    text.replace(text.find("train: {"), 8, "train: {eval_every: 4, ");
    text.replace(text.find("[relu, tanh, rrelu, noisy_relu]"), 31, "[relu]");
    text.replace(text.find("seed: [1, 2]"), 12, "seed: [1]");
    const fs::path cfg = write_config(dir, "e.yaml", text);
    REQUIRE(run_actbench(dir, "run " + cfg.string() + " --out " + (dir / "r").string() + " --quiet").code == 0);
    // 192 images, batch 16: 12 steps an epoch; evaluations at steps 4 and 8 of each epoch, and at its end.
    const auto files = metrics_files(dir / "r");
    const std::string metrics = files.begin()->second;
    CHECK(std::count(metrics.begin(), metrics.end(), '\n') == 1 + 2 * 3);
    CHECK_THAT(metrics, Catch::Contains("\"epoch\":0.3333333333333333") && Catch::Contains("\"step\":20"));
    const Result report = run_actbench(dir, "report " + (dir / "r").string());
    CHECK(report.code == 0);
    // The per-epoch training loss column lists epoch ends only.
    const auto row = report.out.substr(report.out.find("| relu | he_normal"));
    CHECK(std::count(row.begin(), row.begin() + static_cast<long>(row.find('\n')), '/') == 1);
}

TEST_CASE("inspect dataset and list datasets", "[cli][datasets]") {
    TempDir dir;
    const fs::path cfg = write_config(dir, "d.yaml", "name: d\ndataset: {kind: synthetic_shapes, classes: 3, train_count: 30, test_count: 9, size: 16}\n"
                                                       "train: {batch: 8}\n");
    const Result r = run_actbench(dir, "inspect dataset " + cfg.string() + " --json --sheet " + (dir / "sheet.png").string());
    INFO(r.err);
    REQUIRE(r.code == 0);
    const auto j = nlohmann::json::parse(r.out);
    CHECK(j["train"] == 30);
    CHECK(j["classes"][2]["name"] == "triangle");
    CHECK(j["classes"][2]["train"] == 10);
    CHECK(j["pixel_mean"][0].get<double>() > 0);
    REQUIRE(fs::exists(dir / "sheet.png"));
    const cv::Mat sheet = cv::imread((dir / "sheet.png").string(), cv::IMREAD_UNCHANGED);
    CHECK(sheet.rows == 3 * 18);
    CHECK(sheet.cols == 10 * 18);
    CHECK_THAT(run_actbench(dir, "list datasets").out, Catch::Contains("opencv_digits") && Catch::Contains("image_folder"));
    CHECK(run_actbench(dir, "inspect dataset " + (dir / "none.yaml").string()).code == 2);
}

TEST_CASE("a validation split held out of training, stratified and the same for every trial", "[cli][e2e][datasets]") {
    TempDir dir;
    std::string text = small_sweep("v");
    text.replace(text.find("size: 16}"), 9, "size: 16, validation: 0.25}");
    text.replace(text.find("seed: [1, 2]"), 12, "seed: [1]");
    const fs::path cfg = write_config(dir, "v.yaml", text);
    const Result ds = run_actbench(dir, "inspect dataset " + cfg.string() + " --json");
    REQUIRE(ds.code == 0);
    CHECK(nlohmann::json::parse(ds.out)["train"] == 144);  // 192 minus 48 held out, 16 of each class
    REQUIRE(run_actbench(dir, "run " + cfg.string() + " --out " + (dir / "r").string() + " --quiet").code == 0);
    for (const auto& [name, content] : metrics_files(dir / "r")) {
        if (name.find("summary") != std::string::npos) CHECK_THAT(content, Catch::Contains("\"final_val_accuracy\""));
        else CHECK_THAT(content, Catch::Contains("\"val_accuracy\""));
    }
    CHECK_THAT(run_actbench(dir, "report " + (dir / "r").string()).out, Catch::Contains("validation: final"));
}

TEST_CASE("an image-folder sweep decodes once into a cache beside the run store", "[cli][e2e][datasets]") {
    TempDir dir;
    for (int c = 0; c < 3; ++c) {
        fs::create_directories(dir / "imgs" / ("class" + std::to_string(c)));
        for (int i = 0; i < 12; ++i) {
            cv::Mat img(20, 20, CV_8UC1, cv::Scalar(0));
            cv::circle(img, cv::Point(10, 10), 3 + 2 * c, cv::Scalar(200 + i), 1 + c % 2);
            std::string name = std::to_string(i);
            name += ".png";
            cv::imwrite((dir / "imgs" / ("class" + std::to_string(c)) / name).string(), img);
        }
    }
    const fs::path cfg = write_config(dir, "f.yaml",
                                      "name: f\ndataset: {kind: image_folder, path: " + (dir / "imgs").string() +
                                          ", size: 16, test_fraction: 0.25}\nmodel: {name: mlp, depth: 1, width: 16}\n"
                                          "train: {epochs: 2, batch: 9, probe: 9}\n");
    REQUIRE(run_actbench(dir, "run " + cfg.string() + " --out " + (dir / "runs" / "a").string() + " --quiet").code == 0);
    std::size_t caches = 0;
    for (const auto& e : fs::directory_iterator(dir / "runs" / ".cache")) caches += e.path().filename().string().rfind("image_folder-", 0) == 0;
    CHECK(caches == 1);
    REQUIRE(run_actbench(dir, "run " + cfg.string() + " --out " + (dir / "runs" / "b").string() + " --quiet").code == 0);
    CHECK(metrics_files(dir / "runs" / "a") == metrics_files(dir / "runs" / "b"));  // decoded and cached: the same images
}

TEST_CASE("paired seeds: two names for one function give bit-identical metrics for the same seed", "[cli][e2e][pairing]") {
    TempDir dir;
    const std::string body =
        "dataset: {kind: synthetic_shapes, classes: 3, train_count: 96, test_count: 30, size: 16}\n"
        "model: {conv1: 4, conv2: 8, dense: 16, kernel: 3, padding: 1, dropout: 0.2}\n"
        "train: {epochs: 2, batch: 16, lr: 0.05, probe: 32}\n"
        "activations: {leaky_default: {base: leaky_relu, slope: 0.01}}\n"
        "sweep: {activation: [silu, swish, relu6, clipped_relu, leaky_relu, leaky_default], seed: [3]}\n";
    auto run = [&](const std::string& name, const std::string& seeds) {
        const fs::path cfg = write_config(dir, name + ".yaml", "name: " + name + "\n" + seeds + body);
        REQUIRE(run_actbench(dir, "run " + cfg.string() + " --out " + (dir / name).string() + " --quiet").code == 0);
        std::map<std::string, std::string> by_activation;
        for (const fs::path& d : trial_dirs(dir / name))
            by_activation[nlohmann::json::parse(slurp(d / "summary.json"))["axes"]["activation"]] = slurp(d / "metrics.jsonl");
        return by_activation;
    };
    const auto paired = run("paired", "");
    REQUIRE(paired.size() == 6);
    CHECK(paired.at("silu") == paired.at("swish"));
    CHECK(paired.at("relu6") == paired.at("clipped_relu"));
    CHECK(paired.at("leaky_relu") == paired.at("leaky_default"));
    CHECK(paired.at("silu") != paired.at("relu6"));
    // seeds: independent keys every stream to the trial: the same functions differ by seed alone.
    const auto independent = run("independent", "seeds: independent\n");
    CHECK(independent.at("silu") != independent.at("swish"));
    CHECK(independent.at("relu6") != independent.at("clipped_relu"));
    // And its trials keep the ids they had before seeds could be paired: no "seeds" in their settings.
    for (const fs::path& d : trial_dirs(dir / "independent"))
        CHECK_FALSE(nlohmann::json::parse(slurp(d / "summary.json"))["settings"].contains("seeds"));
    for (const fs::path& d : trial_dirs(dir / "paired"))
        CHECK(nlohmann::json::parse(slurp(d / "summary.json"))["settings"]["seeds"] == "paired");
}
