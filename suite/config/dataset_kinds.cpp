#include "config/dataset_kinds.hpp"

#include "config/sections.hpp"
#include "idx.hpp"
#include "image_formats.hpp"
#include "synthetic_shapes.hpp"

namespace actbench {

const std::vector<DatasetKind>& dataset_kinds() {
    static const std::vector<DatasetKind> table{
        {.name = "idx",
         .description = "MNIST-style IDX files, raw or gzip: {train,t10k}-{images-idx3,labels-idx1}-ubyte[.gz]",
         .keys = {"path", "classes"},
         .subsets = true,
         .load = [](const DatasetConfig& c) { return load_idx_directory(c.path, c.classes); }},
        {.name = "cifar",
         .description = "CIFAR-10 (data_batch_1..5.bin, test_batch.bin) or CIFAR-100 (train.bin, test.bin)",
         .keys = {"path", "labels"},
         .subsets = true,
         .load = [](const DatasetConfig& c) { return load_cifar(c.path, c.labels); }},
        {.name = "image_folder",
         .description = "one sub-folder per class (or train/ and test/ with them), any format OpenCV reads",
         .keys = {"path", "size", "channels", "test_fraction"},
         .subsets = true,
         .load = [](const DatasetConfig& c) { return load_image_folder(c.path, c.size, c.channels, c.test_fraction); }},
        {.name = "opencv_digits",
         .description = "OpenCV's digits.png: 5,000 digits of 20x20 (Debian opencv-doc)",
         .keys = {"path", "test_fraction"},
         .subsets = true,
         .load = [](const DatasetConfig& c) { return load_opencv_digits(c.path, c.test_fraction); }},
        {.name = "synthetic_shapes",
         .description = "shapes drawn with OpenCV, deterministic from the seed; needs no files",
         .keys = {"classes", "train_count", "test_count", "size", "noise", "seed"},
         .subsets = false,
         .load =
             [](const DatasetConfig& c) {
                 return make_synthetic_shapes(ShapesSpec{c.classes, c.train_count, c.test_count, c.size, c.noise, c.seed});
             }},
    };
    return table;
}

const DatasetKind* lookup_dataset_kind(std::string_view name) {
    for (const auto& k : dataset_kinds())
        if (k.name == name) return &k;
    return nullptr;
}

std::string dataset_kind_names() {
    std::string names;
    for (const auto& k : dataset_kinds()) names += (names.empty() ? "" : ", ") + std::string(k.name);
    return names;
}

}  // namespace actbench
