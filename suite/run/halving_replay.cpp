#include "run/halving_replay.hpp"

#include "core/error.hpp"
#include "run/halving.hpp"
#include "run/plan.hpp"
#include "run/status.hpp"
#include "run/tuning_choice.hpp"
#include "store/run_store.hpp"

#include <cmath>
#include <map>
#include <sstream>

namespace actbench {

namespace {

// One cell's stored tuning trials by value: the tuning seeds', and the seeds if close that are stored.
struct StoredGroup {
    std::vector<std::vector<StoredTrial>> seeds, extra;
};

double steps_of(const StoredTrial& t) { return t.summary.value("steps", 0.0); }

// A value's scores at the end of the stored trials (the full schedule's rule, tuning.cpp).
TunedValue at_budget(const nlohmann::json& value, const std::vector<StoredTrial>& trials, const std::string& select) {
    TunedValue v{value, {}, static_cast<int>(trials.size()), 0};
    for (const StoredTrial& t : trials) {
        const nlohmann::json score = status_of(t.summary) == TrialStatus::ok ? tuning_score(t.metrics.back(), select) : nlohmann::json();
        v.add(score);
    }
    return v;
}

// Adds the seeds if close where the choice is close, as the runner's second pass does (tuning.cpp): for every value
// under the full schedule, for the values that reached the budget under halving.
void add_close_seeds(std::vector<TunedValue>& values, const std::vector<std::vector<StoredTrial>>& extra, const std::string& select,
                     bool halving, double& steps, bool& estimated, double budget_steps) {
    if (!choice_margin(values, choose_value(values, select), select).close()) return;
    for (std::size_t v = 0; v < values.size(); ++v) {
        if (extra.empty() || (halving && (values[v].pruned_at > 0 || values[v].diverged > 0))) continue;
        if (extra[v].empty()) {
            estimated = true, steps += budget_steps * 2;  // not stored: at the budget, as two seeds (the committed studies' count)
            continue;
        }
        const TunedValue more = at_budget(values[v].value, extra[v], select);
        values[v].expected += more.expected, values[v].diverged += more.diverged;
        values[v].scores.insert(values[v].scores.end(), more.scores.begin(), more.scores.end());
        for (const StoredTrial& t : extra[v]) steps += steps_of(t);
    }
}

HalvingReplay::Cell replay_cell(const TuneSpec& tune, const StoredGroup& g, const std::vector<int>& rungs, int budget, double keep,
                                HalvingReplay& totals) {
    const std::string& select = tune.select;
    HalvingReplay::Cell cell;
    const double budget_steps = g.seeds.front().front().metrics.back().value("step", 0.0);
    // The full schedule: every value to the budget.
    std::vector<TunedValue> full;
    for (std::size_t v = 0; v < tune.values.size(); ++v) {
        full.push_back(at_budget(tune.values[v], g.seeds[v], select));
        for (const StoredTrial& t : g.seeds[v]) totals.full_steps += steps_of(t);
    }
    bool unused = false;
    add_close_seeds(full, g.extra, select, false, totals.full_steps, unused, budget_steps);
    // Halving on the stored rows: the steps each trial has trained so far.
    std::map<const StoredTrial*, double> trained;
    const auto advance = [&](std::size_t v, int epoch) {
        TunedValue value{tune.values[v], {}, static_cast<int>(g.seeds[v].size()), 0};
        for (const StoredTrial& t : g.seeds[v]) {
            const nlohmann::json row = metrics_row_at(t, epoch);
            const double reached = row.is_null() ? steps_of(t) : row.value("step", 0.0);
            totals.halving_steps += reached - trained[&t];
            trained[&t] = reached;
            const nlohmann::json score = tuning_score(row, select);
            value.add(score);
        }
        return value;
    };
    cell.stopped_at.assign(tune.values.size(), budget);
    halve(tune.values.size(), rungs, budget, keep, select, advance, [&](std::size_t v, int epoch) { cell.stopped_at[v] = epoch; });
    std::vector<TunedValue> halved;
    for (std::size_t v = 0; v < tune.values.size(); ++v) {
        halved.push_back(at_budget(tune.values[v], g.seeds[v], select));
        if (cell.stopped_at[v] < budget) halved.back().pruned_at = cell.stopped_at[v];
    }
    add_close_seeds(halved, g.extra, select, true, totals.halving_steps, cell.estimated, budget_steps);
    const int fc = choose_value(full, select), hc = choose_value(halved, select);
    if (fc >= 0) cell.full_choice = tune.values[static_cast<std::size_t>(fc)];
    if (hc >= 0) cell.halving_choice = tune.values[static_cast<std::size_t>(hc)];
    if (fc >= 0 && hc >= 0 && fc != hc) {
        const ChoiceMargin m = choice_margin({full[static_cast<std::size_t>(fc)], full[static_cast<std::size_t>(hc)]}, 0, select);
        cell.gap = m.gap, cell.standard_error = m.standard_error;
    }
    return cell;
}

}  // namespace

int HalvingReplay::agree() const {
    int n = 0;
    for (const Cell& c : cells) n += c.full_choice == c.halving_choice;
    return n;
}

int HalvingReplay::within_one_error() const {
    int n = 0;
    for (const Cell& c : cells) n += c.full_choice != c.halving_choice && std::isfinite(c.standard_error) && c.gap <= c.standard_error;
    return n;
}

HalvingReplay replay_halving(const std::filesystem::path& run_dir, const std::vector<int>& rungs, double keep) {
    const Config config = config_of_run(run_dir, read_manifest(run_dir));
    if (!config.tune) throw InputError(run_dir.string() + ": the study has no tune: stage to replay");
    const TuneSpec& tune = *config.tune;
    const Config& stage1 = *config.tuning_stage;
    const int budget = fewest_epochs(stage1);
    for (std::size_t i = 0; i < rungs.size(); ++i)
        if (const std::string problem = rung_problem(rungs[i], i > 0 ? rungs[i - 1] : 0, budget); !problem.empty())
            throw InputError("--rungs: " + problem);
    if (!(keep > 0 && keep < 1)) throw InputError("--keep: expected a fraction between 0 and 1");
    const TrialIds ids(stage1);
    std::vector<std::size_t> cells;
    for (std::size_t cell = 0; cell < stage1.cell_count(); ++cell) cells.push_back(cell);
    HalvingReplay replay;
    for (const auto& group : halving_groups(stage1, cells, tune)) {
        StoredGroup g;
        g.seeds.resize(tune.values.size());
        if (!tune.seeds_if_close.empty()) g.extra.resize(tune.values.size());
        for (const std::size_t cell : group) {
            const nlohmann::json values = stage1.cell_values(cell);
            const std::size_t v = tune.value_index(values);
            const bool extra = tune.if_close(values["seed"].get<std::int64_t>());
            const std::filesystem::path dir = run_dir / ids.id(cell);
            if (!std::filesystem::exists(dir / kSummaryFile)) {
                if (extra) continue;
                throw InputError(dir.string() + ": a tuning trial is not stored; the replay needs the whole tuning stage (" + values.dump() + ")");
            }
            StoredTrial t = read_trial(dir);
            if (t.summary.contains("pruned_at_epoch"))
                throw InputError(dir.string() + ": tuned with the halving schedule already; the replay needs the full schedule's trials");
            (extra ? g.extra : g.seeds)[v].push_back(std::move(t));
        }
        HalvingReplay::Cell c = replay_cell(tune, g, rungs, budget, keep, replay);
        c.values = nlohmann::json::parse(tuning_group(stage1.cell_values(group.front()), tune.axis));
        replay.cells.push_back(std::move(c));
    }
    return replay;
}

std::string halving_replay_text(const std::filesystem::path& run_dir, const HalvingReplay& r, const std::vector<int>& rungs, double keep) {
    std::ostringstream out;
    out << "halving replayed on " << run_dir.string() << ": rungs " << nlohmann::json(rungs).dump() << ", keep " << keep << "\n\n";
    out << "| cell | full schedule's choice | halving's choice | values stopped at epoch | gap ± its standard error |\n|---|---|---|---|---|\n";
    for (const auto& c : r.cells) {
        std::string label;
        for (const auto& [k, v] : c.values.items()) {
            if (!label.empty()) label.append(" ");
            label.append(v.is_string() ? v.get<std::string>() : v.dump());
        }
        std::string stopped;
        for (const int e : c.stopped_at) {
            if (!stopped.empty()) stopped.append(", ");
            stopped.append(std::to_string(e));
        }
        char gap[64] = "";
        if (c.full_choice != c.halving_choice && std::isfinite(c.gap)) std::snprintf(gap, sizeof gap, "%+.4f ± %.4f", c.gap, c.standard_error);
        out << "| " << label << " | " << c.full_choice.dump() << " | " << c.halving_choice.dump() << (c.estimated ? " (seeds if close estimated)" : "")
            << " | " << stopped << " | " << gap << " |\n";
    }
    char line[256];
    std::snprintf(line, sizeof line, "\n%d of %zu choices agree; %d of the other %zu within one standard error. Tuning steps: %.0f (halving) against %.0f (full), %.2fx less.\n",
                  r.agree(), r.cells.size(), r.within_one_error(), r.cells.size() - static_cast<std::size_t>(r.agree()), r.halving_steps, r.full_steps,
                  r.full_steps / r.halving_steps);
    out << line;
    return out.str();
}

}  // namespace actbench
