// Adaptive seeds' decision rule on synthetic data: its error rate under the null across rounds and
// comparisons, and how early it stops under an alternative.
#include "rng.hpp"
#include "sequential.hpp"

#include <catch2/catch.hpp>

using namespace actbench;

namespace {
// One simulated comparison: per seed, a seed effect both groups share (paired seeds) plus each group's own noise.
struct Simulated {
    std::vector<double> group, baseline;
};
Simulated simulate(Rng& rng, int seeds, double difference, double seed_sd, double noise_sd) {
    Simulated s;
    for (int i = 0; i < seeds; ++i) {
        const double shared = seed_sd * rng.normal();
        s.baseline.push_back(0.85 + shared + noise_sd * rng.normal());
        s.group.push_back(0.85 + difference + shared + noise_sd * rng.normal());
    }
    return s;
}
// Runs the rounds of `spec` over m comparisons; returns each comparison's decision and the seeds it used.
std::vector<std::pair<Decision, int>> sequence(const AdaptiveSpec& spec, const std::vector<Simulated>& data, double alpha) {
    const double per_test = alpha / (static_cast<double>(data.size()) * spec.rounds());
    std::vector<std::pair<Decision, int>> out(data.size(), {Decision::undecided, spec.max});
    for (std::size_t c = 0; c < data.size(); ++c)
        for (int round = 0; round < spec.rounds(); ++round) {
            const int n = spec.seeds_at(round);
            const std::vector<double> g(data[c].group.begin(), data[c].group.begin() + n), b(data[c].baseline.begin(), data[c].baseline.begin() + n);
            const Decision d = decide(g, b, true, per_test, spec.margin);
            if (d != Decision::undecided) {
                out[c] = {d, n};
                break;
            }
        }
    return out;
}
}  // namespace

TEST_CASE("the rounds' rule keeps the family-wise error at α under the null", "[sequential][statistics]") {
    // 4 comparisons that do not differ, 8 looks each (5, 10, …, 40 seeds): a false "better" or "worse" anywhere
    // must happen in at most α = 5% of the replicates, within Monte Carlo error (500 replicates: SE ≈ 1 point).
    const AdaptiveSpec spec{5, 40, 5, 0.005};
    Rng rng(2024);
    int families_with_error = 0;
    const int replicates = 500;
    for (int r = 0; r < replicates; ++r) {
        std::vector<Simulated> data;
        for (int c = 0; c < 4; ++c) data.push_back(simulate(rng, spec.max, 0.0, 0.01, 0.006));
        bool error = false;
        for (const auto& [decision, n] : sequence(spec, data, 0.05)) error |= decision == Decision::better || decision == Decision::worse;
        families_with_error += error;
    }
    const double rate = static_cast<double>(families_with_error) / replicates;
    CHECK(rate <= 0.05 + 3 * std::sqrt(0.05 * 0.95 / replicates));
}

TEST_CASE("under an alternative the rounds stop well before max; equal groups are found equivalent", "[sequential][statistics]") {
    const AdaptiveSpec spec{5, 40, 5, 0.005};
    Rng rng(7);
    int better = 0, seeds_used = 0, equivalent = 0;
    const int replicates = 200;
    for (int r = 0; r < replicates; ++r) {
        // A real difference of 0.01 with per-seed noise 0.006: decided long before 40 seeds.
        const auto [d, n] = sequence(spec, {simulate(rng, spec.max, 0.01, 0.01, 0.006)}, 0.05)[0];
        better += d == Decision::better;
        seeds_used += n;
        // No difference and little noise: equivalent within the 0.005 margin.
        equivalent += sequence(spec, {simulate(rng, spec.max, 0.0, 0.01, 0.002)}, 0.05)[0].first == Decision::equivalent;
    }
    CHECK(better > replicates * 0.95);
    CHECK(static_cast<double>(seeds_used) / replicates < 20);  // against 40 for the fixed design with max seeds
    CHECK(equivalent > replicates * 0.9);
    CHECK(spec.rounds() == 8);
    CHECK(spec.seeds_at(0) == 5);
    CHECK(spec.seeds_at(7) == 40);
    CHECK(AdaptiveSpec{3, 10, 4, 0.01}.rounds() == 3);  // 3, 7, 10
    CHECK(AdaptiveSpec{3, 10, 4, 0.01}.seeds_at(2) == 10);
}

TEST_CASE("paired groups that agree on every seed are decided at once", "[sequential][statistics]") {
    CHECK(decide({0.8, 0.7, 0.9}, {0.8, 0.7, 0.9}, true, 0.001, 0.005) == Decision::equivalent);
    CHECK(decide({0.81, 0.71, 0.91}, {0.8, 0.7, 0.9}, true, 0.001, 0.005) == Decision::better);
    CHECK(decide({0.8, 0.7, 0.9}, {0.8, 0.7, 0.9}, false, 0.001, 0.005) == Decision::undecided);  // unpaired: the spread decides
}
