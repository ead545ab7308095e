// In-memory image datasets: uint8 pixels in NCHW order plus int32 labels, converted to float per batch.
// Fashion-MNIST (70,000 images of 28×28) is 55 MB resident this way.
#pragma once

#include "rng.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace actbench {

struct ImageSet {
    int channels = 1, height = 0, width = 0;
    std::vector<std::uint8_t> pixels;  // count × channels × height × width
    std::vector<std::int32_t> labels;  // count
    std::size_t count() const { return labels.size(); }
    std::size_t image_size() const { return static_cast<std::size_t>(channels) * height * width; }
    const std::uint8_t* image(std::size_t i) const { return pixels.data() + i * image_size(); }
};

struct Dataset {
    std::string name;
    int classes = 0;
    std::vector<std::string> class_names;
    ImageSet train, test;
};

// The images of `set` at `indices`, in that order (a subset or a permutation).
ImageSet select(const ImageSet& set, const std::vector<std::size_t>& indices);

// The first ⌊n/classes⌋ images of every class (the first n mod classes classes get one more), in file
// order: deterministic, class-balanced, and the same for every trial. n ≥ count returns all indices.
std::vector<std::size_t> stratified_head(const ImageSet& set, int classes, std::size_t n);

// Per-channel affine map from uint8 to float: x ↦ x·scale[c] + shift[c].
struct Normalizer {
    std::vector<float> scale, shift;
};
// "none": x; "unit": x/255; "standard": (x/255 − mean_c)/std_c with the set's per-channel statistics.
// Throws std::invalid_argument for another name.
Normalizer make_normalizer(const ImageSet& train, const std::string& mode);

// Writes images indices[first .. first+rows) of `set` into `out` (batch × C × H × W floats, plain NCHW),
// and their labels into `labels`; rows past the end of `indices` are zero images with label 0 (padding).
void fill_batch(const ImageSet& set, const std::vector<std::size_t>& indices, std::size_t first, int batch, const Normalizer& norm,
                float* out, std::int32_t* labels);

// Training-time augmentation (off by default): a random crop — the image shifted by up to `crop_padding`
// pixels each way, zero (before normalisation) where it leaves the frame, i.e. padding then cropping back to
// size — and a horizontal flip with probability 1/2 (Krizhevsky et al. 2012). Draws come from the caller's
// Rng, so a trial's augmentations repeat exactly.
struct Augmentation {
    int crop_padding = 0;
    bool flip = false;
    bool active() const { return crop_padding > 0 || flip; }
};

// fill_batch, with each real row augmented in place afterwards (padding rows stay zero).
void fill_batch_augmented(const ImageSet& set, const std::vector<std::size_t>& indices, std::size_t first, int batch,
                          const Normalizer& norm, const Augmentation& aug, Rng& rng, float* out, std::int32_t* labels);

}  // namespace actbench
