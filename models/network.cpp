#include "network.hpp"

#include "batchnorm.hpp"
#include "conv.hpp"
#include "dense.hpp"
#include "dropout.hpp"
#include "pool.hpp"
#include "residual.hpp"
#include "rng.hpp"
#include "weighted.hpp"

#include <algorithm>
#include <stdexcept>

namespace actbench {

namespace {
const std::string kLossSection = "loss";  // the loss's profile section, forward and backward

// A per-layer bias names a layer that has a bias.
void check_bias_overrides(const NetworkSpec& spec) {
    for (const auto& [layer, value] : spec.bias.overrides) {
        const auto names = Network::bias_layer_names(spec.model);
        if (std::find(names.begin(), names.end(), layer) == names.end()) {
            std::string valid;
            for (const auto& n : names) valid += (valid.empty() ? "" : ", ") + n;
            throw std::invalid_argument("bias override for unknown layer '" + layer + "' (layers with a bias: " + valid + ")");
        }
    }
}

// Layer i of `specs` (units already widened for maxout; `last`: the classifier, whose logits stay fp32).
std::unique_ptr<Layer> make_layer(const std::vector<LayerSpec>& specs, std::size_t i, const NetworkSpec& spec, int units, bool last) {
    const LayerSpec& l = specs[i];
    const bool bias = spec.bias.value.has_value();
    switch (l.kind) {
        case LayerSpec::Kind::conv:  // shapes checked by the constructor (check_input_fits)
            return std::make_unique<Conv2d>(l.name, ConvSpec{units, l.kernel, 1, l.padding, bias, spec.precision, last});
        case LayerSpec::Kind::pool: return std::make_unique<MaxPool2d>(l.name, PoolSpec{l.kernel, l.stride});
        case LayerSpec::Kind::dense: return std::make_unique<Dense>(l.name, DenseSpec{units, bias, spec.precision, last});
        case LayerSpec::Kind::act: {
            // Each activation layer draws from its own stream.
            std::uint64_t state = spec.noise_seed ^ fnv1a64(l.name);
            auto a = std::make_unique<Activation>(l.name, spec.activation, splitmix64(state));
            // After a conv, dense or batch-norm layer, whose backward reads its input and not its output, a ReLU
            // may overwrite its input (Activation::allow_in_place).
            using K = LayerSpec::Kind;
            if (i > 0 && (specs[i - 1].kind == K::conv || specs[i - 1].kind == K::dense || specs[i - 1].kind == K::batchnorm))
                a->allow_in_place();
            return a;
        }
        case LayerSpec::Kind::batchnorm: return std::make_unique<BatchNorm>(l.name);
        case LayerSpec::Kind::residual:
            return std::make_unique<ResidualBlock>(l.name, ResidualSpec{l.units, l.stride, l.block, bias, spec.precision}, spec.activation,
                                                   spec.noise_seed);
        case LayerSpec::Kind::global_pool: return std::make_unique<GlobalAvgPool>(l.name);
        case LayerSpec::Kind::dropout: {
            std::uint64_t state = spec.dropout_seed.value_or(spec.noise_seed) ^ fnv1a64(l.name);
            return std::make_unique<Dropout>(l.name, l.rate, splitmix64(state));
        }
    }
    throw std::logic_error("unknown layer kind");
}

}  // namespace

Network::Network(Context& ctx, const NetworkSpec& spec, int batch, InputShape input)
    : ctx_(ctx), spec_(spec), batch_(batch), input_(input) {
    if (batch < 1) throw std::invalid_argument("batch must be at least 1");
    const ActivationSpec& act = spec.activation;
    const int k = act.width_multiplier();
    require_precision(spec.precision);
    check_input_fits(spec.model, input.channels, input.height, input.width, input.classes);
    check_activation_width(spec.model, act.width_multiplier(), act.name);
    specs_ = spec.model.layers(input.classes);
    check_bias_overrides(spec);

    input_mem_ = memory(plain_desc({batch, input.channels, input.height, input.width}), ctx.engine);
    memory::desc d = input_mem_.get_desc();
    // The layers' input gradients alternate between two shared buffers (GradientArena), while the layers are built.
    struct ArenaScope {
        Context& ctx;
        ~ArenaScope() { ctx.gradients = nullptr; }
    } arena_scope{ctx};
    ctx.gradients = &gradients_;
    for (std::size_t i = 0; i < specs_.size(); ++i) {
        const LayerSpec& l = specs_[i];
        // The layer before an activation (batch norm in between or not) is k× wider for maxout.
        bool feeds_act = false;
        for (std::size_t j = i + 1; j < specs_.size(); ++j) {
            if (specs_[j].kind == LayerSpec::Kind::batchnorm) continue;
            feeds_act = specs_[j].kind == LayerSpec::Kind::act;
            break;
        }
        const int units = l.units * (feeds_act ? k : 1);
        const bool last = i + 1 == specs_.size();  // the classifier: its logits stay fp32 for the loss
        std::unique_ptr<Layer> layer = make_layer(specs_, i, spec, units, last);
        ctx.gradient_slot = static_cast<int>(i % 2);
        d = layer->build(ctx, d, i > 0);
        layers_.push_back(std::move(layer));
        out_descs_.push_back(d);
    }
    gradients_.commit(ctx);
    loss_.build(ctx, d);
    fusion_.plan(ctx, layers_, act, spec_.precision, true);
}

LossResult Network::forward(const std::int32_t* labels, int rows) {
    const memory* x = &input_mem_;
    for (std::size_t i = 0; i < layers_.size(); ++i) {
        ProfileScope timed(ctx_, specs_[i].kind == LayerSpec::Kind::act ? "activation" : "forward", specs_[i].name);
        if (fusion_.fused(i, training_)) {
            x = &forward_fused(ctx_, *layers_[i], *layers_[i + 1], *x, training_);
            ++i;  // the activation ran inside
            continue;
        }
        x = &layers_[i]->forward(ctx_, *x);
    }
    ProfileScope timed(ctx_, "loss", kLossSection);
    return loss_.forward(ctx_, *x, labels, rows);
}

void Network::backward() {
    const memory* g = nullptr;
    {
        ProfileScope timed(ctx_, "loss", kLossSection);
        g = &loss_.backward(ctx_);
    }
    if (l1_scratch_.size() != layers_.size()) l1_scratch_.resize(layers_.size()), l1_output_scratch_.resize(layers_.size());
    for (std::size_t i = layers_.size(); i-- > 0;) {
        auto* act = dynamic_cast<Activation*>(layers_[i].get());
        if (act && activation_l1_ > 0)
            g = &add_activation_l1(ctx_, *act, *g, activation_l1_, batch_, l1_output_scratch_[i], l1_scratch_[i]);
        // Weighted layers charge their backward-weights pass to that category themselves.
        ProfileScope timed(ctx_, act ? "activation" : "backward-data", specs_[i].name);
        g = &layers_[i]->backward(ctx_, *g);
    }
    ctx_.stream.wait();
}

void Network::set_training(bool training) {
    training_ = training;
    for (auto& layer : layers_) layer->set_training(training);
}

void Network::set_training_fusion(bool on) { set_fusion(on, fusion_.evaluation_on()); }
void Network::set_evaluation_fusion(bool on) { set_fusion(fusion_.training_on(), on); }

void Network::set_fusion(bool training, bool evaluation) {
    fusion_.set_switches(training, evaluation);
    for (auto& layer : layers_) layer->set_fusion(training, evaluation);
}

std::size_t Network::fused_layers() const { return fused_count(false); }
std::size_t Network::fused_training_layers() const { return fused_count(true); }

std::size_t Network::fused_count(bool training) const {
    std::size_t n = fusion_.planned(training);
    for (const auto& layer : layers_)
        if (const auto* block = dynamic_cast<const ResidualBlock*>(layer.get())) n += block->fused_count(training);
    return n;
}

void Network::initialise(const InitSpec& init, Rng& rng) {
    initialise_with(init, [&](const Param&) -> Rng& { return rng; });
}

void Network::initialise_paired(const InitSpec& init, std::uint64_t seed) {
    std::optional<Rng> rng;
    initialise_with(init, [&](const Param& p) -> Rng& {
        std::string key = p.name;
        for (auto d : p.dims) key.append("/").append(std::to_string(d));
        rng.emplace(seed ^ fnv1a64(key));
        return *rng;
    });
}

template <class RngFor>
void Network::initialise_with(const InitSpec& init, RngFor&& rng_for) {
    for (Param* p : params()) {
        std::vector<float> values(logical_count(p->dims));
        switch (p->role) {
            case ParamRole::weight: init.fill(values, static_cast<std::size_t>(p->dims[0]), p->fan_in, p->fan_out, rng_for(*p)); break;
            case ParamRole::bias: {
                const std::string layer = p->name.substr(0, p->name.find('.'));
                const auto it = spec_.bias.overrides.find(layer);
                const double v = it != spec_.bias.overrides.end() ? it->second : spec_.bias.value.value_or(0.0);
                std::fill(values.begin(), values.end(), static_cast<float>(v));
                break;
            }
            case ParamRole::slope:
            case ParamRole::learned:
            case ParamRole::norm: std::fill(values.begin(), values.end(), p->initial); break;
        }
        from_plain(ctx_, values, p->value);
        std::vector<float> zeros(values.size(), 0.f);
        from_plain(ctx_, zeros, p->grad);
    }
}

std::vector<Param*> Network::params() {
    std::vector<Param*> all;
    for (auto& layer : layers_)
        for (Param* p : layer->params()) all.push_back(p);
    return all;
}

std::vector<Activation*> Network::activations() {
    std::vector<Activation*> acts;
    for (auto& layer : layers_) {
        if (auto* a = dynamic_cast<Activation*>(layer.get())) acts.push_back(a);
        for (Layer* part : layer->sublayers())  // a residual block's, in forward order
            if (auto* a = dynamic_cast<Activation*>(part)) acts.push_back(a);
    }
    return acts;
}

void Network::set_activation_l1(double lambda) {
    activation_l1_ = lambda;
    for (auto& layer : layers_) layer->set_activation_l1(lambda);
}

std::vector<Network::LayerSummary> Network::summary() const {
    std::vector<LayerSummary> out;
    memory::dims in = input_mem_.get_desc().dims();
    for (std::size_t i = 0; i < layers_.size(); ++i) {
        LayerSummary s{specs_[i].name, layers_[i]->kind(), out_descs_[i].dims(), 0, 0};
        for (Param* p : const_cast<Layer&>(*layers_[i]).params()) s.params += logical_count(p->dims);
        const double out_per_image = static_cast<double>(logical_count(s.output)) / static_cast<double>(s.output[0]);
        const double in_per_image = static_cast<double>(logical_count(in)) / static_cast<double>(in[0]);
        if (specs_[i].kind == LayerSpec::Kind::conv)
            s.forward_macs = out_per_image * static_cast<double>(in[1]) * specs_[i].kernel * specs_[i].kernel;
        else if (specs_[i].kind == LayerSpec::Kind::dense)
            s.forward_macs = out_per_image * in_per_image;
        else if (specs_[i].kind == LayerSpec::Kind::residual)
            s.forward_macs = static_cast<const ResidualBlock&>(*layers_[i]).forward_macs();
        out.push_back(s);
        in = s.output;
    }
    return out;
}

std::vector<std::string> Network::bias_layer_names(const ModelSpec& model) {
    std::vector<std::string> names;
    for (const auto& l : model.layers(2))
        if (l.kind == LayerSpec::Kind::conv || l.kind == LayerSpec::Kind::dense) names.push_back(l.name);
    return names;
}

}  // namespace actbench
