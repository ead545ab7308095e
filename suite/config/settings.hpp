// The canonical settings: the JSON a trial's id (plan.cpp) and a config's hash are computed from. One place, so
// what is hashed is exactly what the code uses: counts stay integers, choices stay names, keys sorted.
#pragma once

#include <nlohmann/json.hpp>

namespace actbench {

struct DatasetConfig;
struct TrainConfig;
struct Config;
struct ModelSpec;
struct BiasSetting;
struct ActivationSpec;
struct InitSpec;

// The settings every trial shares, canonical (sorted keys), without the sweep axes and the output path.
nlohmann::json dataset_json(const DatasetConfig& d);
nlohmann::json model_json(const ModelSpec& m);
nlohmann::json train_json(const TrainConfig& t);
nlohmann::json bias_json(const BiasSetting& bias);
// What defines an activation: {"base": family, <every parameter>: value} or {"expr": ..., "params": {...}}.
nlohmann::json activation_json(const ActivationSpec& a);
// {"base": family, <every parameter>: value}; a choice parameter by its name.
nlohmann::json init_json(const InitSpec& i);
// The whole config (sweep axes included, output path excluded), for the manifest and the config hash.
nlohmann::json config_json(const Config& c);

}  // namespace actbench
