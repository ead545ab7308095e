// Image datasets beyond IDX: CIFAR binary batches, folders of images (any format OpenCV reads), and OpenCV's
// digits.png sheet. Every error names the file (and byte offset or image) and what was expected.
#pragma once

#include "dataset.hpp"
#include "idx.hpp"  // DataError

#include <cstdint>
#include <string>

namespace actbench {

// CIFAR-10 (data_batch_1..5.bin, test_batch.bin: records of 1 label + 3072 pixel bytes, planes R, G, B of
// 32×32) or CIFAR-100 (train.bin, test.bin: coarse label, fine label, 3072 bytes), Krizhevsky 2009.
// `labels`: "fine" (100 classes) or "coarse" (20) for CIFAR-100; ignored for CIFAR-10.
Dataset load_cifar(const std::string& dir, const std::string& labels = "fine");
// One CIFAR batch file (record_size 3073 for CIFAR-10, 3074 for CIFAR-100; label_offset picks the label byte).
ImageSet parse_cifar(const std::vector<std::uint8_t>& bytes, const std::string& path, std::size_t record_size, std::size_t label_offset,
                     int classes);

// One sub-folder per class (names sorted give the class indices), images resized to size×size with area
// interpolation, 1 (grey) or 3 (colour) channels. With train/ and test/ sub-folders those are the splits;
// otherwise every class keeps its first (1 − test_fraction) of images (by sorted file name) for training.
Dataset load_image_folder(const std::string& dir, int size, int channels, double test_fraction);

// OpenCV's digits.png (samples/data in opencv-doc): 5,000 handwritten digits of 20×20 in a 100×50 grid, 500
// per class in row bands of 5. Every class keeps its first (1 − test_fraction) for training.
Dataset load_opencv_digits(const std::string& path, double test_fraction);

}  // namespace actbench
