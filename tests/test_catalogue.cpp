// configs/catalogue.yaml, the literature's activations written in config alone: every definition names its source,
// loads (which runs the formula check: finite on [−8, 8], exact derivatives against finite differences), and trains
// through the real binary on a tiny budget at two of the tuning grid's rates: at one of them at least it finishes with
// a finite loss and a test loss below the initialisation's, and its learned parameters move.
#include "cli_helpers.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <yaml-cpp/yaml.h>

#include <cmath>
#include <set>

using namespace actbench::test;

namespace {

const fs::path kCatalogue = fs::path(ACTBENCH_SOURCE_DIR) / "configs" / "catalogue.yaml";

// The catalogue's activations: sweep order, and which of them learn parameters.
struct Entry {
    std::string name;
    bool learned = false;
};

std::vector<Entry> entries(const YAML::Node& doc) {
    std::vector<Entry> out;
    for (const auto& a : doc["sweep"]["activation"]) {
        const std::string name = a.as<std::string>();
        const YAML::Node def = doc["activations"][name];
        out.push_back({name, def && def["learn"]});
    }
    return out;
}

// The catalogue's activations section and sweep on a tiny budget: the header and the protocol replaced.
std::string tiny_config(const std::string& text) {
    const auto defs = text.find("\nactivations:\n"), defs_end = text.find("\nbaseline:"), sweep = text.find("\nsweep:\n");
    REQUIRE((defs != std::string::npos && defs_end != std::string::npos && sweep != std::string::npos));
    std::string sweep_text = text.substr(sweep);
    sweep_text.replace(sweep_text.find("  bias: [0.0]"), 13, "  bias: [0.0]\n  seed: [1]\n  train.lr: [0.003, 0.03]");
    return "name: catalogue_tiny\n"
           "dataset: {kind: synthetic_shapes, classes: 3, train_count: 192, test_count: 48, size: 16, seed: 7, normalize: standard}\n"
           "model: {conv1: 4, conv2: 8, dense: 16, kernel: 3, padding: 1}\n"
           "train: {epochs: 4, batch: 16, momentum: 0.9, probe: 32}" +
        text.substr(defs, defs_end - defs) + "\nbaseline: relu" + sweep_text;
}

std::vector<nlohmann::json> rows_of(const fs::path& metrics) {
    std::vector<nlohmann::json> rows;
    std::istringstream lines(slurp(metrics));
    for (std::string line; std::getline(lines, line);) rows.push_back(nlohmann::json::parse(line));
    return rows;
}

}  // namespace

TEST_CASE("the catalogue: at least 40 literature activations, each with its source, fixed and learned", "[catalogue]") {
    const std::string text = slurp(kCatalogue);
    const YAML::Node doc = YAML::Load(text);
    const auto all = entries(doc);
    std::size_t defined = 0, learned = 0;
    for (const auto& e : all) {
        if (!doc["activations"][e.name]) continue;  // a built-in (the baseline)
        ++defined, learned += e.learned;
        // Its definition runs from its key to the next key (or comment block); one of those lines cites a source.
        const auto start = text.find("\n  " + e.name + ": {");
        INFO(e.name);
        REQUIRE(start != std::string::npos);
        auto end = text.find("\n  ", start + 1);
        while (end != std::string::npos && text[end + 3] == ' ') end = text.find("\n  ", end + 1);  // continuation lines
        const std::string def = text.substr(start, end - start);
        CHECK_THAT(def, Catch::Contains(" # ") || Catch::Contains("  # "));
    }
    CHECK(defined >= 40);
    CHECK(learned >= 10);
    CHECK(defined - learned >= 30);
    CHECK(doc["activations"].size() == defined);  // every definition is compared
}

TEST_CASE("every catalogue activation validates and trains: finite losses, and learned parameters move", "[catalogue][cli][e2e]") {
    const std::string text = slurp(kCatalogue);
    const YAML::Node doc = YAML::Load(text);
    TempDir dir;
    const Result valid = run_actbench(dir, "validate " + kCatalogue.string());
    INFO(valid.err);
    REQUIRE(valid.code == 0);  // loading runs every formula's derivative check
    const fs::path cfg = write_config(dir, "tiny.yaml", tiny_config(text));
    const Result r = run_actbench(dir, "run " + cfg.string() + " --out " + (dir / "runs").string() + " --jobs 2 --quiet");
    INFO(r.err);
    REQUIRE(r.code == 0);
    std::set<std::string> trained;  // finished at some rate, and learned
    for (const auto& trial : trial_dirs(dir / "runs")) {
        if (!fs::exists(trial / "summary.json")) continue;
        const auto summary = nlohmann::json::parse(slurp(trial / "summary.json"));
        const std::string name = YAML::LoadFile((trial / "trial.yaml").string())["settings"]["activation"].as<std::string>();
        INFO(name);
        REQUIRE(summary["status"] != "failed");  // diverging at a rate is a result; failing is a defect
        if (summary["status"] != "ok") continue;
        const auto rows = rows_of(trial / "metrics.jsonl");
        REQUIRE(std::isfinite(summary["final_train_loss"].get<double>()));
        if (rows.front().contains("learned")) {
            bool moved = false;
            for (const auto& [param, spread] : rows.front()["learned"].items())
                for (std::size_t l = 0; l < spread["mean"].size(); ++l)
                    moved |= rows.back()["learned"][param]["mean"][l] != spread["mean"][l];
            CHECK(moved);
        }
        // It learned: the test loss fell from the initialisation's (a tiny budget; how far each gets at a full one is
        // the catalogue study's question).
        if (rows.back()["test_loss"].get<double>() < rows.front()["test_loss"].get<double>()) trained.insert(name);
    }
    for (const auto& e : entries(doc)) {
        INFO(e.name);
        CHECK(trained.count(e.name) == 1);
    }
}
