// Softmax cross-entropy on oneDNN logsoftmax_forward / logsoftmax_backward.
//
// Shapes: logits z [N, K]  labels y [N]  log-probabilities l [N, K]
// l = z − log Σ_k exp(z_k);  loss = −(1/N) Σ_n l[n, y_n]
// ∂loss/∂l[n,k] = −[k = y_n]/N, and logsoftmax_backward turns that into ∂loss/∂z = (softmax(z) − onehot(y))/N.
#pragma once

#include "onednn.hpp"

#include <cstdint>

namespace actbench {

struct LossResult {
    double loss_sum = 0;  // Σ over the counted rows of −log p(y)
    int correct = 0;  // rows whose arg-max equals the label
};

class SoftmaxCrossEntropy {
public:
    void build(Context& ctx, const memory::desc& logits);
    // Counts the first `rows` rows only (the rest of the batch is padding).
    LossResult forward(Context& ctx, const memory& logits, const std::int32_t* labels, int rows);
    // Gradient of the mean loss over the whole batch, for the labels of the last forward.
    const memory& backward(Context& ctx);
    // Row-major log-probabilities of the last forward.
    const float* log_probabilities() const { return data_of(logp_); }

private:
    int batch_ = 0, classes_ = 0;
    dnnl::logsoftmax_forward fwd_;
    dnnl::logsoftmax_backward bwd_;
    memory::desc plain_;
    memory logits_scratch_, logp_, diff_logp_, diff_logits_;
    const std::int32_t* labels_ = nullptr;
};

}  // namespace actbench
