// Fusing an activation layer into the layer before it: a conv or dense layer's eltwise post-op (weighted.hpp),
// batch norm's fused ReLU (batchnorm.hpp), a residual sum's post-op (residual.cpp). One pass over the output instead
// of two, and for batch norm one backward pass instead of two. Decided once, at build time, for a chain of layers —
// the network's, and each part of a residual block — by the same rules:
//
// - Only activations computed exactly (selects, min/max, |x|, one multiply): no implementation can round them
//   differently, so fused and unfused give the same bits. The transcendental ones (sigmoid, tanh, elu, gelu, swish,
//   mish, ...) stay unfused: oneDNN's post-op and standalone eltwise may approximate them differently (measured:
//   sigmoid and mish on plain layouts differ in the last bit).
// - In bf16 only an activation that commutes with the output's rounding (not a leaky slope, which would multiply
//   before the rounding when fused and after it when not: other bits, measured). The one exception: the network's
//   own conv and dense layers fuse a bf16 leaky slope in evaluation (the committed bf16 studies were evaluated so).
// - Training fuses only an activation that computes in place (ReLU, leaky ReLU: its backward reads only the output,
//   which the fused primitive writes).
// - The probe statistics read each activation's input: evaluation fusion is switched off for them
//   (Network::set_evaluation_fusion), and tests switch either off to compare.
#pragma once

#include "activation.hpp"
#include "onednn.hpp"

#include <memory>
#include <optional>
#include <vector>

namespace actbench {

// The activation is one of those no implementation computes differently.
bool computed_exactly(const EltwiseArgs& activation);
// Fused or not, the output is rounded to `precision` with the same bits (an exact activation).
bool commutes_with_rounding(const EltwiseArgs& activation, Precision precision);
// Training may fuse `activation` into the layer before it.
bool fusable_in_training(const EltwiseArgs& activation, Precision precision, const Activation& layer);
// The eltwise arguments of an activation that may run fused at all (computed exactly, and in bf16 commuting with the
// rounding unless `rounding_order_in_evaluation`, the network's exception); nullopt for any other.
std::optional<EltwiseArgs> fusable_activation(const ActivationSpec& activation, Precision precision,
                                              bool rounding_order_in_evaluation = false);

class ChainFusion {
public:
    // For each layer of `chain` followed by an activation layer, asks it to fuse that activation
    // (Layer::fuse_activation). Nothing is fused unless `activation` is an exact oneDNN eltwise one.
    // `rounding_order_in_evaluation`: evaluation fuses a bf16 leaky slope too (the network's exception, above).
    void plan(Context& ctx, const std::vector<std::unique_ptr<Layer>>& chain, const ActivationSpec& activation, Precision precision,
              bool rounding_order_in_evaluation = false);
    // Layer i runs the activation after it, in this mode.
    bool fused(std::size_t i, bool training) const {
        const std::vector<bool>& f = training ? training_ : evaluation_;
        return (training ? training_on_ : evaluation_on_) && i < f.size() && f[i];
    }
    void set_switches(bool training_on, bool evaluation_on) { training_on_ = training_on, evaluation_on_ = evaluation_on; }
    bool training_on() const { return training_on_; }
    bool evaluation_on() const { return evaluation_on_; }
    // The layers that would run fused in this mode, switches aside.
    std::size_t planned(bool training) const;

private:
    std::vector<bool> evaluation_, training_;
    bool training_on_ = true, evaluation_on_ = true;
};

// Runs `producer` fused with `activation`, the activation layer after it: in training the activation adopts the
// output (Activation::adopt_output) as if its own forward had run.
const memory& forward_fused(Context& ctx, Layer& producer, Layer& activation, const memory& src, bool training);

// Runs `chain` forward from `src`, each planned pair fused.
const memory& forward_chain(Context& ctx, const std::vector<std::unique_ptr<Layer>>& chain, const ChainFusion& fusion, const memory& src,
                            bool training);

}  // namespace actbench
