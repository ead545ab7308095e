// What `actbench list` and `actbench show` print: the activation and initialiser tables, and an
// activation's f and f′ over a range (text, JSON, SVG).
#pragma once

#include "activation.hpp"
#include "init.hpp"
#include "network.hpp"

#include <nlohmann/json.hpp>

#include <string>

namespace actbench {

nlohmann::json activations_json();
std::string activations_text();
nlohmann::json inits_json();
std::string inits_text();

nlohmann::json models_json();
std::string models_text();

// `inspect model`: layers, output shapes, parameter counts, FLOPs per image (forward, and a training step:
// forward + backward-data + backward-weights, the first layer having no backward-data pass), and the initial
// weight standard deviation per layer under `init`.
struct ModelInspection {
    nlohmann::json json;
    std::string text;
};
// The FLOPs count the layers as built for `activation` (maxout widens the layers before it).
ModelInspection inspect_model(const ModelSpec& model, const InputShape& input, const InitSpec& init,
                              const ActivationSpec& activation = builtin_activation("relu"));

std::string datasets_text();
nlohmann::json datasets_json();

// `inspect dataset`: counts per split and class, image shape, per-channel pixel mean and std (of x/255) of the
// training split; with a sheet path, a PNG contact sheet of up to 10 training images per class (one row each).
struct DatasetInspection {
    nlohmann::json json;
    std::string text;
};
struct DatasetConfig;
DatasetInspection inspect_dataset(const DatasetConfig& config, const std::string& sheet_path);

struct Curve {
    std::vector<double> x, f, df;
};
// f and f′ (evaluation form) at `points` evenly spaced x in [lo, hi]. Throws std::invalid_argument for maxout
// (not elementwise) or a bad range.
Curve activation_curve(const ActivationSpec& spec, double lo, double hi, int points);
std::string curve_text(const ActivationSpec& spec, const Curve& c);
nlohmann::json curve_json(const ActivationSpec& spec, const Curve& c);
std::string curve_svg(const ActivationSpec& spec, const Curve& c);

}  // namespace actbench
