// 2-D convolution on oneDNN (convolution_forward / _backward_data / _backward_weights).
//
// Shapes: src [N, IC, H, W]  weight [OC, IC, K, K]  bias [OC]  dst [N, OC, OH, OW]
//         OH = (H + 2·pad − K) / stride + 1, likewise OW.
// y[n,o,i,j] = b[o] + Σ_c Σ_p Σ_q w[o,c,p,q] · x[n, c, i·stride + p − pad, j·stride + q − pad]
// fan_in = IC·K·K, fan_out = OC·K·K (the kernel area counts, as in Glorot & Bengio 2010 and He et al. 2015).
#pragma once

#include "onednn.hpp"

namespace actbench {

struct ConvSpec {
    int out_channels = 32;
    int kernel = 5;
    int stride = 1;
    int padding = 2;
    bool bias = true;
};

class Conv2d final : public Layer {
public:
    Conv2d(std::string name, ConvSpec spec) : name_(std::move(name)), spec_(spec) {}
    std::string kind() const override { return "conv"; }
    memory::desc build(Context& ctx, const memory::desc& src, bool need_diff_src) override;
    const memory& forward(Context& ctx, const memory& src) override;
    const memory& backward(Context& ctx, const memory& diff_dst) override;
    std::vector<Param*> params() override;

private:
    std::string name_;
    ConvSpec spec_;
    bool need_diff_src_ = true;
    Param weight_, bias_;
    dnnl::convolution_forward fwd_;
    dnnl::convolution_backward_data bwd_data_;
    dnnl::convolution_backward_weights bwd_weights_;
    memory::desc src_want_, bwd_src_want_, bwd_data_diff_dst_want_, bwd_w_diff_dst_want_, bwd_data_weights_want_;
    memory weight_scratch_;
    memory src_scratch_, bwd_src_scratch_, diff_dst_scratch_, diff_dst_scratch2_;
    memory src_used_;  // the src of the last forward, in forward's layout
    memory dst_, diff_src_;
    memory diff_weight_raw_;  // backward-weights output when its layout differs from the weight's
};

}  // namespace actbench
