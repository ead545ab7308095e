#include "pool.hpp"

namespace actbench {

memory::desc MaxPool2d::build(Context& ctx, const memory::desc& src, bool need_diff_src) {
    need_diff_src_ = need_diff_src;
    const auto sd = src.dims();
    const memory::dim k = spec_.kernel, s = spec_.stride;
    const memory::dims ddims{sd[0], sd[1], (sd[2] - k) / s + 1, (sd[3] - k) / s + 1};
    const memory::dims strides{s, s}, kernel{k, k}, pad{0, 0};

    dnnl::pooling_forward::desc fd(dnnl::prop_kind::forward_training, dnnl::algorithm::pooling_max, src, any_desc(ddims, src.data_type()),
                                   strides, kernel, pad, pad);
    dnnl::pooling_forward::primitive_desc fpd(fd, ctx.engine);
    fwd_ = dnnl::pooling_forward(fpd);
    // Evaluation needs no workspace: the inference primitive only reads src and writes dst (same maxima).
    dnnl::pooling_forward::desc id(dnnl::prop_kind::forward_inference, dnnl::algorithm::pooling_max, src, fpd.dst_desc(), strides, kernel,
                                   pad, pad);
    infer_ = dnnl::pooling_forward(dnnl::pooling_forward::primitive_desc(id, ctx.engine));
    dst_ = memory(fpd.dst_desc(), ctx.engine);
    workspace_ = memory(fpd.workspace_desc(), ctx.engine);

    if (need_diff_src_) {
        dnnl::pooling_backward::desc bd(dnnl::algorithm::pooling_max, src, fpd.dst_desc(), strides, kernel, pad, pad);
        dnnl::pooling_backward::primitive_desc bpd(bd, ctx.engine, fpd);
        bwd_ = dnnl::pooling_backward(bpd);
        diff_dst_want_ = bpd.diff_dst_desc();
        diff_src_ = gradient_memory(ctx, bpd.diff_src_desc());
    }
    return fpd.dst_desc();
}

const memory& MaxPool2d::forward(Context& ctx, const memory& src) {
    if (!training_) {
        infer_.execute(ctx.stream, {{DNNL_ARG_SRC, src}, {DNNL_ARG_DST, dst_}});
        return dst_;
    }
    fwd_.execute(ctx.stream, {{DNNL_ARG_SRC, src}, {DNNL_ARG_DST, dst_}, {DNNL_ARG_WORKSPACE, workspace_}});
    return dst_;
}

const memory& MaxPool2d::backward(Context& ctx, const memory& diff_dst) {
    if (!need_diff_src_) return diff_src_;
    const memory& dd = as_layout(ctx, diff_dst, diff_dst_want_, diff_dst_scratch_);
    bwd_.execute(ctx.stream, {{DNNL_ARG_DIFF_DST, dd}, {DNNL_ARG_DIFF_SRC, diff_src_}, {DNNL_ARG_WORKSPACE, workspace_}});
    return diff_src_;
}

memory::desc GlobalAvgPool::build(Context& ctx, const memory::desc& src, bool need_diff_src) {
    const auto sd = src.dims();
    const memory::dims kernel{sd[2], sd[3]}, strides{1, 1}, pad{0, 0};
    const auto alg = dnnl::algorithm::pooling_avg_exclude_padding;
    dnnl::pooling_forward::desc fd(dnnl::prop_kind::forward_training, alg, src, any_desc({sd[0], sd[1], 1, 1}, src.data_type()), strides,
                                   kernel, pad, pad);
    dnnl::pooling_forward::primitive_desc fpd(fd, ctx.engine);
    fwd_ = dnnl::pooling_forward(fpd);
    dst_ = memory(fpd.dst_desc(), ctx.engine);
    if (need_diff_src) {
        dnnl::pooling_backward::desc bd(alg, src, fpd.dst_desc(), strides, kernel, pad, pad);
        dnnl::pooling_backward::primitive_desc bpd(bd, ctx.engine, fpd);
        bwd_ = dnnl::pooling_backward(bpd);
        diff_dst_want_ = bpd.diff_dst_desc();
        diff_src_ = gradient_memory(ctx, bpd.diff_src_desc());
    }
    return fpd.dst_desc();
}

const memory& GlobalAvgPool::forward(Context& ctx, const memory& src) {
    fwd_.execute(ctx.stream, {{DNNL_ARG_SRC, src}, {DNNL_ARG_DST, dst_}});
    return dst_;
}

const memory& GlobalAvgPool::backward(Context& ctx, const memory& diff_dst) {
    if (!diff_src_) return diff_src_;
    const memory& dd = as_layout(ctx, diff_dst, diff_dst_want_, diff_dst_scratch_);
    bwd_.execute(ctx.stream, {{DNNL_ARG_DIFF_DST, dd}, {DNNL_ARG_DIFF_SRC, diff_src_}});
    return diff_src_;
}

}  // namespace actbench
