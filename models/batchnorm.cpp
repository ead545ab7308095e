#include "batchnorm.hpp"

#include "activation.hpp"

#include <optional>
#include <unordered_map>

namespace actbench {

namespace {
std::string implementations(const dnnl::primitive_desc& train, const dnnl::primitive_desc& eval, const dnnl::primitive_desc& bwd) {
    return std::string(train.impl_info_str()) + " " + eval.impl_info_str() + " " + bwd.impl_info_str();
}
}  // namespace

memory::desc BatchNorm::build(Context& ctx, const memory::desc& src, bool) {
    src_desc_ = src;
    const auto dims = src.dims();
    const memory::dim c = dims[1];
    per_channel_ = static_cast<double>(logical_count(dims) / static_cast<std::size_t>(c));
    using bnf = dnnl::batch_normalization_forward;
    const auto flags = dnnl::normalization_flags::use_scale | dnnl::normalization_flags::use_shift;
    bnf::primitive_desc train_pd(bnf::desc(dnnl::prop_kind::forward_training, src, epsilon_, flags), ctx.engine);
    bnf::primitive_desc eval_pd(
        bnf::desc(dnnl::prop_kind::forward_inference, src, epsilon_, flags | dnnl::normalization_flags::use_global_stats), ctx.engine);
    fwd_train_ = bnf(train_pd);
    fwd_eval_ = bnf(eval_pd);
    using bnb = dnnl::batch_normalization_backward;
    bnb::primitive_desc bpd(bnb::desc(dnnl::prop_kind::backward, src, src, epsilon_, flags), ctx.engine, train_pd);
    bwd_ = bnb(bpd);
    impl_ = implementations(train_pd, eval_pd, bpd);
    dst_ = memory(train_pd.dst_desc(), ctx.engine);
    mean_ = memory(train_pd.mean_desc(), ctx.engine);
    variance_ = memory(train_pd.variance_desc(), ctx.engine);
    running_mean_.assign(c, 0.f);
    running_var_.assign(c, 1.f);
    run_mean_mem_ = memory(train_pd.mean_desc(), ctx.engine, running_mean_.data());
    run_var_mem_ = memory(train_pd.variance_desc(), ctx.engine, running_var_.data());
    diff_src_ = gradient_memory(ctx, bpd.diff_src_desc());
    const memory::desc cd = plain_desc({c});
    scale_ = Param{name_ + ".scale", {c}, memory(cd, ctx.engine), memory(cd, ctx.engine), ParamRole::norm, 1.f, 0, 0};
    shift_ = Param{name_ + ".shift", {c}, memory(cd, ctx.engine), memory(cd, ctx.engine), ParamRole::norm, 0.f, 0, 0};
    return train_pd.dst_desc();
}

bool BatchNorm::fuse_activation(Context& ctx, const EltwiseArgs& activation) {
    if (activation.algorithm != dnnl::algorithm::eltwise_relu || activation.alpha != 0.f) return false;
    using bnf = dnnl::batch_normalization_forward;
    using bnb = dnnl::batch_normalization_backward;
    using F = dnnl::normalization_flags;
    const auto flags = F::use_scale | F::use_shift | F::fuse_norm_relu;
    try {
        bnf::primitive_desc train_pd(bnf::desc(dnnl::prop_kind::forward_training, src_desc_, epsilon_, flags), ctx.engine);
        bnf::primitive_desc eval_pd(bnf::desc(dnnl::prop_kind::forward_inference, src_desc_, epsilon_, flags | F::use_global_stats),
                                    ctx.engine);
        bnb::primitive_desc bwd_pd(bnb::desc(dnnl::prop_kind::backward, src_desc_, src_desc_, epsilon_, flags), ctx.engine, train_pd);
        // The same kernels as unfused, or the bits could differ.
        if (implementations(train_pd, eval_pd, bwd_pd) != impl_) return false;
        fused_train_ = bnf(train_pd);
        fused_eval_ = bnf(eval_pd);
        fused_bwd_ = bnb(bwd_pd);
        workspace_ = memory(train_pd.workspace_desc(), ctx.engine);
    } catch (const dnnl::error&) {
        return false;  // no implementation fuses it on this layout
    }
    return true;
}

const memory& BatchNorm::forward(Context& ctx, const memory& src) {
    fused_ran_ = false;
    return run_forward(ctx, src, fwd_train_, fwd_eval_);
}

const memory& BatchNorm::forward_fused(Context& ctx, const memory& src) {
    fused_ran_ = true;
    return run_forward(ctx, src, fused_train_, fused_eval_);
}

const memory& BatchNorm::run_forward(Context& ctx, const memory& src, dnnl::primitive& train, dnnl::primitive& eval) {
    src_used_ = src;
    // Timed on its own (inside a residual block's section too), as the conv and dense primitives are.
    std::optional<ProfileScope> timed(std::in_place, ctx, "forward", name_);
    if (!training_) {
        eval.execute(ctx.stream,
                     {{DNNL_ARG_SRC, src},
                      {DNNL_ARG_DST, dst_},
                      {DNNL_ARG_MEAN, run_mean_mem_},
                      {DNNL_ARG_VARIANCE, run_var_mem_},
                      {DNNL_ARG_SCALE, scale_.value},
                      {DNNL_ARG_SHIFT, shift_.value}});
        return dst_;
    }
    std::unordered_map<int, memory> args{{DNNL_ARG_SRC, src},
                                         {DNNL_ARG_DST, dst_},
                                         {DNNL_ARG_MEAN, mean_},
                                         {DNNL_ARG_VARIANCE, variance_},
                                         {DNNL_ARG_SCALE, scale_.value},
                                         {DNNL_ARG_SHIFT, shift_.value}};
    if (fused_ran_) args[DNNL_ARG_WORKSPACE] = workspace_;
    train.execute(ctx.stream, args);
    ctx.stream.wait();
    timed.reset();
    const float* m = data_of(mean_);
    const float* v = data_of(variance_);
    const double unbias = per_channel_ > 1 ? per_channel_ / (per_channel_ - 1) : 1.0;
    for (std::size_t k = 0; k < running_mean_.size(); ++k) {
        running_mean_[k] = (1 - momentum_) * running_mean_[k] + momentum_ * m[k];
        running_var_[k] = (1 - momentum_) * running_var_[k] + momentum_ * static_cast<float>(v[k] * unbias);
    }
    return dst_;
}

const memory& BatchNorm::backward(Context& ctx, const memory& diff_dst) {
    // oneDNN 2.6 refuses to execute the backward primitive without DNNL_ARG_SHIFT when use_shift is set,
    // although the shift does not enter the gradient ("could not execute a primitive", measured).
    // Fused, the ReLU's gradient mask comes from the workspace. diff_dst may share diff_src's buffer (the gradient
    // slot the layer after the ReLU wrote): oneDNN's batch norm backward runs in place.
    const memory& dd = as_layout(ctx, diff_dst, src_desc_, diff_dst_scratch_);
    std::unordered_map<int, memory> args{{DNNL_ARG_SRC, src_used_},         {DNNL_ARG_MEAN, mean_},
                                         {DNNL_ARG_VARIANCE, variance_},    {DNNL_ARG_DIFF_DST, dd},
                                         {DNNL_ARG_SCALE, scale_.value},    {DNNL_ARG_SHIFT, shift_.value},
                                         {DNNL_ARG_DIFF_SRC, diff_src_},    {DNNL_ARG_DIFF_SCALE, scale_.grad},
                                         {DNNL_ARG_DIFF_SHIFT, shift_.grad}};
    if (fused_ran_) args[DNNL_ARG_WORKSPACE] = workspace_;
    ProfileScope timed(ctx, "backward-data", name_);
    (fused_ran_ ? fused_bwd_ : bwd_).execute(ctx.stream, args);
    return diff_src_;
}

}  // namespace actbench
