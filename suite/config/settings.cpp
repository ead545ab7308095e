// The canonical settings: what a trial's id and a config's hash are computed from. nlohmann::json keeps object
// keys sorted, so dump() of these is canonical; counts stay integers, choices stay names.
#include "config/settings.hpp"

#include "config/config.hpp"
#include "config/settings_schema.hpp"
#include "params.hpp"

namespace actbench {

nlohmann::json dataset_json(const DatasetConfig& d) { return canonical_settings(dataset_keys(), d); }

nlohmann::json model_json(const ModelSpec& m) {
    nlohmann::json j{{"name", m.name}, {"batchnorm", m.batchnorm}, {"dropout", m.dropout}};
    if (m.widen != 1) j["widen"] = m.widen;  // 1 is what trials hashed before the key: their ids do not change
    const ModelInfo& info = find_model(m.name);
    for (const auto& [k, v] : m.params) j[k] = static_cast<long>(v);
    for (const auto& p : info.params)  // a choice by its name, as the config writes it
        if (!p.choices.empty()) j[std::string(p.name)] = std::string(choice_name(p.choices, m.param(p.name)));
    return j;
}

nlohmann::json train_json(const TrainConfig& t) { return canonical_settings(train_keys(), t); }

nlohmann::json bias_json(const BiasSetting& bias) {
    if (!bias.value) return "none";
    if (bias.overrides.empty()) return *bias.value;
    nlohmann::json j{{"default", *bias.value}};
    for (const auto& [layer, v] : bias.overrides) j[layer] = v;
    return j;
}

nlohmann::json activation_json(const ActivationSpec& a) {
    if (a.formula) {
        nlohmann::json j{{"expr", a.formula->text()}, {"params", a.formula_params}};
        for (const LearnedParam& p : a.formula->learned()) {  // what is learned, from where, and how constrained
            j["params"][p.name] = p.init;
            j["learn"][p.name] = p.per_channel ? "channel" : "layer";
            if (p.constraint == LearnedParam::Constraint::positive) j["constrain"][p.name] = "positive";
            if (p.constraint == LearnedParam::Constraint::range) j["constrain"][p.name] = {p.lo, p.hi};
        }
        if (!a.fitted_to.empty()) j["fit"] = {{"to", a.fitted_to}, {"rms", a.fit_rms}};  // a rational's initialisation
        return j;
    }
    nlohmann::json j{{"base", std::string(a.info->name)}};
    for (std::size_t i = 0; i < a.params.size(); ++i) j[std::string(a.info->params[i].name)] = a.params[i];
    return j;
}

nlohmann::json init_json(const InitSpec& i) {
    nlohmann::json j{{"base", std::string(i.info->name)}};
    for (std::size_t k = 0; k < i.params.size(); ++k) {
        const InitParam& p = i.info->params[k];
        if (p.choices.empty())
            j[std::string(p.name)] = i.params[k];
        else
            j[std::string(p.name)] = std::string(choice_name(p.choices, i.params[k]));
    }
    return j;
}

nlohmann::json config_json(const Config& c) {
    // The axes as an ordered list (a JSON object would sort them), then zip and exclude.
    nlohmann::json axes = nlohmann::json::array();
    for (const auto& a : c.axes) axes.push_back({{"name", a.name}, {"values", a.values}});
    nlohmann::json sweep{{"axes", axes}, {"zip", c.zip}, {"exclude", c.exclude}};
    nlohmann::json activations = nlohmann::json::object();
    for (const auto& [name, spec] : c.activations) activations[name] = activation_json(spec);
    nlohmann::json inits = nlohmann::json::object();
    for (const auto& [name, spec] : c.inits) inits[name] = init_json(spec);
    // An activation baseline stays a plain string (and none an empty one): the hashes of configs written before
    // other axes could be baselines do not change.
    const nlohmann::json baseline = c.baseline.is_null() ? nlohmann::json("")
        : c.baseline_axis == "activation"                ? c.baseline
                                                         : nlohmann::json{{c.baseline_axis, c.baseline}};
    nlohmann::json doc = {{"name", c.name},
                          {"isa", c.isa},
                          {"baseline", baseline},
                          {"dataset", dataset_json(c.dataset)},
                          {"model", model_json(c.model)},
                          {"train", train_json(c.train)},
                          {"activations", activations},
                          {"inits", inits},
                          {"sweep", sweep}};
    if (c.paired_seeds) doc["seeds"] = "paired";  // independent is the behaviour older configs hashed without the key
    if (c.tune) {
        doc["tune"] = {{"axis", c.tune->axis}, {"values", c.tune->values}, {"seeds", c.tune->seeds}, {"select", c.tune->select}};
        if (!c.tune->seeds_if_close.empty()) doc["tune"]["seeds_if_close"] = c.tune->seeds_if_close;  // absent: the hash of before
        if (c.tune->halving()) doc["tune"].update({{"schedule", "halving"}, {"rungs", c.tune->rungs}, {"keep", c.tune->keep}});
    }
    if (c.adaptive) {
        doc["adaptive"] = {{"min", c.adaptive->min}, {"max", c.adaptive->max}, {"step", c.adaptive->step}, {"margin", c.adaptive->margin}};
        // Only when asked for: a design without confirmation keeps the document (and the run's config hash) it had.
        if (c.adaptive->confirm > 0) doc["adaptive"]["confirm"] = c.adaptive->confirm;
    }
    return doc;
}

}  // namespace actbench
