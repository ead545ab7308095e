// Report, stage 2: trials → groups (one per combination of the axes but the seed), each group's statistics
// computed once, and the ranking of the compared axis's values against the baseline, with the sentences it
// supports. Renderers only format what is here.
#include "report/report_data.hpp"
#include "rng.hpp"  // fnv1a64: the bootstrap seeds

#include <algorithm>
#include <climits>
#include <cstdio>
#include <map>
#include <optional>
#include <set>

namespace actbench {

using nlohmann::json;

namespace {

// Position of `value` on an axis of the config, so groups follow the config's order.
std::size_t axis_rank(const json& axis, const json& value) {
    if (axis.is_array())
        for (std::size_t i = 0; i < axis.size(); ++i)
            if (axis[i] == value) return i;
    return SIZE_MAX;
}

double median_of(std::vector<double> v) { return v.empty() ? NAN : summarise(std::move(v)).median; }

// A summary field of the trial, when it is a number.
bool number(const TrialRecord& t, const char* name, double& out) {
    const auto it = t.summary.find(name);
    if (it == t.summary.end() || !it->is_number()) return false;
    out = it->get<double>();
    return true;
}

GroupStats group_stats(const std::vector<const TrialRecord*>& trials) {
    GroupStats s;
    std::vector<double> epochs_to, seconds_to, ips, train_s, eval_s;
    for (const TrialRecord* t : trials) {
        for (const json& row : t->timing) {  // wall clock, every status: what the trials cost
            if (row.contains("train_images_per_second")) ips.push_back(row["train_images_per_second"].get<double>());
            if (row.contains("train_seconds")) train_s.push_back(row["train_seconds"].get<double>());
            eval_s.push_back(row["eval_seconds"].get<double>());
        }
        const std::int64_t seed = t->summary["axes"].value("seed", std::int64_t{0});
        if (t->status() == TrialStatus::diverged) ++s.diverged, s.by_seed.add_diverged(seed);
        if (t->status() == TrialStatus::failed) ++s.failed;
        if (!t->ok()) continue;
        ++s.finished;
        double v = 0;
        const double acc = t->summary["final_test_accuracy"].get<double>();
        s.accuracy.push_back(acc);
        s.accuracy_seeds.push_back(seed);
        s.by_seed.add_finished(seed, acc, t->summary.value("final_train_loss", json(NAN)).get<double>());
        s.best.push_back(t->summary["best_test_accuracy"].get<double>());
        // Training accuracy: the running mean over the last epoch's mini-batches (as the model changed during it).
        if (t->metrics.back().contains("train_accuracy")) {
            s.train_accuracy.push_back(t->metrics.back()["train_accuracy"].get<double>());
            s.gap.push_back(s.train_accuracy.back() - acc);
        }
        if (number(*t, "final_val_accuracy", v)) s.validation.push_back(v);
        if (number(*t, "train_loss_auc", v)) s.loss_auc.push_back(v);
        if (number(*t, "final_train_loss", v)) s.final_loss.push_back(v);
        if (number(*t, "zero_fraction_init", v)) s.zero_init.push_back(v);
        if (number(*t, "zero_fraction_final", v)) s.zero_final.push_back(v);
        if (number(*t, "dead_fraction_final", v)) s.dead.push_back(v);
        if (number(*t, "inactive_fraction_final", v)) s.inactive.push_back(v);
        if (number(*t, "saturated_fraction_final", v)) s.saturated.push_back(v);
        if (number(*t, "grad_ratio_first_step", v)) s.grad_ratio_first.push_back(v);
        if (t->metrics.back().value("grad_ratio", json()).is_number())
            s.grad_ratio_last.push_back(t->metrics.back()["grad_ratio"].get<double>());
        // A trial that never reached the target is censored: it sorts above every reached one, never dropped.
        const bool hit = t->summary["epochs_to_target"].is_number();
        s.reached += hit;
        epochs_to.push_back(hit ? t->summary["epochs_to_target"].get<double>() : INFINITY);
        s.steps.push_back(hit ? t->summary["steps_to_target"].get<double>() : INFINITY);
        // Seconds: the training time of the epochs up to and including the one that reached the target.
        double seconds = INFINITY;
        if (hit) {
            seconds = 0;
            for (const json& row : t->timing)
                if (row["epoch"].get<double>() >= 1 && row["epoch"].get<double>() <= t->summary["epochs_to_target"].get<double>())
                    seconds += row.value("train_seconds", 0.0);
        }
        seconds_to.push_back(seconds);
    }
    s.acc = summarise(s.accuracy);
    s.outcomes = s.accuracy;
    s.outcomes.insert(s.outcomes.end(), static_cast<std::size_t>(s.diverged), -INFINITY);
    s.median_epochs_to_target = median_of(epochs_to);
    s.median_steps_to_target = median_of(s.steps);
    s.median_seconds_to_target = median_of(seconds_to);
    s.images_per_second = mean_of(ips);
    s.train_seconds = mean_of(train_s);
    s.eval_seconds = mean_of(eval_s);
    return s;
}

// The difference over the pooled standard deviation of the two groups (Cohen's d), for the power estimate.
double standardised_difference(const std::vector<double>& a, double difference, const std::vector<double>& b) {
    const Summary sa = summarise(a), sb = summarise(b);
    if (sa.n < 2 || sb.n < 2) return NAN;
    const double na = static_cast<double>(sa.n), nb = static_cast<double>(sb.n);
    const double pooled = std::sqrt(((na - 1) * sa.std * sa.std + (nb - 1) * sb.std * sb.std) / (na + nb - 2));
    return pooled > 0 ? difference / pooled : NAN;
}

// Steps to the target against the baseline's, over paired seeds: who got there first on each, and the ratio
// where both did.
RankedEntry::Speed compare_speed(const std::vector<double>& steps, const std::vector<double>& baseline_steps) {
    RankedEntry::Speed sp;
    sp.pairs = static_cast<int>(steps.size());
    std::vector<double> log_group, log_baseline;
    for (std::size_t i = 0; i < steps.size(); ++i) {
        sp.sooner += steps[i] < baseline_steps[i];  // +inf (never) loses to any step and ties with itself
        sp.later += steps[i] > baseline_steps[i];
        if (std::isfinite(steps[i]) && std::isfinite(baseline_steps[i]))
            log_group.push_back(std::log(steps[i])), log_baseline.push_back(std::log(baseline_steps[i]));
    }
    sp.both_reached = static_cast<int>(log_group.size());
    if (sp.both_reached > 0) sp.ratio = std::exp(mean_of(log_group) - mean_of(log_baseline));
    if (const Comparison c = paired_test(log_group, log_baseline); c.valid) sp.ratio_ci = {std::exp(c.ci_low), std::exp(c.ci_high)};
    sp.p_value = sign_test(sp.sooner, sp.later);
    return sp;
}

// A group against its context's baseline: paired over the seeds both sides stored an outcome for when the run's
// seeds are paired (at least two of them), Welch's otherwise — a diverged seed counted at the worst accuracy
// (sequential.hpp), never dropped; and the probability of improvement over every trial, a diverged one the worst
// outcome. With paired seeds, its speed to the target too (over the seeds both finished).
void compare_with_baseline(RankedEntry& e, const Group& baseline, bool paired_seeds) {
    const GroupStats& g = e.group->stats;
    const GroupStats& b = baseline.stats;
    std::vector<double> x, y, steps, baseline_steps;
    if (paired_seeds) {
        for (const auto& [seed, value] : g.by_seed.accuracy)
            if (const auto it = b.by_seed.accuracy.find(seed); it != b.by_seed.accuracy.end()) x.push_back(value), y.push_back(it->second);
        for (std::size_t i = 0; i < g.accuracy.size(); ++i)
            for (std::size_t j = 0; j < b.accuracy.size(); ++j)
                if (g.accuracy_seeds[i] == b.accuracy_seeds[j]) steps.push_back(g.steps[i]), baseline_steps.push_back(b.steps[j]);
    }
    if (!steps.empty()) e.speed = compare_speed(steps, baseline_steps);
    auto values = [](const SeedOutcomes& o) {
        std::vector<double> v;
        for (const auto& [seed, value] : o.accuracy) v.push_back(value);
        return v;
    };
    e.paired = x.size() >= 2;
    if (e.paired) {
        e.pairs = static_cast<int>(x.size());
        e.vs_baseline = paired_test(x, y);
        int won = 0;
        for (std::size_t i = 0; i < x.size(); ++i) won += x[i] > y[i];
        e.wins = static_cast<double>(won) / static_cast<double>(x.size());
        const Comparison welch = welch_test(values(g.by_seed), values(b.by_seed));
        if (welch.valid) e.welch_width = welch.ci_high - welch.ci_low;
    } else {
        e.vs_baseline = welch_test(values(g.by_seed), values(b.by_seed));
    }
    e.improvement = probability_of_improvement(g.outcomes, b.outcomes);
    e.improvement_interval = probability_of_improvement_interval(g.outcomes, b.outcomes, fnv1a64(e.group->label() + "|improvement"));
}

const Group* baseline_of(const Aggregate& a, const RankedEntry& e) {
    for (const Ranking& r : a.rankings)
        for (const RankedEntry& x : r.entries)
            if (&x == &e) return r.baseline;
    return nullptr;
}

// Stage 1's results per cell, and each cell's choice by the same rule the runner used (tuning.cpp).
void tuning_cells(Aggregate& a, const LoadedRuns& runs, const json& tune) {
    std::map<std::string, std::size_t> index;
    for (const TrialRecord& r : runs.trials) {
        const json& axes = r.summary["axes"];
        if (axes.value("stage", "") != "tuning") continue;
        const std::string key = tuning_group(axes, a.tune_axis);
        if (!index.count(key)) {
            index[key] = a.tuning.size();
            Aggregate::TuningCell cell;
            cell.values = json::parse(key);
            for (const auto& v : tune["values"]) cell.tried.push_back({v, {}, static_cast<int>(tune["seeds"].size()), 0});
            a.tuning.push_back(cell);
        }
        Aggregate::TuningCell& cell = a.tuning[index[key]];
        // A seed if close (tune.seeds_if_close) is stored only where the choice on the tuning seeds was close: the
        // cell then chooses on all of them, as the runner did (tuning.cpp).
        for (const auto& s : tune.value("seeds_if_close", json::array()))
            if (s == axes.value("seed", json())) cell.extended = true;
        for (TunedValue& v : cell.tried) {
            if (v.value != axes[a.tune_axis]) continue;
            if (r.summary.contains("pruned_at_epoch")) v.pruned_at = r.summary["pruned_at_epoch"].get<int>();  // its score is the rung's
            const json score =
                r.ok() ? tuning_score(r.metrics.back(), a.tune_select) : json();
            v.add(score);
        }
    }
    // In the order of the axes' values, as the groups are.
    auto ranks = [&](const json& values) {
        std::vector<std::size_t> r;
        for (std::size_t i = 0; i < a.columns.size(); ++i) r.push_back(axis_rank(a.column_values[i], values.value(a.columns[i], json())));
        return r;
    };
    std::stable_sort(a.tuning.begin(), a.tuning.end(),
                     [&](const Aggregate::TuningCell& x, const Aggregate::TuningCell& y) { return ranks(x.values) < ranks(y.values); });
    for (Aggregate::TuningCell& cell : a.tuning) {
        if (cell.extended)
            for (TunedValue& v : cell.tried) v.expected += static_cast<int>(tune["seeds_if_close"].size());
        cell.chosen = choose_value(cell.tried, a.tune_select);
        cell.at_edge = cell.chosen == 0 || cell.chosen + 1 == static_cast<int>(cell.tried.size());
        cell.margin = choice_margin(cell.tried, cell.chosen, a.tune_select);
    }
}

}  // namespace

json Aggregate::context_of(const json& values) const {
    json context = values;
    context.erase(compared_axis);
    if (!tune_axis.empty()) context.erase(tune_axis);
    // An axis zipped with the compared one moves with it (sweep.zip: [[activation, init]] pairs each activation
    // with its init): part of what is compared, not of the context it is compared in.
    const json zips = config.contains("sweep") ? config["sweep"].value("zip", json::array()) : json::array();
    for (const json& zip : zips)
        if (std::find(zip.begin(), zip.end(), json(compared_axis)) != zip.end())
            for (const json& axis : zip) context.erase(axis.get<std::string>());
    return context;
}

std::string Aggregate::context_text(const json& values, const std::vector<std::string>& leave_out) const {
    std::string text;
    for (std::size_t i = 0; i < columns.size(); ++i) {  // in the config's order; only axes with more than one value
        if (column_values[i].size() < 2 || !values.contains(columns[i])) continue;
        if (std::find(leave_out.begin(), leave_out.end(), columns[i]) != leave_out.end()) continue;
        text += (text.empty() ? "" : ", ") + columns[i] + " " + value_text(values[columns[i]]);
    }
    return text;
}

std::string Group::label() const {
    std::string s;
    for (const auto& c : cells) s += (s.empty() ? "" : " ") + c;
    return s;
}

namespace {

// The groups: one per combination of the axes but the seed, each with its statistics.
void build_groups(Aggregate& a, const LoadedRuns& runs) {
    // Columns: every axis of the sweep but the seed, in the config's order; with tune, the tuned axis too (the
    // value each cell chose).
    for (const auto& axis : a.config.value("sweep", json::object()).value("axes", json::array()))
        if (axis.value("name", "") != "seed")
            a.columns.push_back(axis.value("name", "")), a.column_values.push_back(axis.value("values", json::array()));
    const json tune = a.config.value("tune", json());
    std::vector<const TrialRecord*> final_trials;
    if (tune.is_object()) {
        a.tune_axis = tune["axis"].get<std::string>();
        a.tune_select = tune["select"].get<std::string>();
        a.tune_halving = tune.value("schedule", "full") == "halving";
        a.columns.push_back(a.tune_axis);
        a.column_values.push_back(tune["values"]);
        tuning_cells(a, runs, tune);
    }
    std::vector<const TrialRecord*> confirmation_trials;
    for (const TrialRecord& r : runs.trials) {
        const std::string stage = r.summary["axes"].value("stage", "");
        if (stage == "confirm")
            confirmation_trials.push_back(&r);
        else if (stage != "tuning")
            final_trials.push_back(&r);
    }
    std::map<std::pair<std::vector<std::size_t>, std::string>, Group> by_key;  // in the order of the axes' values
    auto key_of = [&](const TrialRecord& r, Group& cells) {
        const json& values = r.summary["axes"];
        std::vector<std::size_t> ranks;
        std::string text_key;
        cells.values = json::object();
        for (std::size_t i = 0; i < a.columns.size(); ++i) {
            const json v = values.value(a.columns[i], json());
            ranks.push_back(axis_rank(a.column_values[i], v));
            text_key += v.dump() + "|";
            cells.cells.push_back(value_text(v));
            cells.values[a.columns[i]] = v;
        }
        return std::make_pair(ranks, text_key);
    };
    for (const TrialRecord* record : final_trials) {
        const TrialRecord& r = *record;
        Group cells;
        Group& g = by_key[key_of(r, cells)];
        g.cells = cells.cells;
        g.values = cells.values;
        g.trials.push_back(&r);
        const TrialStatus status = r.status();
        (status == TrialStatus::ok ? a.ok : status == TrialStatus::diverged ? a.diverged : a.failed)++;
    }
    for (const TrialRecord* record : confirmation_trials) {
        Group cells;
        const auto it = by_key.find(key_of(*record, cells));
        if (it == by_key.end()) continue;  // no group of the design's own seeds to confirm
        it->second.confirmation_trials.push_back(record);
        const std::int64_t seed = record->summary["axes"].value("seed", std::int64_t{0});
        if (record->status() == TrialStatus::diverged) it->second.confirmation.add_diverged(seed);
        if (record->ok()) it->second.confirmation.add_finished(seed, record->summary["final_test_accuracy"].get<double>());
    }
    for (auto& [key, g] : by_key) {
        g.stats = group_stats(g.trials);
        // Seeded by the group, so the same runs give the same intervals on every machine.
        g.stats.mean_bootstrap = bootstrap_interval(g.stats.accuracy, mean_of, fnv1a64(g.label() + "|mean"));
        g.stats.iqm = interquartile_mean(g.stats.accuracy);
        g.stats.iqm_bootstrap = bootstrap_interval(g.stats.accuracy, interquartile_mean, fnv1a64(g.label() + "|iqm"));
        a.groups.push_back(std::move(g));
    }
    if (a.baseline.is_null()) {  // no baseline: rank along activation when it varies, else the first axis that does
        std::string varying;
        for (std::size_t i = 0; i < a.columns.size(); ++i)
            if (a.column_values[i].size() > 1 && (varying.empty() || a.columns[i] == "activation")) varying = a.columns[i];
        if (!varying.empty()) a.compared_axis = varying;
    }
}

// A valid comparison's interval for the difference at 1 − level_alpha (two-sided), from its 95% one; NaN when invalid.
Interval widened(const Comparison& c, double level_alpha) {
    if (!c.valid || c.df <= 0) return {NAN, NAN};
    const double se = (c.ci_high - c.ci_low) / (2 * student_t_quantile(0.975, c.df));
    const double q = student_t_quantile(1 - level_alpha / 2, c.df);
    return {c.difference - q * se, c.difference + q * se};
}

// The seeds aliases are told by: an adaptive design's first look (as the runner did before its first decision),
// else every seed of the sweep.
std::vector<std::int64_t> alias_seeds(const Aggregate& a) {
    std::vector<std::int64_t> seeds;
    for (const auto& axis : a.config["sweep"]["axes"])
        if (axis["name"] == "seed")
            for (const auto& v : axis["values"]) seeds.push_back(v.get<std::int64_t>());
    if (a.adaptive && seeds.size() > static_cast<std::size_t>(a.adaptive->min)) seeds.resize(static_cast<std::size_t>(a.adaptive->min));
    return seeds;
}

// Within each ranking, the values that are another name for an earlier one's function (the baseline first, then
// in the config's order): the rule the runner's rounds use (sequential.hpp), so that both count the same m.
void mark_aliases(Aggregate& a, Ranking& r) {
    if (!a.paired_seeds) return;
    std::vector<RankedEntry*> order;
    for (RankedEntry& e : r.entries) order.push_back(&e);
    std::stable_sort(order.begin(), order.end(), [](const RankedEntry* x, const RankedEntry* y) {
        return x->is_baseline != y->is_baseline ? x->is_baseline : x->group < y->group;  // groups are in the config's order
    });
    std::vector<const SeedOutcomes*> sides;
    for (const RankedEntry* e : order) sides.push_back(&e->group->stats.by_seed);
    const std::vector<int> of = alias_of(sides, alias_seeds(a));
    for (std::size_t i = 0; i < order.size(); ++i)
        if (of[i] >= 0) order[i]->alias_of = order[static_cast<std::size_t>(of[i])]->group, order[i]->verdict = RankedEntry::Verdict::alias;
}

// The rankings per context, and every comparison with the baseline, adjusted as one family.
void rank_against_baseline(Aggregate& a) {
    // Rankings: the compared axis's values among groups that share every other axis's value.
    std::map<std::string, std::size_t> context_index;
    for (const Group& g : a.groups) {
        const json context = a.context_of(g.values);
        const std::string key = context.dump();
        if (!context_index.count(key)) {
            context_index[key] = a.rankings.size();
            Ranking r;
            r.context = context;
            r.context_label = a.context_text(context, {});
            a.rankings.push_back(r);
        }
        Ranking& r = a.rankings[context_index[key]];
        RankedEntry e;
        e.group = &g;
        e.is_baseline = !a.baseline.is_null() && g.values.value(a.compared_axis, json()) == a.baseline;
        if (e.is_baseline) r.baseline = &g;
        r.entries.push_back(e);
    }
    // One family for the whole report: every comparison with the baseline, adjusted together; an alias is not one.
    a.paired_seeds = a.config.value("seeds", "") == "paired";
    std::vector<RankedEntry*> tested;
    for (Ranking& r : a.rankings) {
        mark_aliases(a, r);
        // By the mean over every seed, a diverged one at the worst accuracy: the finished seeds alone would put a
        // function that diverged on some seeds above one that never did.
        auto mean_of_entry = [](const RankedEntry& e) { return e.group->stats.outcome_mean(); };
        std::stable_sort(r.entries.begin(), r.entries.end(), [&](const RankedEntry& x, const RankedEntry& y) {
            return mean_of_entry(x) > mean_of_entry(y) && !same_accuracy(mean_of_entry(x), mean_of_entry(y));
        });
        for (std::size_t i = 0; i < r.entries.size(); ++i) {
            RankedEntry& e = r.entries[i];
            // Equal means share the better rank (1, 2, 2, 4), whatever the last bit of their sums.
            e.rank =
                i > 0 && same_accuracy(mean_of_entry(e), mean_of_entry(r.entries[i - 1])) ? r.entries[i - 1].rank : static_cast<int>(i + 1);
            if (e.is_baseline) {
                e.verdict = RankedEntry::Verdict::baseline;
            } else if (r.baseline && !e.alias_of) {
                compare_with_baseline(e, *r.baseline, a.paired_seeds);
                if (e.vs_baseline.valid) tested.push_back(&e);
            }
        }
    }
    a.comparisons = tested.size();
    std::vector<double> p;
    for (const RankedEntry* e : tested) p.push_back(e->vs_baseline.p_value);
    const std::vector<double> adjusted = a.adjustment == "bh" ? bh_adjust(p) : holm_adjust(p);
    // Power at the level the verdicts are decided at: α/m, Holm's (and Bonferroni's) strictest threshold, and with
    // adaptive seeds α/(m·K), each look's (K rounds); at α/m an adaptive design's figures promised too few seeds.
    const double looks = a.adaptive ? a.adaptive->rounds() : 1;
    a.power_alpha = a.alpha / (static_cast<double>(std::max<std::size_t>(tested.size(), 1)) * looks);
    for (std::size_t i = 0; i < tested.size(); ++i) {
        RankedEntry& e = *tested[i];
        e.p_adjusted = adjusted[i];
        e.verdict_level = 1 - a.alpha / static_cast<double>(tested.size());
        e.verdict_ci = widened(e.vs_baseline, a.alpha / static_cast<double>(tested.size()));
        const double effect = e.paired
            ? e.vs_baseline.hedges_g
            : standardised_difference(e.group->stats.accuracy, e.vs_baseline.difference, baseline_of(a, e)->stats.accuracy);
        e.seeds_needed = seeds_for_power(effect, a.power_alpha, 0.8, e.paired);
        const int have = e.paired ? e.pairs : static_cast<int>(std::min(e.group->stats.acc.n, baseline_of(a, e)->stats.acc.n));
        if (adjusted[i] < a.alpha)
            e.verdict = e.vs_baseline.difference > 0 ? RankedEntry::Verdict::better : RankedEntry::Verdict::worse;
        else
            e.verdict =
                e.seeds_needed < 0 || e.seeds_needed > have ? RankedEntry::Verdict::underpowered : RankedEntry::Verdict::within_noise;
    }
    // Speed is a second family, adjusted on its own: a value can be decided faster and not more accurate.
    std::vector<RankedEntry*> timed;
    for (Ranking& r : a.rankings)
        for (RankedEntry& e : r.entries)
            if (e.speed.tested()) timed.push_back(&e);
    a.speed_comparisons = timed.size();
    p.clear();
    for (const RankedEntry* e : timed) p.push_back(e->speed.p_value);
    const std::vector<double> speed_adjusted = a.adjustment == "bh" ? bh_adjust(p) : holm_adjust(p);
    for (std::size_t i = 0; i < timed.size(); ++i) timed[i]->speed.p_adjusted = speed_adjusted[i];
}

// adaptive.confirm: each decided comparison on the fresh seeds, at α split over the decisions (sequential.hpp).
void confirm_decisions(Aggregate& a, const AdaptiveSpec& spec) {
    std::vector<std::pair<RankedEntry*, const Group*>> decided;  // each decided entry and its baseline
    for (Ranking& r : a.rankings)
        for (RankedEntry& e : r.entries)
            if (r.baseline && !e.is_baseline &&
                (e.verdict == RankedEntry::Verdict::better || e.verdict == RankedEntry::Verdict::worse ||
                 e.verdict == RankedEntry::Verdict::equivalent))
                decided.emplace_back(&e, r.baseline);
    a.confirmation_alpha = a.alpha / static_cast<double>(std::max<std::size_t>(decided.size(), 1));
    for (auto [e, baseline] : decided) {
        const Decision d = e->verdict == RankedEntry::Verdict::better ? Decision::better
            : e->verdict == RankedEntry::Verdict::worse               ? Decision::worse
                                                                      : Decision::equivalent;
        e->confirming = true;
        e->confirmation = confirm_decision(d, e->group->confirmation, baseline->confirmation, a.confirmation_alpha, spec.margin);
    }
}

// Adaptive seeds: the verdicts are the rounds' decisions.
void sequential_verdicts(Aggregate& a) {
    // Adaptive seeds: the rounds' decisions, recomputed from the stored seeds by the runner's own rule.
    const AdaptiveSpec& spec = *a.adaptive;
    std::vector<std::int64_t> seeds;
    for (const auto& axis : a.config["sweep"]["axes"])
        if (axis["name"] == "seed")
            for (const auto& v : axis["values"]) seeds.push_back(v.get<std::int64_t>());
    std::size_t m = 0;
    for (const Ranking& r : a.rankings)
        for (const RankedEntry& e : r.entries) m += !e.is_baseline && r.baseline && !e.alias_of;
    const double alpha = a.alpha / (static_cast<double>(std::max<std::size_t>(m, 1)) * spec.rounds());
    a.design_level = 1 - alpha;
    for (Ranking& r : a.rankings) {
        if (!r.baseline) continue;
        for (RankedEntry& e : r.entries) {
            if (e.is_baseline || e.alias_of) continue;
            const SequentialResult s =
                run_rounds(spec, seeds, e.group->stats.by_seed, r.baseline->stats.by_seed, a.paired_seeds, alpha, spec.rounds() - 1);
            // Fewer seeds stored than the design's most, on either side: the rounds are still running. A diverged or
            // failed seed is stored too (it has no accuracy to compare, but its round ran).
            const int stored = static_cast<int>(std::min(e.group->trials.size(), r.baseline->trials.size()));
            const bool rounds_to_go = stored < spec.max;
            e.sequential = true;
            e.sequential_seeds = rounds_to_go && s.decision == Decision::undecided ? stored : s.seeds;
            // The interval of the view that decided (sequential.hpp) on the deciding look's seeds, at its level.
            const double level_alpha = s.decision == Decision::undecided ? alpha : s.level_alpha;
            e.design_ci = widened(s.deciding, level_alpha);
            e.verdict_ci = e.design_ci;
            e.verdict_level = std::isfinite(e.design_ci.low) ? 1 - level_alpha : NAN;
            e.verdict = s.decision == Decision::better ? RankedEntry::Verdict::better
                : s.decision == Decision::worse        ? RankedEntry::Verdict::worse
                : s.decision == Decision::equivalent   ? RankedEntry::Verdict::equivalent
                : rounds_to_go                         ? RankedEntry::Verdict::pending
                                                       : RankedEntry::Verdict::undecided;
        }
    }
    if (spec.confirm > 0) confirm_decisions(a, spec);
    for (const Group& g : a.groups) a.adaptive_trials += static_cast<int>(g.trials.size());
    a.fixed_design_trials = static_cast<int>(a.groups.size()) * spec.max;
}

// What pairing bought.
void pairing_gain(Aggregate& a) {
    // What pairing bought: the paired intervals against Welch's on the same trials.
    std::vector<double> ratios;
    for (const Ranking& r : a.rankings)
        for (const RankedEntry& e : r.entries)
            if (e.vs_baseline.valid && e.paired && e.welch_width > 0)
                ratios.push_back((e.vs_baseline.ci_high - e.vs_baseline.ci_low) / e.welch_width);
    a.pairing_count = ratios.size();
    if (!ratios.empty()) {
        const Summary r = summarise(ratios);
        a.pairing_ratio_median = r.median, a.pairing_ratio_min = r.min, a.pairing_ratio_max = r.max;
    }
}

// The steps a trial of these settings trains to the end: those of a finished trial with the same data, epochs and
// batch (the early stop makes a diverged trial's own summary stop at its diverged step).
Aggregate::EarlyStops early_stops(const LoadedRuns& runs) {
    const auto key = [](const TrialRecord& t) {  // hand-built stores may hold less: what is there
        const json s = t.summary.value("settings", json::object());
        const json train = s.is_object() ? s.value("train", json()) : json();
        const json dataset = s.is_object() ? s.value("dataset", json()) : json();
        return dataset.dump() + (train.is_object() ? train.value("epochs", json()).dump() + train.value("batch", json()).dump() : train.dump());
    };
    std::map<std::string, double> full;
    for (const TrialRecord& t : runs.trials)
        if (t.ok() && t.summary.contains("steps")) full[key(t)] = std::max(full[key(t)], t.summary["steps"].get<double>());
    Aggregate::EarlyStops e;
    for (const TrialRecord& t : runs.trials) {
        if (!full.count(key(t))) continue;
        e.all_planned += full[key(t)];
        if (t.summary.contains("pruned_at_epoch") && t.summary.contains("steps"))
            ++e.pruned, e.pruned_planned += full[key(t)], e.pruned_trained += t.summary["steps"].get<double>();
        if (t.status() != TrialStatus::diverged || !t.summary.contains("diverged_step")) continue;
        ++e.trials, e.planned += full[key(t)], e.trained += t.summary["diverged_step"].get<double>();
    }
    return e;
}

}  // namespace

Aggregate aggregate(const LoadedRuns& runs, const std::string& adjustment) {
    Aggregate a;
    a.adjustment = adjustment;
    a.manifest = runs.manifest;
    a.config = runs.manifest["config"];
    a.environment = runs.manifest["environment"];
    a.dirs = runs.dirs;
    a.damaged = runs.damaged;
    a.run_log = runs.run_log;
    const json baseline = a.config.value("baseline", json(""));
    if (baseline.is_object() && baseline.size() == 1)
        a.compared_axis = baseline.begin().key(), a.baseline = *baseline.begin();
    else if (baseline.is_string() && !baseline.get<std::string>().empty())
        a.baseline = baseline;
    a.target = a.config.value("train", json::object()).value("target", 0.25);
    a.epochs = a.config.value("train", json::object()).value("epochs", 0);
    a.trial_count = static_cast<int>(runs.trials.size());  // both stages, with tune
    if (a.config.contains("adaptive")) {
        const json& d = a.config["adaptive"];
        a.adaptive =
            AdaptiveSpec{d["min"].get<int>(), d["max"].get<int>(), d["step"].get<int>(), d["margin"].get<double>(), d.value("confirm", 0)};
    }

    a.early_stops = early_stops(runs);
    build_groups(a, runs);
    rank_against_baseline(a);
    if (a.adaptive) sequential_verdicts(a);
    pairing_gain(a);
    write_findings(a);
    return a;
}

std::string value_text(const json& v) { return v.is_string() ? v.get<std::string>() : v.dump(); }

}  // namespace actbench
