// Named parameters of a family (an activation, an initialiser, a model): defaults filled in, unknown names
// refused with the valid ones listed, values checked against their ranges. One implementation for all three
// tables.
#pragma once

#include <cmath>
#include <map>
#include <sstream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace actbench {

inline std::string format_number(double v) {
    std::ostringstream s;
    s << v;
    return s.str();
}

// A choice parameter (a table row's `choices`, the value an index into them): the index of `name`, or −1 when it is
// not among them; the name of an index; the names listed for a message.
inline int choice_index(const std::vector<std::string_view>& choices, std::string_view name) {
    for (std::size_t i = 0; i < choices.size(); ++i)
        if (choices[i] == name) return static_cast<int>(i);
    return -1;
}
inline std::string_view choice_name(const std::vector<std::string_view>& choices, double index) {
    return choices.at(static_cast<std::size_t>(index));
}
inline std::string choice_list(const std::vector<std::string_view>& choices) {
    std::string list;
    for (auto c : choices) list += (list.empty() ? "" : ", ") + std::string(c);
    return list;
}

// Whether a table's parameter takes only whole numbers (a count, a flag or a choice index): a member
// `whole_number` that is a flag or a function, where the table has one.
template <class Info>
bool takes_whole_numbers(const Info& p) {
    if constexpr (requires { p.whole_number(); })
        return p.whole_number();
    else if constexpr (requires { p.whole_number; })
        return p.whole_number;
    else
        return false;
}

// Info has name, default_value, min and max. `kind` names the table in messages ("activation", "init",
// "model"). With whole_numbers, every value must be an integer; otherwise those parameters whose Info says so.
template <class Info>
std::vector<double> resolve_params(const std::vector<Info>& info, const std::map<std::string, double>& given, std::string_view kind,
                                   std::string_view family, bool whole_numbers = false) {
    std::vector<double> values;
    for (const auto& p : info) values.push_back(p.default_value);
    for (const auto& [key, value] : given) {
        std::size_t i = 0;
        while (i < info.size() && info[i].name != key) ++i;
        if (i == info.size()) {
            std::string valid;
            for (const auto& p : info) valid += (valid.empty() ? "" : ", ") + std::string(p.name);
            throw std::invalid_argument(std::string(kind) + " " + std::string(family) + " has no parameter '" + key + "' (" +
                                        (valid.empty() ? "it takes none" : "valid: " + valid) + ")");
        }
        const bool whole = whole_numbers || takes_whole_numbers(info[i]);
        const bool in_range = value >= info[i].min && value <= info[i].max;
        if (!in_range || (whole && value != std::floor(value)))
            throw std::invalid_argument(std::string(family) + "." + key + " = " + format_number(value) +
                                        (in_range ? " is not a whole number" : " is out of range") + "; expected " +
                                        (whole ? "a whole number in " : "") + "[" + format_number(info[i].min) + ", " +
                                        format_number(info[i].max) + "]");
        values[i] = value;
    }
    return values;
}

}  // namespace actbench
