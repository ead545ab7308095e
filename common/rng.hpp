// Random numbers the project owns, so the same trial draws the same numbers with any standard library.
//
// Generator: xoshiro256** (Blackman & Vigna 2018, https://prng.di.unimi.it/), seeded through splitmix64.
// Transforms: uniform = top 53 bits / 2^53; normal = Box–Muller. std::*_distribution is not used because
// its output is implementation-defined.
#pragma once

#include <cstdint>
#include <string_view>

namespace actbench {

// FNV-1a, 64 bit: a stable hash of bytes, used for trial ids and stream seeds.
std::uint64_t fnv1a64(std::string_view bytes, std::uint64_t h = 0xcbf29ce484222325ULL);

std::uint64_t splitmix64(std::uint64_t& state);

// The seed of one named random stream of one trial ("init", "data_order", …). Streams are independent of
// each other and of every other trial, so adding a trial or a stream never changes an existing one.
std::uint64_t stream_seed(std::string_view trial_id, std::string_view stream);

class Rng {
public:
    explicit Rng(std::uint64_t seed);

    std::uint64_t next();
    // Uniform in [0, 1), 53 random bits.
    double uniform();
    // Uniform in [lo, hi).
    double uniform(double lo, double hi) { return lo + (hi - lo) * uniform(); }
    // Standard normal, Box–Muller; the second value of each pair is kept for the next call.
    double normal();
    // Uniform integer in [0, n), unbiased (rejection), n > 0.
    std::uint64_t below(std::uint64_t n);

private:
    std::uint64_t s_[4];
    double spare_ = 0.0;
    bool has_spare_ = false;
};

}  // namespace actbench
