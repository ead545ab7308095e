// `actbench export`: the tidy tables' schema and completeness, on a hand-built run directory.
#include "cli_helpers.hpp"
#include "fake_run.hpp"

#include <catch2/catch.hpp>

using namespace actbench;
using namespace actbench::test;

namespace {
std::vector<std::vector<std::string>> csv_rows(const std::string& text) {  // enough for these files: no quoted commas
    std::vector<std::vector<std::string>> rows;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) {
        std::vector<std::string> cells;
        std::size_t b = 0;
        for (std::size_t e; (e = line.find(',', b)) != std::string::npos; b = e + 1) cells.push_back(line.substr(b, e - b));
        cells.push_back(line.substr(b));
        rows.push_back(cells);
    }
    return rows;
}
std::size_t column(const std::vector<std::string>& header, const std::string& name) {
    const auto it = std::find(header.begin(), header.end(), name);
    REQUIRE(it != header.end());
    return static_cast<std::size_t>(it - header.begin());
}
}  // namespace

TEST_CASE("export writes tidy trials, long-form curves and groups, complete and in full precision", "[export]") {
    TempDir dir;
    FakeRun run(dir / "runs", {{"activation", {"relu", "tanh"}}, {"init", {"he_normal"}}, {"bias", {0.0}}, {"seed", {1, 2}}});
    run.trial({{"activation", "relu"}, {"init", "he_normal"}, {"bias", 0.0}, {"seed", 1}}, 0.8123456789012345);
    run.trial({{"activation", "relu"}, {"init", "he_normal"}, {"bias", 0.0}, {"seed", 2}}, 0.81, nullptr);  // never reached the target
    run.trial({{"activation", "tanh"}, {"init", "he_normal"}, {"bias", 0.0}, {"seed", 1}}, 0.1, nullptr, "diverged");
    const fs::path damaged = run.trial({{"activation", "tanh"}, {"init", "he_normal"}, {"bias", 0.0}, {"seed", 2}}, 0.7);
    std::ofstream(damaged / "summary.json") << "{}";

    const Result r = run_actbench(dir, "export " + run.dir().string() + " --out " + (dir / "out").string());
    INFO(r.err);
    REQUIRE(r.code == 0);
    const auto trials = csv_rows(slurp(dir / "out" / "trials.csv"));
    const auto& h = trials[0];
    for (const char* c : {"trial_id", "activation", "init", "bias", "seed", "status", "error", "final_test_accuracy", "steps_to_target",
                          "target_reached", "dead_fraction_final", "inactive_fraction_final"})
        CHECK(std::find(h.begin(), h.end(), c) != h.end());
    REQUIRE(trials.size() == 1 + 4);  // every trial, the damaged one too (status damaged, with the reason)
    std::map<std::string, std::vector<std::string>> by_id;
    for (std::size_t i = 1; i < trials.size(); ++i) by_id[trials[i][0]] = trials[i];
    CHECK(by_id.at("t0")[column(h, "final_test_accuracy")] == "0.8123456789012345");
    CHECK(by_id.at("t0")[column(h, "target_reached")] == "true");
    CHECK(by_id.at("t1")[column(h, "steps_to_target")].empty());  // censored: empty, and said beside it
    CHECK(by_id.at("t1")[column(h, "target_reached")] == "false");
    CHECK(by_id.at("t1")[column(h, "inactive_fraction_final")].empty());  // not applicable to a rectifier
    CHECK(by_id.at("t2")[column(h, "status")] == "diverged");
    CHECK(by_id.at("t3")[column(h, "status")] == "damaged");
    CHECK_THAT(by_id.at("t3")[column(h, "error")], Catch::Contains("summary.json"));

    // Curves: every evaluation point of every usable trial, one row per metric and layer.
    const auto curves = csv_rows(slurp(dir / "out" / "curves.csv"));
    CHECK(curves[0] == std::vector<std::string>{"trial_id", "step", "epoch", "metric", "layer", "value"});
    std::size_t expected = 0;
    for (const char* t : {"t0", "t1", "t2"}) {
        std::istringstream in(slurp(run.dir() / t / "metrics.jsonl"));
        for (std::string line; std::getline(in, line);) {
            const json row = json::parse(line);
            for (auto it = row.begin(); it != row.end(); ++it)
                if (it.key() != "step" && it.key() != "epoch") expected += it->is_array() ? it->size() : 1;
        }
    }
    CHECK(curves.size() == 1 + expected);
    bool null_as_empty = false;
    for (const auto& c : curves)
        if (c[3] == "inactive_fraction" && c[4] == "1") null_as_empty |= c[5].empty();
    CHECK(null_as_empty);

    const auto groups = csv_rows(slurp(dir / "out" / "groups.csv"));
    REQUIRE(groups.size() == 1 + 2);
    CHECK(groups[0][0] == "activation");
    CHECK(groups[1][column(groups[0], "n")] == "2");
    CHECK(groups[2][column(groups[0], "diverged")] == "1");
    CHECK(groups[2][column(groups[0], "mean")].empty());  // no finished seed: no mean

    // JSON Lines: the same rows, typed, null kept.
    REQUIRE(run_actbench(dir, "export " + run.dir().string() + " --format jsonl --out " + (dir / "j").string()).code == 0);
    std::istringstream in(slurp(dir / "j" / "trials.jsonl"));
    std::size_t lines = 0;
    for (std::string line; std::getline(in, line); ++lines) {
        const json row = json::parse(line);
        CHECK(row.contains("trial_id"));
        if (row["trial_id"] == "t1") CHECK(row["steps_to_target"].is_null());
        if (row["trial_id"] == "t0") CHECK(row["final_test_accuracy"].get<double>() == 0.8123456789012345);
    }
    CHECK(lines == 4);
    CHECK(run_actbench(dir, "export " + run.dir().string() + " --format parquet").code == 2);
    CHECK(run_actbench(dir, "export " + (dir / "nothing").string()).code == 2);
}

TEST_CASE("export of a tuned, adaptive study: stage, tuned value and round are columns — tuning trials only when asked", "[export]") {
    // The committed canonical comparison: 340 tuning trials (5 rates × 2 tuning seeds × 22 activations, and 2 more
    // seeds for the 12 choices too close to call) beside 304 final ones (4 to 16 seeds a group, as the rounds stopped). Before, trials.csv had neither stage nor train.lr, and a plain mean of ReLU over it was 0.810.
    TempDir dir;
    const fs::path study = fs::path(ACTBENCH_SOURCE_DIR) / "results" / "comparison";
    auto exported = [&](const std::string& stage) {
        const fs::path out = dir / stage;
        fs::create_directories(out);
        const Result r =
            run_actbench(dir, "export " + study.string() + " --out " + out.string() + (stage.empty() ? "" : " --stage " + stage));
        INFO(r.err);
        REQUIRE(r.code == 0);
        return csv_rows(slurp(out / "trials.csv"));
    };
    const auto final_rows = exported("");
    const auto& h = final_rows[0];
    const std::size_t stage = column(h, "stage"), lr = column(h, "train.lr"), round = column(h, "round"), act = column(h, "activation"),
                      status = column(h, "status"), acc = column(h, "final_test_accuracy"), seed = column(h, "seed");
    REQUIRE(final_rows.size() == 1 + 304);
    double relu_sum = 0;
    int relu_n = 0;
    for (std::size_t i = 1; i < final_rows.size(); ++i) {
        const auto& row = final_rows[i];
        CHECK(row[stage] == "final");
        CHECK(!row[lr].empty());
        // Rounds of 4 seeds from 4 to 16: seeds 1–4 are round 1, 5–8 round 2, …
        CHECK(row[round] == std::to_string((std::stoi(row[seed]) - 1) / 4 + 1));
        if (row[act] == "relu" && row[status] == "ok") relu_sum += std::stod(row[acc]), ++relu_n;
    }
    CHECK(relu_n == 16);
    CHECK(relu_sum / relu_n == Approx(0.8715125).margin(1e-9));  // the report's ReLU mean
    const auto tuning_rows = exported("tuning");
    REQUIRE(tuning_rows.size() == 1 + 340);
    for (std::size_t i = 1; i < tuning_rows.size(); ++i) {
        CHECK(tuning_rows[i][column(tuning_rows[0], "stage")] == "tuning");
        CHECK(tuning_rows[i][column(tuning_rows[0], "round")].empty());
    }
    // With the confirmation (adaptive.confirm: 8 fresh seeds for each decided comparison and ReLU) stored beside them.
    const auto confirm_rows = exported("confirm");
    CHECK(confirm_rows.size() > 1);
    for (std::size_t i = 1; i < confirm_rows.size(); ++i) CHECK(std::stoi(confirm_rows[i][column(confirm_rows[0], "seed")]) > 16);
    CHECK(exported("all").size() == 1 + 644 + (confirm_rows.size() - 1));
    const Result bad = run_actbench(dir, "export " + study.string() + " --stage first");
    CHECK(bad.code == 2);
    CHECK_THAT(bad.err, Catch::Contains("--stage"));
}
