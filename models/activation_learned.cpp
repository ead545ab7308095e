// A formula with learned parameters (formula.hpp): each learned parameter is a Param of the layer — one value per
// channel (conv channels, dense units) or one per layer — that the network's optimiser trains like PReLU's slopes.
// The raw values are what is stored and trained; a constraint's reparameterisation sits inside the formula.
#include "activation_backends.hpp"

namespace actbench::detail {

namespace {

class LearnedFormulaBackend final : public ActivationBackend {
public:
    LearnedFormulaBackend(const std::string& layer, const ActivationSpec& spec) : layer_(layer), spec_(spec) {}

    // Plain layout always: a channel's elements must be where the field says (i = (n·C + c)·spatial + s); a blocked
    // layout would put them elsewhere.
    memory::desc build(Context& ctx, const memory::desc& src, bool) override {
        const memory::dims dims = src.dims();
        work_desc_ = plain_desc(dims);
        field_.channels = static_cast<std::size_t>(dims[1]);
        field_.spatial = 1;
        for (std::size_t i = 2; i < dims.size(); ++i) field_.spatial *= static_cast<std::size_t>(dims[i]);
        const std::vector<double> raw = spec_.formula->initial_raw();
        params_.clear(), sums_.clear();
        for (std::size_t k = 0; k < spec_.formula->learned().size(); ++k) {
            const LearnedParam& lp = spec_.formula->learned()[k];
            const memory::dims pd{lp.per_channel ? dims[1] : 1};
            params_.push_back(Param{layer_ + "." + lp.name, pd, memory(plain_desc(pd), ctx.engine), memory(plain_desc(pd), ctx.engine),
                                    ParamRole::learned, static_cast<float>(raw[k]), 0, 0});
            sums_.emplace_back(static_cast<std::size_t>(pd[0]), 0.0);
        }
        dst_ = memory(work_desc_, ctx.engine);
        diff_src_ = gradient_memory(ctx, work_desc_);
        return work_desc_;
    }
    const memory& forward(Context& ctx, const memory& src, bool) override {
        const float* x = data_of(as_layout(ctx, src, work_desc_, src_work_));
        spec_.formula->forward(x, data_of(dst_), floats_in(work_desc_), bound_field());
        return dst_;
    }
    const memory& backward(Context& ctx, const memory& src, const memory& diff_dst, bool) override {
        const float* x = data_of(as_layout(ctx, src, work_desc_, src_work_));
        const float* dy = data_of(as_layout(ctx, diff_dst, work_desc_, diff_dst_work_));
        std::vector<double*> grad;
        for (auto& s : sums_) std::fill(s.begin(), s.end(), 0.0), grad.push_back(s.data());
        spec_.formula->backward(x, dy, data_of(diff_src_), floats_in(work_desc_), bound_field(), grad);
        for (std::size_t k = 0; k < params_.size(); ++k) {  // the step's gradient, as every layer's backward writes it
            float* g = data_of(params_[k].grad);
            for (std::size_t c = 0; c < sums_[k].size(); ++c) g[c] = static_cast<float>(sums_[k][c]);
        }
        return diff_src_;
    }
    std::vector<Param*> params() override {
        std::vector<Param*> out;
        for (Param& p : params_) out.push_back(&p);
        return out;
    }
    const memory& dst() const override { return dst_; }
    const memory& diff_src() const override { return diff_src_; }

private:
    const ParamField& bound_field() {
        field_.raw.clear();
        for (const Param& p : params_) field_.raw.push_back(data_of(p.value));
        return field_;
    }

    std::string layer_;
    ActivationSpec spec_;
    memory::desc work_desc_;
    ParamField field_;
    std::vector<Param> params_;
    std::vector<std::vector<double>> sums_;  // each parameter's gradient, summed in double before it is stored
    memory dst_, diff_src_, src_work_, diff_dst_work_;
};

}  // namespace

std::unique_ptr<ActivationBackend> learned_formula_backend(const std::string& layer, const ActivationSpec& spec) {
    return std::make_unique<LearnedFormulaBackend>(layer, spec);
}

}  // namespace actbench::detail
