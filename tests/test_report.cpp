// The report on hand-built run directories (no training): grouping, ranking against the baseline, censoring,
// damaged files; and the page as a person sees it, at 88 groups, in a real browser.
#include "browser_check.hpp"
#include "cli_helpers.hpp"
#include "fake_run.hpp"
#include "report/report.hpp"
#include "report/report_data.hpp"
#include "report/report_index.hpp"
#include "store/run_store.hpp"

#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include <regex>
#include <set>

using namespace actbench;
using namespace actbench::test;
using nlohmann::json;

namespace {

json summary_json(const fs::path& run_dir) { return json::parse(build_report({run_dir}).json)["summary"]; }

const json& entry(const json& ranking, const std::string& activation) {
    for (const auto& e : ranking["entries"])
        if (e["activation"] == activation) return e;
    FAIL("no entry " << activation);
    return ranking;
}

}  // namespace

TEST_CASE("the summary ranks the compared axis and tests each value against the baseline with the same settings", "[report]") {
    TempDir dir;
    FakeRun run(dir / "runs",
                {{"activation", {"relu", "good", "same", "bad"}}, {"init", {"he_normal"}}, {"bias", {0.0}}, {"seed", {1, 2, 3, 4, 5}}});
    const std::vector<double> noise{0.000, 0.004, -0.004, 0.002, -0.002};
    for (int s = 0; s < 5; ++s) {
        const json base{{"init", "he_normal"}, {"bias", 0.0}, {"seed", s + 1}};
        auto with = [&](const char* a) {
            json v = base;
            v["activation"] = a;
            return v;
        };
        run.trial(with("relu"), 0.80 + noise[s]);
        run.trial(with("good"), 0.90 + noise[(s + 1) % 5]);
        run.trial(with("same"), 0.801 + noise[(s + 2) % 5]);
        run.trial(with("bad"), 0.60 + noise[(s + 3) % 5]);
    }
    const json summary = summary_json(run.dir());
    CHECK(summary["compared_axis"] == "activation");
    CHECK(summary["comparisons"] == 3);
    REQUIRE(summary["rankings"].size() == 1);
    const json& r = summary["rankings"][0];
    CHECK(r["entries"][0]["activation"] == "good");
    CHECK(r["entries"][3]["activation"] == "bad");
    CHECK(entry(r, "good")["verdict"] == "better");
    CHECK(entry(r, "bad")["verdict"] == "worse");
    // A difference of 0.001 against a seed spread of 0.003 is far below what 5 seeds can resolve.
    CHECK(entry(r, "same")["verdict"] == "underpowered");
    CHECK(entry(r, "same")["seeds_for_80_percent_power"].get<int>() > 5);
    CHECK(entry(r, "relu")["verdict"] == "baseline");
    CHECK(entry(r, "relu")["difference"].is_null());
    // The difference and its interval: 0.1 exactly in the means, inside the Welch interval.
    const json& good = entry(r, "good");
    CHECK(good["difference"].get<double>() == Approx(0.1));
    CHECK(good["difference_ci95"][0].get<double>() < 0.1);
    CHECK(good["difference_ci95"][1].get<double>() > 0.1);
    // Holm over three comparisons: the smallest p is multiplied by 3 (capped at 1).
    const double p_same = entry(r, "same")["p_value"].get<double>();
    CHECK(entry(r, "same")["p_adjusted"].get<double>() ==
          Approx(std::min(1.0, p_same)).epsilon(1e-12));  // the largest p: × 1, then the running max
    CHECK(entry(r, "bad")["p_adjusted"].get<double>() >= entry(r, "bad")["p_value"].get<double>());
    const std::string md = build_report({run.dir()}).markdown;
    CHECK_THAT(md, Catch::Contains("Of the 3 other activation value(s) set against **relu** (0.8000), 1 beats it: **good** (+0.1000"));
    CHECK_THAT(md,
               Catch::Contains("1 falls behind it: **bad**") &&
                   Catch::Contains("1 is underpowered: detecting the observed difference with 80% power would take about"));
    CHECK_THAT(md, Catch::Contains("| 1 | good | 5 | 0.9000 |"));
}

TEST_CASE("paired seeds: the comparison pairs by seed, and a difference the seed spread hides becomes clear", "[report][pairing]") {
    // Seeds differ a lot (0.70–0.86) but "better" beats relu by 0.010–0.014 on every seed: a paired comparison
    // sees that; an unpaired one cannot.
    const std::vector<double> seed_level{0.70, 0.86, 0.78, 0.74, 0.82};
    const std::vector<double> gain{0.010, 0.014, 0.012, 0.011, 0.013};
    auto build = [&](const fs::path& dir, bool paired) {
        FakeRun run(dir, {{"activation", {"relu", "better"}}, {"init", {"he_normal"}}, {"bias", {0.0}}, {"seed", {1, 2, 3, 4, 5}}}, "relu",
                    paired);
        for (int s = 0; s < 5; ++s) {
            run.trial({{"activation", "relu"}, {"init", "he_normal"}, {"bias", 0.0}, {"seed", s + 1}}, seed_level[s]);
            run.trial({{"activation", "better"}, {"init", "he_normal"}, {"bias", 0.0}, {"seed", s + 1}}, seed_level[s] + gain[s]);
        }
        return entry(summary_json(dir)["rankings"][0], "better");
    };
    TempDir dir;
    const json paired = build(dir / "paired", true), unpaired = build(dir / "unpaired", false);
    CHECK(paired["test"] == "paired");
    CHECK(paired["pairs"] == 5);
    CHECK(paired["wins"] == 1.0);
    CHECK(paired["difference"].get<double>() == Approx(0.012));
    CHECK(paired["verdict"] == "better");
    CHECK(unpaired["test"] == "welch");
    CHECK(unpaired["verdict"] == "underpowered");
    // The paired interval is far narrower: the seeds' common part cancels.
    const double paired_width = paired["difference_ci95"][1].get<double>() - paired["difference_ci95"][0].get<double>();
    const double unpaired_width = unpaired["difference_ci95"][1].get<double>() - unpaired["difference_ci95"][0].get<double>();
    CHECK(paired_width < unpaired_width / 20);
    const json ratio = summary_json(dir / "paired")["paired_to_welch_width"];
    CHECK(ratio["median"].get<double>() == Approx(paired_width / unpaired_width));
    CHECK(summary_json(dir / "unpaired")["paired_to_welch_width"].is_null());
    // P(better > relu) over all pairs of trials is modest (the seed spread dominates), with its interval.
    CHECK(paired["probability_of_improvement"].get<double>() == Approx(0.6));
    CHECK(paired["probability_of_improvement_ci95"][0].get<double>() < 0.6);
}

TEST_CASE("speed to the target against the baseline: the sign test over paired seeds counts censored trials as the slower",
          "[report][pairing]") {
    // relu reaches the target at step 40 on all 7 seeds; tanh at 30, 30, 20, 20, 30 and never on seeds 6 and 7;
    // sigmoid never.
    TempDir dir;
    FakeRun run(dir / "runs", {{"activation", {"relu", "tanh", "sigmoid"}}, {"seed", {1, 2, 3, 4, 5, 6, 7}}}, "relu", true);
    const std::vector<json> tanh_steps{30, 30, 20, 20, 30, nullptr, nullptr};
    for (int s = 0; s < 7; ++s) {
        run.trial({{"activation", "relu"}, {"seed", s + 1}}, 0.85, 40);
        run.trial({{"activation", "tanh"}, {"seed", s + 1}}, 0.84, tanh_steps[static_cast<std::size_t>(s)]);
        run.trial({{"activation", "sigmoid"}, {"seed", s + 1}}, 0.70, nullptr);
    }
    const json summary = summary_json(run.dir());
    const json tanh = entry(summary["rankings"][0], "tanh")["speed"], sigmoid = entry(summary["rankings"][0], "sigmoid")["speed"];
    CHECK(entry(summary["rankings"][0], "relu")["speed"].is_null());
    CHECK(tanh["pairs"] == 7);
    CHECK(tanh["sooner"] == 5);
    CHECK(tanh["later"] == 2);
    CHECK(tanh["both_reached"] == 5);
    // The geometric mean of 0.75, 0.75, 0.5, 0.5, 0.75.
    CHECK(tanh["steps_ratio"].get<double>() == Approx(std::pow(0.75, 0.6) * std::pow(0.5, 0.4)));
    CHECK(tanh["steps_ratio_ci95"][0].get<double>() < tanh["steps_ratio"].get<double>());
    // binom.test(5, 7) = 2·(1 + 7 + 21)/128 and binom.test(0, 7) = 2/128; Holm over the 2.
    CHECK(tanh["p_value"].get<double>() == Approx(58.0 / 128));
    CHECK(sigmoid["p_value"].get<double>() == Approx(2.0 / 128));
    CHECK(sigmoid["p_adjusted"].get<double>() == Approx(4.0 / 128));
    CHECK(tanh["p_adjusted"].get<double>() == Approx(58.0 / 128));
    CHECK(sigmoid["later"] == 7);
    CHECK(sigmoid["steps_ratio"].is_null());
    const std::string md = build_report({run.dir()}).markdown;
    CHECK_THAT(md, Catch::Contains("| sigmoid | 7 | 0 / 7 / 0 | — | — | 0 | 0.0156 | 0.031") && Catch::Contains(" | later |"));
    CHECK_THAT(md, Catch::Contains("| tanh | 7 | 5 / 2 / 0 | 0.64 |"));
    CHECK_THAT(md, Catch::Contains("against **relu**: none gets there sooner; 1 later, **sigmoid** (7 of 7 seeds); 1 not distinguished"));
    CHECK(md.find("could not be decided at their seeds") == std::string::npos);  // 7 pairs can reach 2/128 < 0.05/2
    // Four seeds, tanh sooner on every one: the sign test's smallest p, 2/16, cannot pass 0.05 — said as such, not as
    // "no difference".
    FakeRun few(dir / "few", {{"activation", {"relu", "tanh"}}, {"seed", {1, 2, 3, 4}}}, "relu", true);
    for (int s = 1; s <= 4; ++s)
        few.trial({{"activation", "relu"}, {"seed", s}}, 0.85, 40), few.trial({{"activation", "tanh"}, {"seed", s}}, 0.84, 30);
    CHECK_THAT(
        build_report({few.dir()}).markdown,
        Catch::Contains("against **relu**: not told apart; 1 could not be decided at their seeds (as few as 4 untied pairs, smallest "
                        "attainable p 0.12 against the family's strictest threshold α/m = 0.05; 6 pairs would be needed)"));
    // Unpaired seeds: no pairs, no speed comparison.
    FakeRun unpaired(dir / "unpaired", {{"activation", {"relu", "tanh"}}, {"seed", {1, 2}}}, "relu", false);
    for (int s = 1; s <= 2; ++s)
        unpaired.trial({{"activation", "relu"}, {"seed", s}}, 0.85, 40), unpaired.trial({{"activation", "tanh"}, {"seed", s}}, 0.84, 30);
    CHECK(entry(summary_json(unpaired.dir())["rankings"][0], "tanh")["speed"].is_null());
    CHECK(build_report({unpaired.dir()}).markdown.find("Steps to the target against") == std::string::npos);
}

TEST_CASE("Benjamini–Hochberg on request: report --adjust bh", "[report]") {
    TempDir dir;
    FakeRun run(dir / "runs", {{"activation", {"relu", "a", "b"}}, {"init", {"he_normal"}}, {"bias", {0.0}}, {"seed", {1, 2, 3}}});
    for (int s = 1; s <= 3; ++s) {
        run.trial({{"activation", "relu"}, {"init", "he_normal"}, {"bias", 0.0}, {"seed", s}}, 0.80 + 0.01 * s);
        run.trial({{"activation", "a"}, {"init", "he_normal"}, {"bias", 0.0}, {"seed", s}}, 0.85 + 0.01 * s);
        run.trial({{"activation", "b"}, {"init", "he_normal"}, {"bias", 0.0}, {"seed", s}}, 0.82 + 0.012 * s);
    }
    const json holm = json::parse(build_report({run.dir()}).json)["summary"];
    const json bh = json::parse(build_report({run.dir()}, "", "", "bh").json)["summary"];
    CHECK(holm["adjustment"] == "holm");
    CHECK(bh["adjustment"] == "bh");
    for (const char* g : {"a", "b"}) {
        const double p = entry(holm["rankings"][0], g)["p_value"].get<double>();
        CHECK(entry(bh["rankings"][0], g)["p_value"].get<double>() == p);
        CHECK(entry(bh["rankings"][0], g)["p_adjusted"].get<double>() <= entry(holm["rankings"][0], g)["p_adjusted"].get<double>());
    }
    const Result r = run_actbench(dir, "report " + run.dir().string() + " --adjust bh");
    CHECK(r.code == 0);
    CHECK_THAT(r.out, Catch::Contains("| p (BH) |") && Catch::Contains("Benjamini–Hochberg"));
    CHECK(run_actbench(dir, "report " + run.dir().string() + " --adjust bonferroni").code == 2);
}

TEST_CASE("with other axes swept, each context has its ranking and its own baseline — the heatmap shows them", "[report]") {
    TempDir dir;
    FakeRun run(dir / "runs",
                {{"activation", {"relu", "elu"}}, {"init", {"he_normal", "xavier_uniform"}}, {"bias", {0.0}}, {"seed", {1, 2, 3}}});
    for (int s = 1; s <= 3; ++s)
        for (const char* init : {"he_normal", "xavier_uniform"}) {
            const double shift = std::string(init) == "he_normal" ? 0.0 : -0.3;  // xavier much worse for both
            run.trial({{"activation", "relu"}, {"init", init}, {"bias", 0.0}, {"seed", s}}, 0.80 + shift + 0.001 * s);
            run.trial({{"activation", "elu"}, {"init", init}, {"bias", 0.0}, {"seed", s}}, 0.85 + shift + 0.001 * s);
        }
    const ReportFiles files = build_report({run.dir()});
    const json summary = json::parse(files.json)["summary"];
    REQUIRE(summary["rankings"].size() == 2);
    for (const auto& r : summary["rankings"]) {
        // elu is compared with the relu of its own init: +0.05 in both, not +0.35 or −0.25.
        CHECK(entry(r, "elu")["difference"].get<double>() == Approx(0.05));
        CHECK(entry(r, "elu")["verdict"] == "better");
    }
    CHECK(files.svgs.count("heatmap.svg") == 1);
    CHECK_THAT(files.svgs.at("heatmap.svg"), Catch::Contains("init xavier_uniform") && Catch::Contains("▲"));
    CHECK_THAT(files.markdown, Catch::Contains("**With init he_normal**") && Catch::Contains("**With init xavier_uniform**"));
}

TEST_CASE("a group that never reaches the target is censored, shown as > max and null, never dropped", "[report]") {
    TempDir dir;
    FakeRun run(dir / "runs", {{"activation", {"relu", "sigmoid"}}, {"init", {"he_normal"}}, {"bias", {0.0}}, {"seed", {1, 2, 3}}});
    for (int s = 1; s <= 3; ++s) {
        run.trial({{"activation", "relu"}, {"init", "he_normal"}, {"bias", 0.0}, {"seed", s}}, 0.8, 40);
        run.trial({{"activation", "sigmoid"}, {"init", "he_normal"}, {"bias", 0.0}, {"seed", s}}, 0.3, s == 1 ? json(50) : json(nullptr));
    }
    run.trial({{"activation", "sigmoid"}, {"init", "he_normal"}, {"bias", 0.0}, {"seed", 4}}, 0.1, nullptr, "diverged");
    const ReportFiles files = build_report({run.dir()});
    const json summary = json::parse(files.json)["summary"];
    const json& sigmoid = entry(summary["rankings"][0], "sigmoid");
    CHECK(sigmoid["median_steps_to_target"].is_null());
    CHECK(sigmoid["censored"] == true);
    CHECK(sigmoid["n"] == 3);  // the diverged seed is counted apart, not in the mean
    CHECK(sigmoid["diverged"] == 1);
    CHECK(entry(summary["rankings"][0], "relu")["median_steps_to_target"] == 40);
    CHECK_THAT(files.markdown, Catch::Contains("| 2 | sigmoid | 3 | 0.3000 |") && Catch::Contains("| > max |"));
    CHECK_THAT(files.markdown, Catch::Contains("1 group(s) did not reach the training-error target of 0.25"));
    CHECK_THAT(files.markdown, Catch::Contains("1 trial(s) in 1 group(s) diverged"));
    const std::string csv = files.summary_csv;
    CHECK_THAT(csv, Catch::Contains(",sigmoid,3,") && Catch::Contains(",true,"));
}

TEST_CASE("an axis zipped with the compared one is compared with it, not a context apart", "[report]") {
    // sweep.zip: [[activation, init]]: ReLU with He against tanh with Xavier, one comparison (before, each init was
    // a context of its own, and nothing was compared).
    TempDir dir;
    FakeRun run(dir / "runs", {{"activation", {"relu", "tanh"}}, {"init", {"he_normal", "xavier_uniform"}}, {"bias", {0.0}}, {"seed", {1, 2, 3}}},
                "relu", true, json::array({json::array({"activation", "init"})}));
    for (int s = 1; s <= 3; ++s) {
        run.trial({{"activation", "relu"}, {"init", "he_normal"}, {"bias", 0.0}, {"seed", s}}, 0.80 + 0.01 * s);
        run.trial({{"activation", "tanh"}, {"init", "xavier_uniform"}, {"bias", 0.0}, {"seed", s}}, 0.83 + 0.01 * s + (s == 2 ? 0.005 : 0));
    }
    const json summary = json::parse(build_report({run.dir()}).json)["summary"];
    REQUIRE(summary["rankings"].size() == 1);
    CHECK(summary["rankings"][0]["entries"].size() == 2);
    CHECK(summary["comparisons"] == 1);
    CHECK(entry(summary["rankings"][0], "tanh")["verdict"] != "not_tested");
}

TEST_CASE("without a baseline the report ranks without testing, along the axis that varies", "[report]") {
    TempDir dir;
    FakeRun run(dir / "runs", {{"activation", {"relu"}}, {"init", {"he_normal"}}, {"bias", {0.0, 0.1}}, {"seed", {1, 2}}}, "");
    for (int s = 1; s <= 2; ++s)
        for (double b : {0.0, 0.1}) run.trial({{"activation", "relu"}, {"init", "he_normal"}, {"bias", b}, {"seed", s}}, 0.8 + b / 10);
    const ReportFiles files = build_report({run.dir()});
    const json summary = json::parse(files.json)["summary"];
    CHECK(summary["compared_axis"] == "bias");
    CHECK(summary["baseline"].is_null());
    CHECK(summary["comparisons"] == 0);
    CHECK(summary["rankings"][0]["entries"][0]["bias"] == 0.1);
    CHECK(summary["rankings"][0]["entries"][0]["verdict"] == "not_tested");
    CHECK_THAT(files.markdown, Catch::Contains("## Summary: which bias, and how sure") && Catch::Contains("names no `baseline:`"));
}

TEST_CASE("a damaged trial in a hand-built run is listed with its file and line and left out of the ranking", "[report][store]") {
    TempDir dir;
    FakeRun run(dir / "runs", {{"activation", {"relu", "elu"}}, {"init", {"he_normal"}}, {"bias", {0.0}}, {"seed", {1, 2}}});
    for (int s = 1; s <= 2; ++s) {
        run.trial({{"activation", "relu"}, {"init", "he_normal"}, {"bias", 0.0}, {"seed", s}}, 0.8);
        run.trial({{"activation", "elu"}, {"init", "he_normal"}, {"bias", 0.0}, {"seed", s}}, 0.9);
    }
    const fs::path broken = run.trial({{"activation", "elu"}, {"init", "he_normal"}, {"bias", 0.0}, {"seed", 3}}, 0.99);
    std::string metrics = slurp(broken / "metrics.jsonl");
    metrics.replace(metrics.find("\"step\":30"), 9, "\"step\":\"30\"");
    std::ofstream(broken / "metrics.jsonl") << metrics;
    const ReportFiles files = build_report({run.dir()});
    CHECK_THAT(files.markdown, Catch::Contains((broken / "metrics.jsonl").string() + ":2: \"step\" is \"30\"; expected a whole number"));
    const json j = json::parse(files.json);
    CHECK(j["damaged"].size() == 1);
    CHECK(entry(j["summary"]["rankings"][0], "elu")["n"] == 2);
}

TEST_CASE("a report of 88 groups reads in a real browser: no overlapping labels, legends off the data, sortable tables",
          "[report][browser]") {
    TempDir dir;
    // 22 activations × 2 inits × 2 biases = 88 groups of 2 seeds, with long names, as configs/activations.yaml has.
    std::vector<std::string> activations{"relu"};
    for (int i = 1; i < 22; ++i) activations.push_back("activation_with_a_long_name_" + std::to_string(i));
    // Paired seeds, so the page also carries the speed tables (a per context).
    FakeRun run(dir / "runs",
                {{"activation", activations}, {"init", {"he_normal", "xavier_uniform"}}, {"bias", {0.0, 0.1}}, {"seed", {1, 2}}}, "relu",
                true);
    for (std::size_t a = 0; a < activations.size(); ++a)
        for (const char* init : {"he_normal", "xavier_uniform"})
            for (double bias : {0.0, 0.1})
                for (int s = 1; s <= 2; ++s)
                    run.trial({{"activation", activations[a]}, {"init", init}, {"bias", bias}, {"seed", s}}, 0.7 + 0.01 * a + 0.003 * s,
                              a % 5 == 4 ? json(nullptr) : json(30 + a));
    const Result report = run_actbench(dir, "report " + run.dir().string() + " --out " + (dir / "rep").string());
    REQUIRE(report.code == 0);
    const json result = check_page_in_browser(dir, dir / "rep" / "report.html", "test accuracy");
    INFO(result.dump(2));
    CHECK_THAT(slurp(dir / "rep" / "report.html"), Catch::Contains("Steps to the target against relu, with "));
    // Δ forest, forest, heatmap, IQM, probability of improvement, the two overlays, loss, accuracy, last layer mean,
    // zeros (no learning-rate axis, so no dead-vs-lr)
    CHECK(result["svgs"] == 11);
    CHECK(result["marker_mismatch"].empty());
    CHECK(result["dead_links"].empty());
    CHECK(result["texts"].get<int>() > 500);
    CHECK(result["overlaps"].empty());
    CHECK(result["legend_on_data"].empty());
    CHECK(result["outside"].empty());
    CHECK(result["errors"].empty());
    CHECK(result["sorted"] == true);
    CHECK(result["reversed"] == true);
    // The page as a person sees it, kept beside the test binary.
    CHECK(fs::file_size(screenshot_artifact(dir, dir / "rep" / "report.html", "report-88-groups.png", 1300, 4000)) > 100000);
}

TEST_CASE("every committed study's report regenerates byte for byte from its committed results", "[report][results]") {
    // results/<study> holds the run store of a canonical study, reports/<study> its report; the report quotes the
    // run directory as given, so it is regenerated from the source tree with the same relative path.
    const fs::path source = ACTBENCH_SOURCE_DIR;
    std::vector<std::string> studies;
    for (const auto& e : fs::directory_iterator(source / "results"))
        if (fs::exists(e.path() / "manifest.json")) studies.push_back(e.path().filename().string());
    REQUIRE_FALSE(studies.empty());
    TempDir dir;
    for (const std::string& study : studies) {
        INFO(study);
        const fs::path out = dir / study;
        const Result r = run_actbench(dir, "report results/" + study + " --out " + out.string(), "cd " + source.string() + " && ");
        INFO(r.err);
        REQUIRE(r.code == 0);
        std::set<std::string> made, committed;
        for (const auto& f : fs::directory_iterator(out)) made.insert(f.path().filename().string());
        // A run store committed without its report (or a study still running into results/): say so, not throw.
        CHECK(fs::is_directory(source / "reports" / study));
        if (!fs::is_directory(source / "reports" / study)) continue;
        for (const auto& f : fs::directory_iterator(source / "reports" / study)) committed.insert(f.path().filename().string());
        CHECK(made == committed);
        for (const std::string& f : made) {
            INFO(f);
            CHECK(slurp(out / f) == slurp(source / "reports" / study / f));
        }
        // Huge numbers print in scientific notation: dead_lr's diverged loss was a 35-digit fixed-point number.
        CHECK_FALSE(std::regex_search(slurp(out / "report.md"), std::regex("[0-9]{10,}\\.[0-9]")));
    }
    // The index of them (actbench index reports) regenerates too.
    const IndexFiles index = build_index(source / "reports");
    CHECK(index.markdown == slurp(source / "reports" / "index.md"));
    CHECK(index.html == slurp(source / "reports" / "index.html"));
    // Every ranking (actbench rank: a reports/<name>/rank.md, e.g. across_datasets) regenerates too, from the studies
    // its page lists ("- **study** (…").
    for (const auto& e : fs::directory_iterator(source / "reports")) {
        if (!fs::exists(e.path() / "rank.md")) continue;
        INFO(e.path());
        std::string args;
        const std::string md = slurp(e.path() / "rank.md");
        const std::regex study_line("\n- \\*\\*([A-Za-z0-9_]+)\\*\\* \\(");
        for (std::sregex_iterator it(md.begin(), md.end(), study_line), end; it != end; ++it) args += " results/" + (*it)[1].str();
        REQUIRE_FALSE(args.empty());
        const fs::path out = dir / ("rank-" + e.path().filename().string());
        const Result r = run_actbench(dir, "rank" + args + " --out " + out.string(), "cd " + source.string() + " && ");
        INFO(r.err);
        REQUIRE(r.code == 0);
        for (const auto& f : fs::directory_iterator(e.path())) {
            INFO(f.path());
            CHECK(slurp(out / f.path().filename()) == slurp(f.path()));
        }
    }
}

TEST_CASE("diverged seeds count in the adaptive verdict and are named — equal means share their rank", "[report][pairing]") {
    // "identity" matches relu within ±0.0004 on its 6 finished seeds of 8; 2 diverged. Before, the rounds tested
    // the 6 survivors and called it equivalent, and the summary did not say that seeds diverged.
    // "twin" has relu's mean exactly (the same counts, summed in another order): it shares relu's rank.
    TempDir dir;
    FakeRun run(
        dir / "runs",
        {{"activation", {"relu", "identity", "twin"}}, {"init", {"he_normal"}}, {"bias", {0.0}}, {"seed", {1, 2, 3, 4, 5, 6, 7, 8}}},
        "relu", true);
    json manifest = json::parse(slurp(run.dir() / "manifest.json"));
    manifest["config"]["adaptive"] = {{"min", 4}, {"max", 8}, {"step", 4}, {"margin", 0.005}};
    write_atomic(run.dir() / "manifest.json", manifest.dump(2));
    const std::vector<double> relu{0.9670, 0.9682, 0.9654, 0.9700, 0.9640, 0.9662, 0.9688, 0.9676};
    for (int s = 0; s < 8; ++s) {
        const json cell{{"init", "he_normal"}, {"bias", 0.0}, {"seed", s + 1}};
        auto with = [&](const char* a) {
            json c = cell;
            c["activation"] = a;
            return c;
        };
        run.trial(with("relu"), relu[s]);
        const bool diverged = s == 2 || s == 5;
        run.trial(with("identity"), diverged ? 0.1 : relu[s] + (s % 2 ? 0.0004 : -0.0004), 40, diverged ? "diverged" : "ok");
        run.trial(with("twin"), relu[(s + 3) % 8]);  // the same values, another order
    }
    const json summary = summary_json(run.dir());
    const json identity = entry(summary["rankings"][0], "identity");
    CHECK(identity["verdict"] != "equivalent");
    CHECK(identity["diverged"] == 2);
    CHECK(identity["pairs"] == 8);  // the diverged seeds are in the pairs, at accuracy 0
    CHECK(identity["difference"].get<double>() < -0.2);
    CHECK(entry(summary["rankings"][0], "twin")["rank"] == entry(summary["rankings"][0], "relu")["rank"]);
    const Result r = run_actbench(dir, "report " + run.dir().string());
    CHECK_THAT(r.out, Catch::Contains("Seeds diverged in **identity** (2 of 8)"));
    CHECK_THAT(
        r.out,
        Catch::Contains("highest mean final test accuracy (a diverged seed counted at 0) is **relu** and **twin**'s, shared exactly"));
    // The margin is stated with its origin and its size against the baseline's spread (relu's sample standard deviation 0.0019).
    CHECK_THAT(r.out, Catch::Contains("within ±0.005 (the config's `adaptive.margin`, a stated choice rather than one estimated from these "
                                      "data: 2.6× relu's seed-to-seed standard deviation of 0.0019)"));
}

TEST_CASE("two names for one function are compared once: an alias is listed, not counted in the family", "[report][pairing]") {
    TempDir dir;
    // silu is swish to the last bit on every paired seed, as the built-ins are (comparison counted 21 comparisons
    // where 19 functions are distinct).
    FakeRun run(dir / "runs",
                {{"activation", {"relu", "swish", "silu", "tanh"}}, {"init", {"he_normal"}}, {"bias", {0.0}}, {"seed", {1, 2, 3, 4}}},
                "relu", true);
    for (int s = 1; s <= 4; ++s) {
        const json cell{{"init", "he_normal"}, {"bias", 0.0}, {"seed", s}};
        auto with = [&](const char* a) {
            json c = cell;
            c["activation"] = a;
            return c;
        };
        run.trial(with("relu"), 0.85 + 0.002 * s);
        run.trial(with("swish"), 0.86 + 0.003 * s);
        run.trial(with("silu"), 0.86 + 0.003 * s);
        run.trial(with("tanh"), 0.83 + 0.001 * s);
    }
    const json summary = summary_json(run.dir());
    CHECK(entry(summary["rankings"][0], "silu")["verdict"] == "alias");
    CHECK(entry(summary["rankings"][0], "swish")["verdict"] != "alias");
    CHECK(summary["comparisons"] == 2);  // swish and tanh; before, 3
    const Result r = run_actbench(dir, "report " + run.dir().string());
    CHECK_THAT(r.out, Catch::Contains("**silu** = **swish**: one function under two names"));
    CHECK_THAT(r.out, Catch::Contains("Of the 2 other activation value(s)"));
    CHECK_THAT(r.out, Catch::Contains("family of 2 comparison(s)"));
}

TEST_CASE("an interval's bounds print on the side of the reference they are on", "[report]") {
    // resnet_blocks' step ratio printed [0.88, 1.00] for an upper bound of 1.002: an interval that seemed to stop at 1.
    CHECK(interval_text("%.2f", 0.8812, 1.0021, 1) == "[0.88, 1.002]");
    CHECK(interval_text("%.2f", 0.9961, 1.04, 1) == "[0.996, 1.04]");
    CHECK(interval_text("%.2f", 0.8812, 0.9991, 1) == "[0.88, 0.999]");
    CHECK(interval_text("%.2f", 0.88, 1.0, 1) == "[0.88, 1.00]");  // on the reference exactly: as it is
    CHECK(interval_text("%+.4f", 0.00002, 0.0279, 0) == "[+0.00002, +0.0279]");
    CHECK(interval_text("%+.4f", -0.000041, 0.0279, 0) == "[-0.00004, +0.0279]");
    CHECK(interval_text("%.2f", 0.4999, 0.61, 0.5) == "[0.4999, 0.61]");
    // Without a reference, or further from it than the format shows, nothing changes; a bound closer than four more
    // digits can show keeps the longest form; a non-finite bound is "—".
    CHECK(interval_text("%.4f", 0.84999, 0.8601) == "[0.8500, 0.8601]");
    CHECK(interval_text("%.2f", 0.5, 1.0000000001, 1) == "[0.50, 1.000000]");
    CHECK(interval_text("%.2f", NAN, 1.2, 1) == "[—, 1.20]");
}

TEST_CASE("every committed report page reads in a real browser, on a laptop and on a phone", "[report][browser][results]") {
    // At 1366 px the answer is on the first screen, the forest plot's markers say what the table says, nothing
    // overlaps or is cut by the generator, every in-page link leads somewhere, no script fails; at 390 px (a phone)
    // the page does not scroll sideways (wide tables and figures scroll in their own boxes).
    const fs::path source = ACTBENCH_SOURCE_DIR;
    std::vector<fs::path> pages{source / "reports" / "index.html"};
    for (const auto& e : fs::directory_iterator(source / "reports"))
        for (const char* name : {"report.html", "rank.html"})
            if (fs::exists(e.path() / name)) pages.push_back(e.path() / name);
    std::sort(pages.begin(), pages.end());
    REQUIRE(pages.size() > 10);
    TempDir dir;
    for (const fs::path& page : pages) {
        const fs::path copy = dir / (page.parent_path().filename().string() + "-" + page.filename().string());
        fs::copy_file(page, copy);
        // Links to files (the page's other formats, the index's reports) lead to files that exist.
        const std::string html = slurp(page);
        const std::regex href("href=\"([^\"#:]+)\"");
        for (std::sregex_iterator it(html.begin(), html.end(), href), end; it != end; ++it) {
            INFO(page << " links " << (*it)[1].str());
            CHECK(fs::exists(page.parent_path() / (*it)[1].str()));
        }
        for (const int width : {1366, 390}) {
            const json r = check_page_in_browser(dir, copy, "", width);
            INFO(page << " at " << width << " px: " << r.dump());
            CHECK(r["errors"].empty());
            CHECK(r["page_width"].get<int>() <= r["view_width"].get<int>());
            CHECK(r["dead_links"].empty());
            CHECK(r["marker_mismatch"].empty());
            CHECK(r["numeric_without_key"].empty());
            CHECK(r["overlaps"].empty());
            CHECK(r["outside"].empty());
            CHECK(r["truncated"].empty());
            if (width == 1366 && slurp(page).find("<strong>Answer</strong>") != std::string::npos) {
                CHECK(r["answer_bottom"].get<double>() > 0);
                CHECK(r["answer_bottom"].get<double>() <= 900);
            }
        }
        // The top of three pages as a person sees it, on a laptop and on a phone, kept beside the test binary.
        const std::string study = page.parent_path().filename().string();
        if (study == "comparison" || study == "across_datasets" || study == "dead_lr")
            for (const auto& [width, height] : {std::pair{1366, 900}, std::pair{390, 844}})
                CHECK(fs::file_size(screenshot_artifact(dir, copy, study + "-top-" + std::to_string(width) + ".png", width, height)) > 10000);
    }
}
