// How the Activation layer computes, one class per kind of computation (the table's `kernel` picks one):
// a oneDNN eltwise primitive, oneDNN PReLU with learned slopes, maxout over adjacent channels, or our
// elementwise kernels (the custom ones, formulas, RReLU and noisy ReLU). Private to the layer.
#pragma once

#include "activation.hpp"

#include <memory>

namespace actbench::detail {

class ActivationBackend {
public:
    virtual ~ActivationBackend() = default;
    virtual memory::desc build(Context& ctx, const memory::desc& src, bool need_diff_src) = 0;
    // Before build(): the input's buffer may be overwritten by the output (nothing else reads it). Returns whether
    // this backend then computes in place (only a ReLU, whose backward needs only its output).
    virtual bool run_in_place() { return false; }
    virtual const memory& forward(Context& ctx, const memory& src, bool training) = 0;
    // An in-place backend whose output the layer before computed (its forward primitive with this activation as a
    // post-op): `y` is the output, in the input's buffer, as forward would have written it.
    virtual void adopt_output(const memory& y) { (void)y; }
    // `src` is forward's input, as the caller kept it.
    virtual const memory& backward(Context& ctx, const memory& src, const memory& diff_dst, bool training) = 0;
    virtual std::vector<Param*> params() { return {}; }
    virtual const memory& dst() const = 0;
    virtual const memory& diff_src() const = 0;
};

// activation_onednn.cpp
std::unique_ptr<ActivationBackend> eltwise_backend(const ActivationSpec& spec);
std::unique_ptr<ActivationBackend> prelu_backend(const std::string& layer, const ActivationSpec& spec);
// activation_ours.cpp; `seed` keys the random draws of rrelu and noisy_relu.
std::unique_ptr<ActivationBackend> maxout_backend(const std::string& layer, const ActivationSpec& spec);
std::unique_ptr<ActivationBackend> elementwise_backend(const ActivationSpec& spec, std::uint64_t seed);
// activation_learned.cpp: a formula with learned parameters, each a Param of the layer.
std::unique_ptr<ActivationBackend> learned_formula_backend(const std::string& layer, const ActivationSpec& spec);

}  // namespace actbench::detail
