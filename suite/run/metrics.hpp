// Metric definitions as pure functions, so each can be tested on hand-built data with a known answer.
// (DESIGN.md, "Metrics — definitions"; the report's captions state the same.)
#pragma once

#include <cstddef>
#include <optional>
#include <vector>

namespace actbench {

// A [rows, channels, spatial] float tensor read in place: plain (block 0), or with channels blocked by
// `block` as oneDNN's nChw16c / nChw8c (aBcd16b, aBcd8b; channels padded to a multiple of the block).
struct ChannelView {
    const float* data = nullptr;
    std::size_t block = 0;
    // Element (n, c, k) is data[base(n, c) + k · stride()].
    std::size_t base(std::size_t n, std::size_t c, std::size_t channels, std::size_t spatial) const {
        if (block == 0) return (n * channels + c) * spatial;
        const std::size_t blocks = (channels + block - 1) / block;
        return (n * blocks + c / block) * spatial * block + c % block;
    }
    std::size_t stride() const { return block == 0 ? 1 : block; }
};

// Per-unit bookkeeping over a probe set for one activation layer. A unit is a channel of a conv layer or a
// neuron of a dense layer; tensors are [rows, channels, spatial], visited in that logical order whatever
// their layout, so the sums are the same bits for a plain and a blocked copy of the same tensor.
class UnitTally {
public:
    explicit UnitTally(std::size_t channels) : alive_(channels, 0), active_(channels, 0) {}
    // pre: pre-activations; out: outputs; slope: f′(pre) (data may be null: no flatness statistics).
    void add(ChannelView pre, ChannelView out, ChannelView slope, std::size_t rows, std::size_t spatial, double flat_epsilon);
    // The same for plain arrays.
    void add(const float* pre, const float* out, const float* slope, std::size_t rows, std::size_t spatial, double flat_epsilon) {
        add(ChannelView{pre, 0}, ChannelView{out, 0}, ChannelView{slope, 0}, rows, spatial, flat_epsilon);
    }
    double zero_fraction() const { return total_ > 0 ? zeros_ / total_ : 0; }
    double saturated_fraction() const { return total_ > 0 ? flat_ / total_ : 0; }
    // Units whose pre-activation is ≤ 0 for every element seen: for rectifiers they pass no gradient.
    double dead_fraction() const;
    // Units with |f′| < ε for every element seen.
    double inactive_fraction() const;
    double mean() const { return total_ > 0 ? sum_ / total_ : 0; }
    double mean_abs() const { return total_ > 0 ? sum_abs_ / total_ : 0; }
    double second_moment() const { return total_ > 0 ? sum_sq_ / total_ : 0; }
    // Of the pre-activation: its mean and (population) standard deviation over every element seen. With a
    // Gaussian pre-activation N(μ, σ²), a rectifier's zero fraction is Φ(−μ/σ) (Glorot et al. 2011's ~50%).
    double pre_mean() const { return total_ > 0 ? pre_sum_ / total_ : 0; }
    double pre_std() const;

private:
    std::vector<char> alive_, active_;
    double zeros_ = 0, flat_ = 0, total_ = 0, sum_ = 0, sum_abs_ = 0, sum_sq_ = 0, pre_sum_ = 0, pre_sum_sq_ = 0;
};

// Steps to a target training error: the first step (1-based) at which the training error over the most recent
// `window` mini-batches (fewer at the start) is at or below `target`; nullopt when it never is (censored).
// correct[k] is how many of the `batch` images of step k+1 were classified correctly.
std::optional<long> steps_to_target(const std::vector<int>& correct, int batch, std::size_t window, double target);

}  // namespace actbench
