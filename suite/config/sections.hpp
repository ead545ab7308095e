// The settings a trial is made of, as plain types: the dataset, the model and the training sections (what
// settings_schema.hpp describes key by key). No reader and no writer here, so the layers below the config reader
// (the dataset kinds, the trainer) can name them without including it.
#pragma once

#include "dataset.hpp"  // Augmentation
#include "model_zoo.hpp"
#include "onednn.hpp"
#include "optimizer.hpp"

#include <cstdint>
#include <string>

namespace actbench {

struct DatasetConfig {
    std::string kind = "idx";  // idx | cifar | image_folder | opencv_digits | synthetic_shapes
    // idx, cifar, image_folder, opencv_digits
    std::string path = "/usr/share/datasets/fashion-mnist";
    int classes = 10;  // idx
    std::string labels = "fine";  // cifar (CIFAR-100): fine | coarse
    int channels = 1;  // image_folder: 1 (grey) or 3 (colour)
    double test_fraction = 0.2;  // image_folder without train/test folders, opencv_digits
    double validation = 0;  // a fraction of the training split held out for validation (stratified)
    std::uint64_t validation_seed = 1;  // which images: the same for every trial of a config
    // 0: all; N ≥ 1: the first N/classes images of each class; 0 < f < 1: that fraction of the split, taken
    // the same class-balanced way.
    double train_subset = 0;
    double test_subset = 0;
    std::string normalize = "standard";  // none | unit | standard
    Augmentation augment;  // training batches only; off by default
    // synthetic_shapes; size also for image_folder
    int train_count = 2000, test_count = 500, size = 28;
    double noise = 8.0;
    std::uint64_t seed = 1;
};

struct TrainConfig {
    int epochs = 3;
    int batch = 64;
    double lr = 0.05;
    OptimizerSpec optimizer;
    ScheduleSpec schedule;
    double l1_activation = 0;  // λ of an L1 penalty λ·mean over the batch of Σ|a| on activation outputs
    // > 0: a mini-batch mean training loss above this stops the trial as diverged, like NaN/Inf (which always does)
    double diverge_loss = 0;
    double target = 0.25;  // training error whose first crossing measures convergence speed
    int eval_every = 0;  // > 0: also evaluate every this many steps (a finer convergence curve)
    int probe = 512;  // training images (the first of the training set) for sparsity statistics
    Precision precision = Precision::fp32;  // fp32 | bf16 (mixed precision; onednn.hpp)
};

// The settings a trial shares with the config apart from activation, init, bias and seed: the sections
// after the dotted-path axes' values are put in.
struct Sections {
    DatasetConfig dataset;
    ModelSpec model = ModelSpec::make("lenet");
    TrainConfig train;
};

}  // namespace actbench
