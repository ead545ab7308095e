#include "model_zoo.hpp"

#include "params.hpp"

#include <unistd.h>

#include <cmath>
#include <sstream>
#include <stdexcept>

namespace actbench {

namespace {

using K = LayerSpec::Kind;

int as_int(double v) { return static_cast<int>(std::lround(v)); }

LayerSpec conv(int channels, int kernel, int padding) { return {K::conv, channels, kernel, padding, 1, 0, ""}; }
LayerSpec pool() { return {K::pool, 0, 2, 0, 2, 0, ""}; }
LayerSpec dense(int units) { return {K::dense, units, 0, 0, 1, 0, ""}; }
LayerSpec act() { return {K::act, 0, 0, 0, 1, 0, ""}; }
LayerSpec batchnorm() { return {K::batchnorm, 0, 0, 0, 1, 0, ""}; }
LayerSpec block(int channels, int stride, BlockKind kind) { return {K::residual, channels, 3, 1, stride, 0, "", kind}; }

// He et al. 2016's CIFAR nets, for any number of stages: 2 + 2·stages·n layers with weights (the stem, two convs
// per block, the classifier), n blocks per stage.
std::vector<LayerSpec> resnet_layers(const double* p) {
    const int depth = as_int(p[0]), width = as_int(p[1]), stages = as_int(p[2]);
    const auto kind = static_cast<BlockKind>(as_int(p[3]));
    const int per_stage = (depth - 2) / (2 * stages);
    std::vector<LayerSpec> l{conv(width, 3, 1)};
    if (kind == BlockKind::post_activation) l.push_back(batchnorm());
    if (kind != BlockKind::pre_activation) l.push_back(act());
    for (int s = 0; s < stages; ++s)
        for (int b = 0; b < per_stage; ++b) l.push_back(block(width << s, s > 0 && b == 0 ? 2 : 1, kind));
    // Pre-activation blocks end on a conv: the last block's output is normalised and activated once more.
    if (kind == BlockKind::pre_activation) l.push_back(batchnorm()), l.push_back(act());
    l.push_back({K::global_pool, 0, 0, 0, 1, 0, ""});
    return l;
}

std::string resnet_check(const double* p) {
    const int depth = as_int(p[0]), stages = as_int(p[2]);
    if ((depth - 2) % (2 * stages) == 0) return {};
    std::string valid;
    for (int n = 1; n <= 4; ++n) valid += std::to_string(2 + 2 * stages * n) + ", ";
    return "resnet: depth " + std::to_string(depth) + " is not 2 + 2·stages·n (a stem, two convs per block, the classifier); with " +
        std::to_string(stages) + " stages: " + valid + "…";
}

}  // namespace

const std::vector<ModelInfo>& model_table() {
    static const std::vector<ModelInfo> table{
        {"lenet",
         "conv k×k (conv1) → act → pool → conv k×k (conv2) → act → pool → dense (dense) → act (LeCun et al. 1998)",
         {{"conv1", 32, 1, 4096, "channels of the first conv layer"},
          {"conv2", 64, 1, 4096, "channels of the second conv layer"},
          {"dense", 128, 1, 65536, "units of the hidden dense layer"},
          {"kernel", 5, 1, 15, "conv kernel size"},
          {"padding", 2, 0, 7, "conv padding"}},
         [](const double* p) {
             return std::vector<LayerSpec>{conv(as_int(p[0]), as_int(p[3]), as_int(p[4])),
                                           act(),
                                           pool(),
                                           conv(as_int(p[1]), as_int(p[3]), as_int(p[4])),
                                           act(),
                                           pool(),
                                           dense(as_int(p[2])),
                                           act()};
         }},
        {"mlp",
         "(dense (width) → act) × depth",
         {{"depth", 3, 1, 100, "hidden layers"}, {"width", 256, 1, 65536, "units per hidden layer"}},
         [](const double* p) {
             std::vector<LayerSpec> l;
             for (int i = 0; i < as_int(p[0]); ++i) l.push_back(dense(as_int(p[1]))), l.push_back(act());
             return l;
         }},
        {"plain_deep",
         "(conv k×k (width) → act) × depth, no shortcuts; 2×2 max-pools after layers ⌈depth/3⌉ and ⌈2·depth/3⌉ "
         "(He et al. 2015's plain nets, for the depth and initialisation studies)",
         {{"depth", 10, 1, 30, "conv layers"},
          {"width", 32, 1, 4096, "channels of every conv layer"},
          {"kernel", 3, 1, 15, "conv kernel size (odd: the padding keeps the size)"}},
         [](const double* p) {
             const int depth = as_int(p[0]), k = as_int(p[2]);
             std::vector<LayerSpec> l;
             for (int i = 1; i <= depth; ++i) {
                 l.push_back(conv(as_int(p[1]), k, k / 2));
                 l.push_back(act());
                 if (depth >= 3 && (i == (depth + 2) / 3 || i == (2 * depth + 2) / 3)) l.push_back(pool());
             }
             return l;
         }},
        {"vgg_small",
         "(conv 3×3 → act → conv 3×3 → act → pool) with width1, width2, width3 channels → dense (dense) → act "
         "(Simonyan & Zisserman 2014, scaled down; 28×28 grey or 32×32 colour input)",
         {{"width1", 32, 1, 4096, "channels of block 1"},
          {"width2", 64, 1, 4096, "channels of block 2"},
          {"width3", 128, 1, 4096, "channels of block 3"},
          {"dense", 256, 1, 65536, "units of the hidden dense layer"}},
         [](const double* p) {
             std::vector<LayerSpec> l;
             for (int b = 0; b < 3; ++b) {
                 const int w = as_int(p[b]);
                 l.insert(l.end(), {conv(w, 3, 1), act(), conv(w, 3, 1), act(), pool()});
             }
             l.push_back(dense(as_int(p[3])));
             l.push_back(act());
             return l;
         }},
        {"resnet",
         "conv 3×3 (width) → stages of residual blocks (two 3×3 convs, identity shortcut; each later stage doubles the "
         "channels and starts with a stride-2 block whose shortcut is a 1×1 conv) → global average pool "
         "(He et al. 2016; block: where batch norm and the activation sit, post_activation, pre_activation or plain)",
         {{"depth", 20, 8, 200, "layers with weights: 2 + 2·stages·blocks per stage (8, 14, 20, 32, 44, 56 with 3 stages)"},
          {"width", 16, 1, 1024, "channels of the stem and the first stage"},
          {"stages", 3, 1, 4, "stages (each after the first halves the size)"},
          {"block", 0, 0, 2, "the block's layout", {"post_activation", "pre_activation", "plain"}}},
         resnet_layers,
         resnet_check},
    };
    return table;
}

std::string model_names() {
    std::string s;
    for (const auto& m : model_table()) s += (s.empty() ? "" : ", ") + std::string(m.name);
    return s;
}

const ModelInfo* lookup_model(std::string_view name) {
    for (const auto& m : model_table())
        if (m.name == name) return &m;
    return nullptr;
}

double model_choice(const ModelParam& p, std::string_view choice) {
    if (const int i = choice_index(p.choices, choice); i >= 0) return i;
    throw std::invalid_argument("unknown " + std::string(p.name) + " '" + std::string(choice) + "' (valid: " + choice_list(p.choices) +
                                ")");
}

const ModelInfo& find_model(std::string_view name) {
    if (const ModelInfo* m = lookup_model(name)) return *m;
    throw std::invalid_argument("unknown model '" + std::string(name) + "' (valid: " + model_names() + ")");
}

ModelSpec ModelSpec::make(std::string_view name, const std::map<std::string, double>& params, std::string batchnorm, double dropout,
                          double widen) {
    const ModelInfo& info = find_model(name);
    ModelSpec spec;
    spec.name = std::string(name);
    const std::vector<double> values = resolve_params(info.params, params, "model", name, true);
    for (std::size_t i = 0; i < values.size(); ++i) spec.params[std::string(info.params[i].name)] = values[i];
    if (info.check)
        if (const std::string problem = info.check(values.data()); !problem.empty()) throw std::invalid_argument(problem);
    if (batchnorm != "none" && batchnorm != "before" && batchnorm != "after")
        throw std::invalid_argument("model.batchnorm: unknown placement '" + batchnorm + "' (valid: none, before, after)");
    if (name == "resnet" && batchnorm != "none")
        throw std::invalid_argument(
            "model.batchnorm: resnet places batch norm by its block parameter (post_activation, "
            "pre_activation, plain), not by model.batchnorm");
    if (!(dropout >= 0 && dropout < 1)) throw std::invalid_argument("model.dropout must be in [0, 1)");
    if (!(widen > 0 && widen <= 64)) throw std::invalid_argument("model.widen must be in (0, 64]");
    spec.batchnorm = std::move(batchnorm);
    spec.dropout = dropout;
    spec.widen = widen;
    return spec;
}

std::vector<LayerSpec> ModelSpec::layers(int classes) const {
    const ModelInfo& info = find_model(name);
    std::vector<double> p;
    for (const auto& param : info.params) p.push_back(params.at(std::string(param.name)));
    const std::vector<LayerSpec> hidden = info.layers(p.data());
    std::vector<LayerSpec> out;
    std::map<K, int> counts;
    auto add = [&](LayerSpec l) {
        static const char* const names[] = {"conv", "pool", "dense", "act", "bn", "dropout", "block", "gap"};
        l.name = names[static_cast<int>(l.kind)] + std::to_string(++counts[l.kind]);
        out.push_back(std::move(l));
    };
    K previous = K::conv;
    for (LayerSpec l : hidden) {
        if (l.kind == K::conv || l.kind == K::dense || l.kind == K::residual)
            l.units = std::max(1, static_cast<int>(std::lround(l.units * widen)));
        if (l.kind == K::act && batchnorm == "before") add({K::batchnorm, 0, 0, 0, 1, 0, ""});
        add(l);
        if (l.kind == K::act && batchnorm == "after") add({K::batchnorm, 0, 0, 0, 1, 0, ""});
        if (l.kind == K::act && previous == K::dense && dropout > 0) add({K::dropout, 0, 0, 0, 1, dropout, ""});
        if (l.kind != K::act) previous = l.kind;
    }
    add(dense(classes));
    return out;
}

double machine_memory() { return static_cast<double>(::sysconf(_SC_PHYS_PAGES)) * static_cast<double>(::sysconf(_SC_PAGESIZE)); }

void check_activation_width(const ModelSpec& model, int width_multiplier, const std::string& activation) {
    if (width_multiplier == 1) return;
    for (const LayerSpec& l : model.layers(2))
        if (l.kind == LayerSpec::Kind::residual)
            throw std::invalid_argument("model " + model.name + ": " + activation +
                                        " changes the channel count, which the residual blocks' identity shortcuts cannot follow; "
                                        "use it in a plain model (lenet, mlp, plain_deep, vgg_small)");
}

ModelFootprint check_input_fits(const ModelSpec& model, int channels, int height, int width, int classes) {
    const std::vector<LayerSpec> layers = model.layers(classes);
    ModelFootprint f;
    bool image = true;  // until the first dense layer flattens it
    for (std::size_t i = 0; i < layers.size(); ++i) {
        const LayerSpec& l = layers[i];
        auto fail = [&](const std::string& what) {
            const std::string input =
                image ? std::to_string(channels) + "x" + std::to_string(height) + "x" + std::to_string(width) : std::to_string(channels);
            throw std::invalid_argument("model " + model.name + ": layer " + std::to_string(i + 1) + " (" + l.name + ") gets input " +
                                        input + ": " + what);
        };
        switch (l.kind) {
            case LayerSpec::Kind::conv:
                if (!image) fail("a conv layer needs an image, not a flat vector");
                if (height + 2 * l.padding < l.kernel || width + 2 * l.padding < l.kernel)
                    fail("a " + std::to_string(l.kernel) + "x" + std::to_string(l.kernel) + " kernel with padding " +
                         std::to_string(l.padding) + " leaves no output");
                f.params += (static_cast<double>(channels) * l.kernel * l.kernel + 1) * l.units;
                height += 2 * l.padding - l.kernel + 1;
                width += 2 * l.padding - l.kernel + 1;
                channels = l.units;
                break;
            case LayerSpec::Kind::pool:
                if (!image) fail("a max-pool needs an image, not a flat vector");
                if (height < l.kernel || width < l.kernel) fail("smaller than the 2x2 pooling window");
                height = (height - l.kernel) / l.stride + 1;
                width = (width - l.kernel) / l.stride + 1;
                break;
            case LayerSpec::Kind::dense:
                f.params += (static_cast<double>(channels) * (image ? static_cast<double>(height) * width : 1) + 1) * l.units;
                channels = l.units;
                image = false;
                break;
            case LayerSpec::Kind::residual: {
                if (!image) fail("a residual block needs an image, not a flat vector");
                if (height < l.stride || width < l.stride) fail("too small for a stride-" + std::to_string(l.stride) + " block");
                const double in = channels, out = l.units;
                f.params += (in * 9 + 1) * out + (out * 9 + 1) * out;  // the two 3×3 convs
                if (l.stride != 1 || channels != l.units) f.params += (in + 1) * out;  // the 1×1 projection
                if (l.block == BlockKind::post_activation) f.params += 4 * out;  // two batch norms' scale and shift
                if (l.block == BlockKind::pre_activation) f.params += 2 * (in + out);
                height = (height - 1) / l.stride + 1;
                width = (width - 1) / l.stride + 1;
                channels = l.units;
                // Inside: two convs, two batch norms, two activations, the sum and a projection's output.
                f.values_per_image += 7 * static_cast<double>(channels) * height * width;
                break;
            }
            case LayerSpec::Kind::global_pool:
                if (!image) fail("global average pooling needs an image, not a flat vector");
                height = width = 1;
                break;
            case LayerSpec::Kind::batchnorm: f.params += 2.0 * channels; break;  // scale and shift; the shape stays
            default: break;  // activations and dropout keep the shape
        }
        f.values_per_image += static_cast<double>(channels) * (image ? static_cast<double>(height) * width : 1);
    }
    return f;
}

}  // namespace actbench
