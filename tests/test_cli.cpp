// End-to-end: the real actbench binary, run as a subprocess on IDX files written to a temporary directory:
// run and report, bad input, the command line, divergence, dotted-path axes, eval_every, pairing.
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
    for (const auto& e : fs::recursive_directory_iterator(runs)) CHECK(e.path().string().find(".tmp") == std::string::npos);

    const Result report = run_actbench(dir, "report " + runs.string());
    INFO(report.err);
    REQUIRE(report.code == 0);
    CHECK_THAT(report.out, Catch::Contains("# actbench report: e2e"));
    CHECK_THAT(report.out, Catch::Contains("| relu | he_normal | 0.1 | 2 | 0 |"));
    CHECK_THAT(report.out, Catch::Contains("| tanh | he_normal | 0.1 | 2 | 0 |"));
    CHECK_THAT(report.out, Catch::Contains("zero fraction"));
    CHECK_THAT(report.out,
               Catch::Contains("Produced by the commands below") && Catch::Contains(" --out " + runs.string() + " --jobs 2` (commit "));
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
                              Case{"}", "batch: 300",
                                   "train.batch: 300 is larger than the training split of " + (dir / "data").string() + " (256 images)"}}) {
            std::string cfg_text = "name: e2e\n" + data_line + c.dataset_keys + "\n" + rest;
            cfg_text.replace(cfg_text.find("batch: 16"), 9, c.train_batch);
            const Result r =
                run_actbench(dir, "run " + write_config(dir, "sub.yaml", cfg_text).string() + " --out " + (dir / "r").string());
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
        CHECK_THAT(unknown.err, Catch::Contains("unknown command 'frobnicate'; valid: run, report, rank, index, export, list, show"));
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

TEST_CASE("train.diverge_loss stops a trial whose loss passes the bound, as diverged at that step", "[cli][e2e]") {
    TempDir dir;
    write_idx_dataset(dir / "data");
    std::string text = config_text(dir / "data");
    text.replace(text.find("[relu, tanh]"), 12, "[relu]");
    // A bound below chance's loss (ln 4 = 1.39 for these four classes) is passed at the first step; 0 is off.
    text.replace(text.find("seed: [1, 2]"), 12, "seed: [1]\n  train.diverge_loss: [0, 1.0]");
    const fs::path runs = dir / "runs";
    const Result r = run_actbench(dir, "run " + write_config(dir, "c.yaml", text).string() + " --out " + runs.string() + " --quiet");
    INFO(r.err);
    REQUIRE(r.code == 0);
    std::map<double, nlohmann::json> by_bound;
    for (const fs::path& d : trial_dirs(runs)) {
        const auto summary = nlohmann::json::parse(slurp(d / "summary.json"));
        by_bound[summary["axes"]["train.diverge_loss"].get<double>()] = summary;
    }
    REQUIRE(by_bound.size() == 2);
    CHECK(by_bound[0.0]["status"] == "ok");
    CHECK(by_bound[1.0]["status"] == "diverged");
    CHECK(by_bound[1.0]["diverged_step"] == 1);
    CHECK(by_bound[0.0]["settings"]["train"].count("diverge_loss") == 0);  // off: the ids of before the key
    CHECK(by_bound[1.0]["settings"]["train"]["diverge_loss"] == 1.0);
    // The report's Cost section counts the steps the stop saved: all but the first of the finished trial's.
    const long steps = by_bound[0.0]["steps"].get<long>();
    const Result report = run_actbench(dir, "report " + runs.string());
    CHECK_THAT(report.out, Catch::Contains("Early stops: 1 diverged trial(s) (every stage) stopped at the step") &&
                               Catch::Contains("trained 1 of their " + std::to_string(steps) + " planned steps: " +
                                               std::to_string(steps - 1) + " steps saved"));
}

TEST_CASE("a sweep over dotted-path axes runs, and the report has a column per axis", "[cli][e2e][sweep]") {
    TempDir dir;
    const fs::path cfg =
        write_config(dir, "s.yaml",
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

namespace {
// `s` single-quoted for the shell that runs the test's command (written here, not actbench's own quoting).
std::string sh(const std::string& s) {
    std::string out = "'";
    for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return out + "'";
}

// The files named by the hostile paths below, wherever a shell might have created them.
bool any_injected(const fs::path& root) {
    for (const auto& e : fs::recursive_directory_iterator(root)) {
        const std::string name = e.path().filename().string();
        if (name == "INJECTED" || name == "SUBST" || name == "BACKTICK") return true;
    }
    return fs::exists("INJECTED") || fs::exists("SUBST") || fs::exists("BACKTICK");
}
}  // namespace

TEST_CASE("slurm --submit: paths with spaces, quotes and shell syntax stay one argument, and the scripts run them", "[cli][slurm]") {
    TempDir dir;
    // A fake sbatch first on PATH: it records its arguments (NUL-separated, one call per line) and prints a job id.
    fs::create_directories(dir / "bin");
    const fs::path log = dir / "sbatch.log";
    {
        std::ofstream fake(dir / "bin" / "sbatch");
        fake << "#!/bin/sh\nfor a in \"$@\"; do printf '%s\\0' \"$a\"; done >> \"$FAKE_SBATCH_LOG\"\nprintf '\\n' >> \"$FAKE_SBATCH_LOG\"\n"
                "echo 4242\n";
    }
    fs::permissions(dir / "bin" / "sbatch", fs::perms::owner_all);
    const std::string hostile = "o;touch INJECTED;x $(touch SUBST) `touch BACKTICK` \"dq\" 'sq'";
    fs::create_directories(dir / ("cfg " + hostile));
    const fs::path cfg = dir / ("cfg " + hostile) / "c.yaml";
    std::ofstream(cfg) << "name: slurm_quoting\n"
                          "dataset: {kind: synthetic_shapes, classes: 3, train_count: 48, test_count: 12, size: 12}\n"
                          "model: {name: mlp, depth: 1, width: 8}\n"
                          "train: {epochs: 1, batch: 16, probe: 8}\n"
                          "sweep: {activation: [relu, tanh]}\n";
    const fs::path out = dir / hostile;
    const Result r = run_actbench(dir, "slurm " + sh(cfg.string()) + " --out " + sh(out.string()) + " --tasks 2 --submit",
                                  "PATH=" + sh((dir / "bin").string()) + ":\"$PATH\" FAKE_SBATCH_LOG=" + sh(log.string()) + " ");
    INFO(r.err);
    REQUIRE(r.code == 0);
    CHECK_THAT(r.out, Catch::Contains("submitted array job 4242 and report job 4242"));
    std::vector<std::vector<std::string>> calls;
    std::istringstream lines(slurp(log));
    for (std::string line; std::getline(lines, line);) {
        calls.emplace_back();
        std::istringstream args(line);
        for (std::string a; std::getline(args, a, '\0');) calls.back().push_back(a);
    }
    const std::string abs_out = fs::absolute(out).lexically_normal().string();
    REQUIRE(calls.size() == 2);
    CHECK(calls[0] ==
          std::vector<std::string>{"--parsable", "--output=" + abs_out + "/slurm-%A_%a.out", abs_out + "/actbench-array.sbatch"});
    CHECK(calls[1] ==
          std::vector<std::string>{"--parsable", "--dependency=afterok:4242", "--output=" + abs_out + "/slurm-report-%j.out",
                                   abs_out + "/actbench-report.sbatch"});
    // What the nodes would run: each task's shard and then the report, through bash, as Slurm runs them.
    for (int task : {0, 1})
        CHECK(
            std::system(("SLURM_ARRAY_TASK_ID=" + std::to_string(task) + " bash " + sh(abs_out + "/actbench-array.sbatch") + " 2>/dev/null")
                            .c_str()) == 0);
    CHECK(std::system(("bash " + sh(abs_out + "/actbench-report.sbatch") + " >/dev/null 2>&1").c_str()) == 0);
    CHECK(fs::exists(out / "report" / "report.md"));
    CHECK_FALSE(any_injected(dir.path()));
    // Without --submit, the printed command is the same, quoted for a shell.
    const Result printed = run_actbench(dir, "slurm " + sh(cfg.string()) + " --out " + sh(out.string()) + " --tasks 2");
    CHECK_THAT(printed.out,
               Catch::Contains("jobid=$(sbatch --parsable '--output=" + fs::absolute(dir.path()).lexically_normal().string() +
                               "/o;touch INJECTED;x $(touch SUBST) `touch BACKTICK` \"dq\" '\\''sq'\\''/slurm-%A_%a.out'"));
    CHECK_FALSE(any_injected(dir.path()));
}

TEST_CASE(
    "values that validate and then mislead are refused up front: a study twice, NaN, wrapped counts, unknown inits, overflowing ranges",
    "[cli][errors]") {
    TempDir dir;
    write_idx_dataset(dir / "data");
    const fs::path cfg = write_config(dir, "e2e.yaml", config_text(dir / "data"));
    REQUIRE(run_actbench(dir, "run " + cfg.string() + " --out " + (dir / "runs").string() + " --quiet").code == 0);
    const std::string runs = (dir / "runs").string();
    const Result twice = run_actbench(dir, "rank " + runs + " " + runs + "/.");
    CHECK(twice.code == 2);
    CHECK_THAT(twice.err, Catch::Contains("given twice"));
    const Result alpha = run_actbench(dir, "rank " + runs + " --alpha nan");
    CHECK(alpha.code == 2);
    CHECK_THAT(alpha.err, Catch::Contains("--alpha: expected a finite number, got 'nan'"));
    for (const char* k : {"-1", "0", "18446744073709551616"}) {
        const Result sample = run_actbench(dir, "verify " + runs + " --sample " + k);
        CHECK(sample.code == 2);
        CHECK_THAT(sample.err, Catch::Contains("--sample"));
    }
    const Result init = run_actbench(dir, "inspect model " + cfg.string() + " --init nosuch");
    CHECK(init.code == 2);
    CHECK_THAT(init.err, Catch::Contains("unknown init 'nosuch'"));
    CHECK_THAT(run_actbench(dir, "inspect model " + cfg.string() + " --init xavier_uniform").out, Catch::Contains("total:"));
    const Result range = run_actbench(dir, "show activation relu --range -1e308:1e308");
    CHECK(range.code == 2);
    CHECK_THAT(range.err, Catch::Contains("within ±1e6"));
    CHECK(range.out.find("inf") == std::string::npos);
}

TEST_CASE("bench refuses what cannot run here before building anything: sizes beyond memory, maxout in a residual net",
          "[cli][bench][errors]") {
    TempDir dir;
    const Result batch = run_actbench(dir, "bench --batch 65536 --seconds 0.1");
    CHECK(batch.code == 2);
    CHECK_THAT(batch.err, Catch::Contains("bench: model lenet with --batch 65536 needs about"));
    CHECK_THAT(batch.err, Catch::Contains("this machine has"));
    const Result wide = run_actbench(dir, "bench --model mlp --depth 100 --width 65536 --seconds 0.1");
    CHECK(wide.code == 2);
    CHECK_THAT(wide.err, Catch::Contains("bench: model mlp with --batch 64 needs about"));
    const Result maxout = run_actbench(dir, "bench --model resnet --activation maxout --seconds 0.1");
    CHECK(maxout.code == 2);
    CHECK_THAT(maxout.err, Catch::Contains("maxout changes the channel count"));
}
