// Run directories written by hand, the way the trainer and runner write them, for tests of what reads them
// (report, export) without training anything.
#pragma once

#include "store/run_store.hpp"
#include "temp_dir.hpp"

#include <nlohmann/json.hpp>

#include <filesystem>
#include <string>

namespace actbench::test {

namespace fs = std::filesystem;
using nlohmann::json;

// A run directory written the way the trainer and runner write one, with the results given.
class FakeRun {
public:
    FakeRun(fs::path dir, json axes, std::string baseline = "relu", bool paired = false, json zip = json::array())
        : dir_(std::move(dir)), axes_(std::move(axes)) {
        fs::create_directories(dir_);
        json axis_list = json::array();
        for (auto it = axes_.begin(); it != axes_.end(); ++it) axis_list.push_back({{"name", it.key()}, {"values", *it}});
        json config{{"name", "fake"},
                    {"baseline", baseline},
                    {"train", {{"epochs", 2}, {"target", 0.25}}},
                    {"sweep", {{"axes", axis_list}, {"zip", zip}, {"exclude", json::array()}}}};
        if (paired) config["seeds"] = "paired";
        const json manifest{{"sweep", "fake"},
                            {"config_file", "fake.yaml"},
                            {"config", config},
                            {"config_hash", "0123456789abcdef"},
                            {"environment",
                             {{"actbench_version", "0.1.0"},
                              {"git_commit", "test"},
                              {"onednn_version", "2.6.3"},
                              {"opencv_version", "4.6.0"},
                              {"cpu_model", "test CPU"},
                              {"cpu_isa", "avx2"},
                              {"threads_per_trial", 1}}}};
        write_atomic(dir_ / "manifest.json", manifest.dump(2));
        write_atomic(dir_ / "runs.jsonl",
                     json{{"command", "actbench run fake.yaml"},
                          {"commit", "test"},
                          {"jobs", 2},
                          {"threads_per_trial", 1},
                          {"trials_finished", 0},
                          {"interrupted", false},
                          {"wall_seconds", 1.5}}
                             .dump() +
                         "\n");
    }

    // One trial: its value on every axis (the seed included), its final accuracy, the step it reached the
    // target at (null: never), its status.
    fs::path trial(const json& values, double accuracy, json steps_to_target = 40, const std::string& status = "ok") {
        std::string id = "t";
        id += std::to_string(count_++);
        const fs::path d = dir_ / id;
        fs::create_directories(d);
        json metrics;
        std::string lines;
        for (int epoch = 0; epoch <= 2; ++epoch) {
            const double acc = epoch == 2 ? accuracy : 0.1 + 0.3 * epoch;
            json row{{"epoch", epoch},
                     {"step", 30 * epoch},
                     {"test_loss", 2.0 - 0.5 * epoch},
                     {"test_accuracy", acc},
                     {"probe_loss", 2.0 - 0.5 * epoch},
                     {"probe_accuracy", acc},
                     {"zero_fraction", {0.5, 0.5 + 0.1 * epoch}},
                     {"dead_fraction", {0.0, 0.05 * epoch}},
                     {"inactive_fraction", {nullptr, nullptr}},
                     {"saturated_fraction", {0.5, 0.5}},
                     {"mean", {0.3, 0.2}},
                     {"mean_abs", {0.3, 0.2}},
                     {"second_moment", {0.2, 0.1}},
                     {"pre_mean", {0.0, 0.0}},
                     {"pre_std", {1.0, 1.0}}};
            if (epoch > 0)
                row["train_loss"] = 1.5 - 0.4 * epoch, row["train_accuracy"] = acc + 0.02, row["grad_norm"] = {0.1, 0.2},
                row["grad_ratio"] = 0.5;
            lines += row.dump() + "\n";
        }
        write_atomic(d / "metrics.jsonl", lines);
        write_atomic(d / "timing.jsonl",
                     json{{"epoch", 1}, {"eval_seconds", 0.1}, {"train_seconds", 1.0}, {"train_images_per_second", 900.0}}.dump() + "\n");
        json summary{{"id", id},
                     {"status", status},
                     {"axes", values},
                     {"settings", json::object()},
                     {"epochs_completed", 2},
                     {"steps", 60},
                     {"final_test_accuracy", accuracy},
                     {"best_test_accuracy", accuracy},
                     {"final_train_loss", 0.7},
                     {"zero_fraction_init", 0.5},
                     {"zero_fraction_final", 0.6},
                     {"dead_fraction_final", 0.05},
                     {"inactive_fraction_final", nullptr},
                     {"saturated_fraction_final", 0.5},
                     {"grad_norm_first_step", {0.1, 0.2}},
                     {"grad_ratio_first_step", 0.5},
                     {"target_train_error", 0.25},
                     {"epochs_to_target", steps_to_target.is_null() ? json(nullptr) : json(1)},
                     {"steps_to_target", steps_to_target},
                     {"train_loss_auc", 1.8}};
        if (status == "diverged") summary["diverged_step"] = 45;
        write_atomic(d / "summary.json", summary.dump(2));
        return d;
    }

    const fs::path& dir() const { return dir_; }

private:
    fs::path dir_;
    json axes_;
    int count_ = 0;
};

}  // namespace actbench::test
