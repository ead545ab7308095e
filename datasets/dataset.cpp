#include "dataset.hpp"

#include <cmath>
#include <cstring>
#include <stdexcept>

namespace actbench {

ImageSet select(const ImageSet& set, const std::vector<std::size_t>& indices) {
    ImageSet out;
    out.channels = set.channels;
    out.height = set.height;
    out.width = set.width;
    const std::size_t size = set.image_size();
    out.pixels.resize(indices.size() * size);
    out.labels.reserve(indices.size());
    for (std::size_t k = 0; k < indices.size(); ++k) {
        std::memcpy(out.pixels.data() + k * size, set.image(indices[k]), size);
        out.labels.push_back(set.labels[indices[k]]);
    }
    return out;
}

std::vector<std::size_t> stratified_head(const ImageSet& set, int classes, std::size_t n) {
    std::vector<std::size_t> all(set.count());
    for (std::size_t i = 0; i < all.size(); ++i) all[i] = i;
    if (n >= set.count() || classes <= 0) return all;
    std::vector<std::size_t> quota(classes, n / classes);
    for (std::size_t c = 0; c < n % classes; ++c) ++quota[c];
    std::vector<std::size_t> picked;
    picked.reserve(n);
    for (std::size_t i = 0; i < set.count(); ++i) {
        const auto label = static_cast<std::size_t>(set.labels[i]);
        if (label < quota.size() && quota[label] > 0) {
            --quota[label];
            picked.push_back(i);
        }
    }
    return picked;
}

Normalizer make_normalizer(const ImageSet& train, const std::string& mode) {
    const int c = train.channels;
    Normalizer norm{std::vector<float>(c, 1.f), std::vector<float>(c, 0.f)};
    if (mode == "none") return norm;
    if (mode == "unit") {
        for (auto& s : norm.scale) s = 1.f / 255.f;
        return norm;
    }
    if (mode != "standard") throw std::invalid_argument("unknown normalize mode '" + mode + "' (valid: none, unit, standard)");
    const std::size_t plane = static_cast<std::size_t>(train.height) * train.width;
    for (int ch = 0; ch < c; ++ch) {
        double sum = 0, sum_sq = 0;
        for (std::size_t i = 0; i < train.count(); ++i) {
            const std::uint8_t* p = train.image(i) + ch * plane;
            for (std::size_t k = 0; k < plane; ++k) {
                sum += p[k];
                sum_sq += static_cast<double>(p[k]) * p[k];
            }
        }
        const double n = static_cast<double>(plane * train.count());
        const double mean = n > 0 ? sum / n / 255.0 : 0.0;
        const double var = n > 0 ? sum_sq / n / (255.0 * 255.0) - mean * mean : 0.0;
        const double sd = var > 1e-12 ? std::sqrt(var) : 1.0;
        norm.scale[ch] = static_cast<float>(1.0 / (255.0 * sd));
        norm.shift[ch] = static_cast<float>(-mean / sd);
    }
    return norm;
}

void fill_batch(const ImageSet& set, const std::vector<std::size_t>& indices, std::size_t first, int batch, const Normalizer& norm,
                float* out, std::int32_t* labels) {
    const std::size_t size = set.image_size();
    const std::size_t plane = static_cast<std::size_t>(set.height) * set.width;
    for (int r = 0; r < batch; ++r) {
        float* dst = out + r * size;
        const std::size_t k = first + r;
        if (k >= indices.size()) {
            std::fill(dst, dst + size, 0.f);
            labels[r] = 0;
            continue;
        }
        const std::uint8_t* src = set.image(indices[k]);
        for (int ch = 0; ch < set.channels; ++ch) {
            const float a = norm.scale[ch], b = norm.shift[ch];
            for (std::size_t p = 0; p < plane; ++p) dst[ch * plane + p] = src[ch * plane + p] * a + b;
        }
        labels[r] = set.labels[indices[k]];
    }
}

void fill_batch_augmented(const ImageSet& set, const std::vector<std::size_t>& indices, std::size_t first, int batch,
                          const Normalizer& norm, const Augmentation& aug, Rng& rng, float* out, std::int32_t* labels) {
    fill_batch(set, indices, first, batch, norm, out, labels);
    if (!aug.active()) return;
    const int h = set.height, w = set.width, c = set.channels;
    const std::size_t plane = static_cast<std::size_t>(h) * w;
    std::vector<float> copy(plane);
    for (int r = 0; r < batch && first + r < indices.size(); ++r) {
        const int p = aug.crop_padding;
        const int dy = p > 0 ? static_cast<int>(rng.below(2 * p + 1)) - p : 0;
        const int dx = p > 0 ? static_cast<int>(rng.below(2 * p + 1)) - p : 0;
        const bool flip = aug.flip && rng.uniform() < 0.5;
        for (int ch = 0; ch < c; ++ch) {
            float* img = out + (static_cast<std::size_t>(r) * c + ch) * plane;
            std::copy(img, img + plane, copy.begin());
            const float outside = norm.shift[ch];  // a raw 0 pixel after normalisation
            for (int y = 0; y < h; ++y)
                for (int x = 0; x < w; ++x) {
                    const int sx = (flip ? w - 1 - x : x) + dx, sy = y + dy;
                    img[static_cast<std::size_t>(y) * w + x] =
                        sx >= 0 && sx < w && sy >= 0 && sy < h ? copy[static_cast<std::size_t>(sy) * w + sx] : outside;
                }
        }
    }
}

}  // namespace actbench
