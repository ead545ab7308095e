// Adaptive seeds' decision rule on synthetic data: its error rate under the null across rounds and
// comparisons, and how early it stops under an alternative.
#include "rng.hpp"
#include "stats/sequential.hpp"

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
            const std::vector<double> g(data[c].group.begin(), data[c].group.begin() + n),
                b(data[c].baseline.begin(), data[c].baseline.begin() + n);
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

TEST_CASE("under an alternative the rounds stop well before max — equal groups are found equivalent", "[sequential][statistics]") {
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

TEST_CASE("a diverged seed is an outcome: it counts against its group, and a comparison with one is never equivalent",
          "[sequential][statistics]") {
    // The identity on digits: 16 paired seeds, the 11 finished ones within ±0.001 of ReLU, 5 diverged. Before, the
    // rounds tested the 11 survivors and called the identity equivalent.
    const AdaptiveSpec spec{4, 16, 4, 0.005};
    std::vector<std::int64_t> seeds;
    SeedOutcomes relu, identity, survivors;
    for (std::int64_t s = 1; s <= 16; ++s) {
        seeds.push_back(s);
        const double base = 0.965 + 0.002 * static_cast<double>(s % 5);
        relu.add_finished(s, base);
        if (s % 3 == 0 && s <= 15) {
            identity.add_diverged(s);
        } else {
            identity.add_finished(s, base + (s % 2 ? 0.0004 : -0.0004));
            survivors.add_finished(s, base + (s % 2 ? 0.0004 : -0.0004));
        }
    }
    REQUIRE(identity.diverged.size() == 5);
    const double alpha = 0.05 / (21.0 * spec.rounds());
    // Without the diverged seeds the rule finds them equivalent (as it did before) ...
    CHECK(run_rounds(spec, seeds, survivors, relu, true, alpha, spec.rounds() - 1).decision == Decision::equivalent);
    // ... with them, never: they enter the test at the worst accuracy.
    const SequentialResult r = run_rounds(spec, seeds, identity, relu, true, alpha, spec.rounds() - 1);
    CHECK(r.decision != Decision::equivalent);
    CHECK(identity.accuracy.at(3) == kDivergedAccuracy);
    // A diverged baseline seed forbids equivalence too, even where the finished seeds agree exactly.
    SeedOutcomes same = relu, relu_diverged = relu;
    relu_diverged.add_diverged(2);
    same.add_diverged(2);
    CHECK(run_rounds(spec, seeds, same, relu_diverged, true, alpha, spec.rounds() - 1).decision == Decision::undecided);
    CHECK(run_rounds(spec, seeds, relu, relu, true, alpha, spec.rounds() - 1).decision == Decision::equivalent);
    CHECK(decide({0.9, 0.9, 0.9}, {0.9, 0.9, 0.9}, true, 0.001, 0.005, true) == Decision::undecided);
    // A diverged seed never helps its group: maxout on shapes, 0.12 behind ReLU on its finished seeds, stays "worse"
    // with two diverged seeds (at accuracy 0 alone they would inflate the variance and leave it undecided) ...
    SeedOutcomes worse, worse_diverged;
    for (std::int64_t s = 1; s <= 16; ++s) {
        worse.add_finished(s, relu.accuracy.at(s) - 0.12 + 0.01 * static_cast<double>(s % 3));
        if (s == 2 || s == 7)
            worse_diverged.add_diverged(s);
        else
            worse_diverged.add_finished(s, worse.accuracy.at(s));
    }
    CHECK(run_rounds(spec, seeds, worse, relu, true, alpha, spec.rounds() - 1).decision == Decision::worse);
    const SequentialResult w = run_rounds(spec, seeds, worse_diverged, relu, true, alpha, spec.rounds() - 1);
    CHECK(w.decision == Decision::worse);
    CHECK(w.seeds <= 8);
    // ... and a group better on its finished seeds is not "better" when it diverged on others.
    SeedOutcomes better_diverged;
    for (std::int64_t s = 1; s <= 16; ++s) {
        if (s == 2 || s == 7)
            better_diverged.add_diverged(s);
        else
            better_diverged.add_finished(s, relu.accuracy.at(s) + 0.02 + 0.001 * static_cast<double>(s % 3));
    }
    CHECK(run_rounds(spec, seeds, better_diverged, relu, true, alpha, spec.rounds() - 1).decision != Decision::better);
}

TEST_CASE("aliases: groups bit-identical on every shared seed of the first look are one function", "[sequential][statistics]") {
    SeedOutcomes swish, silu, relu, close, diverging, one_seed;
    for (std::int64_t s = 1; s <= 4; ++s) {
        const double acc = 0.88 + 0.001 * static_cast<double>(s), loss = 0.3 + 0.01 * static_cast<double>(s);
        swish.add_finished(s, acc, loss), silu.add_finished(s, acc, loss);
        relu.add_finished(s, acc - 0.01, loss + 0.02);
        // The same accuracy on every seed (the same count of correct images) but another loss: not an alias.
        close.add_finished(s, acc, std::nextafter(loss, 1.0));
        if (s == 3) diverging.add_diverged(s);
        else diverging.add_finished(s, acc, loss);
    }
    one_seed.add_finished(1, swish.accuracy.at(1), swish.train_loss.at(1));
    const std::vector<std::int64_t> first_look{1, 2, 3, 4};
    CHECK(same_function(swish, silu, first_look));
    CHECK_FALSE(same_function(swish, relu, first_look));
    CHECK_FALSE(same_function(swish, close, first_look));
    CHECK_FALSE(same_function(swish, diverging, first_look));  // one diverged where the other finished
    CHECK_FALSE(same_function(swish, one_seed, first_look));  // one shared seed is not evidence
    CHECK(same_function(swish, silu, {1, 2}));
    // Two functions that diverge on every seed (a rate too large for both) are not thereby one function; nor are two
    // that agree on a single finished seed beside diverged ones.
    SeedOutcomes blew_up, also_blew_up, mostly_blew_up, also_mostly;
    for (std::int64_t s = 1; s <= 4; ++s) {
        blew_up.add_diverged(s), also_blew_up.add_diverged(s);
        if (s == 1) mostly_blew_up.add_finished(s, 0.1, 2.3), also_mostly.add_finished(s, 0.1, 2.3);
        else mostly_blew_up.add_diverged(s), also_mostly.add_diverged(s);
    }
    CHECK_FALSE(same_function(blew_up, also_blew_up, first_look));
    CHECK_FALSE(same_function(mostly_blew_up, also_mostly, first_look));
    // The first name stands for the function; a third name points at the first, not the second.
    SeedOutcomes third = silu;
    CHECK(alias_of({&relu, &swish, &silu, &close, &third}, first_look) == std::vector<int>{-1, -1, 1, -1, 1});
}
