// The positioned YAML reader: every value read through it, and every refusal, names the file, line and column
// and what was expected. The config reader, the model-spec files and `extends:` read through it.
#pragma once

#include "core/error.hpp"

#include <yaml-cpp/yaml.h>
#include <nlohmann/json.hpp>

#include <cmath>
#include <cstdint>
#include <filesystem>
#include <limits>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

namespace actbench {

// Reads one YAML file with positions in every message.
class Reader {
public:
    Reader(std::string file, std::string text) : file_(std::move(file)) {
        std::istringstream in(text);
        for (std::string line; std::getline(in, line);) lines_.push_back(line);
    }

    [[noreturn]] void fail(const YAML::Node& at, const std::string& what) const { throw InputError(where(at.Mark()) + what); }
    // "FILE:LINE:COL: " (or "FILE: " without a position)
    std::string where(const YAML::Mark& m) const {
        if (m.is_null()) return file_ + ": ";
        return file_ + ":" + std::to_string(m.line + 1) + ":" + std::to_string(m.column + 1) + ": ";
    }

    // A mapping whose keys must all be in `allowed`; an unknown key is refused with the closest valid one.
    void expect_map(const YAML::Node& node, const std::string& section, const std::vector<std::string>& allowed,
                    const std::string& also_valid = "") const;

    std::string str(const YAML::Node& n, const std::string& what) const {
        if (!n.IsScalar()) fail(n, what + ": expected a string");
        return n.as<std::string>();
    }

    double number(const YAML::Node& n, const std::string& what, double lo, double hi) const {
        double v = 0;
        if (!n.IsScalar() || !YAML::convert<double>::decode(n, v) || !std::isfinite(v))
            fail(n, what + ": expected a number, got " + describe(n));
        if (v < lo || v > hi) fail(n, what + ": " + n.Scalar() + " is out of range; expected " + range(lo, hi));
        return v;
    }

    std::int64_t integer(const YAML::Node& n, const std::string& what, std::int64_t lo, std::int64_t hi) const {
        std::int64_t v = 0;
        if (!n.IsScalar() || !YAML::convert<std::int64_t>::decode(n, v)) fail(n, what + ": expected an integer, got " + describe(n));
        if (v < lo || v > hi)
            fail(n, what + ": " + n.Scalar() + " is out of range; expected " + std::to_string(lo) + ".." + std::to_string(hi));
        return v;
    }

    // A scalar or a sequence of scalars, as a list of nodes.
    std::vector<YAML::Node> list(const YAML::Node& n, const std::string& what) const {
        std::vector<YAML::Node> items;
        if (n.IsScalar()) {
            items.push_back(n);
        } else if (n.IsSequence()) {
            for (const auto& item : n) items.push_back(item);
        } else {
            fail(n, what + ": expected a value or a list of values");
        }
        if (items.empty()) fail(n, what + ": the list is empty; expected at least one value");
        return items;
    }

    // The place in the file of character `column` (1-based) of scalar `n`'s value: after the opening quote of a
    // quoted scalar, on the content lines of a block scalar (| or >, one character per line break), else
    // on the mark's line.
    YAML::Mark position_in_scalar(const YAML::Node& n, int column) const;

private:
    static std::string describe(const YAML::Node& n) {
        if (n.IsScalar()) return "'" + n.Scalar() + "'";
        if (n.IsSequence()) return "a list";
        if (n.IsMap()) return "a mapping";
        return "nothing";
    }
    static std::string range(double lo, double hi) {
        std::ostringstream s;
        s << "[" << lo << ", " << hi << "]";
        return s.str();
    }
    std::string file_;
    std::vector<std::string> lines_;
};

// A string among `choices`, or a refusal listing them.
std::string read_choice(const Reader& r, const YAML::Node& n, const std::string& what, const std::vector<std::string_view>& choices);
// A count (a whole number ≥ 1, or 0 for all) or a fraction below 1.
double read_subset(const Reader& r, const YAML::Node& n, const std::string& what);
// The text of a config or model file: a regular file (not a directory, a FIFO or a device), read whole.
std::string read_config_text(const std::filesystem::path& path, const std::string& what);
// Parses YAML text with every syntax error and duplicate key placed.
YAML::Node load_yaml(const Reader& r, const std::string& text, const std::string& file);
// Derived documents that keep the file's positions (YAML::Clone drops every mark, so an error found in a cloned
// document would point at 1:1): `root` with the value at `path` (mapping keys) replaced by `value`, or with the
// top-level `key` left out. Only the mappings along the path are new; every other node is the original, with its
// mark, and the original document is not changed.
YAML::Node with_value(const YAML::Node& root, const std::vector<std::string>& path, const YAML::Node& value);
YAML::Node without_key(const YAML::Node& root, const std::string& key);
// "a.b.c" → {"a", "b", "c"}
std::vector<std::string> dotted_path(const std::string& path);

// A YAML scalar as JSON: an integer, a number, or a string.
nlohmann::json scalar_json(const YAML::Node& n);
// A list whose values must differ (a dotted-path sweep axis, tune.values, tune.seeds), refused at the first repeat
// ("WHAT: value V appears twice", V as JSON); linear in the list's length.
void refuse_repeats(const Reader& r, const std::vector<YAML::Node>& items, const std::string& what);

}  // namespace actbench
