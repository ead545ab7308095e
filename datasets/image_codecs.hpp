// Reading and writing image files with OpenCV's imgcodecs, loaded the first time an image is read or written.
//
// Why not linked: Debian builds imgcodecs with GDAL, and loading it brings GDAL's libraries along. A program that
// only links imgcodecs peaks at 51.5 MB resident before doing anything, one that links only opencv_core at 7.6 MB
// (`/usr/bin/time -v` on an empty main), and that 44 MB was a quarter of every `actbench` process — a lenet trial on
// the whole of Fashion-MNIST included — though most runs read IDX files or draw their shapes and never decode an
// image. So the two calls that need imgcodecs live in a plugin, libactbench_codecs.so, opened with dlopen on first
// use: beside the executable (the build tree), else in the install's lib/<multiarch>/actbench relative to it.
#pragma once

#include <opencv2/core.hpp>

#include <stdexcept>
#include <string>

namespace actbench {

// The plugin cannot be loaded: an installation problem, not bad input (the command line exits 4).
struct CodecsUnavailable : std::runtime_error {
    using std::runtime_error::runtime_error;
};

// cv::imread: an empty Mat when OpenCV cannot read the file. Throws std::runtime_error with OpenCV's reason when it
// refuses the file (a header claiming more than 2^30 pixels, a decoder error), and CodecsUnavailable when the plugin
// cannot be loaded (naming where it was looked for).
cv::Mat read_image_file(const std::string& path, int flags);
// cv::imwrite: false when OpenCV cannot write it.
bool write_image_file(const std::string& path, const cv::Mat& image);

}  // namespace actbench
