#include "plan.hpp"

#include "rng.hpp"

#include <cstdio>

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
    for (const auto& activation_name : config.sweep.activation) {
        const ActivationSpec activation = resolve_activation(config, activation_name);
        for (const auto& init_name : config.sweep.init) {
            const InitSpec init = resolve_init(config, init_name);
            for (const auto& bias : config.sweep.bias)
                for (const auto seed : config.sweep.seed) {
                    Trial t{"", config.dataset, config.model, config.train, activation, init, bias, seed};
                    t.id = trial_id(t.settings());
                    trials.push_back(std::move(t));
                }
        }
    }
    return trials;
}

}  // namespace actbench
