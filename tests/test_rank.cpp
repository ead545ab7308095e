// `actbench rank` on hand-built studies (no training): ranks within each study, mean ranks, Friedman's test and the
// critical difference; the values not in every study; the refusals; and the page in a real browser.
#include "browser_check.hpp"
#include "cli_helpers.hpp"
#include "core/error.hpp"
#include "fake_run.hpp"
#include "report/across.hpp"

#include <catch2/catch.hpp>
#include <regex>

using namespace actbench;
using namespace actbench::test;
using nlohmann::json;

namespace {

// A study of `activations` with two seeds each, the i-th scoring accuracy[i] (± 0.001 by seed).
fs::path study(const fs::path& dir, const std::vector<std::string>& activations, const std::vector<double>& accuracy) {
    FakeRun run(dir, {{"activation", activations}, {"init", {"he_normal"}}, {"bias", {0.0}}, {"seed", {1, 2}}});
    for (std::size_t i = 0; i < activations.size(); ++i)
        for (int s = 1; s <= 2; ++s)
            run.trial({{"activation", activations[i]}, {"init", "he_normal"}, {"bias", 0.0}, {"seed", s}},
                      accuracy[i] + (s == 1 ? 0.001 : -0.001));
    return run.dir();
}

std::vector<std::vector<std::string>> csv_rows(const std::string& csv) {
    std::vector<std::vector<std::string>> rows;
    std::istringstream in(csv);
    for (std::string line; std::getline(in, line);) {
        std::vector<std::string> cells;
        std::string cell;
        bool quoted = false;
        for (char c : line) {
            if (c == '"')
                quoted = !quoted;
            else if (c == ',' && !quoted)
                cells.push_back(cell), cell.clear();
            else
                cell += c;
        }
        cells.push_back(cell);
        rows.push_back(cells);
    }
    return rows;
}

}  // namespace

TEST_CASE("rank: mean ranks over studies, Friedman's test and the critical difference", "[rank][report]") {
    TempDir dir;
    // Five studies agreeing that elu > relu > tanh > sigmoid, but for one where relu and tanh tie, and a value missing
    // from one study.
    std::vector<fs::path> studies;
    for (int i = 0; i < 5; ++i) {
        const double tie = i == 4 ? 0.0 : 0.01;
        std::vector<std::string> acts{"relu", "tanh", "sigmoid", "elu"};
        std::vector<double> acc{0.85, 0.85 - tie, 0.70, 0.90};
        if (i == 2) acts.push_back("swish"), acc.push_back(0.95);
        studies.push_back(study(dir / std::to_string(i), acts, acc));
    }
    const RankFiles files = build_rank(studies);
    const auto rows = csv_rows(files.csv);
    REQUIRE(rows.size() == 5);  // the header and the four values in every study, best first
    CHECK(rows[0][0] == "activation");
    CHECK(rows[0][1] == "mean_rank");
    CHECK(rows[1][0] == "elu");
    CHECK(std::stod(rows[1][1]) == 1);
    CHECK(rows[2][0] == "relu");
    CHECK(std::stod(rows[2][1]) == Approx((2 * 4 + 2.5) / 5));  // tied with tanh in the last study
    CHECK(rows[3][0] == "tanh");
    CHECK(std::stod(rows[3][1]) == Approx((3 * 4 + 2.5) / 5));
    CHECK(rows[4][0] == "sigmoid");
    CHECK(std::stod(rows[4][1]) == 4);
    CHECK(std::stod(rows[1][3]) == Approx(0.90).margin(1e-12));  // the accuracy the first study ranks elu by
    // Friedman by hand: χ² = 12·5/(4·5)·(1² + 2.1² + 2.9² + 4² − 4·25/4) = 3·(1 + 4.41 + 8.41 + 16 − 25) = 14.46.
    CHECK_THAT(files.markdown, Catch::Contains("χ²_F = 14.46"));
    CHECK_THAT(files.markdown, Catch::Contains("the mean ranks differ"));
    // CD = 2.569·√(4·5/(6·5)) = 2.10: sigmoid (4) is behind elu (1); relu (2.1) and tanh (2.9) are within reach.
    CHECK_THAT(files.markdown, Catch::Contains("is 2.10 ranks"));
    CHECK_THAT(files.markdown, Catch::Contains("Significantly behind elu: sigmoid. Within the critical difference of it: relu and tanh."));
    CHECK_THAT(files.markdown, Catch::Contains("Left out, not in every study: swish."));
    REQUIRE(files.svgs.count("cd_diagram.svg") == 1);
    const std::string& svg = files.svgs.at("cd_diagram.svg");
    CHECK_THAT(svg, Catch::Contains("CD = 2.10"));
    CHECK(std::count(svg.begin(), svg.end(), '\n') > 20);
    // Two bars: elu … tanh and relu … sigmoid (each run within 2.10 of its first).
    std::size_t bars = 0;
    for (std::size_t p = 0; (p = svg.find("not significantly different", p)) != std::string::npos; ++p) ++bars;
    CHECK(bars == 2);
}

TEST_CASE("rank counts an alias once: k is the number of distinct functions", "[rank][report]") {
    TempDir dir;
    // Three paired studies where silu is swish bit for bit; in the third, "twin" equals relu only there.
    std::vector<fs::path> studies;
    for (int i = 0; i < 3; ++i) {
        const std::vector<std::string> acts{"relu", "swish", "silu", "tanh", "twin"};
        FakeRun run(dir / std::to_string(i), {{"activation", acts}, {"init", {"he_normal"}}, {"bias", {0.0}}, {"seed", {1, 2}}}, "relu", true);
        const std::vector<double> acc{0.85, 0.875 - 0.01 * i, 0.875 - 0.01 * i, 0.80 + 0.02 * i, i == 2 ? 0.85 : 0.84};
        for (std::size_t a = 0; a < acts.size(); ++a)
            for (int s = 1; s <= 2; ++s)
                run.trial({{"activation", acts[a]}, {"init", "he_normal"}, {"bias", 0.0}, {"seed", s}}, acc[a] + (s == 1 ? 0.001 : -0.001));
        studies.push_back(run.dir());
    }
    const RankFiles files = build_rank(studies, 0.05);
    CHECK_THAT(files.markdown, Catch::Contains("Ranked once, under the first name: silu = swish"));
    CHECK_THAT(files.markdown, Catch::Contains("for 4 values over 3 columns"));  // relu, swish, tanh, twin: not 5
    CHECK(files.markdown.find("| silu |") == std::string::npos);
    CHECK(files.markdown.find("| twin |") != std::string::npos);  // an alias in one study only is still a method
    // The page says what can be told apart before it gives the order (it led with "best mean rank").
    const std::size_t summary = files.markdown.find("## Summary");
    CHECK(files.markdown.find("Friedman's test", summary) < files.markdown.find("best mean rank", summary));
}

TEST_CASE("rank with a critical difference wider than the range of ranks says so once", "[rank][report]") {
    // Two studies ordering four values alike: Friedman rejects (the orders agree perfectly), but CD = 2.569·√(20/12) =
    // 3.32 exceeds the widest possible gap, 3: no pair can differ, said once.
    TempDir dir;
    const std::vector<std::string> acts{"relu", "tanh", "sigmoid", "elu"};
    const std::vector<double> acc{0.85, 0.84, 0.70, 0.90};
    const RankFiles files = build_rank({study(dir / "a", acts, acc), study(dir / "b", acts, acc)});
    CHECK_THAT(files.markdown, Catch::Contains("the mean ranks differ"));
    CHECK_THAT(files.markdown, Catch::Contains("is 3.32 ranks, wider than the whole range of ranks: no pair can differ"));
    CHECK(files.markdown.find("But no two") == std::string::npos);
}

TEST_CASE("rank refuses what it cannot sum up, naming the directory", "[rank][errors]") {
    TempDir dir;
    const fs::path a = study(dir / "a", {"relu", "tanh"}, {0.8, 0.7});
    FakeRun bias(dir / "b", {{"activation", {"relu"}}, {"init", {"he_normal"}}, {"bias", {0.0, 0.1}}, {"seed", {1, 2}}}, "");
    for (int s = 1; s <= 2; ++s)
        for (double b : {0.0, 0.1}) bias.trial({{"activation", "relu"}, {"init", "he_normal"}, {"bias", b}, {"seed", s}}, 0.8 + b / 10);
    try {
        build_rank({a, bias.dir()});
        FAIL("studies of different axes were summed up");
    } catch (const InputError& e) {
        CHECK_THAT(e.what(), Catch::Contains((dir / "b").string() + ": compares bias") && Catch::Contains("compares activation"));
    }
    CHECK_THROWS_AS(build_rank({dir / "nowhere"}), InputError);
    // One study: ranked, but nothing to test.
    CHECK_THAT(build_rank({a}).markdown, Catch::Contains("Ranking needs two studies"));
    const Result r = run_actbench(dir, "rank " + (dir / "nowhere").string());
    CHECK(r.code == 2);
    CHECK_THAT(r.err, Catch::Contains((dir / "nowhere").string()));
    // A significance level outside (0.001, 0.5) is a usage error naming the option.
    const Result bad_alpha = run_actbench(dir, "rank " + a.string() + " --alpha 2");
    CHECK(bad_alpha.code == 2);
    CHECK_THAT(bad_alpha.err, Catch::Contains("--alpha"));
}

TEST_CASE("rank's page with 22 values over 3 studies reads in a real browser", "[rank][browser]") {
    TempDir dir;
    std::vector<std::string> acts{"relu"};
    for (int i = 1; i < 22; ++i) acts.push_back("activation_with_a_long_name_" + std::to_string(i));
    std::vector<std::string> args;
    for (int s = 0; s < 3; ++s) {
        std::vector<double> acc;
        for (std::size_t i = 0; i < acts.size(); ++i) acc.push_back(0.7 + 0.01 * static_cast<double>((i * (s + 3)) % 22));
        args.push_back(study(dir / ("study" + std::to_string(s)), acts, acc).string());
    }
    std::string cmd = "rank";
    for (const auto& a : args) cmd += " " + a;
    const Result r = run_actbench(dir, cmd + " --out " + (dir / "rank").string());
    REQUIRE(r.code == 0);
    for (const char* f : {"rank.md", "rank.html", "rank.csv", "cd_diagram.svg"}) CHECK(fs::exists(dir / "rank" / f));
    CHECK(slurp(dir / "rank" / "rank.md") == r.out);
    const json result = check_page_in_browser(dir, dir / "rank" / "rank.html", "mean rank");
    INFO(result.dump(2));
    CHECK(result["svgs"] == 3);  // the critical-difference diagram, the performance profiles, the Δ matrix
    CHECK(result["texts"].get<int>() > 40);
    // The profiles against known values: at the smallest τ a value is within reach of the best exactly in the columns
    // where it is the best, so its line starts at that share of the three.
    const std::string profiles = slurp(dir / "rank" / "profiles.svg");
    int checked = 0;
    for (std::size_t i = 0; i < acts.size(); ++i) {
        int best_in = 0;
        for (std::size_t s = 0; s < 3; ++s) {  // accuracy 0.7 + 0.01 · ((i · (s + 3)) mod 22), as made above
            std::size_t top = 0;
            for (std::size_t j = 0; j < acts.size(); ++j) top = std::max(top, (j * (s + 3)) % 22);
            best_in += (i * (s + 3)) % 22 == top;
        }
        std::smatch m;
        const std::regex first_point("<title>" + acts[i] + "(?: \\(baseline\\))?: τ: accuracy below the column's best 0\\.0001, fraction of columns ([0-9.]+)</title>");
        if (!std::regex_search(profiles, m, first_point)) continue;
        INFO(acts[i]);
        CHECK(std::stod(m[1]) == Approx(best_in / 3.0).margin(1e-5));
        ++checked;
    }
    CHECK(checked >= 7);  // the top four, the bottom three (the baseline among them)
    CHECK_THAT(slurp(dir / "rank" / "delta_matrix.svg"), Catch::Contains("against relu in each column"));
    CHECK(result["overlaps"].empty());
    CHECK(result["outside"].empty());
    CHECK(result["errors"].empty());
    CHECK(result["sorted"] == true);
    CHECK(result["reversed"] == true);
    CHECK(fs::file_size(screenshot_artifact(dir, dir / "rank" / "rank.html", "rank-22-values.png", 1300, 1400)) > 20000);
}
