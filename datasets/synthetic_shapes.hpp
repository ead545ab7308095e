// Synthetic shapes: grey images of one outlined or filled shape per image (circle, square, triangle, cross,
// ring, diamond) at a random position, size, rotation and stroke width, with Gaussian pixel noise, drawn
// with OpenCV. Deterministic from the seed (the draws come from actbench's own Rng), so it serves as data
// for tests and as a demo that needs no files.
#pragma once

#include "dataset.hpp"

#include <cstdint>

namespace actbench {

struct ShapesSpec {
    int classes = 4;  // 2..6, in the order listed above
    int train_count = 2000;  // images per split, classes balanced
    int test_count = 500;
    int size = 28;  // square images, pixels
    double noise = 8.0;  // std of the additive pixel noise, in grey levels
    std::uint64_t seed = 1;
};

// Throws std::invalid_argument for a spec outside the ranges above.
Dataset make_synthetic_shapes(const ShapesSpec& spec);

}  // namespace actbench
