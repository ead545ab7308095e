// Model families, each described once in model_table(): name, description, parameters with defaults, and
// how it expands into a list of layers. A model is a family with its parameters set, plus where batch
// normalisation goes and the dropout rate; the builder (Network) checks the shapes as it goes.
//
//   lenet       conv k×k (conv1) → act → pool 2 → conv k×k (conv2) → act → pool 2 → dense (dense) → act
//   mlp         (dense (width) → act) × depth
//   plain_deep  (conv 3×3 (width) → act) × depth, no shortcuts; a 2×2 max-pool after layers ⌈depth/3⌉
//               and ⌈2·depth/3⌉ to keep the cost down (He et al. 2015's depth/initialisation study)
//   vgg_small   (conv 3×3 → act → conv 3×3 → act → pool 2) with width1, width2, width3 channels → dense → act
//   resnet      conv 3×3 (width) → stages of residual blocks (residual.hpp) → global average pool; each stage doubles
//               the channels and halves the size (a strided first block with a 1×1 projection shortcut)
// and then dense (classes) and the softmax cross-entropy. With batchnorm: before, each act is preceded by
// a batch-norm layer; after: followed by one (resnet places its own batch norm: its block parameter). Dropout
// (rate > 0) follows each hidden dense layer's act.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace actbench {

// How a residual block orders its layers (He et al. 2016, "Identity Mappings in Deep Residual Networks"):
//   post_activation  x → conv → BN → act → conv → BN, + shortcut(x), → act          (the original ResNet block)
//   pre_activation   x → BN → act → conv → BN → act → conv, + shortcut              (the full pre-activation block)
//   plain            x → conv → act → conv, + shortcut(x), → act                     (no batch norm)
enum class BlockKind { post_activation, pre_activation, plain };

struct LayerSpec {
    enum class Kind { conv, pool, dense, act, batchnorm, dropout, residual, global_pool } kind;
    int units = 0;  // conv, residual: channels; dense: outputs
    int kernel = 3;  // conv, pool
    int padding = 0;  // conv
    int stride = 1;  // pool uses 2; residual: 2 for the first block of a stage after the first
    double rate = 0;  // dropout
    std::string name;  // "conv1", "act2", "block3", …: unique, used for bias overrides and per-layer metrics
    BlockKind block = BlockKind::post_activation;  // residual
};

struct ModelParam {
    std::string_view name;
    double default_value, min, max;
    std::string_view meaning;
    std::vector<std::string_view> choices{};  // non-empty: the value is an index into these names (config and ids use the name)
};

struct ModelInfo {
    std::string_view name;
    std::string_view description;
    std::vector<ModelParam> params;
    // The hidden layers (everything before the final dense layer), from the parameters in table order.
    std::vector<LayerSpec> (*layers)(const double* p);
    // A constraint between parameters: an error message, or empty when they fit together. Null: none.
    std::string (*check)(const double* p) = nullptr;
};

const std::vector<ModelInfo>& model_table();
std::string model_names();
const ModelInfo& find_model(std::string_view name);  // throws std::invalid_argument listing the valid ones
const ModelInfo* lookup_model(std::string_view name);  // nullptr for an unknown family
// The index of `choice` among a choice parameter's names; throws std::invalid_argument listing them.
double model_choice(const ModelParam& p, std::string_view choice);

struct ModelSpec {
    std::string name = "lenet";
    std::map<std::string, double> params;  // every parameter of the family (defaults filled in)
    std::string batchnorm = "none";  // none | before | after (the activation)
    double dropout = 0;
    // Every hidden layer's channels and units × widen, rounded, at least 1 (the classifier keeps one unit per class):
    // one knob for a family's width (Zagoruyko & Komodakis 2016's widening factor; Howard et al. 2017's width
    // multiplier), for width studies.
    double widen = 1;

    // A family with some parameters set. Throws std::invalid_argument for an unknown family, parameter,
    // an out-of-range value or a bad batchnorm placement.
    static ModelSpec make(std::string_view name, const std::map<std::string, double>& params = {}, std::string batchnorm = "none",
                          double dropout = 0, double widen = 1);
    double param(std::string_view n) const { return params.at(std::string(n)); }
    // The full layer list, the final dense (classes) included; layers get unique names.
    std::vector<LayerSpec> layers(int classes) const;
};

// What a model holds for one input shape, counted from its layer list (maxout's k× wider layers not
// included: an estimate, for refusing what cannot fit a machine).
struct ModelFootprint {
    double params = 0;  // weights and biases
    double values_per_image = 0;  // every layer's output elements for one image
    // Bytes for one trial at this batch: fp32 weights, gradients and up to two optimizer moments; per image
    // each layer's output, its gradient and an activation's saved input or a pooling workspace.
    double bytes(int batch) const { return 4 * (4 * params + 3 * values_per_image * batch); }
};

// Throws std::invalid_argument when an input of channels × height × width leaves a layer nothing to work on
// (a kernel larger than its padded input, a pooling window larger than its input, a conv after a dense
// layer), naming the layer and its input. Pure arithmetic: what the builder checks before it builds
// anything, and what `validate` checks where the config fixes the input size.
ModelFootprint check_input_fits(const ModelSpec& model, int channels, int height, int width, int classes);
// This machine's physical memory in bytes: what a footprint is held against (validate, bench).
double machine_memory();

// Throws std::invalid_argument when an activation that multiplies the channel count (maxout: width_multiplier k)
// meets a model with residual blocks, whose identity shortcuts cannot follow it; the config reader, bench and the
// network all ask this one question.
void check_activation_width(const ModelSpec& model, int width_multiplier, const std::string& activation);

}  // namespace actbench
