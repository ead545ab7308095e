#include "run/metrics.hpp"

#include <catch2/catch.hpp>
#include <cmath>

using namespace actbench;

TEST_CASE("a layer with exactly 3 dead channels", "[metrics]") {
    // 2 images × 8 channels × 4 positions; channels 1, 4 and 6 are ≤ 0 everywhere (one of them exactly 0).
    const std::size_t rows = 2, channels = 8, spatial = 4;
    std::vector<float> pre(rows * channels * spatial), out(pre.size()), slope(pre.size());
    for (std::size_t n = 0; n < rows; ++n)
        for (std::size_t c = 0; c < channels; ++c)
            for (std::size_t k = 0; k < spatial; ++k) {
                const std::size_t i = (n * channels + c) * spatial + k;
                const bool dead = c == 1 || c == 4 || c == 6;
                pre[i] = dead ? (c == 6 ? 0.f : -1.f - static_cast<float>(k)) : (k == 0 && n == 1 ? 0.5f : -0.5f);
                out[i] = pre[i] > 0 ? pre[i] : 0.f;
                slope[i] = pre[i] > 0 ? 1.f : 0.f;
            }
    UnitTally t(channels);
    t.add(pre.data(), out.data(), slope.data(), rows, spatial, 1e-3);
    CHECK(t.dead_fraction() == Approx(3.0 / 8));
    CHECK(t.inactive_fraction() == Approx(3.0 / 8));
    // Zeros: every element except the one positive element of each of the 5 live channels.
    CHECK(t.zero_fraction() == Approx(1 - 5.0 / 64));
    CHECK(t.mean() == Approx(5 * 0.5 / 64));
    CHECK(t.second_moment() == Approx(5 * 0.25 / 64));
}

TEST_CASE("pre-activation mean and std against a two-pass reference", "[metrics]") {
    const std::size_t rows = 3, channels = 2, spatial = 5;
    std::vector<float> pre(rows * channels * spatial), out(pre.size());
    for (std::size_t i = 0; i < pre.size(); ++i) {
        pre[i] = 0.3f * static_cast<float>(i % 7) - 0.8f;
        out[i] = pre[i] > 0 ? pre[i] : 0.f;
    }
    UnitTally t(channels);
    t.add(pre.data(), out.data(), nullptr, rows, spatial, 1e-3);
    double mean = 0, var = 0;
    for (float z : pre) mean += z;
    mean /= static_cast<double>(pre.size());
    for (float z : pre) var += (z - mean) * (z - mean);
    var /= static_cast<double>(pre.size());
    CHECK(t.pre_mean() == Approx(mean));
    CHECK(t.pre_std() == Approx(std::sqrt(var)));
    CHECK(UnitTally(4).pre_std() == 0);
}

TEST_CASE("a channel-blocked view gives the same bits as the plain tensor, padding ignored", "[metrics]") {
    // 3 rows × 20 channels (blocked by 16 as on AVX-512: padded to 32; by 8 as on AVX2: padded to 24) × 5 positions.
    const std::size_t block = GENERATE(16, 8);
    const std::size_t rows = 3, channels = 20, spatial = 5, padded = (channels + block - 1) / block * block;
    std::vector<float> pre(rows * channels * spatial), out(pre.size()), slope(pre.size());
    for (std::size_t i = 0; i < pre.size(); ++i) {
        pre[i] = std::sin(0.37f * static_cast<float>(i)) - 0.2f;
        out[i] = pre[i] > 0 ? pre[i] : 0.01f * pre[i];
        slope[i] = pre[i] > 0 ? 1.f : 0.0005f;
    }
    auto blocked = [&](const std::vector<float>& plain) {
        std::vector<float> b(rows * padded * spatial, -7.f);  // padding channels hold garbage
        for (std::size_t n = 0; n < rows; ++n)
            for (std::size_t c = 0; c < channels; ++c)
                for (std::size_t k = 0; k < spatial; ++k)
                    b[((n * (padded / block) + c / block) * spatial + k) * block + c % block] = plain[(n * channels + c) * spatial + k];
        return b;
    };
    const auto bpre = blocked(pre), bout = blocked(out), bslope = blocked(slope);
    UnitTally a(channels), b(channels);
    a.add(pre.data(), out.data(), slope.data(), rows, spatial, 1e-3);
    b.add(ChannelView{bpre.data(), block}, ChannelView{bout.data(), block}, ChannelView{bslope.data(), block}, rows, spatial, 1e-3);
    CHECK(a.zero_fraction() == b.zero_fraction());
    CHECK(a.mean() == b.mean());
    CHECK(a.second_moment() == b.second_moment());
    CHECK(a.pre_mean() == b.pre_mean());
    CHECK(a.pre_std() == b.pre_std());
    CHECK(a.dead_fraction() == b.dead_fraction());
    CHECK(a.inactive_fraction() == b.inactive_fraction());
    CHECK(a.saturated_fraction() == b.saturated_fraction());
    CHECK(a.saturated_fraction() > 0);
}

TEST_CASE("steps to target: a curve that crosses at step 17, and a censored one", "[metrics]") {
    // Batches of 10; 5 correct for 16 steps, then 10. Over a window of 4 steps the error at step 17 is
    // 15 wrong of 40 = 0.375 (first at or below 0.375), and at step 19 it is 5/40 = 0.125.
    std::vector<int> correct(16, 5);
    for (int i = 0; i < 10; ++i) correct.push_back(10);
    CHECK(steps_to_target(correct, 10, 4, 0.375) == 17);
    CHECK(steps_to_target(correct, 10, 4, 0.125) == 19);
    CHECK(steps_to_target(correct, 10, 4, 0.5) == 1);
    CHECK_FALSE(steps_to_target(std::vector<int>(30, 5), 10, 4, 0.25).has_value());
}
