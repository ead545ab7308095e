// Report, stage 2's last step: what the rankings support, in sentences (Aggregate::findings) — the comparisons
// with the baseline, speed, the confirmation seeds — each naming its numbers.
#include "report/report_data.hpp"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <set>

namespace actbench {

using nlohmann::json;

namespace {

std::string fixed(double v, int digits) {  // with its sign: a difference
    char buf[32];
    std::snprintf(buf, sizeof buf, "%+.*f", digits, v);
    return buf;
}

std::string decimal(double v, int digits) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.*f", digits, v);
    return buf;
}

// One bound in `format`, with digits added (up to four) while the printed value sits on the reference or on its
// other side: an upper bound of 1.002 on a ratio printed "1.00" would read as an interval that reaches 1 but
// not past it, and a Δ of +0.00004 printed "+0.0000" as one that touches 0.
std::string bound_text(const char* format, double v, double reference) {
    if (!std::isfinite(v)) return "—";
    auto fmt = [](const char* f, double x) {
        char buf[64];
        std::snprintf(buf, sizeof buf, f, x);
        return std::string(buf);
    };
    std::string text = fmt(format, v);
    const char* dot = std::strchr(format, '.');
    if (!std::isfinite(reference) || v == reference || !dot) return text;
    char* rest = nullptr;
    const long digits = std::strtol(dot + 1, &rest, 10);
    for (long d = digits + 1; d <= digits + 4 && (std::stod(text) - reference) * (v - reference) <= 0; ++d)
        text = fmt((std::string(format, dot) + "." + std::to_string(d) + rest).c_str(), v);
    return text;
}

// "a (+0.012 [+0.004, +0.020]), b (…)": the largest differences first, at most five named.
std::string listed(std::vector<const RankedEntry*> entries, const std::string& axis_value_of_group_key) {
    std::stable_sort(entries.begin(), entries.end(), [](const RankedEntry* x, const RankedEntry* y) {
        return std::abs(x->vs_baseline.difference) > std::abs(y->vs_baseline.difference);
    });
    constexpr std::size_t kNamed = 5;
    const std::size_t more = entries.size() > kNamed ? entries.size() - kNamed : 0;
    if (more) entries.resize(kNamed);
    std::string out;
    for (std::size_t i = 0; i < entries.size(); ++i) {
        const RankedEntry& e = *entries[i];
        out += (i == 0 ? "" : i + 1 == entries.size() && !more ? " and " : ", ");
        const bool design = e.sequential && std::isfinite(e.design_ci.low);  // the interval the decision used
        out += "**" + value_text(e.group->values[axis_value_of_group_key]) + "** (" + fixed(e.vs_baseline.difference, 4) + " " +
            interval_text("%+.4f", design ? e.design_ci.low : e.vs_baseline.ci_low, design ? e.design_ci.high : e.vs_baseline.ci_high, 0) + ")";
    }
    if (more) out += " and " + std::to_string(more) + " more (the table below lists them)";
    return out;
}

// "**silu** = **swish**: one function under two names …", or nothing.
std::string alias_sentence(const Ranking& r, const std::string& axis) {
    std::vector<std::string> aliases;
    for (const RankedEntry& e : r.entries)
        if (e.alias_of) aliases.push_back("**" + value_text(e.group->values[axis]) + "** = **" + value_text(e.alias_of->values[axis]) + "**");
    if (aliases.empty()) return "";
    std::string text = " ";
    for (std::size_t i = 0; i < aliases.size(); ++i) text += (i == 0 ? "" : i + 1 == aliases.size() ? " and " : ", ") + aliases[i];
    return text + ": one function under two names (their trials are bit-identical on every seed), so each is compared once, "
                  "under its first name, and counted once in the corrections.";
}

// The sentences on one ranking's comparisons with its baseline: which values beat it, fall behind, are
// underpowered, within noise, untested, equivalent or undecided, and how the differences were tested.
std::string comparison_finding(const Aggregate& a, const Ranking& r) {
    const std::string& axis = a.compared_axis;
    std::vector<const RankedEntry*> better, worse, noise, underpowered, untested, equivalent, undecided, pending;
    int paired = 0, aliases = 0;
    for (const RankedEntry& e : r.entries) {
        aliases += e.alias_of != nullptr;
        if (e.verdict == RankedEntry::Verdict::better) better.push_back(&e);
        if (e.verdict == RankedEntry::Verdict::worse) worse.push_back(&e);
        if (e.verdict == RankedEntry::Verdict::within_noise) noise.push_back(&e);
        if (e.verdict == RankedEntry::Verdict::underpowered) underpowered.push_back(&e);
        if (e.verdict == RankedEntry::Verdict::not_tested && !e.is_baseline) untested.push_back(&e);
        if (e.verdict == RankedEntry::Verdict::equivalent) equivalent.push_back(&e);
        if (e.verdict == RankedEntry::Verdict::undecided) undecided.push_back(&e);
        if (e.verdict == RankedEntry::Verdict::pending) pending.push_back(&e);
        paired += e.paired;
    }
    const std::size_t compared = r.entries.size() - 1 - static_cast<std::size_t>(aliases);
    std::string text = alias_sentence(r, axis) + " Of the " + std::to_string(compared) + " other " + axis + " value(s) set against **" + a.baseline_text() + "** (" +
        decimal(r.baseline->stats.acc.mean, 4) + "), ";
    text += better.empty() ? std::string("none beats it")
                           : std::to_string(better.size()) + (better.size() == 1 ? " beats" : " beat") + " it: " + listed(better, axis);
    text += worse.empty()
        ? "; none falls behind it"
        : "; " + std::to_string(worse.size()) + (worse.size() == 1 ? " falls" : " fall") + " behind it: " + listed(worse, axis);
    text += ". ";
    if (!underpowered.empty()) {
        int fewest = INT_MAX, most = 0;
        for (const RankedEntry* e : underpowered)
            if (e->seeds_needed > 0) fewest = std::min(fewest, e->seeds_needed), most = std::max(most, e->seeds_needed);
        text += std::to_string(underpowered.size()) + (underpowered.size() == 1 ? " is" : " are") + " underpowered: " +
            (most == 0 ? std::string("their observed differences are too small to detect with any practical number of seeds")
                       : "detecting the observed difference" + std::string(underpowered.size() == 1 ? "" : "s") +
                     " with 80% power would take about " +
                     (fewest == most ? std::to_string(most) : std::to_string(fewest) + "–" + std::to_string(most)) + " seeds per group") +
            " — no verdict either way. ";
    }
    if (!noise.empty())
        text += std::to_string(noise.size()) + (noise.size() == 1 ? " is" : " are") +
            " not distinguished from it although the seeds would have sufficed for the observed difference — which "
            "still does not show that they are equal. ";
    if (!untested.empty())
        text += std::to_string(untested.size()) + " could not be tested (fewer than two finished seeds on a side, or no variance). ";
    if (!equivalent.empty())
        text += std::to_string(equivalent.size()) + (equivalent.size() == 1 ? " is" : " are") +
            " equivalent to it within the margin: " + listed(equivalent, axis) + ". ";
    if (!undecided.empty())
        text += std::to_string(undecided.size()) + (undecided.size() == 1 ? " is" : " are") +
            " still undecided at the most seeds the design allows — no verdict either way. ";
    if (!pending.empty())
        text += std::to_string(pending.size()) + (pending.size() == 1 ? " is" : " are") +
            " undecided after the rounds stored so far, with fewer seeds than the design allows: the run has rounds to go "
            "(rerun its command to resume) — no verdict yet. ";
    std::string diverged;
    int with_diverged = 0;
    for (const RankedEntry& e : r.entries)
        if (e.group->stats.diverged > 0)
            diverged += std::string(with_diverged++ ? ", " : "") + "**" + value_text(e.group->values[axis]) + "** (" +
                std::to_string(e.group->stats.diverged) + " of " + std::to_string(e.group->trials.size()) + ")";
    if (with_diverged > 0)
        text += "Seeds diverged in " + diverged +
            "; each counts at accuracy 0, the worst outcome, in every comparison, and a value with a "
            "diverged seed is never called equivalent. ";
    const std::string tested_how =
        paired > 0 ? "paired over the seeds both groups stored (common random numbers)" : "by Welch's t-test (the seeds are not paired)";
    if (a.adaptive)
        text += "Differences are in final test accuracy, " + tested_how +
            ", with the repeated confidence intervals the rounds decided by, at " + decimal(100 * a.design_level, 2) +
            "% (1 − α/(m·K) for " + std::to_string(a.comparisons) + " comparisons and " + std::to_string(a.adaptive->rounds()) +
            " looks: valid wherever the design stopped, unlike a fixed-sample 95% interval or p).";
    else
        text += "Differences are in final test accuracy (with their 95% intervals), " + tested_how + ", " +
            (a.adjustment == "bh" ? "Benjamini–Hochberg" : "Holm") + "-adjusted over the report's " + std::to_string(a.comparisons) +
            " comparisons at α = 0.05.";
    return text;
}

std::string fmt_p(double p) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.2g", p);
    return buf;
}

// The sentence on one ranking's speed against its baseline: which values reach the training-error target sooner
// or later (sign test, adjusted over the speed family); "" when nothing was timed (no paired seeds).
std::string speed_finding(const Aggregate& a, const Ranking& r) {
    std::vector<const RankedEntry*> sooner, later;
    int tested = 0;
    for (const RankedEntry& e : r.entries) {
        if (!e.speed.tested()) continue;
        ++tested;
        if (e.speed.p_adjusted < a.alpha) (e.speed.sooner > e.speed.later ? sooner : later).push_back(&e);
    }
    if (tested == 0) return "";
    // "a (0.84× the steps, 16 of 16 seeds), b (…)": the most certain first, at most five named.
    auto names = [&](std::vector<const RankedEntry*> v) {
        std::stable_sort(v.begin(), v.end(),
                         [](const RankedEntry* x, const RankedEntry* y) { return x->speed.p_adjusted < y->speed.p_adjusted; });
        constexpr std::size_t kNamed = 5;
        std::string out;
        for (std::size_t i = 0; i < std::min(v.size(), kNamed); ++i) {
            const RankedEntry::Speed& sp = v[i]->speed;
            out += std::string(i == 0 ? "" : ", ") + "**" + value_text(v[i]->group->values[a.compared_axis]) + "** (" +
                (std::isfinite(sp.ratio) ? decimal(sp.ratio, 2) + "× the steps, " : std::string()) +
                std::to_string(std::max(sp.sooner, sp.later)) + " of " + std::to_string(sp.pairs) + " seeds)";
        }
        if (v.size() > kNamed) out += " and " + std::to_string(v.size() - kNamed) + " more";
        return out;
    };
    std::string text = " To the training-error target of " + decimal(a.target, 2) + ", against **" + a.baseline_text() + "**: ";
    const int rest = tested - static_cast<int>(sooner.size() + later.size());
    if (sooner.empty() && later.empty()) {
        text += tested == 1 ? "not told apart" : "none of the " + std::to_string(tested) + " is told apart";
    } else {
        text += sooner.empty() ? std::string("none gets there sooner") : std::to_string(sooner.size()) + " sooner, " + names(sooner);
        text += later.empty() ? "; none later" : "; " + std::to_string(later.size()) + " later, " + names(later);
        if (rest > 0) text += "; " + std::to_string(rest) + " not distinguished";
    }
    // A sign test over n untied pairs has no p below 2·0.5ⁿ: with too few seeds even a clean sweep misses the family's
    // strictest threshold α/m, so "not distinguished" there says nothing about speed (comparisons the adaptive rounds
    // stopped at 8 seeds, against 21 comparisons: 0.0078 > 0.0024).
    const double strictest = a.alpha / static_cast<double>(std::max<std::size_t>(a.speed_comparisons, 1));
    int undecidable = 0, fewest = INT_MAX;
    for (const RankedEntry& e : r.entries) {
        if (!e.speed.tested() || e.speed.p_adjusted < a.alpha) continue;
        const int n = e.speed.sooner + e.speed.later;
        if (2 * std::pow(0.5, n) >= strictest) ++undecidable, fewest = std::min(fewest, n);
    }
    if (undecidable > 0) {
        int needed = 1;
        while (2 * std::pow(0.5, needed) >= strictest) ++needed;
        text += std::string(sooner.empty() && later.empty() ? "; " : "; of these, ") + std::to_string(undecidable) +
            " could not be decided at their seeds (as few as " + std::to_string(fewest) + " untied pairs, smallest attainable p " +
            fmt_p(2 * std::pow(0.5, fewest)) + " against the family's strictest threshold α/m = " + fmt_p(strictest) + "; " +
            std::to_string(needed) + " pairs would be needed) — not a finding of equal speed";
    }
    text += " (the sign test over paired seeds, a trial that never got there the slower of its pair, " +
        std::string(a.adjustment == "bh" ? "Benjamini–Hochberg" : "Holm") + "-adjusted over the report's " +
        std::to_string(a.speed_comparisons) + " speed comparisons; the Convergence section has each).";
    return text;
}

// The sentence on adaptive.confirm: how many decisions the fresh seeds confirmed, which not, which wait.
std::string confirmation_finding(const Aggregate& a) {
    std::vector<std::string> confirmed, not_confirmed, waiting;
    for (const Ranking& r : a.rankings)
        for (const RankedEntry& e : r.entries) {
            if (!e.confirming) continue;
            const std::string name =
                "**" + value_text(e.group->values[a.compared_axis]) + "**" + (r.context_label.empty() ? "" : " (" + r.context_label + ")");
            if (e.confirmation.pairs < a.adaptive->confirm) {
                waiting.push_back(name + " (" + std::to_string(e.confirmation.pairs) + " of " + std::to_string(a.adaptive->confirm) + ")");
                continue;
            }
            const std::string effect = name + " " + fixed(e.confirmation.difference, 4) + " " +
                interval_text("%+.4f", e.confirmation.low, e.confirmation.high, 0);
            (e.confirmation.confirmed ? confirmed : not_confirmed).push_back(effect);
        }
    auto joined = [](const std::vector<std::string>& v) {
        std::string out;
        for (std::size_t i = 0; i < v.size(); ++i) out += (i == 0 ? "" : i + 1 == v.size() ? " and " : ", ") + v[i];
        return out;
    };
    const std::size_t total = confirmed.size() + not_confirmed.size() + waiting.size();
    std::string text = "Confirmation on " + std::to_string(a.adaptive->confirm) + " fresh paired seeds (" +
        std::to_string(a.adaptive->max + 1) + "–" + std::to_string(a.adaptive->max + a.adaptive->confirm) +
        ", used by no round), the effect measured on them alone, free of the bias of where the rounds stopped: ";
    if (total == 0) return text + "no comparison was decided, so none is confirmed.";
    text += std::to_string(confirmed.size()) + " of " + std::to_string(total) + " decisions confirmed";
    if (!confirmed.empty()) text += " — " + joined(confirmed);
    text += ". ";
    if (!not_confirmed.empty())
        text += "**Not confirmed**: " + joined(not_confirmed) + " — the fresh seeds' interval does not " +
            "exclude 0 (better, worse) or leaves ±" + decimal(a.adaptive->margin, 3) + " (equivalent). ";
    if (!waiting.empty()) text += "Still to train (confirmation seeds stored): " + joined(waiting) + ". ";
    return text + "Each interval is at " + decimal(100 * (1 - a.confirmation_alpha), 2) + "% (α = 0.05 over the " + std::to_string(total) +
        " decisions; an equivalence at the TOST's 1 − 2α), paired over the fresh seeds, a diverged seed at accuracy 0.";
}

// Where the equivalence margin comes from, and its size against this study's noise: it is the config's stated
// choice (adaptive.margin, 0.005 unless set), not estimated from the data, so the reader is told what it means here.
std::string margin_origin(const Aggregate& a) {
    std::vector<double> spreads;
    for (const Ranking& r : a.rankings)
        if (r.baseline && r.baseline->stats.acc.n > 1) spreads.push_back(r.baseline->stats.acc.std);
    std::string text = "the config's `adaptive.margin`, a stated choice rather than one estimated from these data";
    if (spreads.empty()) return text;
    const double spread = summarise(spreads).median;
    return text + ": " + decimal(a.adaptive->margin / spread, 1) + "× " + a.baseline_text() + "'s seed-to-seed standard deviation of " +
        decimal(spread, 4) + (spreads.size() > 1 ? " (the median over its " + std::to_string(spreads.size()) + " contexts)" : "");
}

// What one ranking supports: its leader and, against the baseline, its verdicts.
std::string ranking_finding(const Aggregate& a, const Ranking& r) {
    const std::string where = r.context_label.empty() ? "" : "With " + r.context_label + ": ";
    const RankedEntry& top = r.entries.front();
    std::string leaders = "**" + value_text(top.group->values[a.compared_axis]) + "**";
    std::size_t tied = 1;
    for (; tied < r.entries.size() && r.entries[tied].rank == 1; ++tied)
        leaders += (tied + 1 < r.entries.size() && r.entries[tied + 1].rank == 1 ? ", **" : " and **") +
            value_text(r.entries[tied].group->values[a.compared_axis]) + "**";
    const bool any_diverged =
        std::any_of(r.entries.begin(), r.entries.end(), [](const RankedEntry& e) { return e.group->stats.diverged > 0; });
    // A leader at chance is no leader: dead_lr at lr 0.2 "led" with ReLU's 0.1010 where every group guessed.
    if (at_chance(a, top.group->stats.outcome_mean()))
        return where + (where.empty() ? "Every" : "every") + " group is at or near chance (the best mean final test accuracy, " +
            decimal(top.group->stats.outcome_mean(), 4) + ", is within 1.5× of 1/" +
            std::to_string(a.config.value("dataset", json::object()).value("classes", 0)) +
            "): nothing here learned, so there is no leader." + (a.baseline.is_null() || !r.baseline ? "" : comparison_finding(a, r));
    std::string text = where + (where.empty() ? "The" : "the") + " highest mean final test accuracy" +
        (any_diverged ? " (a diverged seed counted at 0)" : "") + " is " + leaders + (tied > 1 ? "'s, shared exactly, " : "'s, ") +
        (top.group->stats.acc.n ? decimal(top.group->stats.outcome_mean(), 4) : std::string("—")) + " over " +
        std::to_string(top.group->stats.acc.n + top.group->stats.diverged) + " seed(s).";
    if (a.baseline.is_null()) return text;  // said once, after the contexts
    if (!r.baseline)
        return text + " No " + a.baseline_text() + " group shares these settings, so nothing here is compared with the baseline.";
    return text + comparison_finding(a, r) + speed_finding(a, r);
}


}  // namespace

bool at_chance(const Aggregate& a, double accuracy) {
    const int classes = a.config.value("dataset", json::object()).value("classes", 0);
    return classes > 1 && accuracy <= 1.5 / classes;
}

// dead_lr's finding (ReLU's dead fraction 0.04 → 0.15 → 0.74) is a trend along the rates, not a leader.
std::string dead_by_rate_finding(const Aggregate& a) {
    const auto column = std::find(a.columns.begin(), a.columns.end(), "train.lr");
    if (a.tune_axis == "train.lr" || column == a.columns.end()) return "";
    std::vector<double> rates;
    for (const json& v : a.column_values[static_cast<std::size_t>(column - a.columns.begin())])
        if (v.is_number()) rates.push_back(v.get<double>());
    if (rates.size() < 2) return "";
    std::sort(rates.begin(), rates.end());
    std::vector<std::string> order;
    std::map<std::string, std::map<double, const Group*>> chains;
    for (const Group& g : a.groups) {
        std::string label = "**" + value_text(g.values[a.compared_axis]) + "**";
        const std::string others = a.context_text(g.values, {a.compared_axis, "train.lr"});
        if (!others.empty()) label += " (" + others + ")";
        if (!chains.count(label)) order.push_back(label);
        chains[label][g.values.value("train.lr", json()).is_number() ? g.values["train.lr"].get<double>() : NAN] = &g;
    }
    std::string text, rate_text;
    bool any = false;
    for (double r : rates) rate_text += (rate_text.empty() ? "" : " → ") + value_text(json(r));
    for (const std::string& label : order) {
        std::string chain;
        bool inactive = false;
        for (double r : rates) {
            const auto it = chains[label].find(r);
            const GroupStats* st = it == chains[label].end() ? nullptr : &it->second->stats;
            const std::vector<double>* flat = !st ? nullptr : !st->dead.empty() ? &st->dead : &st->inactive;
            inactive |= st && st->dead.empty() && !st->inactive.empty();
            any |= flat && !flat->empty();
            chain += (chain.empty() ? "" : " → ") + (flat && !flat->empty() ? decimal(summarise(*flat).mean, 2) : std::string("—"));
        }
        text += (text.empty() ? "" : "; ") + label + (inactive ? " (inactive)" : "") + " " + chain;
    }
    if (!any) return "";
    return "Dead units against the learning rate (train.lr " + rate_text +
        "; the final fraction of units dead on every probe image — *inactive* for functions whose gradient is never exactly 0 "
        "— mean over the seeds that finished; — where none did): " + text + ".";
}

std::string interval_text(const char* format, double low, double high, double reference) {
    std::string text(1, '[');  // appended, not "[" + …: GCC 12's -Wrestrict false positive on the out-of-line copy
    text += bound_text(format, low, reference);
    text += ", ";
    text += bound_text(format, high, reference);
    return text + "]";
}

// What the rankings support, in sentences.
void write_findings(Aggregate& a) {
    for (const Ranking& r : a.rankings)
        if (!r.entries.empty()) a.findings.push_back(spans(ranking_finding(a, r)));
    if (const std::string dead = dead_by_rate_finding(a); !dead.empty()) a.findings.push_back(spans(dead));
    if (a.baseline.is_null())
        a.findings.push_back(
            spans("The config names no `baseline:`, so no difference is tested: the ranking orders means, and their "
                  "intervals (below) say how far apart they are. Set `baseline: VALUE` (an activation) or "
                  "`baseline: {AXIS: VALUE}` to test every other value against one."));
    if (std::isfinite(a.pairing_ratio_median))
        a.findings.push_back(spans("Pairing by seed: the " + std::to_string(a.pairing_count) +
                                   " paired intervals of the differences are a median " + decimal(a.pairing_ratio_median, 2) + " (" +
                                   decimal(a.pairing_ratio_min, 2) + "–" + decimal(a.pairing_ratio_max, 2) +
                                   ") of the width Welch's unpaired intervals would have on the same trials."));
    if (a.adaptive) {
        int decided = 0, comparisons = 0;
        for (const Ranking& r : a.rankings)
            for (const RankedEntry& e : r.entries)
                if (e.sequential)
                    comparisons += 1, decided += e.verdict != RankedEntry::Verdict::undecided && e.verdict != RankedEntry::Verdict::pending;
        a.findings.push_back(spans("Adaptive seeds (" + std::to_string(a.adaptive->min) + " to " + std::to_string(a.adaptive->max) +
                                   " in steps of " + std::to_string(a.adaptive->step) + "): " + std::to_string(decided) + " of " +
                                   std::to_string(comparisons) + " comparisons were decided — better, worse, or equivalent within ±" +
                                   decimal(a.adaptive->margin, 3) + " (" + margin_origin(a) + ") — by α = 0.05 spent over " +
                                   std::to_string(a.adaptive->rounds()) +
                                   " rounds and " + std::to_string(comparisons) + " comparisons; the rounds ran " +
                                   std::to_string(a.adaptive_trials) + " trials where a fixed design with " +
                                   std::to_string(a.adaptive->max) + " seeds per group would use " + std::to_string(a.fixed_design_trials) +
                                   ". The verdicts below are the rounds' decisions, with the intervals they used."));
        if (a.adaptive->confirm > 0) a.findings.push_back(spans(confirmation_finding(a)));
    }
    int censored = 0, with_diverged = 0;
    for (const Group& g : a.groups) {
        censored += std::isinf(g.stats.median_steps_to_target);
        with_diverged += g.stats.diverged > 0;
    }
    if (censored > 0)
        a.findings.push_back(spans(std::to_string(censored) + " group(s) did not reach the training-error target of " +
                                   decimal(a.target, 2) + " in their median seed within " + std::to_string(a.epochs) +
                                   " epoch(s): their convergence shows as *> max* (censored, not dropped)."));
    if (a.diverged > 0)
        a.findings.push_back(spans(std::to_string(a.diverged) + " trial(s) in " + std::to_string(with_diverged) +
                                   " group(s) diverged (a NaN or infinite training loss); they count in *diverged* and are left out of "
                                   "the means, so those groups' means are over fewer seeds."));
    a.findings.push_back(spans("What this does not say: these are orderings at this budget — " + std::to_string(a.epochs) +
                               " epoch(s), this model, this dataset, " +
                               (a.tune_axis.empty() ? std::string("one learning rate per group unless `train.lr` is an axis")
                                                    : "`" + a.tune_axis + "` tuned per cell within the grid tried") +
                               " — not "
                               "the merit of one " +
                               a.compared_axis + " in general, nor the absolute numbers of the papers."));
}

}  // namespace actbench
