#include "residual.hpp"

#include "batchnorm.hpp"
#include "conv.hpp"
#include "rng.hpp"

#include <stdexcept>

namespace actbench {

ResidualBlock::ResidualBlock(std::string name, ResidualSpec spec, const ActivationSpec& activation, std::uint64_t noise_seed)
    : name_(std::move(name)), spec_(spec), activation_(activation) {
    // An activation that changes the channel count (maxout) never gets here: Network refuses it
    // (check_activation_width, model_zoo.hpp), as validate and bench do.
    auto conv = [&](const char* part, int stride) {
        return std::make_unique<Conv2d>(name_ + "." + part, ConvSpec{spec.channels, 3, stride, 1, spec.bias, spec.precision, false});
    };
    auto norm = [&](const char* part) { return std::make_unique<BatchNorm>(name_ + "." + part); };
    auto act = [&](const char* part) {
        const std::string n = name_ + "." + part;
        std::uint64_t state = noise_seed ^ fnv1a64(n);  // each activation layer its own stream, as in Network
        auto a = std::make_unique<Activation>(n, activation, splitmix64(state));
        // Each follows a conv, a batch norm or the sum, none of whose backward reads its output: a ReLU may overwrite
        // its input (Activation::allow_in_place).
        a->allow_in_place();
        return a;
    };
    switch (spec.kind) {
        case BlockKind::post_activation:
            branch_.push_back(conv("conv1", spec.stride));
            branch_.push_back(norm("bn1"));
            branch_.push_back(act("act1"));
            branch_.push_back(conv("conv2", 1));
            branch_.push_back(norm("bn2"));
            post_.push_back(act("act2"));
            break;
        case BlockKind::pre_activation:
            pre_.push_back(norm("bn1"));
            pre_.push_back(act("act1"));
            branch_.push_back(conv("conv1", spec.stride));
            branch_.push_back(norm("bn2"));
            branch_.push_back(act("act2"));
            branch_.push_back(conv("conv2", 1));
            break;
        case BlockKind::plain:
            branch_.push_back(conv("conv1", spec.stride));
            branch_.push_back(act("act1"));
            branch_.push_back(conv("conv2", 1));
            post_.push_back(act("act2"));
            break;
    }
}

namespace {

// The gradient slots a block's layers write (GradientArena), above the network's alternating 0 and 1: every block
// reuses them, since only one block runs backward at a time.
constexpr int kSlotA = 2, kSlotB = 3, kSlotC = 4;

// Builds `layers` in forward order, each writing its input gradient to slot `result` or `temp`, alternately: backward
// runs them in reverse, so the first layer writes the chain's result and each reads the slot of the one after it.
memory::desc build_chain(Context& ctx, std::vector<std::unique_ptr<Layer>>& layers, memory::desc d, int result, int temp) {
    for (std::size_t j = 0; j < layers.size(); ++j) {
        ctx.gradient_slot = j % 2 == 0 ? result : temp;
        d = layers[j]->build(ctx, d, true);
    }
    return d;
}

}  // namespace

memory::desc ResidualBlock::build(Context& ctx, const memory::desc& src, bool) {
    const memory::dims in = src.dims();
    batch_ = static_cast<int>(in[0]);
    if (spec_.stride != 1 || in[1] != spec_.channels) {
        projection_ =
            std::make_unique<Conv2d>(name_ + ".shortcut", ConvSpec{spec_.channels, 1, spec_.stride, 0, spec_.bias, spec_.precision, false});
        shortcut_from_pre_ = spec_.kind == BlockKind::pre_activation;
    }
    // Every part computes its input's gradient: the block's input gradient is the sum of the two paths'. The slots
    // follow backward's order: post_ (reads the block's output gradient), the branch, the projection, the sum of
    // the two paths' gradients, pre_; none overwrites a gradient still to be read (the one at the sum is read by
    // both paths), and the block's input gradient goes where the network asked (`out`).
    const int out = ctx.gradient_slot;
    const bool sum_then_pre = shortcut_from_pre_;  // pre_ runs after the sum
    const bool pre_then_sum = !pre_.empty() && !sum_then_pre;  // pre_ runs on the branch's gradient, before the sum
    memory::desc d = build_chain(ctx, pre_, src, sum_then_pre ? out : kSlotC, sum_then_pre ? kSlotB : kSlotA);
    const memory::desc pre_out = d;
    d = build_chain(ctx, branch_, d, kSlotB, kSlotC);
    branch_desc_ = d;
    memory::desc shortcut = shortcut_from_pre_ ? pre_out : src;
    ctx.gradient_slot = post_.empty() ? kSlotA : kSlotC;  // post_'s result is in kSlotA when there is one
    if (projection_) shortcut = projection_->build(ctx, shortcut, true);
    if (shortcut.dims() != branch_desc_.dims()) throw std::logic_error(name_ + ": the shortcut's shape differs from the branch's");
    d = build_chain(ctx, post_, d, kSlotA, kSlotA);
    pre_fusion_.plan(ctx, pre_, activation_, spec_.precision);
    branch_fusion_.plan(ctx, branch_, activation_, spec_.precision);
    build_sum(ctx);

    // The two paths' gradients: the branch's (after pre_ when pre_ comes first) plus the shortcut's.
    grad_desc_ = (pre_then_sum ? pre_.front() : branch_.front())->diff_src().get_desc();
    grad_add_ = dnnl::binary(
        dnnl::binary::primitive_desc(dnnl::binary::desc(dnnl::algorithm::binary_add, grad_desc_, grad_desc_, grad_desc_), ctx.engine));
    ctx.gradient_slot = sum_then_pre ? kSlotC : out;
    grad_sum_ = gradient_memory(ctx, grad_desc_);
    ctx.gradient_slot = out;

    const memory::dims dims = branch_desc_.dims();
    const double out_per_image = static_cast<double>(dims[1] * dims[2] * dims[3]);
    macs_ = out_per_image * 9 * static_cast<double>(in[1] + dims[1]) + (projection_ ? out_per_image * static_cast<double>(in[1]) : 0);
    l1_scratch_.assign(2 * (pre_.size() + branch_.size() + post_.size()), memory());
    return d;
}

void ResidualBlock::build_sum(Context& ctx) {
    // The sum is computed in place into the branch's output, which no backward reads (the branch ends in a conv or
    // a batch norm, whose backward reads its input): one batch-sized buffer less per block.
    using B = dnnl::binary;
    const B::desc sum(dnnl::algorithm::binary_add, branch_desc_, branch_desc_, branch_desc_);
    const B::primitive_desc pd(sum, ctx.engine);
    add_ = B(pd);
    const auto* act = post_.empty() ? nullptr : dynamic_cast<const Activation*>(post_.front().get());
    const std::optional<EltwiseArgs> args = fusable_activation(activation_, spec_.precision);
    if (!act || !args) return;
    // oneDNN 2.6's binary add with a post-op, in place on a blocked layout whose channels are padded (4 channels in
    // blocks of 16), writes wrong values into the real channels (measured); such a sum stays unfused.
    const std::size_t element = branch_desc_.data_type() == dt::bf16 ? 2 : 4;
    if (branch_desc_.get_size() != logical_count(branch_desc_.dims()) * element) return;
    dnnl::post_ops ops;
    ops.append_eltwise(1.f, args->algorithm, args->alpha, args->beta);
    dnnl::primitive_attr attr;
    attr.set_post_ops(ops);
    try {
        const B::primitive_desc fused(sum, attr, ctx.engine);
        if (fused.impl_info_str() != pd.impl_info_str()) return;  // another kernel might add differently
        add_fused_ = B(fused);
    } catch (const dnnl::error&) {
        return;
    }
    sum_fused_evaluation_ = true;
    sum_fused_training_ = fusable_in_training(*args, spec_.precision, *act);
}

const memory& ResidualBlock::forward_sum(Context& ctx, const memory& branch, const memory& shortcut) {
    const memory& s = as_layout(ctx, shortcut, branch_desc_, shortcut_scratch_);
    // set_fusion switches every part alike; the branch's switches are the block's.
    const bool fused =
        training_ ? sum_fused_training_ && branch_fusion_.training_on() : sum_fused_evaluation_ && branch_fusion_.evaluation_on();
    (fused ? add_fused_ : add_).execute(ctx.stream, {{DNNL_ARG_SRC_0, branch}, {DNNL_ARG_SRC_1, s}, {DNNL_ARG_DST, branch}});
    const memory* out = &branch;
    std::size_t next = 0;  // post_'s first layer still to run
    if (fused) {
        next = 1;  // its activation ran inside
        if (training_) out = &static_cast<Activation&>(*post_.front()).adopt_output(branch);
    }
    for (; next < post_.size(); ++next) out = &post_[next]->forward(ctx, *out);
    return *out;
}

const memory& ResidualBlock::forward(Context& ctx, const memory& src) {
    const memory& pre_out = forward_chain(ctx, pre_, pre_fusion_, src, training_);
    const memory& h = forward_chain(ctx, branch_, branch_fusion_, pre_out, training_);
    const memory* shortcut = shortcut_from_pre_ ? &pre_out : &src;
    if (projection_) shortcut = &projection_->forward(ctx, *shortcut);
    return forward_sum(ctx, h, *shortcut);
}

void ResidualBlock::set_fusion(bool training, bool evaluation) {
    pre_fusion_.set_switches(training, evaluation);
    branch_fusion_.set_switches(training, evaluation);
}

std::size_t ResidualBlock::fused_count(bool training) const {
    const bool sum = training ? sum_fused_training_ : sum_fused_evaluation_;
    return pre_fusion_.planned(training) + branch_fusion_.planned(training) + (sum ? 1 : 0);
}

const memory* ResidualBlock::backward_through(Context& ctx, Layers& layers, const memory* g) {
    // Each layer's two L1 scratch buffers, numbered through pre_, branch_ and post_ in that order.
    const std::size_t first = &layers == &pre_ ? 0 : &layers == &branch_ ? pre_.size() : pre_.size() + branch_.size();
    for (std::size_t i = layers.size(); i-- > 0;) {
        if (auto* act = dynamic_cast<Activation*>(layers[i].get()); act && l1_ > 0) {
            const std::size_t slot = 2 * (first + i);
            g = &add_activation_l1(ctx, *act, *g, l1_, batch_, l1_scratch_[slot], l1_scratch_[slot + 1]);
        }
        g = &layers[i]->backward(ctx, *g);
    }
    return g;
}

const memory& ResidualBlock::add_gradients(Context& ctx, const memory& a, const memory& b) {
    if (a.get_desc() != grad_desc_) throw std::logic_error(name_ + ": the branch's gradient is not in the layout the sum was built for");
    const memory& b_same = as_layout(ctx, b, grad_desc_, grad_scratch_);
    grad_add_.execute(ctx.stream, {{DNNL_ARG_SRC_0, a}, {DNNL_ARG_SRC_1, b_same}, {DNNL_ARG_DST, grad_sum_}});
    return grad_sum_;
}

const memory& ResidualBlock::backward(Context& ctx, const memory& diff_dst) {
    const memory* at_sum = backward_through(ctx, post_, &diff_dst);  // ∂L/∂(branch + shortcut)
    const memory* branch = backward_through(ctx, branch_, at_sum);
    const memory* shortcut = projection_ ? &projection_->backward(ctx, *at_sum) : at_sum;
    if (shortcut_from_pre_) return *backward_through(ctx, pre_, &add_gradients(ctx, *branch, *shortcut));
    return add_gradients(ctx, *backward_through(ctx, pre_, branch), *shortcut);
}

const memory& ResidualBlock::diff_src() const { return shortcut_from_pre_ ? pre_.front()->diff_src() : grad_sum_; }

std::vector<Param*> ResidualBlock::params() {
    std::vector<Param*> all;
    for (Layer* l : sublayers())
        for (Param* p : l->params()) all.push_back(p);
    return all;
}

void ResidualBlock::set_training(bool training) {
    training_ = training;
    for (Layer* l : sublayers()) l->set_training(training);
}

std::vector<Layer*> ResidualBlock::sublayers() {
    std::vector<Layer*> all;
    for (const Layers* list : {&pre_, &branch_})
        for (const auto& l : *list) all.push_back(l.get());
    if (projection_) all.push_back(projection_.get());
    for (const auto& l : post_) all.push_back(l.get());
    return all;
}

}  // namespace actbench
