// The sweep configuration: a YAML file, validated and typed before anything runs.
//
//   name: quick                     # the sweep's name; runs go to runs/<name> unless out: says otherwise
//   dataset: {kind: idx, path: DIR, classes: 10, train_subset: N, test_subset: N, normalize: standard}
//          | {kind: synthetic_shapes, classes: 4, train_count: N, test_count: N, size: 28, noise: 8, seed: 1}
//   model:   {name: lenet, conv1: 32, conv2: 64, dense: 128, kernel: 5, padding: 2, batchnorm: none, dropout: 0, widen: 1}
//            (families and their parameters: model_zoo.hpp, `actbench list models`)
//   train:   {epochs: 3, batch: 64, lr: 0.05, optimizer: momentum, momentum: 0.9, weight_decay: 0, clip_norm: 0,
//             schedule: constant | {kind: step|cosine, step_epochs, gamma, warmup_epochs}, l1_activation: 0, diverge_loss: 0,
//             probe: 512}
//   inits:   {he_out: {base: he_normal, mode: fan_out}}
//   activations: {very_leaky: {base: leaky_relu, slope: 0.18}, swish_1702: {expr: "x * sigmoid(1.702 * x)"}}
//   sweep:   {activation: [...], init: [...], bias: [0, 0.1, none, {default: 0, dense1: 1}], seed: [1, 2],
//             train.lr: [0.01, 0.1], model.batchnorm: [none, after], ...,     (any setting by its dotted path)
//             zip: [[train.lr, train.momentum]], exclude: [{activation: sigmoid, train.lr: 0.1}]}
//   extends: base.yaml              (start from another config; maps merge, other values replace)
//   out: runs/quick
//
// Every error names the file, line and column and what was expected; unknown keys suggest the closest
// valid one.
#pragma once

#include "config/grid.hpp"
#include "config/sections.hpp"
#include "dataset.hpp"
#include "network.hpp"
#include "optimizer.hpp"
#include "stats/sequential.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace actbench {

struct SweepAxes {
    std::vector<std::string> activation{"relu"};
    std::vector<std::string> init{"he_normal"};
    std::vector<BiasSetting> bias{BiasSetting{}};  // a number, none, or {default: x, LAYER: y}
    std::vector<std::int64_t> seed{1};
};

// tune: each cell's value of one setting chosen on a validation split before its final seeds run.
struct TuneSpec {
    std::string axis;  // a dotted path: train.lr
    std::vector<nlohmann::json> values;  // as the grid holds them
    std::vector<std::int64_t> seeds;  // the tuning seeds, never among the final ones
    // More tuning seeds for the cells whose choice on `seeds` is too close to call (tuning_choice.hpp): trained
    // after them, for every value of those cells, which then choose on all their seeds. Empty: none.
    std::vector<std::int64_t> seeds_if_close;
    std::string select = "validation_accuracy";  // or validation_loss
    // schedule: halving (successive halving; Jamieson & Talwalkar 2016, Li et al. 2018): every value trains to the
    // first rung (an epoch count), the values whose mean score there ranks in the best `keep` fraction (at least two)
    // continue to the next, and so on; the last rung is the budget (train.epochs). Empty rungs: every value trains
    // the whole budget (schedule: full).
    std::vector<int> rungs;
    double keep = 0.5;
    bool halving() const { return !rungs.empty(); }
    // The index in `values` of a cell's value of the axis (its grid values, as cell_values gives them).
    std::size_t value_index(const nlohmann::json& cell_values) const {
        return static_cast<std::size_t>(std::find(values.begin(), values.end(), cell_values.at(axis)) - values.begin());
    }
    bool if_close(std::int64_t seed) const { return std::find(seeds_if_close.begin(), seeds_if_close.end(), seed) != seeds_if_close.end(); }
};

struct Config {
    std::string file;  // where it was read from, for messages
    std::string name = "sweep";
    // Activations defined in the config: named parameterisations ({base: leaky_relu, slope: 0.18}) and
    // formulas ({expr: "x * sigmoid(beta * x)", params: {beta: 1.702}}), usable in sweep.activation.
    std::map<std::string, ActivationSpec> activations;
    // Initialisers defined in the config: {base: he_normal, mode: fan_out, gain: 1.2}.
    std::map<std::string, InitSpec> inits;
    // Every name of sweep.activation and sweep.init resolved once by the reader (the config's definition, or the
    // built-in with its defaults), so that the plan looks names up instead of calling back into the reader. Not
    // part of the config's canonical settings (config_json): activations and inits are.
    std::map<std::string, ActivationSpec> sweep_activations;
    std::map<std::string, InitSpec> sweep_inits;
    DatasetConfig dataset;
    ModelSpec model = ModelSpec::make("lenet");
    TrainConfig train;
    SweepAxes sweep;
    std::string out;  // run directory; default runs/<name>
    // Pin oneDNN's instruction set (sse41, avx, avx2, avx512_core, avx512_core_vnni, avx512_core_bf16), so
    // results repeat across CPU generations; empty: the best the CPU has.
    std::string isa;
    // The value the report compares the others of its axis with (difference, intervals, Welch's p, Holm):
    // `baseline: relu` (an activation) or `baseline: {AXIS: VALUE}` for another axis ({bias: 0}, {init:
    // he_normal}, {train.lr: 0.01}). Null: none (the report then ranks without testing).
    // seeds: paired (the default) or independent. Paired: trials with the same seed and dataset share their data
    // order, augmentation and dropout draws, and their initial weights wherever a layer has the same shape
    // (common random numbers), so differences between them are paired. Independent: every stream is keyed
    // by the trial's own id (actbench's behaviour before pairing; those trials keep their ids and numbers).
    bool paired_seeds = true;
    std::string baseline_axis = "activation";
    nlohmann::json baseline;

    // The grid: axes in the order the file gives them (the first varies slowest; activation, init, bias and
    // seed are always axes, with one value when the file does not sweep them), zip groups that move
    // together, exclusions, and every cell that remains, in order.
    std::vector<Axis> axes;
    std::vector<std::vector<std::string>> zip;
    nlohmann::json exclude = nlohmann::json::array();
    // The cells, compactly (a sweep may have a million): cell i's value index on axis a is
    // cell_value_index[i·axes.size() + a]; its sections (dataset, model, train with the dotted-path axes' values
    // put in) are variants[cell_variant[i]], one per distinct combination of those values.
    std::vector<std::uint32_t> cell_value_index;
    std::vector<std::uint32_t> cell_variant;
    std::vector<Sections> variants;

    std::size_t cell_count() const { return cell_variant.size(); }
    // The value of every axis in cell i: {"activation": "relu", "train.lr": 0.1, ...}
    nlohmann::json cell_values(std::size_t i) const;
    const nlohmann::json& cell_value(std::size_t i, std::size_t axis) const {
        return axes[axis].values[cell_value_index[i * axes.size() + axis]];
    }
    const Sections& cell_sections(std::size_t i) const { return variants[cell_variant[i]]; }

    // With tune: the two stages as grids of their own (the tuned axis an axis of both): stage 1 over the
    // tuning seeds, stage 2's candidates over the sweep's seeds (one value per cell is run: see tuning.hpp).
    std::optional<TuneSpec> tune;
    // adaptive: {min, max, step, margin}: seeds 1..max in rounds, each comparison with the baseline stopping when
    // decided (sequential.hpp). The grid's seed axis is 1..max; the runner runs the rounds.
    std::optional<AdaptiveSpec> adaptive;
    std::shared_ptr<const Config> tuning_stage, final_stage;
    // adaptive.confirm: the grid over the confirmation seeds (the final stage's axes otherwise), for the runner to
    // train the decided comparisons' cells of.
    std::shared_ptr<const Config> confirmation_stage;
};

// The fewest train.epochs of a grid's cells: tune's halving rungs must lie below it (the budget they end at).
int fewest_epochs(const Config& grid);
// What is wrong with a halving rung after `previous` (0 for the first) under a budget of epochs, or "" when nothing:
// rungs are whole epochs from 1, increasing, below the budget. The config's tune.rungs and `halving --rungs` both
// check with it.
std::string rung_problem(int rung, int previous, int budget);

// Reads and validates; throws InputError ("FILE:LINE:COL: ...").
Config load_config(const std::string& path);
Config parse_config(const std::string& text, const std::string& file);

// A name from sweep.activation: defined in the config's activations:, or a built-in with its defaults.
ActivationSpec resolve_activation(const Config& c, const std::string& name);
InitSpec resolve_init(const Config& c, const std::string& name);

}  // namespace actbench
