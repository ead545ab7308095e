#include "dense.hpp"

namespace actbench {

memory::desc Dense::build(Context& ctx, const memory::desc& src, bool need_diff_src) {
    need_diff_src_ = need_diff_src;
    const auto sd = src.dims();
    const memory::dim oc = spec_.out_features;
    memory::dims wdims = sd;
    wdims[0] = oc;  // [OC, C(, H, W)]
    const memory::dims bdims{oc}, ddims{sd[0], oc};
    double fan_in = 1;
    for (std::size_t i = 1; i < sd.size(); ++i) fan_in *= static_cast<double>(sd[i]);

    using ipf = dnnl::inner_product_forward;
    const auto bias_md = memory::desc(bdims, dt::f32, tag::x);
    auto fd = spec_.bias ? ipf::desc(dnnl::prop_kind::forward_training, any_desc(sd), any_desc(wdims), bias_md,
                                     any_desc(ddims))
                         : ipf::desc(dnnl::prop_kind::forward_training, any_desc(sd), any_desc(wdims),
                                     any_desc(ddims));
    ipf::primitive_desc fpd(fd, ctx.engine);
    fwd_ = ipf(fpd);
    src_want_ = fpd.src_desc();
    dst_ = memory(fpd.dst_desc(), ctx.engine);
    weight_ = Param{name_ + ".weight", wdims, memory(fpd.weights_desc(), ctx.engine),
                    memory(fpd.weights_desc(), ctx.engine), true, fan_in, static_cast<double>(oc)};
    if (spec_.bias)
        bias_ = Param{name_ + ".bias", bdims, memory(fpd.bias_desc(), ctx.engine),
                      memory(fpd.bias_desc(), ctx.engine), false, fan_in, static_cast<double>(oc)};

    if (need_diff_src_) {
        using ipbd = dnnl::inner_product_backward_data;
        ipbd::desc bd(any_desc(sd), any_desc(wdims), any_desc(ddims));
        ipbd::primitive_desc bpd(bd, ctx.engine, fpd);
        bwd_data_ = ipbd(bpd);
        bwd_data_diff_dst_want_ = bpd.diff_dst_desc();
        // Backward-data often prefers another weight layout than forward (forcing forward's can fall back
        // to the reference kernel, ~100x slower); the weights are reordered for it each step.
        bwd_data_weights_want_ = bpd.weights_desc();
        diff_src_ = memory(bpd.diff_src_desc(), ctx.engine);
    }

    using ipbw = dnnl::inner_product_backward_weights;
    auto wd = spec_.bias ? ipbw::desc(any_desc(sd), any_desc(wdims), bias_md, any_desc(ddims))
                         : ipbw::desc(any_desc(sd), any_desc(wdims), any_desc(ddims));
    ipbw::primitive_desc wpd(wd, ctx.engine, fpd);
    bwd_weights_ = ipbw(wpd);
    bwd_src_want_ = wpd.src_desc();
    bwd_w_diff_dst_want_ = wpd.diff_dst_desc();
    if (wpd.diff_weights_desc() != weight_.grad.get_desc())
        diff_weight_raw_ = memory(wpd.diff_weights_desc(), ctx.engine);
    return fpd.dst_desc();
}

const memory& Dense::forward(Context& ctx, const memory& src) {
    src_used_ = as_layout(ctx, src, src_want_, src_scratch_);
    std::unordered_map<int, memory> args{{DNNL_ARG_SRC, src_used_}, {DNNL_ARG_WEIGHTS, weight_.value},
                                         {DNNL_ARG_DST, dst_}};
    if (spec_.bias) args.emplace(DNNL_ARG_BIAS, bias_.value);
    fwd_.execute(ctx.stream, args);
    return dst_;
}

const memory& Dense::backward(Context& ctx, const memory& diff_dst) {
    const memory& dd_w = as_layout(ctx, diff_dst, bwd_w_diff_dst_want_, diff_dst_scratch_);
    const memory& src_w = as_layout(ctx, src_used_, bwd_src_want_, bwd_src_scratch_);
    const memory& diff_weight = diff_weight_raw_ ? diff_weight_raw_ : weight_.grad;
    std::unordered_map<int, memory> args{{DNNL_ARG_SRC, src_w}, {DNNL_ARG_DIFF_DST, dd_w},
                                         {DNNL_ARG_DIFF_WEIGHTS, diff_weight}};
    if (spec_.bias) args.emplace(DNNL_ARG_DIFF_BIAS, bias_.grad);
    bwd_weights_.execute(ctx.stream, args);
    if (diff_weight_raw_) dnnl::reorder(diff_weight_raw_, weight_.grad).execute(ctx.stream, diff_weight_raw_, weight_.grad);

    if (need_diff_src_) {
        const memory& dd = as_layout(ctx, diff_dst, bwd_data_diff_dst_want_, diff_dst_scratch2_);
        const memory& wt = as_layout(ctx, weight_.value, bwd_data_weights_want_, weight_scratch_);
        bwd_data_.execute(ctx.stream, {{DNNL_ARG_DIFF_DST, dd}, {DNNL_ARG_WEIGHTS, wt},
                                       {DNNL_ARG_DIFF_SRC, diff_src_}});
    }
    ctx.stream.wait();
    return diff_src_;
}

std::vector<Param*> Dense::params() {
    if (spec_.bias) return {&weight_, &bias_};
    return {&weight_};
}

}  // namespace actbench
