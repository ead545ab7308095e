#include "network.hpp"

#include "conv.hpp"
#include "dense.hpp"
#include "pool.hpp"
#include "rng.hpp"

#include <algorithm>
#include <stdexcept>

namespace actbench {

Network::Network(Context& ctx, const NetworkSpec& spec, int batch, InputShape input)
    : ctx_(ctx), spec_(spec), batch_(batch), input_(input) {
    const ModelSpec& m = spec.model;
    if (m.name != "lenet") throw std::invalid_argument("unknown model '" + m.name + "' (valid: lenet)");
    if (batch < 1) throw std::invalid_argument("batch must be at least 1");
    const ActivationSpec& act = spec.activation;
    const int k = act.width_multiplier();
    const bool bias = spec.bias.value.has_value();
    for (const auto& [layer, value] : spec.bias.overrides) {
        const auto names = bias_layer_names(m);
        if (std::find(names.begin(), names.end(), layer) == names.end()) {
            std::string valid;
            for (const auto& n : names) valid += (valid.empty() ? "" : ", ") + n;
            throw std::invalid_argument("bias override for unknown layer '" + layer + "' (layers with a bias: " + valid + ")");
        }
    }

    // Check the spatial sizes before oneDNN sees them, so a bad spec gets a message, not a oneDNN status.
    int h = input.height, w = input.width;
    for (int stage = 1; stage <= 2; ++stage) {
        h = h + 2 * m.padding - m.kernel + 1;
        w = w + 2 * m.padding - m.kernel + 1;
        if (h < 2 || w < 2)
            throw std::invalid_argument("model lenet: conv" + std::to_string(stage) + " (kernel " +
                                        std::to_string(m.kernel) + ", padding " + std::to_string(m.padding) +
                                        ") leaves a " + std::to_string(h) + "x" + std::to_string(w) +
                                        " map, too small for the 2x2 max-pool");
        h /= 2;
        w /= 2;
    }

    // Each activation layer draws from its own stream.
    auto activation = [&](const std::string& name) {
        std::uint64_t state = spec.noise_seed ^ fnv1a64(name);
        return std::make_unique<Activation>(name, act, splitmix64(state));
    };
    layers_.push_back(std::make_unique<Conv2d>("conv1", ConvSpec{m.conv1 * k, m.kernel, 1, m.padding, bias}));
    layers_.push_back(activation("act1"));
    layers_.push_back(std::make_unique<MaxPool2d>("pool1", PoolSpec{2, 2}));
    layers_.push_back(std::make_unique<Conv2d>("conv2", ConvSpec{m.conv2 * k, m.kernel, 1, m.padding, bias}));
    layers_.push_back(activation("act2"));
    layers_.push_back(std::make_unique<MaxPool2d>("pool2", PoolSpec{2, 2}));
    layers_.push_back(std::make_unique<Dense>("dense1", DenseSpec{m.dense * k, bias}));
    layers_.push_back(activation("act3"));
    layers_.push_back(std::make_unique<Dense>("dense2", DenseSpec{input.classes, bias}));

    input_mem_ = memory(plain_desc({batch, input.channels, input.height, input.width}), ctx.engine);
    memory::desc d = input_mem_.get_desc();
    for (std::size_t i = 0; i < layers_.size(); ++i) {
        d = layers_[i]->build(ctx, d, i > 0);
        out_descs_.push_back(d);
    }
    loss_.build(ctx, d);
}

LossResult Network::forward(const std::int32_t* labels, int rows) {
    const memory* x = &input_mem_;
    for (auto& layer : layers_) x = &layer->forward(ctx_, *x);
    return loss_.forward(ctx_, *x, labels, rows);
}

void Network::backward() {
    const memory* g = &loss_.backward(ctx_);
    if (l1_scratch_.size() != layers_.size()) l1_scratch_.resize(layers_.size());
    for (std::size_t i = layers_.size(); i-- > 0;) {
        auto* act = dynamic_cast<Activation*>(layers_[i].get());
        if (act && activation_l1_ > 0) {
            // g is ∂loss/∂a in some layout; bring it to a's layout and add λ·sign(a)/N elementwise.
            const memory& a = act->last_dst();
            const memory& ga = as_layout(ctx_, *g, a.get_desc(), l1_scratch_[i]);
            float* gd = data_of(ga);
            const float* ad = data_of(a);
            const float c = static_cast<float>(activation_l1_ / batch_);
            const std::size_t n = floats_in(a.get_desc());
            for (std::size_t k = 0; k < n; ++k) gd[k] += ad[k] > 0.f ? c : (ad[k] < 0.f ? -c : 0.f);
            g = &ga;
        }
        g = &layers_[i]->backward(ctx_, *g);
    }
    ctx_.stream.wait();
}

void Network::set_training(bool training) {
    for (auto& layer : layers_) layer->set_training(training);
}

void Network::initialise(const InitSpec& init, Rng& rng) {
    for (Param* p : params()) {
        std::vector<float> values(logical_count(p->dims));
        switch (p->role) {
            case ParamRole::weight: init.fill(values, static_cast<std::size_t>(p->dims[0]), p->fan_in, p->fan_out, rng); break;
            case ParamRole::bias: {
                const std::string layer = p->name.substr(0, p->name.find('.'));
                const auto it = spec_.bias.overrides.find(layer);
                const double v = it != spec_.bias.overrides.end() ? it->second : spec_.bias.value.value_or(0.0);
                std::fill(values.begin(), values.end(), static_cast<float>(v));
                break;
            }
            case ParamRole::slope: std::fill(values.begin(), values.end(), p->initial); break;
        }
        from_plain(ctx_, values, p->value);
        std::vector<float> zeros(values.size(), 0.f);
        from_plain(ctx_, zeros, p->grad);
    }
}

std::vector<std::string> Network::bias_layer_names(const ModelSpec&) { return {"conv1", "conv2", "dense1", "dense2"}; }

std::vector<Param*> Network::params() {
    std::vector<Param*> all;
    for (auto& layer : layers_)
        for (Param* p : layer->params()) all.push_back(p);
    return all;
}

std::vector<Activation*> Network::activations() {
    std::vector<Activation*> acts;
    for (auto& layer : layers_)
        if (auto* a = dynamic_cast<Activation*>(layer.get())) acts.push_back(a);
    return acts;
}

std::vector<std::string> Network::describe() const {
    std::vector<std::string> lines;
    for (std::size_t i = 0; i < layers_.size(); ++i) {
        std::string dims;
        for (auto v : out_descs_[i].dims()) {
            if (!dims.empty()) dims += 'x';
            dims += std::to_string(v);
        }
        lines.push_back(layers_[i]->kind() + " -> " + dims);
    }
    return lines;
}

}  // namespace actbench
