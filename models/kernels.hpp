// actbench's own elementwise activation kernels (those oneDNN 2.6 lacks). Each is built three times —
// for plain x86-64, AVX2 and AVX-512 — and the CPU picks one at load time (GCC target_clones). They are
// pure elementwise float code compiled with -ffp-contract=off, so every version gives the same bits.
#pragma once

#include <cstddef>
#include <cstdint>

namespace actbench::kernels {

void selu_forward(const float* x, float* y, std::size_t n);
void selu_backward(const float* x, const float* dy, float* dx, std::size_t n);
void softplus_forward(const float* x, float* y, std::size_t n, float beta);
void softplus_backward(const float* x, const float* dy, float* dx, std::size_t n, float beta);
void softsign_forward(const float* x, float* y, std::size_t n);
void softsign_backward(const float* x, const float* dy, float* dx, std::size_t n);

// Training forms. x[0] is element `first` of the whole tensor, and each element's draws depend on its index g
// in the whole tensor and the key only, so any split of the tensor gives the same values.
// rrelu: out = v where x > 0, slope·v elsewhere, with slope = r (pytorch) or 1/r (Xu et al.), r = lower + step·m,
// step = (upper − lower)·2^-16 and m a 16-bit uniform integer: element g takes the low half (g % 16 < 8) or the
// high half (g % 16 ≥ 8) of the counter hash of (key, 8·⌊g/16⌋ + g % 8), so one hash serves elements g and g + 8
// of a block of 16. Forward passes v = x (out = y); backward v = dy (out = dx) with forward's key, so it
// redraws exactly forward's slopes rather than storing them: a stream fewer to memory each way, and no slope
// tensor kept per layer.
void rrelu_train(const float* x, const float* v, float* out, std::size_t n, std::size_t first, std::uint64_t key, float lower, float upper,
                 bool pytorch);
void leaky_forward(const float* x, float* y, std::size_t n, float slope);
void leaky_backward(const float* x, const float* dy, float* dx, std::size_t n, float slope);
// noisy relu: y = max(0, x + sigma·z), z ~ N(0, 1) per element. The normals come from a pool of
// kNoisePool exact Box–Muller draws made once per call (noise_pool), mixed four at a time by a 4-point
// Hadamard transform with hashed offsets and signs (see kernels.cpp); a call's pool is shared by all
// the pieces of one tensor.
inline constexpr std::size_t kNoisePool = 16384;
inline constexpr std::size_t kNoisePoolFloats = kNoisePool + 7;  // the first 7 repeated at the end
void noise_pool(float* pool, std::uint64_t key);  // pool[kNoisePoolFloats], mean square exactly 1 (in double)
// With sigmoid_variance the noise's variance is sigmoid(x) (Nair & Hinton 2010's NReLU: y = max(0, x + N(0,
// σ(x)))) and sigma is unused; the same draws, scaled per element by √σ(x).
void noisy_relu_train_forward(const float* x, float* y, std::size_t n, std::size_t first, std::uint64_t key, float sigma, const float* pool,
                              bool sigmoid_variance = false);
// Its derivative, the noise held fixed: dy/dx = [y > 0]·(1 + z·d√σ(x)/dx) = [y > 0]·(1 + (y − x)(1 − σ(x))/2).
void noisy_relu_sigmoid_backward(const float* x, const float* y, const float* dy, float* dx, std::size_t n);
void relu_forward(const float* x, float* y, std::size_t n);
void pass_where_positive(const float* y, const float* dy, float* dx, std::size_t n);  // dx = dy·[y > 0]

// One optimiser step over n elements of a parameter (the rules are in optimizer.hpp): w the value, g its gradient,
// m and s the first and second moments (null where the kind keeps none). kind: 0 sgd, 1 momentum, 2 nesterov,
// 3 adam, the index in optimizer_kinds(); scale the clipping factor; c1, c2 Adam's bias corrections; decay the
// weight decay of this parameter (0 where none applies).
struct UpdateRule {
    int kind;
    float scale, eta, mu, b1, b2, eps, c1, c2, decay;
};
void optimizer_update(const UpdateRule& r, float* w, const float* g, float* m, float* s, std::size_t n);

// fp32 → bf16 exactly as oneDNN 2.6 converts (its reorder, and vcvtneps2bf16 on CPUs with AVX-512 BF16): normal
// values round to nearest, ties to even (a value that rounds past the largest bf16 becomes infinity); subnormals
// become a zero of their sign; infinities stay; NaNs keep their sign and top mantissa bits and become quiet.
void round_to_bf16(const float* x, std::uint16_t* y, std::size_t n);

}  // namespace actbench::kernels
