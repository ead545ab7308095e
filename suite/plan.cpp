#include "plan.hpp"

#include "rng.hpp"

#include <cstdio>
#include <map>

namespace actbench {

nlohmann::json Trial::settings() const {
    return {{"dataset", dataset_json(dataset)}, {"model", model_json(model)}, {"train", train_json(train)},
            {"activation", activation.name}, {"activation_def", activation_json(activation)}, {"init", init.name}, {"init_def", init_json(init)}, {"bias", bias_json(bias)}, {"seed", seed}};
}

std::string Trial::label() const {
    return activation.name + " " + init.name + " bias=" + bias_json(bias).dump() + " seed=" + std::to_string(seed);
}

std::string trial_id(const nlohmann::json& settings) {
    // nlohmann::json keeps object keys sorted, so dump() is canonical.
    const std::uint64_t h = fnv1a64(settings.dump());
    char buf[17];
    std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(h));
    return buf;
}

std::vector<Trial> make_plan(const Config& config) {
    std::vector<Trial> trials;
    std::map<std::string, BiasSetting> biases;
    for (const auto& b : config.sweep.bias) biases[bias_json(b).dump()] = b;
    for (const Combination& cell : config.combinations) {
        const Sections& sections = config.variants.at(cell.variant);
        Trial t;
        t.dataset = sections.dataset;
        t.model = sections.model;
        t.train = sections.train;
        t.activation = resolve_activation(config, cell.values.at("activation").get<std::string>());
        t.init = resolve_init(config, cell.values.at("init").get<std::string>());
        t.bias = biases.at(cell.values.at("bias").dump());
        t.seed = cell.values.at("seed").get<std::int64_t>();
        t.axes = cell.values;
        t.id = trial_id(t.settings());
        trials.push_back(std::move(t));
    }
    return trials;
}

}  // namespace actbench
