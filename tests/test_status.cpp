// `actbench status`: where a study stands, from its run directory alone, without training or writing anything.
#include "cli_helpers.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

using namespace actbench::test;

namespace {

const char* kTunedAdaptive =
    "name: st\n"
    "dataset: {kind: synthetic_shapes, classes: 3, train_count: 192, test_count: 60, size: 16, validation: 0.2}\n"
    "model: {conv1: 4, conv2: 8, dense: 16, kernel: 3, padding: 1}\n"
    "train: {epochs: 2, batch: 16, probe: 32}\n"
    "baseline: relu\n"
    "tune: {axis: train.lr, values: [0.01, 0.05], seeds: [101, 102]}\n"
    "adaptive: {min: 3, max: 6, step: 3, margin: 0.005}\n"
    "sweep: {activation: [relu, tanh]}\n";

// Every file under `dir` with its size: what status must leave as it found it.
std::map<std::string, std::uintmax_t> listing(const fs::path& dir) {
    std::map<std::string, std::uintmax_t> files;
    for (const auto& e : fs::recursive_directory_iterator(dir))
        if (e.is_regular_file()) files[e.path().string()] = e.file_size();
    return files;
}

nlohmann::json status_of(const TempDir& dir, const fs::path& runs) {
    const Result r = run_actbench(dir, "status " + runs.string() + " --json");
    INFO(r.err);
    REQUIRE(r.code == 0);
    return nlohmann::json::parse(r.out);
}

}  // namespace

TEST_CASE("status says which step a tuned, adaptive study waits for, and how many trials, without writing anything", "[status][cli][e2e]") {
    TempDir dir;
    const fs::path cfg = write_config(dir, "st.yaml", kTunedAdaptive), runs = dir / "runs";
    // Nothing run yet: no manifest to read the study from.
    const Result none = run_actbench(dir, "status " + runs.string());
    CHECK(none.code == 2);
    CHECK_THAT(none.err, Catch::Contains(runs.string()) && Catch::Contains("manifest.json"));

    // Half of the tuning trials (one shard of two): the choice waits for the others.
    REQUIRE(run_actbench(dir, "run " + cfg.string() + " --out " + runs.string() + " --shard 0/2 --quiet").code == 0);
    const auto before = listing(runs);
    nlohmann::json s = status_of(dir, runs);
    CHECK(listing(runs) == before);
    CHECK(s["next"] == "tuning");
    const auto& tuning = s["stored"]["tuning"];
    CHECK(tuning["ok"].get<int>() + tuning["diverged"].get<int>() + s["waiting"].get<int>() == 8);  // 2 values × 2 seeds × 2
    CHECK(s["waiting"].get<int>() > 0);
    CHECK(s["core_seconds_per_trial"].get<double>() > 0);
    const Result text = run_actbench(dir, "status " + runs.string() + " --jobs 2");
    CHECK_THAT(text.out, Catch::Contains("next: tuning: " + std::to_string(s["waiting"].get<int>()) + " trial(s) to train, about "));

    // The whole protocol: nothing left.
    REQUIRE(run_actbench(dir, "run " + cfg.string() + " --out " + runs.string() + " --quiet").code == 0);
    s = status_of(dir, runs);
    CHECK(s["next"] == "done");
    CHECK(s["stored"]["final"]["ok"].get<int>() + s["stored"]["final"]["diverged"].get<int>() >= 6);

    // A trial of the first round lost (a node died): the rounds wait for it.
    for (const fs::path& d : trial_dirs(runs)) {
        const auto summary = nlohmann::json::parse(slurp(d / "summary.json"));
        if (summary["axes"].value("stage", "") == "final" && summary["axes"]["seed"] == 2) {
            fs::remove_all(d);
            break;
        }
    }
    s = status_of(dir, runs);
    CHECK(s["next"] == "final, round 1 of 2");
    CHECK(s["waiting"] == 1);

    // Another config than the one that made the run is refused, named.
    std::string other = kTunedAdaptive;
    other.replace(other.find("epochs: 2"), 9, "epochs: 3");
    const Result wrong = run_actbench(dir, "status " + runs.string() + " --config " + write_config(dir, "other.yaml", other).string());
    CHECK(wrong.code == 2);
    CHECK_THAT(wrong.err, Catch::Contains("other.yaml") && Catch::Contains("not the one"));
}
