#include "fusion.hpp"

#include <algorithm>
#include <bit>
#include <cstdint>

namespace actbench {

bool computed_exactly(const EltwiseArgs& a) {
    using A = dnnl::algorithm;
    return a.algorithm == A::eltwise_relu || a.algorithm == A::eltwise_clip_v2 || a.algorithm == A::eltwise_abs ||
        (a.algorithm == A::eltwise_linear && a.alpha == 1.f && a.beta == 0.f);
}

bool commutes_with_rounding(const EltwiseArgs& a, Precision precision) {
    if (precision == Precision::fp32) return true;
    // Rounding to bf16 is monotone and keeps bf16 values: selects, |x| and the identity give the same bits before it
    // or after; a slope multiplies another value, and a clip bound bf16 cannot hold clips at another value.
    const auto in_bf16 = [](float v) { return (std::bit_cast<std::uint32_t>(v) & 0xFFFFu) == 0; };
    if (a.algorithm == dnnl::algorithm::eltwise_relu) return a.alpha == 0.f;
    if (a.algorithm == dnnl::algorithm::eltwise_clip_v2) return in_bf16(a.alpha) && in_bf16(a.beta);
    return true;
}

bool fusable_in_training(const EltwiseArgs& a, Precision precision, const Activation& layer) {
    return computed_exactly(a) && commutes_with_rounding(a, precision) && layer.in_place();
}

std::optional<EltwiseArgs> fusable_activation(const ActivationSpec& activation, Precision precision, bool rounding_order_in_evaluation) {
    if (activation.info->kernel != ActivationKernel::eltwise) return std::nullopt;
    const EltwiseArgs args = activation.info->eltwise(activation.params.data());
    if (!computed_exactly(args) || !(rounding_order_in_evaluation || commutes_with_rounding(args, precision))) return std::nullopt;
    return args;
}

void ChainFusion::plan(Context& ctx, const std::vector<std::unique_ptr<Layer>>& chain, const ActivationSpec& activation,
                       Precision precision, bool rounding_order_in_evaluation) {
    evaluation_.assign(chain.size(), false);
    training_.assign(chain.size(), false);
    const std::optional<EltwiseArgs> args = fusable_activation(activation, precision, rounding_order_in_evaluation);
    if (!args) return;
    for (std::size_t i = 0; i + 1 < chain.size(); ++i) {
        const auto* act = dynamic_cast<const Activation*>(chain[i + 1].get());
        if (!act || !chain[i]->fuse_activation(ctx, *args)) continue;
        evaluation_[i] = true;
        training_[i] = fusable_in_training(*args, precision, *act);
    }
}

std::size_t ChainFusion::planned(bool training) const {
    const std::vector<bool>& f = training ? training_ : evaluation_;
    return static_cast<std::size_t>(std::count(f.begin(), f.end(), true));
}

const memory& forward_fused(Context& ctx, Layer& producer, Layer& activation, const memory& src, bool training) {
    const memory& y = producer.forward_fused(ctx, src);
    if (!training) return y;
    return static_cast<Activation&>(activation).adopt_output(y, producer.fused_backward_takes_activation());
}

const memory& forward_chain(Context& ctx, const std::vector<std::unique_ptr<Layer>>& chain, const ChainFusion& fusion, const memory& src,
                            bool training) {
    const memory* h = &src;
    for (std::size_t i = 0; i < chain.size(); ++i) {
        if (fusion.fused(i, training)) {
            h = &forward_fused(ctx, *chain[i], *chain[i + 1], *h, training);
            ++i;  // the activation ran inside
            continue;
        }
        h = &chain[i]->forward(ctx, *h);
    }
    return *h;
}

}  // namespace actbench
