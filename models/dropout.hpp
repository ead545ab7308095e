// Inverted dropout (Srivastava et al. 2014): in training each element is kept with probability 1 − rate
// and scaled by 1/(1 − rate); in evaluation the layer is the identity. The keep decisions come from
// counter-based draws keyed by (trial, layer, step), so they repeat for any thread count, and backward
// uses exactly forward's mask.
#pragma once

#include "onednn.hpp"

#include <cstdint>

namespace actbench {

class Dropout final : public Layer {
public:
    Dropout(std::string name, double rate, std::uint64_t seed) : name_(std::move(name)), rate_(rate), seed_(seed) {}
    std::string kind() const override { return "dropout"; }
    memory::desc build(Context& ctx, const memory::desc& src, bool need_diff_src) override;
    const memory& forward(Context& ctx, const memory& src) override;
    const memory& backward(Context& ctx, const memory& diff_dst) override;
    const memory& diff_src() const override { return diff_src_; }
    void set_training(bool training) override { training_ = training; }

private:
    std::string name_;
    double rate_;
    std::uint64_t seed_, calls_ = 0;
    bool training_ = true;
    memory::desc desc_;
    memory dst_, diff_src_, src_scratch_, diff_dst_scratch_;
    std::vector<float> mask_;  // 0 or 1/(1 − rate), per element of the last training forward
};

}  // namespace actbench
