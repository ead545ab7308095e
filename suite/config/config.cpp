// The config reader: a file (and the bases it extends) into a validated Config. The sections, the definitions and
// the grid are read by their own files (config_readers.hpp); this one reads the top level, baseline, tune: and
// adaptive:, and builds the stages.
#include "config/config.hpp"

#include "config/config_readers.hpp"
#include "core/error.hpp"

#include "config/settings_schema.hpp"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <filesystem>
#include <limits>
#include <set>

namespace actbench {

namespace {

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
    return merge(base, without_key(root, "extends"));
}

// baseline: an activation of sweep.activation, or {AXIS: VALUE} naming a value of another axis.
void read_baseline(const Reader& r, const YAML::Node& n, Config& c) {
    if (n.IsMap()) {
        if (n.size() != 1) r.fail(n, "baseline: expected one axis and its value, e.g. {bias: 0}");
        c.baseline_axis = n.begin()->first.as<std::string>();
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
    // A new node, not `value_node = …` on a copy of n: yaml-cpp's assignment writes through to the document, which
    // turned {AXIS: VALUE} into VALUE for the tuning and final stages read from it later.
    const YAML::Node value_node = n.IsMap() ? n.begin()->second : n;
    if (!value_node.IsScalar()) r.fail(value_node, "baseline: expected a value of " + c.baseline_axis);
    // Compared as the grid compares them: the axis's own JSON values (bias values are numbers or none).
    const nlohmann::json value =
        c.baseline_axis == "activation" || c.baseline_axis == "init" ? nlohmann::json(value_node.Scalar()) : scalar_json(value_node);
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

// Every sweep activation fits every cell's model (maxout and residual blocks do not), refused at sweep.activation.
void check_activation_widths(const Reader& r, const YAML::Node& root, const Config& c) {
    for (const Sections& s : c.variants)
        for (const auto& [name, spec] : c.sweep_activations) try {
                check_activation_width(s.model, spec.width_multiplier(), name);
            } catch (const std::invalid_argument& e) {
                const YAML::Node sweep = root["sweep"];
                r.fail(sweep && sweep["activation"] ? sweep["activation"] : root["model"] ? root["model"] : root, e.what());
            }
}

// A tuned axis is a setting that exists and that tuning can choose: not the validation split it scores on.
void check_tunable(const Reader& r, const YAML::Node& at, const std::string& axis, const ModelSpec& model) {
    if (axis == "dataset.validation" || axis == "dataset.validation_seed")
        r.fail(at, "tune.axis: " + axis + " picks the validation split that tuning scores on; choosing it by that score is circular");
    const std::string section = axis.substr(0, axis.find('.')), key = axis.substr(axis.find('.') + 1);
    std::vector<std::string> valid;
    const auto add = [&](const auto& keys) {  // a mapping with a kind also by its name alone (train.schedule: cosine)
        for (const auto& k : keys) {
            valid.push_back(section + "." + std::string(k.key));
            if (k.key.ends_with(".kind")) valid.push_back(section + "." + std::string(key_head(k.key)));
        }
    };
    if (section == "dataset") add(dataset_keys());
    if (section == "train") add(train_keys());
    if (section == "model") {
        for (const char* k : {"batchnorm", "dropout", "widen"}) valid.push_back("model." + std::string(k));
        for (const auto& p : find_model(model.name).params) valid.push_back("model." + std::string(p.name));
    }
    if (std::find(valid.begin(), valid.end(), axis) != valid.end()) return;
    std::string list;
    for (const auto& v : valid) list += (list.empty() ? "" : ", ") + v;
    r.fail(at, "tune.axis: '" + axis + "' is not a setting; " + section + " has " + list);
}

}  // namespace

std::string rung_problem(int rung, int previous, int budget) {
    const std::string r = std::to_string(rung);
    if (rung < 1) return r + " is not a whole number of epochs from 1";
    if (rung <= previous) return r + " is not above the rung before it; rungs are increasing epoch counts";
    if (rung >= budget)
        return r + " is not below the budget of " + std::to_string(budget) + " epochs (train.epochs); the budget itself is the last rung";
    return "";
}

int fewest_epochs(const Config& grid) {
    int fewest = std::numeric_limits<int>::max();
    for (std::size_t cell = 0; cell < grid.cell_count(); ++cell) fewest = std::min(fewest, grid.cell_sections(cell).train.epochs);
    return fewest;
}

namespace {

// tune.schedule: full (the default) or halving, with its rungs (whole epochs, increasing, each below the budget of
// every cell) and keep (the fraction of values that go on at each rung).
void read_schedule(const Reader& r, const YAML::Node& n, const Config& stage1, TuneSpec& t) {
    const bool halving = n["schedule"] && read_choice(r, n["schedule"], "tune.schedule", {"full", "halving"}) == "halving";
    for (const char* key : {"rungs", "keep"})
        if (n[key] && !halving) r.fail(n[key], std::string("tune.") + key + ": only with tune.schedule: halving");
    if (!halving) return;
    if (!n["rungs"]) r.fail(n, "tune: schedule: halving needs rungs, the epochs at which values are compared (rungs: [1, 2])");
    if (t.axis == "train.epochs") r.fail(n["schedule"], "tune.schedule: halving compares values at the same epochs; it cannot tune train.epochs");
    const int budget = fewest_epochs(stage1);
    const auto rungs = r.list(n["rungs"], "tune.rungs");
    for (const auto& item : rungs) {
        const int rung = static_cast<int>(r.integer(item, "tune.rungs", 1, std::numeric_limits<int>::max()));
        if (const std::string problem = rung_problem(rung, t.rungs.empty() ? 0 : t.rungs.back(), budget); !problem.empty())
            r.fail(item, "tune.rungs: " + problem);
        t.rungs.push_back(rung);
    }
    if (n["keep"]) t.keep = r.number(n["keep"], "tune.keep", 0.01, 0.99);
}

// tune: {axis: train.lr, values: [...], seeds: [...], seeds_if_close: [...], select: validation_accuracy |
// validation_loss}. The two stages are configs of their own, made by putting the axis into the sweep: stage 1 with
// the tuning seeds (and the seeds_if_close, which only close cells train), stage 2 (the candidates, one value per
// cell chosen from stage 1) with the sweep's seeds.
void read_tune(const Reader& r, const YAML::Node& root, Config& c) {
    const YAML::Node& n = root["tune"];
    r.expect_map(n, "tune", {"axis", "values", "seeds", "seeds_if_close", "select", "schedule", "rungs", "keep"});
    for (const char* key : {"axis", "values", "seeds"})
        if (!n[key])
            r.fail(n,
                   std::string("tune: expected ") + key + " (tune: {axis: train.lr, values: [0.003, 0.01, 0.03, 0.1], seeds: [101, 102]})");
    TuneSpec t;
    t.axis = r.str(n["axis"], "tune.axis");
    const std::string section = t.axis.substr(0, t.axis.find('.'));
    if (t.axis.find('.') == std::string::npos || (section != "train" && section != "model" && section != "dataset"))
        r.fail(n["axis"], "tune.axis: expected a setting's dotted path (train.lr, train.momentum, model.dropout, …)");
    if (root["sweep"] && root["sweep"][t.axis])
        r.fail(n["axis"], "tune.axis: '" + t.axis + "' is also a sweep axis; tune it or sweep it, not both");
    check_tunable(r, n["axis"], t.axis, c.model);
    const auto values = r.list(n["values"], "tune.values");
    if (values.size() < 2) r.fail(n["values"], "tune.values: expected at least two values to choose from");
    refuse_repeats(r, values, "tune.values");
    refuse_repeats(r, r.list(n["seeds"], "tune.seeds"), "tune.seeds");
    if (n["seeds_if_close"]) refuse_repeats(r, r.list(n["seeds_if_close"], "tune.seeds_if_close"), "tune.seeds_if_close");
    if (n["select"]) t.select = read_choice(r, n["select"], "tune.select", {"validation_accuracy", "validation_loss"});
    std::set<std::int64_t> final_seeds;
    if (root["sweep"] && root["sweep"]["seed"])
        for (const auto& item : r.list(root["sweep"]["seed"], "sweep.seed")) final_seeds.insert(item.as<std::int64_t>());
    else
        final_seeds.insert(1);
    for (const char* key : {"seeds", "seeds_if_close"}) {
        if (!n[key]) continue;
        const std::string where = std::string("tune.") + key;
        for (const auto& item : r.list(n[key], where)) {
            const std::int64_t seed = r.integer(item, where, 0, std::numeric_limits<std::int64_t>::max());
            // Kept apart from the final seeds: a trial chosen on its validation score is never also a final one.
            if (final_seeds.count(seed))
                r.fail(item, where + ": " + std::to_string(seed) + " is also a value of sweep.seed; tuning seeds must differ");
            if (key == std::string("seeds_if_close") && std::count(t.seeds.begin(), t.seeds.end(), seed))
                r.fail(item, where + ": " + std::to_string(seed) + " is also in tune.seeds; the seeds if close are more seeds");
            (key == std::string("seeds") ? t.seeds : t.seeds_if_close).push_back(seed);
        }
    }
    if (c.dataset.validation <= 0)
        r.fail(n, "tune: choosing on a validation split needs one: set dataset.validation (e.g. 0.1), carved from the training split");
    auto stage = [&](bool tuning) {
        const YAML::Node copy = with_value(without_key(root, "tune"), {"sweep", t.axis}, n["values"]);
        if (!tuning) return std::make_shared<const Config>(read_config(r, copy, c.file));
        // Stage 1's grid holds every tuning seed; the runner trains the seeds if close only where they are needed.
        // A new node, never assigned over one of the document's: yaml-cpp's `=` on a node writes into what it refers to.
        // Checked above, so a copy without marks is never reported against.
        YAML::Node seeds = n["seeds_if_close"] ? YAML::Clone(n["seeds"]) : n["seeds"];
        if (n["seeds_if_close"])
            for (const auto& s : n["seeds_if_close"]) seeds.push_back(s);
        return std::make_shared<const Config>(read_config(r, with_value(copy, {"sweep", "seed"}, seeds), c.file));
    };
    c.tuning_stage = stage(true);
    c.final_stage = stage(false);
    for (const Axis& a : c.tuning_stage->axes)
        if (a.name == t.axis) t.values = a.values;
    read_schedule(r, n, *c.tuning_stage, t);
    c.tune = t;
}

// adaptive: {min, max, step, margin, confirm}: the seed axis becomes 1..max (the rounds decide how many of them
// run), and with confirm the grid over the fresh seeds max+1..max+confirm is built as a stage of its own.
Config read_adaptive(const Reader& r, const YAML::Node& root, const std::string& file) {
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
    if (a["confirm"])
        spec.confirm = static_cast<int>(r.integer(a["confirm"], "adaptive.confirm (fresh seeds per decided comparison)", 0, 10000));
    if (spec.max < spec.min) r.fail(a, "adaptive: max must be at least min");
    YAML::Node seeds(YAML::NodeType::Sequence);
    for (int s = 1; s <= spec.max; ++s) seeds.push_back(s);
    const YAML::Node rounds = with_value(root, {"sweep", "seed"}, seeds);
    Config c = read_config(r, rounds, file);
    // Something to compare: the baseline's axis needs another value (else validate would promise trials that
    // run never trains).
    for (const Axis& axis : c.axes)
        if (axis.name == c.baseline_axis && axis.values.size() < 2)
            r.fail(
                a,
                "adaptive: sweep." + axis.name + " holds only the baseline; the rounds compare other values with it, and there are none");
    // The confirmation seeds follow the rounds' (max + 1 …): they must be fresh, not tuning seeds too.
    if (c.tune)
        for (const std::int64_t s : c.tune->seeds)
            if (s > spec.max && s <= spec.max + spec.confirm)
                r.fail(a["confirm"],
                       "adaptive.confirm: the confirmation seeds " + std::to_string(spec.max + 1) + ".." +
                           std::to_string(spec.max + spec.confirm) + " include the tuning seed " + std::to_string(s) +
                           "; lower confirm or move tune.seeds above " + std::to_string(spec.max + spec.confirm));
    // The confirmation stage: the same grid over the fresh seeds (for a tuned config, its final stage's).
    if (spec.confirm > 0) {
        YAML::Node fresh(YAML::NodeType::Sequence);
        for (const std::int64_t s : spec.confirmation_seeds()) fresh.push_back(s);
        Config confirm = read_config(r, with_value(rounds, {"sweep", "seed"}, fresh), file);
        c.confirmation_stage = confirm.tune ? confirm.final_stage : std::make_shared<const Config>(std::move(confirm));
    }
    c.adaptive = spec;
    return c;
}

Config parse_config_chain(const std::string& text, const std::string& file, std::vector<std::filesystem::path> chain) {
    Reader r(file, text);
    YAML::Node root = load_yaml(r, text, file);
    if (!root || root.IsNull()) throw InputError(file + ": the file is empty; expected a sweep config (see README)");
    try {
        r.expect_map(root, "the config", top_level_keys());
        std::error_code ec;
        chain.push_back(std::filesystem::weakly_canonical(file, ec));
        if (root["extends"]) root = resolve_extends(r, root, file, chain);
        if (root["adaptive"]) return read_adaptive(r, root, file);
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
        for (const auto& name : c.sweep.activation) c.sweep_activations.emplace(name, resolve_activation(c, name));
        for (const auto& name : c.sweep.init) c.sweep_inits.emplace(name, resolve_init(c, name));
        read_grid(r, root, c);
        check_activation_widths(r, root, c);
        c.out = root["out"] ? r.str(root["out"], "out") : "runs/" + c.name;
        if (c.out.empty()) r.fail(root["out"], "out: expected a run directory's path (or leave out: out, for runs/<name>)");
        if (root["baseline"]) {
            read_baseline(r, root["baseline"], c);
        }
        if (root["isa"])
            c.isa = read_choice(r, root["isa"], "isa", {"sse41", "avx", "avx2", "avx512_core", "avx512_core_vnni", "avx512_core_bf16"});
        // The config alone decides this one (the CPU's own ISA is run's to check): a pin without bf16 instructions.
        const bool bf16 =
            std::any_of(c.variants.begin(), c.variants.end(), [](const Sections& s) { return s.train.precision == Precision::bf16; });
        if (bf16 && !c.isa.empty() && c.isa != "avx512_core_bf16")
            r.fail(root["isa"],
                   "isa: " + c.isa + " has no bf16 instructions, and train.precision bf16 needs " + std::string(kBf16Requirement) +
                       "; pin avx512_core_bf16, or leave isa: out");
        if (root["seeds"]) c.paired_seeds = read_choice(r, root["seeds"], "seeds", {"paired", "independent"}) == "paired";
        if (root["tune"]) read_tune(r, root, c);
    } catch (const YAML::Exception& e) {
        throw InputError(file + ":" + std::to_string(e.mark.line + 1) + ":" + std::to_string(e.mark.column + 1) + ": " + e.msg);
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
