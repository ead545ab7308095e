// Adaptive seeds: rounds over the candidate cells, each adding seeds to the comparisons still undecided
// (stats/sequential.hpp) and deciding from what is stored after each round; then the confirmation seeds.
#include "core/error.hpp"
#include "run/plan.hpp"
#include "run/stages.hpp"
#include "stats/sequential.hpp"
#include "store/run_store.hpp"

#include <algorithm>
#include <cmath>
#include <iostream>
#include <map>
#include <set>

namespace actbench {

namespace {

// Adaptive seeds: rounds over the candidate cells, each adding seeds to the comparisons still undecided
// (sequential.hpp), deciding from what is stored after each round.
// An adaptive design's group: a cell's values but the seed, its trials by seed, its context (the values but the
// baseline's axis and the tuned one) and whether the rounds have decided it.
struct AdaptiveGroup {
    std::map<std::int64_t, std::size_t> cell_of_seed;
    std::string context;
    std::size_t first_cell = 0;  // the group's place in the config's order
    bool baseline = false;
    bool decided = false;
    bool alias = false;  // another name for an earlier group's function (sequential.hpp): not a comparison of its own
};

std::map<std::string, AdaptiveGroup> adaptive_groups(const Config& config, const Stage& candidates) {
    std::map<std::string, AdaptiveGroup> groups;
    for (const std::size_t cell : candidates.cells) {
        nlohmann::json key = candidates.grid.cell_values(cell);
        const std::int64_t seed = key["seed"].get<std::int64_t>();
        key.erase("seed");
        nlohmann::json context = key;
        context.erase(config.baseline_axis);
        if (config.tune) context.erase(config.tune->axis);
        const bool first = !groups.count(key.dump());
        AdaptiveGroup& g = groups[key.dump()];
        if (first) g.first_cell = cell;
        g.cell_of_seed[seed] = cell;
        g.context = context.dump();
        g.baseline = key.value(config.baseline_axis, nlohmann::json()) == config.baseline;
    }
    return groups;
}

// The outcome of each stored trial of `cells` (finished: its final test accuracy; diverged: the worst outcome), by
// group key and seed, from the run store; `missing` counts the trials not stored yet (other shards may still be
// running them).
std::map<std::string, SeedOutcomes> stored_outcomes(const std::filesystem::path& out, const Config& grid, const TrialIds& ids,
                                                    const std::vector<std::size_t>& cells, std::size_t& missing) {
    std::map<std::string, SeedOutcomes> outcomes;
    missing = 0;
    for (const std::size_t cell : cells) {
        const std::filesystem::path dir = out / ids.id(cell);
        nlohmann::json key = grid.cell_values(cell);
        const std::int64_t seed = key["seed"].get<std::int64_t>();
        key.erase("seed");
        try {
            if (!std::filesystem::exists(dir / kSummaryFile)) throw InputError("missing");
            const nlohmann::json summary = read_trial(dir).summary;  // damaged: missing, as run retrains it
            if (status_of(summary) == TrialStatus::ok)
                outcomes[key.dump()].add_finished(seed, summary["final_test_accuracy"].get<double>(),
                                                  summary.value("final_train_loss", nlohmann::json(NAN)).get<double>());
            if (status_of(summary) == TrialStatus::diverged) outcomes[key.dump()].add_diverged(seed);
        } catch (const InputError&) {
            ++missing;
        }
    }
    return outcomes;
}

// After the rounds: adaptive.confirm fresh seeds (sequential.hpp) for every decided comparison and the baseline of
// its context, as a stage of its own ("confirm"), so that the report can state each decided effect unbiased by
// where the rounds stopped.
RunTotals run_confirmation(const Config& config, const std::map<std::string, AdaptiveGroup>& groups, const RunOptions& options) {
    std::set<std::string> contexts, keys;
    std::size_t decided = 0;
    for (const auto& [key, g] : groups)
        if (!g.baseline && g.decided && !g.alias) contexts.insert(g.context), keys.insert(key), ++decided;
    for (const auto& [key, g] : groups)
        if (g.baseline && contexts.count(g.context)) keys.insert(key);
    if (keys.empty()) return {};
    const Config& confirm_grid = *config.confirmation_stage;
    std::vector<std::size_t> cells;
    for (const std::size_t cell : all_cells(confirm_grid)) {
        nlohmann::json key = confirm_grid.cell_values(cell);
        key.erase("seed");
        if (keys.count(key.dump())) cells.push_back(cell);
    }
    if (!options.quiet)
        std::cerr << "actbench: confirmation: " << config.adaptive->confirm << " fresh seeds for " << decided
                  << " decided comparison(s) and their baseline(s)\n";
    return run_stage(config, {confirm_grid, cells, "confirm"}, options);
}

// After the first round: mark the groups that are another name for an earlier group of their context (the baseline
// first, then in the config's order), from the first look's seeds. They take no further seeds and no comparison.
void mark_aliases(std::map<std::string, AdaptiveGroup>& groups, std::map<std::string, SeedOutcomes>& outcomes,
                  const std::vector<std::int64_t>& first_seeds) {
    std::map<std::string, std::vector<std::pair<std::size_t, std::string>>> by_context;  // (order, key)
    for (const auto& [key, g] : groups) by_context[g.context].emplace_back(g.baseline ? 0 : g.first_cell + 1, key);
    for (auto& [context, members] : by_context) {
        std::sort(members.begin(), members.end());
        std::vector<const SeedOutcomes*> sides;
        for (const auto& m : members) sides.push_back(&outcomes[m.second]);
        const std::vector<int> of = alias_of(sides, first_seeds);
        for (std::size_t i = 0; i < members.size(); ++i)
            if (of[i] >= 0) {
                AdaptiveGroup& g = groups.at(members[i].second);
                g.alias = g.decided = true;
            }
    }
}

}  // namespace

RunTotals run_adaptive(const Config& config, const Stage& candidates, const RunOptions& options) {
    const AdaptiveSpec& spec = *config.adaptive;
    const Config& grid = candidates.grid;
    const std::filesystem::path out = options.out.empty() ? std::filesystem::path(config.out) : options.out;
    std::vector<std::int64_t> seeds;
    for (const Axis& a : grid.axes)
        if (a.name == "seed")
            for (const auto& v : a.values) seeds.push_back(v.get<std::int64_t>());
    std::map<std::string, AdaptiveGroup> groups = adaptive_groups(config, candidates);
    double alpha = NAN;  // α/(m·K), once the first round has told which groups are aliases
    const TrialIds ids(grid);
    RunTotals totals;
    // Each round passes only the cells no earlier round of this invocation passed, so that a trial is counted once
    // (a resumed design said "1040 already done" of 548 stored); an earlier round's cells are done, failed or
    // interrupted by the time the next round starts.
    std::set<std::size_t> passed;
    for (int round = 0; round < spec.rounds(); ++round) {
        const int n = spec.seeds_at(round);
        std::set<std::string> open_contexts;
        for (const auto& [key, g] : groups)
            if (!g.baseline && !g.decided) open_contexts.insert(g.context);
        if (open_contexts.empty()) break;
        std::vector<std::size_t> cells;
        for (const auto& [key, g] : groups)
            if ((g.baseline && open_contexts.count(g.context)) || (!g.baseline && !g.decided))
                for (int i = 0; i < n; ++i)
                    if (g.cell_of_seed.count(seeds[static_cast<std::size_t>(i)]))
                        cells.push_back(g.cell_of_seed.at(seeds[static_cast<std::size_t>(i)]));
        if (!options.quiet) std::cerr << "actbench: round " << round + 1 << " of at most " << spec.rounds() << ": " << n << " seeds\n";
        std::vector<std::size_t> fresh;
        for (const std::size_t cell : cells)
            if (passed.insert(cell).second) fresh.push_back(cell);
        totals += run_stage(config, {grid, fresh, candidates.label}, options);
        if (totals.interrupted) return totals;
        // Decide from what is stored: every trial of this round must be there (other shards may still run).
        std::size_t missing = 0;
        auto outcomes = stored_outcomes(out, grid, ids, cells, missing);
        if (missing > 0) {
            totals.at = candidates.label + (candidates.label.empty() ? "" : ", ") + "round " + std::to_string(round + 1) + " of " +
                std::to_string(spec.rounds());
            totals.waiting = static_cast<int>(missing);
            if (!options.quiet)
                std::cerr << "actbench: " << missing << " trial(s) of round " << round + 1 << " are not in " << out.string()
                          << " yet (other shards?); run again when they are to decide and go on\n";
            return totals;
        }
        if (round == 0) {
            mark_aliases(groups, outcomes, std::vector<std::int64_t>(seeds.begin(), seeds.begin() + n));
            std::size_t comparisons = 0, aliases = 0;
            for (const auto& [key, g] : groups) comparisons += !g.baseline && !g.alias, aliases += g.alias;
            alpha = 0.05 / (static_cast<double>(std::max<std::size_t>(comparisons, 1)) * spec.rounds());
            if (aliases > 0 && !options.quiet)
                std::cerr << "actbench: " << aliases << " value(s) are another name for an earlier one (bit-identical trials): "
                          << comparisons << " comparison(s)\n";
        }
        std::map<std::string, std::string> baseline_of;
        for (const auto& [key, g] : groups)
            if (g.baseline) baseline_of[g.context] = key;
        int undecided = 0;
        for (auto& [key, g] : groups) {
            if (g.baseline || g.decided || !baseline_of.count(g.context)) continue;
            const SequentialResult r =
                run_rounds(spec, seeds, outcomes[key], outcomes[baseline_of[g.context]], config.paired_seeds, alpha, round);
            g.decided = r.decision != Decision::undecided;
            undecided += !g.decided;
        }
        if (!options.quiet) std::cerr << "actbench: after round " << round + 1 << ": " << undecided << " comparison(s) undecided\n";
    }
    if (spec.confirm > 0) totals += run_confirmation(config, groups, options);
    return totals;
}

}  // namespace actbench
