#include "gzip.hpp"

#include <zlib.h>

#include <algorithm>
#include <string>

namespace actbench {

bool is_gzip(std::span<const std::uint8_t> bytes) { return bytes.size() >= 2 && bytes[0] == 0x1f && bytes[1] == 0x8b; }

std::vector<std::uint8_t> gunzip(std::span<const std::uint8_t> in, std::size_t max_out) {
    z_stream zs{};
    if (inflateInit2(&zs, 16 + MAX_WBITS) != Z_OK) throw GzipError("cannot initialise zlib");
    // Presized from the gzip trailer's ISIZE (the uncompressed size mod 2^32) so the whole file is one
    // allocation of its final size: growing a 4×-compressed guess kept 100 MB alive for Fashion-MNIST's 47 MB
    // of training images. A wrong ISIZE (corrupt or >4 GiB data, or the last of several members) only means
    // the buffer grows or shrinks; it is capped at deflate's largest ratio (1032:1), so a corrupt trailer
    // cannot ask for gigabytes.
    std::size_t guess = std::min<std::size_t>(1 << 16, max_out);
    if (in.size() >= 18) {
        const std::size_t n = in.size();
        const std::size_t isize =
            (std::size_t{in[n - 1]} << 24) | (std::size_t{in[n - 2]} << 16) | (std::size_t{in[n - 3]} << 8) | std::size_t{in[n - 4]};
        const std::size_t cap = std::min(n * 1032 + (1 << 16), max_out);
        guess = std::clamp(isize + 1, guess, std::max(guess, cap));  // +1: Z_STREAM_END is seen with room to spare
    }
    std::vector<std::uint8_t> out(std::max<std::size_t>(guess, 1));
    std::size_t produced = 0, consumed = 0;  // across members (inflateReset zeroes zlib's own totals)
    zs.next_in = const_cast<Bytef*>(in.data());
    zs.avail_in = static_cast<uInt>(in.size());
    auto fail = [&](const std::string& what) {
        inflateEnd(&zs);
        throw GzipError(what);
    };
    for (;;) {
        if (produced == out.size()) {
            if (out.size() >= max_out) fail("decompresses to more than " + std::to_string(max_out) + " bytes");
            out.resize(std::min(out.size() * 2, max_out));
        }
        zs.next_out = out.data() + produced;
        zs.avail_out = static_cast<uInt>(out.size() - produced);
        const uLong in_before = zs.total_in, out_before = zs.total_out;
        const int rc = inflate(&zs, Z_NO_FLUSH);
        produced += zs.total_out - out_before;
        consumed += zs.total_in - in_before;
        if (rc == Z_STREAM_END) {
            if (zs.avail_in == 0) break;
            // Another member follows, or junk does.
            if (zs.avail_in >= 2 && zs.next_in[0] == 0x1f && zs.next_in[1] == 0x8b) {
                inflateReset(&zs);
                continue;
            }
            fail("byte offset " + std::to_string(consumed) + ": " + std::to_string(zs.avail_in) +
                 " bytes after the end of the gzip data that are not another gzip member");
        }
        if (rc == Z_BUF_ERROR && zs.avail_in == 0)
            fail("truncated gzip stream: compressed data ends at byte offset " + std::to_string(consumed) +
                 " before the end of the stream");
        if (rc != Z_OK && rc != Z_BUF_ERROR)
            fail("corrupt gzip data near compressed byte offset " + std::to_string(consumed) + ": " +
                 (zs.msg ? zs.msg : "error " + std::to_string(rc)));
    }
    out.resize(produced);
    inflateEnd(&zs);
    if (out.capacity() > out.size() + (1 << 16)) out.shrink_to_fit();
    return out;
}

std::vector<std::uint8_t> gzip(std::span<const std::uint8_t> in) {
    z_stream zs{};
    // windowBits 16 + 15: a gzip wrapper, whose default header has no name and mtime 0.
    if (deflateInit2(&zs, Z_BEST_COMPRESSION, Z_DEFLATED, 16 + MAX_WBITS, 9, Z_DEFAULT_STRATEGY) != Z_OK)
        throw GzipError("cannot initialise zlib");
    std::vector<std::uint8_t> out(deflateBound(&zs, static_cast<uLong>(in.size())) + 32);
    zs.next_in = const_cast<Bytef*>(in.data());
    zs.avail_in = static_cast<uInt>(in.size());
    zs.next_out = out.data();
    zs.avail_out = static_cast<uInt>(out.size());
    const int rc = deflate(&zs, Z_FINISH);  // one call: the output buffer holds deflateBound's worst case
    out.resize(zs.total_out);
    deflateEnd(&zs);
    if (rc != Z_STREAM_END) throw GzipError("zlib could not compress the data (error " + std::to_string(rc) + ")");
    return out;
}

}  // namespace actbench
