// gzip (RFC 1952) in memory, over zlib: the reader behind IDX files and compact run stores, and the writer of both.
#pragma once

#include <cstdint>
#include <span>
#include <stdexcept>
#include <vector>

namespace actbench {

// What is wrong with a gzip stream, without the file's name (the caller adds it), with the byte offset in the
// compressed data where it shows.
struct GzipError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

// Whether `bytes` start with the gzip magic (1f 8b).
bool is_gzip(std::span<const std::uint8_t> bytes);

// The decompressed bytes of every member of a multi-member stream (as `cat a.gz b.gz` makes, RFC 1952 §2.2);
// bytes after the last member that are not another member, a truncated or corrupt stream, or more than
// `max_out` bytes of output are refused with GzipError.
std::vector<std::uint8_t> gunzip(std::span<const std::uint8_t> in, std::size_t max_out);

// One gzip member at zlib's best compression, with no file name and a zero modification time in its header,
// so the same bytes give the same file on every run (for a given zlib).
std::vector<std::uint8_t> gzip(std::span<const std::uint8_t> in);

}  // namespace actbench
