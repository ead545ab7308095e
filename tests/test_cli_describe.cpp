// The real binary describing what it has (list, show, inspect) and reading data sets: activations, models,
// dataset kinds, the validation split, the image-folder cache.
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

TEST_CASE("list activations and show activation, for built-ins and config variants", "[cli][activation]") {
    TempDir dir;
    const Result list = run_actbench(dir, "list activations --json");
    REQUIRE(list.code == 0);
    const auto all = nlohmann::json::parse(list.out);
    std::set<std::string> names;
    for (const auto& a : all) names.insert(a["name"].get<std::string>());
    for (const char* n : {"relu",      "leaky_relu",   "prelu",    "rrelu", "noisy_relu", "elu",   "selu",      "softplus",
                          "sigmoid",   "tanh",         "softsign", "swish", "silu",       "gelu",  "gelu_tanh", "mish",
                          "hardswish", "clipped_relu", "relu6",    "abs",   "identity",   "maxout"})
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

TEST_CASE("learned activations train end to end, record their values per layer, and repeat bit for bit", "[cli][e2e][learned]") {
    TempDir dir;
    write_idx_dataset(dir / "data");
    std::string text = config_text(dir / "data");
    text.replace(text.find("sweep:"), 6,
                 "activations:\n"
                 "  swish_beta: {expr: \"x * sigmoid(beta * x)\", params: {beta: 1.0}, learn: {beta: layer}}\n"
                 "  pelu: {expr: \"x > 0 ? (a / b) * x : a * (exp(x / b) - 1)\", params: {a: 1.0, b: 1.0},\n"
                 "         learn: {a: channel, b: channel}, constrain: {a: positive, b: positive}}\n"
                 "sweep:");
    text.replace(text.find("[relu, tanh]"), 12, "[swish_beta, pelu]");
    text.replace(text.find("seed: [1, 2]"), 12, "seed: [1]");
    const fs::path cfg = write_config(dir, "c.yaml", text);
    for (const char* out : {"runs", "again"}) {
        const Result r = run_actbench(dir, "run " + cfg.string() + " --out " + (dir / out).string() + " --quiet");
        INFO(r.err);
        REQUIRE(r.code == 0);
    }
    int trials = 0;
    for (const auto& e : fs::directory_iterator(dir / "runs")) {
        if (!fs::exists(e.path() / "metrics.jsonl")) continue;
        ++trials;
        const std::string metrics = slurp(e.path() / "metrics.jsonl");
        CHECK(metrics == slurp(dir / "again" / e.path().filename() / "metrics.jsonl"));  // the same bits
        std::vector<nlohmann::json> rows;
        std::istringstream lines(metrics);
        for (std::string line; std::getline(lines, line);) rows.push_back(nlohmann::json::parse(line));
        const nlohmann::json& first = rows.front()["learned"];
        const nlohmann::json& last = rows.back()["learned"];
        REQUIRE(first.is_object());
        for (const auto& [name, spread] : first.items()) {
            INFO(name);
            for (std::size_t l = 0; l < spread["mean"].size(); ++l) {
                CHECK(spread["mean"][l].get<double>() == Approx(1.0).epsilon(1e-6));  // every one starts at 1
                CHECK(spread["std"][l].get<double>() < 1e-6);
                CHECK(last[name]["mean"][l].get<double>() != spread["mean"][l].get<double>());  // and has moved
            }
        }
    }
    CHECK(trials == 2);
    // The report draws them per layer over training; export writes them in long form, a row per layer.
    REQUIRE(run_actbench(dir, "report " + (dir / "runs").string() + " --out " + (dir / "rep").string()).code == 0);
    CHECK(fs::exists(dir / "rep" / "learned.svg"));
    // and the function each ends as, per layer, beside the one it started from: a panel per learned activation
    const std::string shapes = slurp(dir / "rep" / "learned_shape.svg");
    CHECK_THAT(shapes, Catch::Contains(">swish_beta<") && Catch::Contains(">pelu<") && Catch::Contains("at the start") &&
                           Catch::Contains("layer 3, end"));
    CHECK_THAT(slurp(dir / "rep" / "report.html"), Catch::Contains("<figure id=\"learned\">") && Catch::Contains("pelu: b"));
    REQUIRE(run_actbench(dir, "export " + (dir / "runs").string() + " --out " + (dir / "export").string()).code == 0);
    const std::string curves = slurp(dir / "export" / "curves.csv");
    CHECK_THAT(curves, Catch::Contains(",learned.beta.mean,1,") && Catch::Contains(",learned.a.std,3,"));
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
    CHECK_THAT(vgg.out,
               Catch::Contains("vgg_small on 1x32x32 input, 5 classes, init xavier_uniform") && Catch::Contains("batchnorm") &&
                   Catch::Contains("dropout") && Catch::Contains("16x32x32"));
    CHECK_THAT(run_actbench(dir, "list models").out, Catch::Contains("plain_deep") && Catch::Contains("vgg_small"));
    CHECK(run_actbench(dir, "inspect model densenet").code == 2);
    // resnet: ResNet-20 on 28×28 grey input; stride-2 blocks halve the maps; He et al.'s 0.27 M parameters.
    const Result resnet = run_actbench(dir, "inspect model resnet --json");
    REQUIRE(resnet.code == 0);
    const auto r = nlohmann::json::parse(resnet.out);
    std::vector<std::string> outputs;
    for (const auto& l : r["layers"]) outputs.push_back(l["output"]);
    CHECK(outputs ==
          std::vector<std::string>{"16x28x28", "16x28x28", "16x28x28", "16x28x28", "16x28x28", "16x28x28", "32x14x14", "32x14x14",
                                   "32x14x14", "64x7x7", "64x7x7", "64x7x7", "64x1x1", "10"});
    CHECK(r["params"] == 272778);
    const auto models = nlohmann::json::parse(run_actbench(dir, "list models --json").out);
    const auto block = std::find_if(models.begin(), models.end(), [](const auto& m) { return m["name"] == "resnet"; });
    REQUIRE(block != models.end());
    CHECK((*block)["params"][3]["choices"] == nlohmann::json{"post_activation", "pre_activation", "plain"});
}

TEST_CASE("inspect dataset and list datasets", "[cli][datasets]") {
    TempDir dir;
    const fs::path cfg = write_config(dir, "d.yaml",
                                      "name: d\ndataset: {kind: synthetic_shapes, classes: 3, train_count: 30, test_count: 9, size: 16}\n"
                                      "train: {batch: 8}\n");
    const Result r = run_actbench(dir, "inspect dataset " + cfg.string() + " --json --sheet " + (dir / "sheet.png").string());
    INFO(r.err);
    REQUIRE(r.code == 0);
    const auto j = nlohmann::json::parse(r.out);
    // A --sheet that cannot be an image file is refused with the reason, before anything is read.
    const Result into_dir = run_actbench(dir, "inspect dataset " + cfg.string() + " --sheet " + dir.path().string());
    CHECK(into_dir.code == 2);
    CHECK_THAT(into_dir.err, Catch::Contains("is a directory; --sheet expects an image file's path"));
    const Result no_ext = run_actbench(dir, "inspect dataset " + cfg.string() + " --sheet " + (dir / "sheet").string());
    CHECK(no_ext.code == 2);
    CHECK_THAT(no_ext.err, Catch::Contains("--sheet needs an image extension OpenCV writes"));
    const Result no_folder = run_actbench(dir, "inspect dataset " + cfg.string() + " --sheet " + (dir / "nowhere" / "s.png").string());
    CHECK(no_folder.code == 4);
    CHECK_THAT(no_folder.err, Catch::Contains("cannot write the contact sheet") && Catch::Contains("No such file or directory"));
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
        if (name.find("summary") != std::string::npos)
            CHECK_THAT(content, Catch::Contains("\"final_val_accuracy\""));
        else
            CHECK_THAT(content, Catch::Contains("\"val_accuracy\""));
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
    for (const auto& e : fs::directory_iterator(dir / "runs" / ".cache"))
        caches += e.path().filename().string().rfind("image_folder-", 0) == 0;
    CHECK(caches == 1);
    REQUIRE(run_actbench(dir, "run " + cfg.string() + " --out " + (dir / "runs" / "b").string() + " --quiet").code == 0);
    CHECK(metrics_files(dir / "runs" / "a") == metrics_files(dir / "runs" / "b"));  // decoded and cached: the same images
    // A cache folder that is a file: the system failed, not the input (exit 4), with the OS's reason.
    fs::create_directories(dir / "other");
    std::ofstream(dir / "other" / ".cache") << "a file";
    const Result blocked = run_actbench(dir, "run " + cfg.string() + " --out " + (dir / "other" / "c").string() + " --quiet");
    CHECK(blocked.code == 4);
    CHECK_THAT(blocked.err, Catch::Contains("cannot create the image cache's folder") && Catch::Contains("Not a directory"));
}
