// The activations oneDNN computes: eltwise algorithms, and PReLU with learned slopes.
#include "activation_backends.hpp"

namespace actbench::detail {

namespace {

class EltwiseBackend final : public ActivationBackend {
public:
    explicit EltwiseBackend(const ActivationSpec& spec) : args_(spec.info->eltwise(spec.params.data())) {}

    // ReLU and leaky ReLU (slope ≥ 0) run in place: oneDNN's relu_use_dst_for_bwd takes the gradient from the output
    // (y > 0 exactly where x > 0), so the input need not be kept — a batch-sized buffer less per layer, 37 MB of a
    // ResNet-20 trial at batch 64. The results are the same bits (tests/test_activations.cpp).
    bool run_in_place() override {
        in_place_ = args_.algorithm == dnnl::algorithm::eltwise_relu && args_.alpha >= 0;
        return in_place_;
    }
    memory::desc build(Context& ctx, const memory::desc& src, bool need_diff_src) override {
        src_desc_ = src;
        const auto algorithm = in_place_ ? dnnl::algorithm::eltwise_relu_use_dst_for_bwd : args_.algorithm;
        dnnl::eltwise_forward::desc fd(dnnl::prop_kind::forward_training, algorithm, src, args_.alpha, args_.beta);
        dnnl::eltwise_forward::primitive_desc fpd(fd, ctx.engine);
        fwd_ = dnnl::eltwise_forward(fpd);
        if (!in_place_) dst_ = memory(fpd.dst_desc(), ctx.engine);
        if (need_diff_src) {
            dnnl::eltwise_backward::desc bd(algorithm, src, src, args_.alpha, args_.beta);
            dnnl::eltwise_backward::primitive_desc bpd(bd, ctx.engine, fpd);
            bwd_ = dnnl::eltwise_backward(bpd);
            diff_src_ = gradient_memory(ctx, bpd.diff_src_desc());
        }
        return fpd.dst_desc();
    }
    void adopt_output(const memory& y) override { dst_ = y; }
    const memory& forward(Context& ctx, const memory& src, bool) override {
        if (in_place_) dst_ = src;  // the output takes the input's buffer
        fwd_.execute(ctx.stream, {{DNNL_ARG_SRC, src}, {DNNL_ARG_DST, dst_}});
        return dst_;
    }
    const memory& backward(Context& ctx, const memory& src, const memory& diff_dst, bool) override {
        const memory& dd = as_layout(ctx, diff_dst, src_desc_, diff_dst_scratch_);
        bwd_.execute(
            ctx.stream,
            {{in_place_ ? DNNL_ARG_DST : DNNL_ARG_SRC, in_place_ ? dst_ : src}, {DNNL_ARG_DIFF_DST, dd}, {DNNL_ARG_DIFF_SRC, diff_src_}});
        return diff_src_;
    }
    const memory& dst() const override { return dst_; }
    const memory& diff_src() const override { return diff_src_; }

private:
    EltwiseArgs args_;
    bool in_place_ = false;
    memory::desc src_desc_;
    dnnl::primitive fwd_, bwd_;
    memory dst_, diff_src_, diff_dst_scratch_;
};

class PreluBackend final : public ActivationBackend {
public:
    PreluBackend(const std::string& layer, const ActivationSpec& spec)
        : layer_(layer),
          shared_(spec.param("shared") != 0),  // 0 or 1: a whole-number parameter
          init_(static_cast<float>(spec.param("init"))) {}

    // The primitive always gets one slope per channel (weights [1, C, 1, 1]) in the layout it picks
    // (format_tag::any): with plain slopes and blocked (aBcd16b) data, or with a single broadcast slope, oneDNN
    // 2.6 falls back to its reference kernel, ~100 ms per call on conv2 of lenet at batch 64, some 300x the jit
    // kernel's 0.3 ms. The shared form's parameter is one slope ([1, 1, 1, 1]), copied to every channel before
    // forward; its gradient is the sum of the channels' gradients.
    memory::desc build(Context& ctx, const memory::desc& src, bool) override {
        src_desc_ = src;
        memory::dims wdims(src.dims().size(), 1);
        wdims[1] = src.dims()[1];
        const memory::desc wd(wdims, memory::data_type::f32, memory::format_tag::any);
        dnnl::prelu_forward::desc fd(dnnl::prop_kind::forward_training, src, wd);
        dnnl::prelu_forward::primitive_desc fpd(fd, ctx.engine);
        fwd_ = dnnl::prelu_forward(fpd);
        dst_ = memory(fpd.dst_desc(), ctx.engine);
        if (shared_) {
            const memory::dims one(src.dims().size(), 1);
            slope_ = Param{layer_ + ".slope",
                           one,
                           memory(plain_desc(one), ctx.engine),
                           memory(plain_desc(one), ctx.engine),
                           ParamRole::slope,
                           init_,
                           0,
                           0};
            wide_slope_ = memory(fpd.weights_desc(), ctx.engine);
            wide_slope_grad_ = memory(fpd.weights_desc(), ctx.engine);
        } else {
            slope_ = Param{layer_ + ".slope",
                           wdims,
                           memory(fpd.weights_desc(), ctx.engine),
                           memory(fpd.weights_desc(), ctx.engine),
                           ParamRole::slope,
                           init_,
                           0,
                           0};
        }
        dnnl::prelu_backward::desc bd(src, fpd.weights_desc(), src, fpd.weights_desc());
        dnnl::prelu_backward::primitive_desc bpd(bd, ctx.engine, fpd);
        bwd_ = dnnl::prelu_backward(bpd);
        diff_src_ = gradient_memory(ctx, bpd.diff_src_desc());
        return fpd.dst_desc();
    }
    const memory& forward(Context& ctx, const memory& src, bool) override {
        if (shared_) {
            const std::size_t channels = static_cast<std::size_t>(src_desc_.dims()[1]);
            from_plain(ctx, std::vector<float>(channels, data_of(slope_.value)[0]), wide_slope_);
        }
        fwd_.execute(ctx.stream, {{DNNL_ARG_SRC, src}, {DNNL_ARG_WEIGHTS, shared_ ? wide_slope_ : slope_.value}, {DNNL_ARG_DST, dst_}});
        return dst_;
    }
    const memory& backward(Context& ctx, const memory& src, const memory& diff_dst, bool) override {
        const memory& dd = as_layout(ctx, diff_dst, src_desc_, diff_dst_scratch_);
        bwd_.execute(ctx.stream,
                     {{DNNL_ARG_SRC, src},
                      {DNNL_ARG_WEIGHTS, shared_ ? wide_slope_ : slope_.value},
                      {DNNL_ARG_DIFF_DST, dd},
                      {DNNL_ARG_DIFF_SRC, diff_src_},
                      {DNNL_ARG_DIFF_WEIGHTS, shared_ ? wide_slope_grad_ : slope_.grad}});
        if (shared_) {
            double sum = 0;  // in channel order: the same bits every time
            for (float g : to_plain(ctx, wide_slope_grad_)) sum += g;
            data_of(slope_.grad)[0] = static_cast<float>(sum);
        }
        return diff_src_;
    }
    std::vector<Param*> params() override { return {&slope_}; }
    const memory& dst() const override { return dst_; }
    const memory& diff_src() const override { return diff_src_; }

private:
    std::string layer_;
    bool shared_;  // one slope for the layer: the primitive sees it copied per channel
    float init_;
    memory::desc src_desc_;
    dnnl::primitive fwd_, bwd_;
    Param slope_;
    memory wide_slope_, wide_slope_grad_;  // the shared slope copied per channel, and its per-channel gradient
    memory dst_, diff_src_, diff_dst_scratch_;
};

}  // namespace

std::unique_ptr<ActivationBackend> eltwise_backend(const ActivationSpec& spec) { return std::make_unique<EltwiseBackend>(spec); }
std::unique_ptr<ActivationBackend> prelu_backend(const std::string& layer, const ActivationSpec& spec) {
    return std::make_unique<PreluBackend>(layer, spec);
}

}  // namespace actbench::detail
