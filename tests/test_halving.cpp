// tune: {schedule: halving}: the cut and the schedule's cost on known values, the config's refusals, and a halving
// run end to end against the full schedule (the values that reach the budget have its bits; the pruned ones are
// its prefixes), with resume, shards, verify, plan and the report.
#include "config_errors.hpp"
#include "cli_helpers.hpp"
#include "config/config.hpp"
#include "core/error.hpp"
#include "run/tuning_choice.hpp"
#include "store/run_store.hpp"

#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

using namespace actbench;
using namespace actbench::test;

TEST_CASE("halving keeps the best ceil(n·keep) qualifying values, at least two, and never a diverged one", "[halving]") {
    CHECK(halving_kept(5, 0.5) == 3);
    CHECK(halving_kept(4, 0.5) == 2);  // 4 × 0.5 is exactly 2, not 3
    CHECK(halving_kept(5, 1.0 / 3) == 2);
    CHECK(halving_kept(3, 0.1) == 2);  // at least two
    CHECK(halving_kept(1, 0.5) == 1);
    CHECK(halving_kept(0, 0.5) == 0);
    auto value = [](double v, std::vector<double> scores, int diverged = 0) { return TunedValue{v, std::move(scores), 2, diverged}; };
    const std::vector<TunedValue> at{value(0.001, {0.60, 0.62}), value(0.003, {0.70, 0.72}), value(0.01, {0.80, 0.78}),
                                     value(0.03, {0.95}, 1), value(0.1, {0.75, 0.77})};
    // 0.03 diverged: four qualify, two go on (0.01 and 0.1), in value order.
    CHECK(halving_cut(at, {0, 1, 2, 3, 4}, 0.5, "validation_accuracy") == std::vector<std::size_t>{2, 4});
    CHECK(halving_cut(at, {0, 1}, 0.5, "validation_accuracy") == std::vector<std::size_t>{0, 1});
    // By loss, the lowest mean goes on; a tie goes to the earlier value.
    const std::vector<TunedValue> loss{value(1, {0.5, 0.5}), value(2, {0.4, 0.4}), value(3, {0.4, 0.4}), value(4, {0.9, 0.9})};
    CHECK(halving_cut(loss, {0, 1, 2, 3}, 0.25, "validation_loss") == std::vector<std::size_t>{1, 2});
    CHECK(halving_cut(loss, {0, 2, 3}, 0.25, "validation_loss") == std::vector<std::size_t>{0, 2});
}

TEST_CASE("the halving schedule's epochs, as a share of the full schedule's", "[halving]") {
    // 5 values, 5 epochs, rungs 1 and 2, half kept: 5·1 + 3·1 + 2·3 = 14 of 25.
    CHECK(halving_fraction(5, {1, 2}, 5, 0.5) == Approx(14.0 / 25));
    CHECK(halving_finalists(5, {1, 2}, 0.5) == 2);
    // 4 values, 4 epochs, rungs 1 and 2: 4 + 2 + 2·2 = 10 of 16.
    CHECK(halving_fraction(4, {1, 2}, 4, 0.5) == Approx(10.0 / 16));
    // Two values never drop below two: the schedule is the full one.
    CHECK(halving_fraction(2, {1, 2}, 4, 0.5) == Approx(1.0));
}

TEST_CASE("halve trains each value to a rung, prunes the cut ones there, and takes the rest to the budget", "[halving]") {
    // Value v's score at epoch e: a table; value 3 diverges in the second epoch.
    const std::vector<std::vector<double>> score{{0.5, 0.6, 0.7, 0.8}, {0.6, 0.7, 0.8, 0.85}, {0.7, 0.75, 0.78, 0.79}, {0.9, NAN, NAN, NAN}};
    std::vector<int> reached(4, 0), pruned(4, 0);
    halve(4, {1, 2}, 4, 0.5, "validation_accuracy",
          [&](std::size_t v, int epoch) {
              reached[v] = epoch;
              const double s = score[v][static_cast<std::size_t>(epoch - 1)];
              return std::isnan(s) ? TunedValue{static_cast<double>(v), {}, 1, 1} : TunedValue{static_cast<double>(v), {s}, 1, 0};
          },
          [&](std::size_t v, int epoch) { pruned[v] = epoch; });
    // Rung 1: 3 (0.9) and 2 (0.7) go on; 0 and 1 stop. Rung 2: 3 has diverged, so 2 alone goes on to the budget.
    CHECK(pruned == std::vector<int>{1, 1, 0, 2});
    CHECK(reached == std::vector<int>{1, 1, 4, 2});
}

TEST_CASE("bad halving schedules are refused with the file, line and column", "[halving][config][errors]") {
    const std::string base = "name: t\ndataset: {kind: synthetic_shapes, classes: 3, validation: 0.2}\ntrain: {epochs: 5}\n"
                             "sweep: {activation: [relu], seed: [1, 2]}\n";
    const std::string tune = "tune: {axis: train.lr, values: [0.01, 0.1, 0.3], seeds: [101]";
    CHECK(error_of(base + tune + ", schedule: halving, rungs: [1, 2], keep: 0.5}\n").empty());
    CHECK(error_of(base + tune + ", schedule: full}\n").empty());
    CHECK_THAT(error_of(base + tune + ", schedule: hyperband, rungs: [1]}\n"),
               Catch::Contains("cfg.yaml:5:") && Catch::Contains("tune.schedule: unknown value 'hyperband'; valid: full, halving"));
    CHECK_THAT(error_of(base + tune + ", rungs: [1]}\n"), Catch::Contains("tune.rungs: only with tune.schedule: halving"));
    CHECK_THAT(error_of(base + tune + ", schedule: halving}\n"), Catch::Contains("cfg.yaml:5:7: tune: schedule: halving needs rungs"));
    CHECK_THAT(error_of(base + tune + ", schedule: halving, rungs: [1, 5]}\n"),
               Catch::Contains("tune.rungs: 5 is not below the budget of 5 epochs (train.epochs)"));
    CHECK_THAT(error_of(base + tune + ", schedule: halving, rungs: [2, 2]}\n"),
               Catch::Contains("tune.rungs: 2 is not above the rung before it"));
    CHECK_THAT(error_of(base + tune + ", schedule: halving, rungs: [1.5]}\n"), Catch::Contains("tune.rungs: expected an integer, got '1.5'"));
    CHECK_THAT(error_of(base + tune + ", schedule: halving, rungs: [0]}\n"), Catch::Contains("tune.rungs: 0 is out of range"));
    CHECK_THAT(error_of(base + tune + ", schedule: halving, rungs: []}\n"), Catch::Contains("cfg.yaml:5:90: tune.rungs: the list is empty"));
    CHECK_THAT(error_of(base + tune + ", schedule: halving, rungs: [1], keep: 1}\n"), Catch::Contains("tune.keep: 1 is out of range"));
    CHECK_THAT(error_of(base + "tune: {axis: train.epochs, values: [4, 6], seeds: [101], schedule: halving, rungs: [1]}\n"),
               Catch::Contains("tune.schedule: halving compares values at the same epochs; it cannot tune train.epochs"));
    // The budget is every cell's: a swept train.epochs of 3 puts rung 3 at the budget.
    CHECK_THAT(error_of("name: t\ndataset: {kind: synthetic_shapes, classes: 3, validation: 0.2}\n"
                        "sweep: {activation: [relu], train.epochs: [3, 6]}\n" +
                        tune + ", schedule: halving, rungs: [3]}\n"),
               Catch::Contains("tune.rungs: 3 is not below the budget of 3 epochs"));
}

TEST_CASE("halving end to end: the values at the budget have the full schedule's bits, the pruned its prefixes",
          "[halving][tuning][cli][e2e]") {
    TempDir dir;
    const std::string common = "dataset: {kind: synthetic_shapes, classes: 4, train_count: 256, test_count: 64, size: 16, validation: 0.25}\n"
                               "model: {conv1: 4, conv2: 8, dense: 16, kernel: 3, padding: 1}\n"
                               "train: {epochs: 4, batch: 16, probe: 32}\n"
                               "sweep: {activation: [relu, tanh], seed: [1]}\n";
    const std::string tune = "tune: {axis: train.lr, values: [0.001, 0.01, 0.1, 3.0], seeds: [101, 102]";
    const fs::path halving = write_config(dir, "h.yaml", "name: h\n" + common + tune + ", schedule: halving, rungs: [1, 2]}\n");
    const fs::path full = write_config(dir, "f.yaml", "name: h\n" + common + tune + "}\n");
    const fs::path h = dir / "h", f = dir / "f";
    Result r = run_actbench(dir, "run " + halving.string() + " --out " + h.string() + " --jobs 2");
    INFO(r.err);
    REQUIRE(r.code == 0);
    REQUIRE(run_actbench(dir, "run " + full.string() + " --out " + f.string() + " --jobs 2 --quiet").code == 0);
    int pruned = 0, at_budget = 0, diverged = 0;
    for (const fs::path& d : trial_dirs(h)) {
        const auto s = nlohmann::json::parse(slurp(d / "summary.json"));
        const std::string stored = slurp(d / "metrics.jsonl"), reference = slurp(f / d.filename() / "metrics.jsonl");
        INFO(d.filename().string() << " " << s["axes"].dump());
        if (s.contains("pruned_at_epoch")) {
            ++pruned;
            CHECK(s["epochs_completed"] == s["pruned_at_epoch"]);
            CHECK(reference.rfind(stored, 0) == 0);  // a prefix, line for line
        } else {
            (s["status"] == "ok" ? at_budget : diverged)++;
            CHECK(stored == reference);
        }
    }
    // Per activation two of the four values stop at rung 1, two seeds each: pruned, or diverged (relu at 3.0).
    CHECK(pruned + diverged == 8);
    CHECK(diverged <= 2);
    CHECK(at_budget == 10);  // two values per activation and two tuning seeds, and the final seed of each
    // The same choices, so the same final trials.
    for (const fs::path& d : trial_dirs(f)) {
        const auto s = nlohmann::json::parse(slurp(d / "summary.json"));
        if (s["axes"]["stage"] == "final") CHECK(fs::exists(h / d.filename() / "summary.json"));
    }
    // Resume: a lost pruned trial and a lost survivor are trained again with the same bits, the rest read.
    const auto before = metrics_files(h);
    bool lost_pruned = false, lost_survivor = false;
    for (const fs::path& d : trial_dirs(h)) {
        const auto s = nlohmann::json::parse(slurp(d / "summary.json"));
        if (s["axes"]["stage"] != "tuning" || s["status"] != "ok") continue;
        bool& lost = s.contains("pruned_at_epoch") ? lost_pruned : lost_survivor;
        if (!lost) fs::remove_all(d), lost = true;
    }
    r = run_actbench(dir, "run " + halving.string() + " --out " + h.string() + " --jobs 1");
    INFO(r.err);
    CHECK(r.code == 0);
    CHECK(metrics_files(h) == before);
    // Shards split by group: two shards store what one run stores.
    const fs::path sharded = dir / "sharded";
    for (const char* shard : {"0/2", "1/2"}) {
        REQUIRE(run_actbench(dir, "run " + halving.string() + " --out " + sharded.string() + " --quiet --shard " + shard).code == 0);
        // After the first shard, whole groups are stored (4 values × 2 seeds each): a group is one shard's.
        if (shard == std::string("0/2")) {
            const auto s = nlohmann::json::parse(run_actbench(dir, "status " + sharded.string() + " --json").out);
            const auto& tuning = s["stored"]["tuning"];
            CHECK((tuning["ok"].get<int>() + tuning["diverged"].get<int>()) % 8 == 0);
            if (s["next"] == "tuning") CHECK(s["waiting"] == 16 - tuning["ok"].get<int>() - tuning["diverged"].get<int>());
            // The ETA: each waiting trial (the other activation: no stored trial like it) at the stored trials' mean
            // time, a pruned one counted at its time per epoch for all 4 epochs, times the share of the epochs
            // halving spends at most (4 values at rung 1, 2 on to 2 and to 4: 10 of 16 epochs).
            double full_seconds = 0, stored = 0;
            for (const fs::path& d : trial_dirs(sharded)) {
                const auto summary = nlohmann::json::parse(slurp(d / "summary.json"));
                double seconds = 0;
                for (const auto& row : read_jsonl(d / "timing.jsonl")) seconds += row.value("train_seconds", 0.0) + row.value("eval_seconds", 0.0);
                if (summary.contains("pruned_at_epoch")) seconds *= 4.0 / summary["pruned_at_epoch"].get<double>();
                full_seconds += seconds, stored += 1;
            }
            CHECK(halving_fraction(4, {1, 2}, 4, 0.5) == Approx(10.0 / 16));
            if (s["next"] == "tuning")
                CHECK(s["eta_core_seconds"].get<double>() == Approx(s["waiting"].get<double>() * full_seconds / stored * 10.0 / 16));
        }
    }
    CHECK(metrics_files(sharded) == before);
    // verify retrains the pruned trials to their epoch.
    const Result v = run_actbench(dir, "verify " + h.string());
    INFO(v.out << v.err);
    CHECK(v.code == 0);
    // The replay on the full schedule's store predicts the halving run: its choices and its steps.
    const Result replay = run_actbench(dir, "halving " + f.string() + " --rungs 1 2 --json");
    INFO(replay.err);
    REQUIRE(replay.code == 0);
    const auto predicted = nlohmann::json::parse(replay.out);
    double halving_steps = 0, full_steps = 0;
    std::map<std::string, nlohmann::json> chosen;  // activation -> the final trials' rate
    for (const auto& [run, steps] : {std::pair{h, &halving_steps}, std::pair{f, &full_steps}})
        for (const fs::path& d : trial_dirs(run)) {
            const auto s = nlohmann::json::parse(slurp(d / "summary.json"));
            if (s["axes"]["stage"] == "tuning") *steps += s["steps"].get<double>();
            if (s["axes"]["stage"] == "final" && run == h) chosen[s["axes"]["activation"]] = s["axes"]["train.lr"];
        }
    CHECK(predicted["halving_steps"].get<double>() == halving_steps);
    CHECK(predicted["full_steps"].get<double>() == full_steps);
    for (const auto& cell : predicted["cells"]) CHECK(cell["halving_choice"] == chosen[cell["cell"]["activation"]]);
    CHECK_THAT(run_actbench(dir, "halving " + h.string() + " --rungs 1 2").err, Catch::Contains("tuned with the halving schedule already"));
    CHECK_THAT(run_actbench(dir, "halving " + f.string() + " --rungs 1 4").err,
               Catch::Contains("--rungs: 4 is not below the budget of 4 epochs (train.epochs)"));
    CHECK_THAT(run_actbench(dir, "halving " + f.string() + " --rungs 2 1").err, Catch::Contains("--rungs: 1 is not above the rung before it"));
    CHECK_THAT(run_actbench(dir, "halving " + f.string() + " --rungs 0").err, Catch::Contains("--rungs: 0 is not a whole number of epochs from 1"));
    // plan states the schedule and both schedules' compute; the report marks the pruned values.
    const Result plan = run_actbench(dir, "plan " + halving.string());
    CHECK_THAT(plan.out, Catch::Contains("schedule: halving, compared at epochs [1,2] of 4") &&
                             Catch::Contains("at most 0.62 of the full schedule's epochs") && Catch::Contains("(full schedule "));
    REQUIRE(run_actbench(dir, "report " + h.string() + " --out " + (dir / "rep").string()).code == 0);
    CHECK_THAT(slurp(dir / "rep" / "report.md"), Catch::Contains(" at epoch 1 |"));
}
