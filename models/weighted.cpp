#include "weighted.hpp"

#include <optional>

namespace actbench {

memory::desc WeightedLayer::adopt(Context& ctx, const dnnl::primitive_desc& fwd, const dnnl::primitive_desc* bwd_data,
                                  const dnnl::primitive_desc& bwd_weights, const memory::dims& weight_dims, double fan_in, double fan_out) {
    fwd_ = dnnl::primitive(fwd);
    fwd_impl_ = fwd.impl_info_str();
    src_want_ = fwd.src_desc();
    dst_ = memory(fwd.dst_desc(), ctx.engine);
    // The fp32 master weight and its gradient in forward's layout (in bf16, the layout chosen for the bf16 copy).
    const memory::desc wd = with_type(fwd.weights_desc(0), dt::f32);
    weight_ = Param{name_ + ".weight", weight_dims, memory(wd, ctx.engine), memory(wd, ctx.engine), ParamRole::weight, 0, fan_in, fan_out};
    if (compute_ != dt::f32) weight_.low = memory(fwd.weights_desc(0), ctx.engine);
    if (has_bias_) {
        const memory::desc bd = fwd.weights_desc(1);
        bias_ =
            Param{name_ + ".bias", {weight_dims[0]}, memory(bd, ctx.engine), memory(bd, ctx.engine), ParamRole::bias, 0, fan_in, fan_out};
    }
    if (bwd_data) {
        bwd_data_ = dnnl::primitive(*bwd_data);
        bwd_data_diff_dst_want_ = bwd_data->diff_dst_desc();
        bwd_data_weight_want_ = bwd_data->weights_desc(0);
        diff_src_ = gradient_memory(ctx, bwd_data->diff_src_desc());
    }
    bwd_weights_ = dnnl::primitive(bwd_weights);
    bwd_src_want_ = bwd_weights.src_desc();
    bwd_w_diff_dst_want_ = bwd_weights.diff_dst_desc();
    if (bwd_weights.diff_weights_desc(0) != wd) diff_weight_raw_ = memory(bwd_weights.diff_weights_desc(0), ctx.engine);
    return fwd.dst_desc();
}

const memory& WeightedLayer::run_forward(Context& ctx, const memory& src, dnnl::primitive& primitive) {
    // The bf16 copy is current when the optimizer has just written it, or, in evaluation, once rounded.
    if (weight_.low && !weight_.low_fresh && (training_ || !weight_lp_current_)) {
        ProfileScope timed(ctx, "reorder", name_);
        round_into_low(weight_, 0, floats_in(weight_.value.get_desc()));
    }
    weight_.low_fresh = false;
    weight_lp_current_ = true;
    src_used_ = as_layout(ctx, src, src_want_, src_scratch_);
    std::unordered_map<int, memory> args{{DNNL_ARG_SRC, src_used_}, {DNNL_ARG_WEIGHTS, compute_weight()}, {DNNL_ARG_DST, dst_}};
    if (has_bias_) args.emplace(DNNL_ARG_BIAS, bias_.value);
    // Timed on its own (inside a residual block's section too), so a profile can tell the primitives from the rest.
    ProfileScope timed(ctx, "forward", name_);
    primitive.execute(ctx.stream, args);
    return dst_;
}

const memory& WeightedLayer::forward(Context& ctx, const memory& src) { return run_forward(ctx, src, fwd_); }

const memory& WeightedLayer::backward(Context& ctx, const memory& diff_dst) {
    std::optional<ProfileScope> timed_weights(std::in_place, ctx, "backward-weights", name_);
    const memory& dd_w = as_layout(ctx, diff_dst, bwd_w_diff_dst_want_, diff_dst_scratch_);
    const memory& src_w = as_layout(ctx, src_used_, bwd_src_want_, bwd_src_scratch_);
    const memory& diff_weight = diff_weight_raw_ ? diff_weight_raw_ : weight_.grad;
    std::unordered_map<int, memory> args{{DNNL_ARG_SRC, src_w}, {DNNL_ARG_DIFF_DST, dd_w}, {DNNL_ARG_DIFF_WEIGHTS, diff_weight}};
    if (has_bias_) args.emplace(DNNL_ARG_DIFF_BIAS, bias_.grad);
    bwd_weights_.execute(ctx.stream, args);
    if (diff_weight_raw_) {
        ProfileScope timed(ctx, "reorder", name_);
        dnnl::reorder(diff_weight_raw_, weight_.grad).execute(ctx.stream, diff_weight_raw_, weight_.grad);
    }
    timed_weights.reset();

    if (bwd_data_) {
        const memory& dd = as_layout(ctx, diff_dst, bwd_data_diff_dst_want_, diff_dst_scratch2_);
        const memory& wt = as_layout(ctx, compute_weight(), bwd_data_weight_want_, weight_scratch_);
        ProfileScope timed(ctx, "backward-data", name_);
        bwd_data_.execute(ctx.stream, {{DNNL_ARG_DIFF_DST, dd}, {DNNL_ARG_WEIGHTS, wt}, {DNNL_ARG_DIFF_SRC, diff_src_}});
    }
    ctx.stream.wait();
    return diff_src_;
}

bool WeightedLayer::fuse_activation(Context& ctx, const EltwiseArgs& activation) {
    dnnl::post_ops ops;
    ops.append_eltwise(1.f, activation.algorithm, activation.alpha, activation.beta);
    dnnl::primitive_attr attr;
    attr.set_post_ops(ops);
    const memory::desc bias = has_bias_ ? bias_.value.get_desc() : memory::desc();
    dnnl::primitive_desc pd;
    try {
        pd = forward_desc(ctx, src_want_, compute_weight().get_desc(), has_bias_ ? &bias : nullptr, dst_.get_desc(), attr);
    } catch (const dnnl::error&) {
        return false;  // no implementation takes this post-op on these layouts
    }
    if (pd.impl_info_str() != fwd_impl_) return false;
    fused_fwd_ = dnnl::primitive(pd);
    return true;
}

const memory& WeightedLayer::forward_fused(Context& ctx, const memory& src) { return run_forward(ctx, src, fused_fwd_); }

void WeightedLayer::set_training(bool training) {
    training_ = training;
    weight_lp_current_ = false;  // evaluation rounds the weights once, on its first forward
}

std::vector<Param*> WeightedLayer::params() {
    if (has_bias_) return {&weight_, &bias_};
    return {&weight_};
}

}  // namespace actbench
