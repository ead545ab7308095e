// The sweep's grid as data: axes with their values, zip groups (axes that move together) and exclusion rules →
// the cells, in order (the first axis varies slowest). Pure: no YAML, no files; config.cpp reads the axes from
// the file and hands them here, then gives each cell its sections.
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace actbench {

// One axis of the sweep: "activation", "init", "bias", "seed", or a dotted path into the config
// ("train.lr", "model.batchnorm", "dataset.normalize"), with its values as JSON.
struct Axis {
    std::string name;
    std::vector<nlohmann::json> values;
};

// Calls visit(value indices, one per axis) for every combination of the axes' values that no rule excludes, in
// order: a mixed-radix counter over the groups (a zip group, or one axis alone), the first group slowest; the axes
// of a zip group take the same index. `zip` names axes (each in at most one group, groups' axes with equally many
// values); each exclusion rule is {axis: value, …} and drops every combination with all of those values (a rule
// naming a value its axis lacks drops none). Returns, per rule, whether it dropped any combination.
std::vector<bool> enumerate_grid(const std::vector<Axis>& axes, const std::vector<std::vector<std::string>>& zip,
                                 const nlohmann::json& exclude, const std::function<void(const std::vector<std::uint32_t>&)>& visit);

}  // namespace actbench
