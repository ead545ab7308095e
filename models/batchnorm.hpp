// Batch normalisation on oneDNN (batch_normalization_forward / _backward), Ioffe & Szegedy 2015.
//
// Shapes: src [N, C(, H, W)]  scale γ [C]  shift β [C]  dst same as src.
// Training: y = γ·(x − μ_B)/√(σ²_B + ε) + β with the batch's per-channel mean and variance, and running
// statistics r ← (1 − m)·r + m·batch (m = 0.1; the running variance uses the unbiased batch variance).
// Evaluation: the running statistics instead of the batch's. γ starts at 1, β at 0; neither is
// weight-decayed.
//
// A ReLU after it can run fused (oneDNN's fuse_norm_relu; fusion.hpp): the forward writes max(y, 0) and, in
// training, a workspace of which outputs were positive, from which the backward masks the gradient itself: the
// ReLU's own forward and backward passes are saved. The same bits: the mask is the one ReLU's backward applies
// (y > 0), and the rest of the computation is unchanged (tests/test_network.cpp).
#pragma once

#include "onednn.hpp"

namespace actbench {

class BatchNorm final : public Layer {
public:
    explicit BatchNorm(std::string name, float epsilon = 1e-5f, float momentum = 0.1f)
        : name_(std::move(name)), epsilon_(epsilon), momentum_(momentum) {}
    std::string kind() const override { return "batchnorm"; }
    memory::desc build(Context& ctx, const memory::desc& src, bool need_diff_src) override;
    const memory& forward(Context& ctx, const memory& src) override;
    const memory& backward(Context& ctx, const memory& diff_dst) override;
    const memory& diff_src() const override { return diff_src_; }
    std::vector<Param*> params() override { return {&scale_, &shift_}; }
    void set_training(bool training) override { training_ = training; }
    bool fuse_activation(Context& ctx, const EltwiseArgs& activation) override;  // ReLU only (slope 0)
    const memory& forward_fused(Context& ctx, const memory& src) override;
    bool fused_backward_takes_activation() const override { return true; }
    const std::vector<float>& running_mean() const { return running_mean_; }
    const std::vector<float>& running_variance() const { return running_var_; }

private:
    std::string name_;
    float epsilon_, momentum_;
    bool training_ = true, fused_ran_ = false;  // the last forward ran the fused ReLU
    double per_channel_ = 1;  // N·H·W, for the unbiased variance
    Param scale_, shift_;
    dnnl::batch_normalization_forward fwd_train_, fwd_eval_, fused_train_, fused_eval_;
    dnnl::batch_normalization_backward bwd_, fused_bwd_;
    memory::desc src_desc_;
    std::string impl_;  // oneDNN's implementations of the three plain primitives
    memory src_used_, dst_, mean_, variance_, run_mean_mem_, run_var_mem_, diff_src_, diff_dst_scratch_, workspace_;
    const memory& run_forward(Context& ctx, const memory& src, dnnl::primitive& train, dnnl::primitive& eval);
    std::vector<float> running_mean_, running_var_;
};

}  // namespace actbench
