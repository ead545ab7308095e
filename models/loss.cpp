#include "loss.hpp"

#include <algorithm>

namespace actbench {

void SoftmaxCrossEntropy::build(Context& ctx, const memory::desc& logits) {
    const auto d = logits.dims();
    batch_ = static_cast<int>(d[0]);
    classes_ = static_cast<int>(d[1]);
    plain_ = plain_desc(d);
    dnnl::logsoftmax_forward::desc fd(dnnl::prop_kind::forward_training, plain_, 1);
    dnnl::logsoftmax_forward::primitive_desc fpd(fd, ctx.engine);
    fwd_ = dnnl::logsoftmax_forward(fpd);
    dnnl::logsoftmax_backward::desc bd(plain_, plain_, 1);
    dnnl::logsoftmax_backward::primitive_desc bpd(bd, ctx.engine, fpd);
    bwd_ = dnnl::logsoftmax_backward(bpd);
    logp_ = memory(plain_, ctx.engine);
    diff_logp_ = memory(plain_, ctx.engine);
    diff_logits_ = memory(plain_, ctx.engine);
}

LossResult SoftmaxCrossEntropy::forward(Context& ctx, const memory& logits, const std::int32_t* labels, int rows) {
    const memory& z = as_layout(ctx, logits, plain_, logits_scratch_);
    fwd_.execute(ctx.stream, {{DNNL_ARG_SRC, z}, {DNNL_ARG_DST, logp_}});
    ctx.stream.wait();
    labels_ = labels;
    LossResult r;
    const float* lp = data_of(logp_);
    for (int n = 0; n < rows; ++n) {
        const float* row = lp + static_cast<std::ptrdiff_t>(n) * classes_;
        r.loss_sum -= row[labels[n]];
        // Ties go to the lowest class index, so the count is deterministic.
        const int arg = static_cast<int>(std::max_element(row, row + classes_) - row);
        r.correct += arg == labels[n];
    }
    return r;
}

const memory& SoftmaxCrossEntropy::backward(Context& ctx) {
    float* g = data_of(diff_logp_);
    std::fill(g, g + static_cast<std::ptrdiff_t>(batch_) * classes_, 0.f);
    const float scale = -1.f / static_cast<float>(batch_);
    for (int n = 0; n < batch_; ++n) g[static_cast<std::ptrdiff_t>(n) * classes_ + labels_[n]] = scale;
    bwd_.execute(ctx.stream, {{DNNL_ARG_DST, logp_}, {DNNL_ARG_DIFF_DST, diff_logp_}, {DNNL_ARG_DIFF_SRC, diff_logits_}});
    ctx.stream.wait();
    return diff_logits_;
}

}  // namespace actbench
