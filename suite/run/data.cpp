#include "run/data.hpp"

#include "config/dataset_kinds.hpp"

#include "core/error.hpp"
#include "idx.hpp"  // DataError
#include "image_cache.hpp"
#include "params.hpp"  // format_number
#include "rng.hpp"

#include <cmath>

namespace actbench {

namespace {
std::vector<std::size_t> iota(std::size_t n) {
    std::vector<std::size_t> v(n);
    for (std::size_t i = 0; i < n; ++i) v[i] = i;
    return v;
}
}  // namespace

PreparedData prepare_data(const DatasetConfig& config, const std::filesystem::path& cache_dir) {
    PreparedData p;
    try {
        const DatasetKind& kind = *lookup_dataset_kind(config.kind);  // the config reader checked the name
        std::filesystem::path cache;
        if (config.kind == "image_folder" && !cache_dir.empty())
            cache =
                cache_dir / ("image_folder-" + image_folder_key(config.path, config.size, config.channels, config.test_fraction) + ".bin");
        std::optional<Dataset> cached = cache.empty() ? std::nullopt : read_dataset_cache(cache);
        if (cached) {
            p.data = std::move(*cached);
            p.data.name = std::filesystem::path(config.path).filename().string();
        } else {
            p.data = kind.load(config);
            if (!cache.empty()) {
                try {
                    write_dataset_cache(cache, p.data);
                } catch (const DataError& e) {  // the data are fine; the disk is not
                    throw IoError(e.what());
                }
            }
        }
        if (kind.subsets) {
            auto count = [](double v, std::size_t n) {
                return v >= 1 ? static_cast<std::size_t>(v) : static_cast<std::size_t>(std::llround(v * static_cast<double>(n)));
            };
            if (config.train_subset > 0)
                p.data.train =
                    select(p.data.train, stratified_head(p.data.train, p.data.classes, count(config.train_subset, p.data.train.count())));
            if (config.test_subset > 0)
                p.data.test =
                    select(p.data.test, stratified_head(p.data.test, p.data.classes, count(config.test_subset, p.data.test.count())));
        }
    } catch (const DataError& e) {
        throw InputError(e.what());
    } catch (const std::invalid_argument& e) {
        throw InputError(std::string("dataset: ") + e.what());
    } catch (const std::filesystem::filesystem_error& e) {
        throw InputError(e.path1().string() + ": " + e.code().message());
    }
    // A subset or a split that selects nothing would train on nothing or store a null accuracy.
    auto require_images = [&](const ImageSet& set, const char* split, const std::string& why) {
        if (set.count() == 0)
            throw InputError((config.kind == "synthetic_shapes" ? std::string("dataset (synthetic_shapes)") : config.path + ": dataset") +
                             ": the " + split + " split has no images" + why);
    };
    require_images(p.data.train, "training",
                   config.train_subset > 0 ? " after train_subset " + format_number(config.train_subset) + "; raise it" : "");
    require_images(p.data.test, "test",
                   config.test_subset > 0 ? " after test_subset " + format_number(config.test_subset) + "; raise it" : "");
    if (config.validation > 0) {
        // Stratified and seeded: each class's images in a shuffled order (the config's own stream, the same for
        // every trial), the first round(n·fraction) of them held out.
        Rng rng(stream_seed("validation/" + std::to_string(config.validation_seed), "split"));
        std::vector<std::vector<std::size_t>> by_class(p.data.classes);
        for (std::size_t i = 0; i < p.data.train.count(); ++i) by_class[p.data.train.labels[i]].push_back(i);
        std::vector<char> held(p.data.train.count(), 0);
        for (auto& members : by_class) {
            for (std::size_t i = members.size(); i > 1; --i) std::swap(members[i - 1], members[rng.below(i)]);
            const auto n = static_cast<std::size_t>(std::llround(static_cast<double>(members.size()) * config.validation));
            for (std::size_t k = 0; k < n; ++k) held[members[k]] = 1;
        }
        std::vector<std::size_t> keep, out;
        for (std::size_t i = 0; i < held.size(); ++i) (held[i] ? out : keep).push_back(i);
        p.validation = select(p.data.train, out);
        p.data.train = select(p.data.train, keep);
        p.validation_indices = iota(p.validation.count());
        require_images(p.validation, "validation",
                       " (dataset.validation " + format_number(config.validation) + " of " + std::to_string(held.size()) +
                           " training images rounds to none per class); raise it");
        require_images(p.data.train, "training", " left after dataset.validation; lower it");
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
