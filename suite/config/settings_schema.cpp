#include "config/settings_schema.hpp"

#include "config/dataset_kinds.hpp"

#include <algorithm>
#include <iomanip>
#include <limits>
#include <sstream>
#include <type_traits>

namespace actbench {

namespace {

// get and set of a member reached by `ref`, a generic lambda [](auto& s) -> auto& { return s.member; }.
template <class Section, class Ref>
Access<Section> member(Ref ref) {
    return {[ref](const Section& s) { return nlohmann::json(ref(s)); },
            [ref](Section& s, const nlohmann::json& v) {
                auto& m = ref(s);
                m = v.get<std::decay_t<decltype(m)>>();
            }};
}

// The dataset kind takes the key (dataset_kinds.hpp): the kind-specific keys are in the id only for their kinds.
bool kind_takes(const DatasetConfig& d, std::string_view key) {
    const DatasetKind* kind = lookup_dataset_kind(d.kind);
    if (!kind) return false;
    if (key == "train_subset" || key == "test_subset") return kind->subsets;
    return std::find(kind->keys.begin(), kind->keys.end(), key) != kind->keys.end();
}

template <std::size_t N>
struct KeyName {  // a string literal as a template argument, for taken<"path">
    constexpr KeyName(const char (&s)[N]) { std::copy_n(s, N, text); }
    char text[N];
};
template <KeyName Key>
bool taken(const DatasetConfig& d) {
    return kind_takes(d, Key.text);
}

// A count stays an integer in the canonical settings (so trial ids do not depend on how it was written).
Access<DatasetConfig> subset(double DatasetConfig::*field) {
    return {[field](const DatasetConfig& d) {
                const double v = d.*field;
                return v >= 1 || v == 0 ? nlohmann::json(static_cast<std::int64_t>(v)) : nlohmann::json(v);
            },
            [field](DatasetConfig& d, const nlohmann::json& v) { d.*field = v.get<double>(); }};
}

bool synthetic(const DatasetConfig& d) { return d.kind == "synthetic_shapes"; }
// Where the optimiser and schedule keys apply.
bool momentum_kind(const TrainConfig& t) { return t.optimizer.kind == "momentum" || t.optimizer.kind == "nesterov"; }
bool adam(const TrainConfig& t) { return t.optimizer.kind == "adam"; }
bool step(const TrainConfig& t) { return t.schedule.kind == "step"; }

}  // namespace

const std::vector<SettingKey<DatasetConfig>>& dataset_keys() {
    using K = SettingKey<DatasetConfig>;
    using D = DatasetConfig;
    static const std::vector<K> table{
        {.key = "kind",
         .kind = ValueKind::choice,
         .access = member<D>([](auto& d) -> auto& { return d.kind; }),
         .id_path = "kind",
         .other = "opencv_digits",
         .description = "idx | cifar | image_folder | opencv_digits | synthetic_shapes (`actbench list datasets`)"},
        {.key = "path",
         .kind = ValueKind::text,
         .access = member<D>([](auto& d) -> auto& { return d.path; }),
         .id_path = "path",
         .applies = taken<"path">,
         .other = "/srv/elsewhere",
         .description = "the files (every kind but synthetic_shapes; opencv_digits defaults to opencv-doc's digits.png)"},
        {.key = "classes",
         .kind = ValueKind::integer,
         .min = 2,
         .max = 256,
         .access = member<D>([](auto& d) -> auto& { return d.classes; }),
         .id_path = "classes",
         .applies = taken<"classes">,
         .other = "5",
         .description = "idx: the number of classes; synthetic_shapes: 2..6 (default 4)",
         .range =
             [](const D& d) {
                 return synthetic(d) ? std::pair{2.0, 6.0} : std::pair{2.0, 256.0};
             }},
        {.key = "labels",
         .kind = ValueKind::choice,
         .choices = {"fine", "coarse"},
         .access = member<D>([](auto& d) -> auto& { return d.labels; }),
         .id_path = "labels",
         .applies = taken<"labels">,
         .other = "coarse",
         .description = "cifar (CIFAR-100): fine | coarse labels"},
        {.key = "size",
         .kind = ValueKind::integer,
         .min = 8,
         .max = 512,
         .access = member<D>([](auto& d) -> auto& { return d.size; }),
         .id_path = "size",
         .applies = taken<"size">,
         .other = "24",
         .description = "image_folder: images are resized to size × size (area interpolation); synthetic_shapes: 12..256",
         .range =
             [](const D& d) {
                 return synthetic(d) ? std::pair{12.0, 256.0} : std::pair{8.0, 512.0};
             }},
        {.key = "channels",
         .kind = ValueKind::integer,
         .min = 1,
         .max = 3,
         .access = member<D>([](auto& d) -> auto& { return d.channels; }),
         .id_path = "channels",
         .applies = taken<"channels">,
         .other = "3",
         .description = "image_folder: 1 (grey) or 3 (colour)",
         .refuse = [](const D& d) { return d.channels == 2 ? std::string("expected 1 (grey) or 3 (colour)") : std::string(); }},
        {.key = "test_fraction",
         .kind = ValueKind::number,
         .min = 0.01,
         .max = 0.99,
         .access = member<D>([](auto& d) -> auto& { return d.test_fraction; }),
         .id_path = "test_fraction",
         .applies = taken<"test_fraction">,
         .other = "0.3",
         .description = "image_folder (without train/ and test/ folders), opencv_digits: the share held out for testing"},
        {.key = "train_subset",
         .kind = ValueKind::subset,
         .access = subset(&D::train_subset),
         .id_path = "train_subset",
         .applies = taken<"train_subset">,
         .other = "100",
         .description = "0: all; N: the first N/classes images of each class, in file order; a fraction below 1: that share, the same way"},
        {.key = "test_subset",
         .kind = ValueKind::subset,
         .access = subset(&D::test_subset),
         .id_path = "test_subset",
         .applies = taken<"test_subset">,
         .other = "50",
         .description = "as train_subset, of the test split"},
        {.key = "train_count",
         .kind = ValueKind::integer,
         .min = 2,
         .max = 1000000,
         .access = member<D>([](auto& d) -> auto& { return d.train_count; }),
         .id_path = "train_count",
         .applies = taken<"train_count">,
         .other = "100",
         .description = "synthetic_shapes: training images drawn (at least classes)"},
        {.key = "test_count",
         .kind = ValueKind::integer,
         .min = 2,
         .max = 1000000,
         .access = member<D>([](auto& d) -> auto& { return d.test_count; }),
         .id_path = "test_count",
         .applies = taken<"test_count">,
         .other = "50",
         .description = "synthetic_shapes: test images drawn (at least classes)"},
        {.key = "noise",
         .kind = ValueKind::number,
         .min = 0,
         .max = 255,
         .access = member<D>([](auto& d) -> auto& { return d.noise; }),
         .id_path = "noise",
         .applies = taken<"noise">,
         .other = "4",
         .description = "synthetic_shapes: the standard deviation of pixel noise"},
        {.key = "seed",
         .kind = ValueKind::integer,
         .min = 0,
         .max = kLargestInteger,
         .access = member<D>([](auto& d) -> auto& { return d.seed; }),
         .id_path = "seed",
         .applies = taken<"seed">,
         .other = "2",
         .description = "synthetic_shapes: the drawing's seed (the same images for every trial)"},
        {.key = "validation",
         .kind = ValueKind::number,
         .min = 0,
         .max = 0.5,
         .access = member<D>([](auto& d) -> auto& { return d.validation; }),
         .id_path = "validation",
         .applies = [](const D& d) { return d.validation > 0; },
         .other = "0.2",
         .description = "a fraction of the training split held out for validation (stratified); needed by tune:",
         .hint = "a fraction of the training split"},
        {.key = "validation_seed",
         .kind = ValueKind::integer,
         .min = 0,
         .max = kLargestInteger,
         .access = member<D>([](auto& d) -> auto& { return d.validation_seed; }),
         .id_path = "validation_seed",
         .applies = [](const D& d) { return d.validation > 0; },
         .other = "2",
         .needs = {{"validation", "0.2"}},
         .description = "which images validation holds out (the same for every trial of a config)"},
        {.key = "normalize",
         .kind = ValueKind::choice,
         .choices = {"none", "unit", "standard"},
         .access = member<D>([](auto& d) -> auto& { return d.normalize; }),
         .id_path = "normalize",
         .other = "unit",
         .description = "none | unit (x/255) | standard (the training split's per-channel mean and standard deviation)"},
        {.key = "augment.crop_padding",
         .kind = ValueKind::integer,
         .min = 0,
         .max = 64,
         .access = member<D>([](auto& d) -> auto& { return d.augment.crop_padding; }),
         .id_path = "augment/crop_padding",
         .applies = [](const D& d) { return d.augment.active(); },
         .other = "2",
         .description = "training batches only: random shifts of up to N pixels (zero padded)"},
        {.key = "augment.flip",
         .kind = ValueKind::flag,
         .access = member<D>([](auto& d) -> auto& { return d.augment.flip; }),
         .id_path = "augment/flip",
         .applies = [](const D& d) { return d.augment.active(); },
         .other = "true",
         .description = "training batches only: random horizontal flips"},
    };
    return table;
}

const std::vector<SettingKey<TrainConfig>>& train_keys() {
    using K = SettingKey<TrainConfig>;
    using T = TrainConfig;
    static const std::vector<K> table{
        {.key = "epochs",
         .kind = ValueKind::integer,
         .min = 1,
         .max = 100000,
         .access = member<T>([](auto& t) -> auto& { return t.epochs; }),
         .id_path = "epochs",
         .other = "4",
         .description = "passes over the training split"},
        {.key = "batch",
         .kind = ValueKind::integer,
         .min = 1,
         .max = 65536,
         .access = member<T>([](auto& t) -> auto& { return t.batch; }),
         .id_path = "batch",
         .other = "32",
         .description = "mini-batch size; the last partial batch of each epoch is dropped"},
        {.key = "lr",
         .kind = ValueKind::number,
         .min = 1e-12,
         .max = 1e6,
         .access = member<T>([](auto& t) -> auto& { return t.lr; }),
         .id_path = "lr",
         .other = "0.02",
         .description = "learning rate (the schedule's base)"},
        {.key = "optimizer",
         .kind = ValueKind::choice,
         .choices = optimizer_kinds(),
         .access = member<T>([](auto& t) -> auto& { return t.optimizer.kind; }),
         .id_path = "optimizer/kind",
         .other = "adam",
         .description = "sgd | momentum (v ← μv + g; w ← w − ηv) | nesterov | adam"},
        {.key = "momentum",
         .kind = ValueKind::number,
         .min = 0,
         .max = 0.999999,
         .access = member<T>([](auto& t) -> auto& { return t.optimizer.momentum; }),
         .id_path = "optimizer/momentum",
         .applies = momentum_kind,
         .other = "0.5",
         .needs = {{"optimizer", "momentum"}},
         .description = "μ of momentum and nesterov"},
        {.key = "beta1",
         .kind = ValueKind::number,
         .min = 0,
         .max = 0.999999,
         .access = member<T>([](auto& t) -> auto& { return t.optimizer.beta1; }),
         .id_path = "optimizer/beta1",
         .applies = adam,
         .other = "0.8",
         .needs = {{"optimizer", "adam"}},
         .description = "adam"},
        {.key = "beta2",
         .kind = ValueKind::number,
         .min = 0,
         .max = 0.99999999,
         .access = member<T>([](auto& t) -> auto& { return t.optimizer.beta2; }),
         .id_path = "optimizer/beta2",
         .applies = adam,
         .other = "0.99",
         .needs = {{"optimizer", "adam"}},
         .description = "adam"},
        {.key = "epsilon",
         .kind = ValueKind::number,
         .min = 1e-20,
         .max = 1,
         .access = member<T>([](auto& t) -> auto& { return t.optimizer.epsilon; }),
         .id_path = "optimizer/epsilon",
         .applies = adam,
         .other = "1e-6",
         .needs = {{"optimizer", "adam"}},
         .description = "adam"},
        {.key = "weight_decay",
         .kind = ValueKind::number,
         .min = 0,
         .max = 1e3,
         .access = member<T>([](auto& t) -> auto& { return t.optimizer.weight_decay; }),
         .id_path = "optimizer/weight_decay",
         .other = "0.0005",
         .description = "L2, added to the gradient of weights only (never biases or PReLU slopes)"},
        {.key = "decay_learned",
         .kind = ValueKind::flag,
         .access = member<T>([](auto& t) -> auto& { return t.optimizer.decay_learned; }),
         .id_path = "optimizer/decay_learned",
         .applies = [](const T& t) { return t.optimizer.decay_learned; },
         .other = "true",
         .description = "true: weight_decay applies to formulas' learned parameters too (their raw values); default false, as He et "
                        "al. 2015 advise for PReLU's slopes"},
        {.key = "clip_norm",
         .kind = ValueKind::number,
         .min = 0,
         .max = 1e12,
         .access = member<T>([](auto& t) -> auto& { return t.optimizer.clip_norm; }),
         .id_path = "optimizer/clip_norm",
         .other = "1",
         .description = "> 0: scale the gradients when their global L2 norm exceeds it"},
        {.key = "schedule.kind",
         .kind = ValueKind::choice,
         .choices = schedule_kinds(),
         .access = member<T>([](auto& t) -> auto& { return t.schedule.kind; }),
         .id_path = "schedule/kind",
         .other = "cosine",
         .description = "constant | step | cosine; `schedule: cosine` is short for `schedule: {kind: cosine}`"},
        {.key = "schedule.step_epochs",
         .kind = ValueKind::number,
         .min = 1e-6,
         .max = 1e6,
         .access = member<T>([](auto& t) -> auto& { return t.schedule.step_epochs; }),
         .id_path = "schedule/step_epochs",
         .applies = step,
         .other = "5",
         .needs = {{"schedule.kind", "step"}},
         .description = "step: multiply the rate by gamma every this many epochs"},
        {.key = "schedule.gamma",
         .kind = ValueKind::number,
         .min = 0,
         .max = 1e3,
         .access = member<T>([](auto& t) -> auto& { return t.schedule.gamma; }),
         .id_path = "schedule/gamma",
         .applies = step,
         .other = "0.5",
         .needs = {{"schedule.kind", "step"}},
         .description = "step: the decay factor"},
        {.key = "schedule.warmup_epochs",
         .kind = ValueKind::number,
         .min = 0,
         .max = 1e6,
         .access = member<T>([](auto& t) -> auto& { return t.schedule.warmup_epochs; }),
         .id_path = "schedule/warmup_epochs",
         .other = "1",
         .description = "a linear warm-up from 0 over this many epochs"},
        {.key = "l1_activation",
         .kind = ValueKind::number,
         .min = 0,
         .max = 1e3,
         .access = member<T>([](auto& t) -> auto& { return t.l1_activation; }),
         .id_path = "l1_activation",
         .other = "0.001",
         .description = "λ of an L1 penalty λ·(1/N)·Σ|a| on the activations (Glorot et al. 2011)"},
        // 0 (off) is what trials hashed before the key: their ids do not change.
        {.key = "diverge_loss",
         .kind = ValueKind::number,
         .min = 0,
         .max = 1e12,
         .access = member<T>([](auto& t) -> auto& { return t.diverge_loss; }),
         .id_path = "diverge_loss",
         .applies = [](const T& t) { return t.diverge_loss > 0; },
         .other = "100",
         .description = "> 0: a trial whose mini-batch mean training loss exceeds this stops at that step, recorded as diverged "
                        "(NaN or Inf always stops it); 0: only NaN or Inf",
         .hint = "a cross-entropy; chance is ln(classes)"},
        {.key = "target",
         .kind = ValueKind::number,
         .min = 0,
         .max = 1,
         .access = member<T>([](auto& t) -> auto& { return t.target; }),
         .id_path = "target",
         .other = "0.2",
         .description = "the training error whose first crossing measures convergence speed",
         .hint = "a training error"},
        {.key = "eval_every",
         .kind = ValueKind::integer,
         .min = 0,
         .max = 100000000,
         .access = member<T>([](auto& t) -> auto& { return t.eval_every; }),
         .id_path = "eval_every",
         .other = "10",
         .description = "> 0: also evaluate every N steps, for a finer convergence curve",
         .hint = "steps; 0: only at epoch ends"},
        {.key = "probe",
         .kind = ValueKind::integer,
         .min = 1,
         .max = 1000000,
         .access = member<T>([](auto& t) -> auto& { return t.probe; }),
         .id_path = "probe",
         .other = "256",
         .description = "the first N training images: the fixed probe set for sparsity statistics"},
        // fp32 is what trials hashed before precision was a setting: their ids do not change.
        {.key = "precision",
         .kind = ValueKind::choice,
         .choices = {"fp32", "bf16"},
         .access = {
             [](const T& t) { return nlohmann::json(precision_name(t.precision)); },
             [](T& t, const nlohmann::json& v) { t.precision = v.get<std::string>() == "bf16" ? Precision::bf16 : Precision::fp32; }},
         .id_path = "precision",
         .applies = [](const T& t) { return t.precision != Precision::fp32; },
         .other = "bf16",
         .description =
             "fp32 | bf16: mixed precision where the CPU has bf16 instructions; in the id only as bf16 (fp32 ids predate the key)"},
    };
    return table;
}

const std::vector<OtherKey>& other_keys() {
    // In the order `validate` lists them when it refuses an unknown key.
    static const std::vector<OtherKey> table{
        {"extends", "no: the base's settings enter as themselves", "a config (relative path) whose keys this one is merged over"},
        {"name", "no: it names the study, not a trial", "the study's name; results go to runs/NAME unless out: says otherwise"},
        {"isa", "no: pinned in the manifest (a run directory refuses another ISA)", "oneDNN's instruction set (sse41 … avx512_core_bf16)"},
        {"seeds", "yes: paired (the default) is part of every id", "paired | independent random numbers across the compared values"},
        {"baseline", "no: what the report compares with", "an activation, or {AXIS: VALUE}"},
        {"tune", "no: which trials run; the chosen value enters through its axis", "{axis, values, seeds, seeds_if_close, select, schedule, rungs, keep}"},
        {"adaptive", "no: which seeds run; each seed enters through the seed axis", "{min, max, step, margin, confirm}"},
        {"dataset", "yes: its keys, as above", "the data set"},
        {"model", "yes: its keys, as below", "the network"},
        {"train", "yes: its keys, as above", "the training"},
        {"activations", "yes: each trial's activation definition (activation_def)", "named parameterisations and formulas"},
        {"inits", "yes: each trial's initialiser definition (init_def)", "named initialiser variants"},
        {"sweep", "yes: each axis's value through its setting",
         "the axes; activation, init, bias and seed, and any setting by its dotted path"},
        {"out", "no: where the results go", "the run directory"},
        {"model.name", "yes", "a family (`actbench list models`) or a spec file models/NAME.yaml"},
        {"model.batchnorm", "yes", "none | before | after the activation"},
        {"model.dropout", "yes", "rate of inverted dropout after each hidden dense layer's activation"},
        {"model.widen", "yes, when not 1", "every hidden layer's channels and units × this factor, rounded, at least 1 (for width studies)"},
        {"model.PARAM", "yes: every parameter of the family, defaults included", "the family's parameters (`actbench list models`)"},
    };
    return table;
}

std::vector<std::string> top_level_keys() {
    std::vector<std::string> keys;
    for (const auto& k : other_keys())
        if (k.key.find('.') == std::string_view::npos) keys.emplace_back(k.key);
    return keys;
}

namespace {

std::string bound(double v) {
    std::ostringstream out;
    out << std::setprecision(10) << v;
    return out.str();
}

std::string type_text(ValueKind kind, double min, double max) {
    switch (kind) {
        case ValueKind::integer:
            return "integer " + std::to_string(static_cast<long long>(min)) + ".." +
                (max >= kLargestInteger ? std::string("2^63−1") : std::to_string(static_cast<long long>(max)));
        case ValueKind::number: return "number [" + bound(min) + ", " + bound(max) + "]";
        case ValueKind::choice: return "choice";
        case ValueKind::flag: return "true | false";
        case ValueKind::text: return "text";
        case ValueKind::subset: return "count or fraction";
    }
    return "";
}

// One row per key: {name, type, default, in_id, description}, and choices where there are.
template <class Section>
void describe_keys(nlohmann::json& rows, const std::string& section, const std::vector<SettingKey<Section>>& keys) {
    const Section defaults{};
    for (const auto& k : keys) {
        nlohmann::json row{{"name", section + "." + std::string(k.key)},
                           {"type", type_text(k.kind, k.min, k.max)},
                           {"default", k.access.get(defaults)},
                           {"in_id",
                            k.id_path.empty() ? "no"
                                : k.applies   ? "when it applies"
                                              : "yes"},
                           {"description", k.description}};
        if (!k.choices.empty()) row["choices"] = k.choices;
        rows.push_back(row);
    }
}

}  // namespace

nlohmann::json settings_json() {
    nlohmann::json rows = nlohmann::json::array();
    describe_keys(rows, "dataset", dataset_keys());
    describe_keys(rows, "train", train_keys());
    for (const auto& k : other_keys()) rows.push_back({{"name", k.key}, {"in_id", k.in_id}, {"description", k.description}});
    return rows;
}

// A table cell: a | inside it would end the cell.
std::string cell(const nlohmann::json& v) {
    std::string text = v.is_string() ? v.get<std::string>() : v.dump(), out;
    for (char c : text) out += c == '|' ? std::string("\\|") : std::string(1, c);
    return out;
}

std::string settings_reference() {
    std::ostringstream out;
    out << "| key | type | default | in the trial id | what |\n|---|---|---|---|---|\n";
    const nlohmann::json rows = settings_json();
    for (const auto& row : rows) {
        if (!row.contains("type")) continue;
        out << "| `" << cell(row["name"]) << "` | " << cell(row["type"]) << " | `" << cell(row["default"]) << "` | " << cell(row["in_id"])
            << " | " << cell(row["description"]) << " |\n";
    }
    out << "\n| key | in the trial id | what |\n|---|---|---|\n";
    for (const auto& row : rows)
        if (!row.contains("type"))
            out << "| `" << cell(row["name"]) << "` | " << cell(row["in_id"]) << " | " << cell(row["description"]) << " |\n";
    return out.str();
}

}  // namespace actbench
