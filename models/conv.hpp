// 2-D convolution on oneDNN (convolution_forward / _backward_data / _backward_weights).
//
// Shapes: src [N, IC, H, W]  weight [OC, IC, K, K]  bias [OC]  dst [N, OC, OH, OW]
//         OH = (H + 2·pad − K) / stride + 1, likewise OW.
// y[n,o,i,j] = b[o] + Σ_c Σ_p Σ_q w[o,c,p,q] · x[n, c, i·stride + p − pad, j·stride + q − pad]
// fan_in = IC·K·K, fan_out = OC·K·K (the kernel area counts, as in Glorot & Bengio 2010 and He et al. 2015).
#pragma once

#include "weighted.hpp"

namespace actbench {

struct ConvSpec {
    int out_channels = 32;
    int kernel = 5;
    int stride = 1;
    int padding = 2;
    bool bias = true;
    Precision precision = Precision::fp32;
    bool fp32_output = false;  // bf16: the output stays fp32 (the last layer's logits)
};

class Conv2d final : public WeightedLayer {
public:
    Conv2d(std::string name, ConvSpec spec) : WeightedLayer(std::move(name), spec.bias, spec.precision, spec.fp32_output), spec_(spec) {}
    std::string kind() const override { return "conv"; }
    memory::desc build(Context& ctx, const memory::desc& src, bool need_diff_src) override;

private:
    // The forward operation (training propagation, as every forward here) on these memory descriptors.
    dnnl::convolution_forward::desc forward_op(const memory::desc& src, const memory::desc& weights, const memory::desc* bias,
                                               const memory::desc& dst) const;
    dnnl::primitive_desc forward_desc(Context& ctx, const memory::desc& src, const memory::desc& weights, const memory::desc* bias,
                                      const memory::desc& dst, const dnnl::primitive_attr& attr) const override;
    ConvSpec spec_;
};

}  // namespace actbench
