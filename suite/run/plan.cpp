#include "run/plan.hpp"

#include "config/settings.hpp"
#include "rng.hpp"

#include <cstdio>
#include <map>

namespace actbench {

nlohmann::json Trial::settings() const {
    nlohmann::json s{{"dataset", dataset_json(dataset)},
                     {"model", model_json(model)},
                     {"train", train_json(train)},
                     {"activation", activation.name},
                     {"activation_def", activation_json(activation)},
                     {"init", init.name},
                     {"init_def", init_json(init)},
                     {"bias", bias_json(bias)},
                     {"seed", seed}};
    if (paired_seeds) s["seeds"] = "paired";
    return s;
}

std::string Trial::pair_key() const { return "seed " + std::to_string(seed) + " data " + dataset_json(dataset).dump(); }

std::string Trial::label() const {
    std::string text = activation.name + " " + init.name + " bias=" + bias_json(bias).dump();
    // The dotted-path axes (train.lr, train.precision, …) too: trials that differ only there read differently.
    if (axes.is_object())
        for (const auto& [name, value] : axes.items())
            if (name.find('.') != std::string::npos)
                text += " " + name + "=" + (value.is_string() ? value.get<std::string>() : value.dump());
    return text + " seed=" + std::to_string(seed);
}

namespace {
std::string hex_hash(const std::string& text) {
    char buf[17];
    std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(fnv1a64(text)));
    return buf;
}
}  // namespace

std::string trial_id(const nlohmann::json& settings) {
    // nlohmann::json keeps object keys sorted, so dump() is canonical.
    return hex_hash(settings.dump());
}

namespace {
std::size_t axis_position(const Config& config, const std::string& name) {
    for (std::size_t a = 0; a < config.axes.size(); ++a)
        if (config.axes[a].name == name) return a;
    throw std::logic_error("the config has no axis " + name);  // activation, init, bias and seed always are axes
}

BiasSetting bias_of(const Config& config, const nlohmann::json& value) {
    for (const auto& b : config.sweep.bias)
        if (bias_json(b) == value) return b;
    throw std::logic_error("bias value " + value.dump() + " is not in sweep.bias");
}
}  // namespace

Trial make_trial(const Config& config, std::size_t cell) {
    const Sections& sections = config.cell_sections(cell);
    Trial t;
    t.dataset = sections.dataset;
    t.model = sections.model;
    t.train = sections.train;
    t.activation = config.sweep_activations.at(config.cell_value(cell, axis_position(config, "activation")).get<std::string>());
    t.init = config.sweep_inits.at(config.cell_value(cell, axis_position(config, "init")).get<std::string>());
    t.bias = bias_of(config, config.cell_value(cell, axis_position(config, "bias")));
    t.seed = config.cell_value(cell, axis_position(config, "seed")).get<std::int64_t>();
    t.paired_seeds = config.paired_seeds;
    t.axes = config.cell_values(cell);
    t.id = trial_id(t.settings());
    return t;
}

std::vector<Trial> make_plan(const Config& config) {
    std::vector<Trial> trials;
    trials.reserve(config.cell_count());
    for (std::size_t i = 0; i < config.cell_count(); ++i) trials.push_back(make_trial(config, i));
    return trials;
}

// Trial::settings() as nlohmann::json dumps it: an object's keys in sorted order ("activation" <
// "activation_def" < "bias" < "dataset" < "init" < "init_def" < "model" < "seed" < "seeds" < "train"), no spaces.
TrialIds::TrialIds(const Config& config)
    : config_(config),
      activation_axis_(axis_position(config, "activation")),
      init_axis_(axis_position(config, "init")),
      bias_axis_(axis_position(config, "bias")),
      seed_axis_(axis_position(config, "seed")) {
    using nlohmann::json;
    for (const auto& v : config.axes[activation_axis_].values) {
        const std::string name = v.get<std::string>();
        activation_text_.push_back("{\"activation\":" + json(name).dump() +
                                   ",\"activation_def\":" + activation_json(config.sweep_activations.at(name)).dump());
    }
    for (const auto& v : config.axes[init_axis_].values) {
        const std::string name = v.get<std::string>();
        init_text_.push_back(",\"init\":" + json(name).dump() + ",\"init_def\":" + init_json(config.sweep_inits.at(name)).dump());
    }
    for (const auto& v : config.axes[bias_axis_].values) bias_text_.push_back(",\"bias\":" + bias_json(bias_of(config, v)).dump());
    if (config.paired_seeds) seeds_text_ = ",\"seeds\":\"paired\"";
    for (const Sections& s : config.variants)
        variant_text_.push_back(",\"dataset\":" + dataset_json(s.dataset).dump() + "\x1f,\"model\":" + model_json(s.model).dump() +
                                "\x1f,\"train\":" + train_json(s.train).dump());
}

std::string TrialIds::id(std::size_t cell) const {
    const auto value = [&](std::size_t axis) { return config_.cell_value_index[cell * config_.axes.size() + axis]; };
    const std::string& variant = variant_text_[config_.cell_variant[cell]];
    const std::size_t cut1 = variant.find('\x1f'), cut2 = variant.find('\x1f', cut1 + 1);
    std::string text = activation_text_[value(activation_axis_)];
    text += bias_text_[value(bias_axis_)];
    text.append(variant, 0, cut1);  // dataset
    text += init_text_[value(init_axis_)];
    text.append(variant, cut1 + 1, cut2 - cut1 - 1);  // model
    text += ",\"seed\":" + config_.axes[seed_axis_].values[value(seed_axis_)].dump();
    text += seeds_text_;
    text.append(variant, cut2 + 1, std::string::npos);  // train
    text += "}";
    return hex_hash(text);
}

}  // namespace actbench
