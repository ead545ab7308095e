#include "sgd.hpp"

namespace actbench {

Sgd::Sgd(std::vector<Param*> params, SgdSpec spec) : params_(std::move(params)), spec_(spec) {
    for (auto* p : params_) velocity_.emplace_back(floats_in(p->value.get_desc()), 0.f);
}

void Sgd::step() {
    const float lr = static_cast<float>(spec_.lr), mu = static_cast<float>(spec_.momentum);
    for (std::size_t i = 0; i < params_.size(); ++i) {
        Param& p = *params_[i];
        const float decay = p.role == ParamRole::weight ? static_cast<float>(spec_.weight_decay) : 0.f;
        float* w = data_of(p.value);
        const float* g = data_of(p.grad);
        float* v = velocity_[i].data();
        const std::size_t n = velocity_[i].size();
        for (std::size_t k = 0; k < n; ++k) {
            v[k] = mu * v[k] + g[k] + decay * w[k];
            w[k] -= lr * v[k];
        }
    }
}

}  // namespace actbench
