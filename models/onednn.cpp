#include "onednn.hpp"

#include "kernels.hpp"

#include <algorithm>
#include <cstdlib>
#include <stdexcept>
#include <tuple>

namespace actbench {

std::size_t logical_count(const memory::dims& dims) {
    std::size_t n = 1;
    for (auto d : dims) n *= static_cast<std::size_t>(d);
    return n;
}

memory::desc plain_desc(const memory::dims& dims) {
    switch (dims.size()) {
        case 1: return {dims, dt::f32, tag::a};
        case 2: return {dims, dt::f32, tag::ab};
        case 3: return {dims, dt::f32, tag::abc};
        case 4: return {dims, dt::f32, tag::abcd};
        default: throw std::invalid_argument("plain_desc: rank " + std::to_string(dims.size()) + " not supported");
    }
}

memory::desc any_desc(const memory::dims& dims, dt type) { return {dims, type, tag::any}; }

memory::desc with_type(const memory::desc& d, dt type) {
    memory::desc out = d;
    out.data.data_type = static_cast<dnnl_data_type_t>(type);
    return out;
}

memory GradientArena::make(Context& ctx, const memory::desc& d, int slot) {
    if (slot < 0) throw std::logic_error("GradientArena: negative slot");
    if (static_cast<std::size_t>(slot) >= slots_.size()) slots_.resize(static_cast<std::size_t>(slot) + 1);
    Slot& s = slots_[static_cast<std::size_t>(slot)];
    if (s.buffer) throw std::logic_error("GradientArena: make after commit");
    memory m(d, ctx.engine, DNNL_MEMORY_NONE);
    s.bytes = std::max(s.bytes, d.get_size());
    s.users.push_back(m);  // a copy shares the layer's memory object: set_data_handle reaches both
    return m;
}

void GradientArena::commit(Context& ctx) {
    for (Slot& s : slots_) {
        if (s.users.empty() || s.buffer) continue;
        s.buffer = memory({{static_cast<memory::dim>(s.bytes)}, dt::u8, tag::a}, ctx.engine);  // oneDNN aligns it
        for (memory& m : s.users) m.set_data_handle(s.buffer.get_data_handle());
    }
}

std::size_t GradientArena::bytes() const {
    std::size_t total = 0;
    for (const Slot& s : slots_) total += s.bytes;
    return total;
}

memory gradient_memory(Context& ctx, const memory::desc& d) {
    return ctx.gradients ? ctx.gradients->make(ctx, d, ctx.gradient_slot) : memory(d, ctx.engine);
}

float* data_of(const memory& m) {
    if (m.get_desc().data_type() != dt::f32) throw std::logic_error("data_of: not an f32 memory");
    return static_cast<float*>(m.get_data_handle());
}

void round_into_low(Param& p, std::size_t begin, std::size_t end) {
    kernels::round_to_bf16(data_of(p.value) + begin, static_cast<std::uint16_t*>(p.low.get_data_handle()) + begin, end - begin);
}

const char* precision_name(Precision p) { return p == Precision::bf16 ? "bf16" : "fp32"; }

std::string cpu_isa_name(dnnl::cpu_isa isa) {
    switch (isa) {
        case dnnl::cpu_isa::sse41: return "sse41";
        case dnnl::cpu_isa::avx: return "avx";
        case dnnl::cpu_isa::avx2: return "avx2";
        case dnnl::cpu_isa::avx512_mic: return "avx512_mic";
        case dnnl::cpu_isa::avx512_mic_4ops: return "avx512_mic_4ops";
        case dnnl::cpu_isa::avx512_core: return "avx512_core";
        case dnnl::cpu_isa::avx512_core_vnni: return "avx512_core_vnni";
        case dnnl::cpu_isa::avx512_core_bf16: return "avx512_core_bf16";
        case dnnl::cpu_isa::avx512_core_amx: return "avx512_core_amx";
        case dnnl::cpu_isa::avx2_vnni: return "avx2_vnni";
        case dnnl::cpu_isa::all: return "all";
        default: return "other";
    }
}

std::string effective_isa_name() { return cpu_isa_name(dnnl::get_effective_cpu_isa()); }

bool has_bf16(dnnl::cpu_isa isa) {
    // The ISA values are bit sets: each includes the bits of the ISAs it extends (dnnl_types.h).
    const auto bits = static_cast<unsigned>(isa), bf16 = static_cast<unsigned>(dnnl::cpu_isa::avx512_core_bf16);
    return (bits & bf16) == bf16;
}

bool native_bf16() { return has_bf16(dnnl::get_effective_cpu_isa()); }

std::string effective_isa_description() {
    const char* cap = std::getenv("ONEDNN_MAX_CPU_ISA");
    return effective_isa_name() + (cap && *cap ? std::string(" (capped by ONEDNN_MAX_CPU_ISA=") + cap + ")" : std::string());
}

void require_precision(Precision p) {
    if (p == Precision::bf16 && !native_bf16())
        throw std::invalid_argument(std::string("precision bf16 needs ") + kBf16Requirement + "; oneDNN runs at " +
                                    effective_isa_description() + " here");
}

ProfileScope::ProfileScope(Context& ctx, const char* category, const std::string& section)
    : profile_(ctx.profile), category_(category), section_(&section) {
    if (!profile_) return;
    if (section.empty() && !profile_->sections.empty()) section_ = profile_->sections.back();
    profile_->nested.push_back(0);
    profile_->sections.push_back(section_);
    start_ = std::chrono::steady_clock::now();
}

ProfileScope::~ProfileScope() {
    if (!profile_) return;
    const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
    const double inner = profile_->nested.back();
    profile_->nested.pop_back();
    profile_->sections.pop_back();
    if (!profile_->nested.empty()) profile_->nested.back() += elapsed;
    profile_->seconds[{category_, *section_}] += elapsed - inner;
}

namespace {
const std::string kNoSection;
}

const memory& as_layout(Context& ctx, const memory& m, const memory::desc& want, memory& scratch) {
    if (m.get_desc() == want) return m;
    ProfileScope timed(ctx, "reorder", kNoSection);
    if (!scratch || scratch.get_desc() != want) scratch = memory(want, ctx.engine);
    memory src = m;  // a handle copy: execute() takes non-const references
    dnnl::reorder(src, scratch).execute(ctx.stream, src, scratch);
    ctx.stream.wait();
    return scratch;
}

std::vector<float> to_plain(Context& ctx, const memory& m) {
    const memory::desc d = m.get_desc();
    const memory::desc plain = plain_desc(d.dims());
    std::vector<float> out(logical_count(d.dims()));
    memory dst(plain, ctx.engine, out.data());
    memory src = m;
    dnnl::reorder(src, dst).execute(ctx.stream, src, dst);
    ctx.stream.wait();
    return out;
}

std::optional<std::size_t> channel_block(const memory::desc& d) {
    const memory::dims dims = d.dims();
    if (dims.empty() || dims.size() > 4) return std::nullopt;
    if (d == plain_desc(dims)) return 0;
    if (dims.size() < 3) return std::nullopt;
    const bool four = dims.size() == 4;
    for (const auto& [block, tag3, tag4] :
         {std::tuple{16, tag::aBc16b, tag::aBcd16b}, std::tuple{8, tag::aBc8b, tag::aBcd8b}, std::tuple{4, tag::aBc4b, tag::aBcd4b}})
        if (d == memory::desc(dims, dt::f32, four ? tag4 : tag3)) return static_cast<std::size_t>(block);
    return std::nullopt;
}

void from_plain(Context& ctx, const std::vector<float>& values, const memory& m) {
    const memory::desc d = m.get_desc();
    if (values.size() != logical_count(d.dims())) throw std::invalid_argument("from_plain: size mismatch");
    memory src(plain_desc(d.dims()), ctx.engine, const_cast<float*>(values.data()));
    memory dst = m;
    dnnl::reorder(src, dst).execute(ctx.stream, src, dst);
    ctx.stream.wait();
}

}  // namespace actbench
