// Single-precision exp, log, log1p and cos(2πu) that the compiler can vectorise (no libm calls, no
// branches), for our activation kernels and the formula evaluator. Polynomials from Cephes (S. Moshier,
// via J. Pommier's sse_mathfun): |relative error| ≲ 2e-7 over the ranges tested in tests/test_vecmath.cpp.
// They are exactly as deterministic as any float arithmetic compiled with -ffp-contract=off: the same
// bits in scalar and vector code, on every x86-64 machine.
#pragma once

#include <bit>
#include <cstdint>

namespace actbench::vecmath {

inline float exp(float x) {
    // e^x = 2^n · e^r, n = round(x·log2 e) by the 1.5·2^23 trick (no compare, so it vectorises),
    // r = x − n·ln 2 with ln 2 split in two for accuracy. The clamps keep 2^n a normal float; below
    // −87.33 the result underflows to 0, above 88.3 it saturates at e^88.3 ≈ 2.1e38.
    const float xc0 = x > 88.3f ? 88.3f : x;
    const float xc = xc0 < -87.3365f ? -87.3365f : xc0;
    const float fx = (xc * 1.44269504088896341f + 12582912.f) - 12582912.f;
    float r = xc - fx * 0.693359375f;
    r = r - fx * -2.12194440e-4f;
    const float z = r * r;
    float y = 1.9875691500E-4f;
    y = y * r + 1.3981999507E-3f;
    y = y * r + 8.3334519073E-3f;
    y = y * r + 4.1665795894E-2f;
    y = y * r + 1.6666665459E-1f;
    y = y * r + 5.0000001201E-1f;
    y = y * z + r + 1.f;
    const std::int32_t n = static_cast<std::int32_t>(fx);
    const float result = y * std::bit_cast<float>(static_cast<std::uint32_t>(n + 127) << 23);
    return x < -87.3365f ? 0.f : result;
}

// Natural log for x > 0 (normal numbers); log(0) and negative x are not handled (callers avoid them).
inline float log(float x) {
    const std::uint32_t bits = std::bit_cast<std::uint32_t>(x);
    float e = static_cast<float>(static_cast<std::int32_t>(bits >> 23) - 126);
    float m = std::bit_cast<float>((bits & 0x007fffffu) | 0x3f000000u);  // mantissa in [0.5, 1)
    const bool small = m < 0.707106781186547524f;
    e = small ? e - 1.f : e;
    m = small ? m + m - 1.f : m - 1.f;
    const float z = m * m;
    float y = 7.0376836292E-2f;
    y = y * m - 1.1514610310E-1f;
    y = y * m + 1.1676998740E-1f;
    y = y * m - 1.2420140846E-1f;
    y = y * m + 1.4249322787E-1f;
    y = y * m - 1.6668057665E-1f;
    y = y * m + 2.0000714765E-1f;
    y = y * m - 2.4999993993E-1f;
    y = y * m + 3.3333331174E-1f;
    y = y * m * z;
    y = y + e * -2.12194440e-4f;
    y = y - 0.5f * z;
    return m + y + e * 0.693359375f;
}

// log(1 + x) for x > −1, accurate for small x: with u = 1 + x rounded, log(u) − ((u − 1) − x)/u.
inline float log1p(float x) {
    const float u = 1.f + x;
    const float d = u - 1.f;
    return d == 0.f ? x : log(u) * (x / d);
}

// cos(2πu) and sin(2πu) for u in [0, 1): reduced to a quarter turn, then Cephes' sin/cos polynomials on
// [−π/4, π/4].
inline void cos_sin_turns(float u, float& cos_out, float& sin_out) {
    const float q = u * 4.f;
    const float j = static_cast<float>(static_cast<std::int32_t>(q + 0.5f));
    const float y = (q - j) * 1.57079632679489662f;
    const float z = y * y;
    float c = 2.443315711809948E-5f;
    c = c * z - 1.388731625493765E-3f;
    c = c * z + 4.166664568298827E-2f;
    c = c * z * z - 0.5f * z + 1.f;
    float s = -1.9515295891E-4f;
    s = s * z + 8.3321608736E-3f;
    s = s * z - 1.6666654611E-1f;
    s = s * z * y + y;
    const std::int32_t k = static_cast<std::int32_t>(j) & 3;
    // cos(kπ/2 + y), sin(kπ/2 + y)
    cos_out = k == 0 ? c : (k == 1 ? -s : (k == 2 ? -c : s));
    sin_out = k == 0 ? s : (k == 1 ? c : (k == 2 ? -s : -c));
}

inline float cos_turns(float u) {
    float c, s;
    cos_sin_turns(u, c, s);
    return c;
}

inline float sigmoid(float x) { return 1.f / (1.f + exp(-x)); }

// log(1 + e^x) without overflow: max(x, 0) + log1p(e^−|x|).
inline float softplus(float x) {
    const float a = x < 0.f ? -x : x;
    return (x > 0.f ? x : 0.f) + log1p(exp(-a));
}

// A uniform in [0, 1) from a 64-bit key and a 64-bit index, through 32-bit multiplies only so it
// vectorises: the index, mixed with the key, through Wellons' lowbias32 hash (three multiplies in all). Same draw for the same (key, index)
// in forward and backward, whatever the thread count or the vector width.
// The *_in_place forms also take GCC vector types of std::uint32_t (vector_size), lane by lane; by
// reference, so no vector crosses a function boundary by value.
template <class U>
inline void lowbias32_in_place(U& x) {
    x ^= x >> 16;
    x *= 0x7feb352du;
    x ^= x >> 15;
    x *= 0x846ca68bu;
    x ^= x >> 16;
}
inline std::uint32_t lowbias32(std::uint32_t x) {
    lowbias32_in_place(x);
    return x;
}
// The 32 hashed bits, and the uniform from their top 24, for the 32-bit index `lo` of a block whose keys
// k0, k1 already hold the key and the index's upper half (see counter_uniform).
template <class U>
inline void counter_hash32_in_place(std::uint32_t k0, std::uint32_t k1, U& lo) {
    lo = (lo ^ k1) * 0x9e3779b9u + k0;
    lowbias32_in_place(lo);
}
inline std::uint32_t counter_hash32(std::uint32_t k0, std::uint32_t k1, std::uint32_t lo) {
    counter_hash32_in_place(k0, k1, lo);
    return lo;
}
inline float counter_uniform32(std::uint32_t k0, std::uint32_t k1, std::uint32_t lo) {
    return static_cast<float>(counter_hash32(k0, k1, lo) >> 8) * 0x1.0p-24f;
}
inline std::uint32_t counter_k0(std::uint64_t key) { return static_cast<std::uint32_t>(key); }
inline std::uint32_t counter_k1(std::uint64_t key, std::uint64_t index) {
    return static_cast<std::uint32_t>(key >> 32) ^ static_cast<std::uint32_t>(index >> 32) * 0x9e3779b9u;
}
// The 32 hashed bits and the uniform for any 64-bit index: one value at a time (ragged ends, references).
inline std::uint32_t counter_hash(std::uint64_t key, std::uint64_t index) {
    return counter_hash32(counter_k0(key), counter_k1(key, index), static_cast<std::uint32_t>(index));
}
inline float counter_uniform(std::uint64_t key, std::uint64_t index) {
    return static_cast<float>(counter_hash(key, index) >> 8) * 0x1.0p-24f;
}

}  // namespace actbench::vecmath
