// tune: {schedule: halving}: a tuning group (one cell's values × tuning seeds) is one unit of work, trained side
// by side in one worker so that a value going on to the next rung trains on from where it stopped (a training
// state held in memory, not a retrain from its seed: a retrain would spend again the epochs the rungs already paid
// for; five values with rungs [1, 3] of 5 epochs cost 15 value-epochs trained on, 24 retrained, of the full 25).
// An interrupted group starts again; what it stored (the values pruned so far) is read back, and the training is
// deterministic, so the rungs decide as they did.
#include "run/halving.hpp"

#include "core/error.hpp"
#include "run/plan.hpp"
#include "run/tuning.hpp"

#include <map>

namespace actbench {

namespace {

// One trial of a group: its stored result where that reaches the epoch asked for, else trained in memory.
class Candidate {
public:
    // resume false (run --no-resume): what is stored is trained again.
    Candidate(Trial trial, const PreparedData& data, std::filesystem::path dir, bool resume)
        : trial_(std::move(trial)), data_(data), dir_(std::move(dir)) {
        try {
            if (resume && std::filesystem::exists(dir_ / kSummaryFile)) stored_ = read_trial(dir_);
        } catch (const InputError&) {  // damaged: trained again
        }
    }
    const Trial& trial() const { return trial_; }
    bool stored() const { return stored_.has_value(); }

    // The metrics row at the end of `epoch`; null when the trial diverged before it, or training was interrupted.
    nlohmann::json row_at(int epoch, const std::atomic<bool>* stop) {
        if (stored_) {
            if (nlohmann::json row = metrics_row_at(*stored_, epoch); !row.is_null()) return row;
            if (status_of(stored_->summary) != TrialStatus::ok) return nullptr;
            stored_.reset();  // pruned before this epoch by another schedule's run: train it
        }
        if (!live_) live_ = std::make_unique<SteppedTrial>(trial_, data_, dir_);
        if (!live_->advance_to(epoch, stop)) return nullptr;
        if (live_->status() != TrialStatus::ok) return nullptr;
        return live_->last_row();
    }
    // Stores a trained trial (pruned: at the epoch it reached); nullopt for a stored one or an interrupted run.
    std::optional<TrialOutcome> finish(bool pruned) {
        if (!live_) return std::nullopt;
        const bool diverged = live_->status() != TrialStatus::ok;
        TrialOutcome outcome = live_->finish(pruned && !diverged ? std::optional<int>(live_->epochs_done()) : std::nullopt);
        live_.reset();  // its memory goes back before the survivors train on
        return outcome;
    }

private:
    Trial trial_;
    const PreparedData& data_;
    std::filesystem::path dir_;
    std::optional<StoredTrial> stored_;
    std::unique_ptr<SteppedTrial> live_;
};

}  // namespace

std::string halving_group_id(const Config& stage1, std::size_t cell, const std::string& axis) {
    return trial_id(nlohmann::json{{"halving_group", tuning_group(stage1.cell_values(cell), axis)}});
}

std::vector<std::vector<std::size_t>> halving_groups(const Config& stage1, const std::vector<std::size_t>& cells, const TuneSpec& tune) {
    std::map<std::string, std::vector<std::size_t>> by_key;
    std::vector<std::string> order;
    for (const std::size_t cell : cells) {
        const std::string key = tuning_group(stage1.cell_values(cell), tune.axis);
        if (!by_key.count(key)) order.push_back(key);
        by_key[key].push_back(cell);
    }
    std::vector<std::vector<std::size_t>> groups;
    for (const std::string& key : order) groups.push_back(by_key[key]);
    return groups;
}

bool train_halving_group(const Config& stage1, const TuneSpec& tune, const std::vector<std::size_t>& cells, const PreparedData& data,
                         const std::filesystem::path& out, bool resume, const std::atomic<bool>* stop,
                         const std::function<Trial(std::size_t cell)>& make,
                         const std::function<void(const Trial&, const TrialOutcome&)>& stored) {
    // Candidates by value (the config's order), each with its seeds; all made before any trains (a live trial
    // refers to its candidate's Trial, so the vectors must not grow after).
    std::vector<std::vector<Candidate>> by_value(tune.values.size());
    int budget = 0;
    for (const std::size_t cell : cells) {
        Trial t = make(cell);
        budget = t.train.epochs;
        const std::size_t v = tune.value_index(stage1.cell_values(cell));
        const std::filesystem::path dir = out / t.id;
        by_value.at(v).emplace_back(std::move(t), data, dir, resume);
    }
    bool interrupted = false;
    const auto advance = [&](std::size_t v, int epoch) {
        TunedValue value{tune.values[v], {}, static_cast<int>(by_value[v].size()), 0};
        for (Candidate& c : by_value[v]) {
            const nlohmann::json row = c.row_at(epoch, stop);
            interrupted |= stop && stop->load();
            const nlohmann::json score = tuning_score(row, tune.select);
            value.add(score);
        }
        return value;
    };
    const auto finish = [&](std::size_t v, bool pruned) {
        if (interrupted) return;
        for (Candidate& c : by_value[v])
            if (const auto outcome = c.finish(pruned)) stored(c.trial(), *outcome);
    };
    halve(tune.values.size(), tune.rungs, budget, tune.keep, tune.select, advance, [&](std::size_t v, int) { finish(v, true); });
    for (std::size_t v = 0; v < by_value.size(); ++v) finish(v, false);  // the survivors (the pruned are finished already)
    return !interrupted;
}

double halving_share(const Config& config) {
    const TuneSpec& t = *config.tune;
    return t.halving() ? halving_fraction(t.values.size(), t.rungs, fewest_epochs(*config.tuning_stage), t.keep) : 1.0;
}

}  // namespace actbench
