// Activations. Each family is described once, in activation_table(): name, formula, parameters with
// defaults, how it is computed (a oneDNN eltwise algorithm, oneDNN PReLU, or a kernel of ours), a scalar
// reference f and f′ for tests, its kinks, and its source. The config validator, `actbench list
// activations`, `show activation`, the tests and the benchmarks all iterate over that table.
//
// A trial uses an ActivationSpec: a family with every parameter resolved (defaults filled in), or a formula
// from the config (see formula.hpp).
//
// Precision: oneDNN eltwise activations run in bf16 on bf16 input; PReLU, maxout and our elementwise kernels
// (custom, formulas, RReLU, noisy ReLU) compute in fp32 on the widened input and round their output to bf16.
//
// Shapes: src [N, C(, H, W)]  dst the same, except maxout: src [N, k·C(, H, W)] → dst [N, C(, H, W)].
#pragma once

#include "formula.hpp"
#include "onednn.hpp"

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace actbench {

struct ActivationParam {
    std::string_view name;
    double default_value;
    double min, max;  // the valid range
    std::string_view meaning;
    // A choice or a count (PReLU's shared, RReLU's pytorch, maxout's pieces): the code branches on the exact
    // value, so a fraction is refused rather than rounded one way here and another way in the trial id.
    bool whole_number = false;
};

enum class ActivationKernel {
    eltwise,  // a oneDNN eltwise primitive
    prelu,  // oneDNN prelu_forward / prelu_backward, learned slopes
    custom,  // a deterministic elementwise kernel of ours
    rrelu,  // randomised leaky ReLU (training draws one slope per element)
    noisy_relu,  // ReLU with Gaussian noise added in training
    maxout,  // max over k adjacent channels
    formula,  // a formula from the config
};

struct EltwiseArgs {
    dnnl::algorithm algorithm;
    float alpha = 0.f, beta = 0.f;
};

struct ActivationInfo {
    std::string_view name;
    std::string_view formula;
    std::string_view source;
    std::vector<ActivationParam> params{};  // none by default
    ActivationKernel kernel;
    std::string_view computed_by;  // for listings: "oneDNN eltwise_relu, alpha = slope"
    // kernel == eltwise: the algorithm and its alpha/beta from the parameters
    EltwiseArgs (*eltwise)(const double* p) = nullptr;
    // kernel == custom: y = f(x) and dx = f′(x)·dy over arrays
    void (*forward)(const float* x, float* y, std::size_t n, const double* p) = nullptr;
    void (*backward)(const float* x, const float* dy, float* dx, std::size_t n, const double* p) = nullptr;
    // Scalar reference (evaluation mode for the stochastic ones); null for maxout, which is not elementwise.
    double (*f)(double x, const double* p) = nullptr;
    double (*df)(double x, const double* p) = nullptr;
    // Points where f is not differentiable, so gradient checks stay away from them; null: none.
    std::vector<double> (*kinks)(const double* p) = nullptr;
    // f(x) = 0 for every x ≤ 0, so a unit whose pre-activation is ≤ 0 on every probe image is dead.
    bool rectifier = false;
};

const std::vector<ActivationInfo>& activation_table();
std::string activation_names();  // "relu, leaky_relu, …"
// Throws std::invalid_argument naming the valid families.
const ActivationInfo& find_activation(std::string_view name);
// The same without throwing: nullptr for a name that is not a built-in family.
const ActivationInfo* lookup_activation(std::string_view name);

// A resolved activation: what one trial uses.
struct ActivationSpec {
    std::string name;  // as the sweep names it: "relu", "very_leaky", "swish_1702"
    const ActivationInfo* info = nullptr;  // the family (the "formula" family for formulas)
    std::vector<double> params;  // every parameter of the family, in table order
    std::shared_ptr<const Formula> formula;  // kernel == formula
    std::map<std::string, double> formula_params;
    // A rational (rational.hpp): the built-in its coefficients were fitted to at load time, and the fit's RMS error.
    std::string fitted_to;
    double fit_rms = 0;

    double param(std::string_view name) const;  // throws std::invalid_argument
    double f(double x) const;  // scalar reference (evaluation mode)
    double df(double x) const;
    std::vector<double> kinks() const;
    int width_multiplier() const;  // maxout: k, else 1
};

// A built-in with its defaults ("relu"), throws std::invalid_argument listing the valid names.
ActivationSpec builtin_activation(std::string_view name);
// A named parameterisation of a family: {base: leaky_relu, slope: 0.18}. Throws std::invalid_argument
// naming an unknown family or parameter (with the valid ones) or a value out of range.
ActivationSpec activation_variant(std::string name, std::string_view base, const std::map<std::string, double>& params);
// A formula: parsed and checked on [−8, 8]. Throws FormulaError. With `learned`, those parameters are trained (a
// Param per layer: one value per channel or one in all), starting from their `init`.
ActivationSpec formula_activation(std::string name, std::string_view expr, const std::map<std::string, double>& params,
                                  const std::vector<LearnedParam>& learned = {});

namespace detail {
class ActivationBackend;  // activation_backends.hpp: one per kind of computation
}

class Activation final : public Layer {
public:
    // `seed` keys the random draws of rrelu and noisy_relu (one stream per layer of a trial).
    Activation(std::string name, ActivationSpec spec, std::uint64_t seed = 0);
    ~Activation() override;
    std::string kind() const override { return "activation"; }
    const ActivationSpec& spec() const { return spec_; }
    memory::desc build(Context& ctx, const memory::desc& src, bool need_diff_src) override;
    const memory& forward(Context& ctx, const memory& src) override;
    const memory& backward(Context& ctx, const memory& diff_dst) override;
    const memory& diff_src() const override;
    std::vector<Param*> params() override;
    void set_training(bool training) override { training_ = training; }
    // Before build(): nothing but this layer reads its input after it runs (the builder knows: a conv, dense or batch
    // norm layer's backward reads its own input, not its output), so a ReLU may compute in place.
    void allow_in_place() { in_place_allowed_ = true; }
    bool in_place() const { return in_place_; }
    // Training, in place: the layer before has computed this activation into its own output `y` (a fused post-op),
    // which becomes this layer's output and input, as if forward(y) had run. `backward_by_producer`: that layer's
    // backward takes this activation's too (batch norm's fused ReLU), so backward() passes the gradient through.
    const memory& adopt_output(const memory& y, bool backward_by_producer = false);
    // The output's descriptor (after build) and the last forward's output. Its input is shown to ctx.observer in
    // evaluation (the probe statistics): a layer computing in place overwrites it.
    const memory::desc& output_desc() const { return out_desc_; }
    const memory& last_dst() const;

private:
    std::string name_;
    ActivationSpec spec_;
    std::uint64_t seed_;
    bool training_ = true, in_place_allowed_ = false, in_place_ = false, pass_through_ = false;
    std::unique_ptr<detail::ActivationBackend> backend_;  // chosen by the table's kernel in build()
    memory::desc out_desc_;
    memory src_used_;
    // bf16 input to a backend that computes in fp32 (all but oneDNN eltwise): the input widened, and the
    // output rounded back to bf16, so every activation layer's output has the network's precision.
    memory::desc src_wide_desc_;
    memory src_wide_, src_wide_scratch_, dst_narrow_;
    memory input_view_;  // the observer's copy of an in-place layer's input, as a memory of the input's descriptor

    // forward() in evaluation with ctx.observer set: the observer sees the input and the output.
    const memory& observed_forward(Context& ctx, const memory& src);
};

// The L1 activation penalty's gradient (Network::set_activation_l1): λ·sign(a)/batch added to g, the gradient of
// the loss with respect to the activation layer's last output a, in a's layout and in fp32. Returns the sum (in
// g_scratch); a_scratch holds a widened copy of a when a is bf16.
const memory& add_activation_l1(Context& ctx, const Activation& act, const memory& g, double lambda, int batch, memory& a_scratch,
                                memory& g_scratch);

}  // namespace actbench
