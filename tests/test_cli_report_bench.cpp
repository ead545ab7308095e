// The real binary's report files (and the page in a real browser) and its benchmark.
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
    // A figure the previous report in the directory linked and this one does not draw is removed; a file it did not
    // link stays (before, both stayed, and the stale figure passed for part of the new report).
    std::ofstream(dir / "ra" / "report.md", std::ios::app) << "\n![old](old_figure.svg) and ![kept](heatmap.svg)\n";
    std::ofstream(dir / "ra" / "old_figure.svg") << "<svg/>";
    std::ofstream(dir / "ra" / "notes.svg") << "<svg/>";
    REQUIRE(run_actbench(dir, "report " + runs.string() + " --out " + (dir / "ra").string()).code == 0);
    CHECK_FALSE(fs::exists(dir / "ra" / "old_figure.svg"));
    CHECK(fs::exists(dir / "ra" / "notes.svg"));
    CHECK(slurp(dir / "ra" / "heatmap.svg") == slurp(dir / "rb" / "heatmap.svg"));
    CHECK(slurp(dir / "ra" / "report.md") == a.out);
    CHECK_THAT(a.out,
               Catch::Contains("## Accuracy") && Catch::Contains("vs relu: Δ | p | effect size") && Catch::Contains("## Convergence") &&
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
            CHECK(e["verdict"] ==
                  (e["activation"] == "relu"       ? "baseline"
                       : e["p_adjusted"].is_null() ? "not_tested"
                                                   : e["verdict"].get<std::string>()));
            if (e["activation"] != "relu" && !e["p_adjusted"].is_null()) CHECK(e["p_adjusted"].get<double>() >= e["p_value"].get<double>());
        }
    }
    const std::string summary_csv = slurp(dir / "ra" / "summary.csv");
    CHECK(std::count(summary_csv.begin(), summary_csv.end(), '\n') == 1 + 8);
    CHECK_THAT(summary_csv, Catch::StartsWith("train.lr,init,bias,rank,activation,n,mean,ci95_low,ci95_high,difference,"));
    CHECK_THAT(
        a.out,
        Catch::Contains("**With train.lr 0.02**") && Catch::Contains("| rank | activation | n | test accuracy | 95% CI | Δ vs baseline |"));
    const std::string html = slurp(dir / "ra" / "report.html");
    CHECK_THAT(html, Catch::StartsWith("<!DOCTYPE html>") && Catch::Contains("<svg") && Catch::Contains("<table class=\"sortable\">"));
    // **Warning:** is bold in the page, not a stray pair of <em>s (the page is rendered, not re-parsed from Markdown).
    CHECK_THAT(html, Catch::Contains("<strong>Warning:</strong>"));
    CHECK(html.find("<em></em>") == std::string::npos);
    CHECK(html.find("http://") == html.find("http://www.w3.org/2000/svg"));  // no external resources
    const Result pivot = run_actbench(dir, "report " + runs.string() + " --rows activation --cols train.lr");
    CHECK(pivot.code == 0);
    CHECK_THAT(pivot.out,
               Catch::Contains("## Test accuracy by activation × train.lr") && Catch::Contains("| activation \\ train.lr | 0.02 | 0.05 |"));
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
    const std::string flags =
        " --headless --no-sandbox --disable-gpu --disable-quic --no-first-run --disable-background-networking "
        "--disable-component-update --disable-sync --user-data-dir=" +
        (dir / "profile").string() + " ";
    const std::string page = "file://" + (dir / "rep" / "report.html").string();
    // The DOM as the browser built it: the tables and the three SVG plots are there.
    const std::string dom_cmd =
        "/usr/bin/chromium" + flags + "--dump-dom " + page + " > " + (dir / "dom.html").string() + " 2>" + (dir / "chromium.log").string();
    REQUIRE(std::system(dom_cmd.c_str()) == 0);
    const std::string dom = slurp(dir / "dom.html");
    INFO(slurp(dir / "chromium.log"));
    CHECK(std::count(dom.begin(), dom.end(), '\n') > 50);
    std::size_t svgs = 0, tables = 0;
    // Figures, not <svg> elements: a panel's data sits in an inner <svg> that cuts what runs past a fixed range, and
    // small multiples carry a one-column copy for phones.
    for (std::size_t p = 0; (p = dom.find("<figure id=", p)) != std::string::npos; ++p) ++svgs;
    for (std::size_t p = 0; (p = dom.find("<table", p)) != std::string::npos; ++p) ++tables;
    CHECK(svgs == 8);  // forest, IQM, the two overlays, loss, accuracy, last layer mean, zeros
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
    const Result res =
        run_actbench(dir, "bench --seconds 0.2 --threads 1 --model resnet --depth 8 --width 4 --block pre_activation --json");
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

// Inside residual blocks each conv and batch norm is its own section (the block's keeps only what runs around them);
// the required primitives are the convs (shortcuts too), the dense layer, every batch norm and the global pool.
TEST_CASE("bench --profile times a residual block's convolutions and batch norms on their own", "[cli][bench]") {
    TempDir dir;
    const Result r = run_actbench(dir, "bench --seconds 0.2 --threads 1 --model resnet --depth 8 --width 4 --profile --json");
    INFO(r.err);
    REQUIRE(r.code == 0);
    const auto all = nlohmann::json::parse(r.out);
    const auto& p = all.at("profile");
    std::set<std::string> sections;
    double conv_dense = 0, required = 0;
    for (const auto& sct : p["sections"]) {
        const std::string name = sct["section"], category = sct["category"];
        sections.insert(name + " " + category);
        if (category == "reorder") continue;
        const std::string part = name.substr(name.find('.') + 1);
        const bool cd = part.rfind("conv", 0) == 0 || part.rfind("shortcut", 0) == 0 || part.rfind("dense", 0) == 0;
        const bool other = part.rfind("bn", 0) == 0 || part.rfind("gap", 0) == 0;
        if (cd) conv_dense += sct["ms_per_step"].get<double>();
        if (cd || other) required += sct["ms_per_step"].get<double>();
    }
    for (const char* s : {"block1.conv1 forward", "block1.bn1 forward", "block1.bn2 backward-data", "block2.shortcut backward-weights",
                          "bn1 forward", "gap1 backward-data", "block1 forward", "block1 backward-data"})
        CHECK(sections.count(s) == 1);
    CHECK(p["conv_dense_ms_per_step"].get<double>() == Approx(conv_dense));
    CHECK(p["required_primitives_ms_per_step"].get<double>() == Approx(required));
    CHECK(all["required_primitives_bound_efficiency"].get<double>() < all["primitives_bound_efficiency"].get<double>());
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
    for (const char* s : {"conv1 forward", "conv2 backward-weights", "conv2 backward-data", "dense1 backward-weights", "act1 activation",
                          "act3 activation", "pool1 forward", "step optimizer", "batch data"})
        CHECK(sections.count(s) == 1);
    // The conv and dense layers' own primitives: their sections' sum, and the efficiency they alone would allow,
    // above the step's.
    double primitives = 0;
    for (const auto& sct : p["sections"]) {
        const std::string name = sct["section"], category = sct["category"];
        if ((name.rfind("conv", 0) == 0 || name.rfind("dense", 0) == 0) && category != "reorder") primitives += sct["ms_per_step"].get<double>();
    }
    CHECK(p["conv_dense_ms_per_step"].get<double>() == Approx(primitives));
    const auto all = nlohmann::json::parse(r.out);
    CHECK(all["primitives_bound_efficiency"].get<double>() > all["efficiency"].get<double>());
    // With pooling's primitives (lenet has no batch norm): more time, so a lower bound.
    double pooling = 0;
    for (const auto& sct : p["sections"])
        if (sct["section"].get<std::string>().rfind("pool", 0) == 0 && sct["category"] != "reorder") pooling += sct["ms_per_step"].get<double>();
    CHECK(pooling > 0);
    CHECK(p["required_primitives_ms_per_step"].get<double>() == Approx(primitives + pooling));
    CHECK(all["required_primitives_bound_efficiency"].get<double>() < all["primitives_bound_efficiency"].get<double>());
    // The evaluation step (a forward pass in evaluation mode) is profiled separately: forward sections only, no
    // backward, optimiser or data — and no activation, since ReLU runs fused into conv and dense there.
    const auto e = nlohmann::json::parse(r.out).at("evaluation_profile");
    CHECK(e["steps"].get<long>() >= 3);
    CHECK(e["categories"].contains("forward"));
    for (const char* c : {"activation", "backward-data", "backward-weights", "optimizer", "data"}) CHECK_FALSE(e["categories"].contains(c));
    CHECK(e["ms_per_step"].get<double>() < p["ms_per_step"].get<double>());
    // The text form prints the same tables.
    const Result text = run_actbench(dir, "bench --seconds 0.2 --threads 1 --conv1 8 --conv2 16 --dense 32 --profile");
    CHECK_THAT(text.out, Catch::Contains("training steps") && Catch::Contains("backward-weights") && Catch::Contains("evaluation steps") &&
                             Catch::Contains("conv and dense primitives alone"));
}

TEST_CASE("index lists the reports of a folder with their answers, linked — refuses a folder without one", "[cli][report]") {
    TempDir dir;
    const fs::path cfg = write_config(dir, "i.yaml", small_sweep("i"));
    REQUIRE(run_actbench(dir, "run " + cfg.string() + " --out " + (dir / "runs").string() + " --quiet").code == 0);
    REQUIRE(run_actbench(dir, "report " + (dir / "runs").string() + " --out " + (dir / "reports" / "small").string()).code == 0);
    const Result r = run_actbench(dir, "index " + (dir / "reports").string());
    INFO(r.err);
    REQUIRE(r.code == 0);
    const std::string answer = nlohmann::json::parse(slurp(dir / "reports" / "small" / "report.json"))["answer"];
    CHECK_THAT(answer, Catch::StartsWith("**Answer**: "));
    CHECK_THAT(r.out, Catch::Contains("- [small](small/report.html) ([Markdown](small/report.md)): " + answer.substr(12)));
    CHECK(slurp(dir / "reports" / "index.md") == r.out);
    CHECK_THAT(slurp(dir / "reports" / "index.html"), Catch::Contains("<a href=\"small/report.html\">small</a>"));
    fs::create_directories(dir / "empty");
    const Result none = run_actbench(dir, "index " + (dir / "empty").string());
    CHECK(none.code == 2);
    CHECK_THAT(none.err, Catch::Contains("no report (a folder with report.json or rank.md) to index"));
    CHECK(run_actbench(dir, "index " + (dir / "nosuch").string()).code == 2);
    // A report.json that is not JSON is named, not an internal error.
    fs::create_directories(dir / "bad" / "broken");
    std::ofstream(dir / "bad" / "broken" / "report.json") << "{\"answer\": ";
    const Result broken = run_actbench(dir, "index " + (dir / "bad").string());
    CHECK(broken.code == 2);
    CHECK_THAT(broken.err, Catch::Contains((dir / "bad" / "broken" / "report.json").string() + ": not JSON"));
    CHECK_FALSE(fs::exists(dir / "bad" / "index.md"));
}

TEST_CASE("a numeric swept axis gets its trend figure: accuracy with its interval, zeros and dead units, a line each", "[cli][report]") {
    TempDir dir;
    const fs::path cfg = write_config(dir, "w.yaml",
                                      "name: w\n"
                                      "dataset: {kind: synthetic_shapes, classes: 3, train_count: 96, test_count: 30, size: 16}\n"
                                      "model: {conv1: 8, conv2: 16, dense: 32, kernel: 3, padding: 1}\n"
                                      "train: {epochs: 1, batch: 16, probe: 16}\n"
                                      "baseline: relu\n"
                                      "sweep: {activation: [relu, tanh], model.widen: [0.25, 0.5, 1], seed: [1, 2]}\n");
    const fs::path runs = dir / "runs";
    REQUIRE(run_actbench(dir, "run " + cfg.string() + " --out " + runs.string() + " --quiet").code == 0);
    REQUIRE(run_actbench(dir, "report " + runs.string() + " --out " + (dir / "rep").string()).code == 0);
    const std::string svg = slurp(dir / "rep" / "trend_model_widen.svg");
    // Three panels, each with a line per activation over the three factors, named on the x axis.
    CHECK_THAT(svg, Catch::Contains(">test accuracy<") && Catch::Contains(">zero fraction after training<") &&
                        Catch::Contains(">dead or inactive units<") && Catch::Contains(">0.25<") && Catch::Contains(">0.5<"));
    std::size_t paths = 0;
    for (auto at = svg.find("<title>relu</title></path>"); at != std::string::npos; at = svg.find("<title>relu</title></path>", at + 1)) ++paths;
    CHECK(paths >= 3);
    CHECK_THAT(slurp(dir / "rep" / "report.html"), Catch::Contains("<figure id=\"trend_model_widen\">"));
}

TEST_CASE("bench --study predicts a run's stored trials from throughput measured now, kind of work by kind", "[cli][bench]") {
    TempDir dir;
    const fs::path config = write_config(dir, "s.yaml", small_sweep("s"));
    const Result run = run_actbench(dir, "run " + config.string() + " --out " + (dir / "out").string() + " --quiet");
    INFO(run.err);
    REQUIRE(run.code == 0);
    const Result r = run_actbench(dir, "bench --study " + (dir / "out").string() + " --seconds 0.1 --json");
    INFO(r.err);
    REQUIRE(r.code == 0);
    const auto j = nlohmann::json::parse(r.out);
    CHECK(j["trials"] == 8);  // four activations × two seeds, one kind of work per activation
    REQUIRE(j["kinds"].size() == 4);
    for (const auto& k : j["kinds"]) {
        INFO(k.dump());
        CHECK(k["trials"] == 2);
        CHECK(k["train_step_seconds"].get<double>() > 0);
        CHECK(k["eval_batch_seconds"].get<double>() > 0);
        CHECK(k["stored_seconds"].get<double>() > 0);
        // Two epochs of 12 steps and three evaluations of 6 batches, per trial: the prediction counts them exactly.
        const double per_trial = 2 * 12 * k["train_step_seconds"].get<double>() + 3 * 6 * k["eval_batch_seconds"].get<double>();
        CHECK(k["predicted_seconds"].get<double>() == Approx(2 * per_trial));
    }
    CHECK(j["predicted_core_hours"].get<double>() > 0);
    CHECK(j["error"].get<double>() == Approx(j["predicted_core_hours"].get<double>() / j["stored_core_hours"].get<double>() - 1));
    const Result text = run_actbench(dir, "bench --study " + (dir / "out").string() + " --seconds 0.1");
    CHECK_THAT(text.out, Catch::Contains("8 stored trials of 4 kinds of work") && Catch::Contains("| noisy_relu | lenet conv1=4"));
    // Not a run directory; options that do not apply.
    const Result missing = run_actbench(dir, "bench --study " + (dir / "nothing").string());
    CHECK(missing.code == 2);
    CHECK_THAT(missing.err, Catch::Contains("nothing/manifest.json: not found"));
    const Result both = run_actbench(dir, "bench --study " + (dir / "out").string() + " --batch 8");
    CHECK(both.code == 2);
    CHECK_THAT(both.err, Catch::Contains("--batch does not apply"));
}

TEST_CASE("bench --targets measures each target against its peak, and --check fails on a drop beyond 10% of the committed figure",
          "[cli][bench]") {
    TempDir dir;
    const std::string figures = (dir / "figures.json").string();
    const Result r = run_actbench(dir, "bench --targets --seconds 0.1 --threads 1 --repeats 2 --json --record " + figures);
    INFO(r.err);
    REQUIRE(r.code == 0);
    const auto j = nlohmann::json::parse(r.out);
    REQUIRE(j["targets"].size() == 5);
    const nlohmann::json recorded = nlohmann::json::parse(slurp(dir / "figures.json"))[j["cpu_isa"].get<std::string>()];
    for (const auto& t : j["targets"]) {
        INFO(t.dump());
        if (t.contains("skipped")) continue;  // bf16 where the CPU has none
        CHECK(t["figure"].get<double>() > 0);
        CHECK(recorded[t["target"].get<std::string>()] == t["figure"]);
    }
    REQUIRE(j["runs"]["resnet"].size() == 2);  // --repeats 2: each figure from the best of two runs
    CHECK(j["runs"]["resnet"][0]["model_params"]["depth"] == 20);
    // Committed figures far above what any run measures: every one regressed, exit 1; far below: none, exit 0.
    for (const double scale : {100.0, 0.01}) {
        nlohmann::json committed;
        for (const auto& [name, figure] : recorded.items()) committed[j["cpu_isa"].get<std::string>()][name] = figure.get<double>() * scale;
        std::ofstream(dir / "committed.json") << committed.dump();
        const Result c = run_actbench(dir, "bench --targets --seconds 0.1 --threads 1 --repeats 1 --check " + (dir / "committed.json").string());
        INFO(c.out << c.err);
        CHECK(c.code == (scale > 1 ? 1 : 0));
        CHECK_THAT(c.out, Catch::Contains(scale > 1 ? "REGRESSED" : "no regression"));
    }
    std::ofstream(dir / "broken.json") << "{\"avx2\": [1,";
    const Result broken = run_actbench(dir, "bench --targets --seconds 0.1 --repeats 1 --check " + (dir / "broken.json").string());
    CHECK(broken.code == 2);
    CHECK_THAT(broken.err, Catch::Contains("broken.json: byte") && Catch::Contains("not JSON"));
    // Every other malformed figures file, and a --record path that cannot be written, are refused before measuring.
    std::ofstream(dir / "list.json") << "[1, 2]";
    std::ofstream(dir / "word.json") << R"({"avx2": {"lenet fp32 efficiency": "high"}})";
    std::ofstream(dir / "flat.json") << R"({"avx2": 0.8})";
    const std::vector<std::pair<std::string, std::string>> refused{
        {"--check " + (dir / "list.json").string(), "list.json: not an object"},
        {"--check " + (dir / "word.json").string(), "word.json: avx2: lenet fp32 efficiency: \"high\" is not a number"},
        {"--record " + (dir / "flat.json").string(), "flat.json: avx2: not an object"},
        {"--record " + (dir / "no_such_dir" / "f.json").string(), "--record: the directory"},
        {"--repeats 0", "--repeats"}};
    for (const auto& [args, message] : refused) {
        const Result bad = run_actbench(dir, "bench --targets " + args);
        INFO(args << ": " << bad.err);
        CHECK(bad.code == 2);
        CHECK_THAT(bad.err, Catch::Contains(message));
    }
    CHECK_THAT(run_actbench(dir, "bench --check " + figures).err, Catch::Contains("--check, --record and --repeats go with --targets"));
    CHECK_THAT(run_actbench(dir, "bench --targets --model resnet").err, Catch::Contains("--model does not apply"));
}
