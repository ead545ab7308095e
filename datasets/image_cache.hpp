// A decoded image folder cached as one binary file, so the next run does not decode every image again.
// The cache key covers the folder's file list (relative paths), sizes and modification times and the
// decoding settings; any change makes a new key. A cache file that cannot be read back is ignored (the folder
// is decoded again), so a corrupt cache never stops a run.
#pragma once

#include "dataset.hpp"

#include <filesystem>
#include <optional>
#include <string>

namespace actbench {

// The key of a folder's current contents with these settings (hex).
std::string image_folder_key(const std::string& dir, int size, int channels, double test_fraction);

std::optional<Dataset> read_dataset_cache(const std::filesystem::path& file);
// Writes atomically (temporary name, then rename). Throws DataError when the file cannot be written.
void write_dataset_cache(const std::filesystem::path& file, const Dataset& d);

}  // namespace actbench
