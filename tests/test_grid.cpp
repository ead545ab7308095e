#include "config/grid.hpp"

#include <catch2/catch.hpp>

using namespace actbench;

namespace {
std::vector<std::vector<std::uint32_t>> cells_of(const std::vector<Axis>& axes, const std::vector<std::vector<std::string>>& zip,
                                                 const nlohmann::json& exclude, std::vector<bool>* used = nullptr) {
    std::vector<std::vector<std::uint32_t>> cells;
    const auto u = enumerate_grid(axes, zip, exclude, [&](const std::vector<std::uint32_t>& index) { cells.push_back(index); });
    if (used) *used = u;
    return cells;
}
}  // namespace

TEST_CASE("the grid: the full product, first axis slowest", "[grid]") {
    const std::vector<Axis> axes{{"activation", {"relu", "tanh"}}, {"train.lr", {0.1, 0.01, 0.001}}, {"seed", {1}}};
    const auto cells = cells_of(axes, {}, nlohmann::json::array());
    const std::vector<std::vector<std::uint32_t>> expected{{0, 0, 0}, {0, 1, 0}, {0, 2, 0}, {1, 0, 0}, {1, 1, 0}, {1, 2, 0}};
    CHECK(cells == expected);
}

TEST_CASE("the grid: zipped axes move together, at the position of their first axis", "[grid]") {
    const std::vector<Axis> axes{{"train.lr", {0.1, 0.01}}, {"activation", {"relu", "tanh", "elu"}}, {"train.momentum", {0.9, 0.0}}};
    const auto cells = cells_of(axes, {{"train.lr", "train.momentum"}}, nlohmann::json::array());
    const std::vector<std::vector<std::uint32_t>> expected{{0, 0, 0}, {0, 1, 0}, {0, 2, 0}, {1, 0, 1}, {1, 1, 1}, {1, 2, 1}};
    CHECK(cells == expected);
}

TEST_CASE("the grid: an exclusion drops every combination it matches — unmatched rules are reported", "[grid]") {
    const std::vector<Axis> axes{
        {"activation", {"relu", "sigmoid"}}, {"train.lr", {0.1, 0.01}}, {"bias", {0.0, nlohmann::json{{"default", 0}, {"dense1", 1.0}}}}};
    const nlohmann::json exclude = nlohmann::json::parse(
        R"([{"activation": "sigmoid", "train.lr": 0.1}, {"bias": {"default": 0, "dense1": 1.0}, "activation": "relu"}, {"activation": "swish"}])");
    std::vector<bool> used;
    const auto cells = cells_of(axes, {}, exclude, &used);
    const std::vector<std::vector<std::uint32_t>> expected{{0, 0, 0}, {0, 1, 0}, {1, 1, 0}, {1, 1, 1}};
    CHECK(cells == expected);
    CHECK(used == std::vector<bool>{true, true, false});  // swish is not a value of the axis
}

TEST_CASE("the grid: an axis the zip or a rule names must exist", "[grid]") {
    const std::vector<Axis> axes{{"activation", {"relu"}}};
    CHECK_THROWS_AS(cells_of(axes, {{"activation", "train.lr"}}, nlohmann::json::array()), std::invalid_argument);
    CHECK_THROWS_AS(cells_of(axes, {}, nlohmann::json::parse(R"([{"init": "he_normal"}])")), std::invalid_argument);
}
