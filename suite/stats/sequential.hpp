// Adaptive seeds: a group-sequential design. Seeds are added in rounds (min, min + step, …, max); after each
// round every comparison with the baseline that is decided stops, the others get the next round's seeds.
//
// The rule (per comparison, paired over the seeds both groups have, Welch's otherwise): *better* or *worse*
// when the two-sided test rejects at level α' = α / (m·K), *equivalent* when both one-sided tests of the
// two-one-sided-tests procedure (Schuirmann 1987) reject a difference of ±margin at α', else undecided. m is
// the number of comparisons and K the number of rounds the design allows: α is spent equally over the K looks
// and the m comparisons, so by the union bound the chance of any false "better", "worse" or "equivalent"
// anywhere in the sequence stays ≤ α — the Bonferroni special case of alpha spending (Lan & DeMets 1983),
// conservative but valid under any dependence between looks and comparisons.
#pragma once

#include "stats/statistics.hpp"

#include <cmath>
#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <vector>

namespace actbench {

struct AdaptiveSpec {
    int min = 5, max = 40, step = 5;
    double margin = 0.005;  // the equivalence margin, in test accuracy
    int confirm = 0;  // fresh seeds trained after the rounds for every decided comparison and its baseline
    int rounds() const { return 1 + (max - min + step - 1) / step; }
    int seeds_at(int round) const { return std::min(max, min + round * step); }  // round 0, 1, …
    // max + 1 … max + confirm: never a round's, the same for every group.
    std::vector<std::int64_t> confirmation_seeds() const;
};

enum class Decision { undecided, better, worse, equivalent };

// A group's outcomes by seed, as every comparison counts them: a finished seed's final test accuracy, and a
// diverged seed (NaN or infinite training loss) at kDivergedAccuracy, the worst outcome, with its seed in
// `diverged`. A diverged seed is an outcome, not missing data: dropping it would test the survivors (5 of the
// identity's 16 seeds on digits diverged, and the 11 left were called equivalent to ReLU). Failed seeds (an error,
// not a result) are absent.
//
// With a diverged seed among the looked-at seeds the rule looks twice, each at α'/2 (Bonferroni): at every seed's
// outcome, and at the seeds both sides finished. "Better" or "worse" at the outcomes stands; at the finished seeds
// only "worse" when the baseline diverged on none of them (dropping the group's diverged seeds can only have
// flattered it), or "better" when the group diverged on none. So a diverged seed never helps its group: the
// outcome 0 alone would inflate the variance and turn a clear "worse" (maxout on shapes) into "undecided". And a
// comparison with a diverged seed on either side is never "equivalent".
struct SeedOutcomes {
    std::map<std::int64_t, double> accuracy;
    std::map<std::int64_t, double> train_loss;  // a finished seed's final training loss: with the accuracy, its fingerprint
    std::set<std::int64_t> diverged;
    void add_finished(std::int64_t seed, double value, double loss = NAN) { accuracy[seed] = value, train_loss[seed] = loss; }
    void add_diverged(std::int64_t seed);
};
inline constexpr double kDivergedAccuracy = 0.0;
const char* decision_name(Decision d);

// Aliases: two names for one function (swish and silu, relu6 and clipped_relu, a variant equal to a built-in). With
// paired seeds their trials are bit-identical, so a comparison of each with the baseline would count one question
// twice: it would inflate the family m of the corrections (21 where comparison asks 19) and k of the rank tests.
// Two groups are aliases when, on every one of `seeds` that both stored (at least two), they agree bit for bit —
// the same final test accuracy and final training loss, or both diverged, and at least two of them finished in both
// (two functions that diverge everywhere are not thereby one). `seeds` are the first look's (an
// adaptive design's first min seeds, so that the runner knows m before its first decision) or a fixed design's
// all; a property of the functions, not of the effect, so deciding it from data spends no α. Independent seeds
// (seeds: independent) never alias: their draws differ.
bool same_function(const SeedOutcomes& a, const SeedOutcomes& b, const std::vector<std::int64_t>& seeds);
// For each group, the index of the first earlier group it aliases, or −1: the first name of a function stands for it.
std::vector<int> alias_of(const std::vector<const SeedOutcomes*>& groups, const std::vector<std::int64_t>& seeds);

// A comparison through the rounds: `group` and `baseline` hold each stored seed's outcome; the looks are at the first seeds_at(r) seeds of `seeds` (the design's seed values, in order) for
// r = 0 … last_round. Returns the first decision and the seeds it took, or undecided with the last look's.
struct SequentialResult {
    Decision decision = Decision::undecided;
    int seeds = 0;
    // With diverged seeds among the deciding look: which view decided, and at what level (α'/2 each). A report
    // shows the interval of that view, so that no verdict stands beside an interval that contradicts it.
    bool by_finished_seeds = false;
    double level_alpha = 0;  // the two-sided level of the deciding test (α', or α'/2 with diverged seeds)
    // The deciding look's test on the view that decided (every seed's outcome, or the seeds both finished); when
    // undecided, the last look's over every outcome. Its interval, widened to level_alpha, is the one the decision used.
    Comparison deciding;
};
SequentialResult run_rounds(const AdaptiveSpec& spec, const std::vector<std::int64_t>& seeds, const SeedOutcomes& group,
                            const SeedOutcomes& baseline, bool paired, double alpha, int last_round);

// One look at a comparison: `group` and `baseline` hold the seeds' outcomes, paired element by element when
// `paired` (same length), else independent samples; `alpha` is the per-test level α'. `any_diverged`: a seed of
// either side diverged, so the two cannot be equivalent.
Decision decide(const std::vector<double>& group, const std::vector<double>& baseline, bool paired, double alpha, double margin,
                bool any_diverged = false);

// Confirmation on fresh seeds. A decision taken where the rounds stopped is biased by the stopping: a comparison
// stops early when its first seeds happen to look extreme, so the effect measured on those seeds overstates the
// truth (Jennison & Turnbull 2000, ch. 8). K seeds trained after the decision, never used by a round and fixed
// in number in advance, give an effect and interval free of that selection. Paired over the confirmation seeds
// both sides stored, a diverged seed at kDivergedAccuracy. *better* is confirmed when the (1 − α) interval lies
// above 0, *worse* below 0, *equivalent* when the (1 − 2α) interval (TOST) lies inside ±margin and no seed
// diverged; α is the family's level split over the decisions being confirmed (Bonferroni).
struct Confirmation {
    int pairs = 0, diverged = 0;
    double difference = 0, low = 0, high = 0;  // the mean paired difference and its interval (valid when pairs ≥ 2)
    double level = 0;  // the interval's coverage
    bool confirmed = false;
};
Confirmation confirm_decision(Decision decision, const SeedOutcomes& group, const SeedOutcomes& baseline, double alpha, double margin);

}  // namespace actbench
