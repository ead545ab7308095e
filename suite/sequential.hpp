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

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace actbench {

struct AdaptiveSpec {
    int min = 5, max = 40, step = 5;
    double margin = 0.005;  // the equivalence margin, in test accuracy
    int rounds() const { return 1 + (max - min + step - 1) / step; }
    int seeds_at(int round) const { return std::min(max, min + round * step); }  // round 0, 1, …
};

enum class Decision { undecided, better, worse, equivalent };
const char* decision_name(Decision d);

// A comparison through the rounds: `group` and `baseline` map each seed to its final accuracy (finished seeds
// only); the looks are at the first seeds_at(r) seeds of `seeds` (the design's seed values, in order) for
// r = 0 … last_round. Returns the first decision and the seeds it took, or undecided with the last look's.
struct SequentialResult {
    Decision decision = Decision::undecided;
    int seeds = 0;
};
SequentialResult run_rounds(const AdaptiveSpec& spec, const std::vector<std::int64_t>& seeds, const std::map<std::int64_t, double>& group,
                            const std::map<std::int64_t, double>& baseline, bool paired, double alpha, int last_round);

// One look at a comparison: `group` and `baseline` hold the finished seeds' values, paired element by element
// when `paired` (same length), else independent samples; `alpha` is the per-test level α'.
Decision decide(const std::vector<double>& group, const std::vector<double>& baseline, bool paired, double alpha, double margin);

}  // namespace actbench
