#include "activation.hpp"

#include <cmath>
#include <stdexcept>

namespace actbench {

namespace {
double relu_f(double x) { return x > 0 ? x : 0; }
double relu_df(double x) { return x > 0 ? 1 : 0; }
double tanh_f(double x) { return std::tanh(x); }
double tanh_df(double x) {
    const double t = std::tanh(x);
    return 1 - t * t;
}
double sigmoid_f(double x) { return 1 / (1 + std::exp(-x)); }
double sigmoid_df(double x) {
    const double s = sigmoid_f(x);
    return s * (1 - s);
}
}  // namespace

const std::vector<ActivationInfo>& activation_table() {
    static const std::vector<ActivationInfo> table{
        {"relu", "f(x) = max(0, x)",
         "Nair & Hinton 2010; Glorot, Bordes & Bengio 2011 (Deep Sparse Rectifier Neural Networks)",
         dnnl::algorithm::eltwise_relu, 0.f, 0.f, relu_f, relu_df, {0.0}, true},
        {"tanh", "f(x) = tanh(x)", "LeCun et al. 1998 (Efficient BackProp)", dnnl::algorithm::eltwise_tanh, 0.f,
         0.f, tanh_f, tanh_df, {}, false},
        {"sigmoid", "f(x) = 1 / (1 + exp(-x))", "Rumelhart, Hinton & Williams 1986",
         dnnl::algorithm::eltwise_logistic, 0.f, 0.f, sigmoid_f, sigmoid_df, {}, false},
    };
    return table;
}

std::string activation_names() {
    std::string names;
    for (const auto& a : activation_table()) {
        if (!names.empty()) names += ", ";
        names += a.name;
    }
    return names;
}

const ActivationInfo& find_activation(std::string_view name) {
    for (const auto& a : activation_table())
        if (a.name == name) return a;
    throw std::invalid_argument("unknown activation '" + std::string(name) + "' (valid: " + activation_names() +
                                ")");
}

memory::desc Activation::build(Context& ctx, const memory::desc& src, bool need_diff_src) {
    src_desc_ = src;
    dnnl::eltwise_forward::desc fd(dnnl::prop_kind::forward_training, info_->algorithm, src, info_->alpha,
                                   info_->beta);
    dnnl::eltwise_forward::primitive_desc fpd(fd, ctx.engine);
    fwd_ = dnnl::eltwise_forward(fpd);
    dst_ = memory(fpd.dst_desc(), ctx.engine);
    if (need_diff_src) {
        dnnl::eltwise_backward::desc bd(info_->algorithm, src, src, info_->alpha, info_->beta);
        dnnl::eltwise_backward::primitive_desc bpd(bd, ctx.engine, fpd);
        bwd_ = dnnl::eltwise_backward(bpd);
        diff_src_ = memory(bpd.diff_src_desc(), ctx.engine);
    }
    return fpd.dst_desc();
}

const memory& Activation::forward(Context& ctx, const memory& src) {
    src_used_ = src;
    fwd_.execute(ctx.stream, {{DNNL_ARG_SRC, src}, {DNNL_ARG_DST, dst_}});
    return dst_;
}

const memory& Activation::backward(Context& ctx, const memory& diff_dst) {
    const memory& dd = as_layout(ctx, diff_dst, src_desc_, diff_dst_scratch_);
    bwd_.execute(ctx.stream, {{DNNL_ARG_SRC, src_used_}, {DNNL_ARG_DIFF_DST, dd}, {DNNL_ARG_DIFF_SRC, diff_src_}});
    return diff_src_;
}

}  // namespace actbench
