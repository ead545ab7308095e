// Dense (fully connected) layer on oneDNN inner product.
//
// Shapes: src [N, C] or [N, C, H, W] (flattened implicitly)  weight [OC, C(, H, W)]  bias [OC]  dst [N, OC]
// y[n,o] = b[o] + Σ_i w[o,i] · x[n,i];  fan_in = C·H·W, fan_out = OC.
#pragma once

#include "weighted.hpp"

namespace actbench {

struct DenseSpec {
    int out_features = 128;
    bool bias = true;
    Precision precision = Precision::fp32;
    bool fp32_output = false;  // bf16: the output stays fp32 (the last layer's logits)
};

class Dense final : public WeightedLayer {
public:
    Dense(std::string name, DenseSpec spec) : WeightedLayer(std::move(name), spec.bias, spec.precision, spec.fp32_output), spec_(spec) {}
    std::string kind() const override { return "dense"; }
    memory::desc build(Context& ctx, const memory::desc& src, bool need_diff_src) override;

private:
    // The forward operation (training propagation, as every forward here) on these memory descriptors.
    dnnl::inner_product_forward::desc forward_op(const memory::desc& src, const memory::desc& weights, const memory::desc* bias,
                                                 const memory::desc& dst) const;
    dnnl::primitive_desc forward_desc(Context& ctx, const memory::desc& src, const memory::desc& weights, const memory::desc* bias,
                                      const memory::desc& dst, const dnnl::primitive_attr& attr) const override;
    DenseSpec spec_;
};

}  // namespace actbench
