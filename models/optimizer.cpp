#include "optimizer.hpp"

#include "kernels.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace actbench {

std::vector<std::string_view> optimizer_kinds() { return {"sgd", "momentum", "nesterov", "adam"}; }
std::vector<std::string_view> schedule_kinds() { return {"constant", "step", "cosine"}; }

namespace {

// Elements per piece of work: small enough that a parameter's value, gradient, moments and bf16 copy stay in the
// L2 cache between the update and the rounding, large enough that OpenMP's per-piece cost (about a microsecond)
// is lost in it.
constexpr std::size_t kPiece = 16384;

}  // namespace

Optimizer::Optimizer(std::vector<Param*> params, OptimizerSpec spec) : params_(std::move(params)), spec_(std::move(spec)) {
    const auto kinds = optimizer_kinds();
    kind_ = static_cast<int>(std::find(kinds.begin(), kinds.end(), spec_.kind) - kinds.begin());
    if (kind_ == static_cast<int>(kinds.size())) throw std::invalid_argument("unknown optimizer '" + spec_.kind + "' (valid: sgd, momentum, nesterov, adam)");
    for (std::size_t i = 0; i < params_.size(); ++i) {
        const std::size_t n = floats_in(params_[i]->value.get_desc());
        first_.emplace_back(spec_.kind == "sgd" ? 0 : n, 0.f);
        second_.emplace_back(spec_.kind == "adam" ? n : 0, 0.f);
        for (std::size_t begin = 0; begin < n; begin += kPiece) pieces_.push_back({i, begin, std::min(n, begin + kPiece)});
        total_ += n;
    }
}

double Optimizer::step(double lr) {
    ++steps_;
    // The global norm is needed only to clip; it is summed in one thread in a fixed order (double), as always.
    double norm = 0;
    if (spec_.clip_norm > 0) {
        double sum_sq = 0;
        for (auto* p : params_) {
            const float* g = data_of(p->grad);
            const std::size_t n = floats_in(p->grad.get_desc());
            double s = 0;
            for (std::size_t k = 0; k < n; ++k) s += static_cast<double>(g[k]) * g[k];
            sum_sq += s;
        }
        norm = std::sqrt(sum_sq);
    }
    kernels::UpdateRule r{kind_,
                          (spec_.clip_norm > 0 && norm > spec_.clip_norm) ? static_cast<float>(spec_.clip_norm / norm) : 1.f,
                          static_cast<float>(lr),
                          static_cast<float>(spec_.momentum),
                          static_cast<float>(spec_.beta1),
                          static_cast<float>(spec_.beta2),
                          static_cast<float>(spec_.epsilon),
                          static_cast<float>(1 - std::pow(spec_.beta1, static_cast<double>(steps_))),
                          static_cast<float>(1 - std::pow(spec_.beta2, static_cast<double>(steps_))),
                          0.f};
    // One pass over every parameter, in pieces shared among the threads: the update, then (bf16) the rounded copy
    // of the piece just updated, while it is still in cache.
    const long pieces = static_cast<long>(pieces_.size());
#pragma omp parallel for schedule(static) if (total_ > 4 * kPiece)
    for (long i = 0; i < pieces; ++i) {
        const auto [index, begin, end] = pieces_[static_cast<std::size_t>(i)];
        Param& p = *params_[index];
        const bool decayed = p.role == ParamRole::weight || (p.role == ParamRole::learned && spec_.decay_learned);
        kernels::UpdateRule piece_rule = r;
        piece_rule.decay = decayed ? static_cast<float>(spec_.weight_decay) : 0.f;
        float* m = first_[index].empty() ? nullptr : first_[index].data() + begin;
        float* s = second_[index].empty() ? nullptr : second_[index].data() + begin;
        kernels::optimizer_update(piece_rule, data_of(p.value) + begin, data_of(p.grad) + begin, m, s, end - begin);
        if (p.low) round_into_low(p, begin, end);
    }
    for (auto* p : params_) p->low_fresh = static_cast<bool>(p->low);
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
