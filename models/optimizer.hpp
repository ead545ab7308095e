// Optimisers. All updates are elementwise, so they run on the parameters in whatever layout the primitives
// chose. L2 weight decay λ applies to weights only — never to biases or PReLU slopes (He et al. 2015 leave
// the slopes undecayed) — and is added to the gradient ("coupled"), as in the original SGD and Adam papers.
//
//   sgd:       w ← w − η·g'                                        g' = g + λ·w (weights)
//   momentum:  v ← μ·v + g';  w ← w − η·v                          (Sutskever et al. 2013, PyTorch's form)
//   nesterov:  v ← μ·v + g';  w ← w − η·(g' + μ·v)                 (Nesterov 1983, as in PyTorch)
//   adam:      m ← β1·m + (1−β1)·g';  s ← β2·s + (1−β2)·g'²;
//              w ← w − η·(m/(1−β1^t)) / (√(s/(1−β2^t)) + ε)      (Kingma & Ba 2014, arXiv 1412.6980)
// Gradient clipping by norm (Pascanu et al. 2013): when the L2 norm of all gradients together exceeds c,
// every gradient is scaled by c / norm before the update.
#pragma once

#include "onednn.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace actbench {

struct OptimizerSpec {
    std::string kind = "momentum";  // sgd | momentum | nesterov | adam
    double momentum = 0.9;  // momentum, nesterov
    double beta1 = 0.9, beta2 = 0.999, epsilon = 1e-8;  // adam
    double weight_decay = 0.0;  // on weights; never biases, PReLU slopes or batch norm
    double clip_norm = 0.0;  // 0: no clipping
    bool decay_learned = false;  // weight_decay on formulas' learned parameters (ParamRole::learned) too
};

std::vector<std::string_view> optimizer_kinds();

class Optimizer {
public:
    // Throws std::invalid_argument for an unknown kind.
    Optimizer(std::vector<Param*> params, OptimizerSpec spec);
    // One update with learning rate lr, and the bf16 copies of the parameters that have one (Param::low). Returns
    // the gradients' L2 norm before clipping when clipping (clip_norm > 0), else 0 (it is not computed).
    double step(double lr);

private:
    std::vector<Param*> params_;
    OptimizerSpec spec_;
    int kind_ = 0;  // spec_.kind's index in optimizer_kinds()
    std::vector<std::vector<float>> first_, second_;  // velocity / Adam moments, per parameter
    struct Piece {
        std::size_t param, begin, end;  // elements [begin, end) of params_[param]
    };
    std::vector<Piece> pieces_;
    std::size_t total_ = 0;  // elements in all parameters
    long steps_ = 0;
};

// Learning-rate schedules: lr(step) = base · warm-up · decay, where the warm-up rises linearly from
// 1/warmup_steps to 1 over the first warmup_steps steps, and the decay is 1 (constant), gamma^⌊epoch /
// step_epochs⌋ (step), or (1 + cos(π·t/T))/2 over the steps after the warm-up (cosine, Loshchilov & Hutter 2016).
struct ScheduleSpec {
    std::string kind = "constant";  // constant | step | cosine
    double step_epochs = 10;  // step: decay every this many epochs
    double gamma = 0.1;  // step: decay factor
    double warmup_epochs = 0;
};

std::vector<std::string_view> schedule_kinds();

// lr at `step` (0-based) of a run of total_steps, with steps_per_epoch steps per epoch.
double scheduled_lr(const ScheduleSpec& s, double base, long step, long steps_per_epoch, long total_steps);

}  // namespace actbench
