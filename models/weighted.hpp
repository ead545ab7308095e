// What convolution and dense layers share: a weight (and optional bias) and three oneDNN primitives —
// forward, backward-data, backward-weights — each of which may choose its own layouts.
//
// Layouts: the weight lives in the forward primitive's layout. Backward-data often prefers another one
// (forcing forward's can fall back to the reference kernel, ~100× slower, measured), so the weight is
// reordered for it each step; backward-weights writes its own layout and is reordered into the gradient's
// when they differ. Backward-weights overwrites the gradient; it does not accumulate.
#pragma once

#include "onednn.hpp"

namespace actbench {

class WeightedLayer : public Layer {
public:
    const memory& forward(Context& ctx, const memory& src) override;
    const memory& backward(Context& ctx, const memory& diff_dst) override;
    std::vector<Param*> params() override;

protected:
    WeightedLayer(std::string name, bool bias) : name_(std::move(name)), has_bias_(bias) {}
    // Called at the end of a subclass's build(): creates the primitives, parameters and buffers from the
    // three primitive descriptors (bwd_data null for a first layer) and returns the output descriptor.
    memory::desc adopt(Context& ctx, const dnnl::primitive_desc& fwd, const dnnl::primitive_desc* bwd_data,
                       const dnnl::primitive_desc& bwd_weights, const memory::dims& weight_dims, double fan_in,
                       double fan_out);
    std::string name_;
    bool has_bias_;

private:
    Param weight_, bias_;
    dnnl::primitive fwd_, bwd_data_, bwd_weights_;
    memory::desc src_want_, bwd_src_want_, bwd_data_diff_dst_want_, bwd_w_diff_dst_want_, bwd_data_weight_want_;
    memory src_scratch_, bwd_src_scratch_, diff_dst_scratch_, diff_dst_scratch2_, weight_scratch_;
    memory src_used_;  // the src of the last forward, in forward's layout
    memory dst_, diff_src_;
    memory diff_weight_raw_;  // backward-weights output when its layout differs from the weight's
};

}  // namespace actbench
