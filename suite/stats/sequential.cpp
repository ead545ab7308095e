#include "stats/sequential.hpp"

#include "stats/statistics.hpp"

#include <bit>
#include <cmath>

namespace actbench {

const char* decision_name(Decision d) {
    switch (d) {
        case Decision::undecided: return "undecided";
        case Decision::better: return "better";
        case Decision::worse: return "worse";
        case Decision::equivalent: return "equivalent";
    }
    return "";
}

std::vector<std::int64_t> AdaptiveSpec::confirmation_seeds() const {
    std::vector<std::int64_t> seeds;
    for (int k = 1; k <= confirm; ++k) seeds.push_back(max + k);
    return seeds;
}

Confirmation confirm_decision(Decision decision, const SeedOutcomes& group, const SeedOutcomes& baseline, double alpha, double margin) {
    Confirmation c;
    std::vector<double> d;
    for (const auto& [seed, value] : group.accuracy)
        if (const auto b = baseline.accuracy.find(seed); b != baseline.accuracy.end()) {
            d.push_back(value - b->second);
            c.diverged += static_cast<int>(group.diverged.count(seed) + baseline.diverged.count(seed));
        }
    c.pairs = static_cast<int>(d.size());
    if (c.pairs < 2 || decision == Decision::undecided) return c;
    double mean = 0, ss = 0;
    for (double x : d) mean += x;
    mean /= static_cast<double>(d.size());
    for (double x : d) ss += (x - mean) * (x - mean);
    const double se = std::sqrt(ss / static_cast<double>(d.size() - 1) / static_cast<double>(d.size()));
    const bool equivalence = decision == Decision::equivalent;
    c.level = equivalence ? 1 - 2 * alpha : 1 - alpha;
    const double q = student_t_quantile(equivalence ? 1 - alpha : 1 - alpha / 2, static_cast<double>(d.size() - 1));
    c.difference = mean, c.low = mean - q * se, c.high = mean + q * se;
    c.confirmed = decision == Decision::better ? c.low > 0
        : decision == Decision::worse          ? c.high < 0
                                               : c.diverged == 0 && c.low > -margin && c.high < margin;
    return c;
}

void SeedOutcomes::add_diverged(std::int64_t seed) {
    accuracy[seed] = kDivergedAccuracy;
    diverged.insert(seed);
}

bool same_function(const SeedOutcomes& a, const SeedOutcomes& b, const std::vector<std::int64_t>& seeds) {
    auto bits = [](const std::map<std::int64_t, double>& m, std::int64_t seed) {  // 0.1 + 0.2 is not 0.3 here
        const auto it = m.find(seed);
        return it == m.end() ? std::uint64_t{1} : std::bit_cast<std::uint64_t>(it->second);
    };
    int compared = 0;
    for (const std::int64_t seed : seeds) {
        if (!a.accuracy.count(seed) || !b.accuracy.count(seed)) continue;
        if (a.diverged.count(seed) != b.diverged.count(seed)) return false;
        if (a.diverged.count(seed)) continue;  // two diverged seeds say nothing of the functions (both blew up)
        if (bits(a.accuracy, seed) != bits(b.accuracy, seed) || bits(a.train_loss, seed) != bits(b.train_loss, seed)) return false;
        ++compared;
    }
    return compared >= 2;
}

std::vector<int> alias_of(const std::vector<const SeedOutcomes*>& groups, const std::vector<std::int64_t>& seeds) {
    std::vector<int> of(groups.size(), -1);
    for (std::size_t i = 0; i < groups.size(); ++i)
        for (std::size_t j = 0; j < i && of[i] < 0; ++j)
            if (of[j] < 0 && same_function(*groups[i], *groups[j], seeds)) of[i] = static_cast<int>(j);
    return of;
}

Decision decide(const std::vector<double>& group, const std::vector<double>& baseline, bool paired, double alpha, double margin,
                bool any_diverged) {
    // Paired seeds can make two groups agree on every seed (two names for one function): no variance to test,
    // but no uncertainty either — the differences are exact.
    if (paired && group.size() >= 2 && group.size() == baseline.size()) {
        bool constant = true;
        for (std::size_t i = 1; i < group.size(); ++i) constant &= group[i] - baseline[i] == group[0] - baseline[0];
        if (constant) {
            const double d = group[0] - baseline[0];
            if (std::abs(d) >= margin) return d > 0 ? Decision::better : Decision::worse;
            return any_diverged ? Decision::undecided : Decision::equivalent;
        }
    }
    const Comparison c = paired ? paired_test(group, baseline) : welch_test(group, baseline);
    if (!c.valid) return Decision::undecided;
    if (c.p_value < alpha) return c.difference > 0 ? Decision::better : Decision::worse;
    // TOST: both one-sided tests at α, i.e. the (1 − 2α) interval inside (−margin, +margin).
    const double se = std::abs(c.t) > 0 ? std::abs(c.difference / c.t) : (c.ci_high - c.ci_low) / (2 * student_t_quantile(0.975, c.df));
    const double q = student_t_quantile(1 - alpha, c.df);
    if (!any_diverged && c.difference - q * se > -margin && c.difference + q * se < margin) return Decision::equivalent;
    return Decision::undecided;
}

namespace {
// One look with diverged seeds among it: the two views of sequential.hpp. Sets `by_finished` when the finished
// seeds' view decided.
Decision decide_with_diverged(const std::vector<double>& g, const std::vector<double>& b, const std::vector<double>& g_finished,
                              const std::vector<double>& b_finished, bool paired, double alpha, double margin, bool group_diverged,
                              bool baseline_diverged, bool& by_finished) {
    by_finished = false;
    const Decision all = decide(g, b, paired, alpha / 2, margin, true);
    if (all != Decision::undecided) return all;
    const Decision finished = decide(g_finished, b_finished, paired, alpha / 2, margin, true);
    by_finished = (finished == Decision::worse && !baseline_diverged) || (finished == Decision::better && !group_diverged);
    return by_finished ? finished : Decision::undecided;
}
}  // namespace

SequentialResult run_rounds(const AdaptiveSpec& spec, const std::vector<std::int64_t>& seeds, const SeedOutcomes& group,
                            const SeedOutcomes& baseline, bool paired, double alpha, int last_round) {
    SequentialResult result;
    for (int round = 0; round <= last_round && round < spec.rounds(); ++round) {
        const int n = spec.seeds_at(round);
        std::vector<double> g, b, g_finished, b_finished;
        bool group_diverged = false, baseline_diverged = false;
        for (int i = 0; i < n && i < static_cast<int>(seeds.size()); ++i) {
            const std::int64_t seed = seeds[static_cast<std::size_t>(i)];
            const auto gi = group.accuracy.find(seed), bi = baseline.accuracy.find(seed);
            const bool in_g = gi != group.accuracy.end(), in_b = bi != baseline.accuracy.end();
            const bool g_div = in_g && group.diverged.count(seed), b_div = in_b && baseline.diverged.count(seed);
            if (paired && (!in_g || !in_b)) continue;
            if (in_g) g.push_back(gi->second);
            if (in_b) b.push_back(bi->second);
            if (paired ? !g_div && !b_div : in_g && !g_div) g_finished.push_back(gi->second);
            if (paired ? !g_div && !b_div : in_b && !b_div) b_finished.push_back(bi->second);
            group_diverged |= g_div, baseline_diverged |= b_div;
        }
        result.seeds = n;
        const bool diverged = group_diverged || baseline_diverged;
        result.level_alpha = diverged ? alpha / 2 : alpha;
        result.decision = diverged ? decide_with_diverged(g, b, g_finished, b_finished, paired, alpha, spec.margin, group_diverged,
                                                          baseline_diverged, result.by_finished_seeds)
                                   : decide(g, b, paired, alpha, spec.margin);
        const std::vector<double>&x = result.by_finished_seeds ? g_finished : g, &y = result.by_finished_seeds ? b_finished : b;
        result.deciding = paired ? paired_test(x, y) : welch_test(x, y);
        if (result.decision != Decision::undecided) break;
    }
    return result;
}

}  // namespace actbench
