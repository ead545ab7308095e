// Stochastic gradient descent with momentum (the PyTorch form, Sutskever et al. 2013 without Nesterov):
//   v ← μ·v + g + λ·w   (λ, the L2 weight decay, only on weights: not on biases or PReLU slopes)
//   w ← w − η·v
// The update is elementwise, so it runs on the parameters in whatever layout the primitives chose.
#pragma once

#include "onednn.hpp"

#include <vector>

namespace actbench {

struct SgdSpec {
    double lr = 0.05;
    double momentum = 0.9;
    double weight_decay = 0.0;
};

class Sgd {
public:
    Sgd(std::vector<Param*> params, SgdSpec spec);
    void step();

private:
    std::vector<Param*> params_;
    SgdSpec spec_;
    std::vector<std::vector<float>> velocity_;
};

}  // namespace actbench
