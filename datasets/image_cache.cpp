#include "image_cache.hpp"

#include "idx.hpp"
#include "rng.hpp"

#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>
#include <vector>

namespace actbench {

namespace fs = std::filesystem;

namespace {

constexpr char kMagic[8] = {'A', 'C', 'T', 'B', 'I', 'M', 'G', '1'};

void put_u64(std::ostream& o, std::uint64_t v) { o.write(reinterpret_cast<const char*>(&v), 8); }
bool get_u64(std::istream& in, std::uint64_t& v) { return static_cast<bool>(in.read(reinterpret_cast<char*>(&v), 8)); }

void put_set(std::ostream& o, const ImageSet& s) {
    put_u64(o, static_cast<std::uint64_t>(s.channels));
    put_u64(o, static_cast<std::uint64_t>(s.height));
    put_u64(o, static_cast<std::uint64_t>(s.width));
    put_u64(o, s.count());
    o.write(reinterpret_cast<const char*>(s.pixels.data()), static_cast<std::streamsize>(s.pixels.size()));
    o.write(reinterpret_cast<const char*>(s.labels.data()), static_cast<std::streamsize>(s.labels.size() * sizeof(std::int32_t)));
}

bool get_set(std::istream& in, ImageSet& s, std::uint64_t remaining) {
    std::uint64_t c = 0, h = 0, w = 0, n = 0;
    if (!get_u64(in, c) || !get_u64(in, h) || !get_u64(in, w) || !get_u64(in, n)) return false;
    if (c < 1 || c > 4 || h < 1 || h > 4096 || w < 1 || w > 4096) return false;
    const std::uint64_t bytes = n * c * h * w + n * sizeof(std::int32_t);
    if (n > remaining || bytes > remaining) return false;  // a corrupt count must not allocate the moon
    s.channels = static_cast<int>(c), s.height = static_cast<int>(h), s.width = static_cast<int>(w);
    s.pixels.resize(n * c * h * w);
    s.labels.resize(n);
    in.read(reinterpret_cast<char*>(s.pixels.data()), static_cast<std::streamsize>(s.pixels.size()));
    in.read(reinterpret_cast<char*>(s.labels.data()), static_cast<std::streamsize>(n * sizeof(std::int32_t)));
    return static_cast<bool>(in);
}

}  // namespace

std::string image_folder_key(const std::string& dir, int size, int channels, double test_fraction) {
    std::vector<std::string> entries;
    std::error_code ec;
    for (auto it = fs::recursive_directory_iterator(dir, ec); !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
        std::error_code entry_ec;
        if (!it->is_regular_file(entry_ec)) continue;
        const auto time = it->last_write_time(entry_ec).time_since_epoch().count();
        entries.push_back(fs::relative(it->path(), dir).string() + "|" + std::to_string(it->file_size(entry_ec)) + "|" +
                          std::to_string(time));
    }
    // A folder that cannot be walked (a symlink loop, a permission) is named, never hashed in part: a partial
    // listing could match an old cache of a different folder state.
    std::error_code is_dir_ec;
    if (ec && fs::is_directory(dir, is_dir_ec)) throw DataError(dir + ": cannot list the image folder: " + ec.message());
    std::sort(entries.begin(), entries.end());
    std::uint64_t h = fnv1a64(fs::absolute(dir).lexically_normal().string());
    for (const auto& e : entries) h = fnv1a64(e + "\n", h);
    h = fnv1a64(std::to_string(size) + "/" + std::to_string(channels) + "/" + std::to_string(test_fraction), h);
    char buf[17];
    std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(h));
    return buf;
}

std::optional<Dataset> read_dataset_cache(const fs::path& file) {
    std::error_code ec;
    const auto size = fs::file_size(file, ec);
    if (ec || size < 16) return std::nullopt;
    // The last 8 bytes are an FNV-1a hash of everything before them: a damaged cache is never trusted.
    std::string all;
    {
        std::ifstream raw(file, std::ios::binary);
        all.assign(std::istreambuf_iterator<char>(raw), std::istreambuf_iterator<char>());
    }
    if (all.size() != size) return std::nullopt;
    std::uint64_t stored = 0;
    std::memcpy(&stored, all.data() + all.size() - 8, 8);
    if (fnv1a64(std::string_view(all.data(), all.size() - 8)) != stored) return std::nullopt;
    const auto total = size - 8;
    std::istringstream in(all.substr(0, all.size() - 8));
    char magic[8];
    if (!in.read(magic, 8) || std::memcmp(magic, kMagic, 8) != 0) return std::nullopt;
    Dataset d;
    std::uint64_t classes = 0, name_count = 0;
    if (!get_u64(in, classes) || classes < 1 || classes > 100000 || !get_u64(in, name_count) || name_count != classes) return std::nullopt;
    for (std::uint64_t i = 0; i < name_count; ++i) {
        std::uint64_t len = 0;
        if (!get_u64(in, len) || len > 4096) return std::nullopt;
        std::string name(len, '\0');
        if (!in.read(name.data(), static_cast<std::streamsize>(len))) return std::nullopt;
        d.class_names.push_back(name);
    }
    d.classes = static_cast<int>(classes);
    if (!get_set(in, d.train, total) || !get_set(in, d.test, total)) return std::nullopt;
    for (auto l : d.train.labels)
        if (l < 0 || l >= d.classes) return std::nullopt;
    for (auto l : d.test.labels)
        if (l < 0 || l >= d.classes) return std::nullopt;
    return d;
}

void write_dataset_cache(const fs::path& file, const Dataset& d) {
    std::error_code ec;
    fs::create_directories(file.parent_path(), ec);
    // The OS's reason in every failure (a cache folder that is a file: "Not a directory").
    if (ec) throw DataError(file.parent_path().string() + ": cannot create the image cache's folder: " + ec.message());
    const fs::path tmp = file.string() + ".tmp." + std::to_string(::getpid());  // writers in parallel (shards) never share one
    {
        std::ostringstream o;
        o.write(kMagic, 8);
        put_u64(o, static_cast<std::uint64_t>(d.classes));
        put_u64(o, d.class_names.size());
        for (const auto& n : d.class_names) {
            put_u64(o, n.size());
            o.write(n.data(), static_cast<std::streamsize>(n.size()));
        }
        put_set(o, d.train);
        put_set(o, d.test);
        std::string content = o.str();
        const std::uint64_t hash = fnv1a64(content);
        content.append(reinterpret_cast<const char*>(&hash), 8);
        errno = 0;
        std::ofstream out(tmp, std::ios::binary);
        out.write(content.data(), static_cast<std::streamsize>(content.size()));
        out.flush();
        if (!out)
            throw DataError(tmp.string() + ": cannot write the image cache" + (errno ? std::string(": ") + std::strerror(errno) : ""));
    }
    fs::rename(tmp, file, ec);
    if (ec) throw DataError(file.string() + ": cannot rename the image cache into place: " + ec.message());
}

}  // namespace actbench
