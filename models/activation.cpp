#include "activation.hpp"

#include "activation_backends.hpp"
#include "params.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <sstream>
#include <stdexcept>

namespace actbench {

namespace {

bool is_builtin(const ActivationInfo& a) { return a.kernel != ActivationKernel::formula; }

}  // namespace

std::string activation_names() {
    std::string names;
    for (const auto& a : activation_table()) {
        if (!is_builtin(a)) continue;
        if (!names.empty()) names += ", ";
        names += a.name;
    }
    return names;
}

const ActivationInfo* lookup_activation(std::string_view name) {
    for (const auto& a : activation_table())
        if (a.name == name && is_builtin(a)) return &a;
    return nullptr;
}

const ActivationInfo& find_activation(std::string_view name) {
    if (const ActivationInfo* a = lookup_activation(name)) return *a;
    throw std::invalid_argument("unknown activation '" + std::string(name) + "' (valid: " + activation_names() + ")");
}

double ActivationSpec::param(std::string_view n) const {
    for (std::size_t i = 0; i < info->params.size(); ++i)
        if (info->params[i].name == n) return params[i];
    throw std::invalid_argument("activation " + name + " has no parameter '" + std::string(n) + "'");
}

double ActivationSpec::f(double x) const { return formula ? formula->value(x) : info->f(x, params.data()); }
double ActivationSpec::df(double x) const { return formula ? formula->derivative(x) : info->df(x, params.data()); }
std::vector<double> ActivationSpec::kinks() const { return formula || !info->kinks ? std::vector<double>{} : info->kinks(params.data()); }
int ActivationSpec::width_multiplier() const { return info->kernel == ActivationKernel::maxout ? static_cast<int>(param("pieces")) : 1; }

ActivationSpec builtin_activation(std::string_view name) { return activation_variant(std::string(name), name, {}); }

ActivationSpec activation_variant(std::string name, std::string_view base, const std::map<std::string, double>& params) {
    const ActivationInfo& info = find_activation(base);
    ActivationSpec spec;
    spec.name = std::move(name);
    spec.info = &info;
    spec.params = resolve_params(info.params, params, "activation", base);
    if (info.kernel == ActivationKernel::rrelu && spec.param("lower") > spec.param("upper"))
        throw std::invalid_argument("rrelu: lower (" + format_number(spec.param("lower")) + ") must not exceed upper (" +
                                    format_number(spec.param("upper")) + ")");
    return spec;
}

ActivationSpec formula_activation(std::string name, std::string_view expr, const std::map<std::string, double>& params,
                                  const std::vector<LearnedParam>& learned) {
    for (const auto& [key, value] : params)
        if (key == "x" || key == "pi" || key == "e") throw FormulaError(0, "parameter name '" + key + "' is reserved (x, pi, e)");
    for (const LearnedParam& p : learned)
        if (p.name == "x" || p.name == "pi" || p.name == "e") throw FormulaError(0, "parameter name '" + p.name + "' is reserved (x, pi, e)");
    auto f = std::make_shared<Formula>(Formula::parse(expr, params, learned));
    f->check();
    ActivationSpec spec;
    spec.name = std::move(name);
    for (const auto& a : activation_table())
        if (a.kernel == ActivationKernel::formula) spec.info = &a;
    spec.formula = std::move(f);
    spec.formula_params = params;
    return spec;
}

// ---------------------------------------------------------------------------------------------------------
// The layer: the table's kernel picks how it computes (activation_backends.hpp).

Activation::Activation(std::string name, ActivationSpec spec, std::uint64_t seed)
    : name_(std::move(name)), spec_(std::move(spec)), seed_(seed) {}
Activation::~Activation() = default;

memory::desc Activation::build(Context& ctx, const memory::desc& src, bool need_diff_src) {
    switch (spec_.info->kernel) {
        case ActivationKernel::eltwise: backend_ = detail::eltwise_backend(spec_); break;
        case ActivationKernel::prelu: backend_ = detail::prelu_backend(name_, spec_); break;
        case ActivationKernel::maxout: backend_ = detail::maxout_backend(name_, spec_); break;
        case ActivationKernel::formula:
            backend_ = spec_.formula->learned().empty() ? detail::elementwise_backend(spec_, seed_) : detail::learned_formula_backend(name_, spec_);
            break;
        case ActivationKernel::custom:
        case ActivationKernel::rrelu:
        case ActivationKernel::noisy_relu: backend_ = detail::elementwise_backend(spec_, seed_); break;
    }
    const bool widen = src.data_type() != dt::f32 && spec_.info->kernel != ActivationKernel::eltwise;
    if (!widen) {
        in_place_ = in_place_allowed_ && backend_->run_in_place();
        return out_desc_ = backend_->build(ctx, src, need_diff_src);
    }
    src_wide_desc_ = with_type(src, dt::f32);
    const memory::desc out = backend_->build(ctx, src_wide_desc_, need_diff_src);
    dst_narrow_ = memory(with_type(out, src.data_type()), ctx.engine);
    return out_desc_ = dst_narrow_.get_desc();
}

std::vector<Param*> Activation::params() { return backend_ ? backend_->params() : std::vector<Param*>{}; }

const memory& Activation::diff_src() const { return backend_->diff_src(); }

const memory& Activation::last_dst() const { return dst_narrow_ ? dst_narrow_ : backend_->dst(); }

const memory& Activation::forward(Context& ctx, const memory& src) {
    src_used_ = src;
    pass_through_ = false;
    if (ctx.observer && !training_) return observed_forward(ctx, src);
    if (!dst_narrow_) return backend_->forward(ctx, src, training_);
    src_wide_ = as_layout(ctx, src, src_wide_desc_, src_wide_scratch_);
    memory y = backend_->forward(ctx, src_wide_, training_);
    ProfileScope timed(ctx, "reorder", name_);
    dnnl::reorder(y, dst_narrow_).execute(ctx.stream, y, dst_narrow_);
    return dst_narrow_;
}

const memory& Activation::adopt_output(const memory& y, bool backward_by_producer) {
    src_used_ = y;
    pass_through_ = backward_by_producer;
    backend_->adopt_output(y);
    return y;
}

const memory& Activation::observed_forward(Context& ctx, const memory& src) {
    ActivationObserver& o = *ctx.observer;
    const memory* input = &src;
    if (in_place_) {  // the input, before the output overwrites it
        const memory::desc& d = src.get_desc();
        if (!o.input_copy || o.input_copy.get_desc().get_size() < d.get_size())
            o.input_copy = memory({{static_cast<memory::dim>(d.get_size())}, dt::u8, tag::a}, ctx.engine);
        std::memcpy(o.input_copy.get_data_handle(), src.get_data_handle(), d.get_size());
        input_view_ = memory(d, ctx.engine, o.input_copy.get_data_handle());
        input = &input_view_;
    }
    ActivationObserver* keep = ctx.observer;
    ctx.observer = nullptr;  // the observer may run this layer's backward; nothing below observes itself
    const memory* out = &forward(ctx, src);
    ctx.observer = keep;
    o.observe(*this, *input, *out);
    return *out;
}

const memory& Activation::backward(Context& ctx, const memory& diff_dst) {
    if (pass_through_) return diff_dst;
    return backend_->backward(ctx, dst_narrow_ ? src_wide_ : src_used_, diff_dst, training_);
}

const memory& add_activation_l1(Context& ctx, const Activation& act, const memory& g, double lambda, int batch, memory& a_scratch,
                                memory& g_scratch) {
    const memory::desc want = with_type(act.last_dst().get_desc(), dt::f32);
    const memory& a = as_layout(ctx, act.last_dst(), want, a_scratch);
    const memory& ga = as_layout(ctx, g, want, g_scratch);
    float* gd = data_of(ga);
    const float* ad = data_of(a);
    const float c = static_cast<float>(lambda / batch);
    const std::size_t n = floats_in(want);
    for (std::size_t k = 0; k < n; ++k) gd[k] += ad[k] > 0.f ? c : (ad[k] < 0.f ? -c : 0.f);
    return ga;
}

}  // namespace actbench
