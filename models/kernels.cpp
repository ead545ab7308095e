#include "kernels.hpp"

#include "vecmath.hpp"

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstring>

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

// RReLU's draws, two slopes per hash. ReLU runs at memory speed, so RReLU's forward is bound by the work per
// value: one counter hash per value (a 24-bit uniform) cost 3.2–3.6× ReLU's forward on an AVX2 Zen 3 core, where
// vector integer work runs at about three operations a cycle. Sharing each hash between two values, as two
// 16-bit uniforms, brings it to 2.0–2.3× there (bench_activations). The definition (kernels.hpp) puts the two
// values of a hash eight apart, so one 8-lane hash serves 16 consecutive values with no shuffles. GCC vector
// types keep one source for every build (default, AVX2, AVX-512) and the scalar path of the ragged ends
// computes each value with the same operations in the same order, so all give the same bits.
namespace {

using u32x8 = std::uint32_t __attribute__((vector_size(32)));
using i32x8 = std::int32_t __attribute__((vector_size(32)));
using f32x8 = float __attribute__((vector_size(32)));

// The slope of element i (any i), by the definition; for the ragged ends of a piece.
float rrelu_slope(std::uint64_t i, std::uint64_t key, float lower, float step, bool pytorch) {
    const std::uint64_t counter = i / 16 * 8 + i % 8;
    const std::uint32_t h = vecmath::counter_hash(key, counter);
    const std::uint32_t bits = i % 16 < 8 ? h & 0xffffu : h >> 16;
    const float r = lower + step * static_cast<float>(bits);
    return pytorch ? r : 1.f / r;
}

}  // namespace

ACTBENCH_CLONES void rrelu_train(const float* x, const float* v, float* out, std::size_t n, std::size_t first, std::uint64_t key,
                                 float lower, float upper, bool pytorch) {
    const float step = (upper - lower) * 0x1p-16f;
    const auto one = [&](std::size_t g) {
        const float slope = rrelu_slope(g, key, lower, step, pytorch);
        out[g - first] = x[g - first] > 0.f ? v[g - first] : slope * v[g - first];
    };
    const std::size_t end = first + n;
    std::size_t g = first;
    for (; g < end && g % 16 != 0; ++g) one(g);
    const u32x8 lanes = {0, 1, 2, 3, 4, 5, 6, 7};
    const f32x8 lower8 = f32x8{} + lower, step8 = f32x8{} + step;
    // Whole blocks of 16, in runs whose hash counters 8·(g/16) + lane share their upper 32 bits.
    while (end - g >= 16) {
        const std::uint64_t counter = g / 16 * 8;
        const std::uint64_t room = ((counter >> 32) + 1) << 32;  // the next counter whose upper half differs
        const std::size_t blocks = static_cast<std::size_t>(std::min<std::uint64_t>((end - g) / 16, (room - counter) / 8));
        const std::uint32_t k0 = vecmath::counter_k0(key), k1 = vecmath::counter_k1(key, counter);
        const std::uint32_t lo = static_cast<std::uint32_t>(counter);
        for (std::size_t q = 0; q < blocks; ++q, g += 16) {
            u32x8 h = lanes + (lo + 8 * static_cast<std::uint32_t>(q));
            vecmath::counter_hash32_in_place(k0, k1, h);
            const std::size_t i = g - first;
            f32x8 x0, x1, v0, v1;
            std::memcpy(&x0, x + i, sizeof x0);
            std::memcpy(&x1, x + i + 8, sizeof x1);
            std::memcpy(&v0, v + i, sizeof v0);
            std::memcpy(&v1, v + i + 8, sizeof v1);
            const f32x8 r0 = lower8 + step8 * __builtin_convertvector(reinterpret_cast<i32x8>(h & 0xffffu), f32x8);
            const f32x8 r1 = lower8 + step8 * __builtin_convertvector(reinterpret_cast<i32x8>(h >> 16), f32x8);
            const f32x8 s0 = pytorch ? r0 : 1.f / r0, s1 = pytorch ? r1 : 1.f / r1;
            const f32x8 y0 = x0 > 0.f ? v0 : s0 * v0, y1 = x1 > 0.f ? v1 : s1 * v1;
            std::memcpy(out + i, &y0, sizeof y0);
            std::memcpy(out + i + 8, &y1, sizeof y1);
        }
    }
    for (; g < end; ++g) one(g);
}

ACTBENCH_CLONES void leaky_forward(const float* x, float* y, std::size_t n, float slope) {
    for (std::size_t i = 0; i < n; ++i) y[i] = x[i] > 0.f ? x[i] : slope * x[i];
}

ACTBENCH_CLONES void leaky_backward(const float* x, const float* dy, float* dx, std::size_t n, float slope) {
    for (std::size_t i = 0; i < n; ++i) dx[i] = x[i] > 0.f ? dy[i] : slope * dy[i];
}

// Why a pool. Noisy ReLU must stay within 3× of ReLU's time, and ReLU runs at memory speed (about 0.6
// cycles per value on one core). An exact normal per element — a counter hash, then Box–Muller's log, square
// root and sine/cosine per pair — costs about 9–10× ReLU on both AMD machines this was measured on (AVX2 and
// AVX-512; a vectorised ziggurat measured the same: table gathers and the draws that miss its fast path).
// So each call draws kNoisePool exact normals once (about 0.1× ReLU's time on a 64×32×28×28 tensor) and every
// element mixes four of them:
//   group G = 32 consecutive elements (g = 32G + 8k + l: row k = 0..3, lane l = 0..7); three counter hashes of
//   (key, 3G + j) give four pool offsets o0..o3 (14 bits each) and 32 sign bits s;
//   inputs  a = ±pool[o0 + l], b = ±pool[o1 + l], c = ±pool[o2 + l], d = ±pool[o3 + l]  (sign bits l, l+8, l+16, l+24)
//   outputs z(k=0) = (a+b+c+d)/2, z(1) = (a−b+c−d)/2, z(2) = (a+b−c−d)/2, z(3) = (a−b−c+d)/2.
// The 4-point Hadamard matrix / 2 is orthogonal, so four independent N(0, 1) inputs give four independent
// N(0, 1) outputs. What the pool costs: two elements in different groups share a pool entry with probability
// about 16/kNoisePool (0.1%), and then are dependent though uncorrelated (the signs are independent); the pool
// is scaled to mean square 1, so one call's noise has variance 1 to within sampling error (an unscaled pool
// of 16,384 would carry its own ±1.1% into every value of the call) at the price of an O(1/kNoisePool)
// departure from the exact normal marginal. tests/test_activations.cpp checks moments, a Kolmogorov–Smirnov
// distance and neighbour correlations on one call. Cost, pool included: 2.0× ReLU's forward on one Zen 3 core
// (AVX2), where an exact per-element Box–Muller costs 10.6× (bench_activations, medians of 3).
ACTBENCH_CLONES void noise_pool(float* pool, std::uint64_t key) {
    // Box–Muller, both outputs used: pool[j] = r·cos θ and pool[kNoisePool/2 + j] = r·sin θ of draw j.
    constexpr std::uint32_t kHalf = kNoisePool / 2;
    const std::uint64_t key2 = key ^ 0x5851f42d4c957f2dULL;
    const std::uint32_t a0 = vecmath::counter_k0(key), a1 = vecmath::counter_k1(key, 0);
    const std::uint32_t b0 = vecmath::counter_k0(key2), b1 = vecmath::counter_k1(key2, 0);
    float* __restrict zc = pool;
    float* __restrict zs = pool + kHalf;
    for (std::uint32_t j = 0; j < kHalf; ++j) {
        // 1 − u lies in (0, 1], so the log is finite.
        const float u1 = 1.f - vecmath::counter_uniform32(a0, a1, j);
        const float u2 = vecmath::counter_uniform32(b0, b1, j);
        const float r = std::sqrt(-2.f * vecmath::log(u1));
        float c, s;
        vecmath::cos_sin_turns(u2, c, s);
        zc[j] = r * c;
        zs[j] = r * s;
    }
    // Mean square in double, eight partial sums in a fixed order: the same bits in every build.
    double partial[8] = {};
    for (std::size_t i = 0; i < kNoisePool; i += 8)
        for (std::size_t l = 0; l < 8; ++l) partial[l] += static_cast<double>(pool[i + l]) * pool[i + l];
    double sum = 0;
    for (double p : partial) sum += p;
    const float scale = static_cast<float>(std::sqrt(static_cast<double>(kNoisePool) / sum));
    for (std::size_t i = 0; i < kNoisePool; ++i) pool[i] *= scale;
    for (std::size_t i = 0; i < 7; ++i) pool[kNoisePool + i] = pool[i];
}

namespace {

constexpr std::uint64_t kMixKey = 0x2545f4914f6cdd1dULL;
constexpr std::uint32_t kPoolMask = kNoisePool - 1;
static_assert((kNoisePool & kPoolMask) == 0 && kNoisePool <= 65536, "offsets are 16-bit halves of a hash");

// A pool entry with bit `bit` of the group's sign bits applied; the scalar and the vector paths both use it.
[[gnu::always_inline]] inline float signed_entry(const float* entry, std::uint32_t sign_bits, unsigned bit) {
    return std::bit_cast<float>(std::bit_cast<std::uint32_t>(*entry) ^ ((sign_bits >> bit) << 31));
}

// The noise of element g (any g), by the definition above; for the ragged ends of a piece.
float noise_at(std::size_t g, std::uint64_t mix_key, const float* pool) {
    const std::uint64_t group = g / 32;
    const unsigned row = static_cast<unsigned>(g % 32) / 8, lane = static_cast<unsigned>(g % 8);
    std::uint32_t h[3];
    for (std::uint64_t j = 0; j < 3; ++j) h[j] = vecmath::counter_hash(mix_key, 3 * group + j);
    const float a = signed_entry(pool + (h[0] & kPoolMask) + lane, h[2], lane);
    const float b = signed_entry(pool + ((h[0] >> 16) & kPoolMask) + lane, h[2], lane + 8);
    const float c = signed_entry(pool + (h[1] & kPoolMask) + lane, h[2], lane + 16);
    const float d = signed_entry(pool + ((h[1] >> 16) & kPoolMask) + lane, h[2], lane + 24);
    const float ab = a + b, cd = c + d, amb = a - b, cmd = c - d;
    switch (row) {
        case 0: return ab + cd;
        case 1: return amb + cmd;
        case 2: return ab - cd;
        default: return amb - cmd;
    }
}

}  // namespace

// The loop, once per noise form (the mode a compile-time constant, so the fixed-sigma loop stays as it was).
template <bool kSigmoidVariance>
__attribute__((always_inline)) inline void noisy_relu_body(const float* __restrict x, float* __restrict y, std::size_t n, std::size_t first,
                                                           std::uint64_t key, float sigma, const float* __restrict pool) {
    const std::uint64_t mix_key = key ^ kMixKey;
    const float half_sigma = 0.5f * sigma;
    const std::size_t end = first + n;
    // The mixes have variance 4: half of the standard deviation scales them to it.
    const auto scale = [&](float xv) {
        if constexpr (kSigmoidVariance)
            return 0.5f * std::sqrt(vecmath::sigmoid(xv));
        else
            return half_sigma;
    };
    const auto one = [&](std::size_t g) {
        const float v = x[g - first] + scale(x[g - first]) * noise_at(g, mix_key, pool);
        y[g - first] = v > 0.f ? v : 0.f;
    };
    std::size_t g = first;
    for (; g < end && g % 32 != 0; ++g) one(g);
    // Whole groups, up to 128 at a time: their hashes in one vectorised loop, then the mixing.
    constexpr std::size_t kGroups = 128;
    std::uint32_t h[3 * kGroups];
    while (end - g >= 32) {
        const std::size_t groups = std::min(kGroups, (end - g) / 32);
        const std::uint64_t index = 3 * (g / 32);
        const std::uint32_t k0 = vecmath::counter_k0(mix_key), k1 = vecmath::counter_k1(mix_key, index);
        if ((index >> 32) != ((index + 3 * groups - 1) >> 32)) {  // the counter's upper half changes inside: rare
            for (std::size_t e = g + 32; g < e; ++g) one(g);
            continue;
        }
        const std::uint32_t lo = static_cast<std::uint32_t>(index);
        for (std::uint32_t i = 0; i < 3 * groups; ++i) h[i] = vecmath::counter_hash32(k0, k1, lo + i);
        for (std::size_t q = 0; q < groups; ++q, g += 32) {
            const std::uint32_t h0 = h[3 * q], h1 = h[3 * q + 1], s = h[3 * q + 2];
            const float* pa = pool + (h0 & kPoolMask);
            const float* pb = pool + ((h0 >> 16) & kPoolMask);
            const float* pc = pool + (h1 & kPoolMask);
            const float* pd = pool + ((h1 >> 16) & kPoolMask);
            const float* xg = x + (g - first);
            float* yg = y + (g - first);
            for (unsigned l = 0; l < 8; ++l) {
                const float a = signed_entry(pa + l, s, l), b = signed_entry(pb + l, s, l + 8);
                const float c = signed_entry(pc + l, s, l + 16), d = signed_entry(pd + l, s, l + 24);
                const float ab = a + b, cd = c + d, amb = a - b, cmd = c - d;
                const float v0 = xg[l] + scale(xg[l]) * (ab + cd), v1 = xg[l + 8] + scale(xg[l + 8]) * (amb + cmd);
                const float v2 = xg[l + 16] + scale(xg[l + 16]) * (ab - cd), v3 = xg[l + 24] + scale(xg[l + 24]) * (amb - cmd);
                yg[l] = v0 > 0.f ? v0 : 0.f;
                yg[l + 8] = v1 > 0.f ? v1 : 0.f;
                yg[l + 16] = v2 > 0.f ? v2 : 0.f;
                yg[l + 24] = v3 > 0.f ? v3 : 0.f;
            }
        }
    }
    for (; g < end; ++g) one(g);
}

ACTBENCH_CLONES void noisy_relu_train_forward(const float* __restrict x, float* __restrict y, std::size_t n, std::size_t first,
                                              std::uint64_t key, float sigma, const float* __restrict pool, bool sigmoid_variance) {
    if (sigmoid_variance)
        noisy_relu_body<true>(x, y, n, first, key, sigma, pool);
    else
        noisy_relu_body<false>(x, y, n, first, key, sigma, pool);
}

ACTBENCH_CLONES void relu_forward(const float* x, float* y, std::size_t n) {
    for (std::size_t i = 0; i < n; ++i) y[i] = x[i] > 0.f ? x[i] : 0.f;
}

ACTBENCH_CLONES void noisy_relu_sigmoid_backward(const float* x, const float* y, const float* dy, float* dx, std::size_t n) {
    for (std::size_t i = 0; i < n; ++i) dx[i] = y[i] > 0.f ? dy[i] * (1.f + 0.5f * (y[i] - x[i]) * (1.f - vecmath::sigmoid(x[i]))) : 0.f;
}

ACTBENCH_CLONES void pass_where_positive(const float* y, const float* dy, float* dx, std::size_t n) {
    for (std::size_t i = 0; i < n; ++i) dx[i] = y[i] > 0.f ? dy[i] : 0.f;
}

ACTBENCH_CLONES void optimizer_update(const UpdateRule& r, float* w, const float* g, float* m, float* s, std::size_t n) {
    const float decay = r.decay;
    switch (r.kind) {
        case 0:
            for (std::size_t k = 0; k < n; ++k) w[k] -= r.eta * (r.scale * g[k] + decay * w[k]);
            break;
        case 1:
            for (std::size_t k = 0; k < n; ++k) {
                m[k] = r.mu * m[k] + (r.scale * g[k] + decay * w[k]);
                w[k] -= r.eta * m[k];
            }
            break;
        case 2:
            for (std::size_t k = 0; k < n; ++k) {
                const float gk = r.scale * g[k] + decay * w[k];
                m[k] = r.mu * m[k] + gk;
                w[k] -= r.eta * (gk + r.mu * m[k]);
            }
            break;
        default:
            for (std::size_t k = 0; k < n; ++k) {
                const float gk = r.scale * g[k] + decay * w[k];
                m[k] = r.b1 * m[k] + (1 - r.b1) * gk;
                s[k] = r.b2 * s[k] + (1 - r.b2) * gk * gk;
                w[k] -= r.eta * (m[k] / r.c1) / (std::sqrt(s[k] / r.c2) + r.eps);
            }
    }
}

ACTBENCH_CLONES void round_to_bf16(const float* x, std::uint16_t* y, std::size_t n) {
    for (std::size_t i = 0; i < n; ++i) {
        const std::uint32_t u = std::bit_cast<std::uint32_t>(x[i]), exponent = u & 0x7f800000u;
        const std::uint32_t normal = (u + 0x7fffu + ((u >> 16) & 1u)) >> 16;
        const std::uint32_t special = exponent == 0 ? (u >> 16) & 0x8000u : (u >> 16) | ((u & 0x7fffffu) != 0 ? 0x40u : 0u);
        y[i] = static_cast<std::uint16_t>(exponent == 0 || exponent == 0x7f800000u ? special : normal);
    }
}

}  // namespace actbench::kernels
