// What convolution and dense layers share: a weight (and optional bias) and three oneDNN primitives —
// forward, backward-data, backward-weights — each of which may choose its own layouts.
//
// Layouts: the weight lives in the forward primitive's layout. Backward-data often prefers another one
// (forcing forward's can fall back to the reference kernel, ~100× slower, measured), so the weight is
// reordered for it each step; backward-weights writes its own layout and is reordered into the gradient's
// when they differ. Backward-weights overwrites the gradient; it does not accumulate.
//
// Precision: in bf16 the forward and backward-data primitives take bf16 src, weights and diff_dst, and
// backward-weights writes fp32 gradients from bf16 src and diff_dst (oneDNN accumulates in fp32 throughout). The
// weight itself stays fp32 (the master copy the optimizer updates) and its bf16 copy (Param::low) is written by
// the optimizer in the same pass as the update; the forward rounds it itself only when something else wrote the
// weight, and once per switch to evaluation. The bias stays fp32 (oneDNN adds it in
// fp32). The output is bf16, or fp32 for the last layer, whose logits go to the fp32 loss.
//
// The activation that follows can run fused into the forward primitive as a oneDNN eltwise post-op (fusion.hpp
// says when): one pass over the output instead of two. Only when oneDNN runs the fused primitive with the same
// implementation and layouts as the plain forward, so the results are the same bits (tests/test_network.cpp
// checks every eltwise activation) — except in bf16 for a leaky slope, which fused multiplies the fp32 sum before
// the output's one rounding and unfused the rounded output, rounding again.
#pragma once

#include "activation.hpp"
#include "onednn.hpp"

namespace actbench {

class WeightedLayer : public Layer {
public:
    const memory& forward(Context& ctx, const memory& src) override;
    const memory& backward(Context& ctx, const memory& diff_dst) override;
    const memory& diff_src() const override { return diff_src_; }
    std::vector<Param*> params() override;
    void set_training(bool training) override;

    // Builds the fused primitive (an eltwise post-op); false (nothing built) when oneDNN would not run it with the
    // plain forward's implementation and layouts.
    bool fuse_activation(Context& ctx, const EltwiseArgs& activation) override;
    // forward() followed by the fused activation, into this layer's output buffer. In evaluation the activation
    // layer keeps nothing for backward; in training only an in-place activation (ReLU, leaky ReLU) is fused, as its
    // backward reads only this output (Activation::adopt_output).
    const memory& forward_fused(Context& ctx, const memory& src) override;

protected:
    WeightedLayer(std::string name, bool bias, Precision precision, bool fp32_output)
        : name_(std::move(name)), has_bias_(bias), compute_(data_type_of(precision)), output_(fp32_output ? dt::f32 : compute_) {}
    // Descriptors for a subclass's primitives, layout left to oneDNN: src, weights and diff_dst in the compute
    // type; the output; weight gradients (always fp32).
    memory::desc data_any(const memory::dims& dims) const { return any_desc(dims, compute_); }
    memory::desc output_any(const memory::dims& dims) const { return any_desc(dims, output_); }
    static memory::desc grad_any(const memory::dims& dims) { return any_desc(dims, dt::f32); }
    // Called at the end of a subclass's build(): creates the primitives, parameters and buffers from the
    // three primitive descriptors (bwd_data null for a first layer) and returns the output descriptor.
    memory::desc adopt(Context& ctx, const dnnl::primitive_desc& fwd, const dnnl::primitive_desc* bwd_data,
                       const dnnl::primitive_desc& bwd_weights, const memory::dims& weight_dims, double fan_in, double fan_out);
    // The forward primitive descriptor with these attributes, on the plain forward's memory descriptors.
    virtual dnnl::primitive_desc forward_desc(Context& ctx, const memory::desc& src, const memory::desc& weights, const memory::desc* bias,
                                              const memory::desc& dst, const dnnl::primitive_attr& attr) const = 0;
    std::string name_;
    bool has_bias_;
    dt compute_, output_;

private:
    const memory& run_forward(Context& ctx, const memory& src, dnnl::primitive& primitive);
    // The weight as the primitives take it: the fp32 master, or its bf16 copy.
    const memory& compute_weight() const { return weight_.low ? weight_.low : weight_.value; }
    Param weight_, bias_;  // in bf16, weight_.low is the master weight rounded, in forward's layout
    bool training_ = true, weight_lp_current_ = false;
    dnnl::primitive fwd_, bwd_data_, bwd_weights_, fused_fwd_;
    std::string fwd_impl_;  // oneDNN's name for the forward implementation
    memory::desc src_want_, bwd_src_want_, bwd_data_diff_dst_want_, bwd_w_diff_dst_want_, bwd_data_weight_want_;
    memory src_scratch_, bwd_src_scratch_, diff_dst_scratch_, diff_dst_scratch2_, weight_scratch_;
    memory src_used_;  // the src of the last forward, in forward's layout
    memory dst_, diff_src_;
    memory diff_weight_raw_;  // backward-weights output when its layout differs from the weight's
};

}  // namespace actbench
