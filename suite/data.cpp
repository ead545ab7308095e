#include "data.hpp"

#include "error.hpp"
#include "idx.hpp"
#include "image_formats.hpp"
#include "synthetic_shapes.hpp"

namespace actbench {

namespace {
std::vector<std::size_t> iota(std::size_t n) {
    std::vector<std::size_t> v(n);
    for (std::size_t i = 0; i < n; ++i) v[i] = i;
    return v;
}
}  // namespace

PreparedData prepare_data(const DatasetConfig& config) {
    PreparedData p;
    try {
        if (config.kind != "synthetic_shapes") {
            if (config.kind == "idx") p.data = load_idx_directory(config.path, config.classes);
            else if (config.kind == "cifar") p.data = load_cifar(config.path, config.labels);
            else if (config.kind == "image_folder") p.data = load_image_folder(config.path, config.size, config.channels, config.test_fraction);
            else p.data = load_opencv_digits(config.path, config.test_fraction);
            if (config.train_subset > 0)
                p.data.train = select(p.data.train, stratified_head(p.data.train, p.data.classes, config.train_subset));
            if (config.test_subset > 0)
                p.data.test = select(p.data.test, stratified_head(p.data.test, p.data.classes, config.test_subset));
        } else {
            p.data = make_synthetic_shapes(ShapesSpec{config.classes, config.train_count, config.test_count,
                                                      config.size, config.noise, config.seed});
        }
    } catch (const DataError& e) {
        throw InputError(e.what());
    } catch (const std::invalid_argument& e) {
        throw InputError(std::string("dataset: ") + e.what());
    }
    p.normalizer = make_normalizer(p.data.train, config.normalize);
    p.train_indices = iota(p.data.train.count());
    p.test_indices = iota(p.data.test.count());
    return p;
}

InputShape dataset_input_shape(const DatasetConfig& config) {
    if (config.kind == "synthetic_shapes") return {1, config.size, config.size, config.classes};
    const PreparedData d = prepare_data(config);
    return {d.data.train.channels, d.data.train.height, d.data.train.width, d.data.classes};
}

}  // namespace actbench
