// Trains one trial and writes its files to the run store.
//
// Per epoch (and at epoch 0, the initialisation) one line of metrics.jsonl:
//   train_loss, train_accuracy  — running means over the epoch's mini-batches (absent at epoch 0)
//   test_loss, test_accuracy    — the whole test split
//   probe_loss, probe_accuracy  — a fixed probe set: the first `probe` training images, the same for every
//                                 trial of a sweep
//   zero_fraction[l]            — fraction of exact zeros in activation layer l's output over the probe set
//   dead_fraction[l]            — rectifiers only: fraction of units (channels of a conv layer, neurons of a
//                                 dense layer) whose pre-activation is ≤ 0 for every probe image; they pass
//                                 no gradient. null for other activations.
//   inactive_fraction[l]        — the others: units with |f′| < 1e-3 on every probe image (null for rectifiers)
//   saturated_fraction[l]       — elements with |f′| < 1e-3
//   mean, mean_abs, second_moment[l] — of the layer's output over the probe set
//   pre_mean, pre_std[l]        — of the layer's pre-activation over the probe set (null for maxout)
//   prelu_slope[l]              — PReLU: the mean learned slope
//   grad_norm[k], grad_ratio    — L2 norm of each weighted layer's weight gradient at the epoch's last step,
//                                 and first layer / last layer (vanishing gradients show as ≪ 1)
// The summary adds the same gradient norms at the first step, steps/epochs to the target training error
// (the error over the last epoch's worth of mini-batches, step by step; censored when never reached) and the
// area under the training-loss curve.
// Training drops the last partial mini-batch of each epoch (the order is reshuffled every epoch).
#pragma once

#include "network.hpp"
#include "run/data.hpp"
#include "run/plan.hpp"
#include "store/run_store.hpp"

#include <atomic>
#include <filesystem>
#include <memory>
#include <optional>
#include <nlohmann/json.hpp>

namespace actbench {

struct TrialOutcome {
    TrialStatus status = TrialStatus::ok;  // ok or diverged (a failure is an exception)
    bool interrupted = false;  // stopped before the end: nothing is stored
    nlohmann::json summary;
    double seconds = 0;
};

// Throws InputError when the trial cannot run on this data (e.g. fewer training images than one batch).
// Returns "interrupted" without writing summary.json when *stop becomes true.
TrialOutcome run_trial(const Trial& trial, const PreparedData& data, const std::filesystem::path& dir,
                       const std::atomic<bool>* stop = nullptr);

class TrialRun;

// A trial trained epoch by epoch: tune's halving schedule holds a cell's values side by side and stops the worse
// ones at each rung. Training on is the same loop as run_trial's (the learning-rate schedule always spans the
// whole budget), so a trial that reaches its budget this way has the bits of one trained in one go.
class SteppedTrial {
public:
    SteppedTrial(const Trial& trial, const PreparedData& data, const std::filesystem::path& dir);
    ~SteppedTrial();
    SteppedTrial(const SteppedTrial&) = delete;
    SteppedTrial& operator=(const SteppedTrial&) = delete;
    // Trains on to the end of `epoch` (at most the budget), or until the trial diverges; false when *stop
    // interrupted it (nothing is stored).
    bool advance_to(int epoch, const std::atomic<bool>* stop);
    TrialStatus status() const;
    int epochs_done() const;
    const nlohmann::json& last_row() const;  // the latest metrics row
    // Writes the summary; pruned_at: the epoch at which halving stopped the trial (recorded as pruned_at_epoch).
    TrialOutcome finish(std::optional<int> pruned_at);

private:
    const Trial& trial_;
    std::unique_ptr<TrialRun> run_;
};

// The ε of the flat-region definitions: an element is saturated, and a unit inactive, where |f′(x)| < ε.
inline constexpr double kFlatEpsilon = 1e-3;

struct ProbeStats {
    double loss = 0, accuracy = 0;
    // Per activation layer:
    std::vector<double> zero_fraction;  // exact zeros in the output
    std::vector<double> dead_fraction;  // rectifiers: units with pre-activation ≤ 0 on every probe image; else NaN
    std::vector<double> inactive_fraction;  // others: units with |f′| < ε on every probe image; rectifiers, maxout: NaN
    std::vector<double> saturated_fraction;  // elements with |f′| < ε (maxout: NaN)
    std::vector<double> mean, mean_abs, second_moment;  // of the output
    std::vector<double> pre_mean, pre_std;  // of the pre-activation (maxout: NaN)
    std::vector<double> prelu_slope;  // mean learned slope (PReLU layers; NaN for others)
    // A formula's learned parameters, by name: per activation layer the mean and the standard deviation over its
    // channels of the parameter's value (not its raw value); NaN for a layer that does not learn it.
    struct Spread {
        std::vector<double> mean, std;
    };
    std::map<std::string, Spread> learned;
};

// Loss and accuracy of `net` on `set` (padded last batch); with want_sparsity, per-activation statistics.
ProbeStats evaluate(Network& net, const ImageSet& set, const std::vector<std::size_t>& indices, const Normalizer& norm, bool want_sparsity);

}  // namespace actbench
