// IDX files (the MNIST format, LeCun et al.; http://yann.lecun.com/exdb/mnist/), raw or gzip-compressed.
//
// Layout: bytes 0–1 zero; byte 2 the element type (0x08 = unsigned byte, the only one images use);
// byte 3 the number of dimensions d; then d big-endian uint32 sizes; then the data, row-major.
// Images are idx3 (count × rows × cols), labels idx1 (count).
//
// Every error names the file and the byte offset (in the decompressed data for .gz) and says what was
// expected; the parser checks sizes before it allocates or reads, so no input makes it read out of bounds.
#pragma once

#include "dataset.hpp"

#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

namespace actbench {

struct DataError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

// Throws DataError unless `path` is a regular file (after symlinks): a directory, a FIFO (which would block a
// reader forever), a device or a socket is refused, as is a path that does not exist. `expected` says what
// the file should be ("an IDX file").
void require_regular_file(const std::string& path, const std::string& expected);

// The file's bytes, gunzipped when it starts with the gzip magic (1f 8b): every member of a multi-member
// file (as `cat a.gz b.gz` makes), and bytes after the last member refused. Throws DataError.
std::vector<std::uint8_t> read_maybe_gzip(const std::string& path);

struct IdxArray {
    std::vector<std::uint32_t> dims;
    std::vector<std::uint8_t> data;
};
// Parses an IDX unsigned-byte array with `expected_rank` dimensions from `bytes` (read from `path`, which is
// only used in messages). Throws DataError.
IdxArray parse_idx(std::vector<std::uint8_t> bytes, const std::string& path, int expected_rank);

// An image file (idx3) and its label file (idx1): counts must match and every label be < classes.
ImageSet load_idx_pair(const std::string& images_path, const std::string& labels_path, int classes);

// The official train/test splits from a directory holding {train,t10k}-{images-idx3,labels-idx1}-ubyte,
// each raw or with .gz: MNIST, or Fashion-MNIST (Xiao, Rasul & Vollgraf 2017, arXiv 1708.07747), which
// Debian's dataset-fashion-mnist installs under /usr/share/datasets/fashion-mnist.
Dataset load_idx_directory(const std::string& dir, int classes);

// Writers, for fixtures and exports: gzip-compressed when `path` ends in .gz.
void write_idx_images(const std::string& path, const ImageSet& set);
void write_idx_labels(const std::string& path, const std::vector<std::int32_t>& labels);

}  // namespace actbench
