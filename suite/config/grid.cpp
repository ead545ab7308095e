#include "config/grid.hpp"

#include <algorithm>
#include <stdexcept>

namespace actbench {

namespace {

std::size_t axis_at(const std::vector<Axis>& axes, const std::string& name) {
    for (std::size_t i = 0; i < axes.size(); ++i)
        if (axes[i].name == name) return i;
    throw std::invalid_argument("enumerate_grid: no axis '" + name + "'");
}

// The counter's digits: a zip group's axes, or one axis alone, in the order of each group's first axis.
std::vector<std::vector<std::size_t>> counter_groups(const std::vector<Axis>& axes, const std::vector<std::vector<std::string>>& zip) {
    std::vector<int> zip_of(axes.size(), -1);
    for (std::size_t z = 0; z < zip.size(); ++z)
        for (const auto& name : zip[z]) zip_of[axis_at(axes, name)] = static_cast<int>(z);
    std::vector<std::vector<std::size_t>> groups;
    std::vector<int> seen;
    for (std::size_t i = 0; i < axes.size(); ++i) {
        if (zip_of[i] < 0) {
            groups.push_back({i});
            continue;
        }
        if (std::find(seen.begin(), seen.end(), zip_of[i]) != seen.end()) continue;
        seen.push_back(zip_of[i]);
        std::vector<std::size_t> members;
        for (std::size_t j = 0; j < axes.size(); ++j)
            if (zip_of[j] == zip_of[i]) members.push_back(j);
        groups.push_back(members);
    }
    return groups;
}

// A rule as (axis, value index) pairs; nullopt-like empty `possible` when it names a value its axis lacks.
struct Rule {
    std::vector<std::pair<std::size_t, std::uint32_t>> values;
    bool possible = true;
};

std::vector<Rule> compile_rules(const std::vector<Axis>& axes, const nlohmann::json& exclude) {
    std::vector<Rule> rules;
    for (const auto& rule : exclude) {
        Rule r;
        for (auto it = rule.begin(); it != rule.end(); ++it) {
            const std::size_t a = axis_at(axes, it.key());
            const auto& values = axes[a].values;
            const auto at = std::find(values.begin(), values.end(), *it);
            if (at == values.end())
                r.possible = false;
            else
                r.values.emplace_back(a, static_cast<std::uint32_t>(at - values.begin()));
        }
        rules.push_back(r);
    }
    return rules;
}

}  // namespace

std::vector<bool> enumerate_grid(const std::vector<Axis>& axes, const std::vector<std::vector<std::string>>& zip,
                                 const nlohmann::json& exclude, const std::function<void(const std::vector<std::uint32_t>&)>& visit) {
    const auto groups = counter_groups(axes, zip);
    const std::vector<Rule> rules = compile_rules(axes, exclude);
    std::vector<bool> used(rules.size(), false);
    for (const auto& g : groups)
        if (axes[g[0]].values.empty()) return used;  // an empty axis: no combination
    std::vector<std::size_t> counter(groups.size(), 0);
    std::vector<std::uint32_t> index(axes.size());
    for (bool done = groups.empty(); !done;) {
        for (std::size_t g = 0; g < groups.size(); ++g)
            for (std::size_t a : groups[g]) index[a] = static_cast<std::uint32_t>(counter[g]);
        bool excluded = false;
        for (std::size_t k = 0; k < rules.size(); ++k) {
            bool match = rules[k].possible;
            for (const auto& [a, v] : rules[k].values) match &= index[a] == v;
            if (match) excluded = true, used[k] = true;
        }
        if (!excluded) visit(index);
        std::size_t g = groups.size();
        while (g-- > 0) {
            if (++counter[g] < axes[groups[g][0]].values.size()) break;
            counter[g] = 0;
            if (g == 0) done = true;
        }
    }
    return used;
}

}  // namespace actbench
