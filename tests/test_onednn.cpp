#include "conv.hpp"
#include "onednn.hpp"

#include <catch2/catch.hpp>

using namespace actbench;

TEST_CASE("channel_block names the layouts the probe statistics read in place", "[onednn]") {
    const memory::dims d4{2, 20, 5, 5}, d3{2, 20, 7}, d2{2, 20};
    CHECK(channel_block(plain_desc(d4)) == std::optional<std::size_t>{0});
    CHECK(channel_block(plain_desc(d3)) == std::optional<std::size_t>{0});
    CHECK(channel_block(plain_desc(d2)) == std::optional<std::size_t>{0});
    CHECK(channel_block(memory::desc(d4, dt::f32, tag::nChw16c)) == std::optional<std::size_t>{16});
    CHECK(channel_block(memory::desc(d4, dt::f32, tag::nChw8c)) == std::optional<std::size_t>{8});
    CHECK(channel_block(memory::desc(d4, dt::f32, tag::aBcd4b)) == std::optional<std::size_t>{4});
    CHECK(channel_block(memory::desc(d3, dt::f32, tag::nCw8c)) == std::optional<std::size_t>{8});
    CHECK_FALSE(channel_block(memory::desc(d4, dt::f32, tag::nhwc)));
    CHECK_FALSE(channel_block(memory::desc(d4, dt::f32, tag::Abcd16a)));
    CHECK_FALSE(channel_block(memory::desc(d2, dt::f32, tag::ba)));
}

TEST_CASE("the layouts oneDNN picks for LeNet's conv outputs on this CPU are read in place", "[onednn]") {
    // Otherwise the probe statistics copy each activation to plain: ~20 MB more at a full-data trial's peak.
    Context ctx;
    Conv2d conv1("conv1", ConvSpec{32, 5, 1, 2, true}), conv2("conv2", ConvSpec{64, 5, 1, 2, true});
    const memory::desc out1 = conv1.build(ctx, plain_desc({64, 1, 28, 28}), false);
    const memory::desc out2 = conv2.build(ctx, any_desc({64, 32, 14, 14}), true);
    CHECK(channel_block(out1));
    CHECK(channel_block(out2));
}
