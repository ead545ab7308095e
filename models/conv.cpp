#include "conv.hpp"

namespace actbench {

memory::desc Conv2d::build(Context& ctx, const memory::desc& src, bool need_diff_src) {
    const auto sd = src.dims();
    const memory::dim n = sd[0], ic = sd[1], h = sd[2], w = sd[3];
    const memory::dim oc = spec_.out_channels, k = spec_.kernel, s = spec_.stride, p = spec_.padding;
    const memory::dim oh = (h + 2 * p - k) / s + 1, ow = (w + 2 * p - k) / s + 1;
    const memory::dims wdims{oc, ic, k, k}, ddims{n, oc, oh, ow};
    const memory::dims strides{s, s}, pad{p, p};
    const memory::desc bias_md({oc}, dt::f32, tag::x);
    const auto alg = dnnl::algorithm::convolution_direct;

    using cf = dnnl::convolution_forward;
    cf::primitive_desc fpd(forward_op(data_any(sd), data_any(wdims), has_bias_ ? &bias_md : nullptr, output_any(ddims)), ctx.engine);

    dnnl::convolution_backward_data::primitive_desc bpd;
    if (need_diff_src) {
        dnnl::convolution_backward_data::desc bd(alg, data_any(sd), data_any(wdims), data_any(ddims), strides, pad, pad);
        bpd = dnnl::convolution_backward_data::primitive_desc(bd, ctx.engine, fpd);
    }
    using cbw = dnnl::convolution_backward_weights;
    auto wd = has_bias_ ? cbw::desc(alg, data_any(sd), grad_any(wdims), bias_md, data_any(ddims), strides, pad, pad)
                        : cbw::desc(alg, data_any(sd), grad_any(wdims), data_any(ddims), strides, pad, pad);
    cbw::primitive_desc wpd(wd, ctx.engine, fpd);

    const double area = static_cast<double>(k * k);
    return adopt(ctx, fpd, need_diff_src ? &bpd : nullptr, wpd, wdims, ic * area, oc * area);
}

dnnl::convolution_forward::desc Conv2d::forward_op(const memory::desc& src, const memory::desc& weights, const memory::desc* bias,
                                                   const memory::desc& dst) const {
    const memory::dims strides{spec_.stride, spec_.stride}, pad{spec_.padding, spec_.padding};
    using cf = dnnl::convolution_forward;
    const auto alg = dnnl::algorithm::convolution_direct;
    return bias ? cf::desc(dnnl::prop_kind::forward_training, alg, src, weights, *bias, dst, strides, pad, pad)
                : cf::desc(dnnl::prop_kind::forward_training, alg, src, weights, dst, strides, pad, pad);
}

dnnl::primitive_desc Conv2d::forward_desc(Context& ctx, const memory::desc& src, const memory::desc& weights, const memory::desc* bias,
                                          const memory::desc& dst, const dnnl::primitive_attr& attr) const {
    return dnnl::convolution_forward::primitive_desc(forward_op(src, weights, bias, dst), attr, ctx.engine);
}

}  // namespace actbench
