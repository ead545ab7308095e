#include "report/tidy_table.hpp"

namespace actbench {

std::string csv_escape(const std::string& s) {
    if (s.find_first_of(",\"\n\r") == std::string::npos) return s;
    std::string out = "\"";
    for (char c : s) out += c == '"' ? std::string("\"\"") : std::string(1, c);
    return out + "\"";
}

std::string to_csv(const TidyTable& t) {
    std::string out;
    for (std::size_t c = 0; c < t.columns.size(); ++c) {
        if (c) out += ",";
        out += csv_escape(t.columns[c]);
    }
    out += "\n";
    for (const auto& row : t.rows) {
        for (std::size_t c = 0; c < row.size(); ++c) {
            if (c) out += ",";
            const nlohmann::json& v = row[c];
            if (v.is_null()) continue;
            // JSON's number spelling is the shortest that reads back to the same double: full precision.
            out += v.is_string() ? csv_escape(v.get<std::string>()) : v.dump();
        }
        out += "\n";
    }
    return out;
}

std::string to_jsonl(const TidyTable& t) {
    std::string out;
    for (const auto& row : t.rows) {
        nlohmann::ordered_json line = nlohmann::ordered_json::object();  // columns in the table's order
        for (std::size_t c = 0; c < row.size(); ++c) line[t.columns[c]] = row[c];
        out += line.dump() + "\n";
    }
    return out;
}

}  // namespace actbench
