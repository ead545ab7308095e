#include "optimizer.hpp"

#include <catch2/catch.hpp>

#include <cmath>

using namespace actbench;

namespace {
// A parameter of two values with the given role, value and gradient.
struct Fixture {
    Context ctx;
    Param weight, bias, slope, norm, learned;
    Fixture() {
        for (Param* p : {&weight, &bias, &slope, &norm, &learned}) {
            p->dims = {2};
            p->value = memory(plain_desc({2}), ctx.engine);
            p->grad = memory(plain_desc({2}), ctx.engine);
        }
        weight.role = ParamRole::weight;
        bias.role = ParamRole::bias;
        slope.role = ParamRole::slope;
        norm.role = ParamRole::norm;
        learned.role = ParamRole::learned;
        set(learned, {1.0f, 2.0f}, {0.5f, 0.0f});
        set(weight, {1.0f, -2.0f}, {0.5f, 0.25f});
        set(bias, {0.1f, 0.2f}, {-1.0f, 1.0f});
        set(slope, {0.25f, 0.25f}, {0.0f, 0.0f});
        set(norm, {1.0f, 1.0f}, {0.0f, 0.0f});
    }
    static void set(Param& p, std::vector<float> v, std::vector<float> g) {
        std::copy(v.begin(), v.end(), data_of(p.value));
        std::copy(g.begin(), g.end(), data_of(p.grad));
    }
    static float w(const Param& p, int i) { return data_of(p.value)[i]; }
};
}  // namespace

TEST_CASE("each optimiser's update matches a hand-computed step", "[optimizer]") {
    SECTION("sgd with weight decay on weights only") {
        Fixture f;
        Optimizer opt({&f.weight, &f.bias, &f.slope, &f.norm}, OptimizerSpec{"sgd", 0, 0.9, 0.999, 1e-8, 0.1, 0});
        opt.step(0.5);
        CHECK(Fixture::w(f.weight, 0) == Approx(1.0 - 0.5 * (0.5 + 0.1 * 1.0)));
        CHECK(Fixture::w(f.weight, 1) == Approx(-2.0 - 0.5 * (0.25 + 0.1 * -2.0)));
        CHECK(Fixture::w(f.bias, 0) == Approx(0.1 + 0.5));  // no decay on biases
        CHECK(Fixture::w(f.slope, 0) == Approx(0.25));  // nor on PReLU slopes
        CHECK(Fixture::w(f.norm, 0) == Approx(1.0));  // nor on batch-norm scales
    }
    SECTION("a formula's learned parameters: the same step, decayed only with decay_learned") {
        for (const bool decay_learned : {false, true}) {
            Fixture f;
            OptimizerSpec spec{"sgd", 0, 0.9, 0.999, 1e-8, 0.1, 0};
            spec.decay_learned = decay_learned;
            Optimizer opt({&f.learned}, spec);
            opt.step(0.5);
            const double decay = decay_learned ? 0.1 : 0.0;
            CHECK(Fixture::w(f.learned, 0) == Approx(1.0 - 0.5 * (0.5 + decay * 1.0)));
            CHECK(Fixture::w(f.learned, 1) == Approx(2.0 - 0.5 * (0.0 + decay * 2.0)));
        }
    }
    SECTION("momentum, two steps") {
        Fixture f;
        Optimizer opt({&f.weight}, OptimizerSpec{"momentum", 0.9, 0.9, 0.999, 1e-8, 0, 0});
        opt.step(0.1);  // v = 0.5; w = 1 − 0.05
        opt.step(0.1);  // v = 0.9·0.5 + 0.5 = 0.95; w = 0.95 − 0.095
        CHECK(Fixture::w(f.weight, 0) == Approx(1.0 - 0.05 - 0.095));
    }
    SECTION("nesterov, two steps") {
        Fixture f;
        Optimizer opt({&f.weight}, OptimizerSpec{"nesterov", 0.9, 0.9, 0.999, 1e-8, 0, 0});
        opt.step(0.1);  // v = 0.5; w −= 0.1·(0.5 + 0.45)
        opt.step(0.1);  // v = 0.95; w −= 0.1·(0.5 + 0.855)
        CHECK(Fixture::w(f.weight, 0) == Approx(1.0 - 0.095 - 0.1355));
    }
    SECTION("adam, two steps") {
        Fixture f;
        Optimizer opt({&f.weight}, OptimizerSpec{"adam", 0, 0.9, 0.999, 1e-8, 0, 0});
        opt.step(0.01);
        // Step 1: m̂ = g, ŝ = g², so the update is lr·g/|g| = lr (sign of g).
        CHECK(Fixture::w(f.weight, 0) == Approx(1.0 - 0.01));
        opt.step(0.01);
        const double g = 0.5, m = 0.9 * 0.1 * g + 0.1 * g, s = 0.999 * 0.001 * g * g + 0.001 * g * g;
        const double mh = m / (1 - 0.81), sh = s / (1 - 0.999 * 0.999);
        CHECK(Fixture::w(f.weight, 0) == Approx(1.0 - 0.01 - 0.01 * mh / (std::sqrt(sh) + 1e-8)));
    }
    SECTION("clipping by the global norm") {
        Fixture f;
        Optimizer opt({&f.weight, &f.bias}, OptimizerSpec{"sgd", 0, 0.9, 0.999, 1e-8, 0, 1.0});
        const double norm = std::sqrt(0.25 + 0.0625 + 1 + 1);
        CHECK(opt.step(1.0) == Approx(norm));
        CHECK(Fixture::w(f.weight, 0) == Approx(1.0 - 0.5 / norm));
        CHECK(Fixture::w(f.bias, 1) == Approx(0.2 - 1.0 / norm));
    }
    CHECK_THROWS_WITH(Optimizer({}, OptimizerSpec{"rmsprop"}), Catch::Contains("sgd, momentum, nesterov, adam"));
}

TEST_CASE("learning-rate schedules", "[optimizer][schedule]") {
    const long per_epoch = 10, total = 100;
    ScheduleSpec constant;
    CHECK(scheduled_lr(constant, 0.1, 57, per_epoch, total) == 0.1);
    ScheduleSpec step{"step", 3, 0.5, 0};
    CHECK(scheduled_lr(step, 0.1, 29, per_epoch, total) == Approx(0.1));  // epoch 2.9
    CHECK(scheduled_lr(step, 0.1, 30, per_epoch, total) == Approx(0.05));  // epoch 3
    CHECK(scheduled_lr(step, 0.1, 65, per_epoch, total) == Approx(0.025));
    ScheduleSpec cosine{"cosine", 0, 0, 0};
    CHECK(scheduled_lr(cosine, 0.1, 0, per_epoch, total) == Approx(0.1));
    CHECK(scheduled_lr(cosine, 0.1, 50, per_epoch, total) == Approx(0.05));
    CHECK(scheduled_lr(cosine, 0.1, 100, per_epoch, total) == Approx(0.0).margin(1e-12));
    ScheduleSpec warm{"cosine", 0, 0, 2};  // 20 warm-up steps, then cosine over 80
    CHECK(scheduled_lr(warm, 0.1, 0, per_epoch, total) == Approx(0.1 / 20));
    CHECK(scheduled_lr(warm, 0.1, 19, per_epoch, total) == Approx(0.1));
    CHECK(scheduled_lr(warm, 0.1, 60, per_epoch, total) == Approx(0.05));
}
