// The dataset, model and train sections of a config: the dataset and train keys through the settings schema, the
// model through the model zoo's table and the spec files, and the check that a cell's model fits its input and
// this machine.
#include "config/config_readers.hpp"

#include "config/dataset_kinds.hpp"
#include "config/settings_schema.hpp"
#include "params.hpp"  // format_number

#include <algorithm>
#include <array>
#include <cmath>
#include <filesystem>
#include <limits>
#include <map>
#include <optional>

namespace actbench {

namespace {

// The keys of `keys` whose first component is in `heads`, read into `s` through the schema: each by its type and
// range, a nested mapping (train.schedule, dataset.augment) checked for unknown keys, and a mapping with a kind
// also written as the kind alone (`schedule: cosine`).
template <class Section>
void read_keys(const Reader& r, const YAML::Node& n, const std::string& section, const std::vector<SettingKey<Section>>& keys,
               const std::vector<std::string>& heads, Section& s) {
    const auto wanted = [&](std::string_view key) { return std::find(heads.begin(), heads.end(), key_head(key)) != heads.end(); };
    std::map<std::string, std::vector<std::string>> nested;  // head → its keys
    for (const auto& k : keys)
        if (k.key.find('.') != std::string_view::npos && wanted(k.key))
            nested[std::string(key_head(k.key))].emplace_back(k.key.substr(k.key.find('.') + 1));
    for (const auto& [head, subkeys] : nested) {
        const YAML::Node sub = n[head];
        const bool shorthand = sub && sub.IsScalar() && std::find(subkeys.begin(), subkeys.end(), "kind") != subkeys.end();
        if (sub && !shorthand) r.expect_map(sub, section + "." + head, subkeys);
    }
    for (const auto& k : keys) {
        if (!wanted(k.key)) continue;
        const std::string head(key_head(k.key)), key(k.key);
        const YAML::Node top = n[head];
        if (!top) continue;
        const bool shorthand = head != key && top.IsScalar() && key == head + ".kind";
        if (head != key && !shorthand && !top.IsMap()) continue;  // its kind alone: only the kind is read from it
        const YAML::Node v = head == key || shorthand ? top : top[key.substr(head.size() + 1)];
        if (!v) continue;
        const std::string name = section + "." + (shorthand ? head : key);
        const std::string what = name + (k.hint.empty() ? "" : " (" + std::string(k.hint) + ")");
        const auto [lo, hi] = k.range ? k.range(s) : std::pair{k.min, k.max};
        nlohmann::json value;
        switch (k.kind) {
            case ValueKind::integer:
                value = r.integer(v, what, static_cast<std::int64_t>(lo),
                                  hi >= kLargestInteger ? std::numeric_limits<std::int64_t>::max() : static_cast<std::int64_t>(hi));
                break;
            case ValueKind::number: value = r.number(v, what, lo, hi); break;
            case ValueKind::choice: value = read_choice(r, v, what, k.choices); break;
            case ValueKind::text: value = r.str(v, what); break;
            case ValueKind::subset: value = read_subset(r, v, what); break;
            case ValueKind::flag: {
                bool flag = false;
                if (!v.IsScalar() || !YAML::convert<bool>::decode(v, flag)) r.fail(v, what + ": expected true or false");
                value = flag;
                break;
            }
        }
        k.access.set(s, value);
        if (k.refuse)
            if (const std::string why = k.refuse(s); !why.empty()) r.fail(v, name + ": " + why);
    }
}

void read_dataset(const Reader& r, const YAML::Node& n, DatasetConfig& d) {
    if (!n.IsMap()) r.fail(n, "'dataset' must be a mapping of keys to values");
    if (n["kind"]) d.kind = r.str(n["kind"], "dataset.kind");
    const DatasetKind* kind = lookup_dataset_kind(d.kind);
    if (!kind) r.fail(n["kind"], "dataset.kind: unknown dataset kind '" + d.kind + "'; valid: " + dataset_kind_names());
    std::vector<std::string> keys(kCommonDatasetKeys.begin(), kCommonDatasetKeys.end());
    keys.insert(keys.end(), kind->keys.begin(), kind->keys.end());
    if (kind->subsets) keys.insert(keys.end(), {"train_subset", "test_subset"});
    r.expect_map(n, "dataset (kind " + d.kind + ")", keys);
    if (d.kind == "synthetic_shapes") d.classes = 4;
    if (d.kind == "opencv_digits") d.path = "/usr/share/doc/opencv-doc/examples/data/digits.png";
    if (!n["path"] && (d.kind == "cifar" || d.kind == "image_folder")) r.fail(n, "dataset (kind " + d.kind + "): expected a path");
    keys.erase(keys.begin());  // kind, read above
    read_keys(r, n, "dataset", dataset_keys(), keys, d);
    if (d.kind == "synthetic_shapes" && (d.train_count < d.classes || d.test_count < d.classes))
        r.fail(n, "dataset: train_count and test_count must be at least the number of classes");
}

// Where a model named in a config but not a family is looked for: models/NAME.yaml beside the config, then
// in its parent directory (so configs/claims/*.yaml find configs/models/), then configs/models/ under the
// working directory.
std::filesystem::path find_model_file(const std::string& config_file, const std::string& name) {
    namespace fs = std::filesystem;
    const fs::path dir = fs::path(config_file).parent_path();
    for (const fs::path& candidate :
         {dir / "models" / (name + ".yaml"), dir / ".." / "models" / (name + ".yaml"), fs::path("configs") / "models" / (name + ".yaml")}) {
        std::error_code ec;
        if (fs::is_regular_file(candidate, ec)) return candidate.lexically_normal();
    }
    return {};
}

void read_model(const Reader& r, const YAML::Node& n, ModelSpec& m, const std::string& config_file, int depth = 0) {
    if (!n.IsMap())
        r.fail(n, "'model' must be a mapping: {name: FAMILY, PARAM: VALUE, ..., batchnorm: none|before|after, dropout: RATE, widen: FACTOR}");
    std::string name = m.name;
    std::map<std::string, double> params;
    std::string batchnorm = "none";
    double dropout = 0, widen = 1;
    if (n["name"]) {
        name = r.str(n["name"], "model.name");
        if (!lookup_model(name)) {
            // A named spec from configs/models/NAME.yaml; the keys given here override it.
            const std::filesystem::path file = find_model_file(config_file, name);
            if (file.empty())
                r.fail(n["name"],
                       "model.name: unknown model '" + name + "' (valid: " + model_names() + ", or a spec file models/" + name +
                           ".yaml beside the config or in configs/models/)");
            if (depth > 8) r.fail(n["name"], "model.name: model files refer to each other more than 8 deep");
            const std::string text = read_config_text(file, "model spec");
            const Reader inner(file.string(), text);
            const YAML::Node doc = load_yaml(inner, text, file.string());
            ModelSpec base;
            read_model(inner, doc, base, file.string(), depth + 1);
            name = base.name;
            params = base.params;
            batchnorm = base.batchnorm;
            dropout = base.dropout;
            widen = base.widen;
        }
    }
    const ModelInfo& info = find_model(name);
    std::vector<std::string> allowed{"name", "batchnorm", "dropout", "widen"};
    for (const auto& p : info.params) allowed.emplace_back(p.name);
    r.expect_map(n, "model (" + name + ")", allowed);
    for (const auto& p : info.params) {
        const YAML::Node& v = n[std::string(p.name)];
        if (!v) continue;
        const std::string what = "model." + std::string(p.name);
        if (p.choices.empty()) {
            params[std::string(p.name)] =
                static_cast<double>(r.integer(v, what, static_cast<std::int64_t>(p.min), static_cast<std::int64_t>(p.max)));
            continue;
        }
        try {  // a choice by its name
            params[std::string(p.name)] = model_choice(p, r.str(v, what));
        } catch (const std::invalid_argument& e) {
            r.fail(v, what + ": " + e.what());
        }
    }
    if (n["batchnorm"]) {
        batchnorm = r.str(n["batchnorm"], "model.batchnorm");
        if (batchnorm != "none" && batchnorm != "before" && batchnorm != "after")
            r.fail(n["batchnorm"], "model.batchnorm: unknown placement '" + batchnorm + "'; valid: none, before, after");
    }
    if (n["dropout"]) dropout = r.number(n["dropout"], "model.dropout", 0, 0.99);
    if (n["widen"]) {
        widen = r.number(n["widen"], "model.widen", 0, 64);
        if (!(widen > 0)) r.fail(n["widen"], "model.widen: expected a factor above 0 (1: the family's widths)");
    }
    try {  // constraints between parameters (resnet's depth and stages) and placements
        m = ModelSpec::make(name, params, batchnorm, dropout, widen);
    } catch (const std::invalid_argument& e) {
        r.fail(n, e.what());
    }
}

void read_train(const Reader& r, const YAML::Node& n, TrainConfig& t) {
    std::vector<std::string> heads;
    for (const auto& k : train_keys())
        if (std::find(heads.begin(), heads.end(), key_head(k.key)) == heads.end()) heads.emplace_back(key_head(k.key));
    r.expect_map(n, "train", heads);
    read_keys(r, n, "train", train_keys(), heads, t);
}

}  // namespace

// The sections (dataset, model, train) of `root`.
Sections read_sections(const Reader& r, const YAML::Node& root, const std::string& file) {
    Sections s;
    if (root["dataset"]) read_dataset(r, root["dataset"], s.dataset);
    if (root["model"]) read_model(r, root["model"], s.model, file);
    if (root["train"]) read_train(r, root["train"], s.train);
    return s;
}

namespace {

// The input's channels × height × width where the config alone fixes it (not IDX files, whose header does).
std::optional<std::array<int, 3>> known_input(const DatasetConfig& d) {
    if (d.kind == "synthetic_shapes") return std::array<int, 3>{1, d.size, d.size};
    if (d.kind == "image_folder") return std::array<int, 3>{d.channels, d.size, d.size};
    if (d.kind == "opencv_digits") return std::array<int, 3>{1, 20, 20};
    if (d.kind == "cifar") return std::array<int, 3>{3, 32, 32};
    return std::nullopt;
}

// At most how many training images a trial gets, where the config alone bounds it: the synthetic count or a
// train_subset count, less the validation split (rounded per class, so up to classes/2 more may stay).
std::optional<double> known_train_count(const DatasetConfig& d) {
    double n = 0;
    if (d.kind == "synthetic_shapes")
        n = d.train_count;
    else if (d.train_subset >= 1)
        n = d.train_subset;
    else
        return std::nullopt;
    return d.validation > 0 ? std::floor(n * (1 - d.validation) + d.classes / 2.0) : n;
}

std::string gigabytes(double bytes) {
    char buf[64];
    std::snprintf(buf, sizeof buf, bytes < 1e11 ? "%.1f GB" : "%.0f GB", bytes / 1e9);
    return buf;
}

}  // namespace

// A synthetic data set's validation split, computed as run's data preparation does (class k of n images drawn
// round-robin holds n/classes + (k < n mod classes) images; llround(count · fraction) of each is held out):
// refused when it leaves no training image or holds out none. (Where the files decide the counts, run checks.)
void check_validation_split(const Reader& r, const YAML::Node& root, const DatasetConfig& d) {
    if (d.kind != "synthetic_shapes" || d.validation <= 0) return;
    long held = 0, kept = 0;
    for (int k = 0; k < d.classes; ++k) {
        const long count = d.train_count / d.classes + (k < d.train_count % d.classes ? 1 : 0);
        const long out = std::llround(static_cast<double>(count) * d.validation);
        held += out, kept += count - out;
    }
    const YAML::Node at = root["dataset"] && root["dataset"]["validation"] ? root["dataset"]["validation"] : root;
    const std::string what = "dataset.validation: " + format_number(d.validation) + " of " + std::to_string(d.train_count) +
        " training images in " + std::to_string(d.classes) + " classes";
    if (kept == 0) r.fail(at, what + " holds out every one, leaving none to train on; lower it");
    if (held == 0) r.fail(at, what + " rounds to none per class; raise it");
}

// What `run` would refuse for a cell, refused here with the key's place: a model whose layers the input
// does not fit, a batch larger than the training split, a synthetic dataset or one trial's model that
// cannot fit this machine's memory (they would die later of bad_alloc or an opaque oneDNN error).
void check_cell_fits(const Reader& r, const YAML::Node& root, const Sections& s) {
    check_validation_split(r, root, s.dataset);
    const double memory = machine_memory();
    if (s.dataset.kind == "synthetic_shapes") {
        const double bytes = (static_cast<double>(s.dataset.train_count) + s.dataset.test_count) * s.dataset.size * s.dataset.size;
        if (bytes > memory / 2) {
            const YAML::Node d = root["dataset"];
            r.fail(d && d["train_count"] ? d["train_count"]
                       : d               ? d
                                         : root,
                   "dataset: " + std::to_string(s.dataset.train_count + s.dataset.test_count) + " synthetic images of " +
                       std::to_string(s.dataset.size) + "x" + std::to_string(s.dataset.size) + " take " + gigabytes(bytes) +
                       "; this machine has " + gigabytes(memory) + " (at most half of it goes to the data)");
        }
    }
    if (const auto in = known_input(s.dataset)) {
        ModelFootprint footprint;
        const YAML::Node at = root["model"] ? root["model"] : root;
        try {
            footprint = check_input_fits(s.model, (*in)[0], (*in)[1], (*in)[2], std::max(2, s.dataset.classes));
        } catch (const std::invalid_argument& e) {
            r.fail(at,
                   e.what() + std::string(" (dataset ") + s.dataset.kind + " gives " + std::to_string((*in)[0]) + "x" +
                       std::to_string((*in)[1]) + "x" + std::to_string((*in)[2]) + " images)");
        }
        if (footprint.bytes(s.train.batch) > memory)
            r.fail(at,
                   "model " + s.model.name + ": one trial needs about " + gigabytes(footprint.bytes(s.train.batch)) + " (" +
                       format_number(footprint.params) + " parameters with their gradients and optimizer state, and a batch of " +
                       std::to_string(s.train.batch) + " images' activations); this machine has " + gigabytes(memory));
    }
    if (const auto n = known_train_count(s.dataset); n && *n < s.train.batch) {
        const YAML::Node at = root["train"] && root["train"]["batch"] ? root["train"]["batch"] : root["train"] ? root["train"] : root;
        const bool given = root["train"] && root["train"]["batch"];
        r.fail(at,
               "train.batch: " + std::to_string(s.train.batch) + (given ? "" : " (the default)") +
                   " is larger than the training split (at most " + std::to_string(static_cast<long>(*n)) + " images" +
                   (s.dataset.validation > 0 ? " after dataset.validation" : "") + "); a trial needs at least one full batch");
    }
}

}  // namespace actbench
