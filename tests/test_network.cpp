#include "layer_check.hpp"
#include "network.hpp"

#include <map>
#include "optimizer.hpp"
#include "synthetic_shapes.hpp"

using namespace actbench;
using namespace actbench::test;

namespace {
NetworkSpec small_spec(const std::string& activation, std::optional<double> bias = 0.0) {
    NetworkSpec spec;
    spec.model = ModelSpec::make("lenet", {{"conv1", 4}, {"conv2", 8}, {"dense", 16}, {"kernel", 3}, {"padding", 1}});
    spec.activation = builtin_activation(activation);
    spec.bias = bias;
    return spec;
}
}  // namespace

// Mean training loss on synthetic shapes before and after `epochs` epochs of momentum SGD at `lr` (the loss
// measured in evaluation mode, the order reshuffled every epoch from `rng`).
std::pair<double, double> loss_before_after(Network& net, const Dataset& data, double lr, int epochs, Rng& rng) {
    const Normalizer norm = make_normalizer(data.train, "standard");
    const int batch = net.batch();
    Optimizer optimizer(net.params(), OptimizerSpec{});
    std::vector<std::size_t> order(data.train.count());
    for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
    std::vector<std::int32_t> labels(batch);
    auto epoch_loss = [&](bool train) {
        net.set_training(train);
        double loss = 0;
        for (std::size_t first = 0; first + batch <= order.size(); first += batch) {
            fill_batch(data.train, order, first, batch, norm, net.input(), labels.data());
            loss += net.forward(labels.data(), batch).loss_sum;
            if (train) {
                net.backward();
                optimizer.step(lr);
            }
        }
        return loss / static_cast<double>(order.size() / batch * batch);
    };
    const double before = epoch_loss(false);
    for (int e = 0; e < epochs; ++e) {
        for (std::size_t i = order.size() - 1; i > 0; --i) std::swap(order[i], order[rng.below(i + 1)]);
        epoch_loss(true);
    }
    return {before, epoch_loss(false)};
}

// The directional derivative of `objective` along a random direction in the space of all parameters:
// {central difference with step eps, ⟨gradient from net.backward() after one objective(), direction⟩}.
template <class Objective>
std::pair<double, double> directional_check(Context& ctx, Network& net, Objective&& objective, Rng& rng, double eps) {
    objective();
    net.backward();
    std::vector<std::vector<float>> values, dirs;
    double analytic = 0;
    for (Param* p : net.params()) {
        values.push_back(to_plain(ctx, p->value));
        dirs.push_back(random_vector(values.back().size(), rng));
        analytic += dot(to_plain(ctx, p->grad), dirs.back());
    }
    auto shift = [&](double step) {
        auto params = net.params();
        for (std::size_t k = 0; k < params.size(); ++k) {
            std::vector<float> w = values[k];
            for (std::size_t i = 0; i < w.size(); ++i) w[i] += static_cast<float>(step) * dirs[k][i];
            from_plain(ctx, w, params[k]->value);
        }
    };
    shift(eps);
    const double plus = objective();
    shift(-eps);
    const double minus = objective();
    shift(0);
    return {(plus - minus) / (2 * eps), analytic};
}

TEST_CASE("the whole network's gradient agrees with finite differences", "[network][gradient]") {
    Context ctx;
    Rng rng(61);
    // Maxout is left to its layer test: a max over pieces feeding a max-pool has so many kinks that a step
    // along every parameter at once crosses some (measured: the difference converges to the gradient only as
    // the step shrinks below 1e-4).
    for (const std::string act : {"tanh", "relu", "prelu", "selu", "softplus"}) {
        INFO("activation " << act);
        const int batch = 4;
        Network net(ctx, small_spec(act, 0.05), batch, InputShape{1, 12, 12, 3});
        Rng init_rng(62);
        net.initialise(builtin_init("he_normal"), init_rng);
        const auto x = random_vector(batch * 144, rng);
        std::vector<std::int32_t> labels{0, 1, 2, 1};
        auto mean_loss = [&] {
            std::copy(x.begin(), x.end(), net.input());
            return net.forward(labels.data(), batch).loss_sum / batch;
        };
        // A small step: ReLU has kinks, and a step crossing one spoils the difference.
        const auto [numeric, analytic] = directional_check(ctx, net, mean_loss, rng, 1e-4);
        CHECK(numeric == Approx(analytic).epsilon(2e-2));
    }
}

TEST_CASE("the whole network's gradient agrees with finite differences with its layers' input gradients in shared buffers",
          "[network][gradient][residual]") {
    // The network's layers write their input gradients into a few shared buffers (GradientArena); a slot written
    // while its gradient is still to be read would spoil the gradient of every layer below. Residual nets of each
    // block layout (two blocks per stage: an identity block after a projection block) and batch norm before and after
    // the activation cover every slot rule. (Dropout draws new masks at every training forward, so a difference of
    // two forwards does not see its gradient; its layer test checks it.)
    Context ctx;
    Rng rng(65);
    struct Case {
        const char* name;
        ModelSpec model;
    };
    const std::vector<Case> cases{
        {"resnet post_activation", ModelSpec::make("resnet", {{"depth", 10}, {"width", 4}, {"stages", 2}, {"block", 0}})},
        {"resnet pre_activation", ModelSpec::make("resnet", {{"depth", 10}, {"width", 4}, {"stages", 2}, {"block", 1}})},
        {"resnet plain", ModelSpec::make("resnet", {{"depth", 10}, {"width", 4}, {"stages", 2}, {"block", 2}})},
        {"lenet, batch norm before",
         ModelSpec::make("lenet", {{"conv1", 4}, {"conv2", 8}, {"dense", 16}, {"kernel", 3}, {"padding", 1}}, "before")},
        {"lenet, batch norm after",
         ModelSpec::make("lenet", {{"conv1", 4}, {"conv2", 8}, {"dense", 16}, {"kernel", 3}, {"padding", 1}}, "after")},
    };
    for (const Case& c : cases) {
        INFO(c.name);
        const int batch = 4;
        NetworkSpec spec;
        spec.model = c.model;
        spec.activation = builtin_activation("tanh");  // no kinks
        spec.bias = 0.05;
        Network net(ctx, spec, batch, InputShape{1, 12, 12, 3});
        CHECK(net.gradient_bytes() > 0);
        Rng init_rng(66);
        net.initialise(builtin_init("he_normal"), init_rng);
        const auto x = random_vector(batch * 144, rng);
        std::vector<std::int32_t> labels{0, 1, 2, 1};
        auto mean_loss = [&] {
            std::copy(x.begin(), x.end(), net.input());
            return net.forward(labels.data(), batch).loss_sum / batch;
        };
        // Batch norm over 4 images curves the objective: a smaller step than the plain net's (as in test_residual.cpp).
        const auto [numeric, analytic] = directional_check(ctx, net, mean_loss, rng, 3e-4);
        CHECK(numeric == Approx(analytic).epsilon(2e-2));
    }
}

TEST_CASE("bias none builds layers without bias parameters", "[network]") {
    Context ctx;
    Network with(ctx, small_spec("relu", 0.1), 2, InputShape{1, 12, 12, 3});
    Network without(ctx, small_spec("relu", std::nullopt), 2, InputShape{1, 12, 12, 3});
    CHECK(with.params().size() == 8);
    CHECK(without.params().size() == 4);
    Rng rng(1);
    with.initialise(builtin_init("he_normal"), rng);
    for (Param* p : with.params())
        if (p->role == ParamRole::bias)
            for (float v : to_plain(ctx, p->value)) REQUIRE(v == 0.1f);
}

TEST_CASE("a spec that does not fit the input is refused with a message", "[network]") {
    Context ctx;
    NetworkSpec spec = small_spec("relu");
    spec.model = ModelSpec::make("lenet", {{"kernel", 7}, {"padding", 0}});
    CHECK_THROWS_WITH(Network(ctx, spec, 2, InputShape{1, 12, 12, 3}),
                      Catch::Contains("model lenet: layer 4 (conv2) gets input 32x3x3: a 7x7 kernel with padding 0 leaves no output"));
    spec.model = ModelSpec::make("plain_deep", {{"depth", 30}});
    CHECK_NOTHROW(Network(ctx, spec, 2, InputShape{1, 12, 12, 3}));
    spec.model = ModelSpec::make("vgg_small");
    CHECK_THROWS_WITH(Network(ctx, spec, 2, InputShape{1, 4, 4, 3}),
                      Catch::Contains("model vgg_small: layer 15 (pool3) gets input 128x1x1: smaller than the 2x2 pooling window"));
}

TEST_CASE("a tiny training run on synthetic shapes lowers the loss", "[network][training]") {
    const std::string act = GENERATE(as<std::string>{}, "relu", "maxout", "prelu", "rrelu", "noisy_relu");
    INFO("activation " << act);
    Context ctx;
    const Dataset data = make_synthetic_shapes(ShapesSpec{4, 512, 128, 16, 6.0, 3});
    const int batch = 32;
    NetworkSpec spec;
    spec.model = ModelSpec::make("lenet", {{"conv1", 8}, {"conv2", 16}, {"dense", 32}, {"kernel", 3}, {"padding", 1}});
    spec.activation = builtin_activation(act);
    Network net(ctx, spec, batch, InputShape{1, 16, 16, 4});
    Rng rng(7);
    net.initialise(builtin_init("he_normal"), rng);
    // Maxout's output has about twice ReLU's second moment, so He init (made for ReLU) starts it hot: it
    // trains at a lower learning rate (at 0.02 this run diverges).
    const auto [before, after] = loss_before_after(net, data, act == "maxout" ? 0.005 : 0.02, 10, rng);
    INFO("loss before " << before << ", after " << after);
    CHECK(before > 1.0);  // chance is log 4 = 1.39; He-initialised ReLU logits start larger
    CHECK(after < 0.5 * std::log(4.0));
}

TEST_CASE("the L1 activation penalty's gradient agrees with finite differences", "[network][gradient]") {
    // lenet, and a resnet whose blocks apply the penalty to their own activation layers.
    NetworkSpec resnet = small_spec("sigmoid", 0.05);
    resnet.model = ModelSpec::make("resnet", {{"depth", 8}, {"width", 4}, {"block", 2}});  // plain blocks: no batch norm
    for (const NetworkSpec& spec : {small_spec("sigmoid", 0.05), resnet}) {
        INFO(spec.model.name);
        Context ctx;
        Rng rng(71);
        const int batch = 4;
        const double lambda = 0.05;
        // Sigmoid outputs are positive, so |a| has no kink near the point (tanh's would cross 0 and spoil the
        // difference: measured 2.5% off at a step of 1e-3).
        Network net(ctx, spec, batch, InputShape{1, 12, 12, 3});
        Rng init_rng(72);
        net.initialise(builtin_init("he_normal"), init_rng);
        net.set_activation_l1(lambda);
        const auto x = random_vector(batch * 144, rng);
        std::vector<std::int32_t> labels{0, 1, 2, 1};
        auto objective = [&] {
            std::copy(x.begin(), x.end(), net.input());
            double total = net.forward(labels.data(), batch).loss_sum / batch;
            for (Activation* a : net.activations())
                for (float v : to_plain(ctx, a->last_dst())) total += lambda / batch * std::abs(v);
            return total;
        };
        const auto [numeric, analytic] = directional_check(ctx, net, objective, rng, 1e-3);
        CHECK(numeric == Approx(analytic).epsilon(2e-2));
        // And the penalty changes the gradient (the test would pass trivially if it were ignored).
        net.set_activation_l1(0);
        Rng same(71);
        random_vector(batch * 144, same);  // the same direction as above: skip the input draw
        const auto [numeric0, without] = directional_check(ctx, net, objective, same, 1e-3);
        (void)numeric0;
        CHECK(std::abs(without - analytic) > 1e-3 * std::abs(analytic));
    }
}

TEST_CASE("per-layer bias overrides set those layers' biases only", "[network][bias]") {
    Context ctx;
    NetworkSpec spec = small_spec("relu");
    spec.bias = BiasSetting(0.1, {{"dense1", 1.0}});
    Network net(ctx, spec, 2, InputShape{1, 12, 12, 3});
    Rng rng(1);
    net.initialise(builtin_init("he_normal"), rng);
    for (Param* p : net.params())
        if (p->role == ParamRole::bias)
            for (float v : to_plain(ctx, p->value)) REQUIRE(v == (p->name == "dense1.bias" ? 1.0f : 0.1f));
    spec.bias = BiasSetting(0.0, {{"conv9", 1.0}});
    CHECK_THROWS_WITH(Network(ctx, spec, 2, InputShape{1, 12, 12, 3}),
                      Catch::Contains("conv9") && Catch::Contains("conv1, conv2, dense1, dense2"));
}

TEST_CASE("every model family, with batch norm and dropout, trains on synthetic shapes", "[network][training][models]") {
    struct Case {
        const char* name;
        std::map<std::string, double> params;
        const char* batchnorm;
        double dropout;
        int epochs = 8;
    };
    const Case cases[] = {
        {"lenet", {{"conv1", 8}, {"conv2", 16}, {"dense", 32}, {"kernel", 3}, {"padding", 1}}, "after", 0.2},
        {"mlp", {{"depth", 2}, {"width", 64}}, "before", 0.0},
        {"plain_deep", {{"depth", 6}, {"width", 16}}, "none", 0.0},
        {"vgg_small", {{"width1", 16}, {"width2", 16}, {"width3", 32}, {"dense", 32}}, "after", 0.0},
        {"resnet", {{"depth", 8}, {"width", 8}, {"block", 0}}, "none", 0.0},
        // Pre-activation and plain blocks start slower here: the first has no batch norm between the stem and the
        // first block, the second none at all, so the residual stream's variance grows block by block at init.
        {"resnet", {{"depth", 8}, {"width", 8}, {"block", 1}}, "none", 0.0, 16},
        {"resnet", {{"depth", 8}, {"width", 8}, {"block", 2}}, "none", 0.0, 16},
    };
    for (const auto& info : model_table())  // a new family needs its case here
        CHECK(std::any_of(std::begin(cases), std::end(cases), [&](const Case& c) { return c.name == info.name; }));
    for (const auto& c : cases) {
        INFO("model " << c.name << ", batchnorm " << c.batchnorm << ", dropout " << c.dropout << ", block "
                      << (c.params.count("block") ? c.params.at("block") : -1));
        Context ctx;
        const Dataset data = make_synthetic_shapes(ShapesSpec{4, 512, 128, 16, 6.0, 3});
        const int batch = 32;
        NetworkSpec spec;
        spec.model = ModelSpec::make(c.name, c.params, c.batchnorm, c.dropout);
        Network net(ctx, spec, batch, InputShape{1, 16, 16, 4});
        Rng rng(7);
        net.initialise(builtin_init("he_normal"), rng);
        const auto [before, after] = loss_before_after(net, data, 0.01, c.epochs, rng);
        INFO("loss before " << before << ", after " << after);
        CHECK(after < 0.6 * std::min(before, std::log(4.0)));
    }
}

namespace {

// Models for the fusion tests: lenet on tiny plain layouts and on 16-channel blocked ones, lenet with batch norm
// before each activation, and the three residual block layouts (4 blocks; at width 4 the channels are padded to
// blocks of 16, where the sums stay unfused, residual.cpp). The counts are of the layers that run the activation after
// them fused in evaluation, for an activation computed exactly: every conv, dense layer and residual sum followed by
// one; a batch norm only for ReLU (oneDNN's fuse_norm_relu has no slope); in bf16 a leaky slope only the network's
// own conv and dense layers (fusion.hpp).
struct FusionCase {
    std::string name;
    ModelSpec model;
    std::size_t fused_any, fused_relu_extra, fused_bf16_slope;
    bool normalised = false;  // batch norm: a training forward normalises by the batch's statistics
};

std::vector<FusionCase> fusion_cases() {
    auto resnet = [](double block, double width) {
        return ModelSpec::make("resnet", {{"depth", 10}, {"width", width}, {"stages", 2}, {"block", block}});
    };
    return {{"lenet tiny", ModelSpec::make("lenet", {{"conv1", 4}, {"conv2", 8}, {"dense", 16}, {"kernel", 3}, {"padding", 1}}), 3, 0, 3},
            {"lenet", ModelSpec::make("lenet", {{"conv1", 16}, {"conv2", 32}, {"dense", 32}}), 3, 0, 3},
            {"lenet batchnorm before", ModelSpec::make("lenet", {{"conv1", 16}, {"conv2", 32}, {"dense", 32}}, "before"), 0, 3, 0, true},
            // each sum; the stem's and each block's first batch norm
            {"resnet post_activation", resnet(0, 16), 4, 5, 0, true},
            {"resnet post_activation padded", resnet(0, 4), 0, 5, 0, true},
            // each block's two batch norms, and the last one
            {"resnet pre_activation", resnet(1, 4), 0, 9, 0, true},
            // the stem, each block's first conv and each sum
            {"resnet plain", resnet(2, 16), 9, 0, 1}};
}
}  // namespace

TEST_CASE("evaluation with the activation fused into conv, dense, batch norm and residual sums gives the unfused bits", "[network][fusion]") {
    // Every oneDNN-eltwise activation (and non-default parameters), on the fusion cases, in fp32 and (where the CPU
    // has it) bf16: the log-probabilities of an evaluation forward with fusion on equal those with it off, bit for
    // bit (in bf16 but for leaky ReLU, below), and only the exactly computed activations fuse.
    Context ctx;
    std::vector<ActivationSpec> acts;
    for (const auto& info : activation_table())
        if (info.kernel == ActivationKernel::eltwise) acts.push_back(builtin_activation(info.name));
    acts.push_back(activation_variant("very_leaky", "leaky_relu", {{"slope", 0.18}}));
    acts.push_back(activation_variant("elu2", "elu", {{"alpha", 2.0}}));
    REQUIRE(acts.size() > 10);
    const int batch = 16;
    std::vector<Precision> precisions{Precision::fp32};
    if (native_bf16()) precisions.push_back(Precision::bf16);
    for (const Precision precision : precisions)
    for (const FusionCase& c : fusion_cases())
        for (const ActivationSpec& act : acts) {
            INFO(act.name << " on " << c.name << " " << precision_name(precision));
            NetworkSpec spec;
            spec.model = c.model;
            spec.activation = act;
            spec.precision = precision;
            Network net(ctx, spec, batch, InputShape{});
            // The exact ones fuse; the rest not at all.
            const bool exact = act.name == "relu" || act.name == "leaky_relu" || act.name == "very_leaky" || act.name == "relu6" ||
                act.name == "clipped_relu" || act.name == "abs" || act.name == "identity";
            const bool bf16_slope = precision == Precision::bf16 && (act.name == "leaky_relu" || act.name == "very_leaky");
            CHECK(net.fused_layers() ==
                  (!exact ? 0u : bf16_slope ? c.fused_bf16_slope : c.fused_any + (act.name == "relu" ? c.fused_relu_extra : 0)));
            Rng rng(41);
            net.initialise(builtin_init("he_normal"), rng);
            const auto x = random_vector(static_cast<std::size_t>(batch) * 28 * 28, rng);
            std::copy(x.begin(), x.end(), net.input());
            std::vector<std::int32_t> labels(batch);
            for (auto& l : labels) l = static_cast<std::int32_t>(rng.below(10));
            net.set_training(false);
            net.set_evaluation_fusion(false);
            const LossResult plain = net.forward(labels.data(), batch);
            const std::vector<float> expected(net.log_probabilities(), net.log_probabilities() + batch * 10);
            net.set_evaluation_fusion(true);
            const LossResult fused = net.forward(labels.data(), batch);
            const std::vector<float> got(net.log_probabilities(), net.log_probabilities() + batch * 10);
            // In bf16 a fused leaky slope multiplies the fp32 sum and rounds once, where unfused it multiplies the
            // rounded output and rounds again: other bits (measured), within bf16's rounding. Every other
            // activation commutes with the rounding and gives the same bits. (Committed bf16 studies were evaluated
            // fused; training fuses only where the bits are the same, network.cpp.)
            if (bf16_slope && c.fused_bf16_slope > 0) {
                for (std::size_t i = 0; i < got.size(); ++i) CHECK(got[i] == Approx(expected[i]).margin(0.05));
            } else {
                CHECK(got == expected);
                CHECK(fused.loss_sum == plain.loss_sum);
            }
            // A training forward after evaluation gives the unfused bits too (fused or not in training), where it
            // computes the same function.
            if (c.normalised) continue;
            net.set_training(true);
            net.forward(labels.data(), batch);
            CHECK(std::vector<float>(net.log_probabilities(), net.log_probabilities() + batch * 10) == expected);
        }
}

TEST_CASE("training with an in-place activation fused into conv, dense, batch norm and residual sums gives the unfused bits",
          "[network][fusion]") {
    // ReLU and leaky ReLU compute in place, so training fuses them (their backward reads only the output; after
    // batch norm, ReLU's backward is batch norm's); three momentum steps with training fusion on and off end at the
    // same parameters and batch-norm statistics, bit for bit, on the fusion cases, in fp32 and (where the CPU has
    // it) bf16. An activation that keeps its input (relu6) is never fused in training, nor in bf16 a leaky ReLU (its
    // slope does not commute with the output's rounding).
    Context ctx;
    const int batch = 16;
    std::vector<Precision> precisions{Precision::fp32};
    if (native_bf16()) precisions.push_back(Precision::bf16);
    else WARN("bf16 not checked: oneDNN runs at " << effective_isa_name() << ", without bf16 instructions");
    for (const Precision precision : precisions)
    for (const FusionCase& c : fusion_cases())
        for (const ActivationSpec& act : {builtin_activation("relu"), activation_variant("very_leaky", "leaky_relu", {{"slope", 0.18}}),
                                          builtin_activation("relu6")}) {
            INFO(act.name << " on " << c.name << ", " << precision_name(precision));
            std::vector<std::vector<float>> finals;
            for (const bool fuse : {false, true}) {
                NetworkSpec spec;
                spec.model = c.model;
                spec.activation = act;
                spec.precision = precision;
                Network net(ctx, spec, batch, InputShape{});
                const bool leaky_bf16 = act.name == "very_leaky" && precision == Precision::bf16;  // see fusion.hpp
                const std::size_t expected = act.name == "relu" ? c.fused_any + c.fused_relu_extra : c.fused_any;
                CHECK(net.fused_training_layers() == (act.name == "relu6" || leaky_bf16 ? 0u : expected));
                net.set_training_fusion(fuse);
                Rng rng(41);
                net.initialise(builtin_init("he_normal"), rng);
                Optimizer optimizer(net.params(), OptimizerSpec{});
                std::vector<std::int32_t> labels(batch);
                for (int step = 0; step < 3; ++step) {
                    const auto x = random_vector(static_cast<std::size_t>(batch) * 28 * 28, rng);
                    std::copy(x.begin(), x.end(), net.input());
                    for (auto& l : labels) l = static_cast<std::int32_t>(rng.below(10));
                    net.forward(labels.data(), batch);
                    net.backward();
                    optimizer.step(0.05);
                }
                std::vector<float> all(net.log_probabilities(), net.log_probabilities() + batch * 10);
                for (Param* p : net.params()) {
                    const auto v = to_plain(ctx, p->value);
                    all.insert(all.end(), v.begin(), v.end());
                }
                net.set_training(false);  // evaluation reads batch norm's running statistics
                net.forward(labels.data(), batch);
                all.insert(all.end(), net.log_probabilities(), net.log_probabilities() + batch * 10);
                finals.push_back(all);
            }
            CHECK(finals[0] == finals[1]);
        }
}

TEST_CASE("paired initialisation: a weight tensor's draws depend only on the seed, its layer and shape, and the init's scale",
          "[network][init][pairing]") {
    Context ctx;
    const InputShape in{1, 16, 16, 3};
    auto weights = [&](const NetworkSpec& spec, const InitSpec& init, std::uint64_t seed) {
        Network net(ctx, spec, 4, in);
        net.initialise_paired(init, seed);
        std::map<std::string, std::vector<float>> w;
        for (Param* p : net.params())
            if (p->role == ParamRole::weight) w[p->name] = to_plain(ctx, p->value);
        return w;
    };
    const InitSpec he = builtin_init("he_normal"), xavier = builtin_init("xavier_normal");
    const auto relu = weights(small_spec("relu"), he, 7);
    // Another activation, bias setting or a second network: the same weights, bit for bit.
    CHECK(weights(small_spec("tanh", std::nullopt), he, 7) == relu);
    CHECK(weights(small_spec("relu"), he, 7) == relu);
    CHECK(weights(small_spec("relu"), he, 8) != relu);
    // Another init of the same kind only rescales the same draws.
    const auto x = weights(small_spec("relu"), xavier, 7);
    for (const auto& [name, w] : relu) {
        INFO(name);
        const std::vector<float>& v = x.at(name);
        const double ratio = static_cast<double>(v[0]) / w[0];
        for (std::size_t i = 0; i < w.size(); i += 7) CHECK(v[i] == Approx(ratio * w[i]).epsilon(1e-5));
    }
    // A model with a wider conv2: conv1 keeps its draws (same name and shape); the layers whose shape changed differ.
    NetworkSpec wider = small_spec("relu");
    wider.model = ModelSpec::make("lenet", {{"conv1", 4}, {"conv2", 12}, {"dense", 16}, {"kernel", 3}, {"padding", 1}});
    const auto w2 = weights(wider, he, 7);
    CHECK(w2.at("conv1.weight") == relu.at("conv1.weight"));
    CHECK(w2.at("conv2.weight") != relu.at("conv2.weight"));
}
