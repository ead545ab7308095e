#include "kernels.hpp"

#include "vecmath.hpp"

#include <algorithm>
#include <cmath>

#define ACTBENCH_CLONES __attribute__((target_clones("default", "avx2", "avx512f")))

namespace actbench::kernels {

namespace {
// SELU's constants (Klambauer et al. 2017, eq. 14).
constexpr float kLambda = 1.0507009873554804934f;
constexpr float kLambdaAlpha = 1.0507009873554804934f * 1.6732632423543772848f;
}  // namespace

ACTBENCH_CLONES void selu_forward(const float* x, float* y, std::size_t n) {
    for (std::size_t i = 0; i < n; ++i) {
        const float neg = kLambdaAlpha * (vecmath::exp(x[i]) - 1.f);
        y[i] = x[i] > 0.f ? kLambda * x[i] : neg;
    }
}

ACTBENCH_CLONES void selu_backward(const float* x, const float* dy, float* dx, std::size_t n) {
    for (std::size_t i = 0; i < n; ++i) dx[i] = dy[i] * (x[i] > 0.f ? kLambda : kLambdaAlpha * vecmath::exp(x[i]));
}

ACTBENCH_CLONES void softplus_forward(const float* x, float* y, std::size_t n, float beta) {
    const float inv = 1.f / beta;
    for (std::size_t i = 0; i < n; ++i) y[i] = vecmath::softplus(beta * x[i]) * inv;
}

ACTBENCH_CLONES void softplus_backward(const float* x, const float* dy, float* dx, std::size_t n, float beta) {
    for (std::size_t i = 0; i < n; ++i) dx[i] = dy[i] * vecmath::sigmoid(beta * x[i]);
}

ACTBENCH_CLONES void softsign_forward(const float* x, float* y, std::size_t n) {
    for (std::size_t i = 0; i < n; ++i) y[i] = x[i] / (1.f + std::fabs(x[i]));
}

ACTBENCH_CLONES void softsign_backward(const float* x, const float* dy, float* dx, std::size_t n) {
    for (std::size_t i = 0; i < n; ++i) {
        const float d = 1.f + std::fabs(x[i]);
        dx[i] = dy[i] / (d * d);
    }
}

// Calls body(k0, k1, lo, begin, end) over [0, n) in pieces whose indices first + i share their upper 32
// bits, so the loops inside use 32-bit counters only (and vectorise); the draws equal counter_uniform's.
template <class Body>
[[gnu::always_inline]] inline void over_counter_blocks(std::size_t n, std::size_t first, std::uint64_t key, Body&& body) {
    std::size_t i = 0;
    while (i < n) {
        const std::uint64_t index = first + i;
        const std::size_t room = static_cast<std::size_t>((std::uint64_t{1} << 32) - (index & 0xffffffffu));
        const std::size_t end = std::min(n, i + room);
        body(vecmath::counter_k0(key), vecmath::counter_k1(key, index), static_cast<std::uint32_t>(index), i, end);
        i = end;
    }
}

ACTBENCH_CLONES void rrelu_train_forward(const float* x, float* y, float* slopes, std::size_t n, std::size_t first,
                                         std::uint64_t key, float lower, float upper, bool pytorch) {
    const float width = upper - lower;
    over_counter_blocks(n, first, key, [&](std::uint32_t k0, std::uint32_t k1, std::uint32_t lo, std::size_t b, std::size_t e)
                                           __attribute__((always_inline)) {
        const std::uint32_t count = static_cast<std::uint32_t>(e - b);
        float* s = slopes + b;
        const float* xb = x + b;
        float* yb = y + b;
        for (std::uint32_t i = 0; i < count; ++i) {
            const float r = lower + width * vecmath::counter_uniform32(k0, k1, lo + i);
            const float slope = pytorch ? r : 1.f / r;
            s[i] = slope;
            const float neg = slope * xb[i];
            yb[i] = xb[i] > 0.f ? xb[i] : neg;
        }
    });
}

ACTBENCH_CLONES void leaky_forward(const float* x, float* y, std::size_t n, float slope) {
    for (std::size_t i = 0; i < n; ++i) y[i] = x[i] > 0.f ? x[i] : slope * x[i];
}

ACTBENCH_CLONES void leaky_backward_drawn(const float* x, const float* dy, const float* slopes, float* dx, std::size_t n) {
    for (std::size_t i = 0; i < n; ++i) dx[i] = x[i] > 0.f ? dy[i] : slopes[i] * dy[i];
}

ACTBENCH_CLONES void leaky_backward(const float* x, const float* dy, float* dx, std::size_t n, float slope) {
    for (std::size_t i = 0; i < n; ++i) dx[i] = x[i] > 0.f ? dy[i] : slope * dy[i];
}

ACTBENCH_CLONES void noisy_relu_train_forward(const float* x, float* y, std::size_t n, std::size_t first,
                                              std::uint64_t key, float sigma) {
    // Cost: about 9.5× ReLU's forward time on one AVX-512 core (bench_activations; ReLU runs at copy speed
    // from L3, about 0.35 cycles per value). This is compute-bound: two hashes, a log, a square root and a
    // sine/cosine pair per two values. Tried and measured on the same tensor, not adopted: a 256-layer
    // ziggurat (Marsaglia & Tsang) with AVX-512 intrinsics — 9.5× as well: the counter hash alone is 2.25×,
    // the two 16-lane table gathers per vector add 3.2× on this AMD core, and the ~1.5% of draws that miss
    // the fast path (a fifth of all 16-lane vectors) add 3.9× more. Any exact normal needs the per-element
    // counter draw (RReLU, one draw and a division, is 2.5×) plus a transform, so 3× is out of reach without
    // an approximate normal.
    // Box–Muller gives two normals per pair of uniforms; both are used. Element g of the tensor, in block
    // B = g / 4096 at offset o = g % 4096, takes the cos (o < 2048) or the sin (o ≥ 2048) normal of draw
    // B·2048 + o % 2048. The draws are a function of g alone, so any split of the tensor gives the same noise.
    constexpr std::size_t kBlock = 4096, kHalf = kBlock / 2;
    const std::uint64_t key2 = key ^ 0x5851f42d4c957f2dULL;
    float zc[kHalf], zs[kHalf];
    std::size_t g = first;
    const std::size_t end = first + n;
    while (g < end) {
        const std::size_t block = g / kBlock, o0 = g % kBlock, o1 = std::min(kBlock, o0 + (end - g));
        // Offsets j of the draws this piece needs: [o0, o1) in the cos half and [o0 − 2048, o1 − 2048) in the sin half.
        const std::uint32_t j0 = static_cast<std::uint32_t>(o0 >= kHalf ? o0 - kHalf : (o1 > kHalf ? 0 : o0));
        const std::uint32_t j1 = static_cast<std::uint32_t>(o1 <= kHalf ? o1 : (o0 < kHalf ? kHalf : o1 - kHalf));
        const std::uint64_t draw = static_cast<std::uint64_t>(block) * kHalf;
        const std::uint32_t a0 = vecmath::counter_k0(key), a1 = vecmath::counter_k1(key, draw);
        const std::uint32_t b0 = vecmath::counter_k0(key2), b1 = vecmath::counter_k1(key2, draw);
        const std::uint32_t base = static_cast<std::uint32_t>(draw);
        for (std::uint32_t j = j0; j < j1; ++j) {
            // 1 − u lies in (0, 1], so the log is finite.
            const float u1 = 1.f - vecmath::counter_uniform32(a0, a1, base + j);
            const float u2 = vecmath::counter_uniform32(b0, b1, base + j);
            const float r = sigma * std::sqrt(-2.f * vecmath::log(u1));
            float c, s;
            vecmath::cos_sin_turns(u2, c, s);
            zc[j] = r * c;
            zs[j] = r * s;
        }
        const float* xb = x + (g - first) - o0;  // element o of this block is xb[o]
        float* yb = y + (g - first) - o0;
        for (std::size_t o = o0; o < std::min(o1, kHalf); ++o) {
            const float v = xb[o] + zc[o];
            yb[o] = v > 0.f ? v : 0.f;
        }
        for (std::size_t o = std::max(o0, kHalf); o < o1; ++o) {
            const float v = xb[o] + zs[o - kHalf];
            yb[o] = v > 0.f ? v : 0.f;
        }
        g += o1 - o0;
    }
}

ACTBENCH_CLONES void relu_forward(const float* x, float* y, std::size_t n) {
    for (std::size_t i = 0; i < n; ++i) y[i] = x[i] > 0.f ? x[i] : 0.f;
}

ACTBENCH_CLONES void pass_where_positive(const float* y, const float* dy, float* dx, std::size_t n) {
    for (std::size_t i = 0; i < n; ++i) dx[i] = y[i] > 0.f ? dy[i] : 0.f;
}

}  // namespace actbench::kernels
