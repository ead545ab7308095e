// The settings schema: every key of the dataset and train sections described once — its type, range or choices,
// where it sits in a trial's canonical settings and when it is there, an example of another valid value, and
// what it means. The config reader reads the keys through it (config_sections.cpp), the canonical-settings
// writer builds the trial id's dataset and train parts from it (settings.cpp), `actbench list settings` prints
// it as the README's reference, and tests/test_settings_schema.cpp changes every key from its default and checks
// that the trial id changes. The model's parameters have their table in model_zoo.hpp (ModelInfo::params); the
// top-level keys are in top_level_keys() with how each enters the trial id or why it does not.
#pragma once

#include "config/sections.hpp"

#include <nlohmann/json.hpp>

#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace actbench {

enum class ValueKind { integer, number, choice, flag, text, subset };

// An integer key's max at or above this is read up to the largest int64 (a seed may be any of them).
constexpr double kLargestInteger = 9.2e18;

// How a key's value is read from and written into its section.
template <class Section>
struct Access {
    std::function<nlohmann::json(const Section&)> get;
    std::function<void(Section&, const nlohmann::json&)> set;
};

template <class Section>
struct SettingKey {
    std::string_view key{};  // within the section; a key of a nested mapping is dotted: "schedule.gamma"
    ValueKind kind{};
    double min = 0, max = 0;  // integer and number; see range for kind-dependent bounds
    std::vector<std::string_view> choices{};  // choice
    Access<Section> access{};
    // Where the canonical settings hold it ("optimizer/momentum"); empty: it is not part of the trial id.
    std::string_view id_path{};
    // In the trial id (and used by training) only when this holds (e.g. momentum with the momentum optimisers
    // only); empty: always. So that a setting that does nothing never splits the ids of equal trials.
    std::function<bool(const Section&)> applies{};
    // The identity test: a valid value other than the default (YAML), and the keys of the same section set first
    // so that this one applies.
    std::string_view other{};
    std::vector<std::pair<std::string_view, std::string_view>> needs{};
    std::string_view description{};  // for the reference; where it applies, when not always
    std::string_view hint{};  // after the key in messages: "train.target (a training error)"
    // Bounds that depend on settings read before it (dataset.classes for synthetic_shapes); empty: min, max.
    std::function<std::pair<double, double>(const Section&)> range{};
    // A refusal the range cannot say (dataset.channels is 1 or 3); empty string: accepted.
    std::function<std::string(const Section&)> refuse{};
};

const std::vector<SettingKey<DatasetConfig>>& dataset_keys();
const std::vector<SettingKey<TrainConfig>>& train_keys();

// A top-level key, or a key of the model section other than a family's parameters, with how it enters the
// trial id or why it does not.
struct OtherKey {
    std::string_view key;
    std::string_view in_id;  // "yes…" or "no: why"
    std::string_view description;
};
const std::vector<OtherKey>& other_keys();
// The keys a config's top level takes (other_keys() without the model's).
std::vector<std::string> top_level_keys();

// The canonical settings of a section: every key whose id_path is set and which applies, at its id_path.
template <class Section>
nlohmann::json canonical_settings(const std::vector<SettingKey<Section>>& keys, const Section& s) {
    nlohmann::json j = nlohmann::json::object();
    for (const auto& k : keys) {
        if (k.id_path.empty() || (k.applies && !k.applies(s))) continue;
        std::string pointer(1, '/');  // (not "/" + std::string: GCC 12's -Wrestrict false positive)
        pointer += k.id_path;
        j[nlohmann::json::json_pointer(pointer)] = k.access.get(s);
    }
    return j;
}

// The first component of a dotted key ("schedule" of "schedule.gamma").
inline std::string_view key_head(std::string_view key) { return key.substr(0, key.find('.')); }

// Every key with its type, default, place in the trial id and meaning: `actbench list settings --json`.
nlohmann::json settings_json();
// The same as the README's reference tables (Markdown): `actbench list settings`.
std::string settings_reference();

}  // namespace actbench
