// Report, stage 3a: the opening (what was compared, how, the plan) and the summary — the ranking per context,
// the findings in words, the confirmation table and the summary figures.
#include "report/report_parts.hpp"

#include <algorithm>
#include <set>

namespace actbench::doc {

using nlohmann::json;

void opening_warnings(const Aggregate& a, Section& s);

// The page's title and first screen (report_headline.cpp), then any warning about the data under it.
Section opening(const Aggregate& a) {
    Section s;
    s.level = 1;
    s.title = "actbench report: " + a.manifest.value("sweep", std::string("?"));
    headline(a, s);
    opening_warnings(a, s);
    return s;
}

// How the results were made: the trials, the machine and the commands.
Section provenance(const Aggregate& a) {
    Section s = section("provenance", "How this was made: trials, machine, commands");
    s.collapsed = true;
    std::string dirs;
    for (const auto& d : a.dirs) dirs += (dirs.empty() ? "`" : ", `") + d.lexically_normal().string() + "`";
    int confirmation = 0;  // adaptive.confirm's fresh seeds, kept apart from the rounds' groups
    for (const Group& g : a.groups) confirmation += static_cast<int>(g.confirmation_trials.size());
    const int tuning = a.trial_count - (a.ok + a.diverged + a.failed) - confirmation;  // stage-1 trials, kept out of the tables
    s.paragraphs.push_back(spans(
        std::to_string(a.trial_count) + " trials" +
        (tuning > 0 ? " (" + std::to_string(tuning) + " tuning, then " + std::to_string(a.ok + a.diverged + a.failed) + " final: " : " (") +
        std::to_string(a.ok) + " ok, " + std::to_string(a.diverged) + " diverged" +
        (a.failed ? ", " + std::to_string(a.failed) + " failed" : "") +
        (confirmation ? "; then " + std::to_string(confirmation) + " confirmation" : "") + ") from " + dirs + "."));
    const json& env = a.environment;
    s.paragraphs.push_back(spans("actbench " + env["actbench_version"].get<std::string>() + " (" + env["git_commit"].get<std::string>() +
                                 "), oneDNN " + env["onednn_version"].get<std::string>() + ", OpenCV " +
                                 env["opencv_version"].get<std::string>() + ", " + env["cpu_model"].get<std::string>() + ", ISA " +
                                 env["cpu_isa"].get<std::string>() + ", " + std::to_string(env["threads_per_trial"].get<int>()) +
                                 " thread(s) per trial."));
    double wall = 0;
    for (const json& r : a.run_log) {
        wall += r["wall_seconds"].get<double>();
        s.bullets.push_back(spans("`" + r["command"].get<std::string>() + "` (commit " + r["commit"].get<std::string>() + ", " +
                                  std::to_string(r["jobs"].get<int>()) + " jobs × " + std::to_string(r["threads_per_trial"].get<int>()) +
                                  " thread(s)): " + std::to_string(r["trials_finished"].get<int>()) + " trials in " +
                                  fmt("%.0f", r["wall_seconds"].get<double>()) + " s" +
                                  (r.value("interrupted", false) ? ", interrupted" : "")));
    }
    if (!a.run_log.empty())
        s.paragraphs.push_back(spans("Produced by" + std::string(a.dirs.size() > 1 ? " (all directories)" : "") +
                                     " the commands below; wall time " + fmt("%.0f", wall) + " s (" + fmt("%.1f", wall / 60) +
                                     " min) in all."));
    return s;
}

// Few seeds, damaged trials: said where the reader starts.
void opening_warnings(const Aggregate& a, Section& s) {
    std::size_t fewest = SIZE_MAX;
    for (const Group& g : a.groups) fewest = std::min(fewest, g.trials.size());
    if (!a.groups.empty() && fewest < 5)
        s.closing.push_back(
            spans("**Warning:** some groups have fewer than 5 seeds (the smallest has " + std::to_string(fewest) +
                  "); their standard deviations and intervals are rough, and differences of a point or so are within noise."));
    if (!a.damaged.empty()) {
        s.closing.push_back(spans("**Damaged:** " + std::to_string(a.damaged.size()) +
                                  " trial folder(s) hold files that fail the run store's checks; they are left out of every table below "
                                  "(`actbench run` retrains them):"));
        Table t;
        t.header = {"trial", "what is wrong"};
        t.numeric = {false, false};
        for (const auto& [id, why] : a.damaged) t.rows.push_back({cell(id), cell(why)});
        s.tables.push_back(t);
    }
}

namespace {

// One ranked group's row of the summary table: rank, value, n, mean and interval; against the baseline the
// difference, test, p-values, probability of improvement, seeds for power and verdict; then speed, dead units and
// divergences.
std::vector<Cell> summary_row(const Aggregate& a, const RankedEntry& e, bool with_baseline) {
    const GroupStats& st = e.group->stats;
    std::vector<Cell> row{cell(std::to_string(e.rank), e.rank), cell(value_text(e.group->values[a.compared_axis])),
                          cell(std::to_string(st.acc.n), static_cast<double>(st.acc.n)),
                          cell(st.acc.n ? fmt("%.4f", st.acc.mean) : "—", st.acc.n ? st.acc.mean : NAN),
                          cell(st.acc.n > 1 ? interval_text("%.4f", st.acc.ci_low, st.acc.ci_high) : "—")};
    if (with_baseline) {
        const Comparison& c = e.vs_baseline;
        const bool shown = c.valid && !e.is_baseline;
        row.push_back(cell(shown ? fmt("%+.4f", c.difference) : "—", shown ? c.difference : NAN));
        // With adaptive seeds: the repeated interval the decision used, and no fixed-sample p (not valid under the design).
        const bool design = e.sequential && std::isfinite(e.design_ci.low);
        row.push_back(cell(!shown       ? "—"
                               : design ? interval_text("%+.4f", e.design_ci.low, e.design_ci.high, 0)
                                        : interval_text("%+.4f", c.ci_low, c.ci_high, 0)));
        row.push_back(cell(!shown         ? "—"
                               : e.paired ? "paired, " + std::to_string(e.pairs) + " seeds, wins " + fmt("%.0f%%", 100 * e.wins)
                                          : std::string("Welch")));
        row.push_back(cell(shown && !e.sequential ? fmt("%.3g", c.p_value) : "—", shown && !e.sequential ? c.p_value : NAN));
        row.push_back(cell(shown && !e.sequential ? fmt("%.3g", e.p_adjusted) : "—", shown && !e.sequential ? e.p_adjusted : NAN));
        const bool poi = !e.is_baseline && std::isfinite(e.improvement);
        row.push_back(cell(
            poi ? fmt("%.2f", e.improvement) + " " + interval_text("%.2f", e.improvement_interval.low, e.improvement_interval.high, 0.5) : "—",
            poi ? e.improvement : NAN));
        row.push_back(cell(!shown                   ? "—"
                               : e.seeds_needed < 0 ? "> 100000"
                                                    : std::to_string(e.seeds_needed),
                           !shown                   ? NAN
                               : e.seeds_needed < 0 ? 1e300
                                                    : e.seeds_needed));
        row.push_back(cell(std::string(verdict_text(e.verdict)) +
                           (e.sequential ? " (" + std::to_string(e.sequential_seeds) + " seeds)" : std::string())));
    }
    const std::vector<double>& flat = !st.dead.empty() ? st.dead : st.inactive;
    row.push_back(cell(steps_text(st.median_steps_to_target), std::isinf(st.median_steps_to_target) ? 1e300 : st.median_steps_to_target));
    row.push_back(cell(flat.empty() ? "n/a" : fmt("%.3f", summarise(flat).mean) + (!st.dead.empty() ? " dead" : " inactive"),
                       flat.empty() ? NAN : summarise(flat).mean));
    row.push_back(cell(std::to_string(st.diverged), st.diverged));
    return row;
}

// adaptive.confirm: each decided comparison beside its effect on the fresh seeds alone.
Table confirmation_table(const Aggregate& a) {
    Table t;
    t.title = "Confirmation on fresh seeds";
    t.header = {a.compared_axis,        "context",  "decision", "Δ on the rounds' seeds", "fresh seeds",
                "Δ on the fresh seeds", "interval", "confirmed"};
    t.numeric = {false, false, false, true, true, true, false, false};
    for (const Ranking& r : a.rankings)
        for (const RankedEntry& e : r.entries) {
            if (!e.confirming) continue;
            const Confirmation& c = e.confirmation;
            const bool complete = c.pairs >= a.adaptive->confirm && c.pairs > 1;
            t.rows.push_back({cell(value_text(e.group->values[a.compared_axis])), cell(r.context_label.empty() ? "—" : r.context_label),
                              cell(std::string(verdict_text(e.verdict)) + " (" + std::to_string(e.sequential_seeds) + " seeds)"),
                              cell(fmt("%+.4f", e.vs_baseline.difference), e.vs_baseline.difference),
                              cell(std::to_string(c.pairs), c.pairs),
                              c.pairs > 1 ? cell(fmt("%+.4f", c.difference), c.difference) : cell("—"),
                              c.pairs > 1 ? cell(interval_text("%+.4f", c.low, c.high, 0)) : cell("—"),
                              cell(!complete ? "waiting (" + std::to_string(c.pairs) + " of " + std::to_string(a.adaptive->confirm) + ")"
                                       : c.confirmed ? "confirmed"
                                                     : "not confirmed")});
        }
    t.caption = spans("The decisions of the rounds, each checked on " + std::to_string(a.adaptive->confirm) +
                      " fresh paired seeds trained after them (no round used them): *Δ on the fresh seeds* is the mean paired difference "
                      "from the baseline there, unbiased by where the rounds stopped, with its interval at " +
                      fmt("%.2f", 100 * (1 - a.confirmation_alpha)) +
                      "% (α = 0.05 split over the decisions; an equivalence's at the TOST's "
                      "1 − 2α). *confirmed*: better with the interval above 0, worse below 0, equivalent inside ±" +
                      fmt("%.3f", a.adaptive->margin) + " with no diverged seed. A diverged fresh seed counts at accuracy 0.");
    return t;
}

}  // namespace

Section summary(const Aggregate& a) {
    Section s;
    s.id = "summary";
    s.title = "Summary: which " + a.compared_axis + ", and how sure";
    s.paragraphs = a.findings;
    const bool with_baseline = !a.baseline.is_null();
    const std::string adjusted = a.adjustment == "bh" ? "p (BH)" : "p (Holm)";
    for (const Ranking& r : a.rankings) {
        Table t;
        t.header = {"rank", a.compared_axis, "n", "test accuracy", "95% CI"};
        std::vector<std::size_t> text_columns{1, 4};
        if (with_baseline) {
            for (const std::string& h : std::vector<std::string>{"Δ vs baseline", a.adaptive ? "CI of Δ (design)" : "95% CI of Δ", "test",
                                                                 "p", adjusted, "P(> baseline)", "seeds for 80% power", "verdict"})
                t.header.push_back(h);
            for (std::size_t c : {6, 7, 10, 12}) text_columns.push_back(c);
        }
        for (const char* h : {"median steps to target", "dead / inactive", "diverged"}) t.header.push_back(h);
        t.numeric.assign(t.header.size(), true);
        for (std::size_t c : text_columns) t.numeric[c] = false;
        for (const RankedEntry& e : r.entries) t.rows.push_back(summary_row(a, e, with_baseline));
        if (!r.context_label.empty()) t.title = "With " + r.context_label;
        s.tables.push_back(t);
    }
    if (!s.tables.empty()) {
        Text& caption = s.tables.back().caption;
        const std::string family = std::to_string(a.comparisons) + " comparison(s)";
        const std::string correction = a.adjustment == "bh" ? "Benjamini–Hochberg (false discovery rate)" : "Holm (family-wise error)";
        const Text definitions = spans(
            std::string(
                "Ranked by the mean final test accuracy over every seed, a diverged one at 0 (the worst outcome; equal means share "
                "a rank); *test accuracy*: the mean over the seeds that finished (*n*), with its 95% Student-t interval; *diverged*: "
                "the seeds that did not, each counted at accuracy 0 in Δ and the tests.") +
            (with_baseline ? " *Δ*: the difference from **" + a.baseline_text() +
                     "** with the same other settings, with its 95% interval. *test*: "
                     "*paired* where both groups finished the same seeds (the run's seeds are paired: same data order and initial draws) — "
                     "the mean of the per-seed differences, the paired t-test, and *wins*, the share of seeds on which the group beat the "
                     "baseline — else *Welch*'s unequal-variance test. *p*: that test's two-sided p; *" +
                     adjusted + "*: adjusted by " + correction + " over the report's family of " + family +
                     ". *P(> baseline)*: the probability that a trial of the "
                     "group beats one of the baseline (ties half; a diverged trial is the worst outcome), with its bootstrap interval "
                     "(Agarwal et al. 2021). *seeds for 80% power*: per group (paired: seeds) to detect the observed difference at " +
                     (a.adaptive ? "α/(m·K) = " + fmt("%.2g", a.power_alpha) + ", the level of each look of the rounds"
                                 : "α/" + std::to_string(std::max<std::size_t>(a.comparisons, 1))) +
                     ". *verdict*: *better* or *worse* where the adjusted p < 0.05; "
                     "otherwise *underpowered* when the seeds here are fewer than that, else *not distinguished* — neither means equal." +
                     std::string(a.adaptive ? " With adaptive seeds the verdict is instead the rounds' decision (better, worse, "
                                              "equivalent within the margin, or undecided at the most seeds), with the seeds it took; "
                                              "*CI of Δ (design)* is the repeated confidence interval at " +
                                         fmt("%.2f", 100 * a.design_level) +
                                         "% = 1 − α/(m·K), each look's level, which the decision used and which holds wherever the "
                                         "design stopped (Jennison & Turnbull 2000) — where a seed diverged, the deciding view's at "
                                         "1 − α/(2·m·K), and where that view was the seeds both sides finished, their interval (centred "
                                         "on their difference, not on Δ); no fixed-sample p is shown, since none is valid under the design."
                                            : "")
                           : std::string()) +
            " *median steps to target*: the median over seeds of the first step at which the training error (over the last "
            "epoch's mini-batches) reached " +
            fmt("%.2f", a.target) +
            "; *> max*: the median seed never did (censored). "
            "*dead / inactive*: the final fraction of dead units (rectifiers) or inactive ones (others).");
        caption.insert(caption.end(), definitions.begin(), definitions.end());
    }
    if (a.adaptive && a.adaptive->confirm > 0) s.tables.push_back(confirmation_table(a));
    return s;
}

}  // namespace actbench::doc
