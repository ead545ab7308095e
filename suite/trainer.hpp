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
// Training drops the last partial mini-batch of each epoch (the order is reshuffled every epoch).
#pragma once

#include "data.hpp"
#include "network.hpp"
#include "plan.hpp"

#include <atomic>
#include <filesystem>
#include <nlohmann/json.hpp>

namespace actbench {

struct TrialOutcome {
    std::string status;  // ok | diverged | interrupted
    nlohmann::json summary;
    double seconds = 0;
};

// Throws InputError when the trial cannot run on this data (e.g. fewer training images than one batch).
// Returns "interrupted" without writing summary.json when *stop becomes true.
TrialOutcome run_trial(const Trial& trial, const PreparedData& data, const std::filesystem::path& dir,
                       const std::atomic<bool>* stop = nullptr);

struct ProbeStats {
    double loss = 0, accuracy = 0;
    std::vector<double> zero_fraction;
    std::vector<double> dead_fraction;  // NaN where the activation is not a rectifier
};

// Loss and accuracy of `net` on `set` (padded last batch); with want_sparsity, per-activation statistics.
ProbeStats evaluate(Network& net, const ImageSet& set, const std::vector<std::size_t>& indices,
                    const Normalizer& norm, bool want_sparsity);

}  // namespace actbench
