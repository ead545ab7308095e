#include "activation.hpp"
#include "layer_check.hpp"

#include <cmath>

using namespace actbench;
using namespace actbench::test;

namespace {
// A grid over [−6, 6] that keeps 0.05 away from every kink of `info`.
std::vector<float> grid_away_from_kinks(const ActivationInfo& info, std::size_t n) {
    std::vector<float> x;
    for (std::size_t i = 0; x.size() < n; ++i) {
        const double v = -6.0 + 12.0 * static_cast<double>(i % 977) / 976.0 + 1e-3 * static_cast<double>(i / 977);
        bool near_kink = false;
        for (double k : info.kinks) near_kink |= std::abs(v - k) < 0.05;
        if (!near_kink) x.push_back(static_cast<float>(v));
    }
    return x;
}
}  // namespace

TEST_CASE("every activation matches its scalar reference f and f' through the oneDNN kernel", "[activation]") {
    Context ctx;
    const memory::dims dims{4, 16, 7, 5};
    for (const auto& info : activation_table()) {
        INFO("activation " << info.name);
        Activation act("act", info);
        act.build(ctx, plain_desc(dims), true);
        const auto x = grid_away_from_kinks(info, logical_count(dims));
        memory in = plain_memory(ctx, dims, x);
        const auto y = to_plain(ctx, act.forward(ctx, in));
        const std::vector<float> ones(x.size(), 1.f);
        memory dy = plain_memory(ctx, dims, ones);
        const auto dx = to_plain(ctx, act.backward(ctx, dy));
        for (std::size_t i = 0; i < x.size(); ++i) {
            INFO("x = " << x[i]);
            REQUIRE(y[i] == Approx(info.f(x[i])).epsilon(1e-5).margin(1e-6));
            REQUIRE(dx[i] == Approx(info.df(x[i])).epsilon(1e-4).margin(1e-6));
        }
    }
}

TEST_CASE("every activation's gradient agrees with finite differences away from kinks", "[activation][gradient]") {
    Context ctx;
    Rng rng(41);
    const memory::dims dims{2, 16, 4, 4};
    for (const auto& info : activation_table()) {
        INFO("activation " << info.name);
        Activation act("act", info);
        act.build(ctx, plain_desc(dims), true);
        auto x = random_vector(logical_count(dims), rng, 2.0);
        for (auto& v : x)
            for (double k : info.kinks)
                if (std::abs(v - k) < 0.05) v = static_cast<float>(k + (v < k ? -0.05 : 0.05));
        check_layer_gradients(ctx, act, dims, x, 42, true, 1e-3);
    }
}

TEST_CASE("unknown activation names list the valid ones", "[activation]") {
    try {
        find_activation("relux");
        FAIL("expected an exception");
    } catch (const std::invalid_argument& e) {
        const std::string msg = e.what();
        CHECK(msg.find("relux") != std::string::npos);
        for (const auto& a : activation_table()) CHECK(msg.find(std::string(a.name)) != std::string::npos);
    }
}

TEST_CASE("the rectifier flag matches f: zero for every x <= 0", "[activation]") {
    for (const auto& info : activation_table()) {
        bool zero_below = true;
        for (double x = -5; x <= 0; x += 0.25) zero_below &= info.f(x) == 0.0;
        CHECK(info.rectifier == zero_below);
    }
}
