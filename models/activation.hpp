// Activations: each is described once, in activation_table(). The CLI, the tests and the reports iterate
// over that table; nothing else lists activation names.
//
// Shapes: src [N, C(, H, W)]  dst same. y = f(x) elementwise; dx = f′(x) · dy.
#pragma once

#include "onednn.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace actbench {

struct ActivationInfo {
    std::string_view name;
    std::string_view formula;
    std::string_view source;
    dnnl::algorithm algorithm;  // oneDNN eltwise algorithm used for forward and backward
    float alpha = 0.f, beta = 0.f;
    double (*f)(double);        // scalar reference, for tests
    double (*df)(double);       // its derivative
    std::vector<double> kinks;  // points where f is not differentiable (gradient checks stay away)
    // Rectifier: f(x) = 0 for every x ≤ 0, so a unit whose pre-activation is ≤ 0 on every probe image
    // passes no gradient ("dead"). For the others the dead-unit fraction is not reported.
    bool rectifier = false;
};

const std::vector<ActivationInfo>& activation_table();
// Throws std::invalid_argument naming the valid activations when `name` is unknown.
const ActivationInfo& find_activation(std::string_view name);
std::string activation_names();  // "relu, tanh, sigmoid"

class Activation final : public Layer {
public:
    Activation(std::string name, const ActivationInfo& info) : name_(std::move(name)), info_(&info) {}
    std::string kind() const override { return "activation"; }
    const ActivationInfo& info() const { return *info_; }
    memory::desc build(Context& ctx, const memory::desc& src, bool need_diff_src) override;
    const memory& forward(Context& ctx, const memory& src) override;
    const memory& backward(Context& ctx, const memory& diff_dst) override;
    // The last forward's input (pre-activation) and output, for probe statistics.
    const memory& last_src() const { return src_used_; }
    const memory& last_dst() const { return dst_; }

private:
    std::string name_;
    const ActivationInfo* info_;
    dnnl::eltwise_forward fwd_;
    dnnl::eltwise_backward bwd_;
    memory::desc src_desc_;
    memory src_used_, dst_, diff_src_, diff_dst_scratch_;
};

}  // namespace actbench
