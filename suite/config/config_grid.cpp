// The sweep: the special axes (activation, init, bias, seed), the dotted-path axes, zip and exclude, and the cells
// with each one's sections (grid.hpp enumerates; this file reads).
#include "config/config_readers.hpp"

#include "config/settings.hpp"

#include <algorithm>
#include <limits>
#include <map>
#include <set>

namespace actbench {

namespace {

// sweep.bias: a value or a list of values, each a number, none (no bias parameters) or {default: x, LAYER: y}; a
// single mapping is one value.
std::vector<BiasSetting> read_bias_axis(const Reader& r, const YAML::Node& axis, const ModelSpec& model) {
    std::vector<BiasSetting> out;
    std::vector<YAML::Node> items;
    if (axis.IsMap())
        items.push_back(axis);
    else
        items = r.list(axis, "sweep.bias");
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
            out.push_back(
                BiasSetting(r.number(item, "sweep.bias (a number, none for no bias parameters, or {default: x, LAYER: y})", -1e3, 1e3)));
        }
    }
    return out;
}

}  // namespace

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

namespace {

// What the grid is read from, and what its steps hand on: the dotted-path axes' key and value nodes (for
// messages and for the cells' sections), the zip group of each axis, the exclusion rules' nodes.
struct GridSource {
    YAML::Node root, sweep;
    std::map<std::string, YAML::Node> path_keys;  // axis → its key node (for messages)
    std::map<std::string, std::vector<YAML::Node>> path_values;  // axis → its value nodes
    std::vector<int> group_of;  // axis → its zip group, or −1
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
        if (name == "activation")
            for (const auto& v : c.sweep.activation) a.values.emplace_back(v);
        else if (name == "init")
            for (const auto& v : c.sweep.init) a.values.emplace_back(v);
        else if (name == "bias")
            for (const auto& v : c.sweep.bias) a.values.push_back(bias_json(v));
        else if (name == "seed")
            for (const auto& v : c.sweep.seed) a.values.emplace_back(v);
        else
            for (const auto& v : path_values[name]) {
                if (!v.IsScalar()) r.fail(v, "sweep." + name + ": expected a value (a number or a word)");
                a.values.push_back(scalar_json(v));
            }
        if (name.find('.') != std::string::npos) {
            refuse_repeats(r, path_values[name], "sweep." + name);
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
                    r.fail(item,
                           "sweep.zip: '" + name + "' has " + std::to_string(c.axes[i].values.size()) + " values but '" + names[0] +
                               "' has " + std::to_string(c.axes[axis_index(c, names[0])].values.size()) +
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
                    for (auto b = it->second.begin(); b != it->second.end(); ++b)
                        j[name][b->first.as<std::string>()] = scalar_json(b->second);
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
    // Each step a new document (never assigned over: assigning a yaml-cpp Node writes into the node it refers to).
    std::vector<YAML::Node> docs{root};
    nlohmann::json path_part = nlohmann::json::object();
    for (std::size_t p = 0; p < path_axes.size(); ++p) {
        const std::string& path = c.axes[path_axes[p]].name;
        path_part[path] = c.axes[path_axes[p]].values[key[p]];
        docs.push_back(with_value(docs.back(), dotted_path(path), source.path_values.at(path)[key[p]]));
    }
    try {
        Sections sections = read_sections(r, docs.back(), c.file);
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

}  // namespace

// The axes, zip groups, exclusions, cells and per-cell sections of a config whose special axes are read.
void read_grid(const Reader& r, const YAML::Node& root, Config& c) {
    // Constructed, not assigned: assigning a yaml-cpp Node writes into the node it refers to.
    GridSource source{root, root["sweep"], {}, {}, {}, {}};
    read_axes(r, source, c);
    read_zip(r, source, c);
    read_exclude(r, source, c);
    enumerate_cells(r, source, c);
}

}  // namespace actbench
