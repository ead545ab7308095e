#include "optimizer.hpp"

#include <cmath>
#include <stdexcept>

namespace actbench {

std::vector<std::string_view> optimizer_kinds() { return {"sgd", "momentum", "nesterov", "adam"}; }
std::vector<std::string_view> schedule_kinds() { return {"constant", "step", "cosine"}; }

Optimizer::Optimizer(std::vector<Param*> params, OptimizerSpec spec) : params_(std::move(params)), spec_(std::move(spec)) {
    bool known = false;
    for (auto k : optimizer_kinds()) known |= k == spec_.kind;
    if (!known) throw std::invalid_argument("unknown optimizer '" + spec_.kind + "' (valid: sgd, momentum, nesterov, adam)");
    for (auto* p : params_) {
        const std::size_t n = floats_in(p->value.get_desc());
        first_.emplace_back(spec_.kind == "sgd" ? 0 : n, 0.f);
        second_.emplace_back(spec_.kind == "adam" ? n : 0, 0.f);
    }
}

double Optimizer::step(double lr) {
    ++steps_;
    double sum_sq = 0;
    for (auto* p : params_) {
        const float* g = data_of(p->grad);
        const std::size_t n = floats_in(p->grad.get_desc());
        double s = 0;
        for (std::size_t k = 0; k < n; ++k) s += static_cast<double>(g[k]) * g[k];
        sum_sq += s;
    }
    const double norm = std::sqrt(sum_sq);
    const float scale = (spec_.clip_norm > 0 && norm > spec_.clip_norm) ? static_cast<float>(spec_.clip_norm / norm) : 1.f;
    const float eta = static_cast<float>(lr), mu = static_cast<float>(spec_.momentum);
    const float b1 = static_cast<float>(spec_.beta1), b2 = static_cast<float>(spec_.beta2), eps = static_cast<float>(spec_.epsilon);
    const float c1 = static_cast<float>(1 - std::pow(spec_.beta1, static_cast<double>(steps_)));
    const float c2 = static_cast<float>(1 - std::pow(spec_.beta2, static_cast<double>(steps_)));
    for (std::size_t i = 0; i < params_.size(); ++i) {
        Param& p = *params_[i];
        const bool decayed = p.role == ParamRole::weight || (p.role == ParamRole::learned && spec_.decay_learned);
        const float decay = decayed ? static_cast<float>(spec_.weight_decay) : 0.f;
        float* w = data_of(p.value);
        const float* g = data_of(p.grad);
        const std::size_t n = floats_in(p.value.get_desc());
        float* m = first_[i].data();
        float* s = second_[i].data();
        if (spec_.kind == "sgd") {
            for (std::size_t k = 0; k < n; ++k) w[k] -= eta * (scale * g[k] + decay * w[k]);
        } else if (spec_.kind == "momentum") {
            for (std::size_t k = 0; k < n; ++k) {
                m[k] = mu * m[k] + (scale * g[k] + decay * w[k]);
                w[k] -= eta * m[k];
            }
        } else if (spec_.kind == "nesterov") {
            for (std::size_t k = 0; k < n; ++k) {
                const float gk = scale * g[k] + decay * w[k];
                m[k] = mu * m[k] + gk;
                w[k] -= eta * (gk + mu * m[k]);
            }
        } else {
            for (std::size_t k = 0; k < n; ++k) {
                const float gk = scale * g[k] + decay * w[k];
                m[k] = b1 * m[k] + (1 - b1) * gk;
                s[k] = b2 * s[k] + (1 - b2) * gk * gk;
                w[k] -= eta * (m[k] / c1) / (std::sqrt(s[k] / c2) + eps);
            }
        }
    }
    return norm;
}

double scheduled_lr(const ScheduleSpec& s, double base, long step, long steps_per_epoch, long total_steps) {
    const double warmup_steps = s.warmup_epochs * static_cast<double>(steps_per_epoch);
    double factor = 1;
    if (warmup_steps > 0 && step < warmup_steps) factor = (static_cast<double>(step) + 1) / warmup_steps;
    if (s.kind == "step") {
        const double epoch = static_cast<double>(step) / static_cast<double>(std::max(1L, steps_per_epoch));
        factor *= std::pow(s.gamma, std::floor(epoch / s.step_epochs));
    } else if (s.kind == "cosine") {
        const double span = static_cast<double>(total_steps) - warmup_steps;
        const double t = std::max(0.0, static_cast<double>(step) - warmup_steps);
        if (span > 0) factor *= 0.5 * (1 + std::cos(M_PI * std::min(t, span) / span));
    } else if (s.kind != "constant") {
        throw std::invalid_argument("unknown schedule '" + s.kind + "' (valid: constant, step, cosine)");
    }
    return base * factor;
}

}  // namespace actbench
