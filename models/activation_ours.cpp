// The activations computed by our kernels: maxout, and the elementwise ones (kernels.hpp, formulas, RReLU's
// and noisy ReLU's counter-based draws).
#include "activation_backends.hpp"
#include "kernels.hpp"

#include <omp.h>

#include <algorithm>
#include <stdexcept>

namespace actbench::detail {

namespace {

// Runs body(begin, end) over [0, n) in chunks on the trial's OpenMP threads. Elementwise kernels give the
// same bits whatever the split.
template <class Body>
void parallel_chunks(std::size_t n, Body&& body) {
    constexpr std::size_t kChunk = 4096;
    const std::size_t chunks = (n + kChunk - 1) / kChunk;
    if (chunks <= 1) {
        body(std::size_t{0}, n);
        return;
    }
#pragma omp parallel for schedule(static)
    for (std::size_t c = 0; c < chunks; ++c) body(c * kChunk, std::min(n, (c + 1) * kChunk));
}

// RReLU's parameters as its kernels take them, and its evaluation slope, 2/(lower + upper) (Xu et al.) or
// (lower + upper)/2 (PyTorch), worked out in double and rounded once: the same value for forward and backward.
struct RreluSetting {
    float lower, upper, eval_slope;
    bool pytorch;
};
RreluSetting rrelu_setting(const ActivationSpec& spec) {
    const double lower = spec.param("lower"), upper = spec.param("upper");
    const bool pytorch = spec.param("pytorch") != 0;  // 0 or 1: a whole-number parameter
    return {static_cast<float>(lower), static_cast<float>(upper), static_cast<float>(pytorch ? (lower + upper) / 2 : 2 / (lower + upper)),
            pytorch};
}

bool has_padding(const memory::desc& d) {
    for (int i = 0; i < d.data.ndims; ++i)
        if (d.data.padded_dims[i] != d.data.dims[i]) return true;
    return false;
}

// Maxout: the max of k adjacent channels, on plain copies; backward routes each gradient to the piece that won.
class MaxoutBackend final : public ActivationBackend {
public:
    MaxoutBackend(const std::string& layer, const ActivationSpec& spec) : layer_(layer), k_(spec.width_multiplier()) {}

    memory::desc build(Context& ctx, const memory::desc& src, bool) override {
        src_desc_ = src;
        memory::dims d = src.dims();
        if (d[1] % k_ != 0)
            throw std::invalid_argument(layer_ + ": maxout with " + std::to_string(k_) + " pieces needs a channel count divisible by " +
                                        std::to_string(k_) + ", got " + std::to_string(d[1]));
        work_desc_ = plain_desc(src.dims());
        d[1] /= k_;
        dst_ = memory(plain_desc(d), ctx.engine);
        diff_src_ = gradient_memory(ctx, work_desc_);
        argmax_.assign(logical_count(d), 0);
        return dst_.get_desc();
    }
    const memory& forward(Context& ctx, const memory& src, bool) override {
        const float* x = data_of(as_layout(ctx, src, work_desc_, src_work_));
        float* y = data_of(dst_);
        const auto [batch, out_c, spatial] = shape();
        const std::size_t in_c = out_c * k_;
        for (std::size_t b = 0; b < batch; ++b)
            for (std::size_t c = 0; c < out_c; ++c) {
                const float* piece = x + (b * in_c + c * k_) * spatial;
                float* out = y + (b * out_c + c) * spatial;
                std::uint8_t* arg = argmax_.data() + (b * out_c + c) * spatial;
                for (std::size_t s = 0; s < spatial; ++s) {
                    float best = piece[s];
                    std::uint8_t which = 0;
                    for (int j = 1; j < k_; ++j)
                        if (piece[j * spatial + s] > best) best = piece[j * spatial + s], which = static_cast<std::uint8_t>(j);
                    out[s] = best;
                    arg[s] = which;
                }
            }
        return dst_;
    }
    const memory& backward(Context& ctx, const memory&, const memory& diff_dst, bool) override {
        const float* dy = data_of(as_layout(ctx, diff_dst, dst_.get_desc(), diff_dst_work_));
        float* dx = data_of(diff_src_);
        const auto [batch, out_c, spatial] = shape();
        const std::size_t in_c = out_c * k_;
        std::fill(dx, dx + floats_in(work_desc_), 0.f);
        for (std::size_t b = 0; b < batch; ++b)
            for (std::size_t c = 0; c < out_c; ++c) {
                float* piece = dx + (b * in_c + c * k_) * spatial;
                const float* g = dy + (b * out_c + c) * spatial;
                const std::uint8_t* arg = argmax_.data() + (b * out_c + c) * spatial;
                for (std::size_t s = 0; s < spatial; ++s) piece[arg[s] * spatial + s] = g[s];
            }
        return diff_src_;
    }
    const memory& dst() const override { return dst_; }
    const memory& diff_src() const override { return diff_src_; }

private:
    struct Shape {
        std::size_t batch, out_channels, spatial;
    };
    Shape shape() const {
        const auto d = src_desc_.dims();
        const std::size_t batch = d[0], in_c = d[1];
        return {batch, in_c / k_, floats_in(work_desc_) / (batch * in_c)};
    }
    std::string layer_;
    int k_;
    memory::desc src_desc_, work_desc_;
    memory dst_, diff_src_, src_work_, diff_dst_work_;
    std::vector<std::uint8_t> argmax_;  // which piece won
};

// Our elementwise kernels. They work on the raw buffer when the layout has no padding (blocked layouts pad
// channels to 16; f(0) ≠ 0 would write into the padding), else on plain copies.
class ElementwiseBackend final : public ActivationBackend {
public:
    ElementwiseBackend(const ActivationSpec& spec, std::uint64_t seed) : spec_(spec), seed_(seed) {}

    memory::desc build(Context& ctx, const memory::desc& src, bool) override {
        work_desc_ = has_padding(src) ? plain_desc(src.dims()) : src;
        dst_ = memory(work_desc_, ctx.engine);
        diff_src_ = gradient_memory(ctx, work_desc_);
        if (spec_.info->kernel == ActivationKernel::noisy_relu) noise_pool_.assign(kernels::kNoisePoolFloats, 0.f);
        return work_desc_;
    }
    const memory& forward(Context& ctx, const memory& src, bool training) override {
        const float* x = data_of(as_layout(ctx, src, work_desc_, src_work_));
        float* y = data_of(dst_);
        const std::size_t n = floats_in(work_desc_);
        const double* p = spec_.params.data();
        switch (spec_.info->kernel) {
            case ActivationKernel::custom:
                parallel_chunks(n, [&](std::size_t b, std::size_t e) { spec_.info->forward(x + b, y + b, e - b, p); });
                break;
            case ActivationKernel::formula: spec_.formula->forward(x, y, n); break;
            case ActivationKernel::rrelu: rrelu_forward(x, y, n, training); break;
            case ActivationKernel::noisy_relu: noisy_relu_forward(x, y, n, training); break;
            default: throw std::logic_error("not an elementwise kernel of ours: " + spec_.name);
        }
        return dst_;
    }
    const memory& backward(Context& ctx, const memory& src, const memory& diff_dst, bool training) override {
        const float* x = data_of(as_layout(ctx, src, work_desc_, src_work_));
        const float* dy = data_of(as_layout(ctx, diff_dst, dst_.get_desc(), diff_dst_work_));
        float* dx = data_of(diff_src_);
        const std::size_t n = floats_in(work_desc_);
        const double* p = spec_.params.data();
        switch (spec_.info->kernel) {
            case ActivationKernel::custom:
                parallel_chunks(n, [&](std::size_t b, std::size_t e) { spec_.info->backward(x + b, dy + b, dx + b, e - b, p); });
                break;
            case ActivationKernel::formula: spec_.formula->backward(x, dy, dx, n); break;
            case ActivationKernel::rrelu: rrelu_backward(x, dy, dx, n, training); break;
            case ActivationKernel::noisy_relu: noisy_relu_backward(x, dy, dx, n, training); break;
            default: throw std::logic_error("not an elementwise kernel of ours: " + spec_.name);
        }
        return diff_src_;
    }
    const memory& dst() const override { return dst_; }
    const memory& diff_src() const override { return diff_src_; }

private:
    // The key of one training forward's draws: one stream per layer of a trial, one step of it per call.
    std::uint64_t next_key() { return seed_ + 0xd1b54a32d192ed03ULL * ++calls_; }

    void rrelu_forward(const float* x, float* y, std::size_t n, bool training) {
        const RreluSetting r = rrelu_setting(spec_);
        if (!training) {
            parallel_chunks(n, [&](std::size_t b, std::size_t e) { kernels::leaky_forward(x + b, y + b, e - b, r.eval_slope); });
            return;
        }
        last_key_ = next_key();
        parallel_chunks(n, [&](std::size_t b, std::size_t e) {
            kernels::rrelu_train(x + b, x + b, y + b, e - b, b, last_key_, r.lower, r.upper, r.pytorch);
        });
    }
    // Exactly the slopes forward drew, drawn again from its key (or the fixed evaluation slope).
    void rrelu_backward(const float* x, const float* dy, float* dx, std::size_t n, bool training) const {
        const RreluSetting r = rrelu_setting(spec_);
        if (training)
            parallel_chunks(n, [&](std::size_t b, std::size_t e) {
                kernels::rrelu_train(x + b, dy + b, dx + b, e - b, b, last_key_, r.lower, r.upper, r.pytorch);
            });
        else
            parallel_chunks(n, [&](std::size_t b, std::size_t e) { kernels::leaky_backward(x + b, dy + b, dx + b, e - b, r.eval_slope); });
    }

    void noisy_relu_forward(const float* x, float* y, std::size_t n, bool training) {
        if (!training) {
            parallel_chunks(n, [&](std::size_t b, std::size_t e) { kernels::relu_forward(x + b, y + b, e - b); });
            return;
        }
        const std::uint64_t key = next_key();
        const float sigma = static_cast<float>(spec_.param("sigma"));
        const bool sigmoid_variance = spec_.param("variance") != 0;  // 0 or 1: a whole-number parameter
        kernels::noise_pool(noise_pool_.data(), key);
        const float* pool = noise_pool_.data();
        parallel_chunks(n, [&](std::size_t b, std::size_t e) {
            kernels::noisy_relu_train_forward(x + b, y + b, e - b, b, key, sigma, pool, sigmoid_variance);
        });
    }
    // d/dx max(0, x + n) = [x + n > 0] = [y > 0], with forward's noise; with a variance of sigmoid(x) the noise's
    // scale depends on x too (kernels.hpp).
    void noisy_relu_backward(const float* x, const float* dy, float* dx, std::size_t n, bool training) const {
        const float* y = data_of(dst_);
        if (training && spec_.param("variance") != 0)
            parallel_chunks(
                n, [&](std::size_t b, std::size_t e) { kernels::noisy_relu_sigmoid_backward(x + b, y + b, dy + b, dx + b, e - b); });
        else
            parallel_chunks(n, [&](std::size_t b, std::size_t e) { kernels::pass_where_positive(y + b, dy + b, dx + b, e - b); });
    }

    ActivationSpec spec_;
    std::uint64_t seed_;
    std::uint64_t calls_ = 0;  // training forward calls
    memory::desc work_desc_;
    memory dst_, diff_src_, src_work_, diff_dst_work_;
    std::uint64_t last_key_ = 0;  // rrelu: the key of the last training forward's slopes
    std::vector<float> noise_pool_;  // noisy_relu: the normals of the last training forward's pool
};

}  // namespace

std::unique_ptr<ActivationBackend> maxout_backend(const std::string& layer, const ActivationSpec& spec) {
    return std::make_unique<MaxoutBackend>(layer, spec);
}
std::unique_ptr<ActivationBackend> elementwise_backend(const ActivationSpec& spec, std::uint64_t seed) {
    return std::make_unique<ElementwiseBackend>(spec, seed);
}

}  // namespace actbench::detail
