#include "idx.hpp"

#include "gzip.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <utility>

namespace actbench {

namespace {

// A decompressed IDX file larger than this is refused: a corrupt header must not make us allocate the moon.
constexpr std::size_t kMaxDecompressed = std::size_t{4} << 30;

std::string hex_byte(unsigned v) {
    char buf[8];
    std::snprintf(buf, sizeof buf, "0x%02x", v & 0xffu);
    return buf;
}

bool ends_with(const std::string& s, const std::string& suffix) {
    return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

void write_file(const std::string& path, std::vector<std::uint8_t> bytes) {
    if (ends_with(path, ".gz")) bytes = gzip(bytes);
    std::ofstream out(path, std::ios::binary);
    out.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
    if (!out) throw DataError(path + ": write failed");
}

void put_u32(std::vector<std::uint8_t>& b, std::uint32_t v) {
    for (int s = 24; s >= 0; s -= 8) b.push_back(static_cast<std::uint8_t>(v >> s));
}

}  // namespace

void require_regular_file(const std::string& path, const std::string& expected) {
    std::error_code ec;
    const auto status = std::filesystem::status(path, ec);
    if (ec && ec != std::errc::no_such_file_or_directory) throw DataError(path + ": cannot open: " + ec.message());
    if (!std::filesystem::exists(status)) throw DataError(path + ": no such file");
    if (std::filesystem::is_directory(status)) throw DataError(path + ": is a directory, expected " + expected);
    if (!std::filesystem::is_regular_file(status))
        throw DataError(path + ": is not a regular file (a FIFO, device or socket); expected " + expected);
}

std::vector<std::uint8_t> read_maybe_gzip(const std::string& path) {
    std::error_code ec;
    require_regular_file(path, "a file");
    std::ifstream in(path, std::ios::binary);
    if (!in) throw DataError(path + ": cannot open: " + std::strerror(errno));
    // One read into a buffer of the file's size (an istreambuf_iterator copy grows by doubling).
    const auto size = std::filesystem::file_size(path, ec);
    if (ec) throw DataError(path + ": cannot read its size: " + ec.message());
    std::vector<std::uint8_t> bytes(static_cast<std::size_t>(size));
    in.read(reinterpret_cast<char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
    if (in.bad() || static_cast<std::size_t>(in.gcount()) != bytes.size()) throw DataError(path + ": read error");
    if (!is_gzip(bytes)) return bytes;
    try {
        return gunzip(bytes, kMaxDecompressed);
    } catch (const GzipError& e) {
        throw DataError(path + ": " + e.what());
    }
}

IdxArray parse_idx(std::vector<std::uint8_t> bytes, const std::string& path, int expected_rank) {
    const std::string where = ends_with(path, ".gz") ? " (of the decompressed data)" : "";
    auto fail = [&](std::size_t offset, const std::string& what) -> DataError {
        return DataError(path + ": byte offset " + std::to_string(offset) + where + ": " + what);
    };
    if (bytes.size() < 4)
        throw fail(bytes.size(), "file ends after " + std::to_string(bytes.size()) + " bytes; expected the 4-byte IDX magic number");
    if (bytes[0] != 0 || bytes[1] != 0)
        throw fail(0, "bad magic number " + hex_byte(bytes[0]) + " " + hex_byte(bytes[1]) + "; an IDX file starts with 0x00 0x00");
    if (bytes[2] != 0x08) throw fail(2, "element type " + hex_byte(bytes[2]) + " is not supported; expected 0x08 (unsigned byte)");
    if (bytes[3] != expected_rank)
        throw fail(3,
                   "the file has " + std::to_string(bytes[3]) + " dimensions; expected " + std::to_string(expected_rank) +
                       (expected_rank == 3 ? " (an idx3 image file)" : " (an idx1 label file)"));
    IdxArray arr;
    std::size_t offset = 4;
    std::uint64_t total = 1;
    for (int d = 0; d < expected_rank; ++d) {
        if (bytes.size() < offset + 4)
            throw fail(bytes.size(),
                       "file ends inside the header; expected the size of dimension " + std::to_string(d) + " at offset " +
                           std::to_string(offset));
        const std::uint32_t v = (std::uint32_t{bytes[offset]} << 24) | (std::uint32_t{bytes[offset + 1]} << 16) |
            (std::uint32_t{bytes[offset + 2]} << 8) | std::uint32_t{bytes[offset + 3]};
        arr.dims.push_back(v);
        total *= v;
        if (total > kMaxDecompressed) throw fail(offset, "dimension sizes multiply to more than 4 GiB");
        offset += 4;
    }
    const std::size_t have = bytes.size() - offset;
    if (have < total)
        throw fail(bytes.size(),
                   "file is truncated: expected " + std::to_string(total) + " data bytes after the " + std::to_string(offset) +
                       "-byte header, found " + std::to_string(have));
    if (have > total) throw fail(offset + total, std::to_string(have - total) + " unexpected bytes after the data");
    // The header is dropped in place: no second copy of the data.
    bytes.erase(bytes.begin(), bytes.begin() + static_cast<std::ptrdiff_t>(offset));
    arr.data = std::move(bytes);
    return arr;
}

ImageSet load_idx_pair(const std::string& images_path, const std::string& labels_path, int classes) {
    IdxArray images = parse_idx(read_maybe_gzip(images_path), images_path, 3);
    IdxArray labels = parse_idx(read_maybe_gzip(labels_path), labels_path, 1);
    if (images.dims[0] != labels.dims[0])
        throw DataError(images_path + " holds " + std::to_string(images.dims[0]) + " images but " + labels_path + " holds " +
                        std::to_string(labels.dims[0]) + " labels; expected equal counts");
    if (images.dims[0] == 0) throw DataError(images_path + ": holds no images");
    if (images.dims[1] == 0 || images.dims[2] == 0) throw DataError(images_path + ": images have zero size");
    ImageSet set;
    set.channels = 1;
    set.height = static_cast<int>(images.dims[1]);
    set.width = static_cast<int>(images.dims[2]);
    set.pixels = std::move(images.data);
    set.labels.reserve(labels.data.size());
    for (std::size_t i = 0; i < labels.data.size(); ++i) {
        if (labels.data[i] >= classes) {
            const std::string where = ends_with(labels_path, ".gz") ? " (of the decompressed data)" : "";
            throw DataError(labels_path + ": byte offset " + std::to_string(8 + i) + where + ": label " + std::to_string(labels.data[i]) +
                            " of image " + std::to_string(i) + " is out of range; expected 0.." + std::to_string(classes - 1));
        }
        set.labels.push_back(labels.data[i]);
    }
    return set;
}

Dataset load_idx_directory(const std::string& dir, int classes) {
    namespace fs = std::filesystem;
    std::error_code ec;
    if (!fs::is_directory(dir, ec))
        throw DataError(dir +
                        ": no such directory; expected a directory of IDX files "
                        "(for Fashion-MNIST: apt-get install dataset-fashion-mnist, which puts them under "
                        "/usr/share/datasets/fashion-mnist)");
    auto find = [&](const std::string& stem) {
        const fs::path base = fs::path(dir) / stem;
        if (fs::exists(base.string() + ".gz")) return base.string() + ".gz";
        if (fs::exists(base)) return base.string();
        throw DataError(base.string() + ".gz: no such file (nor " + base.string() + ")");
    };
    Dataset ds;
    ds.name = std::filesystem::path(dir).filename().string();
    ds.classes = classes;
    for (int c = 0; c < classes; ++c) ds.class_names.push_back(std::to_string(c));
    ds.train = load_idx_pair(find("train-images-idx3-ubyte"), find("train-labels-idx1-ubyte"), ds.classes);
    ds.test = load_idx_pair(find("t10k-images-idx3-ubyte"), find("t10k-labels-idx1-ubyte"), ds.classes);
    if (ds.train.height != ds.test.height || ds.train.width != ds.test.width)
        throw DataError(dir + ": training images are " + std::to_string(ds.train.height) + "x" + std::to_string(ds.train.width) +
                        " but test images " + std::to_string(ds.test.height) + "x" + std::to_string(ds.test.width));
    return ds;
}

void write_idx_images(const std::string& path, const ImageSet& set) {
    std::vector<std::uint8_t> b{0, 0, 0x08, 3};
    put_u32(b, static_cast<std::uint32_t>(set.count()));
    put_u32(b, static_cast<std::uint32_t>(set.height));
    put_u32(b, static_cast<std::uint32_t>(set.width));
    b.insert(b.end(), set.pixels.begin(), set.pixels.end());
    write_file(path, std::move(b));
}

void write_idx_labels(const std::string& path, const std::vector<std::int32_t>& labels) {
    std::vector<std::uint8_t> b{0, 0, 0x08, 1};
    put_u32(b, static_cast<std::uint32_t>(labels.size()));
    for (auto l : labels) b.push_back(static_cast<std::uint8_t>(l));
    write_file(path, std::move(b));
}

}  // namespace actbench
