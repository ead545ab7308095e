#include "sequential.hpp"

#include "statistics.hpp"

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

Decision decide(const std::vector<double>& group, const std::vector<double>& baseline, bool paired, double alpha, double margin) {
    // Paired seeds can make two groups agree on every seed (two names for one function): no variance to test,
    // but no uncertainty either — the differences are exact.
    if (paired && group.size() >= 2 && group.size() == baseline.size()) {
        bool constant = true;
        for (std::size_t i = 1; i < group.size(); ++i) constant &= group[i] - baseline[i] == group[0] - baseline[0];
        if (constant) {
            const double d = group[0] - baseline[0];
            return std::abs(d) < margin ? Decision::equivalent : d > 0 ? Decision::better : Decision::worse;
        }
    }
    const Comparison c = paired ? paired_test(group, baseline) : welch_test(group, baseline);
    if (!c.valid) return Decision::undecided;
    if (c.p_value < alpha) return c.difference > 0 ? Decision::better : Decision::worse;
    // TOST: both one-sided tests at α, i.e. the (1 − 2α) interval inside (−margin, +margin).
    const double se = std::abs(c.t) > 0 ? std::abs(c.difference / c.t) : (c.ci_high - c.ci_low) / (2 * student_t_quantile(0.975, c.df));
    const double q = student_t_quantile(1 - alpha, c.df);
    if (c.difference - q * se > -margin && c.difference + q * se < margin) return Decision::equivalent;
    return Decision::undecided;
}

SequentialResult run_rounds(const AdaptiveSpec& spec, const std::vector<std::int64_t>& seeds, const std::map<std::int64_t, double>& group,
                            const std::map<std::int64_t, double>& baseline, bool paired, double alpha, int last_round) {
    SequentialResult result;
    for (int round = 0; round <= last_round && round < spec.rounds(); ++round) {
        const int n = spec.seeds_at(round);
        std::vector<double> g, b;
        for (int i = 0; i < n && i < static_cast<int>(seeds.size()); ++i) {
            const auto gi = group.find(seeds[static_cast<std::size_t>(i)]), bi = baseline.find(seeds[static_cast<std::size_t>(i)]);
            if (paired) {
                if (gi != group.end() && bi != baseline.end()) g.push_back(gi->second), b.push_back(bi->second);
            } else {
                if (gi != group.end()) g.push_back(gi->second);
                if (bi != baseline.end()) b.push_back(bi->second);
            }
        }
        result.seeds = n;
        result.decision = decide(g, b, paired, alpha, spec.margin);
        if (result.decision != Decision::undecided) break;
    }
    return result;
}

}  // namespace actbench
