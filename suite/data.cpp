#include "data.hpp"

#include "error.hpp"
#include "idx.hpp"
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
        if (config.kind == "idx") {
            p.data = load_idx_directory(config.path, config.classes);
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
    try {
        const Dataset d = load_idx_directory(config.path, config.classes);
        return {d.train.channels, d.train.height, d.train.width, config.classes};
    } catch (const DataError& e) {
        throw InputError(e.what());
    }
}

}  // namespace actbench
