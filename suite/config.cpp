#include "config.hpp"

#include "dataset_kinds.hpp"
#include "error.hpp"
#include "params.hpp"  // format_number
#include "settings.hpp"
#include "settings_schema.hpp"
#include "yaml_reader.hpp"

#include <yaml-cpp/yaml.h>

#include <unistd.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <limits>
#include <set>
#include <sstream>

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
        if (k.key.find('.') != std::string_view::npos && wanted(k.key)) nested[std::string(key_head(k.key))].emplace_back(k.key.substr(k.key.find('.') + 1));
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
    for (const fs::path& candidate : {dir / "models" / (name + ".yaml"), dir / ".." / "models" / (name + ".yaml"),
                                      fs::path("configs") / "models" / (name + ".yaml")}) {
        std::error_code ec;
        if (fs::is_regular_file(candidate, ec)) return candidate.lexically_normal();
    }
    return {};
}

void read_model(const Reader& r, const YAML::Node& n, ModelSpec& m, const std::string& config_file, int depth = 0) {
    if (!n.IsMap()) r.fail(n, "'model' must be a mapping: {name: FAMILY, PARAM: VALUE, ..., batchnorm: none|before|after, dropout: RATE}");
    std::string name = m.name;
    std::map<std::string, double> params;
    std::string batchnorm = "none";
    double dropout = 0;
    if (n["name"]) {
        name = r.str(n["name"], "model.name");
        if (!lookup_model(name)) {
            // A named spec from configs/models/NAME.yaml; the keys given here override it.
            const std::filesystem::path file = find_model_file(config_file, name);
            if (file.empty())
                r.fail(n["name"], "model.name: unknown model '" + name + "' (valid: " + model_names() +
                                      ", or a spec file models/" + name + ".yaml beside the config or in configs/models/)");
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
        }
    }
    const ModelInfo& info = find_model(name);
    std::vector<std::string> allowed{"name", "batchnorm", "dropout"};
    for (const auto& p : info.params) allowed.emplace_back(p.name);
    r.expect_map(n, "model (" + name + ")", allowed);
    for (const auto& p : info.params) {
        const YAML::Node& v = n[std::string(p.name)];
        if (!v) continue;
        const std::string what = "model." + std::string(p.name);
        if (p.choices.empty()) {
            params[std::string(p.name)] = static_cast<double>(r.integer(v, what, static_cast<std::int64_t>(p.min), static_cast<std::int64_t>(p.max)));
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
    try {  // constraints between parameters (resnet's depth and stages) and placements
        m = ModelSpec::make(name, params, batchnorm, dropout);
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

// sweep.bias: a value or a list of values, each a number, none (no bias parameters) or {default: x, LAYER: y}; a
// single mapping is one value.
std::vector<BiasSetting> read_bias_axis(const Reader& r, const YAML::Node& axis, const ModelSpec& model) {
    std::vector<BiasSetting> out;
    std::vector<YAML::Node> items;
    if (axis.IsMap()) items.push_back(axis);
    else items = r.list(axis, "sweep.bias");
    for (const auto& item : items) {
        if (item.IsScalar() && item.Scalar() == "none") {
            out.push_back(BiasSetting(std::nullopt));
        } else if (item.IsMap()) {
            BiasSetting b(0.0, {});
            for (auto it = item.begin(); it != item.end(); ++it) {
                const std::string layer = it->first.as<std::string>();
                const double v = r.number(it->second, "sweep.bias." + layer, -1e3, 1e3);
                if (layer == "default") {
                    b.value = v;
                    continue;
                }
                const auto names = Network::bias_layer_names(model);
                if (std::find(names.begin(), names.end(), layer) == names.end()) {
                    std::string valid = "default";
                    for (const auto& nm : names) valid += ", " + nm;
                    r.fail(it->first, "sweep.bias: unknown layer '" + layer + "'; valid: " + valid);
                }
                b.overrides[layer] = v;
            }
            out.push_back(b);
        } else {
            out.push_back(BiasSetting(r.number(item, "sweep.bias (a number, none for no bias parameters, or {default: x, LAYER: y})", -1e3, 1e3)));
        }
    }
    return out;
}

void read_sweep(const Reader& r, const YAML::Node& n, SweepAxes& s, const ModelSpec& model,
                const std::map<std::string, ActivationSpec>& defined, const std::map<std::string, InitSpec>& defined_inits) {
    if (!n.IsMap()) r.fail(n, "'sweep' must be a mapping of axes to values");
    for (auto it = n.begin(); it != n.end(); ++it) {
        const std::string key = it->first.as<std::string>();
        if (key.find('.') != std::string::npos) continue;  // a dotted path: read by read_grid
        static const std::vector<std::string> special{"activation", "init", "bias", "seed", "zip", "exclude"};
        if (std::find(special.begin(), special.end(), key) != special.end()) continue;
        r.expect_map(n, "sweep", special, ", or a setting's dotted path such as train.lr");
    }
    // A list of names, each checked by `find` (which throws std::invalid_argument listing the valid ones).
    auto names = [&](const char* axis, auto&& find) {
        std::vector<std::string> out;
        const std::string what = std::string("sweep.") + axis;
        for (const auto& item : r.list(n[axis], what)) {
            const std::string name = r.str(item, what);
            try {
                find(name);
            } catch (const std::invalid_argument& e) {
                r.fail(item, what + ": " + e.what());
            }
            out.push_back(name);
        }
        return out;
    };
    if (n["activation"])
        s.activation = names("activation", [&](const std::string& name) {
            if (!defined.count(name)) find_activation(name);
        });
    if (n["init"])
        s.init = names("init", [&](const std::string& name) {
            if (!defined_inits.count(name)) find_init(name);
        });
    if (n["bias"]) s.bias = read_bias_axis(r, n["bias"], model);
    if (n["seed"]) {
        s.seed.clear();
        for (const auto& item : r.list(n["seed"], "sweep.seed"))
            s.seed.push_back(r.integer(item, "sweep.seed", 0, std::numeric_limits<std::int64_t>::max()));
    }
    auto no_duplicates = [&](const YAML::Node& axis, const std::string& name, std::size_t count, auto&& key_of) {
        std::set<std::string> seen;  // linear in the axis's length (a list of 100,000 seeds)
        for (std::size_t i = 0; i < count; ++i)
            if (!seen.insert(key_of(i)).second) r.fail(axis, "sweep." + name + ": value " + key_of(i) + " appears twice");
    };
    if (n["activation"]) no_duplicates(n["activation"], "activation", s.activation.size(), [&](std::size_t i) { return s.activation[i]; });
    if (n["init"]) no_duplicates(n["init"], "init", s.init.size(), [&](std::size_t i) { return s.init[i]; });
    if (n["bias"]) no_duplicates(n["bias"], "bias", s.bias.size(), [&](std::size_t i) { return bias_json(s.bias[i]).dump(); });
    if (n["seed"]) no_duplicates(n["seed"], "seed", s.seed.size(), [&](std::size_t i) { return std::to_string(s.seed[i]); });
}

std::map<std::string, double> read_params(const Reader& r, const YAML::Node& n, const std::string& what) {
    std::map<std::string, double> params;
    if (!n.IsMap()) r.fail(n, what + ": expected a mapping of parameter names to numbers");
    for (auto it = n.begin(); it != n.end(); ++it)
        params[it->first.as<std::string>()] = r.number(it->second, what + "." + it->first.as<std::string>(), -1e12, 1e12);
    return params;
}

void read_activations(const Reader& r, const YAML::Node& n, std::map<std::string, ActivationSpec>& out) {
    if (!n.IsMap()) r.fail(n, "'activations' must map names to definitions ({base: ...} or {expr: ...})");
    for (auto it = n.begin(); it != n.end(); ++it) {
        const std::string name = it->first.as<std::string>();
        const std::string what = "activations." + name;
        const YAML::Node def = it->second;  // a copy: the iterator's pair is a temporary
        bool valid_name = !name.empty() && !std::isdigit(static_cast<unsigned char>(name[0]));
        for (char ch : name) valid_name &= std::isalnum(static_cast<unsigned char>(ch)) || ch == '_' || ch == '-';
        if (!valid_name) r.fail(it->first, what + ": a name is letters, digits, '_' and '-', not starting with a digit");
        if (lookup_activation(name)) r.fail(it->first, what + ": '" + name + "' is a built-in activation; give the variant another name");
        if (!def.IsMap() || (!def["base"] && !def["expr"]))
            r.fail(def, what + ": expected {base: FAMILY, PARAM: VALUE, ...} or {expr: FORMULA, params: {...}}");
        if (def["base"] && def["expr"]) r.fail(def, what + ": give either base or expr, not both");
        try {
            if (def["expr"]) {
                r.expect_map(def, what, {"expr", "params"});
                const YAML::Node& e = def["expr"];
                const std::map<std::string, double> params = def["params"] ? read_params(r, def["params"], what + ".params")
                                                                           : std::map<std::string, double>{};
                try {
                    out.emplace(name, formula_activation(name, r.str(e, what + ".expr"), params));
                } catch (const FormulaError& fe) {
                    const YAML::Mark m = fe.column > 0 ? r.position_in_scalar(e, fe.column) : e.Mark();
                    const std::string msg = what + ".expr: " + std::string(fe.what()).substr(fe.column > 0 ? std::string(fe.what()).find(": ") + 2 : 0);
                    std::string shown = e.Scalar();
                    while (!shown.empty() && std::isspace(static_cast<unsigned char>(shown.back()))) shown.pop_back();
                    throw InputError(r.where(m) + msg + " in \"" + shown + "\"");
                }
            } else {
                const std::string base = r.str(def["base"], what + ".base");
                std::map<std::string, double> params;
                for (auto p = def.begin(); p != def.end(); ++p) {
                    const std::string key = p->first.as<std::string>();
                    if (key != "base") params[key] = r.number(p->second, what + "." + key, -1e12, 1e12);
                }
                try {
                    find_activation(base);
                } catch (const std::invalid_argument& e) {
                    r.fail(def["base"], what + ".base: " + e.what());
                }
                for (const auto& [key, v] : params) {  // each value on its own first, so an error points at it
                    try {
                        activation_variant(name, base, {{key, v}});
                    } catch (const std::invalid_argument& e) {
                        if (std::string(e.what()).find("no parameter") == std::string::npos) r.fail(def[key], what + "." + key + ": " + e.what());
                    }
                }
                out.emplace(name, activation_variant(name, base, params));
            }
        } catch (const std::invalid_argument& e) {
            r.fail(def, what + ": " + e.what());
        }
    }
}

void read_inits(const Reader& r, const YAML::Node& n, std::map<std::string, InitSpec>& out) {
    if (!n.IsMap()) r.fail(n, "'inits' must map names to definitions ({base: FAMILY, PARAM: VALUE, ...})");
    for (auto it = n.begin(); it != n.end(); ++it) {
        const std::string name = it->first.as<std::string>();
        const std::string what = "inits." + name;
        const YAML::Node def = it->second;  // a copy: the iterator's pair is a temporary
        if (lookup_init(name)) r.fail(it->first, what + ": '" + name + "' is a built-in init; give the variant another name");
        if (!def.IsMap() || !def["base"]) r.fail(def, what + ": expected {base: FAMILY, PARAM: VALUE, ...}");
        const std::string base = r.str(def["base"], what + ".base");
        try {
            find_init(base);
        } catch (const std::invalid_argument& e) {
            r.fail(def["base"], what + ".base: " + e.what());
        }
        std::map<std::string, double> params;
        for (auto p = def.begin(); p != def.end(); ++p) {
            const std::string key = p->first.as<std::string>();
            if (key == "base") continue;
            double v = 0;
            if (p->second.IsScalar() && !YAML::convert<double>::decode(p->second, v)) {
                try {
                    v = init_choice(base, key, p->second.Scalar());
                } catch (const std::invalid_argument& e) {
                    r.fail(p->second, what + "." + key + ": " + e.what());
                }
            } else {
                v = r.number(p->second, what + "." + key, -1e12, 1e12);
            }
            try {  // each value on its own first, so an error points at it
                init_variant(name, base, {{key, v}});
            } catch (const std::invalid_argument& e) {
                r.fail(p->second, what + "." + key + ": " + e.what());
            }
            params[key] = v;
        }
        try {
            out.emplace(name, init_variant(name, base, params));
        } catch (const std::invalid_argument& e) {
            r.fail(def, what + ": " + e.what());
        }
    }
}


// Merges `over` into `base`: mappings merge key by key, anything else replaces (for extends:).
YAML::Node merge(const YAML::Node& base, const YAML::Node& over) {
    if (!base.IsMap() || !over.IsMap()) return over;
    YAML::Node out = YAML::Clone(base);
    for (auto it = over.begin(); it != over.end(); ++it) {
        const std::string key = it->first.as<std::string>();
        out[key] = out[key] ? merge(out[key], it->second) : it->second;
    }
    return out;
}

// The sections (dataset, model, train) of `root`.
Sections read_sections(const Reader& r, const YAML::Node& root, const std::string& file) {
    Sections s;
    if (root["dataset"]) read_dataset(r, root["dataset"], s.dataset);
    if (root["model"]) read_model(r, root["model"], s.model, file);
    if (root["train"]) read_train(r, root["train"], s.train);
    return s;
}

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
    if (d.kind == "synthetic_shapes") n = d.train_count;
    else if (d.train_subset >= 1) n = d.train_subset;
    else return std::nullopt;
    return d.validation > 0 ? std::floor(n * (1 - d.validation) + d.classes / 2.0) : n;
}

// This machine's memory (physical RAM), in bytes.
double machine_memory() {
    return static_cast<double>(::sysconf(_SC_PHYS_PAGES)) * static_cast<double>(::sysconf(_SC_PAGESIZE));
}

std::string gigabytes(double bytes) {
    char buf[64];
    std::snprintf(buf, sizeof buf, bytes < 1e11 ? "%.1f GB" : "%.0f GB", bytes / 1e9);
    return buf;
}

// What `run` would refuse for a cell, refused here with the key's place: a model whose layers the input
// does not fit, a batch larger than the training split, a synthetic dataset or one trial's model that
// cannot fit this machine's memory (they would die later of bad_alloc or an opaque oneDNN error).
void check_cell_fits(const Reader& r, const YAML::Node& root, const Sections& s) {
    const double memory = machine_memory();
    if (s.dataset.kind == "synthetic_shapes") {
        const double bytes = (static_cast<double>(s.dataset.train_count) + s.dataset.test_count) * s.dataset.size * s.dataset.size;
        if (bytes > memory / 2) {
            const YAML::Node d = root["dataset"];
            r.fail(d && d["train_count"] ? d["train_count"] : d ? d : root,
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
            r.fail(at, e.what() + std::string(" (dataset ") + s.dataset.kind + " gives " + std::to_string((*in)[0]) + "x" +
                           std::to_string((*in)[1]) + "x" + std::to_string((*in)[2]) + " images)");
        }
        if (footprint.bytes(s.train.batch) > memory)
            r.fail(at, "model " + s.model.name + ": one trial needs about " + gigabytes(footprint.bytes(s.train.batch)) + " (" +
                           format_number(footprint.params) + " parameters with their gradients and optimizer state, and a batch of " +
                           std::to_string(s.train.batch) + " images' activations); this machine has " + gigabytes(memory));
    }
    if (const auto n = known_train_count(s.dataset); n && *n < s.train.batch) {
        const YAML::Node at = root["train"] && root["train"]["batch"] ? root["train"]["batch"] : root["train"] ? root["train"] : root;
        const bool given = root["train"] && root["train"]["batch"];
        r.fail(at, "train.batch: " + std::to_string(s.train.batch) + (given ? "" : " (the default)") + " is larger than the training split (at most " +
                       std::to_string(static_cast<long>(*n)) + " images" + (s.dataset.validation > 0 ? " after dataset.validation" : "") +
                       "); a trial needs at least one full batch");
    }
}


// What the grid is read from, and what its steps hand on: the dotted-path axes' key and value nodes (for
// messages and for the cells' sections), the zip group of each axis, the exclusion rules' nodes.
struct GridSource {
    YAML::Node root, sweep;
    std::map<std::string, YAML::Node> path_keys;                 // axis → its key node (for messages)
    std::map<std::string, std::vector<YAML::Node>> path_values;  // axis → its value nodes
    std::vector<int> group_of;                                   // axis → its zip group, or −1
    std::vector<YAML::Node> exclude_nodes;
};

int axis_index(const Config& c, const std::string& name) {
    for (std::size_t i = 0; i < c.axes.size(); ++i)
        if (c.axes[i].name == name) return static_cast<int>(i);
    return -1;
}

std::string axis_names(const Config& c) {
    std::string s;
    for (const auto& a : c.axes) s += (s.empty() ? "" : ", ") + a.name;
    return s;
}

// The axes in the file's order: the dotted paths as given, then activation, init, bias and seed.
void read_axes(const Reader& r, GridSource& source, Config& c) {
    const YAML::Node& sweep = source.sweep;
    auto& path_keys = source.path_keys;
    auto& path_values = source.path_values;
    std::vector<std::string> order;
    if (sweep && sweep.IsMap())
        for (auto it = sweep.begin(); it != sweep.end(); ++it) {
            const std::string key = it->first.as<std::string>();
            if (key == "zip" || key == "exclude") continue;
            order.push_back(key);
            if (key.find('.') == std::string::npos) continue;
            const std::string section = key.substr(0, key.find('.'));
            if (section != "dataset" && section != "model" && section != "train")
                r.fail(it->first, "sweep." + key + ": a dotted path starts with dataset, model or train");
            path_keys[key] = it->first;
            path_values[key] = r.list(it->second, "sweep." + key);
        }
    for (const char* special : {"activation", "init", "bias", "seed"})
        if (std::find(order.begin(), order.end(), special) == order.end()) order.emplace_back(special);

    for (const auto& name : order) {
        Axis a{name, {}};
        if (name == "activation") for (const auto& v : c.sweep.activation) a.values.emplace_back(v);
        else if (name == "init") for (const auto& v : c.sweep.init) a.values.emplace_back(v);
        else if (name == "bias") for (const auto& v : c.sweep.bias) a.values.push_back(bias_json(v));
        else if (name == "seed") for (const auto& v : c.sweep.seed) a.values.emplace_back(v);
        else
            for (const auto& v : path_values[name]) {
                if (!v.IsScalar()) r.fail(v, "sweep." + name + ": expected a value (a number or a word)");
                a.values.push_back(scalar_json(v));
            }
        if (name.find('.') != std::string::npos) {
            std::set<std::string> seen;
            for (std::size_t i = 0; i < a.values.size(); ++i)
                if (!seen.insert(a.values[i].dump()).second)
                    r.fail(path_values[name][i], "sweep." + name + ": value " + a.values[i].dump() + " appears twice");
        }
        c.axes.push_back(std::move(a));
    }
}

// zip: groups of axes that move together.
void read_zip(const Reader& r, GridSource& source, Config& c) {
    const YAML::Node& sweep = source.sweep;
    std::vector<int>& group_of = source.group_of;
    group_of.assign(c.axes.size(), -1);
    if (sweep && sweep["zip"]) {
        const YAML::Node z = sweep["zip"];
        if (!z.IsSequence()) r.fail(z, "sweep.zip: expected a list of groups, e.g. [[train.lr, train.momentum]]");
        for (const auto& group : z) {
            if (!group.IsSequence() || group.size() < 2) r.fail(group, "sweep.zip: each group is a list of two or more axes");
            std::vector<std::string> names;
            for (const auto& item : group) {
                const std::string name = r.str(item, "sweep.zip");
                const int i = axis_index(c, name);
                if (i < 0) r.fail(item, "sweep.zip: '" + name + "' is not an axis; axes: " + axis_names(c));
                if (group_of[i] >= 0) r.fail(item, "sweep.zip: '" + name + "' is in two groups");
                if (!names.empty() && c.axes[i].values.size() != c.axes[axis_index(c, names[0])].values.size())
                    r.fail(item, "sweep.zip: '" + name + "' has " + std::to_string(c.axes[i].values.size()) + " values but '" +
                                     names[0] + "' has " + std::to_string(c.axes[axis_index(c, names[0])].values.size()) +
                                     "; zipped axes need the same number");
                group_of[i] = static_cast<int>(c.zip.size());
                names.push_back(name);
            }
            c.zip.push_back(names);
        }
    }
}

// exclude: combinations to drop.
void read_exclude(const Reader& r, GridSource& source, Config& c) {
    const YAML::Node& sweep = source.sweep;
    auto& exclude_nodes = source.exclude_nodes;
    if (sweep && sweep["exclude"]) {
        const YAML::Node x = sweep["exclude"];
        if (!x.IsSequence()) r.fail(x, "sweep.exclude: expected a list of {axis: value, ...}");
        for (const auto& rule : x) {
            if (!rule.IsMap()) r.fail(rule, "sweep.exclude: each entry is a mapping {axis: value, ...}");
            nlohmann::json j = nlohmann::json::object();
            for (auto it = rule.begin(); it != rule.end(); ++it) {
                const std::string name = it->first.as<std::string>();
                if (axis_index(c, name) < 0) r.fail(it->first, "sweep.exclude: '" + name + "' is not an axis; axes: " + axis_names(c));
                j[name] = name == "bias" && it->second.IsMap() ? nlohmann::json::object() : scalar_json(it->second);
                if (name == "bias" && it->second.IsMap())
                    for (auto b = it->second.begin(); b != it->second.end(); ++b) j[name][b->first.as<std::string>()] = scalar_json(b->second);
            }
            c.exclude.push_back(j);
            exclude_nodes.push_back(rule);
        }
    }

}

// The sections of a cell whose path axes have these value indices, validated exactly as if its values were
// written in the file: they are put into a copy of the config.
Sections read_cell_sections(const Reader& r, const GridSource& source, const Config& c, const std::vector<std::size_t>& path_axes,
                            const std::vector<std::uint32_t>& key) {
    const YAML::Node& root = source.root;
    YAML::Node copy = YAML::Clone(root);
    nlohmann::json path_part = nlohmann::json::object();
    for (std::size_t p = 0; p < path_axes.size(); ++p) {
        const std::string& path = c.axes[path_axes[p]].name;
        path_part[path] = c.axes[path_axes[p]].values[key[p]];
        std::vector<std::string> parts;
        for (std::size_t b = 0, e; b <= path.size(); b = e + 1) {
            e = path.find('.', b);
            if (e == std::string::npos) e = path.size();
            parts.push_back(path.substr(b, e - b));
        }
        YAML::Node node = copy;
        for (std::size_t q = 0; q + 1 < parts.size(); ++q) {
            if (!node[parts[q]] || !node[parts[q]].IsMap()) node[parts[q]] = YAML::Node(YAML::NodeType::Map);
            node.reset(node[parts[q]]);
        }
        node[parts.back()] = source.path_values.at(path)[key[p]];
    }
    try {
        Sections sections = read_sections(r, copy, c.file);
        check_cell_fits(r, root, sections);  // the file's own nodes, for their positions
        return sections;
    } catch (const InputError& e) {
        if (path_part.empty()) throw;  // no dotted-path axes: the file's own settings
        const YAML::Node& first_key = source.path_keys.at(path_part.begin().key());
        throw InputError(std::string(e.what()) + "\n  (in the sweep cell " + path_part.dump() + ", axes at " +
                         r.where(first_key.Mark()).substr(0, r.where(first_key.Mark()).size() - 2) + ")");
    }
}

// The cells: every combination left (grid.hpp), each with the sections its dotted-path values give; one set of
// sections per distinct combination of those values.
void enumerate_cells(const Reader& r, GridSource& source, Config& c) {
    std::vector<std::size_t> path_axes;  // the dotted-path axes, whose values pick a cell's sections
    for (std::size_t a = 0; a < c.axes.size(); ++a)
        if (c.axes[a].name.find('.') != std::string::npos) path_axes.push_back(a);
    std::map<std::vector<std::uint32_t>, std::uint32_t> variant_of;  // path axes' value indices → variant
    std::vector<std::uint32_t> key(path_axes.size());
    const std::vector<bool> rule_used = enumerate_grid(c.axes, c.zip, c.exclude, [&](const std::vector<std::uint32_t>& index) {
        for (std::size_t p = 0; p < path_axes.size(); ++p) key[p] = index[path_axes[p]];
        auto it = variant_of.find(key);
        if (it == variant_of.end()) {
            c.variants.push_back(read_cell_sections(r, source, c, path_axes, key));
            it = variant_of.emplace(key, static_cast<std::uint32_t>(c.variants.size() - 1)).first;
        }
        c.cell_value_index.insert(c.cell_value_index.end(), index.begin(), index.end());
        c.cell_variant.push_back(it->second);
    });
    for (std::size_t k = 0; k < rule_used.size(); ++k)
        if (!rule_used[k]) r.fail(source.exclude_nodes[k], "sweep.exclude: this rule matches no combination of the axes' values");
    if (c.cell_count() == 0) r.fail(source.sweep, "sweep: every combination is excluded; nothing to run");
}

// The axes, zip groups, exclusions, cells and per-cell sections of a config whose special axes are read.
void read_grid(const Reader& r, const YAML::Node& root, Config& c) {
    // Constructed, not assigned: assigning a yaml-cpp Node writes into the node it refers to.
    GridSource source{root, root["sweep"], {}, {}, {}, {}};
    read_axes(r, source, c);
    read_zip(r, source, c);
    read_exclude(r, source, c);
    enumerate_cells(r, source, c);
}

}  // namespace

namespace {

Config parse_config_chain(const std::string& text, const std::string& file, std::vector<std::filesystem::path> chain);

// extends: FILE (relative to the config): the base is read and validated on its own first, so its errors
// name its own file and lines; then this file's keys are merged over it (mappings merge, values replace).
// `chain` holds the files that extend, this one last: a base already in it is a cycle.
YAML::Node resolve_extends(const Reader& r, const YAML::Node& root, const std::string& file, std::vector<std::filesystem::path> chain) {
    namespace fs = std::filesystem;
    const std::string base_name = r.str(root["extends"], "extends");
    if (base_name.empty()) r.fail(root["extends"], "extends: expected a config file's path");
    const fs::path base_path = fs::path(file).parent_path() / base_name;
    std::error_code ec;
    const fs::path canonical = fs::weakly_canonical(base_path, ec);
    if (std::find(chain.begin(), chain.end(), canonical) != chain.end()) {
        std::string cycle;
        for (auto it = std::find(chain.begin(), chain.end(), canonical); it != chain.end(); ++it) cycle += it->string() + " -> ";
        r.fail(root["extends"], "extends: a cycle: " + cycle + canonical.string());
    }
    if (chain.size() > 8) r.fail(root["extends"], "extends: more than 8 files deep");
    std::string text;
    try {
        text = read_config_text(base_path, "base config");
    } catch (const InputError& e) {
        r.fail(root["extends"], std::string("extends: ") + e.what());
    }
    parse_config_chain(text, base_path.string(), chain);  // its own errors, with its own positions
    const Reader base_reader(base_path.string(), text);
    YAML::Node base = YAML::Load(text);
    chain.push_back(canonical);
    if (base["extends"]) base = resolve_extends(base_reader, base, base_path.string(), chain);
    YAML::Node over = YAML::Clone(root);
    over.remove("extends");
    return merge(base, over);
}

// baseline: an activation of sweep.activation, or {AXIS: VALUE} naming a value of another axis.
void read_baseline(const Reader& r, const YAML::Node& n, Config& c) {
    YAML::Node value_node = n;
    if (n.IsMap()) {
        if (n.size() != 1) r.fail(n, "baseline: expected one axis and its value, e.g. {bias: 0}");
        c.baseline_axis = n.begin()->first.as<std::string>();
        value_node = n.begin()->second;
    } else if (!n.IsScalar()) {
        r.fail(n, "baseline: expected an activation of sweep.activation, or {AXIS: VALUE}");
    }
    const Axis* axis = nullptr;
    std::string names;
    for (const Axis& a : c.axes) {
        names += (names.empty() ? "" : ", ") + a.name;
        if (a.name == c.baseline_axis) axis = &a;
    }
    if (!axis || c.baseline_axis == "seed")
        r.fail(n.IsMap() ? n.begin()->first : n, "baseline: '" + c.baseline_axis + "' is not an axis to compare along; axes: " + names);
    if (!value_node.IsScalar()) r.fail(value_node, "baseline: expected a value of " + c.baseline_axis);
    // Compared as the grid compares them: the axis's own JSON values (bias values are numbers or none).
    const nlohmann::json value = c.baseline_axis == "activation" || c.baseline_axis == "init" ? nlohmann::json(value_node.Scalar())
                                                                                           : scalar_json(value_node);
    for (const auto& v : axis->values)
        if (v == value) {
            c.baseline = v;
            return;
        }
    std::string valid;
    for (const auto& v : axis->values) valid += (valid.empty() ? "" : ", ") + (v.is_string() ? v.get<std::string>() : v.dump());
    r.fail(value_node, "baseline: '" + value_node.Scalar() + "' is not a value of sweep." + c.baseline_axis + " (" + valid + ")");
}

Config read_config(const Reader& r, const YAML::Node& root, const std::string& file);

// tune: {axis: train.lr, values: [...], seeds: [...], select: validation_accuracy | validation_loss}. The two
// stages are configs of their own, made by putting the axis into the sweep: stage 1 with the tuning seeds,
// stage 2 (the candidates, one value per cell chosen from stage 1) with the sweep's seeds.
void read_tune(const Reader& r, const YAML::Node& root, Config& c) {
    const YAML::Node& n = root["tune"];
    r.expect_map(n, "tune", {"axis", "values", "seeds", "select"});
    for (const char* key : {"axis", "values", "seeds"})
        if (!n[key]) r.fail(n, std::string("tune: expected ") + key + " (tune: {axis: train.lr, values: [0.003, 0.01, 0.03, 0.1], seeds: [101, 102]})");
    TuneSpec t;
    t.axis = r.str(n["axis"], "tune.axis");
    const std::string section = t.axis.substr(0, t.axis.find('.'));
    if (t.axis.find('.') == std::string::npos || (section != "train" && section != "model" && section != "dataset"))
        r.fail(n["axis"], "tune.axis: expected a setting's dotted path (train.lr, train.momentum, model.dropout, …)");
    if (root["sweep"] && root["sweep"][t.axis]) r.fail(n["axis"], "tune.axis: '" + t.axis + "' is also a sweep axis; tune it or sweep it, not both");
    const auto values = r.list(n["values"], "tune.values");
    if (values.size() < 2) r.fail(n["values"], "tune.values: expected at least two values to choose from");
    if (n["select"]) t.select = read_choice(r, n["select"], "tune.select", {"validation_accuracy", "validation_loss"});
    std::set<std::int64_t> final_seeds;
    if (root["sweep"] && root["sweep"]["seed"])
        for (const auto& item : r.list(root["sweep"]["seed"], "sweep.seed")) final_seeds.insert(item.as<std::int64_t>());
    else final_seeds.insert(1);
    for (const auto& item : r.list(n["seeds"], "tune.seeds")) {
        const std::int64_t seed = r.integer(item, "tune.seeds", 0, std::numeric_limits<std::int64_t>::max());
        // Kept apart from the final seeds: a trial chosen on its validation score is never also a final one.
        if (final_seeds.count(seed)) r.fail(item, "tune.seeds: " + std::to_string(seed) + " is also a value of sweep.seed; tuning seeds must differ");
        t.seeds.push_back(seed);
    }
    if (c.dataset.validation <= 0)
        r.fail(n, "tune: choosing on a validation split needs one: set dataset.validation (e.g. 0.1), carved from the training split");
    auto stage = [&](bool tuning) {
        YAML::Node copy = YAML::Clone(root);
        copy.remove("tune");
        if (!copy["sweep"]) copy["sweep"] = YAML::Node(YAML::NodeType::Map);
        copy["sweep"][t.axis] = n["values"];
        if (tuning) copy["sweep"]["seed"] = n["seeds"];
        return std::make_shared<const Config>(read_config(r, copy, c.file));
    };
    c.tuning_stage = stage(true);
    c.final_stage = stage(false);
    for (const Axis& a : c.tuning_stage->axes)
        if (a.name == t.axis) t.values = a.values;
    c.tune = t;
}

Config parse_config_chain(const std::string& text, const std::string& file, std::vector<std::filesystem::path> chain) {
    Reader r(file, text);
    YAML::Node root = load_yaml(r, text, file);
    if (!root || root.IsNull()) throw InputError(file + ": the file is empty; expected a sweep config (see README)");
    try {
        r.expect_map(root, "the config", {"extends", "name", "isa", "seeds", "baseline", "tune", "adaptive", "dataset", "model", "train",
                                          "activations", "inits", "sweep", "out"});
        std::error_code ec;
        chain.push_back(std::filesystem::weakly_canonical(file, ec));
        if (root["extends"]) root = resolve_extends(r, root, file, chain);
        if (root["adaptive"]) {  // the seed axis becomes 1..max; the rounds decide how many of them run
            const YAML::Node& a = root["adaptive"];
            if (root["sweep"] && root["sweep"]["seed"])
                r.fail(root["sweep"]["seed"], "sweep.seed: adaptive seeds run seeds 1..adaptive.max in rounds; remove sweep.seed");
            if (!root["baseline"]) r.fail(a, "adaptive: rounds stop each comparison with the baseline when it is decided; set baseline:");
            r.expect_map(a, "adaptive", {"min", "max", "step", "margin", "confirm"});
            AdaptiveSpec spec;
            if (a["min"]) spec.min = static_cast<int>(r.integer(a["min"], "adaptive.min", 2, 10000));
            if (a["max"]) spec.max = static_cast<int>(r.integer(a["max"], "adaptive.max", spec.min, 10000));
            if (a["step"]) spec.step = static_cast<int>(r.integer(a["step"], "adaptive.step", 1, 10000));
            if (a["margin"]) spec.margin = r.number(a["margin"], "adaptive.margin (an equivalence margin in test accuracy)", 0, 1);
            if (a["confirm"]) spec.confirm = static_cast<int>(r.integer(a["confirm"], "adaptive.confirm (fresh seeds per decided comparison)", 0, 10000));
            if (spec.max < spec.min) r.fail(a, "adaptive: max must be at least min");
            root = YAML::Clone(root);
            if (!root["sweep"]) root["sweep"] = YAML::Node(YAML::NodeType::Map);
            YAML::Node seeds(YAML::NodeType::Sequence);
            for (int s = 1; s <= spec.max; ++s) seeds.push_back(s);
            root["sweep"]["seed"] = seeds;
            Config c = read_config(r, root, file);
            // The confirmation seeds follow the rounds' (max + 1 …): they must be fresh, not tuning seeds too.
            if (c.tune)
                for (const std::int64_t s : c.tune->seeds)
                    if (s > spec.max && s <= spec.max + spec.confirm)
                        r.fail(a["confirm"], "adaptive.confirm: the confirmation seeds " + std::to_string(spec.max + 1) + ".." +
                                                 std::to_string(spec.max + spec.confirm) + " include the tuning seed " + std::to_string(s) +
                                                 "; lower confirm or move tune.seeds above " + std::to_string(spec.max + spec.confirm));
            // The confirmation stage: the same grid over the fresh seeds (for a tuned config, its final stage's).
            if (spec.confirm > 0) {
                YAML::Node copy = YAML::Clone(root);
                YAML::Node fresh(YAML::NodeType::Sequence);
                for (const std::int64_t s : spec.confirmation_seeds()) fresh.push_back(s);
                copy["sweep"]["seed"] = fresh;
                Config confirm = read_config(r, copy, file);
                c.confirmation_stage = confirm.tune ? confirm.final_stage : std::make_shared<const Config>(std::move(confirm));
            }
            c.adaptive = spec;
            return c;
        }
    } catch (const YAML::Exception& e) {
        throw InputError(file + ":" + std::to_string(e.mark.line + 1) + ":" + std::to_string(e.mark.column + 1) + ": " + e.msg);
    }
    return read_config(r, root, file);
}

Config read_config(const Reader& r, const YAML::Node& root, const std::string& file) {
    Config c;
    c.file = file;
    try {
        if (root["name"]) {
            c.name = r.str(root["name"], "name");
            if (c.name.empty() || c.name.find_first_of("/\\") != std::string::npos || c.name == "." || c.name == "..")
                r.fail(root["name"], "name: expected a non-empty name without slashes");
        }
        const Sections base = read_sections(r, root, file);
        c.dataset = base.dataset;
        c.model = base.model;
        c.train = base.train;
        if (root["activations"]) read_activations(r, root["activations"], c.activations);
        if (root["inits"]) read_inits(r, root["inits"], c.inits);
        if (root["sweep"]) read_sweep(r, root["sweep"], c.sweep, c.model, c.activations, c.inits);
        read_grid(r, root, c);
        c.out = root["out"] ? r.str(root["out"], "out") : "runs/" + c.name;
        if (c.out.empty()) r.fail(root["out"], "out: expected a run directory's path (or leave out: out, for runs/<name>)");
        if (root["baseline"]) {
            read_baseline(r, root["baseline"], c);
        }
        if (root["isa"])
            c.isa = read_choice(r, root["isa"], "isa", {"sse41", "avx", "avx2", "avx512_core", "avx512_core_vnni", "avx512_core_bf16"});
        if (root["seeds"]) c.paired_seeds = read_choice(r, root["seeds"], "seeds", {"paired", "independent"}) == "paired";
        if (root["tune"]) read_tune(r, root, c);
    } catch (const YAML::Exception& e) {
        throw InputError(file + ":" + std::to_string(e.mark.line + 1) + ":" + std::to_string(e.mark.column + 1) +
                         ": " + e.msg);
    }
    return c;
}

}  // namespace

Config parse_config(const std::string& text, const std::string& file) { return parse_config_chain(text, file, {}); }

Config load_config(const std::string& path) { return parse_config(read_config_text(path, "config file"), path); }

nlohmann::json Config::cell_values(std::size_t i) const {
    nlohmann::json values = nlohmann::json::object();
    for (std::size_t a = 0; a < axes.size(); ++a) values[axes[a].name] = cell_value(i, a);
    return values;
}

ActivationSpec resolve_activation(const Config& c, const std::string& name) {
    if (auto it = c.activations.find(name); it != c.activations.end()) return it->second;
    return builtin_activation(name);
}

InitSpec resolve_init(const Config& c, const std::string& name) {
    if (auto it = c.inits.find(name); it != c.inits.end()) return it->second;
    return builtin_init(name);
}

}  // namespace actbench
