// The report's stages before rendering: load (run directories → checked trials) and aggregate (trials →
// groups, every statistic computed once, the ranking against the baseline and what it supports).
#pragma once

#include "report/report_document.hpp"
#include "run/tuning_choice.hpp"
#include "stats/sequential.hpp"
#include "stats/statistics.hpp"
#include "store/run_store.hpp"

#include <nlohmann/json.hpp>

#include <filesystem>
#include <string>
#include <utility>
#include <vector>

namespace actbench {

// One stored trial, as the run store's readers checked it.
struct TrialRecord {
    nlohmann::json summary;
    std::vector<nlohmann::json> metrics, timing;
    // The store's reader checked the status: one of the three.
    TrialStatus status() const { return *status_of(summary); }
    bool ok() const { return status() == TrialStatus::ok; }
};

struct LoadedRuns {
    std::vector<std::filesystem::path> dirs;
    nlohmann::json manifest;  // the first directory's; every other one must hold the same config
    std::vector<TrialRecord> trials;  // by trial id, each once
    std::vector<std::pair<std::string, std::string>> damaged;  // trial id, what is wrong: listed, never used
    std::vector<nlohmann::json> run_log;  // every directory's runs.jsonl lines
};
// Throws InputError for a missing directory, a damaged manifest or run log, or directories of different configs.
LoadedRuns load_runs(const std::vector<std::filesystem::path>& dirs);

// A group's statistics over its seeds (the trials that finished, status ok, unless said otherwise).
struct GroupStats {
    int diverged = 0, failed = 0;
    std::vector<double> accuracy;  // final test accuracy per finished trial
    std::vector<std::int64_t> accuracy_seeds;  // the seed of each, for pairing
    std::vector<double> steps;  // steps to the training-error target of each (+inf: never reached; censored)
    Summary acc;  // of accuracy
    Interval mean_bootstrap;  // seeded percentile bootstrap interval of the mean
    double iqm = NAN;  // interquartile mean of accuracy, and its bootstrap interval
    Interval iqm_bootstrap;
    // accuracy with −inf for each diverged trial: the worst outcome, for the rank-based statistics
    std::vector<double> outcomes;
    // every finished and diverged seed's outcome, as the comparisons with the baseline count them (sequential.hpp)
    SeedOutcomes by_seed;
    // The mean over by_seed, what rankings order by: the finished seeds' mean scaled by the share of seeds that did
    // not diverge (kDivergedAccuracy is 0), so that it equals acc.mean to the bit when none diverged; -inf: no outcome.
    double outcome_mean() const {
        const double finished = acc.n, all = finished + diverged;
        if (all == 0) return -INFINITY;
        return finished == 0 ? kDivergedAccuracy : diverged == 0 ? acc.mean : acc.mean * finished / all;
    }
    std::vector<double> best, train_accuracy, gap, validation;
    int reached = 0, finished = 0;
    double median_epochs_to_target = NAN, median_steps_to_target = NAN;  // +inf: censored (the median never got there)
    double median_seconds_to_target = NAN;
    std::vector<double> loss_auc, final_loss, zero_init, zero_final, dead, inactive, saturated, grad_ratio_first, grad_ratio_last;
    double images_per_second = NAN, train_seconds = NAN, eval_seconds = NAN;
};

struct Group {
    std::vector<std::string> cells;  // the group's value on each column axis, as text
    nlohmann::json values;  // the same, as JSON by axis name
    std::vector<const TrialRecord*> trials;
    GroupStats stats;
    // adaptive.confirm: the fresh seeds trained after the rounds (stage "confirm"), kept apart from `trials` so
    // that nothing the rounds decided on is mixed with them
    std::vector<const TrialRecord*> confirmation_trials;
    SeedOutcomes confirmation;
    std::string label() const;  // the cells joined by spaces
};

// A group set against the baseline group with the same other settings.
struct RankedEntry {
    const Group* group = nullptr;
    int rank = 0;  // 1 = the highest mean final test accuracy in its context
    bool is_baseline = false;
    // Paired over the seeds both groups finished when the run's seeds are paired and there are ≥ 2 such seeds
    // (the mean of per-seed differences, the paired t-test); Welch's otherwise. Valid only with ≥ 2 values a
    // side and some variance.
    Comparison vs_baseline;
    bool paired = false;
    int pairs = 0;
    double wins = NAN;  // paired: the fraction of seeds on which the group beat the baseline
    double welch_width = NAN;  // paired: the width of Welch's interval on the same trials, to show what pairing gained
    double p_adjusted = NAN;  // over the report's family (Holm, or Benjamini–Hochberg)
    double improvement = NAN;  // P(group > baseline), diverged trials the worst outcome
    Interval improvement_interval;
    int seeds_needed = -1;  // per group (paired: pairs) for 80% power at the observed difference, after the correction
    // pending: adaptive rounds undecided so far, with fewer seeds stored than the design's most (a run still going)
    enum class Verdict {
        baseline,
        better,
        worse,
        within_noise,
        underpowered,
        not_tested,
        equivalent,
        undecided,
        pending,
        alias  // another name for an earlier value's function (alias_of): listed, not compared again
    } verdict = Verdict::not_tested;
    const Group* alias_of = nullptr;  // the group whose function this one is (bit-identical trials; sequential.hpp)
    // adaptive: the rounds' decision (it replaces the adjusted test's verdict) and the seeds it took
    bool sequential = false;
    int sequential_seeds = 0;
    // adaptive: Δ's repeated confidence interval at the level each look tests at, 1 − α/(m·K) — the interval the
    // rounds' decision used, valid wherever the design stopped (Jennison & Turnbull 2000, ch. 9); the fixed-sample
    // 95% interval and p are not
    Interval design_ci{NAN, NAN};
    // The interval the verdict stands on, and its coverage: with adaptive seeds design_ci; in a fixed design Δ's
    // interval at 1 − α/m, the level of Holm's (and Bonferroni's) strictest step — what the headline and the Δ forest
    // plot show, so that a marker's verdict and its interval agree.
    Interval verdict_ci{NAN, NAN};
    double verdict_level = NAN;
    // adaptive.confirm: the decision checked on the fresh seeds (sequential.hpp); `confirming` when the design asks
    // for confirmation and this comparison was decided
    bool confirming = false;
    Confirmation confirmation;
    // Speed: the steps to the training-error target against the baseline's, over the seeds both finished (paired
    // seeds only). A trial that never reached the target is the slower of its pair; both never, or the same
    // step, is a tie. The sign test needs only that order, so censoring costs no pair.
    struct Speed {
        int pairs = 0, sooner = 0, later = 0;  // seeds; on how many the group reached the target first, and last
        int both_reached = 0;  // seeds on which both did: the steps ratio is over these
        double ratio = NAN;  // geometric mean of steps(group) / steps(baseline)
        Interval ratio_ci{NAN, NAN};  // its 95% Student-t interval (on the logs)
        double p_value = NAN, p_adjusted = NAN;  // exact sign test; adjusted over the report's speed family
        bool tested() const { return sooner + later > 0; }
    } speed;
};

// The ranking of the compared axis's values among the groups that share every other axis's value.
struct Ranking {
    nlohmann::json context;  // the other axes' values ({} when only the compared axis is swept)
    std::string context_label;  // "init he_normal, bias 0" or ""
    std::vector<RankedEntry> entries;  // by rank
    const Group* baseline = nullptr;
};

struct Aggregate {
    nlohmann::json manifest, config, environment;
    std::vector<std::filesystem::path> dirs;
    std::vector<std::string> columns;  // every axis but the seed, in the config's order
    std::vector<nlohmann::json> column_values;
    std::vector<Group> groups;  // in the order of the axes' values
    int ok = 0, diverged = 0, failed = 0, trial_count = 0;
    std::vector<std::pair<std::string, std::string>> damaged;
    std::vector<nlohmann::json> run_log;
    // The axis whose values the summary ranks: the config's baseline axis, else activation when it varies, else
    // the first axis that does.
    std::string compared_axis = "activation";
    nlohmann::json baseline;  // a value of the compared axis; null: none (rank without testing)
    std::string baseline_text() const { return baseline.is_string() ? baseline.get<std::string>() : baseline.dump(); }
    // "init he_normal, bias 0.1": a group's values on the axes that vary, but those in `leave_out`.
    std::string context_text(const nlohmann::json& values, const std::vector<std::string>& leave_out) const;
    // A group's context: its values but the compared axis and the tuned one (a tuned value belongs to the group).
    nlohmann::json context_of(const nlohmann::json& values) const;

    // tune: the tuned axis, and per cell (every axis but the seed and the tuned one) its stage-1 results.
    std::string tune_axis, tune_select;
    bool tune_halving = false;  // tune.schedule: halving (values pruned at its rungs)
    struct TuningCell {
        nlohmann::json values;  // the cell's axes
        std::vector<TunedValue> tried;  // in the config's order of the values
        int chosen = -1;
        bool at_edge = false;  // the chosen value is the first or last of the grid
        bool extended = false;  // given tune.seeds_if_close: its choice on the tuning seeds was too close to call
        ChoiceMargin margin;  // the chosen value's lead over the runner-up, and whether it is too close to call
    };
    std::vector<TuningCell> tuning;
    // adaptive: the design, and the trials the rounds ran against a fixed design with max seeds
    std::optional<AdaptiveSpec> adaptive;
    double confirmation_alpha = NAN;  // the level each confirmation is tested at: α over the decisions confirmed
    double power_alpha = NAN;  // the level the seeds-for-power figures assume: α/m, or α/(m·K) with adaptive seeds
    double design_level = NAN;  // adaptive: the repeated confidence intervals' coverage, 1 − α/(m·K)
    int adaptive_trials = 0, fixed_design_trials = 0;
    // Diverged trials, every stage: stopped at their diverged step, and the steps they would have trained (those of a
    // finished trial with the same data, epochs and batch), so the steps the early stop saved.
    struct EarlyStops {
        int trials = 0;
        double trained = 0, planned = 0, all_planned = 0;  // all_planned: every trial's, for the share
        int pruned = 0;  // tune's halving: trials stopped at a rung, and their steps
        double pruned_trained = 0, pruned_planned = 0;
    } early_stops;
    std::vector<Ranking> rankings;  // one per context
    std::vector<Text> findings;  // what the rankings support, in sentences
    double target = 0.25;
    int epochs = 0;
    double alpha = 0.05;  // the family-wise error rate (Holm) or false discovery rate (BH) of the verdicts
    std::string adjustment = "holm";  // holm | bh
    bool paired_seeds = false;  // the config paired its seeds (common random numbers)
    std::size_t comparisons = 0;  // the family's size
    std::size_t speed_comparisons = 0;  // the speed family's size (RankedEntry::Speed), adjusted apart from accuracy's
    // Paired comparisons: each paired interval's width ÷ Welch's on the same trials (median, min, max; NaN: none).
    double pairing_ratio_median = NAN, pairing_ratio_min = NAN, pairing_ratio_max = NAN;
    std::size_t pairing_count = 0;
};

// An axis value as a table shows it: a string as it is, anything else as JSON ("0.1", "true").
std::string value_text(const nlohmann::json& v);
// "[low, high]", each bound in a printf `format`, with more digits where a bound would print on `reference` (0
// for a difference, 1 for a ratio, ½ for P(>)) or past it: which side of the reference is what a reader reads
// an interval for (report_sentences.cpp). A non-finite bound prints "—".
std::string interval_text(const char* format, double low, double high, double reference = NAN);
// The report's answer in one sentence (Markdown-style notation), its first screen's and report.json's "answer"
// (report_headline.cpp): the verdicts counted against the baseline, or each context's leader without one.
std::string answer_text(const Aggregate& a);
// A mean accuracy within 1.5× of chance (1/classes, where the config names the classes) is no result: a context whose
// best group is there learned nothing and has no leader (report_sentences.cpp).
bool at_chance(const Aggregate& a, double accuracy);
// Where train.lr is swept, not tuned: each compared value's dead (or inactive) fraction along the rates, a sentence
// for the summary and the headline; "" otherwise (report_sentences.cpp).
std::string dead_by_rate_finding(const Aggregate& a);

// adjustment: holm (family-wise error) or bh (false discovery rate).
Aggregate aggregate(const LoadedRuns& runs, const std::string& adjustment = "holm");
// aggregate()'s last step (report_sentences.cpp): Aggregate::findings from the rankings.
void write_findings(Aggregate& a);

// Stage 3: the document (report_sections.cpp), and one renderer per format, each in its own file.
// pivot_rows/pivot_cols: see build_report.
Document report_document(const Aggregate& a, const std::string& pivot_rows, const std::string& pivot_cols);
std::string render_markdown(const Document& doc);  // report_markdown.cpp
std::string render_html(const Document& doc);  // report_html.cpp: one self-contained page
std::string render_csv(const Aggregate& a);  // report_exports.cpp: a row per trial, then per group
std::string render_summary_csv(const Aggregate& a);  // the ranking: a row per group and context
std::string render_json(const Aggregate& a);  // everything above, typed (numbers, null for censored)

}  // namespace actbench
