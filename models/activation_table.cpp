// The table of activation families: the one place each activation is described.
#include "activation.hpp"

#include "kernels.hpp"

#include <cmath>

namespace actbench {

namespace {

using A = dnnl::algorithm;

double sigmoid(double x) { return 1 / (1 + std::exp(-x)); }
double softplus(double x) { return std::max(x, 0.0) + std::log1p(std::exp(-std::abs(x))); }
std::vector<double> kink_at_zero(const double*) { return {0.0}; }

// RReLU's slope in evaluation, from its row's parameters in order [lower, upper, pytorch]: the mean slope,
// 2/(lower + upper) as Xu et al. define it, or (lower + upper)/2 in PyTorch's convention.
double rrelu_eval_slope(const double* p) {
    const double lower = p[0], upper = p[1];
    const bool pytorch = p[2] != 0;
    return pytorch ? (lower + upper) / 2 : 2 / (lower + upper);
}

// SELU's constants (Klambauer et al. 2017, eq. 14), to the precision of their derivation.
constexpr double kSeluLambda = 1.0507009873554804934193349852946;
constexpr double kSeluAlpha = 1.6732632423543772848170429916717;

}  // namespace

// Long, but data: one designated-initialiser row per family, read one row at a time (adding a family adds a row).
const std::vector<ActivationInfo>& activation_table() {
    static const std::vector<ActivationInfo> table{
        {
            .name = "relu",
            .formula = "f(x) = max(0, x)",
            .source = "Nair & Hinton 2010; Glorot, Bordes & Bengio 2011 (Deep Sparse Rectifier Neural Networks)",
            .kernel = ActivationKernel::eltwise,
            .computed_by = "oneDNN eltwise_relu",
            .eltwise =
                [](const double*) {
                    return EltwiseArgs{A::eltwise_relu, 0.f, 0.f};
                },
            .f = [](double x, const double*) { return x > 0 ? x : 0.0; },
            .df = [](double x, const double*) { return x > 0 ? 1.0 : 0.0; },
            .kinks = kink_at_zero,
            .rectifier = true,
        },
        {
            .name = "leaky_relu",
            .formula = "f(x) = x for x > 0, slope·x otherwise",
            .source = "Maas, Hannun & Ng 2013 (slope 0.01); Xu et al. 2015, arXiv 1505.00853 (slope 1/5.5)",
            .params =
                {
                    {.name = "slope", .default_value = 0.01, .min = 0, .max = 1, .meaning = "the slope for x < 0"},
                },
            .kernel = ActivationKernel::eltwise,
            .computed_by = "oneDNN eltwise_relu, alpha = slope",
            .eltwise =
                [](const double* p) {
                    return EltwiseArgs{A::eltwise_relu, static_cast<float>(p[0]), 0.f};
                },
            .f = [](double x, const double* p) { return x > 0 ? x : p[0] * x; },
            .df = [](double x, const double* p) { return x > 0 ? 1.0 : p[0]; },
            .kinks = kink_at_zero,
        },
        {
            .name = "prelu",
            .formula = "f(x) = x for x > 0, a·x otherwise, a learned (per channel, or one shared)",
            .source = "He, Zhang, Ren & Sun 2015, arXiv 1502.01852 (a starts at 0.25; no weight decay on a)",
            .params =
                {
                    {.name = "init", .default_value = 0.25, .min = -1, .max = 1, .meaning = "the slopes' starting value"},
                    {.name = "shared",
                     .default_value = 0,
                     .min = 0,
                     .max = 1,
                     .meaning = "1: one slope for the layer; 0: one per channel",
                     .whole_number = true},
                },
            .kernel = ActivationKernel::prelu,
            .computed_by = "oneDNN prelu_forward / prelu_backward",
            .f = [](double x, const double* p) { return x > 0 ? x : p[0] * x; },
            .df = [](double x, const double* p) { return x > 0 ? 1.0 : p[0]; },
            .kinks = kink_at_zero,
        },
        {
            .name = "rrelu",
            .formula = "training: f(x) = x for x > 0, x/r otherwise, r ~ U(lower, upper) per element; evaluation: slope 2/(lower+upper). "
                       "With pytorch = 1: slope ~ U(lower, upper), evaluation (lower+upper)/2",
            .source =
                "Xu, Wang, Chen & Li 2015, arXiv 1505.00853 (lower 3, upper 8); PyTorch's RReLU(1/8, 1/3) is the pytorch = 1 convention",
            .params =
                {
                    {.name = "lower", .default_value = 3, .min = 1e-6, .max = 1e6, .meaning = "lower bound of the draw"},
                    {.name = "upper", .default_value = 8, .min = 1e-6, .max = 1e6, .meaning = "upper bound of the draw"},
                    {.name = "pytorch",
                     .default_value = 0,
                     .min = 0,
                     .max = 1,
                     .meaning = "1: draw the slope itself (PyTorch); 0: draw its inverse (Xu et al.)",
                     .whole_number = true},
                },
            .kernel = ActivationKernel::rrelu,
            .computed_by = "actbench kernel, counter-based draws (16-bit uniforms, two per hash)",
            .f = [](double x, const double* p) { return x > 0 ? x : rrelu_eval_slope(p) * x; },
            .df = [](double x, const double* p) { return x > 0 ? 1.0 : rrelu_eval_slope(p); },
            .kinks = kink_at_zero,
        },
        {
            .name = "noisy_relu",
            .formula = "training: f(x) = max(0, x + n), n ~ N(0, sigma^2) per element (variance 0, the default), or n ~ N(0, sigmoid(x)) "
                       "(variance 1: Nair & Hinton's NReLU, sigma unused); evaluation: max(0, x)",
            .source = "Nair & Hinton 2010 (Rectified Linear Units Improve Restricted Boltzmann Machines): NReLU's noise has variance "
                      "sigmoid(x); the fixed sigma form is the common simplification",
            .params =
                {
                    {.name = "sigma",
                     .default_value = 0.1,
                     .min = 0,
                     .max = 100,
                     .meaning = "standard deviation of the noise (variance 0)"},
                    {.name = "variance",
                     .default_value = 0,
                     .min = 0,
                     .max = 1,
                     .meaning = "0: fixed, sigma^2; 1: sigmoid(x), as Nair & Hinton 2010 define NReLU",
                     .whole_number = true},
                },
            .kernel = ActivationKernel::noisy_relu,
            .computed_by =
                "actbench kernel: per call 16,384 Box-Muller normals, each value a Hadamard mix of four at hashed offsets and signs",
            .f = [](double x, const double*) { return x > 0 ? x : 0.0; },
            .df = [](double x, const double*) { return x > 0 ? 1.0 : 0.0; },
            .kinks = kink_at_zero,
            .rectifier = true,
        },
        {
            .name = "elu",
            .formula = "f(x) = x for x > 0, alpha·(exp(x) − 1) otherwise",
            .source = "Clevert, Unterthiner & Hochreiter 2015, arXiv 1511.07289",
            .params =
                {
                    {.name = "alpha", .default_value = 1, .min = 0, .max = 100, .meaning = "the negative saturation value is −alpha"},
                },
            .kernel = ActivationKernel::eltwise,
            .computed_by = "oneDNN eltwise_elu, alpha",
            .eltwise =
                [](const double* p) {
                    return EltwiseArgs{A::eltwise_elu, static_cast<float>(p[0]), 0.f};
                },
            .f = [](double x, const double* p) { return x > 0 ? x : p[0] * std::expm1(x); },
            .df = [](double x, const double* p) { return x > 0 ? 1.0 : p[0] * std::exp(x); },
            .kinks = kink_at_zero,
        },
        {
            .name = "selu",
            .formula = "f(x) = lambda·x for x > 0, lambda·alpha·(exp(x) − 1) otherwise; lambda ≈ 1.0507, alpha ≈ 1.6733",
            .source = "Klambauer, Unterthiner, Mayr & Hochreiter 2017, arXiv 1706.02515",
            .kernel = ActivationKernel::custom,
            .computed_by = "actbench kernel (oneDNN 2.6 has no selu)",
            .forward = [](const float* x, float* y, std::size_t n, const double*) { kernels::selu_forward(x, y, n); },
            .backward = [](const float* x, const float* dy, float* dx, std::size_t n,
                           const double*) { kernels::selu_backward(x, dy, dx, n); },
            .f = [](double x, const double*) { return x > 0 ? kSeluLambda * x : kSeluLambda * kSeluAlpha * std::expm1(x); },
            .df = [](double x, const double*) { return x > 0 ? kSeluLambda : kSeluLambda * kSeluAlpha * std::exp(x); },
            .kinks = kink_at_zero,
        },
        {
            .name = "softplus",
            .formula = "f(x) = log(1 + exp(beta·x)) / beta",
            .source = "Dugas et al. 2001; Glorot, Bordes & Bengio 2011",
            .params =
                {
                    {.name = "beta", .default_value = 1, .min = 1e-3, .max = 1e3, .meaning = "sharpness; large beta approaches ReLU"},
                },
            .kernel = ActivationKernel::custom,
            .computed_by = "actbench kernel (oneDNN's soft_relu ignores beta)",
            .forward = [](const float* x, float* y, std::size_t n,
                          const double* p) { kernels::softplus_forward(x, y, n, static_cast<float>(p[0])); },
            .backward = [](const float* x, const float* dy, float* dx, std::size_t n,
                           const double* p) { kernels::softplus_backward(x, dy, dx, n, static_cast<float>(p[0])); },
            .f = [](double x, const double* p) { return softplus(p[0] * x) / p[0]; },
            .df = [](double x, const double* p) { return sigmoid(p[0] * x); },
        },
        {
            .name = "sigmoid",
            .formula = "f(x) = 1 / (1 + exp(−x))",
            .source = "Rumelhart, Hinton & Williams 1986; Glorot & Bengio 2010",
            .kernel = ActivationKernel::eltwise,
            .computed_by = "oneDNN eltwise_logistic",
            .eltwise = [](const double*) { return EltwiseArgs{A::eltwise_logistic}; },
            .f = [](double x, const double*) { return sigmoid(x); },
            .df = [](double x, const double*) { return sigmoid(x) * (1 - sigmoid(x)); },
        },
        {
            .name = "tanh",
            .formula = "f(x) = tanh(x)",
            .source = "LeCun, Bottou, Orr & Müller 1998 (Efficient BackProp)",
            .kernel = ActivationKernel::eltwise,
            .computed_by = "oneDNN eltwise_tanh",
            .eltwise = [](const double*) { return EltwiseArgs{A::eltwise_tanh}; },
            .f = [](double x, const double*) { return std::tanh(x); },
            .df = [](double x, const double*) { return 1 - std::tanh(x) * std::tanh(x); },
        },
        {
            .name = "softsign",
            .formula = "f(x) = x / (1 + |x|)",
            .source = "Bergstra et al. 2009; Glorot & Bengio 2010",
            .kernel = ActivationKernel::custom,
            .computed_by = "actbench kernel",
            .forward = [](const float* x, float* y, std::size_t n, const double*) { kernels::softsign_forward(x, y, n); },
            .backward = [](const float* x, const float* dy, float* dx, std::size_t n,
                           const double*) { kernels::softsign_backward(x, dy, dx, n); },
            .f = [](double x, const double*) { return x / (1 + std::abs(x)); },
            .df = [](double x, const double*) { return 1 / ((1 + std::abs(x)) * (1 + std::abs(x))); },
        },
        {
            .name = "swish",
            .formula = "f(x) = x · sigmoid(beta·x)",
            .source = "Ramachandran, Zoph & Le 2017, arXiv 1710.05941",
            .params =
                {
                    {.name = "beta", .default_value = 1, .min = 0, .max = 100, .meaning = "beta = 1 is SiLU"},
                },
            .kernel = ActivationKernel::eltwise,
            .computed_by = "oneDNN eltwise_swish, alpha = beta",
            .eltwise =
                [](const double* p) {
                    return EltwiseArgs{A::eltwise_swish, static_cast<float>(p[0]), 0.f};
                },
            .f = [](double x, const double* p) { return x * sigmoid(p[0] * x); },
            .df =
                [](double x, const double* p) {
                    const double s = sigmoid(p[0] * x);
                    return s + p[0] * x * s * (1 - s);
                },
        },
        {
            .name = "silu",
            .formula = "f(x) = x · sigmoid(x)  (swish with beta 1)",
            .source = "Elfwing, Uchibe & Doya 2018, arXiv 1702.03118; Hendrycks & Gimpel 2016",
            .kernel = ActivationKernel::eltwise,
            .computed_by = "oneDNN eltwise_swish, alpha = 1 (oneDNN's default alpha 0 would compute x/2)",
            .eltwise =
                [](const double*) {
                    return EltwiseArgs{A::eltwise_swish, 1.f, 0.f};
                },
            .f = [](double x, const double*) { return x * sigmoid(x); },
            .df = [](double x, const double*) { return sigmoid(x) * (1 + x * (1 - sigmoid(x))); },
        },
        {
            .name = "gelu",
            .formula = "f(x) = x · Φ(x) = x · (1 + erf(x/√2)) / 2",
            .source = "Hendrycks & Gimpel 2016, arXiv 1606.08415",
            .kernel = ActivationKernel::eltwise,
            .computed_by = "oneDNN eltwise_gelu_erf",
            .eltwise = [](const double*) { return EltwiseArgs{A::eltwise_gelu_erf}; },
            .f = [](double x, const double*) { return 0.5 * x * (1 + std::erf(x / std::sqrt(2.0))); },
            .df = [](double x,
                     const double*) { return 0.5 * (1 + std::erf(x / std::sqrt(2.0))) + x * std::exp(-x * x / 2) / std::sqrt(2 * M_PI); },
        },
        {
            .name = "gelu_tanh",
            .formula = "f(x) = x · (1 + tanh(√(2/π)·(x + 0.044715·x³))) / 2",
            .source = "Hendrycks & Gimpel 2016, arXiv 1606.08415 (the tanh approximation)",
            .kernel = ActivationKernel::eltwise,
            .computed_by = "oneDNN eltwise_gelu_tanh",
            .eltwise = [](const double*) { return EltwiseArgs{A::eltwise_gelu_tanh}; },
            .f = [](double x, const double*) { return 0.5 * x * (1 + std::tanh(std::sqrt(2 / M_PI) * (x + 0.044715 * x * x * x))); },
            .df =
                [](double x, const double*) {
                    const double c = std::sqrt(2 / M_PI), u = c * (x + 0.044715 * x * x * x), t = std::tanh(u);
                    return 0.5 * (1 + t) + 0.5 * x * (1 - t * t) * c * (1 + 3 * 0.044715 * x * x);
                },
        },
        {
            .name = "mish",
            .formula = "f(x) = x · tanh(softplus(x))",
            .source = "Misra 2019, arXiv 1908.08681",
            .kernel = ActivationKernel::eltwise,
            .computed_by = "oneDNN eltwise_mish",
            .eltwise = [](const double*) { return EltwiseArgs{A::eltwise_mish}; },
            .f = [](double x, const double*) { return x * std::tanh(softplus(x)); },
            .df =
                [](double x, const double*) {
                    const double t = std::tanh(softplus(x));
                    return t + x * (1 - t * t) * sigmoid(x);
                },
        },
        {
            .name = "hardswish",
            .formula = "f(x) = x · min(max(x + 3, 0), 6) / 6",
            .source = "Howard et al. 2019 (MobileNetV3), arXiv 1905.02244",
            .kernel = ActivationKernel::eltwise,
            .computed_by = "oneDNN eltwise_hardswish",
            .eltwise = [](const double*) { return EltwiseArgs{A::eltwise_hardswish}; },
            .f = [](double x, const double*) { return x * std::min(std::max(x + 3, 0.0), 6.0) / 6; },
            .df = [](double x, const double*) { return x <= -3 ? 0.0 : (x >= 3 ? 1.0 : (2 * x + 3) / 6); },
            .kinks =
                [](const double*) {
                    return std::vector<double>{-3.0, 3.0};
                },
        },
        {
            .name = "clipped_relu",
            .formula = "f(x) = min(max(0, x), cap)",
            .source = "Krizhevsky 2010 (ReLU6, cap 6); Hannun et al. 2014 (cap 20)",
            .params =
                {
                    {.name = "cap", .default_value = 6, .min = 1e-6, .max = 1e6, .meaning = "the upper bound"},
                },
            .kernel = ActivationKernel::eltwise,
            .computed_by = "oneDNN eltwise_clip_v2, alpha 0, beta = cap",
            .eltwise =
                [](const double* p) {
                    return EltwiseArgs{A::eltwise_clip_v2, 0.f, static_cast<float>(p[0])};
                },
            .f = [](double x, const double* p) { return std::min(std::max(x, 0.0), p[0]); },
            .df = [](double x, const double* p) { return x > 0 && x < p[0] ? 1.0 : 0.0; },
            .kinks =
                [](const double* p) {
                    return std::vector<double>{0.0, p[0]};
                },
            .rectifier = true,
        },
        {
            .name = "relu6",
            .formula = "f(x) = min(max(0, x), 6)  (clipped_relu with cap 6)",
            .source = "Krizhevsky 2010; Howard et al. 2017 (MobileNets)",
            .kernel = ActivationKernel::eltwise,
            .computed_by = "oneDNN eltwise_clip_v2, alpha 0, beta 6",
            .eltwise =
                [](const double*) {
                    return EltwiseArgs{A::eltwise_clip_v2, 0.f, 6.f};
                },
            .f = [](double x, const double*) { return std::min(std::max(x, 0.0), 6.0); },
            .df = [](double x, const double*) { return x > 0 && x < 6 ? 1.0 : 0.0; },
            .kinks =
                [](const double*) {
                    return std::vector<double>{0.0, 6.0};
                },
            .rectifier = true,
        },
        {
            .name = "abs",
            .formula = "f(x) = |x|",
            .source = "Jarrett, Kavukcuoglu, Ranzato & LeCun 2009 (absolute-value rectification)",
            .kernel = ActivationKernel::eltwise,
            .computed_by = "oneDNN eltwise_abs",
            .eltwise = [](const double*) { return EltwiseArgs{A::eltwise_abs}; },
            .f = [](double x, const double*) { return std::abs(x); },
            .df = [](double x, const double*) { return x > 0 ? 1.0 : (x < 0 ? -1.0 : 0.0); },
            .kinks = kink_at_zero,
        },
        {
            .name = "identity",
            .formula = "f(x) = x  (a linear network: the control that shows why a non-linearity is needed)",
            .source = "Goodfellow, Bengio & Courville 2016, Deep Learning §6.1",
            .kernel = ActivationKernel::eltwise,
            .computed_by = "oneDNN eltwise_linear, alpha 1, beta 0",
            .eltwise =
                [](const double*) {
                    return EltwiseArgs{A::eltwise_linear, 1.f, 0.f};
                },
            .f = [](double x, const double*) { return x; },
            .df = [](double, const double*) { return 1.0; },
        },
        {
            .name = "maxout",
            .formula = "f(x)_c = max over j < k of x_{k·c + j}: the max of k adjacent channels (the layer before is k× wider)",
            .source = "Goodfellow, Warde-Farley, Mirza, Courville & Bengio 2013, arXiv 1302.4389",
            .params =
                {
                    {.name = "pieces",
                     .default_value = 2,
                     .min = 2,
                     .max = 16,
                     .meaning = "k, the number of pieces per unit",
                     .whole_number = true},
                },
            .kernel = ActivationKernel::maxout,
            .computed_by = "actbench kernel",
        },
        {
            .name = "formula",
            .formula = "f(x) given by an expression in the config (activations: NAME: {expr: ..., params: {...}})",
            .source = "actbench; the derivative is exact (forward-mode dual numbers)",
            .kernel = ActivationKernel::formula,
            .computed_by = "actbench array evaluator",
        },
    };
    return table;
}

}  // namespace actbench
