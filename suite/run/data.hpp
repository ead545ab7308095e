// From a dataset config to the arrays a trainer reads: the dataset (subsets applied), the normaliser
// fitted on its training split, and the probe set.
#pragma once

#include "config/config.hpp"
#include "dataset.hpp"
#include "network.hpp"

#include <filesystem>
#include <vector>

namespace actbench {

struct PreparedData {
    Dataset data;
    Normalizer normalizer;
    std::vector<std::size_t> train_indices;  // 0..train.count()-1
    std::vector<std::size_t> test_indices;
    ImageSet validation;  // held out of the training split (empty unless dataset.validation > 0)
    std::vector<std::size_t> validation_indices;
};

// Throws InputError naming the file and what was wrong. With a cache directory, an image folder is decoded
// once into a cache file there and read back from it while the folder stays the same.
PreparedData prepare_data(const DatasetConfig& config, const std::filesystem::path& cache_dir = {});

// The network input a dataset config gives (channels, size, classes); for IDX data this loads the files.
InputShape dataset_input_shape(const DatasetConfig& config);

}  // namespace actbench
