// The contract that keeps resume and `verify` honest: every key a config accepts either changes the trial id
// when it changes (when it applies), or the schema says why it must not. The keys come from the tables the
// reader reads through (settings_schema.hpp, the dataset-kind table, the model zoo), so a key added there
// without its place in the id fails here.
#include "config/config.hpp"
#include "config/dataset_kinds.hpp"
#include "config/settings_schema.hpp"
#include "core/error.hpp"
#include "run/plan.hpp"

#include <catch2/catch.hpp>

#include <fstream>
#include <map>
#include <set>
#include <sstream>

using namespace actbench;

namespace {

// A section's keys as YAML: dotted keys become nested mappings.
std::string section_yaml(const std::string& name, const std::map<std::string, std::string>& keys) {
    std::map<std::string, std::map<std::string, std::string>> nested;
    std::ostringstream out;
    out << name << ":\n";
    for (const auto& [key, value] : keys) {
        const auto dot = key.find('.');
        if (dot == std::string::npos)
            out << "  " << key << ": " << value << "\n";
        else
            nested[key.substr(0, dot)][key.substr(dot + 1)] = value;
    }
    for (const auto& [head, sub] : nested) {
        out << "  " << head << ":\n";
        for (const auto& [key, value] : sub) out << "    " << key << ": " << value << "\n";
    }
    return out.str();
}

const std::map<std::string, std::string> kTinyDataset{
    {"kind", "synthetic_shapes"}, {"classes", "3"}, {"train_count", "60"}, {"test_count", "30"}, {"size", "16"}};
const char* kTinyModel = "model: {name: lenet, conv1: 4, conv2: 8, dense: 16}\n";

struct TinyConfig {
    std::map<std::string, std::string> dataset = kTinyDataset, train{{"epochs", "1"}, {"batch", "16"}};
    std::string model = kTinyModel, top = "sweep: {activation: relu}\n";
};

std::string id_of(const TinyConfig& s) {
    const std::string text = section_yaml("dataset", s.dataset) + s.model + section_yaml("train", s.train) + s.top;
    const Config c = parse_config(text, "cfg.yaml");
    return make_plan(c).at(0).id;
}

// The top-level keys a kind takes, kind itself aside (dataset_kinds.hpp).
std::vector<std::string> kind_heads(const DatasetKind& kind) {
    std::vector<std::string> heads(kCommonDatasetKeys.begin() + 1, kCommonDatasetKeys.end());
    heads.insert(heads.end(), kind.keys.begin(), kind.keys.end());
    if (kind.subsets) heads.insert(heads.end(), {"train_subset", "test_subset"});
    return heads;
}

}  // namespace

TEST_CASE("every dataset key, for every kind that takes it, changes the trial id", "[schema]") {
    std::set<std::string_view> covered;
    for (const DatasetKind& kind : dataset_kinds()) {
        std::map<std::string, std::string> base{{"kind", std::string(kind.name)}};
        if (kind.name == "cifar" || kind.name == "image_folder") base["path"] = "/srv/data";
        if (kind.name == "synthetic_shapes") base = kTinyDataset;
        for (const std::string& head : kind_heads(kind)) {
            bool described = false;
            for (const auto& key : dataset_keys()) {
                if (key_head(key.key) != head) continue;
                described = true;
                covered.insert(key.key);
                TinyConfig before, after;
                before.dataset = base;
                for (const auto& [k, v] : key.needs) before.dataset[std::string(k)] = std::string(v);
                after.dataset = before.dataset;
                after.dataset[std::string(key.key)] = std::string(key.other);
                INFO("kind " << kind.name << ", dataset." << key.key << ": " << key.other);
                REQUIRE(before.dataset != after.dataset);
                CHECK(id_of(before) != id_of(after));
            }
            INFO("kind " << kind.name << " takes dataset." << head);
            CHECK(described);  // a key the reader accepts has its row in the schema
        }
    }
    for (const auto& key : dataset_keys())
        if (key.key != "kind") CHECK(covered.count(key.key) == 1);
    // and the kind itself
    TinyConfig other;
    other.dataset = {{"kind", "opencv_digits"}};
    CHECK(id_of(TinyConfig{}) != id_of(other));
}

TEST_CASE("every train key changes the trial id where it applies", "[schema]") {
    for (const auto& key : train_keys()) {
        TinyConfig before, after;
        for (const auto& [k, v] : key.needs) before.train[std::string(k)] = std::string(v);
        after.train = before.train;
        after.train[std::string(key.key)] = std::string(key.other);
        INFO("train." << key.key << ": " << key.other);
        REQUIRE_FALSE(key.id_path.empty());  // every train key is part of the id
        CHECK(id_of(before) != id_of(after));
    }
}

TEST_CASE("every model parameter of every family changes the trial id", "[schema]") {
    for (const ModelInfo& info : model_table()) {
        const std::string family(info.name);
        TinyConfig base;
        base.model = "model: {name: " + family + "}\n";
        const std::string base_id = id_of(base);
        for (const ModelParam& p : info.params) {
            // Another valid value: another choice, or the nearest integers around the default that the family's
            // constraints accept (resnet's depth moves in steps).
            std::vector<std::string> candidates;
            if (!p.choices.empty()) {
                for (auto choice : p.choices)
                    if (choice != p.choices[static_cast<std::size_t>(p.default_value)]) candidates.emplace_back(choice);
            } else {
                for (double step = 1; step <= 12; ++step)
                    for (double v : {p.default_value + step, p.default_value - step})
                        if (v >= p.min && v <= p.max) candidates.push_back(std::to_string(static_cast<long>(v)));
            }
            bool changed = false;
            for (const auto& value : candidates) {
                TinyConfig s;
                s.model = "model: {name: " + family + ", " + std::string(p.name) + ": " + value + "}\n";
                try {
                    changed = id_of(s) != base_id;
                } catch (const InputError&) {
                    continue;  // not a valid combination for this family
                }
                break;
            }
            INFO("model " << family << "." << p.name);
            CHECK(changed);
        }
    }
    TinyConfig bn, dropout;
    bn.model = "model: {name: lenet, conv1: 4, conv2: 8, dense: 16, batchnorm: after}\n";
    dropout.model = "model: {name: lenet, conv1: 4, conv2: 8, dense: 16, dropout: 0.5}\n";
    CHECK(id_of(bn) != id_of(TinyConfig{}));
    CHECK(id_of(dropout) != id_of(TinyConfig{}));
}

TEST_CASE("the top-level keys enter the trial id exactly where the schema says", "[schema]") {
    const std::string sweep = "sweep: {activation: act, init: ini}\n";
    const std::string act = "activations: {act: {base: leaky_relu, slope: 0.01}}\n",
                      ini = "inits: {ini: {base: he_normal, mode: fan_in}}\n";
    const std::string base = act + ini + sweep;
    // key → the top-level YAML of a config that differs from `base` in that key alone
    const std::map<std::string, std::string> changed{{"name", base + "name: other\n"},
                                                     {"out", base + "out: elsewhere\n"},
                                                     {"isa", base + "isa: avx2\n"},
                                                     {"baseline", base + "baseline: act\n"},
                                                     {"seeds", base + "seeds: independent\n"},
                                                     {"activations", "activations: {act: {base: leaky_relu, slope: 0.02}}\n" + ini + sweep},
                                                     {"inits", act + "inits: {ini: {base: he_normal, mode: fan_out}}\n" + sweep}};
    TinyConfig before;
    before.top = base;
    for (const OtherKey& k : other_keys()) {
        const std::string key(k.key);
        // the sections have their own tests; sweep, tune, adaptive and extends choose which trials there are
        if (key.starts_with("model") || key == "dataset" || key == "train" || key == "sweep" || key == "tune" || key == "adaptive" ||
            key == "extends")
            continue;
        INFO(key << ": " << k.in_id);
        REQUIRE(changed.count(key) == 1);  // every top-level key is tested here
        TinyConfig after;
        after.top = changed.at(key);
        if (k.in_id.starts_with("no"))
            CHECK(id_of(before) == id_of(after));
        else
            CHECK(id_of(before) != id_of(after));
    }
}

TEST_CASE("the README's settings reference is the schema's", "[schema]") {
    std::ifstream in(std::string(ACTBENCH_SOURCE_DIR) + "/README.md");
    REQUIRE(in);
    std::stringstream readme;
    readme << in.rdbuf();
    INFO("regenerate it with: actbench list settings");
    CHECK(readme.str().find(settings_reference()) != std::string::npos);
}
