// A residual block (He et al. 2015, "Deep Residual Learning"; He et al. 2016, "Identity Mappings in Deep Residual
// Networks"): two 3×3 convolutions on a branch, added to a shortcut. The block's layout (model_zoo.hpp's BlockKind)
// says where batch norm and the activation sit:
//
//   post_activation   out = act(BN(conv(act(BN(conv(x))))) + shortcut(x))
//   pre_activation    p = act(BN(x)); out = conv(act(BN(conv(p)))) + shortcut, the shortcut x itself, or proj(p)
//                     where the shape changes (the pre-activated input, as in the paper's code)
//   plain             out = act(conv(act(conv(x))) + shortcut(x))
//
// The shortcut is the identity, or a 1×1 convolution (stride 2) where the block halves the size or changes the
// channels. Built from the layers of the sequential net (Conv2d, BatchNorm, Activation) and a oneDNN binary add
// (in place, into the branch's output), so every precision and activation works as elsewhere; backward adds the
// branch's and the shortcut's gradients (another binary add). The activation's layers draw their noise (RReLU, noisy ReLU) from their own streams.
// An activation after a conv, a batch norm or the sum runs fused into it where fusion.hpp's rules allow (the
// sum's as an eltwise post-op of the binary add), as in the sequential network.
//
// Shapes: src [N, C, H, W]  dst [N, channels, ⌈H/stride⌉, ⌈W/stride⌉].
#pragma once

#include "activation.hpp"
#include "fusion.hpp"
#include "model_zoo.hpp"
#include "onednn.hpp"

#include <memory>
#include <vector>

namespace actbench {

struct ResidualSpec {
    int channels = 16;
    int stride = 1;
    BlockKind kind = BlockKind::post_activation;
    bool bias = true;
    Precision precision = Precision::fp32;
};

class ResidualBlock final : public Layer {
public:
    // `noise_seed` keys the block's activation layers' draws (each its own stream, by its name).
    ResidualBlock(std::string name, ResidualSpec spec, const ActivationSpec& activation, std::uint64_t noise_seed);
    std::string kind() const override { return "residual"; }
    memory::desc build(Context& ctx, const memory::desc& src, bool need_diff_src) override;
    const memory& forward(Context& ctx, const memory& src) override;
    const memory& backward(Context& ctx, const memory& diff_dst) override;
    const memory& diff_src() const override;
    std::vector<Param*> params() override;
    void set_training(bool training) override;
    std::vector<Layer*> sublayers() override;
    void set_activation_l1(double lambda) override { l1_ = lambda; }
    void set_fusion(bool training, bool evaluation) override;
    // The parts that run the activation after them fused (fusion.hpp), in this mode, switches aside.
    std::size_t fused_count(bool training) const;
    // Multiply-adds per image of the convolutions (both 3×3 and the projection); known after build().
    double forward_macs() const { return macs_; }

private:
    using Layers = std::vector<std::unique_ptr<Layer>>;
    // Backward through `layers` in reverse, adding the L1 penalty's gradient at each activation's output.
    const memory* backward_through(Context& ctx, Layers& layers, const memory* g);
    // a + b into a buffer of a's descriptor (b reordered to it where it differs).
    const memory& add_gradients(Context& ctx, const memory& a, const memory& b);

    // The sum into the branch's output, with post_'s activation fused where fusion.hpp's rules allow.
    void build_sum(Context& ctx);
    const memory& forward_sum(Context& ctx, const memory& branch, const memory& shortcut);

    std::string name_;
    ResidualSpec spec_;
    ActivationSpec activation_;
    Layers pre_, branch_, post_;  // before the branch point, the branch, after the sum
    ChainFusion pre_fusion_, branch_fusion_;
    bool training_ = true;
    bool sum_fused_evaluation_ = false, sum_fused_training_ = false;  // the sum runs post_'s activation
    dnnl::binary add_fused_;
    std::unique_ptr<Layer> projection_;  // null: identity shortcut
    bool shortcut_from_pre_ = false;  // the projection reads pre_'s output (pre-activation blocks)
    dnnl::binary add_;
    memory::desc branch_desc_;
    memory shortcut_scratch_;
    dnnl::binary grad_add_;  // the two paths' gradients, in the layout of the branch's
    memory::desc grad_desc_;
    memory grad_sum_, grad_scratch_;
    double l1_ = 0, macs_ = 0;
    int batch_ = 1;
    std::vector<memory> l1_scratch_;  // two per activation layer
};

}  // namespace actbench
