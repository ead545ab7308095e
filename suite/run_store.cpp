#include "run_store.hpp"

#include "error.hpp"

#include <yaml-cpp/yaml.h>

#include <fcntl.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

namespace actbench {

void write_atomic(const std::filesystem::path& path, const std::string& content) {
    static std::atomic<unsigned> counter{0};
    const std::filesystem::path tmp =
        path.string() + ".tmp." + std::to_string(::getpid()) + "." + std::to_string(counter++);
    const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) throw InputError(tmp.string() + ": cannot create: " + std::strerror(errno));
    const char* p = content.data();
    std::size_t left = content.size();
    while (left > 0) {
        const ssize_t n = ::write(fd, p, left);
        if (n < 0) {
            if (errno == EINTR) continue;
            const std::string why = std::strerror(errno);
            ::close(fd);
            ::unlink(tmp.c_str());
            throw InputError(tmp.string() + ": write failed: " + why);
        }
        p += n;
        left -= static_cast<std::size_t>(n);
    }
    if (::fsync(fd) != 0 || ::close(fd) != 0) {
        ::unlink(tmp.c_str());
        throw InputError(tmp.string() + ": cannot flush to disk: " + std::strerror(errno));
    }
    if (::rename(tmp.c_str(), path.c_str()) != 0) {
        const std::string why = std::strerror(errno);
        ::unlink(tmp.c_str());
        throw InputError(path.string() + ": cannot rename into place: " + why);
    }
}

std::string read_text(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw InputError(path.string() + ": cannot open");
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

std::vector<nlohmann::json> read_jsonl(const std::filesystem::path& path) {
    std::istringstream in(read_text(path));
    std::vector<nlohmann::json> rows;
    std::string line;
    int number = 0;
    while (std::getline(in, line)) {
        ++number;
        if (line.empty()) continue;
        try {
            rows.push_back(nlohmann::json::parse(line));
        } catch (const nlohmann::json::parse_error& e) {
            throw InputError(path.string() + ":" + std::to_string(number) + ": not valid JSON (column " +
                             std::to_string(e.byte) + "): expected one JSON object per line");
        }
    }
    return rows;
}

nlohmann::json read_json(const std::filesystem::path& path) {
    try {
        return nlohmann::json::parse(read_text(path));
    } catch (const nlohmann::json::parse_error& e) {
        throw InputError(path.string() + ": byte offset " + std::to_string(e.byte) + ": not valid JSON");
    }
}

std::vector<std::string> json_differences(const nlohmann::json& a, const nlohmann::json& b, const std::string& prefix) {
    std::vector<std::string> diffs;
    if (a.is_object() && b.is_object()) {
        for (auto it = a.begin(); it != a.end(); ++it) {
            const std::string key = prefix.empty() ? it.key() : prefix + "." + it.key();
            if (!b.contains(it.key())) diffs.push_back(key);
            else for (auto& d : json_differences(*it, b[it.key()], key)) diffs.push_back(d);
        }
        for (auto it = b.begin(); it != b.end(); ++it)
            if (!a.contains(it.key())) diffs.push_back(prefix.empty() ? it.key() : prefix + "." + it.key());
        return diffs;
    }
    if (a != b) diffs.push_back(prefix.empty() ? "(top level)" : prefix);
    return diffs;
}

namespace {
void emit(YAML::Emitter& out, const nlohmann::json& j) {
    if (j.is_object()) {
        out << YAML::BeginMap;
        for (auto it = j.begin(); it != j.end(); ++it) {
            out << YAML::Key << it.key() << YAML::Value;
            emit(out, *it);
        }
        out << YAML::EndMap;
    } else if (j.is_array()) {
        out << YAML::Flow << YAML::BeginSeq;
        for (const auto& v : j) emit(out, v);
        out << YAML::EndSeq;
    } else if (j.is_string()) {
        out << j.get<std::string>();
    } else {
        out << j.dump();  // numbers and booleans in JSON's exact spelling
    }
}
}  // namespace

std::string to_yaml(const nlohmann::json& j) {
    YAML::Emitter out;
    emit(out, j);
    return std::string(out.c_str()) + "\n";
}

}  // namespace actbench
