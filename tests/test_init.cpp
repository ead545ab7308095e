#include "init.hpp"

#include <catch2/catch.hpp>

#include <cmath>

using namespace actbench;

TEST_CASE("each initialiser has the mean and variance of its formula", "[init]") {
    const double fan_in = 800, fan_out = 1600;
    for (const auto& info : init_table()) {
        INFO("init " << info.name);
        std::vector<float> w(200000);
        Rng rng(17);
        info.fill(w, fan_in, fan_out, rng);
        double s = 0, s2 = 0;
        for (float v : w) s += v, s2 += static_cast<double>(v) * v;
        const double mean = s / w.size(), var = s2 / w.size() - mean * mean;
        const double want_std = info.std_of(fan_in, fan_out);
        CHECK(std::abs(mean) < 5 * want_std / std::sqrt(static_cast<double>(w.size())));
        CHECK(std::sqrt(var) == Approx(want_std).epsilon(0.01));
        std::vector<float> again(w.size());
        Rng rng2(17);
        info.fill(again, fan_in, fan_out, rng2);
        CHECK(again == w);
    }
    CHECK(find_init("he_normal").std_of(50, 0) == Approx(0.2));
    CHECK(find_init("xavier_uniform").std_of(30, 70) == Approx(std::sqrt(2.0 / 100)));
}

TEST_CASE("xavier_uniform stays inside its bound", "[init]") {
    std::vector<float> w(10000);
    Rng rng(1);
    find_init("xavier_uniform").fill(w, 10, 14, rng);
    const double a = std::sqrt(6.0 / 24);
    for (float v : w) REQUIRE(std::abs(v) <= a);
}

TEST_CASE("unknown init names list the valid ones", "[init]") {
    CHECK_THROWS_WITH(find_init("kaiming"), Catch::Contains("he_normal") && Catch::Contains("xavier_uniform"));
}
