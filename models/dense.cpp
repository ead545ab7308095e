#include "dense.hpp"

namespace actbench {

memory::desc Dense::build(Context& ctx, const memory::desc& src, bool need_diff_src) {
    const auto sd = src.dims();
    const memory::dim oc = spec_.out_features;
    memory::dims wdims = sd;
    wdims[0] = oc;  // [OC, C(, H, W)]
    const memory::dims ddims{sd[0], oc};
    double fan_in = 1;
    for (std::size_t i = 1; i < sd.size(); ++i) fan_in *= static_cast<double>(sd[i]);
    const memory::desc bias_md({oc}, dt::f32, tag::x);

    using ipf = dnnl::inner_product_forward;
    ipf::primitive_desc fpd(forward_op(data_any(sd), data_any(wdims), has_bias_ ? &bias_md : nullptr, output_any(ddims)), ctx.engine);

    dnnl::inner_product_backward_data::primitive_desc bpd;
    if (need_diff_src) {
        dnnl::inner_product_backward_data::desc bd(data_any(sd), data_any(wdims), data_any(ddims));
        bpd = dnnl::inner_product_backward_data::primitive_desc(bd, ctx.engine, fpd);
    }
    using ipbw = dnnl::inner_product_backward_weights;
    auto wd = has_bias_ ? ipbw::desc(data_any(sd), grad_any(wdims), bias_md, data_any(ddims))
                        : ipbw::desc(data_any(sd), grad_any(wdims), data_any(ddims));
    ipbw::primitive_desc wpd(wd, ctx.engine, fpd);

    return adopt(ctx, fpd, need_diff_src ? &bpd : nullptr, wpd, wdims, fan_in, static_cast<double>(oc));
}

dnnl::inner_product_forward::desc Dense::forward_op(const memory::desc& src, const memory::desc& weights, const memory::desc* bias,
                                                    const memory::desc& dst) const {
    using ipf = dnnl::inner_product_forward;
    return bias ? ipf::desc(dnnl::prop_kind::forward_training, src, weights, *bias, dst)
                : ipf::desc(dnnl::prop_kind::forward_training, src, weights, dst);
}

dnnl::primitive_desc Dense::forward_desc(Context& ctx, const memory::desc& src, const memory::desc& weights, const memory::desc* bias,
                                         const memory::desc& dst, const dnnl::primitive_attr& attr) const {
    return dnnl::inner_product_forward::primitive_desc(forward_op(src, weights, bias, dst), attr, ctx.engine);
}

}  // namespace actbench
