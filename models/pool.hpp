// Max pooling on oneDNN (pooling_forward / pooling_backward with the workspace).
//
// Shapes: src [N, C, H, W]  dst [N, C, OH, OW], OH = (H − K) / stride + 1 (no padding).
// y[n,c,i,j] = max over the K×K window; the gradient flows to the arg-max only. The forward primitive is
// built with forward_training, because an inference hint silently drops the workspace that backward needs;
// evaluation mode runs a second, forward_inference primitive that skips the workspace.
#pragma once

#include "onednn.hpp"

namespace actbench {

struct PoolSpec {
    int kernel = 2;
    int stride = 2;
};

class MaxPool2d final : public Layer {
public:
    MaxPool2d(std::string name, PoolSpec spec) : name_(std::move(name)), spec_(spec) {}
    std::string kind() const override { return "maxpool"; }
    memory::desc build(Context& ctx, const memory::desc& src, bool need_diff_src) override;
    const memory& forward(Context& ctx, const memory& src) override;
    const memory& backward(Context& ctx, const memory& diff_dst) override;
    const memory& diff_src() const override { return diff_src_; }
    void set_training(bool training) override { training_ = training; }

private:
    std::string name_;
    PoolSpec spec_;
    bool need_diff_src_ = true;
    bool training_ = true;
    dnnl::pooling_forward fwd_, infer_;  // training (writes the arg-max workspace) and evaluation
    dnnl::pooling_backward bwd_;
    memory dst_, workspace_, diff_src_, diff_dst_scratch_;
    memory::desc diff_dst_want_;
};

// Global average pooling (oneDNN pooling_avg over the whole map): src [N, C, H, W] → dst [N, C, 1, 1], the mean of
// each channel; backward spreads each gradient evenly, 1/(H·W) to every position.
class GlobalAvgPool final : public Layer {
public:
    explicit GlobalAvgPool(std::string name) : name_(std::move(name)) {}
    std::string kind() const override { return "global_avgpool"; }
    memory::desc build(Context& ctx, const memory::desc& src, bool need_diff_src) override;
    const memory& forward(Context& ctx, const memory& src) override;
    const memory& backward(Context& ctx, const memory& diff_dst) override;
    const memory& diff_src() const override { return diff_src_; }

private:
    std::string name_;
    dnnl::pooling_forward fwd_;
    dnnl::pooling_backward bwd_;
    memory dst_, diff_src_, diff_dst_scratch_;
    memory::desc diff_dst_want_;
};

}  // namespace actbench
