// The dataset kinds, each described once: its name, what it reads, the config keys it takes, and its loader.
// The config reader (which keys a kind accepts), prepare_data (which loader runs) and `actbench list datasets`
// all read this table; adding a kind is one row here and its loader in datasets/.
#pragma once

#include "dataset.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace actbench {

struct DatasetConfig;

struct DatasetKind {
    std::string_view name;
    std::string_view description;
    std::vector<std::string_view> keys;  // besides the keys every kind takes (kCommonDatasetKeys)
    bool subsets;  // takes train_subset and test_subset (kinds read from files)
    Dataset (*load)(const DatasetConfig& config);  // throws DataError; synthetic_shapes draws instead of reading
};

// Every kind takes these.
inline const std::vector<std::string_view> kCommonDatasetKeys{"kind", "normalize", "augment", "validation", "validation_seed"};

const std::vector<DatasetKind>& dataset_kinds();
const DatasetKind* lookup_dataset_kind(std::string_view name);  // nullptr for an unknown kind
std::string dataset_kind_names();  // "idx, cifar, …"

}  // namespace actbench
