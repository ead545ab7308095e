// tune: the choice rule on hand-built results, the config's refusals, and two stages end to end (resume within
// and between them, verify).
#include "cli_helpers.hpp"
#include "config/config.hpp"
#include "core/error.hpp"
#include "run/tuning.hpp"

#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

using namespace actbench;
using namespace actbench::test;

TEST_CASE("a cell chooses the best mean validation score — diverged or unfinished values never — ties go first", "[tuning]") {
    auto value = [](double v, std::vector<double> scores, int diverged = 0) { return TunedValue{v, std::move(scores), 2, diverged}; };
    CHECK(choose_value({value(0.01, {0.80, 0.82}), value(0.03, {0.85, 0.84}), value(0.1, {0.70, 0.72})}, "validation_accuracy") == 1);
    CHECK(choose_value({value(0.01, {0.80, 0.82}), value(0.03, {0.95}, 1), value(0.1, {0.70, 0.72})}, "validation_accuracy") == 0);
    CHECK(choose_value({value(0.01, {0.80, 0.82}), value(0.03, {0.99})}, "validation_accuracy") == 0);  // 0.03 lacks a seed
    CHECK(choose_value({value(0.01, {0.81, 0.81}), value(0.03, {0.80, 0.82})}, "validation_accuracy") == 0);  // a tie
    CHECK(choose_value({value(0.01, {0.5, 0.6}), value(0.03, {0.4, 0.45})}, "validation_loss") == 1);
    CHECK(choose_value({value(0.01, {}, 2), value(0.03, {}, 2)}, "validation_accuracy") == -1);
}

TEST_CASE("a choice's lead over the runner-up, with its standard error — a lead under twice it is too close to call", "[tuning]") {
    auto value = [](double v, std::vector<double> scores, int diverged = 0) { return TunedValue{v, std::move(scores), 2, diverged}; };
    // comparison's ELU: 0.8894 against 0.8883 on two seeds each; here 0.889 ± 0.002 against 0.888 ± 0.002.
    const std::vector<TunedValue> elu{value(0.003, {0.886, 0.890}), value(0.01, {0.887, 0.891}), value(0.03, {0.95}, 1)};
    const int chosen = choose_value(elu, "validation_accuracy");
    REQUIRE(chosen == 1);
    const ChoiceMargin m = choice_margin(elu, chosen, "validation_accuracy");
    CHECK(m.runner_up == 0);  // the diverged 0.03 never qualifies, however high its seed
    CHECK(m.gap == Approx(0.001));
    CHECK(m.standard_error == Approx(std::sqrt(2 * 0.000008 / 2)));  // s² = 8e-6 each, n = 2
    CHECK(m.close());
    // A clear lead; in the loss's direction too.
    CHECK_FALSE(choice_margin({value(0.01, {0.80, 0.81}), value(0.03, {0.86, 0.87})}, 1, "validation_accuracy").close());
    const ChoiceMargin loss = choice_margin({value(0.01, {0.50, 0.52}), value(0.03, {0.40, 0.41})}, 1, "validation_loss");
    CHECK(loss.gap == Approx(0.105));
    CHECK_FALSE(loss.close());
    // No runner-up, or one seed (no standard error): never flagged.
    CHECK(choice_margin({value(0.01, {0.80, 0.81}), value(0.03, {}, 2)}, 0, "validation_accuracy").runner_up == -1);
    const ChoiceMargin single = choice_margin({TunedValue{0.01, {0.80}, 1, 0}, TunedValue{0.03, {0.801}, 1, 0}}, 1, "validation_accuracy");
    CHECK(std::isnan(single.standard_error));
    CHECK_FALSE(single.close());
}

TEST_CASE("bad tune blocks are refused with the file, line and column", "[tuning][config][errors]") {
    const std::string base =
        "name: t\ndataset: {kind: synthetic_shapes, classes: 3, validation: 0.2}\nsweep: {activation: [relu], seed: [1, 2]}\n";
    auto error_of = [](const std::string& text) {
        try {
            parse_config(text, "cfg.yaml");
        } catch (const InputError& e) {
            return std::string(e.what());
        }
        return std::string();
    };
    CHECK(error_of(base + "tune: {axis: train.lr, values: [0.01, 0.1], seeds: [101]}\n").empty());
    CHECK_THAT(error_of(base + "tune: {axis: train.lr, values: [0.01, 0.1], seeds: [2]}\n"),
               Catch::Contains("cfg.yaml:4:53: tune.seeds: 2 is also a value of sweep.seed"));
    CHECK_THAT(error_of(base + "tune: {axis: train.lr, values: [0.01], seeds: [101]}\n"),
               Catch::Contains("tune.values: expected at least two"));
    CHECK_THAT(error_of(base + "tune: {axis: lr, values: [0.01, 0.1], seeds: [101]}\n"),
               Catch::Contains("cfg.yaml:4:14: tune.axis: expected a setting's dotted path"));
    CHECK_THAT(error_of(base + "tune: {axis: train.lr, values: [0.01, 0.1], seeds: [101], select: test_accuracy}\n"),
               Catch::Contains("tune.select: unknown value 'test_accuracy'; valid: validation_accuracy, validation_loss"));
    CHECK_THAT(error_of(base + "tune: {axis: train.lr, values: [0.01, 0.1], seed: [101]}\n"),
               Catch::Contains("unknown key 'seed' in tune (did you mean 'seeds'?)"));
    CHECK_THAT(error_of(base + "tune: {axis: train.lr, values: [0.01, -1], seeds: [101]}\n"),
               Catch::Contains("train.lr: -1 is out of range"));
    const std::string no_validation = "name: t\ndataset: {kind: synthetic_shapes, classes: 3}\nsweep: {activation: [relu]}\n";
    CHECK_THAT(error_of(no_validation + "tune: {axis: train.lr, values: [0.01, 0.1], seeds: [101]}\n"),
               Catch::Contains("cfg.yaml:4:7: tune: choosing on a validation split needs one: set dataset.validation"));
    CHECK_THAT(error_of("name: t\ndataset: {kind: synthetic_shapes, classes: 3, validation: 0.2}\nsweep: {train.lr: [0.1, 0.2]}\n"
                        "tune: {axis: train.lr, values: [0.01, 0.1], seeds: [101]}\n"),
               Catch::Contains("tune.axis: 'train.lr' is also a sweep axis"));
    // an axis that is no setting, or that tuning cannot choose (the split it scores on), and repeated values
    CHECK_THAT(error_of(base + "tune: {axis: train.nosuch, values: [0.01, 0.1], seeds: [101]}\n"),
               Catch::Contains("cfg.yaml:4:14: tune.axis: 'train.nosuch' is not a setting; train has train.epochs"));
    CHECK_THAT(error_of(base + "tune: {axis: dataset.validation, values: [0.1, 0.2], seeds: [101]}\n"),
               Catch::Contains("cfg.yaml:4:14: tune.axis: dataset.validation picks the validation split that tuning scores on"));
    CHECK_THAT(error_of(base + "tune: {axis: train.lr, values: [0.1, 0.1], seeds: [101]}\n"),
               Catch::Contains("cfg.yaml:4:38: tune.values: value 0.1 appears twice"));
    CHECK_THAT(error_of(base + "tune: {axis: train.lr, values: [0.1, 0.2], seeds: [101, 101]}\n"),
               Catch::Contains("cfg.yaml:4:57: tune.seeds: value 101 appears twice"));
    CHECK(error_of(base + "tune: {axis: train.schedule, values: [constant, cosine], seeds: [101]}\n").empty());
    CHECK(error_of(base + "tune: {axis: model.conv1, values: [4, 8], seeds: [101]}\n").empty());
    // adaptive blocks
    const std::string plain = "name: t\ndataset: {kind: synthetic_shapes, classes: 3}\n";
    CHECK(error_of(plain + "baseline: relu\nsweep: {activation: [relu, tanh]}\nadaptive: {min: 3, max: 9, step: 3}\n").empty());
    CHECK_THAT(error_of(plain + "sweep: {activation: [relu, tanh]}\nadaptive: {min: 3, max: 9}\n"),
               Catch::Contains("cfg.yaml:4:11: adaptive: rounds stop each comparison with the baseline when it is decided; set baseline:"));
    CHECK_THAT(error_of(plain + "baseline: relu\nsweep: {activation: [relu, tanh], seed: [1, 2]}\nadaptive: {min: 3, max: 9}\n"),
               Catch::Contains("cfg.yaml:4:41: sweep.seed: adaptive seeds run seeds 1..adaptive.max in rounds; remove sweep.seed"));
    CHECK_THAT(error_of(plain + "baseline: relu\nsweep: {activation: [relu, tanh]}\nadaptive: {min: 9, max: 3}\n"),
               Catch::Contains("adaptive.max: 3 is out of range; expected 9.."));
    CHECK_THAT(
        error_of(plain + "baseline: relu\nsweep: {activation: [relu, tanh]}\nadaptive: {min: 3, max: 9, confirm: -1}\n"),
        Catch::Contains("cfg.yaml:5:37: adaptive.confirm (fresh seeds per decided comparison): -1 is out of range; expected 0..10000"));
    CHECK_THAT(error_of(plain + "baseline: relu\nsweep: {activation: [relu]}\nadaptive: {min: 3, max: 9}\n"),
               Catch::Contains("cfg.yaml:5:11: adaptive: sweep.activation holds only the baseline"));
    CHECK_THAT(error_of(plain + "baseline: relu\nsweep: {activation: [relu, tanh]}\nadaptive: {min: 3, max: 9, stop: 3}\n"),
               Catch::Contains("unknown key 'stop' in adaptive (did you mean 'step'?)"));
}

TEST_CASE("two stages end to end: the final trials run at each cell's chosen value — resume within and between stages",
          "[tuning][cli][e2e]") {
    TempDir dir;
    const fs::path cfg =
        write_config(dir, "t.yaml",
                     "name: tuned\n"
                     "dataset: {kind: synthetic_shapes, classes: 3, train_count: 192, test_count: 60, size: 16, validation: 0.25}\n"
                     "model: {conv1: 4, conv2: 8, dense: 16, kernel: 3, padding: 1}\n"
                     "train: {epochs: 2, batch: 16, probe: 32}\n"
                     "baseline: relu\n"
                     "tune: {axis: train.lr, values: [0.003, 0.03, 0.3], seeds: [101, 102]}\n"
                     "sweep: {activation: [relu, tanh], seed: [1, 2, 3]}\n");
    const Result validate = run_actbench(dir, "validate " + cfg.string());
    CHECK_THAT(validate.out, Catch::Contains("ok, 12 tuning trials, then 6 final trials"));
    const fs::path runs = dir / "runs";
    Result r = run_actbench(dir, "run " + cfg.string() + " --out " + runs.string());
    INFO(r.err);
    REQUIRE(r.code == 0);
    CHECK_THAT(r.err,
               Catch::Contains("(tuning stage): 12 trials") && Catch::Contains("(final stage): 6 trials") && Catch::Contains("18 ok"));
    // Every final trial ran at the value its cell chose, the one the report shows.
    const auto summary = nlohmann::json::parse(run_actbench(dir, "report " + runs.string() + " --out " + (dir / "rep").string()).code == 0
                                                   ? slurp(dir / "rep" / "report.json")
                                                   : std::string("{}"));
    std::map<std::string, double> final_lr;
    int tuning = 0, final = 0;
    for (const fs::path& d : trial_dirs(runs)) {
        const auto s = nlohmann::json::parse(slurp(d / "summary.json"));
        const std::string stage = s["axes"]["stage"];
        (stage == "tuning" ? tuning : final)++;
        if (stage == "final") {
            const std::string act = s["axes"]["activation"];
            const double lr = s["settings"]["train"]["lr"];
            if (final_lr.count(act)) CHECK(final_lr[act] == lr);  // one value per cell
            final_lr[act] = lr;
            CHECK(s["axes"]["train.lr"] == lr);
        }
    }
    CHECK(tuning == 12);
    CHECK(final == 6);
    const std::string md = slurp(dir / "rep" / "report.md");
    for (const auto& [act, lr] : final_lr) {
        INFO(act << " " << lr);
        const std::string row_start = "| " + act + " | he_normal | 0.0 |";
        const auto at = md.find(row_start, md.find("## Tuning"));
        REQUIRE(at != std::string::npos);
        const std::string row = md.substr(at, md.find('\n', at) - at);
        CHECK_THAT(row, Catch::Contains("| " + nlohmann::json(lr).dump() + " |"));
    }
    CHECK(summary["summary"]["rankings"][0]["entries"].size() == 2);  // the tuning trials are not in the ranking
    // Resume: nothing to do; then a lost tuning trial and a lost final trial are retrained, and nothing changes.
    const auto before = metrics_files(runs);
    r = run_actbench(dir, "run " + cfg.string() + " --out " + runs.string());
    CHECK_THAT(r.err, Catch::Contains("12 already done, 0 to run") && Catch::Contains("6 already done, 0 to run"));
    int removed_tuning = 0, removed_final = 0;
    for (const fs::path& d : trial_dirs(runs)) {
        const std::string stage = nlohmann::json::parse(slurp(d / "summary.json"))["axes"]["stage"];
        if (stage == "tuning" && removed_tuning++ == 0) fs::remove_all(d);
        if (stage == "final" && removed_final++ == 0) fs::remove_all(d);
    }
    r = run_actbench(dir, "run " + cfg.string() + " --out " + runs.string());
    CHECK_THAT(r.err, Catch::Contains("11 already done, 1 to run") && Catch::Contains("5 already done, 1 to run"));
    CHECK(metrics_files(runs) == before);
    // verify retrains trials of both stages.
    const Result v = run_actbench(dir, "verify " + runs.string());
    CHECK(v.code == 0);
    CHECK(std::count(v.out.begin(), v.out.end(), '\n') == 18);
    // plan shows both stages.
    const Result plan = run_actbench(dir, "plan " + cfg.string());
    CHECK_THAT(plan.out, Catch::Contains("stage 1 (tuning train.lr over 3 values") && Catch::Contains("stage 2 (final): 6 trials"));
}

TEST_CASE("adaptive seeds end to end: equal groups stop at the first round, the rest get more — reruns repeat the sequence",
          "[tuning][sequential][cli][e2e]") {
    TempDir dir;
    // relu_too is relu under another name: with paired seeds, the same bits on every seed, so an alias of the baseline
    // after the first look (no comparison of its own, no more seeds; before, it counted in m as "equivalent").
    const fs::path cfg = write_config(dir, "a.yaml",
                                      "name: adaptive\n"
                                      "dataset: {kind: synthetic_shapes, classes: 3, train_count: 192, test_count: 60, size: 16}\n"
                                      "model: {conv1: 4, conv2: 8, dense: 16, kernel: 3, padding: 1}\n"
                                      "train: {epochs: 2, batch: 16, lr: 0.05, probe: 32}\n"
                                      "activations: {relu_too: {base: leaky_relu, slope: 0}}\n"
                                      "baseline: relu\n"
                                      "adaptive: {min: 3, max: 6, step: 3, margin: 0.005}\n"
                                      "sweep: {activation: [relu, relu_too, tanh]}\n");
    CHECK_THAT(run_actbench(dir, "validate " + cfg.string()).out, Catch::Contains("ok, 9 to 18 trials (adaptive seeds)"));
    const fs::path runs = dir / "runs";
    Result r = run_actbench(dir, "run " + cfg.string() + " --out " + runs.string());
    INFO(r.err);
    REQUIRE(r.code == 0);
    std::map<std::string, int> seeds;
    for (const fs::path& d : trial_dirs(runs)) ++seeds[nlohmann::json::parse(slurp(d / "summary.json"))["axes"]["activation"]];
    CHECK(seeds["relu_too"] == 3);  // known as an alias at the first look
    CHECK_THAT(r.err, Catch::Contains("1 value(s) are another name for an earlier one (bit-identical trials): 1 comparison(s)"));
    CHECK(seeds["relu"] == seeds["tanh"]);  // the baseline runs as long as a comparison in its context is open
    const auto report = nlohmann::json::parse(
        (run_actbench(dir, "report " + runs.string() + " --out " + (dir / "rep").string()), slurp(dir / "rep" / "report.json")));
    for (const auto& e : report["summary"]["rankings"][0]["entries"])
        if (e["activation"] == "relu_too") {
            CHECK(e["verdict"] == "alias");
            CHECK(e["n"] == 3);
        }
    // A run stopped after its first round: the report says its undecided comparisons are pending, not undecided at max.
    REQUIRE(seeds["tanh"] == 6);  // undecided after the first round, so it ran the second
    const fs::path partial = dir / "partial";
    fs::copy(runs, partial, fs::copy_options::recursive);
    for (const fs::path& d : trial_dirs(partial))
        if (nlohmann::json::parse(slurp(d / "summary.json"))["axes"]["seed"].get<int>() > 3) fs::remove_all(d);
    REQUIRE(run_actbench(dir, "report " + partial.string() + " --out " + (dir / "prep").string()).code == 0);
    for (const auto& e : nlohmann::json::parse(slurp(dir / "prep" / "report.json"))["summary"]["rankings"][0]["entries"])
        if (e["activation"] == "tanh") {
            CHECK(e["verdict"] == "pending");
            CHECK(e["sequential_seeds"] == 3);
        }
    CHECK_THAT(slurp(dir / "prep" / "report.md"), Catch::Contains("the run has rounds to go"));
    // A finished run where one of tanh's last seeds failed (or diverged): its round ran, so nothing is pending.
    const fs::path lost = dir / "lost";
    fs::copy(runs, lost, fs::copy_options::recursive);
    for (const fs::path& d : trial_dirs(lost)) {
        const auto s = nlohmann::json::parse(slurp(d / "summary.json"));
        if (s["axes"]["activation"] != "tanh" || s["axes"]["seed"].get<int>() != 6) continue;
        std::ofstream(d / "summary.json") << nlohmann::json{
            {"id", s["id"]},
            {"status", "failed"},
            {"error", "out of memory"},
            {"axes", s["axes"]},
            {"settings", s["settings"]}}.dump(2);
    }
    REQUIRE(run_actbench(dir, "report " + lost.string() + " --out " + (dir / "lost-rep").string()).code == 0);
    for (const auto& e : nlohmann::json::parse(slurp(dir / "lost-rep" / "report.json"))["summary"]["rankings"][0]["entries"])
        if (e["activation"] == "tanh") CHECK(e["verdict"] != "pending");
    // The same stored results give the same rounds: a rerun trains nothing, and after losing a trial it retrains just that one.
    const auto before = metrics_files(runs);
    r = run_actbench(dir, "run " + cfg.string() + " --out " + runs.string());
    CHECK(r.err.find("to run") != std::string::npos);
    CHECK_THAT(r.err, !Catch::Contains("1 to run") && !Catch::Contains("3 to run"));
    // The counts are the store's: each stored trial once, not once per round that includes its seed.
    CHECK_THAT(r.err, Catch::Contains(std::to_string(trial_dirs(runs).size()) + " already done\n"));
    fs::remove_all(trial_dirs(runs).front());
    r = run_actbench(dir, "run " + cfg.string() + " --out " + runs.string());
    CHECK(metrics_files(runs) == before);
    CHECK(run_actbench(
              dir, "validate " + write_config(dir, "b.yaml", "name: b\nadaptive: {min: 3, max: 6}\nsweep: {activation: [relu]}\n").string())
              .code == 2);
}

TEST_CASE(
    "confirmation seeds: after the rounds, decided comparisons and their baseline train fresh seeds — the report "
    "states the effect on them alone — a finished run is confirmed in place",
    "[tuning][sequential][cli][e2e]") {
    TempDir dir;
    const std::string body =
        "dataset: {kind: synthetic_shapes, classes: 3, train_count: 192, test_count: 60, size: 16}\n"
        "model: {conv1: 4, conv2: 8, dense: 16, kernel: 3, padding: 1}\n"
        "train: {epochs: 2, batch: 16, lr: 0.05, probe: 32}\n"
        "activations: {nearly_relu: {base: leaky_relu, slope: 0.000001}}\n"
        "baseline: relu\n"
        "sweep: {activation: [relu, nearly_relu, tanh]}\n";
    const fs::path plain = write_config(dir, "a.yaml", "name: adaptive\nadaptive: {min: 3, max: 6, step: 3, margin: 0.005}\n" + body);
    const fs::path confirmed =
        write_config(dir, "c.yaml", "name: adaptive\nadaptive: {min: 3, max: 6, step: 3, margin: 0.005, confirm: 2}\n" + body);
    const fs::path runs = dir / "runs";
    CHECK_THAT(run_actbench(dir, "plan " + confirmed.string()).out,
               Catch::Contains("then confirmation: up to 6 trials (2 fresh seeds, 7–8, for each decided comparison and its baseline"));
    REQUIRE(run_actbench(dir, "run " + plain.string() + " --out " + runs.string()).code == 0);
    const auto before = metrics_files(runs);
    auto manifest = [&] { return nlohmann::json::parse(slurp(runs / "manifest.json")); };
    const nlohmann::json environment_before = manifest()["environment"];
    // The same run directory takes the confirmation (only adaptive.confirm differs): the stored trials stay, and
    // nearly_relu (a slope of 10⁻⁶: not relu's bits, but its accuracy on every seed, so equivalent at the first look)
    // and relu train seeds 7 and 8, stage "confirm"; tanh, undecided, none.
    Result r = run_actbench(dir, "run " + confirmed.string() + " --out " + runs.string());
    INFO(r.err);
    REQUIRE(r.code == 0);
    CHECK_THAT(r.err, Catch::Contains("confirmation: 2 fresh seeds for 1 decided comparison(s)"));
    std::map<std::string, std::set<int>> confirm_seeds;
    for (const fs::path& d : trial_dirs(runs)) {
        const auto s = nlohmann::json::parse(slurp(d / "summary.json"));
        if (s["axes"].value("stage", "") == "confirm") confirm_seeds[s["axes"]["activation"]].insert(s["axes"]["seed"].get<int>());
    }
    CHECK(confirm_seeds["nearly_relu"] == std::set<int>{7, 8});
    CHECK(confirm_seeds["relu"] == std::set<int>{7, 8});
    CHECK(confirm_seeds.count("tanh") == 0);
    CHECK(manifest()["config"]["adaptive"]["confirm"] == 2);  // the manifest records the confirmation ...
    CHECK(manifest()["environment"] == environment_before);  // ... and keeps the environment the rounds ran in
    for (const auto& [file, text] : before) CHECK(slurp(runs / file) == text);  // the rounds' trials are untouched
    // The report: the decision beside its effect on the fresh seeds (nearly_relu has relu's accuracy: Δ 0, confirmed).
    REQUIRE(run_actbench(dir, "report " + runs.string() + " --out " + (dir / "rep").string()).code == 0);
    const auto report = nlohmann::json::parse(slurp(dir / "rep" / "report.json"));
    for (const auto& e : report["summary"]["rankings"][0]["entries"]) {
        if (e["activation"] == "nearly_relu") {
            CHECK(e["verdict"] == "equivalent");
            CHECK(e["n"] == 3);  // the rounds' seeds only: the fresh ones are apart
            CHECK(e["confirmation"]["pairs"] == 2);
            CHECK(e["confirmation"]["difference"] == 0.0);
            CHECK(e["confirmation"]["confirmed"] == true);
        }
        if (e["activation"] == "tanh") {
            // The rounds' repeated interval (at 1 − 0.05/(2·2)), wider than the fixed-sample 95% one; no fixed-sample p.
            CHECK(e["p_value"].is_null());
            CHECK(e["design_level"].get<double>() == Approx(1 - 0.05 / 4));
            CHECK(e["design_interval"][0].get<double>() < e["difference_ci95"][0].get<double>());
            CHECK(e["design_interval"][1].get<double>() > e["difference_ci95"][1].get<double>());
        }
        if (e["activation"] == "tanh") CHECK(e["confirmation"].is_null());
    }
    const std::string md = slurp(dir / "rep" / "report.md");
    CHECK_THAT(md, Catch::Contains("Confirmation on 2 fresh paired seeds (7–8") && Catch::Contains("1 of 1 decisions confirmed"));
    CHECK_THAT(md, Catch::Contains("19 trials (15 ok, 0 diverged; then 4 confirmation)"));  // not counted as tuning
    CHECK_THAT(md,
               Catch::Contains("Confirmation on fresh seeds") && Catch::Contains("| CI of Δ (design) |") &&
                   Catch::Contains("repeated confidence intervals the rounds decided by, at 98.75%"));
    // A rerun trains nothing; export keeps the fresh seeds out of the final stage and writes them on request.
    r = run_actbench(dir, "run " + confirmed.string() + " --out " + runs.string());
    CHECK_THAT(r.err, !Catch::Contains("1 to run") && !Catch::Contains("2 to run") && !Catch::Contains("4 to run"));
    fs::create_directories(dir / "export");
    REQUIRE(run_actbench(dir, "export " + runs.string() + " --out " + (dir / "export").string() + " --stage confirm").code == 0);
    const std::string csv = slurp(dir / "export" / "trials.csv");
    CHECK(std::count(csv.begin(), csv.end(), '\n') == 1 + 4);
    // Confirmation seeds that would reuse a tuning seed are refused where confirm is written.
    const fs::path clash = write_config(dir, "t.yaml",
                                        "name: t\ndataset: {kind: synthetic_shapes, classes: 3, validation: 0.2}\nbaseline: relu\n"
                                        "sweep: {activation: [relu, tanh]}\ntune: {axis: train.lr, values: [0.01, 0.1], seeds: [8]}\n"
                                        "adaptive: {min: 3, max: 6, step: 3, confirm: 4}\n");
    r = run_actbench(dir, "validate " + clash.string());
    CHECK(r.code == 2);
    CHECK_THAT(r.err,
               Catch::Contains("t.yaml:6:") && Catch::Contains("adaptive.confirm: the confirmation seeds 7..10 include the tuning seed 8"));
}

TEST_CASE("tune.seeds_if_close: the cells whose choice is too close to call get more tuning seeds and choose on all",
          "[tuning][cli][e2e]") {
    TempDir dir;
    // relu's two rates are one apart in 10⁴: its choice on two seeds is too close to call, so both rates get seeds 103
    // and 104. tanh's rates are 100× apart: a clear choice, no more seeds.
    const std::string body = "dataset: {kind: synthetic_shapes, classes: 3, train_count: 192, test_count: 60, size: 16, validation: 0.25}\n"
                             "model: {conv1: 4, conv2: 8, dense: 16, kernel: 3, padding: 1}\n"
                             "train: {epochs: 2, batch: 16, probe: 32}\n"
                             "sweep: {activation: [relu], seed: [1]}\n";
    const fs::path cfg = write_config(dir, "c.yaml",
                                      "name: close\n" + body +
                                          "tune: {axis: train.lr, values: [0.05, 0.050005], seeds: [101, 102], seeds_if_close: [103, 104]}\n");
    CHECK_THAT(run_actbench(dir, "validate " + cfg.string()).out, Catch::Contains("ok, 4 to 8 tuning trials, then 1 final trials"));
    CHECK_THAT(run_actbench(dir, "plan " + cfg.string()).out, Catch::Contains("then [103,104] for the cells whose choice is too close to call"));
    const fs::path runs = dir / "runs";
    Result r = run_actbench(dir, "run " + cfg.string() + " --out " + runs.string());
    INFO(r.err);
    REQUIRE(r.code == 0);
    CHECK_THAT(r.err, Catch::Contains("1 choice(s) too close to call: more tuning seeds for them (tune.seeds_if_close)"));
    std::set<int> tuning_seeds;
    int final = 0;
    for (const fs::path& d : trial_dirs(runs)) {
        const auto s = nlohmann::json::parse(slurp(d / "summary.json"));
        if (s["axes"]["stage"] == "tuning") tuning_seeds.insert(s["axes"]["seed"].get<int>());
        final += s["axes"]["stage"] == "final";
    }
    CHECK(tuning_seeds == std::set<int>{101, 102, 103, 104});
    CHECK(trial_dirs(runs).size() == 9);  // 2 rates × 4 seeds, then the final trial
    CHECK(final == 1);
    // The report chooses as the runner did, on all four seeds, and says why there are four.
    REQUIRE(run_actbench(dir, "report " + runs.string() + " --out " + (dir / "rep").string()).code == 0);
    CHECK_THAT(slurp(dir / "rep" / "report.md"), Catch::Contains("1 cell(s) were too close to call on the tuning seeds and chose on"));
    // A rerun trains nothing.
    r = run_actbench(dir, "run " + cfg.string() + " --out " + runs.string());
    CHECK_THAT(r.err, Catch::Contains("0 ok, 0 diverged, 0 failed, 9 already done"));
    // Refused: a seed if close that is a tuning seed or a final seed, with its position.
    const fs::path again = write_config(dir, "a.yaml", "name: a\n" + body +
                                                         "tune: {axis: train.lr, values: [0.05, 0.5], seeds: [101, 102], seeds_if_close: [102]}\n");
    CHECK_THAT(run_actbench(dir, "validate " + again.string()).err,
               Catch::Contains("a.yaml:6:") && Catch::Contains("tune.seeds_if_close: 102 is also in tune.seeds"));
    const fs::path final_seed = write_config(dir, "f.yaml", "name: f\n" + body +
                                                              "tune: {axis: train.lr, values: [0.05, 0.5], seeds: [101], seeds_if_close: [1]}\n");
    CHECK_THAT(run_actbench(dir, "validate " + final_seed.string()).err, Catch::Contains("tune.seeds_if_close: 1 is also a value of sweep.seed"));
    // With adaptive seeds, whose reader reads the document again: stage 1's seed list is a new node (before, it was
    // written into tune.seeds, and the second reading found 103 "also in tune.seeds").
    const fs::path adaptive = write_config(dir, "d.yaml",
                                           "name: d\n" + body.substr(0, body.find("sweep:")) +
                                               "baseline: relu\nadaptive: {min: 2, max: 4, step: 2}\nsweep: {activation: [relu, tanh]}\n"
                                               "tune: {axis: train.lr, values: [0.05, 0.5], seeds: [101, 102], seeds_if_close: [103, 104]}\n");
    const Result d = run_actbench(dir, "validate " + adaptive.string());
    INFO(d.err);
    CHECK(d.code == 0);
    CHECK_THAT(d.out, Catch::Contains("8 to 16 tuning trials"));
}

TEST_CASE("a baseline on a swept setting, {AXIS: VALUE}, holds in a tuned study's stages", "[tuning][config]") {
    // Reading the baseline once wrote its value over the {AXIS: VALUE} node (yaml-cpp's node assignment writes through
    // to the document), so the stages read from the document later took it for an activation.
    const Config c = parse_config("name: t\n"
                                  "dataset: {kind: synthetic_shapes, classes: 3, train_count: 60, test_count: 30, size: 16, validation: 0.2}\n"
                                  "model: {conv1: 4, conv2: 8, dense: 16, kernel: 3, padding: 1}\n"
                                  "train: {epochs: 1, batch: 8}\n"
                                  "baseline: {train.l1_activation: 0.0}\n"
                                  "tune: {axis: train.lr, values: [0.01, 0.1], seeds: [101, 102]}\n"
                                  "adaptive: {min: 2, max: 4, step: 2}\n"
                                  "sweep: {train.l1_activation: [0.0, 0.001], activation: [relu]}\n",
                                  "cfg.yaml");
    for (const Config* stage : {&c, c.tuning_stage.get(), c.final_stage.get()}) {
        CHECK(stage->baseline_axis == "train.l1_activation");
        CHECK(stage->baseline == 0.0);
    }
}
