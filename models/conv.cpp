#include "conv.hpp"

namespace actbench {

memory::desc Conv2d::build(Context& ctx, const memory::desc& src, bool need_diff_src) {
    need_diff_src_ = need_diff_src;
    const auto sd = src.dims();
    const memory::dim n = sd[0], ic = sd[1], h = sd[2], w = sd[3];
    const memory::dim oc = spec_.out_channels, k = spec_.kernel, s = spec_.stride, p = spec_.padding;
    const memory::dim oh = (h + 2 * p - k) / s + 1, ow = (w + 2 * p - k) / s + 1;
    const memory::dims wdims{oc, ic, k, k}, bdims{oc}, ddims{n, oc, oh, ow};
    const memory::dims strides{s, s}, pad{p, p};

    auto bias_any = spec_.bias ? memory::desc(bdims, dt::f32, tag::x) : memory::desc();
    using cf = dnnl::convolution_forward;
    auto fd = spec_.bias ? cf::desc(dnnl::prop_kind::forward_training, dnnl::algorithm::convolution_direct,
                                    any_desc(sd), any_desc(wdims), bias_any, any_desc(ddims), strides, pad, pad)
                         : cf::desc(dnnl::prop_kind::forward_training, dnnl::algorithm::convolution_direct,
                                    any_desc(sd), any_desc(wdims), any_desc(ddims), strides, pad, pad);
    cf::primitive_desc fpd(fd, ctx.engine);
    fwd_ = cf(fpd);
    src_want_ = fpd.src_desc();
    dst_ = memory(fpd.dst_desc(), ctx.engine);

    const double area = static_cast<double>(k * k);
    weight_ = Param{name_ + ".weight", wdims, memory(fpd.weights_desc(), ctx.engine),
                    memory(fpd.weights_desc(), ctx.engine), true, ic * area, oc * area};
    if (spec_.bias)
        bias_ = Param{name_ + ".bias", bdims, memory(fpd.bias_desc(), ctx.engine),
                      memory(fpd.bias_desc(), ctx.engine), false, ic * area, oc * area};

    if (need_diff_src_) {
        using cbd = dnnl::convolution_backward_data;
        cbd::desc bd(dnnl::algorithm::convolution_direct, any_desc(sd), any_desc(wdims), any_desc(ddims),
                     strides, pad, pad);
        cbd::primitive_desc bpd(bd, ctx.engine, fpd);
        bwd_data_ = cbd(bpd);
        bwd_data_diff_dst_want_ = bpd.diff_dst_desc();
        // Backward-data often prefers another weight layout than forward (forcing forward's can fall back
        // to the reference kernel, ~100x slower); the weights are reordered for it each step.
        bwd_data_weights_want_ = bpd.weights_desc();
        diff_src_ = memory(bpd.diff_src_desc(), ctx.engine);
    }

    using cbw = dnnl::convolution_backward_weights;
    auto wd = spec_.bias ? cbw::desc(dnnl::algorithm::convolution_direct, any_desc(sd), any_desc(wdims),
                                     memory::desc(bdims, dt::f32, tag::x), any_desc(ddims), strides, pad, pad)
                         : cbw::desc(dnnl::algorithm::convolution_direct, any_desc(sd), any_desc(wdims),
                                     any_desc(ddims), strides, pad, pad);
    cbw::primitive_desc wpd(wd, ctx.engine, fpd);
    bwd_weights_ = cbw(wpd);
    bwd_src_want_ = wpd.src_desc();
    bwd_w_diff_dst_want_ = wpd.diff_dst_desc();
    if (wpd.diff_weights_desc() != weight_.grad.get_desc())
        diff_weight_raw_ = memory(wpd.diff_weights_desc(), ctx.engine);
    return fpd.dst_desc();
}

const memory& Conv2d::forward(Context& ctx, const memory& src) {
    src_used_ = as_layout(ctx, src, src_want_, src_scratch_);
    std::unordered_map<int, memory> args{{DNNL_ARG_SRC, src_used_}, {DNNL_ARG_WEIGHTS, weight_.value},
                                         {DNNL_ARG_DST, dst_}};
    if (spec_.bias) args.emplace(DNNL_ARG_BIAS, bias_.value);
    fwd_.execute(ctx.stream, args);
    return dst_;
}

const memory& Conv2d::backward(Context& ctx, const memory& diff_dst) {
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

std::vector<Param*> Conv2d::params() {
    if (spec_.bias) return {&weight_, &bias_};
    return {&weight_};
}

}  // namespace actbench
