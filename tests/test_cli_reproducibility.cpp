// The real binary, for reproducibility: shards, kill and resume, plans that stay bounded, validate/plan/verify,
// a pinned ISA, Ctrl-C.
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
    const std::string cmd = std::string(ACTBENCH_BINARY) + " run " + cfg.string() + " --out " + part.string() +
        " --quiet --jobs 1 & "
        "pid=$!; for i in $(seq 1 400); do ls " +
        part.string() +
        "/*/summary.json >/dev/null 2>&1 && break; sleep 0.02; done; "
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
    const fs::path cfg =
        write_config(dir, "big.yaml",
                     "name: big\ndataset: {kind: synthetic_shapes, classes: 3, train_count: 192, test_count: 60, size: 16}\n"
                     "model: {conv1: 4, conv2: 8, dense: 16, kernel: 3, padding: 1}\ntrain: {epochs: 1, batch: 16}\n"
                     "sweep:\n  activation: [relu, tanh, elu, selu, gelu, silu, softplus, leaky_relu, sigmoid, mish]\n"
                     "  train.lr: [0.01, 0.02, 0.05, 0.1]\n  seed: [" +
                         seeds + "]\n");
    // 1.5 GB of address space: the plan used to hold every trial and its JSON row (4.2 GB resident).
    const std::string limit = "ulimit -v 1500000; ";
    const Result validate = run_actbench(dir, "validate " + cfg.string(), limit);
    CHECK(validate.code == 0);
    CHECK_THAT(validate.out, Catch::Contains("ok, 1000000 trials"));
    const Result plan = run_actbench(dir, "plan " + cfg.string(), limit);
    INFO(plan.err);
    REQUIRE(plan.code == 0);
    CHECK(std::count(plan.out.begin(), plan.out.end(), '\n') == 1000003);  // header, a line per trial, the total, the compute
    CHECK_THAT(plan.out, Catch::Contains("1000000 trials; measured") && Catch::Contains("core-hours on this machine"));
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
    REQUIRE(
        run_actbench(dir, "run " + cfg.string() + " --out " + (dir / "capped").string() + " --quiet", "ONEDNN_MAX_CPU_ISA=AVX2 ").code ==
        0);
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
        "/*/summary.json >/dev/null 2>&1 && break; sleep 0.02; done; kill -INT $pid; wait $pid; echo $? > " + (dir / "rc.txt").string();
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
