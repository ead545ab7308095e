#include "image_formats.hpp"

#include "image_codecs.hpp"

#include <opencv2/imgcodecs.hpp>  // the IMREAD_ flags only: the calls go through image_codecs.hpp
#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <filesystem>
#include <map>

namespace actbench {

namespace fs = std::filesystem;

namespace {

void append(ImageSet& to, const ImageSet& from) {
    if (to.count() == 0) to.channels = from.channels, to.height = from.height, to.width = from.width;
    to.pixels.insert(to.pixels.end(), from.pixels.begin(), from.pixels.end());
    to.labels.insert(to.labels.end(), from.labels.begin(), from.labels.end());
}

// Splits `all` per class: the first (1 − fraction) of each class's images to train, the rest to test.
void split_per_class(const ImageSet& all, int classes, double test_fraction, Dataset& ds) {
    std::vector<std::size_t> count(classes, 0), seen(classes, 0);
    for (auto l : all.labels) ++count[l];
    std::vector<std::size_t> train_idx, test_idx;
    for (std::size_t i = 0; i < all.count(); ++i) {
        const auto c = static_cast<std::size_t>(all.labels[i]);
        const auto keep = static_cast<std::size_t>(std::llround(static_cast<double>(count[c]) * (1 - test_fraction)));
        (seen[c]++ < keep ? train_idx : test_idx).push_back(i);
    }
    ds.train = select(all, train_idx);
    ds.test = select(all, test_idx);
}

// The entries of a folder; a folder that cannot be listed (permissions, a symlink loop: ELOOP) is a DataError
// naming it, not a filesystem_error escaping as an internal error.
std::vector<fs::path> list_folder(const fs::path& dir) {
    std::vector<fs::path> entries;
    std::error_code ec;
    fs::directory_iterator it(dir, ec);
    for (; !ec && it != fs::directory_iterator(); it.increment(ec)) {
        std::error_code bad;
        (void)fs::status(it->path(), bad);  // a link that loops or leads nowhere
        if (bad) throw DataError(it->path().string() + ": cannot follow: " + bad.message() + "; expected an image or a class folder");
        entries.push_back(it->path());
    }
    if (ec) throw DataError(dir.string() + ": cannot list the folder: " + ec.message());
    return entries;
}

// cv::imread (through the codecs plugin), with OpenCV's own refusals (a header claiming more than 2^30 pixels, a
// decoder error) turned into a DataError naming the file.
cv::Mat read_image(const std::string& path, int flags) {
    try {
        return read_image_file(path, flags);
    } catch (const CodecsUnavailable&) {
        throw;
    } catch (const std::runtime_error& e) {
        throw DataError(path + ": OpenCV refuses this image: " + e.what() + "; expected an image of at most 2^30 pixels");
    }
}

// Copies a cv::Mat (8-bit, 1 or 3 channels, HWC, BGR) into NCHW planes (RGB order for colour).
void put_image(const cv::Mat& img, ImageSet& set) {
    const int c = img.channels();
    const std::size_t plane = static_cast<std::size_t>(img.rows) * img.cols;
    const std::size_t base = set.pixels.size();
    set.pixels.resize(base + plane * c);
    for (int y = 0; y < img.rows; ++y) {
        const std::uint8_t* row = img.ptr<std::uint8_t>(y);
        for (int x = 0; x < img.cols; ++x)
            for (int ch = 0; ch < c; ++ch) {
                const int out_ch = c == 3 ? 2 - ch : ch;  // BGR → RGB
                set.pixels[base + out_ch * plane + static_cast<std::size_t>(y) * img.cols + x] = row[x * c + ch];
            }
    }
}

}  // namespace

ImageSet parse_cifar(const std::vector<std::uint8_t>& bytes, const std::string& path, std::size_t record_size, std::size_t label_offset,
                     int classes) {
    if (bytes.empty()) throw DataError(path + ": the file is empty; expected CIFAR records of " + std::to_string(record_size) + " bytes");
    if (bytes.size() % record_size != 0)
        throw DataError(path + ": byte offset " + std::to_string(bytes.size() - bytes.size() % record_size) + ": record " +
                        std::to_string(bytes.size() / record_size) + " is truncated (" + std::to_string(bytes.size() % record_size) +
                        " of " + std::to_string(record_size) + " bytes); expected whole CIFAR records");
    ImageSet set;
    set.channels = 3;
    set.height = set.width = 32;
    const std::size_t records = bytes.size() / record_size, header = record_size - 3072;
    set.pixels.reserve(records * 3072);
    for (std::size_t r = 0; r < records; ++r) {
        const std::size_t at = r * record_size;
        const int label = bytes[at + label_offset];
        if (label >= classes)
            throw DataError(path + ": byte offset " + std::to_string(at + label_offset) + ": label " + std::to_string(label) +
                            " of record " + std::to_string(r) + " is out of range; expected 0.." + std::to_string(classes - 1));
        set.labels.push_back(label);
        set.pixels.insert(set.pixels.end(), bytes.begin() + static_cast<std::ptrdiff_t>(at + header),
                          bytes.begin() + static_cast<std::ptrdiff_t>(at + record_size));
    }
    return set;
}

Dataset load_cifar(const std::string& dir, const std::string& labels) {
    Dataset ds;
    auto file = [&](const std::string& name) {
        const fs::path p = fs::path(dir) / name;
        return p.string();
    };
    std::error_code ec;
    if (!fs::is_directory(dir, ec)) throw DataError(dir + ": no such directory; expected CIFAR-10 or CIFAR-100 binary batches");
    if (fs::exists(file("data_batch_1.bin"))) {
        ds.name = "cifar10";
        ds.classes = 10;
        for (int b = 1; b <= 5; ++b) {
            const std::string p = file("data_batch_" + std::to_string(b) + ".bin");
            append(ds.train, parse_cifar(read_maybe_gzip(p), p, 3073, 0, 10));
        }
        ds.test = parse_cifar(read_maybe_gzip(file("test_batch.bin")), file("test_batch.bin"), 3073, 0, 10);
    } else if (fs::exists(file("train.bin"))) {
        if (labels != "fine" && labels != "coarse") throw DataError(dir + ": CIFAR-100 labels must be fine or coarse, not " + labels);
        ds.name = "cifar100";
        ds.classes = labels == "fine" ? 100 : 20;
        const std::size_t offset = labels == "fine" ? 1 : 0;
        ds.train = parse_cifar(read_maybe_gzip(file("train.bin")), file("train.bin"), 3074, offset, ds.classes);
        ds.test = parse_cifar(read_maybe_gzip(file("test.bin")), file("test.bin"), 3074, offset, ds.classes);
    } else {
        throw DataError(dir + ": neither data_batch_1.bin (CIFAR-10) nor train.bin (CIFAR-100) is there");
    }
    for (int c = 0; c < ds.classes; ++c) ds.class_names.push_back(std::to_string(c));
    return ds;
}

Dataset load_image_folder(const std::string& dir, int size, int channels, double test_fraction) {
    std::error_code ec;
    if (!fs::is_directory(dir, ec)) throw DataError(dir + ": no such directory; expected one sub-folder of images per class");
    const bool has_splits = fs::is_directory(fs::path(dir) / "train", ec) && fs::is_directory(fs::path(dir) / "test", ec);
    const fs::path class_root = has_splits ? fs::path(dir) / "train" : fs::path(dir);
    std::vector<std::string> classes;
    for (const fs::path& e : list_folder(class_root))
        if (fs::is_directory(e, ec)) classes.push_back(e.filename().string());
    std::sort(classes.begin(), classes.end());
    if (classes.empty()) throw DataError(class_root.string() + ": no class sub-folders; expected one folder of images per class");
    if (classes.size() == 1)
        throw DataError(class_root.string() + ": only one class sub-folder (" + classes[0] +
                        "); a classifier needs at least two, one folder of images per class");
    auto read_split = [&](const fs::path& root) {
        ImageSet set;
        set.channels = channels;
        set.height = set.width = size;
        for (std::size_t c = 0; c < classes.size(); ++c) {
            const fs::path folder = root / classes[c];
            if (!fs::is_directory(folder, ec)) throw DataError(folder.string() + ": missing; every split needs every class's folder");
            std::vector<fs::path> files;
            for (const fs::path& e : list_folder(folder))
                if (fs::is_regular_file(e, ec)) files.push_back(e);  // not FIFOs, devices, dangling or looping links
            std::sort(files.begin(), files.end());
            if (files.empty()) throw DataError(folder.string() + ": the class folder is empty; expected images");
            for (const auto& f : files) {
                if (fs::file_size(f, ec) == 0) throw DataError(f.string() + ": zero-size file; expected an image");
                const cv::Mat raw = read_image(f.string(), channels == 1 ? cv::IMREAD_GRAYSCALE : cv::IMREAD_COLOR);
                if (raw.empty())
                    throw DataError(f.string() + ": OpenCV cannot decode this file; expected an image (PNG, JPEG, BMP, PGM, …)");
                cv::Mat img;
                cv::resize(raw, img, cv::Size(size, size), 0, 0, cv::INTER_AREA);
                put_image(img, set);
                set.labels.push_back(static_cast<std::int32_t>(c));
            }
        }
        return set;
    };
    Dataset ds;
    ds.name = fs::path(dir).filename().string();
    ds.classes = static_cast<int>(classes.size());
    ds.class_names = classes;
    if (has_splits) {
        ds.train = read_split(fs::path(dir) / "train");
        ds.test = read_split(fs::path(dir) / "test");
    } else {
        split_per_class(read_split(dir), ds.classes, test_fraction, ds);
    }
    if (ds.train.count() == 0 || ds.test.count() == 0) throw DataError(dir + ": a split has no images; raise or lower test_fraction");
    return ds;
}

Dataset load_opencv_digits(const std::string& path, double test_fraction) {
    std::error_code ec;
    if (!fs::exists(path, ec)) throw DataError(path + ": no such file; expected OpenCV's digits.png (Debian: apt-get install opencv-doc)");
    require_regular_file(path, "OpenCV's digits.png");
    const cv::Mat sheet = read_image(path, cv::IMREAD_GRAYSCALE);
    if (sheet.empty()) throw DataError(path + ": OpenCV cannot decode this file; expected digits.png");
    if (sheet.cols != 2000 || sheet.rows != 1000)
        throw DataError(path + ": the sheet is " + std::to_string(sheet.cols) + "x" + std::to_string(sheet.rows) +
                        "; expected 2000x1000 (100x50 cells of 20x20)");
    ImageSet all;
    all.channels = 1;
    all.height = all.width = 20;
    for (int r = 0; r < 50; ++r)
        for (int c = 0; c < 100; ++c) {
            put_image(sheet(cv::Rect(c * 20, r * 20, 20, 20)).clone(), all);
            all.labels.push_back(r / 5);
        }
    Dataset ds;
    ds.name = "opencv_digits";
    ds.classes = 10;
    for (int c = 0; c < 10; ++c) ds.class_names.push_back(std::to_string(c));
    split_per_class(all, 10, test_fraction, ds);
    return ds;
}

}  // namespace actbench
