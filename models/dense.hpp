// Dense (fully connected) layer on oneDNN inner product.
//
// Shapes: src [N, C] or [N, C, H, W] (flattened implicitly)  weight [OC, C(, H, W)]  bias [OC]  dst [N, OC]
// y[n,o] = b[o] + Σ_i w[o,i] · x[n,i];  fan_in = C·H·W, fan_out = OC.
#pragma once

#include "onednn.hpp"

namespace actbench {

struct DenseSpec {
    int out_features = 128;
    bool bias = true;
};

class Dense final : public Layer {
public:
    Dense(std::string name, DenseSpec spec) : name_(std::move(name)), spec_(spec) {}
    std::string kind() const override { return "dense"; }
    memory::desc build(Context& ctx, const memory::desc& src, bool need_diff_src) override;
    const memory& forward(Context& ctx, const memory& src) override;
    const memory& backward(Context& ctx, const memory& diff_dst) override;
    std::vector<Param*> params() override;

private:
    std::string name_;
    DenseSpec spec_;
    bool need_diff_src_ = true;
    Param weight_, bias_;
    dnnl::inner_product_forward fwd_;
    dnnl::inner_product_backward_data bwd_data_;
    dnnl::inner_product_backward_weights bwd_weights_;
    memory::desc src_want_, bwd_src_want_, bwd_data_diff_dst_want_, bwd_w_diff_dst_want_, bwd_data_weights_want_;
    memory weight_scratch_;
    memory src_scratch_, bwd_src_scratch_, diff_dst_scratch_, diff_dst_scratch2_;
    memory src_used_, dst_, diff_src_, diff_weight_raw_;
};

}  // namespace actbench
