#include "config/yaml_reader.hpp"

#include <algorithm>
#include <fstream>
#include <map>
#include <optional>
#include <set>

namespace actbench {

namespace {

std::size_t edit_distance(const std::string& a, const std::string& b) {
    std::vector<std::size_t> prev(b.size() + 1), cur(b.size() + 1);
    for (std::size_t j = 0; j <= b.size(); ++j) prev[j] = j;
    for (std::size_t i = 1; i <= a.size(); ++i) {
        cur[0] = i;
        for (std::size_t j = 1; j <= b.size(); ++j)
            cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)});
        std::swap(prev, cur);
    }
    return prev[b.size()];
}

std::string join(const std::vector<std::string>& items) {
    std::string s;
    for (const auto& i : items) s += (s.empty() ? "" : ", ") + i;
    return s;
}

}  // namespace

void Reader::expect_map(const YAML::Node& node, const std::string& section, const std::vector<std::string>& allowed,
                        const std::string& also_valid) const {
    if (!node.IsMap()) fail(node, "'" + section + "' must be a mapping of keys to values");
    for (auto it = node.begin(); it != node.end(); ++it) {
        const std::string key = it->first.as<std::string>();
        if (std::find(allowed.begin(), allowed.end(), key) != allowed.end()) continue;
        std::string best;
        std::size_t best_d = std::numeric_limits<std::size_t>::max();
        for (const auto& a : allowed) {
            const std::size_t d = edit_distance(key, a);
            if (d < best_d) best_d = d, best = a;
        }
        std::string msg = "unknown key '" + key + "' in " + section;
        if (best_d <= std::max<std::size_t>(2, key.size() / 3)) msg += " (did you mean '" + best + "'?)";
        msg += "; valid keys: " + join(allowed) + also_valid;
        fail(it->first, msg);
    }
}

YAML::Mark Reader::position_in_scalar(const YAML::Node& n, int column) const {
    YAML::Mark m = n.Mark();
    if (m.line < 0 || static_cast<std::size_t>(m.line) >= lines_.size() || column < 1) return m;
    const std::string& first = lines_[m.line];
    const char indicator = static_cast<std::size_t>(m.column) < first.size() ? first[m.column] : '\0';
    if (indicator != '|' && indicator != '>') {
        m.column += column - 1 + (indicator == '"' || indicator == '\'' ? 1 : 0);
        return m;
    }
    int remaining = column - 1;
    for (std::size_t l = m.line + 1; l < lines_.size(); ++l) {
        const std::string& line = lines_[l];
        const std::size_t indent = line.find_first_not_of(' ');
        if (indent == std::string::npos) continue;  // a blank line inside the block
        const int length = static_cast<int>(line.size() - indent);
        if (remaining <= length) {
            m.line = static_cast<int>(l);
            m.column = static_cast<int>(indent) + remaining;
            return m;
        }
        remaining -= length + 1;  // the line and its break
    }
    return n.Mark();
}

std::string read_choice(const Reader& r, const YAML::Node& n, const std::string& what, const std::vector<std::string_view>& choices) {
    const std::string v = r.str(n, what);
    std::string valid;
    for (auto c : choices) {
        if (c == v) return v;
        valid += (valid.empty() ? "" : ", ") + std::string(c);
    }
    r.fail(n, what + ": unknown value '" + v + "'; valid: " + valid);
}

double read_subset(const Reader& r, const YAML::Node& n, const std::string& what) {
    const double v = r.number(n, what + " (a count, or a fraction below 1)", 0, static_cast<double>(1LL << 40));
    if (v >= 1 && v != std::floor(v)) r.fail(n, what + ": " + n.Scalar() + " is neither a whole count nor a fraction below 1");
    return v;
}

namespace {

// Every mapping in `n` holds each key once: YAML forbids duplicates, and yaml-cpp would keep the first and
// silently ignore the rest (a second train: block).
void check_unique_keys(const Reader& r, const YAML::Node& n, std::set<std::pair<int, int>>& visited) {
    if (!n.IsSequence() && !n.IsMap()) return;
    // Each collection once: an alias is the node it names, at the same place in the file. Walking aliases again
    // would expand a "billion laughs" document (nested aliases, 10^9 nodes) and never finish.
    const YAML::Mark m = n.Mark();
    if (!m.is_null() && !visited.insert({m.line, m.column}).second) return;
    if (n.IsSequence())
        for (const auto& item : n) check_unique_keys(r, item, visited);
    if (!n.IsMap()) return;
    std::map<std::string, YAML::Mark> seen;
    for (auto it = n.begin(); it != n.end(); ++it) {
        if (it->first.IsScalar()) {
            const auto [at, fresh] = seen.emplace(it->first.Scalar(), it->first.Mark());
            if (!fresh)
                r.fail(it->first,
                       "duplicate key '" + it->first.Scalar() + "' (first at line " + std::to_string(at->second.line + 1) +
                           "); a mapping holds each key once — merge the two");
        }
        check_unique_keys(r, it->second, visited);
    }
}

}  // namespace

std::string read_config_text(const std::filesystem::path& path, const std::string& what) {
    std::error_code ec;
    const auto status = std::filesystem::status(path, ec);
    if (ec || !std::filesystem::exists(status)) throw InputError(path.string() + ": cannot open the " + what + ": no such file");
    if (std::filesystem::is_directory(status))
        throw InputError(path.string() + ": is a directory; expected the " + what + " (a YAML file)");
    if (!std::filesystem::is_regular_file(status))
        throw InputError(path.string() + ": is not a regular file; expected the " + what + " (a YAML file)");
    std::ifstream in(path);
    if (!in) throw InputError(path.string() + ": cannot open the " + what);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
}

YAML::Node load_yaml(const Reader& r, const std::string& text, const std::string& file) {
    YAML::Node root;
    try {
        root = YAML::Load(text);
    } catch (const YAML::Exception& e) {
        throw InputError(file + ":" + std::to_string(e.mark.line + 1) + ":" + std::to_string(e.mark.column + 1) +
                         ": YAML syntax error: " + e.msg);
    }
    std::set<std::pair<int, int>> visited;
    check_unique_keys(r, root, visited);
    return root;
}

namespace {
// A new mapping holding the entries of `n` (when it is one), in their order, the original nodes, except `key`:
// left out (no value) or replaced in its place (appended when `n` has no such key). The order matters: the
// sweep's axes are its keys in the file's order.
YAML::Node map_with(const YAML::Node& n, const std::string& key, const std::optional<YAML::Node>& value) {
    YAML::Node out(YAML::NodeType::Map);
    bool placed = false;
    if (n && n.IsMap())
        for (auto it = n.begin(); it != n.end(); ++it) {
            if (it->first.Scalar() != key) {
                out[it->first.Scalar()] = it->second;
            } else if (value) {
                out[key] = *value;
                placed = true;
            }
        }
    if (value && !placed) out[key] = *value;
    return out;
}
}  // namespace

YAML::Node with_value(const YAML::Node& root, const std::vector<std::string>& path, const YAML::Node& value) {
    if (path.empty()) return value;
    const YAML::Node inner = root && root.IsMap() ? root[path[0]] : YAML::Node();
    return map_with(root, path[0], with_value(inner, std::vector<std::string>(path.begin() + 1, path.end()), value));
}

YAML::Node without_key(const YAML::Node& root, const std::string& key) { return map_with(root, key, std::nullopt); }

std::vector<std::string> dotted_path(const std::string& path) {
    std::vector<std::string> parts;
    for (std::size_t b = 0, e; b <= path.size(); b = e + 1) {
        e = path.find('.', b);
        if (e == std::string::npos) e = path.size();
        parts.push_back(path.substr(b, e - b));
    }
    return parts;
}

// A YAML scalar as JSON: an integer, a number, or a string.
nlohmann::json scalar_json(const YAML::Node& n) {
    std::int64_t i = 0;
    double d = 0;
    if (YAML::convert<std::int64_t>::decode(n, i)) return i;
    if (YAML::convert<double>::decode(n, d)) return d;
    return n.Scalar();
}

void refuse_repeats(const Reader& r, const std::vector<YAML::Node>& items, const std::string& what) {
    std::set<std::string> seen;
    for (const auto& item : items) {
        if (!item.IsScalar()) continue;
        const std::string value = scalar_json(item).dump();
        if (!seen.insert(value).second) r.fail(item, what + ": value " + value + " appears twice");
    }
}

}  // namespace actbench
