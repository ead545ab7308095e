// The table of activation families: the one place each activation is described.
#include "activation.hpp"

#include "kernels.hpp"

#include <cmath>

namespace actbench {

namespace {

using A = dnnl::algorithm;

double sigmoid(double x) { return 1 / (1 + std::exp(-x)); }
double softplus(double x) { return std::max(x, 0.0) + std::log1p(std::exp(-std::abs(x))); }
std::vector<double> no_kinks(const double*) { return {}; }
std::vector<double> kink_at_zero(const double*) { return {0.0}; }

// SELU's constants (Klambauer et al. 2017, eq. 14), to the precision of their derivation.
constexpr double kSeluLambda = 1.0507009873554804934193349852946;
constexpr double kSeluAlpha = 1.6732632423543772848170429916717;

}  // namespace

const std::vector<ActivationInfo>& activation_table() {
    static const std::vector<ActivationInfo> table{
        {"relu", "f(x) = max(0, x)",
         "Nair & Hinton 2010; Glorot, Bordes & Bengio 2011 (Deep Sparse Rectifier Neural Networks)", {},
         ActivationKernel::eltwise, "oneDNN eltwise_relu",
         [](const double*) { return EltwiseArgs{A::eltwise_relu, 0.f, 0.f}; }, nullptr, nullptr,
         [](double x, const double*) { return x > 0 ? x : 0.0; },
         [](double x, const double*) { return x > 0 ? 1.0 : 0.0; }, kink_at_zero, true},

        {"leaky_relu", "f(x) = x for x > 0, slope·x otherwise",
         "Maas, Hannun & Ng 2013 (slope 0.01); Xu et al. 2015, arXiv 1505.00853 (slope 1/5.5)",
         {{"slope", 0.01, 0, 1, "the slope for x < 0"}}, ActivationKernel::eltwise, "oneDNN eltwise_relu, alpha = slope",
         [](const double* p) { return EltwiseArgs{A::eltwise_relu, static_cast<float>(p[0]), 0.f}; }, nullptr, nullptr,
         [](double x, const double* p) { return x > 0 ? x : p[0] * x; },
         [](double x, const double* p) { return x > 0 ? 1.0 : p[0]; }, kink_at_zero, false},

        {"prelu", "f(x) = x for x > 0, a·x otherwise, a learned (per channel, or one shared)",
         "He, Zhang, Ren & Sun 2015, arXiv 1502.01852 (a starts at 0.25; no weight decay on a)",
         {{"init", 0.25, -1, 1, "the slopes' starting value"},
          {"shared", 0, 0, 1, "1: one slope for the layer; 0: one per channel", true}},
         ActivationKernel::prelu, "oneDNN prelu_forward / prelu_backward", nullptr, nullptr, nullptr,
         [](double x, const double* p) { return x > 0 ? x : p[0] * x; },
         [](double x, const double* p) { return x > 0 ? 1.0 : p[0]; }, kink_at_zero, false},

        {"rrelu",
         "training: f(x) = x for x > 0, x/r otherwise, r ~ U(lower, upper) per element; evaluation: slope "
         "2/(lower+upper). With pytorch = 1: slope ~ U(lower, upper), evaluation (lower+upper)/2",
         "Xu, Wang, Chen & Li 2015, arXiv 1505.00853 (lower 3, upper 8); PyTorch's RReLU(1/8, 1/3) is the "
         "pytorch = 1 convention",
         {{"lower", 3, 1e-6, 1e6, "lower bound of the draw"},
          {"upper", 8, 1e-6, 1e6, "upper bound of the draw"},
          {"pytorch", 0, 0, 1, "1: draw the slope itself (PyTorch); 0: draw its inverse (Xu et al.)", true}},
         ActivationKernel::rrelu, "actbench kernel, counter-based draws (16-bit uniforms, two per hash)", nullptr, nullptr, nullptr,
         [](double x, const double* p) { return x > 0 ? x : x * (p[2] != 0 ? (p[0] + p[1]) / 2 : 2 / (p[0] + p[1])); },
         [](double x, const double* p) { return x > 0 ? 1.0 : (p[2] != 0 ? (p[0] + p[1]) / 2 : 2 / (p[0] + p[1])); },
         kink_at_zero, false},

        {"noisy_relu",
         "training: f(x) = max(0, x + n), n ~ N(0, sigma^2) per element (variance 0, the default), or n ~ N(0, sigmoid(x)) "
         "(variance 1: Nair & Hinton's NReLU, sigma unused); evaluation: max(0, x)",
         "Nair & Hinton 2010 (Rectified Linear Units Improve Restricted Boltzmann Machines): NReLU's noise has variance "
         "sigmoid(x); the fixed sigma form is the common simplification",
         {{"sigma", 0.1, 0, 100, "standard deviation of the noise (variance 0)"},
          {"variance", 0, 0, 1, "0: fixed, sigma^2; 1: sigmoid(x), as Nair & Hinton 2010 define NReLU", true}},
         ActivationKernel::noisy_relu,
         "actbench kernel: per call 16,384 Box-Muller normals, each value a Hadamard mix of four at hashed offsets and signs", nullptr, nullptr, nullptr,
         [](double x, const double*) { return x > 0 ? x : 0.0; },
         [](double x, const double*) { return x > 0 ? 1.0 : 0.0; }, kink_at_zero, true},

        {"elu", "f(x) = x for x > 0, alpha·(exp(x) − 1) otherwise", "Clevert, Unterthiner & Hochreiter 2015, arXiv 1511.07289",
         {{"alpha", 1, 0, 100, "the negative saturation value is −alpha"}}, ActivationKernel::eltwise,
         "oneDNN eltwise_elu, alpha",
         [](const double* p) { return EltwiseArgs{A::eltwise_elu, static_cast<float>(p[0]), 0.f}; }, nullptr, nullptr,
         [](double x, const double* p) { return x > 0 ? x : p[0] * std::expm1(x); },
         [](double x, const double* p) { return x > 0 ? 1.0 : p[0] * std::exp(x); }, kink_at_zero, false},

        {"selu", "f(x) = lambda·x for x > 0, lambda·alpha·(exp(x) − 1) otherwise; lambda ≈ 1.0507, alpha ≈ 1.6733",
         "Klambauer, Unterthiner, Mayr & Hochreiter 2017, arXiv 1706.02515", {}, ActivationKernel::custom,
         "actbench kernel (oneDNN 2.6 has no selu)", nullptr,
         [](const float* x, float* y, std::size_t n, const double*) { kernels::selu_forward(x, y, n); },
         [](const float* x, const float* dy, float* dx, std::size_t n, const double*) { kernels::selu_backward(x, dy, dx, n); },
         [](double x, const double*) { return x > 0 ? kSeluLambda * x : kSeluLambda * kSeluAlpha * std::expm1(x); },
         [](double x, const double*) { return x > 0 ? kSeluLambda : kSeluLambda * kSeluAlpha * std::exp(x); },
         kink_at_zero, false},

        {"softplus", "f(x) = log(1 + exp(beta·x)) / beta", "Dugas et al. 2001; Glorot, Bordes & Bengio 2011",
         {{"beta", 1, 1e-3, 1e3, "sharpness; large beta approaches ReLU"}}, ActivationKernel::custom,
         "actbench kernel (oneDNN's soft_relu ignores beta)", nullptr,
         [](const float* x, float* y, std::size_t n, const double* p) {
             kernels::softplus_forward(x, y, n, static_cast<float>(p[0]));
         },
         [](const float* x, const float* dy, float* dx, std::size_t n, const double* p) {
             kernels::softplus_backward(x, dy, dx, n, static_cast<float>(p[0]));
         },
         [](double x, const double* p) { return softplus(p[0] * x) / p[0]; },
         [](double x, const double* p) { return sigmoid(p[0] * x); }, no_kinks, false},

        {"sigmoid", "f(x) = 1 / (1 + exp(−x))", "Rumelhart, Hinton & Williams 1986; Glorot & Bengio 2010", {},
         ActivationKernel::eltwise, "oneDNN eltwise_logistic",
         [](const double*) { return EltwiseArgs{A::eltwise_logistic}; }, nullptr, nullptr,
         [](double x, const double*) { return sigmoid(x); },
         [](double x, const double*) { return sigmoid(x) * (1 - sigmoid(x)); }, no_kinks, false},

        {"tanh", "f(x) = tanh(x)", "LeCun, Bottou, Orr & Müller 1998 (Efficient BackProp)", {}, ActivationKernel::eltwise,
         "oneDNN eltwise_tanh", [](const double*) { return EltwiseArgs{A::eltwise_tanh}; }, nullptr, nullptr,
         [](double x, const double*) { return std::tanh(x); },
         [](double x, const double*) { return 1 - std::tanh(x) * std::tanh(x); }, no_kinks, false},

        {"softsign", "f(x) = x / (1 + |x|)", "Bergstra et al. 2009; Glorot & Bengio 2010", {}, ActivationKernel::custom,
         "actbench kernel", nullptr,
         [](const float* x, float* y, std::size_t n, const double*) { kernels::softsign_forward(x, y, n); },
         [](const float* x, const float* dy, float* dx, std::size_t n, const double*) { kernels::softsign_backward(x, dy, dx, n); },
         [](double x, const double*) { return x / (1 + std::abs(x)); },
         [](double x, const double*) { return 1 / ((1 + std::abs(x)) * (1 + std::abs(x))); }, no_kinks, false},

        {"swish", "f(x) = x · sigmoid(beta·x)", "Ramachandran, Zoph & Le 2017, arXiv 1710.05941",
         {{"beta", 1, 0, 100, "beta = 1 is SiLU"}}, ActivationKernel::eltwise, "oneDNN eltwise_swish, alpha = beta",
         [](const double* p) { return EltwiseArgs{A::eltwise_swish, static_cast<float>(p[0]), 0.f}; }, nullptr, nullptr,
         [](double x, const double* p) { return x * sigmoid(p[0] * x); },
         [](double x, const double* p) {
             const double s = sigmoid(p[0] * x);
             return s + p[0] * x * s * (1 - s);
         },
         no_kinks, false},

        {"silu", "f(x) = x · sigmoid(x)  (swish with beta 1)",
         "Elfwing, Uchibe & Doya 2018, arXiv 1702.03118; Hendrycks & Gimpel 2016", {}, ActivationKernel::eltwise,
         "oneDNN eltwise_swish, alpha = 1 (oneDNN's default alpha 0 would compute x/2)",
         [](const double*) { return EltwiseArgs{A::eltwise_swish, 1.f, 0.f}; }, nullptr, nullptr,
         [](double x, const double*) { return x * sigmoid(x); },
         [](double x, const double*) { return sigmoid(x) * (1 + x * (1 - sigmoid(x))); }, no_kinks, false},

        {"gelu", "f(x) = x · Φ(x) = x · (1 + erf(x/√2)) / 2", "Hendrycks & Gimpel 2016, arXiv 1606.08415", {},
         ActivationKernel::eltwise, "oneDNN eltwise_gelu_erf",
         [](const double*) { return EltwiseArgs{A::eltwise_gelu_erf}; }, nullptr, nullptr,
         [](double x, const double*) { return 0.5 * x * (1 + std::erf(x / std::sqrt(2.0))); },
         [](double x, const double*) {
             return 0.5 * (1 + std::erf(x / std::sqrt(2.0))) + x * std::exp(-x * x / 2) / std::sqrt(2 * M_PI);
         },
         no_kinks, false},

        {"gelu_tanh", "f(x) = x · (1 + tanh(√(2/π)·(x + 0.044715·x³))) / 2",
         "Hendrycks & Gimpel 2016, arXiv 1606.08415 (the tanh approximation)", {}, ActivationKernel::eltwise,
         "oneDNN eltwise_gelu_tanh", [](const double*) { return EltwiseArgs{A::eltwise_gelu_tanh}; }, nullptr, nullptr,
         [](double x, const double*) {
             return 0.5 * x * (1 + std::tanh(std::sqrt(2 / M_PI) * (x + 0.044715 * x * x * x)));
         },
         [](double x, const double*) {
             const double c = std::sqrt(2 / M_PI), u = c * (x + 0.044715 * x * x * x), t = std::tanh(u);
             return 0.5 * (1 + t) + 0.5 * x * (1 - t * t) * c * (1 + 3 * 0.044715 * x * x);
         },
         no_kinks, false},

        {"mish", "f(x) = x · tanh(softplus(x))", "Misra 2019, arXiv 1908.08681", {}, ActivationKernel::eltwise,
         "oneDNN eltwise_mish", [](const double*) { return EltwiseArgs{A::eltwise_mish}; }, nullptr, nullptr,
         [](double x, const double*) { return x * std::tanh(softplus(x)); },
         [](double x, const double*) {
             const double t = std::tanh(softplus(x));
             return t + x * (1 - t * t) * sigmoid(x);
         },
         no_kinks, false},

        {"hardswish", "f(x) = x · min(max(x + 3, 0), 6) / 6", "Howard et al. 2019 (MobileNetV3), arXiv 1905.02244", {},
         ActivationKernel::eltwise, "oneDNN eltwise_hardswish",
         [](const double*) { return EltwiseArgs{A::eltwise_hardswish}; }, nullptr, nullptr,
         [](double x, const double*) { return x * std::min(std::max(x + 3, 0.0), 6.0) / 6; },
         [](double x, const double*) { return x <= -3 ? 0.0 : (x >= 3 ? 1.0 : (2 * x + 3) / 6); },
         [](const double*) { return std::vector<double>{-3.0, 3.0}; }, false},

        {"clipped_relu", "f(x) = min(max(0, x), cap)", "Krizhevsky 2010 (ReLU6, cap 6); Hannun et al. 2014 (cap 20)",
         {{"cap", 6, 1e-6, 1e6, "the upper bound"}}, ActivationKernel::eltwise, "oneDNN eltwise_clip_v2, alpha 0, beta = cap",
         [](const double* p) { return EltwiseArgs{A::eltwise_clip_v2, 0.f, static_cast<float>(p[0])}; }, nullptr, nullptr,
         [](double x, const double* p) { return std::min(std::max(x, 0.0), p[0]); },
         [](double x, const double* p) { return x > 0 && x < p[0] ? 1.0 : 0.0; },
         [](const double* p) { return std::vector<double>{0.0, p[0]}; }, true},

        {"relu6", "f(x) = min(max(0, x), 6)  (clipped_relu with cap 6)", "Krizhevsky 2010; Howard et al. 2017 (MobileNets)",
         {}, ActivationKernel::eltwise, "oneDNN eltwise_clip_v2, alpha 0, beta 6",
         [](const double*) { return EltwiseArgs{A::eltwise_clip_v2, 0.f, 6.f}; }, nullptr, nullptr,
         [](double x, const double*) { return std::min(std::max(x, 0.0), 6.0); },
         [](double x, const double*) { return x > 0 && x < 6 ? 1.0 : 0.0; },
         [](const double*) { return std::vector<double>{0.0, 6.0}; }, true},

        {"abs", "f(x) = |x|", "Jarrett, Kavukcuoglu, Ranzato & LeCun 2009 (absolute-value rectification)", {},
         ActivationKernel::eltwise, "oneDNN eltwise_abs", [](const double*) { return EltwiseArgs{A::eltwise_abs}; },
         nullptr, nullptr, [](double x, const double*) { return std::abs(x); },
         [](double x, const double*) { return x > 0 ? 1.0 : (x < 0 ? -1.0 : 0.0); }, kink_at_zero, false},

        {"identity", "f(x) = x  (a linear network: the control that shows why a non-linearity is needed)",
         "Goodfellow, Bengio & Courville 2016, Deep Learning §6.1", {}, ActivationKernel::eltwise,
         "oneDNN eltwise_linear, alpha 1, beta 0", [](const double*) { return EltwiseArgs{A::eltwise_linear, 1.f, 0.f}; },
         nullptr, nullptr, [](double x, const double*) { return x; }, [](double, const double*) { return 1.0; },
         no_kinks, false},

        {"maxout", "f(x)_c = max over j < k of x_{k·c + j}: the max of k adjacent channels (the layer before is k× wider)",
         "Goodfellow, Warde-Farley, Mirza, Courville & Bengio 2013, arXiv 1302.4389",
         {{"pieces", 2, 2, 16, "k, the number of pieces per unit", true}}, ActivationKernel::maxout, "actbench kernel",
         nullptr, nullptr, nullptr, nullptr, nullptr, no_kinks, false},

        {"formula", "f(x) given by an expression in the config (activations: NAME: {expr: ..., params: {...}})",
         "actbench; the derivative is exact (forward-mode dual numbers)", {}, ActivationKernel::formula,
         "actbench array evaluator", nullptr, nullptr, nullptr, nullptr, nullptr, no_kinks, false},
    };
    return table;
}

}  // namespace actbench
