// A sequential network built from a model spec (model_zoo.hpp), for one batch size: the layers, then the
// softmax cross-entropy. With maxout of k pieces, each layer before an activation is k× wider, so the
// activations' outputs keep the spec's widths.
#pragma once

#include "activation.hpp"
#include "fusion.hpp"
#include "init.hpp"
#include "loss.hpp"
#include "model_zoo.hpp"
#include "onednn.hpp"

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace actbench {

struct InputShape {
    int channels = 1, height = 28, width = 28, classes = 10;
};

// Bias setting: a constant for every layer's bias, with per-layer overrides by layer name (AlexNet set
// some layers' biases to 1 and others to 0), or none: the layers have no bias parameter at all.
struct BiasSetting {
    std::optional<double> value = 0.0;  // nullopt: no bias parameters
    std::map<std::string, double> overrides;
    BiasSetting() = default;
    // A number or none converts implicitly.
    BiasSetting(double v) : value(v) {}  // NOLINT
    BiasSetting(std::nullopt_t) : value(std::nullopt) {}  // NOLINT
    BiasSetting(std::optional<double> v) : value(v) {}  // NOLINT
    BiasSetting(double v, std::map<std::string, double> o) : value(v), overrides(std::move(o)) {}
    bool operator==(const BiasSetting&) const = default;
};

struct NetworkSpec {
    ModelSpec model;
    ActivationSpec activation = builtin_activation("relu");
    BiasSetting bias;
    std::uint64_t noise_seed = 0;  // keys the draws of stochastic activations (rrelu, noisy_relu)
    // Keys the dropout masks; unset: noise_seed. Paired trials share it across activations (see trainer.cpp).
    std::optional<std::uint64_t> dropout_seed = std::nullopt;
    // bf16: mixed precision (onednn.hpp); refused where oneDNN has no native bf16 (require_precision).
    Precision precision = Precision::fp32;
};

class Network {
public:
    // Throws std::invalid_argument when the spec does not fit the input (e.g. a kernel larger than the map).
    Network(Context& ctx, const NetworkSpec& spec, int batch, InputShape input);

    int batch() const { return batch_; }
    Context& context() { return ctx_; }
    const InputShape& input_shape() const { return input_; }
    // The plain NCHW input buffer of batch × C × H × W floats; fill it, then call forward().
    float* input() { return data_of(input_mem_); }
    // Forward through the loss; rows ≥ `rows` are padding and are not counted.
    LossResult forward(const std::int32_t* labels, int rows);
    // Row-major log-probabilities of the last forward (batch × classes).
    const float* log_probabilities() const { return loss_.log_probabilities(); }
    // Backward from the loss of the last forward; fills every parameter's gradient.
    void backward();
    // Training mode (the default) or evaluation mode: stochastic activations draw noise only in training.
    void set_training(bool training);
    // In evaluation mode, a conv, dense or batch-norm layer (or a residual block's sum) followed directly by an
    // exact oneDNN eltwise activation runs both as one fused primitive (same bits; fusion.hpp). On by default; turn
    // it off to read the activation layers' inputs and outputs after a forward (the probe statistics do).
    void set_evaluation_fusion(bool on);
    // The layers (residual blocks' parts included) whose activation is fused in evaluation.
    std::size_t fused_layers() const;
    // In training too, where the activation computes in place (ReLU, and leaky ReLU in fp32): its backward reads only
    // the output, which the fused primitive writes with the same bits, so the activation's own forward pass is saved
    // (and after batch norm its backward pass too). On by default; tests turn it off to compare.
    void set_training_fusion(bool on);
    std::size_t fused_training_layers() const;
    // An L1 penalty λ·(1/N)·Σ|a| on every activation layer's output a (Glorot, Bordes & Bengio 2011 use it to
    // encourage sparsity); backward adds its gradient λ·sign(a)/N. The reported loss excludes it.
    void set_activation_l1(double lambda);

    // Draws every weight tensor from `init` (in layer order, plain element order) and sets every bias.
    void initialise(const InitSpec& init, Rng& rng);
    // The same, but each weight tensor draws from its own stream, keyed by `seed`, its name and its shape: two
    // networks that share a layer of one shape get the same underlying draws there, whatever their other
    // layers or activations (the init only scales or maps them). Common random numbers for paired comparisons.
    void initialise_paired(const InitSpec& init, std::uint64_t seed);

    std::vector<Param*> params();
    std::vector<Activation*> activations();
    // One entry per layer: its name, kind, output dims, parameter count and forward multiply-adds per image.
    struct LayerSummary {
        std::string name, kind;
        memory::dims output;
        std::size_t params = 0;
        double forward_macs = 0;
    };
    std::vector<LayerSummary> summary() const;
    // Bytes of the layers' input-gradient buffers, shared between layers (GradientArena).
    std::size_t gradient_bytes() const { return gradients_.bytes(); }
    // The names of the layers that have a bias parameter (for per-layer bias overrides).
    static std::vector<std::string> bias_layer_names(const ModelSpec& model);

private:
    // Initialises every parameter; a weight draws from rng_for(its Param).
    template <class RngFor>
    void initialise_with(const InitSpec& init, RngFor&& rng_for);

    Context& ctx_;
    NetworkSpec spec_;
    int batch_;
    InputShape input_;
    memory input_mem_;
    GradientArena gradients_;  // the layers' input-gradient buffers, shared (declared before the layers that use it)
    std::vector<std::unique_ptr<Layer>> layers_;
    std::vector<memory::desc> out_descs_;
    std::vector<LayerSpec> specs_;
    SoftmaxCrossEntropy loss_;
    double activation_l1_ = 0;
    std::size_t fused_count(bool training) const;
    void set_fusion(bool training, bool evaluation);  // this chain's switches and every residual block's

    bool training_ = true;
    ChainFusion fusion_;  // which layers run the activation after them
    std::vector<memory> l1_scratch_, l1_output_scratch_;
};

}  // namespace actbench
