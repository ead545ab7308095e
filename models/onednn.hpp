// The thin layer between actbench and oneDNN 2.x: the execution context, layout helpers and the layer
// interface. All primitive construction lives in the layer files (conv.cpp, pool.cpp, dense.cpp,
// activation.cpp, loss.cpp), one per layer, so a port to the 3.x API is one file per layer.
//
// Layout policy: primitives choose their own layouts (format_tag::any), which is about 2× faster than
// forcing nchw on this machine; data is reordered only where a producer's layout differs from what the
// consumer's primitive chose (as_layout). Parameters live in the layout the forward primitive chose and
// are initialised and read in the plain layout (oihw / oi / x) through reorders, so the numbers never
// depend on the layout or the ISA's preferred blocking.
#pragma once

#include <oneapi/dnnl/dnnl.hpp>

#include <chrono>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace actbench {

using dnnl::memory;
using tag = memory::format_tag;
using dt = memory::data_type;

// Wall time per (category, section) — e.g. ("backward-weights", "conv2"), ("reorder", "conv2") — collected when
// `actbench bench --profile` sets Context::profile. Sections nest; each counts only its own time, so a reorder
// inside a layer's forward is charged to "reorder", not to the layer.
struct Profile {
    std::map<std::pair<std::string, std::string>, double> seconds;
    std::vector<double> nested;  // per open section: the time of the sections inside it
    std::vector<const std::string*> sections;  // the open sections' names (an unnamed one takes its parent's)
};

class GradientArena;
class Activation;

// What evaluation shows each activation layer's forward while set (the probe statistics read them): the layer, its
// input as it was and its output. A layer computing in place (ReLU, below) copies its input into `input_copy` first,
// one buffer for every layer, since each is observed before the next runs.
struct ActivationObserver {
    std::function<void(Activation&, const memory& input, const memory& output)> observe;
    memory input_copy;  // grown to the largest input (oneDNN allocates it)
};

struct Context {
    dnnl::engine engine{dnnl::engine::kind::cpu, 0};
    dnnl::stream stream{engine};
    Profile* profile = nullptr;  // null: no timing (the default; one pointer test per section)
    // While a network is built: the arena its layers' input-gradient buffers come from, and the slot the layer
    // being built writes (gradient_memory). Null: each layer allocates its own, as a layer built alone does.
    GradientArena* gradients = nullptr;
    int gradient_slot = 0;
    ActivationObserver* observer = nullptr;  // evaluation only; null: nobody looks
};

// Input-gradient buffers shared between layers. Backward writes each layer's input gradient once and the layer
// below reads it once, so a sequential net needs two buffers, alternating, and a residual block three more for
// the gradient at its sum, which both paths read (residual.cpp). Each layer owning its own cost a ResNet-20
// trial at batch 64 about 120 MB of its 390 (heaptrack). Whoever builds the layers picks the slots: a layer's
// slot must differ from the one its output gradient arrives in and from any gradient still to be read.
class GradientArena {
public:
    // A memory of descriptor d with no buffer yet: commit() points it at slot `slot`'s.
    memory make(Context& ctx, const memory::desc& d, int slot);
    // Allocates every slot at the largest size asked of it and points each memory made at its slot's buffer.
    void commit(Context& ctx);
    std::size_t bytes() const;  // all slots' buffers together

private:
    struct Slot {
        std::size_t bytes = 0;
        std::vector<memory> users;
        memory buffer;
    };
    std::vector<Slot> slots_;
};

// The buffer a layer's backward writes its input gradient into: from ctx.gradients (slot ctx.gradient_slot) while
// a network is built, else its own.
memory gradient_memory(Context& ctx, const memory::desc& d);

// Times its scope into ctx.profile when there is one. CPU primitives run synchronously on the calling
// thread, so the wall time of the scope is the work's.
class ProfileScope {
public:
    ProfileScope(Context& ctx, const char* category, const std::string& section);
    ~ProfileScope();
    ProfileScope(const ProfileScope&) = delete;
    ProfileScope& operator=(const ProfileScope&) = delete;

private:
    Profile* profile_;
    const char* category_;
    const std::string* section_;
    std::chrono::steady_clock::time_point start_;
};

// The floats of an f32 memory; throws std::logic_error for any other data type (a bf16 buffer read as floats
// would be garbage, not an error).
float* data_of(const memory& m);
// Number of floats a memory of this descriptor holds, padding of blocked layouts included.
inline std::size_t floats_in(const memory::desc& d) { return d.get_size() / sizeof(float); }
std::size_t logical_count(const memory::dims& dims);

// The plain layout for dims of rank 1 to 4: x, nc, ncw, nchw (oihw for weights is the same order).
memory::desc plain_desc(const memory::dims& dims);
memory::desc any_desc(const memory::dims& dims, dt type = dt::f32);
// The same dims and layout (strides, blocking, padding) with another element type.
memory::desc with_type(const memory::desc& d, dt type);

// The element type of the tensors between layers. bf16 is mixed precision as frameworks do it: convolutions,
// dense layers, pooling, batch norm and activations take and produce bf16; master weights, weight gradients,
// the optimizer, the loss and every metric stay fp32 (see weighted.hpp).
enum class Precision { fp32, bf16 };
inline dt data_type_of(Precision p) { return p == Precision::bf16 ? dt::bf16 : dt::f32; }
const char* precision_name(Precision p);

// oneDNN's name for an ISA ("avx2", "avx512_core_bf16", …) and the one it runs at (after any cap).
std::string cpu_isa_name(dnnl::cpu_isa isa);
std::string effective_isa_name();
// The same, saying so when ONEDNN_MAX_CPU_ISA caps it: "avx2 (capped by ONEDNN_MAX_CPU_ISA=AVX2)".
std::string effective_isa_description();
// Whether an ISA has bf16 instructions (AVX-512 BF16 or AMX). On avx512_core without them oneDNN would emulate
// bf16, slower than fp32; below that it has no bf16 kernels for most primitives.
bool has_bf16(dnnl::cpu_isa isa);
// What bf16 training needs, for messages.
inline constexpr const char* kBf16Requirement = "a CPU with bf16 instructions (oneDNN ISA avx512_core_bf16 or avx512_core_amx)";
// has_bf16 of the ISA oneDNN runs at here.
bool native_bf16();
// Throws std::invalid_argument naming the ISA when precision is bf16 and native_bf16() is false.
void require_precision(Precision p);

// Returns `m` when it already has layout `want`; otherwise reorders it into `scratch` (allocated on the
// first call) and returns that.
const memory& as_layout(Context& ctx, const memory& m, const memory::desc& want, memory& scratch);

// Copy a memory of any layout into a plain (row-major, logical order) vector, and back.
std::vector<float> to_plain(Context& ctx, const memory& m);
void from_plain(Context& ctx, const std::vector<float>& values, const memory& m);
// How a 3-D or 4-D layout stores channels, for reading it in place: 0 when plain (abc, abcd), b when the
// channels are blocked by b = 4, 8 or 16 and the rest is in plain order (aBc8b, aBcd16b, …: oneDNN's nChw16c
// on AVX-512, nChw8c on AVX2), nullopt for any other layout (and for every other rank but plain).
std::optional<std::size_t> channel_block(const memory::desc& d);

// What a parameter is: it decides how it is initialised and whether weight decay applies (weights only;
// never biases, PReLU slopes (He et al. 2015) or batch-norm scales and shifts).
// slope: PReLU's; learned: a formula's learned parameter (its raw value); norm: batch norm's scale and shift.
enum class ParamRole { weight, bias, slope, norm, learned };

// A learnable tensor: its value and gradient share one layout (the forward primitive's).
struct Param {
    std::string name;  // "conv1.weight"
    memory::dims dims;  // logical dims, e.g. {oc, ic, kh, kw}
    memory value;
    memory grad;
    ParamRole role = ParamRole::weight;
    float initial = 0;  // the starting value of a slope or a batch-norm scale/shift
    // Fan-in and fan-out as the initialisers count them (kernel area included for convolutions).
    double fan_in = 0, fan_out = 0;
    // bf16 training: the value rounded to bf16, in the same layout (conv and dense weights; empty otherwise). The
    // optimizer writes it in the pass that updates the value and sets low_fresh, so the layer's forward does not
    // round every weight again in a pass of its own (reorders were 6% of a bf16 LeNet step, mostly this); the
    // forward clears it, and rounds itself when it finds it clear (a value written by anything else).
    memory low = memory();
    bool low_fresh = false;
};

// Rounds elements [begin, end) of p.value into p.low (kernels::round_to_bf16: oneDNN's conversion, bit for bit).
void round_into_low(Param& p, std::size_t begin, std::size_t end);

struct EltwiseArgs;  // activation.hpp

// One layer of a sequential network. build() is called once with the input descriptor (the previous
// layer's output, in its layout) and creates every primitive and buffer; forward() and backward() then
// only execute. A network is built for one batch size: oneDNN's execute() does not check shapes.
class Layer {
public:
    virtual ~Layer() = default;
    virtual std::string kind() const = 0;
    // Returns the output descriptor. need_diff_src is false for the first layer (no backward-data pass).
    virtual memory::desc build(Context& ctx, const memory::desc& src, bool need_diff_src) = 0;
    // `src` has exactly the descriptor passed to build(). Returns the output.
    virtual const memory& forward(Context& ctx, const memory& src) = 0;
    // `diff_dst` may be in any layout of the output's dims. Returns diff_src (empty if not needed).
    virtual const memory& backward(Context& ctx, const memory& diff_dst) = 0;
    // The buffer backward() writes the input gradient into (built by build(); empty if not needed).
    virtual const memory& diff_src() const = 0;
    virtual std::vector<Param*> params() { return {}; }
    // Training or evaluation mode (stochastic activations draw noise only in training).
    virtual void set_training(bool) {}
    // A composite layer's parts (a residual block's convs, norms and activations), in forward order.
    virtual std::vector<Layer*> sublayers() { return {}; }
    // A composite layer applies the network's activation L1 penalty λ to its own activation layers.
    virtual void set_activation_l1(double) {}
    // Fusing the activation layer that follows (fusion.hpp), after build(): builds what the fused forward needs and
    // says whether it gives the unfused bits; forward_fused() then runs both. A layer whose backward then also takes
    // the activation's (batch norm's fused ReLU) says so, and the activation's backward passes the gradient through.
    virtual bool fuse_activation(Context&, const EltwiseArgs&) { return false; }
    virtual const memory& forward_fused(Context& ctx, const memory& src) { return forward(ctx, src); }
    virtual bool fused_backward_takes_activation() const { return false; }
    // A composite layer's fusion switches (Network::set_training_fusion, set_evaluation_fusion).
    virtual void set_fusion(bool /*training*/, bool /*evaluation*/) {}
};

}  // namespace actbench
