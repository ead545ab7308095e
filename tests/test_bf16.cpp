// bf16 mixed precision. The layer and network tests need oneDNN's native bf16 (AVX-512 BF16 or AMX): they carry the
// hidden tag [.bf16], so the ordinary test run leaves them out, and ctest runs them as one test through
// tests/bf16/run_bf16_tests.sh, which reports them skipped, with the CPU's ISA, where bf16 is missing. The refusal
// tests at the end run everywhere.
//
// Tolerances: bf16 keeps 8 significant bits, so rounding an input or an output moves it by at most 2⁻⁹ of its
// magnitude. A bilinear layer (conv, dense) rounds x and w (≤ 2⁻⁸ relative per product, with the two roundings)
// and its output (≤ 2⁻⁹), and accumulates in fp32, so each output is within 2⁻⁷ · Σ|w||x| of the fp32 one. The
// same layer run in fp32 on |x| and |w| gives that Σ exactly, for forward and both backward passes.
#include "activation_cases.hpp"
#include "batchnorm.hpp"
#include "cli_helpers.hpp"
#include "conv.hpp"
#include "dense.hpp"
#include "dropout.hpp"
#include "layer_check.hpp"
#include "network.hpp"
#include "kernels.hpp"
#include "optimizer.hpp"
#include "pool.hpp"

#include <nlohmann/json.hpp>

#include <omp.h>

#include <bit>
#include <cstring>
#include <functional>
#include <set>

using namespace actbench;
using namespace actbench::test;

namespace {

constexpr double kBf16Step = 1.0 / 256;  // 2⁻⁸: twice bf16's unit roundoff

// x rounded to the nearest bf16 (ties to even), as oneDNN's reorder rounds.
float round_bf16(float x) {
    std::uint32_t u = 0;
    std::memcpy(&u, &x, 4);
    u += 0x7fffu + ((u >> 16) & 1u);
    u &= 0xffff0000u;
    std::memcpy(&x, &u, 4);
    return x;
}

std::vector<float> rounded(std::vector<float> v) {
    for (auto& x : v) x = round_bf16(x);
    return v;
}

std::vector<float> absolute(std::vector<float> v) {
    for (auto& x : v) x = std::abs(x);
    return v;
}

// A plain bf16 memory holding `values` (rounded by the reorder).
memory bf16_memory(Context& ctx, const memory::dims& dims, const std::vector<float>& values) {
    memory m(with_type(plain_desc(dims), dt::bf16), ctx.engine);
    from_plain(ctx, values, m);
    return m;
}

void copy_params(Context& ctx, Layer& from, Layer& to, bool abs = false) {
    const auto a = from.params(), b = to.params();
    REQUIRE(a.size() == b.size());
    for (std::size_t k = 0; k < a.size(); ++k) {
        const auto v = to_plain(ctx, a[k]->value);
        from_plain(ctx, abs ? absolute(v) : v, b[k]->value);
    }
}

// |got − want| ≤ 2⁻⁷ · bound + margin, element by element.
void check_within(const std::vector<float>& got, const std::vector<float>& want, const std::vector<float>& bound, const char* what) {
    REQUIRE(got.size() == want.size());
    REQUIRE(bound.size() == want.size());
    for (std::size_t i = 0; i < got.size(); ++i) {
        INFO(what << " element " << i << ": bf16 " << got[i] << ", fp32 " << want[i] << ", Σ|terms| " << bound[i]);
        REQUIRE(std::abs(got[i] - want[i]) <= 2 * kBf16Step * bound[i] + 1e-6);
    }
}

// A bilinear layer (conv or dense) built three times for `in`: in fp32, in bf16 and in fp32 on absolute values.
// Forward, backward-data and backward-weights of the bf16 one are checked against the fp32 one element by element.
void check_bilinear(Context& ctx, const std::function<std::unique_ptr<Layer>(Precision)>& make, const memory::dims& dims, bool bf16_input,
                    std::uint64_t seed) {
    Rng rng(seed);
    auto l32 = make(Precision::fp32), l16 = make(Precision::bf16), labs = make(Precision::fp32);
    const memory::desc in32 = plain_desc(dims), in16 = bf16_input ? with_type(in32, dt::bf16) : in32;
    l32->build(ctx, in32, true);
    labs->build(ctx, in32, true);
    l16->build(ctx, in16, true);
    randomise_params(ctx, *l32, rng, 0.3);
    copy_params(ctx, *l32, *l16);
    copy_params(ctx, *l32, *labs, true);
    const auto x = random_vector(logical_count(dims), rng);
    memory x32 = plain_memory(ctx, dims, x), xabs = plain_memory(ctx, dims, absolute(x));
    memory x16 = bf16_input ? bf16_memory(ctx, dims, x) : plain_memory(ctx, dims, x);

    const auto y32 = to_plain(ctx, l32->forward(ctx, x32));
    const memory& y16m = l16->forward(ctx, x16);
    const auto y16 = to_plain(ctx, y16m);
    const auto yabs = to_plain(ctx, labs->forward(ctx, xabs));
    check_within(y16, y32, yabs, "forward");

    const memory::dims out_dims = y16m.get_desc().dims();
    const auto r = random_vector(logical_count(out_dims), rng);
    memory r32 = plain_memory(ctx, out_dims, r), rabs = plain_memory(ctx, out_dims, absolute(r));
    const auto dx32 = to_plain(ctx, l32->backward(ctx, r32));
    const auto dx16 = to_plain(ctx, l16->backward(ctx, r32));
    const auto dxabs = to_plain(ctx, labs->backward(ctx, rabs));
    check_within(dx16, dx32, dxabs, "backward-data");
    const auto p32 = l32->params(), p16 = l16->params(), pabs = labs->params();
    for (std::size_t k = 0; k < p32.size(); ++k) {
        CHECK(p16[k]->grad.get_desc().data_type() == dt::f32);  // weight gradients stay fp32
        check_within(to_plain(ctx, p16[k]->grad), to_plain(ctx, p32[k]->grad), to_plain(ctx, pabs[k]->grad), p32[k]->name.c_str());
    }
}

}  // namespace

TEST_CASE("bf16 conv and dense: forward, backward-data and backward-weights within bf16 rounding of fp32", "[.bf16]") {
    Context ctx;
    for (bool bias : {true, false})
        for (bool bf16_input : {false, true})
            for (bool fp32_output : {false, true}) {
                INFO("bias " << bias << ", bf16 input " << bf16_input << ", fp32 output " << fp32_output);
                check_bilinear(
                    ctx,
                    [&](Precision p) {
                        return std::make_unique<Conv2d>("conv", ConvSpec{16, 3, 1, 1, bias, p, fp32_output});
                    },
                    {3, 5, 9, 8}, bf16_input, 21);
                check_bilinear(
                    ctx,
                    [&](Precision p) {
                        return std::make_unique<Dense>("dense", DenseSpec{10, bias, p, fp32_output});
                    },
                    {4, 6, 5, 5}, bf16_input, 22);
                check_bilinear(
                    ctx,
                    [&](Precision p) {
                        return std::make_unique<Dense>("dense", DenseSpec{7, bias, p, fp32_output});
                    },
                    {5, 33}, bf16_input, 23);
            }
}

TEST_CASE("bf16 conv: the output type is bf16 for a hidden layer and fp32 for the classifier", "[.bf16]") {
    Context ctx;
    for (bool fp32_output : {false, true}) {
        Conv2d conv("conv", ConvSpec{8, 3, 1, 1, true, Precision::bf16, fp32_output});
        CHECK(conv.build(ctx, plain_desc({2, 3, 6, 6}), false).data_type() == (fp32_output ? dt::f32 : dt::bf16));
        CHECK(conv.params()[0]->value.get_desc().data_type() == dt::f32);  // the master weight
    }
}

TEST_CASE("bf16 max-pool: the max of the rounded input, and its gradient routed to it", "[.bf16]") {
    // Distinct integers / 64 are exact in bf16, so there are no ties for rounding to create.
    Context ctx;
    const memory::dims dims{2, 3, 7, 6};
    std::vector<float> x(logical_count(dims));
    for (std::size_t i = 0; i < x.size(); ++i) x[i] = static_cast<float>(static_cast<int>((i * 97) % x.size()) - 126) / 64.f;
    MaxPool2d p32("pool", PoolSpec{2, 2}), p16("pool", PoolSpec{2, 2});
    p32.build(ctx, plain_desc(dims), true);
    CHECK(p16.build(ctx, with_type(plain_desc(dims), dt::bf16), true).data_type() == dt::bf16);
    memory x32 = plain_memory(ctx, dims, x), x16 = bf16_memory(ctx, dims, x);
    for (bool training : {true, false}) {
        p32.set_training(training);
        p16.set_training(training);
        const memory& y = p32.forward(ctx, x32);
        CHECK(to_plain(ctx, p16.forward(ctx, x16)) == to_plain(ctx, y));
    }
    Rng rng(5);
    const memory::dims out_dims = p32.forward(ctx, x32).get_desc().dims();
    p16.forward(ctx, x16);
    memory dy = plain_memory(ctx, out_dims, rounded(random_vector(logical_count(out_dims), rng)));
    CHECK(to_plain(ctx, p16.backward(ctx, dy)) == to_plain(ctx, p32.backward(ctx, dy)));
}

TEST_CASE("bf16 activations: every family within bf16 rounding of its scalar reference, output in bf16", "[.bf16]") {
    // The input is rounded to bf16 first, so the only errors are the output's rounding and, for f′, one more.
    Context ctx;
    const memory::dims dims{4, 16, 7, 5};
    for (const auto& spec : all_elementwise()) {
        INFO("activation " << spec.name);
        Activation act("act", spec, 1);
        CHECK(act.build(ctx, with_type(plain_desc(dims), dt::bf16), true).data_type() == dt::bf16);
        act.set_training(false);
        params_at_initial(ctx, act);  // PReLU's slopes, a formula's learned values
        const auto x = rounded(grid_away_from_kinks(spec, logical_count(dims)));
        memory in = bf16_memory(ctx, dims, x);
        const auto y = to_plain(ctx, act.forward(ctx, in));
        memory dy = bf16_memory(ctx, dims, std::vector<float>(x.size(), 1.f));
        const auto dx = to_plain(ctx, act.backward(ctx, dy));
        for (std::size_t i = 0; i < x.size(); ++i) {
            INFO("x = " << x[i]);
            REQUIRE(y[i] == Approx(spec.f(x[i])).epsilon(kBf16Step).margin(1e-5));
            REQUIRE(dx[i] == Approx(spec.df(x[i])).epsilon(2 * kBf16Step).margin(1e-5));
        }
    }
}

TEST_CASE("bf16 maxout and dropout compute in fp32 on the widened input: the fp32 layer's bits on rounded input", "[.bf16]") {
    Context ctx;
    Rng rng(8);
    const memory::dims dims{3, 8, 5, 5};
    const auto x = rounded(random_vector(logical_count(dims), rng));
    memory x32 = plain_memory(ctx, dims, x), x16 = bf16_memory(ctx, dims, x);
    const auto dy_dims = memory::dims{3, 4, 5, 5};
    memory dy = plain_memory(ctx, dy_dims, rounded(random_vector(logical_count(dy_dims), rng)));
    {
        const ActivationSpec maxout = builtin_activation("maxout");  // 2 pieces
        Activation a32("act", maxout), a16("act", maxout);
        a32.build(ctx, plain_desc(dims), true);
        a16.build(ctx, with_type(plain_desc(dims), dt::bf16), true);
        CHECK(to_plain(ctx, a16.forward(ctx, x16)) == to_plain(ctx, a32.forward(ctx, x32)));
        CHECK(to_plain(ctx, a16.backward(ctx, dy)) == to_plain(ctx, a32.backward(ctx, dy)));
    }
    {
        Dropout d32("drop", 0.3, 77), d16("drop", 0.3, 77);
        d32.build(ctx, plain_desc(dims), true);
        d16.build(ctx, with_type(plain_desc(dims), dt::bf16), true);
        CHECK(to_plain(ctx, d16.forward(ctx, x16)) == to_plain(ctx, d32.forward(ctx, x32)));
        memory g = plain_memory(ctx, dims, random_vector(logical_count(dims), rng));
        CHECK(to_plain(ctx, d16.backward(ctx, g)) == to_plain(ctx, d32.backward(ctx, g)));
    }
}

TEST_CASE("bf16 batch norm: within bf16 rounding of fp32, forward and backward", "[.bf16]") {
    // Statistics are accumulated in fp32 from the bf16 input; each output is rounded once. Compared in norm: the
    // normalised outputs and the gradients are O(1) and the errors are a few bf16 steps of them.
    Context ctx;
    Rng rng(9);
    const memory::dims dims{8, 16, 4, 4};
    const auto x = rounded(random_vector(logical_count(dims), rng, 2.0));
    BatchNorm b32("bn"), b16("bn");
    b32.build(ctx, plain_desc(dims), true);
    CHECK(b16.build(ctx, with_type(plain_desc(dims), dt::bf16), true).data_type() == dt::bf16);
    randomise_params(ctx, b32, rng, 1.0);
    copy_params(ctx, b32, b16);
    memory x32 = plain_memory(ctx, dims, x), x16 = bf16_memory(ctx, dims, x);
    auto relative_error = [](const std::vector<float>& got, const std::vector<float>& want) {
        double diff = 0, norm = 0;
        for (std::size_t i = 0; i < got.size(); ++i) diff += (got[i] - want[i]) * (got[i] - want[i]), norm += want[i] * want[i];
        return std::sqrt(diff / norm);
    };
    CHECK(relative_error(to_plain(ctx, b16.forward(ctx, x16)), to_plain(ctx, b32.forward(ctx, x32))) < 2 * kBf16Step);
    memory dy = plain_memory(ctx, dims, rounded(random_vector(logical_count(dims), rng)));
    CHECK(relative_error(to_plain(ctx, b16.backward(ctx, dy)), to_plain(ctx, b32.backward(ctx, dy))) < 4 * kBf16Step);
    for (std::size_t k = 0; k < 2; ++k)
        CHECK(relative_error(to_plain(ctx, b16.params()[k]->grad), to_plain(ctx, b32.params()[k]->grad)) < 4 * kBf16Step);
}

namespace {
NetworkSpec bf16_spec(const ModelSpec& model, const std::string& activation, Precision precision) {
    NetworkSpec spec;
    spec.model = model;
    spec.activation = builtin_activation(activation);
    spec.precision = precision;
    return spec;
}

// The networks the bf16 network test trains: lenet with four kinds of activation, without and with batch norm, and
// residual nets with both block layouts.
std::vector<std::pair<ModelSpec, std::string>> bf16_network_cases() {
    std::vector<std::pair<ModelSpec, std::string>> cases;
    const std::map<std::string, double> lenet{{"conv1", 8}, {"conv2", 16}, {"dense", 32}, {"kernel", 3}, {"padding", 1}};
    for (const std::string activation : {"relu", "tanh", "prelu", "noisy_relu"})
        for (const std::string batchnorm : {"none", "before"}) cases.emplace_back(ModelSpec::make("lenet", lenet, batchnorm), activation);
    for (double block : {0, 1}) cases.emplace_back(ModelSpec::make("resnet", {{"depth", 8}, {"width", 8}, {"block", block}}), "relu");
    return cases;
}
}  // namespace

TEST_CASE("a bf16 network: logits close to fp32's, its loss falls, fusion gives the unfused bits", "[.bf16]") {
    Context ctx;
    const Dataset data = make_synthetic_shapes(ShapesSpec{4, 256, 64, 16, 6.0, 3});
    const Normalizer norm = make_normalizer(data.train, "standard");
    const int batch = 32;
    std::vector<std::size_t> order(data.train.count());
    for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
    std::vector<std::int32_t> labels(batch);
    for (const auto& [model, activation] : bf16_network_cases()) {
        INFO(model.name << ", " << activation << ", batchnorm " << model.batchnorm << ", block " << model.params.count("block"));
        Network n32(ctx, bf16_spec(model, activation, Precision::fp32), batch, InputShape{1, 16, 16, 4});
        Network n16(ctx, bf16_spec(model, activation, Precision::bf16), batch, InputShape{1, 16, 16, 4});
        n32.initialise_paired(builtin_init("he_normal"), 5);
        n16.initialise_paired(builtin_init("he_normal"), 5);
        fill_batch(data.train, order, 0, batch, norm, n32.input(), labels.data());
        fill_batch(data.train, order, 0, batch, norm, n16.input(), labels.data());
        // Evaluation logits: within a few percent of fp32's (a handful of bf16 roundings deep).
        n32.set_training(false);
        n16.set_training(false);
        n32.forward(labels.data(), batch);
        const LossResult plain16 = n16.forward(labels.data(), batch);
        double diff = 0, norm2 = 0;
        for (int i = 0; i < batch * 4; ++i) {
            const double a = n32.log_probabilities()[i], b = n16.log_probabilities()[i];
            diff += (a - b) * (a - b), norm2 += a * a;
        }
        CHECK(std::sqrt(diff / norm2) < 0.05);
        // Fusion, where oneDNN fuses in bf16, changes no bit.
        n16.set_evaluation_fusion(false);
        const LossResult unfused = n16.forward(labels.data(), batch);
        CHECK(unfused.loss_sum == plain16.loss_sum);
        // Training (with the L1 penalty's path through bf16 outputs): the loss falls.
        n16.set_training(true);
        n16.set_activation_l1(1e-4);
        Optimizer optimizer(n16.params(), OptimizerSpec{});
        double first = 0, last = 0;
        for (int step = 0; step < 60; ++step) {
            const std::size_t at = static_cast<std::size_t>(step % 8) * batch;
            fill_batch(data.train, order, at, batch, norm, n16.input(), labels.data());
            const double loss = n16.forward(labels.data(), batch).loss_sum / batch;
            if (step < 8) first += loss / 8;
            if (step >= 52) last += loss / 8;
            n16.backward();
            optimizer.step(0.02);
        }
        INFO("mean loss over the first 8 steps " << first << ", the last 8 " << last);
        CHECK(last < 0.6 * first);
    }
}

TEST_CASE("a bf16 trial repeats bit for bit, and its settings record the precision", "[.bf16]") {
    TempDir dir;
    write_idx_dataset(dir / "data");
    const std::string text = config_text(dir / "data") + "  train.precision: [bf16]\n";
    const fs::path config = write_config(dir, "bf16.yaml", text);
    for (const char* out : {"a", "b"}) {
        const Result r = run_actbench(dir, "run " + config.string() + " --out " + (dir / out).string() + " --jobs 2");
        INFO(r.err);
        REQUIRE(r.code == 0);
    }
    const auto a = metrics_files(dir / "a"), b = metrics_files(dir / "b");
    REQUIRE(a.size() == 8);  // metrics.jsonl and summary.json of 4 trials
    CHECK(a == b);
    for (const auto& trial : trial_dirs(dir / "a")) CHECK(slurp(trial / "trial.yaml").find("precision: bf16") != std::string::npos);
    // verify honours a user's cap: under ONEDNN_MAX_CPU_ISA=AVX2 it refuses, as run does (before: it pinned the
    // recorded ISA over the cap and reported "identical", exit 0).
    const Result capped = run_actbench(dir, "verify " + (dir / "a").string() + " --sample 1", "ONEDNN_MAX_CPU_ISA=AVX2 ");
    CHECK(capped.code == 2);
    CHECK_THAT(capped.err, Catch::Contains("oneDNN runs at avx2 (capped by ONEDNN_MAX_CPU_ISA=AVX2)"));
    CHECK(run_actbench(dir, "verify " + (dir / "a").string() + " --sample 1").code == 0);
}

TEST_CASE("bench --precision bf16 measures both precisions' peaks and throughput, and profiles bf16", "[.bf16][cli][bench]") {
    TempDir dir;
    const Result r = run_actbench(dir, "bench --seconds 0.2 --threads 1 --conv1 8 --conv2 16 --dense 32 --precision bf16 --profile --json");
    INFO(r.err);
    REQUIRE(r.code == 0);
    const auto j = nlohmann::json::parse(r.out);
    CHECK(j["matmul_peak_gflops"].get<double>() > 1);
    CHECK(j["bf16"]["matmul_peak_gflops"].get<double>() > 1);
    CHECK(j["bf16"]["training_images_per_second"].get<double>() > 10);
    CHECK(j["bf16"]["efficiency"].get<double>() > 0);
    const auto& r16 = j["bf16"];
    const auto& ratio = j["bf16_vs_fp32"];
    CHECK(ratio["matmul_peak"].get<double>() == Approx(r16["matmul_peak_gflops"].get<double>() / j["matmul_peak_gflops"].get<double>()));
    CHECK(ratio["training"].get<double>() ==
          Approx(r16["training_images_per_second"].get<double>() / j["training_images_per_second"].get<double>()));
    CHECK(ratio["evaluation"].get<double>() ==
          Approx(r16["evaluation_images_per_second"].get<double>() / j["evaluation_images_per_second"].get<double>()));
    // The profile is bf16's: the weights' rounding into their bf16 copies shows as reorders of the weighted layers.
    std::set<std::string> sections;
    for (const auto& sct : j["profile"]["sections"])
        sections.insert(sct["section"].get<std::string>() + " " + sct["category"].get<std::string>());
    CHECK(sections.count("conv2 reorder") == 1);
    CHECK(sections.count("conv2 backward-weights") == 1);
}

// ---------------------------------------------------------------------------------------------------------
// Everywhere: where bf16 is missing, a bf16 sweep is refused before anything runs.

TEST_CASE("bf16 where oneDNN has no native bf16: validate, plan and run refuse it up front, naming the ISA", "[bf16][errors][cli]") {
    TempDir dir;
    write_idx_dataset(dir / "data");
    const std::string text = config_text(dir / "data") + "  train.precision: [fp32, bf16]\nisa: avx2\n";
    const fs::path pinned = write_config(dir, "pinned.yaml", text);
    // The config alone decides it, so the refusal is placed at the pin (the isa: line, the last one).
    const std::string at =
        "pinned.yaml:" + std::to_string(std::count(text.begin(), text.end(), '\n')) + ":6: isa: avx2 has no bf16 instructions";
    for (const std::string command : {"validate ", "plan ", "run "}) {
        const Result r = run_actbench(dir, command + pinned.string() + (command == "run " ? " --out " + (dir / "out").string() : ""));
        INFO(command << r.err);
        CHECK(r.code == 2);
        CHECK(r.err.find(at) != std::string::npos);
        CHECK(r.err.find("train.precision bf16 needs a CPU with bf16 instructions") != std::string::npos);
    }
    CHECK_FALSE(fs::exists(dir / "out"));
    const fs::path plain = write_config(dir, "plain.yaml", config_text(dir / "data") + "  train.precision: [bf16]\n");
    const Result r = run_actbench(dir, "run " + plain.string() + " --out " + (dir / "out").string(), "ONEDNN_MAX_CPU_ISA=AVX2 ");
    CHECK(r.code == 2);
    CHECK(r.err.find("oneDNN runs at avx2") != std::string::npos);
    CHECK_FALSE(fs::exists(dir / "out"));
    const Result bench = run_actbench(dir, "bench --precision bf16 --seconds 0.1", "ONEDNN_MAX_CPU_ISA=AVX2 ");
    CHECK(bench.code == 2);
    CHECK(bench.err.find("precision bf16 needs a CPU with bf16 instructions") != std::string::npos);
    CHECK(run_actbench(dir, "bench --precision fp16").code == 2);
}

TEST_CASE("train.precision: fp32 written out is the default's id — an unknown precision is refused with its position", "[bf16][config]") {
    TempDir dir;
    write_idx_dataset(dir / "data");
    const fs::path base = write_config(dir, "base.yaml", config_text(dir / "data"));
    std::string text = config_text(dir / "data");
    text.replace(text.find("train: {"), 8, "train: {precision: fp32, ");
    const fs::path explicit_fp32 = write_config(dir, "fp32.yaml", text);
    const Result a = run_actbench(dir, "plan " + base.string()), b = run_actbench(dir, "plan " + explicit_fp32.string());
    REQUIRE(a.code == 0);
    CHECK(a.out.substr(0, a.out.find("measured")) == b.out.substr(0, b.out.find("measured")));  // the same ids
    text.replace(text.find("precision: fp32"), 15, "precision: fp16");
    const fs::path bad = write_config(dir, "bad.yaml", text);
    const Result r = run_actbench(dir, "validate " + bad.string());
    CHECK(r.code == 2);
    CHECK(r.err.find("bad.yaml:4:") != std::string::npos);
    CHECK(r.err.find("train.precision: unknown value 'fp16'; valid: fp32, bf16") != std::string::npos);
}

TEST_CASE("a bf16 buffer is never read as floats", "[bf16][onednn]") {
    Context ctx;
    memory m(with_type(plain_desc({2, 3}), dt::bf16), ctx.engine);
    CHECK_THROWS_AS(data_of(m), std::logic_error);
    from_plain(ctx, {1, 2, 3, 4, 5, 6.015625f}, m);
    CHECK(to_plain(ctx, m) == std::vector<float>{1, 2, 3, 4, 5, 6});  // 6.015625 is not a bf16: rounded to 6
}

TEST_CASE("round_to_bf16 gives oneDNN's conversion bit for bit: ties, subnormals, infinities, NaNs", "[bf16][onednn][kernels]") {
    Context ctx;
    std::vector<float> x;
    Rng rng(5);
    for (int e = -140; e <= 128; e += 3)
        for (int k = 0; k < 8; ++k) x.push_back(static_cast<float>(std::ldexp(rng.normal(), e)));  // overflow at the top
    for (const std::uint32_t bits : {0x3f808000u, 0x3f818000u, 0x3f807fffu, 0x00000001u, 0x807fffffu, 0x00800000u, 0x7f7fffffu,
                                     0x7f800000u, 0xff800000u, 0x7fc00000u, 0x7f800001u, 0xffa00000u, 0x80000000u, 0u})
        x.push_back(std::bit_cast<float>(bits));  // ties both ways, subnormals, the largest float, ±inf, NaNs, ±0
    for (int k = 0; k < 1000; ++k) x.push_back(static_cast<float>(rng.normal()));
    const memory::dims dims{static_cast<memory::dim>(x.size())};
    memory in(plain_desc(dims), ctx.engine), out(with_type(plain_desc(dims), dt::bf16), ctx.engine);
    std::copy(x.begin(), x.end(), data_of(in));
    dnnl::reorder(in, out).execute(ctx.stream, in, out);
    ctx.stream.wait();
    std::vector<std::uint16_t> ours(x.size());
    kernels::round_to_bf16(x.data(), ours.data(), x.size());
    const auto* theirs = static_cast<const std::uint16_t*>(out.get_data_handle());
    for (std::size_t i = 0; i < x.size(); ++i) {
        INFO("x = " << x[i] << " (bits " << std::hex << std::bit_cast<std::uint32_t>(x[i]) << ")");
        CHECK(ours[i] == theirs[i]);
    }
}

TEST_CASE("the optimizer writes the bf16 copy of what it updates, and any thread count gives the same bits", "[bf16][optimizer]") {
    Context ctx;
    const std::size_t n = 70'001;  // five pieces of work, the last ragged
    const auto param = [&](ParamRole role) {
        Param p{"p", {static_cast<memory::dim>(n)}, memory(plain_desc({static_cast<memory::dim>(n)}), ctx.engine),
                memory(plain_desc({static_cast<memory::dim>(n)}), ctx.engine), role, 0, 1, 1};
        p.low = memory(with_type(plain_desc({static_cast<memory::dim>(n)}), dt::bf16), ctx.engine);
        Rng rng(9);
        for (std::size_t k = 0; k < n; ++k) data_of(p.value)[k] = static_cast<float>(rng.normal()), data_of(p.grad)[k] = static_cast<float>(rng.normal());
        return p;
    };
    for (const char* kind : {"sgd", "momentum", "nesterov", "adam"}) {
        INFO(kind);
        std::vector<std::vector<float>> values;
        for (const int threads : {1, 2}) {
            Param w = param(ParamRole::weight), b = param(ParamRole::bias);
            OptimizerSpec spec;
            spec.kind = kind;
            spec.weight_decay = 1e-3;
            Optimizer opt({&w, &b}, spec);
            omp_set_num_threads(threads);
            for (int step = 0; step < 3; ++step) opt.step(0.01);
            omp_set_num_threads(2);
            CHECK(w.low_fresh);
            for (Param* p : {&w, &b}) {
                memory want(with_type(plain_desc({static_cast<memory::dim>(n)}), dt::bf16), ctx.engine);
                dnnl::reorder(p->value, want).execute(ctx.stream, p->value, want);
                ctx.stream.wait();
                CHECK(std::memcmp(want.get_data_handle(), p->low.get_data_handle(), n * 2) == 0);
            }
            values.push_back(std::vector<float>(data_of(w.value), data_of(w.value) + n));
        }
        CHECK(values[0] == values[1]);
        // The scalar rules, element by element, as optimizer.hpp writes them: the vectorised pass gives their bits.
        Param ref = param(ParamRole::weight);
        std::vector<float> m(n), s(n);
        for (int t = 1; t <= 3; ++t)
            for (std::size_t k = 0; k < n; ++k) {
                float& w = data_of(ref.value)[k];
                const float g = data_of(ref.grad)[k] + 1e-3f * w, eta = 0.01f, mu = 0.9f;
                if (kind == std::string("sgd")) w -= eta * g;
                if (kind == std::string("momentum")) m[k] = mu * m[k] + g, w -= eta * m[k];
                if (kind == std::string("nesterov")) m[k] = mu * m[k] + g, w -= eta * (g + mu * m[k]);
                if (kind == std::string("adam")) {
                    const float c1 = static_cast<float>(1 - std::pow(0.9, t)), c2 = static_cast<float>(1 - std::pow(0.999, t));
                    m[k] = 0.9f * m[k] + (1 - 0.9f) * g;
                    s[k] = 0.999f * s[k] + (1 - 0.999f) * g * g;
                    w -= eta * (m[k] / c1) / (std::sqrt(s[k] / c2) + 1e-8f);
                }
            }
        CHECK(std::vector<float>(data_of(ref.value), data_of(ref.value) + n) == values[0]);
    }
}
