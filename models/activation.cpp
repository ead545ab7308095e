#include "activation.hpp"

#include "kernels.hpp"
#include "params.hpp"

#include <omp.h>

#include <algorithm>
#include <cmath>
#include <sstream>
#include <stdexcept>

namespace actbench {

namespace {

bool is_builtin(const ActivationInfo& a) { return a.kernel != ActivationKernel::formula; }

// Runs body(begin, end) over [0, n) in chunks on the trial's OpenMP threads. Elementwise kernels give the
// same bits whatever the split.
template <class Body>
void parallel_chunks(std::size_t n, Body&& body) {
    constexpr std::size_t kChunk = 4096;
    const std::size_t chunks = (n + kChunk - 1) / kChunk;
    if (chunks <= 1) {
        body(std::size_t{0}, n);
        return;
    }
#pragma omp parallel for schedule(static)
    for (std::size_t c = 0; c < chunks; ++c) body(c * kChunk, std::min(n, (c + 1) * kChunk));
}

// RReLU's parameters as its kernels take them, and its evaluation slope, 2/(lower + upper) (Xu et al.) or
// (lower + upper)/2 (PyTorch), worked out in double and rounded once: the same value for forward and backward.
struct RreluSetting {
    float lower, upper, eval_slope;
    bool pytorch;
};
RreluSetting rrelu_setting(const ActivationSpec& spec) {
    const double lower = spec.param("lower"), upper = spec.param("upper");
    const bool pytorch = spec.param("pytorch") != 0;  // 0 or 1: a whole-number parameter
    return {static_cast<float>(lower), static_cast<float>(upper),
            static_cast<float>(pytorch ? (lower + upper) / 2 : 2 / (lower + upper)), pytorch};
}

bool has_padding(const memory::desc& d) {
    for (int i = 0; i < d.data.ndims; ++i)
        if (d.data.padded_dims[i] != d.data.dims[i]) return true;
    return false;
}

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
std::vector<double> ActivationSpec::kinks() const {
    return formula || !info->kinks ? std::vector<double>{} : info->kinks(params.data());
}
int ActivationSpec::width_multiplier() const {
    return info->kernel == ActivationKernel::maxout ? static_cast<int>(param("pieces")) : 1;
}

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

ActivationSpec formula_activation(std::string name, std::string_view expr, const std::map<std::string, double>& params) {
    for (const auto& [key, value] : params)
        if (key == "x" || key == "pi" || key == "e")
            throw FormulaError(0, "parameter name '" + key + "' is reserved (x, pi, e)");
    auto f = std::make_shared<Formula>(Formula::parse(expr, params));
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
// The layer.

memory::desc Activation::build(Context& ctx, const memory::desc& src, bool need_diff_src) {
    src_desc_ = src;
    const ActivationInfo& info = *spec_.info;
    const double* p = spec_.params.data();
    switch (info.kernel) {
        case ActivationKernel::eltwise: {
            const EltwiseArgs args = info.eltwise(p);
            dnnl::eltwise_forward::desc fd(dnnl::prop_kind::forward_training, args.algorithm, src, args.alpha, args.beta);
            dnnl::eltwise_forward::primitive_desc fpd(fd, ctx.engine);
            fwd_ = dnnl::eltwise_forward(fpd);
            dst_ = memory(fpd.dst_desc(), ctx.engine);
            if (need_diff_src) {
                dnnl::eltwise_backward::desc bd(args.algorithm, src, src, args.alpha, args.beta);
                dnnl::eltwise_backward::primitive_desc bpd(bd, ctx.engine, fpd);
                bwd_ = dnnl::eltwise_backward(bpd);
                diff_src_ = memory(bpd.diff_src_desc(), ctx.engine);
            }
            work_desc_ = src;
            return fpd.dst_desc();
        }
        case ActivationKernel::prelu: {
            // The primitive always gets one slope per channel (weights [1, C, 1, 1]) in the layout it picks
            // (format_tag::any): with plain slopes and blocked (aBcd16b) data, or with a single broadcast
            // slope, oneDNN 2.6 falls back to its reference kernel, ~100 ms per call on conv2 of lenet at batch
            // 64, some 300x the jit kernel's 0.3 ms. The shared form's parameter is one slope ([1, 1, 1, 1]),
            // copied to every channel before forward; its gradient is the sum of the channels' gradients.
            memory::dims wdims(src.dims().size(), 1);
            wdims[1] = src.dims()[1];
            shared_slope_ = spec_.param("shared") != 0;  // 0 or 1: a whole-number parameter
            const float init = static_cast<float>(spec_.param("init"));
            const memory::desc wd(wdims, memory::data_type::f32, memory::format_tag::any);
            dnnl::prelu_forward::desc fd(dnnl::prop_kind::forward_training, src, wd);
            dnnl::prelu_forward::primitive_desc fpd(fd, ctx.engine);
            fwd_ = dnnl::prelu_forward(fpd);
            dst_ = memory(fpd.dst_desc(), ctx.engine);
            if (shared_slope_) {
                const memory::dims one(src.dims().size(), 1);
                slope_ = Param{name_ + ".slope", one, memory(plain_desc(one), ctx.engine), memory(plain_desc(one), ctx.engine),
                               ParamRole::slope, init, 0, 0};
                wide_slope_ = memory(fpd.weights_desc(), ctx.engine);
                wide_slope_grad_ = memory(fpd.weights_desc(), ctx.engine);
            } else {
                slope_ = Param{name_ + ".slope", wdims, memory(fpd.weights_desc(), ctx.engine),
                               memory(fpd.weights_desc(), ctx.engine), ParamRole::slope, init, 0, 0};
            }
            dnnl::prelu_backward::desc bd(src, fpd.weights_desc(), src, fpd.weights_desc());
            dnnl::prelu_backward::primitive_desc bpd(bd, ctx.engine, fpd);
            bwd_ = dnnl::prelu_backward(bpd);
            diff_src_ = memory(bpd.diff_src_desc(), ctx.engine);
            work_desc_ = src;
            return fpd.dst_desc();
        }
        case ActivationKernel::maxout: {
            const int k = spec_.width_multiplier();
            memory::dims d = src.dims();
            if (d[1] % k != 0)
                throw std::invalid_argument(name_ + ": maxout with " + std::to_string(k) + " pieces needs a channel count divisible by " +
                                            std::to_string(k) + ", got " + std::to_string(d[1]));
            direct_ = false;
            work_desc_ = plain_desc(src.dims());
            d[1] /= k;
            dst_ = memory(plain_desc(d), ctx.engine);
            diff_src_ = memory(work_desc_, ctx.engine);
            argmax_.assign(logical_count(d), 0);
            return dst_.get_desc();
        }
        default: {
            // Our elementwise kernels work on the raw buffer when the layout has no padding (blocked
            // layouts pad channels to 16; f(0) ≠ 0 would write into the padding), else on plain copies.
            direct_ = !has_padding(src);
            work_desc_ = direct_ ? src : plain_desc(src.dims());
            dst_ = memory(work_desc_, ctx.engine);
            diff_src_ = memory(work_desc_, ctx.engine);
            if (info.kernel == ActivationKernel::noisy_relu) noise_pool_.assign(kernels::kNoisePoolFloats, 0.f);
            return work_desc_;
        }
    }
}

std::vector<Param*> Activation::params() {
    if (spec_.info->kernel == ActivationKernel::prelu) return {&slope_};
    return {};
}

const memory& Activation::forward(Context& ctx, const memory& src) {
    src_used_ = src;
    const ActivationInfo& info = *spec_.info;
    const double* p = spec_.params.data();
    if (info.kernel == ActivationKernel::eltwise) {
        fwd_.execute(ctx.stream, {{DNNL_ARG_SRC, src}, {DNNL_ARG_DST, dst_}});
        return dst_;
    }
    if (info.kernel == ActivationKernel::prelu) {
        if (shared_slope_) {
            const std::size_t channels = static_cast<std::size_t>(src_desc_.dims()[1]);
            from_plain(ctx, std::vector<float>(channels, data_of(slope_.value)[0]), wide_slope_);
        }
        fwd_.execute(ctx.stream, {{DNNL_ARG_SRC, src}, {DNNL_ARG_WEIGHTS, shared_slope_ ? wide_slope_ : slope_.value}, {DNNL_ARG_DST, dst_}});
        return dst_;
    }
    const memory& in = as_layout(ctx, src, work_desc_, src_work_);
    const float* x = data_of(in);
    float* y = data_of(dst_);
    const std::size_t n = floats_in(work_desc_);
    switch (info.kernel) {
        case ActivationKernel::custom:
            parallel_chunks(n, [&](std::size_t b, std::size_t e) { info.forward(x + b, y + b, e - b, p); });
            break;
        case ActivationKernel::formula:
            spec_.formula->forward(x, y, n);
            break;
        case ActivationKernel::rrelu: {
            const RreluSetting r = rrelu_setting(spec_);
            if (!training_) {
                parallel_chunks(n, [&](std::size_t b, std::size_t e) { kernels::leaky_forward(x + b, y + b, e - b, r.eval_slope); });
                break;
            }
            last_key_ = seed_ + 0xd1b54a32d192ed03ULL * ++calls_;
            parallel_chunks(n, [&](std::size_t b, std::size_t e) {
                kernels::rrelu_train(x + b, x + b, y + b, e - b, b, last_key_, r.lower, r.upper, r.pytorch);
            });
            break;
        }
        case ActivationKernel::noisy_relu: {
            if (!training_) {
                parallel_chunks(n, [&](std::size_t b, std::size_t e) { kernels::relu_forward(x + b, y + b, e - b); });
                break;
            }
            const std::uint64_t key = seed_ + 0xd1b54a32d192ed03ULL * ++calls_;
            const float sigma = static_cast<float>(spec_.param("sigma"));
            const bool sigmoid_variance = spec_.param("variance") != 0;  // 0 or 1: a whole-number parameter
            kernels::noise_pool(noise_pool_.data(), key);
            const float* pool = noise_pool_.data();
            parallel_chunks(n, [&](std::size_t b, std::size_t e) {
                kernels::noisy_relu_train_forward(x + b, y + b, e - b, b, key, sigma, pool, sigmoid_variance);
            });
            break;
        }
        case ActivationKernel::maxout: {
            const auto d = src_desc_.dims();
            const int k = spec_.width_multiplier();
            const std::size_t batch = d[0], out_c = d[1] / k, spatial = n / (batch * d[1]);
            for (std::size_t b = 0; b < batch; ++b)
                for (std::size_t c = 0; c < out_c; ++c) {
                    const float* piece = x + (b * d[1] + c * k) * spatial;
                    float* out = y + (b * out_c + c) * spatial;
                    std::uint8_t* arg = argmax_.data() + (b * out_c + c) * spatial;
                    for (std::size_t s = 0; s < spatial; ++s) {
                        float best = piece[s];
                        std::uint8_t which = 0;
                        for (int j = 1; j < k; ++j)
                            if (piece[j * spatial + s] > best) best = piece[j * spatial + s], which = static_cast<std::uint8_t>(j);
                        out[s] = best;
                        arg[s] = which;
                    }
                }
            break;
        }
        default: break;
    }
    return dst_;
}

const memory& Activation::backward(Context& ctx, const memory& diff_dst) {
    const ActivationInfo& info = *spec_.info;
    const double* p = spec_.params.data();
    if (info.kernel == ActivationKernel::eltwise) {
        const memory& dd = as_layout(ctx, diff_dst, src_desc_, diff_dst_scratch_);
        bwd_.execute(ctx.stream, {{DNNL_ARG_SRC, src_used_}, {DNNL_ARG_DIFF_DST, dd}, {DNNL_ARG_DIFF_SRC, diff_src_}});
        return diff_src_;
    }
    if (info.kernel == ActivationKernel::prelu) {
        const memory& dd = as_layout(ctx, diff_dst, src_desc_, diff_dst_scratch_);
        bwd_.execute(ctx.stream, {{DNNL_ARG_SRC, src_used_}, {DNNL_ARG_WEIGHTS, shared_slope_ ? wide_slope_ : slope_.value},
                                  {DNNL_ARG_DIFF_DST, dd}, {DNNL_ARG_DIFF_SRC, diff_src_},
                                  {DNNL_ARG_DIFF_WEIGHTS, shared_slope_ ? wide_slope_grad_ : slope_.grad}});
        if (shared_slope_) {
            double sum = 0;  // in channel order: the same bits every time
            for (float g : to_plain(ctx, wide_slope_grad_)) sum += g;
            data_of(slope_.grad)[0] = static_cast<float>(sum);
        }
        return diff_src_;
    }
    const memory& in = as_layout(ctx, src_used_, work_desc_, src_work_);
    const memory& dd = as_layout(ctx, diff_dst, dst_.get_desc(), diff_dst_work_);
    const float* x = data_of(in);
    const float* dy = data_of(dd);
    float* dx = data_of(diff_src_);
    const std::size_t n = floats_in(work_desc_);
    switch (info.kernel) {
        case ActivationKernel::custom:
            parallel_chunks(n, [&](std::size_t b, std::size_t e) { info.backward(x + b, dy + b, dx + b, e - b, p); });
            break;
        case ActivationKernel::formula:
            spec_.formula->backward(x, dy, dx, n);
            break;
        case ActivationKernel::rrelu: {
            // Exactly the slopes forward drew, drawn again from its key (or the fixed evaluation slope).
            const RreluSetting r = rrelu_setting(spec_);
            if (training_) {
                parallel_chunks(n, [&](std::size_t b, std::size_t e) {
                    kernels::rrelu_train(x + b, dy + b, dx + b, e - b, b, last_key_, r.lower, r.upper, r.pytorch);
                });
            } else {
                parallel_chunks(n, [&](std::size_t b, std::size_t e) {
                    kernels::leaky_backward(x + b, dy + b, dx + b, e - b, r.eval_slope);
                });
            }
            break;
        }
        case ActivationKernel::noisy_relu: {
            // d/dx max(0, x + n) = [x + n > 0] = [y > 0], with forward's noise; with a variance of sigmoid(x) the
            // noise's scale depends on x too (kernels.hpp).
            const float* y = data_of(dst_);
            if (training_ && spec_.param("variance") != 0)
                parallel_chunks(n, [&](std::size_t b, std::size_t e) {
                    kernels::noisy_relu_sigmoid_backward(x + b, y + b, dy + b, dx + b, e - b);
                });
            else
                parallel_chunks(n, [&](std::size_t b, std::size_t e) { kernels::pass_where_positive(y + b, dy + b, dx + b, e - b); });
            break;
        }
        case ActivationKernel::maxout: {
            const auto d = src_desc_.dims();
            const int k = spec_.width_multiplier();
            const std::size_t batch = d[0], out_c = d[1] / k, spatial = n / (batch * d[1]);
            std::fill(dx, dx + n, 0.f);
            for (std::size_t b = 0; b < batch; ++b)
                for (std::size_t c = 0; c < out_c; ++c) {
                    float* piece = dx + (b * d[1] + c * k) * spatial;
                    const float* g = dy + (b * out_c + c) * spatial;
                    const std::uint8_t* arg = argmax_.data() + (b * out_c + c) * spatial;
                    for (std::size_t s = 0; s < spatial; ++s) piece[arg[s] * spatial + s] = g[s];
                }
            break;
        }
        default: break;
    }
    return diff_src_;
}

}  // namespace actbench
