#include "dropout.hpp"

#include "vecmath.hpp"

#include <cstring>

namespace actbench {

memory::desc Dropout::build(Context& ctx, const memory::desc& src, bool) {
    desc_ = with_type(src, dt::f32);  // a bf16 input is widened: the mask and scale are applied in fp32
    dst_ = memory(desc_, ctx.engine);
    diff_src_ = gradient_memory(ctx, desc_);
    mask_.assign(floats_in(desc_), 0.f);
    return desc_;
}

const memory& Dropout::forward(Context& ctx, const memory& src) {
    const float* x = data_of(as_layout(ctx, src, desc_, src_scratch_));
    float* y = data_of(dst_);
    const std::size_t n = floats_in(desc_);
    if (!training_) {
        std::memcpy(y, x, n * sizeof(float));
        return dst_;
    }
    const std::uint64_t key = seed_ + 0xd1b54a32d192ed03ULL * ++calls_;
    const float keep = static_cast<float>(1 - rate_), scale = 1.f / keep;
    for (std::size_t i = 0; i < n; ++i) {
        mask_[i] = vecmath::counter_uniform(key, i) < keep ? scale : 0.f;
        y[i] = x[i] * mask_[i];
    }
    return dst_;
}

const memory& Dropout::backward(Context& ctx, const memory& diff_dst) {
    const memory& dd = as_layout(ctx, diff_dst, desc_, diff_dst_scratch_);
    const float* dy = data_of(dd);
    float* dx = data_of(diff_src_);
    const std::size_t n = floats_in(desc_);
    for (std::size_t i = 0; i < n; ++i) dx[i] = dy[i] * (training_ ? mask_[i] : 1.f);
    return diff_src_;
}

}  // namespace actbench
