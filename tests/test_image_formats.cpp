#include "image_cache.hpp"
#include "image_formats.hpp"
#include "rng.hpp"
#include "temp_dir.hpp"

#include <zlib.h>
#include <catch2/catch.hpp>
#include <opencv2/imgcodecs.hpp>

#include <filesystem>
#include <fstream>

using namespace actbench;
using actbench::test::TempDir;
namespace fs = std::filesystem;

namespace {
void write_bytes(const fs::path& p, const std::vector<std::uint8_t>& b) {
    std::ofstream out(p, std::ios::binary);
    out.write(reinterpret_cast<const char*>(b.data()), static_cast<std::streamsize>(b.size()));
}
// n CIFAR records: label bytes (header) then R, G, B planes of 32×32 filled with r, g, b.
std::vector<std::uint8_t> cifar_records(int n, std::size_t header, std::uint8_t label) {
    std::vector<std::uint8_t> b;
    for (int i = 0; i < n; ++i) {
        for (std::size_t h = 0; h < header; ++h) b.push_back(static_cast<std::uint8_t>(label + h));
        for (int ch = 0; ch < 3; ++ch) b.insert(b.end(), 1024, static_cast<std::uint8_t>(10 * (ch + 1) + i));
    }
    return b;
}
}  // namespace

TEST_CASE("CIFAR-10 and CIFAR-100 binary batches", "[datasets][cifar]") {
    TempDir dir;
    for (int b = 1; b <= 5; ++b)
        write_bytes(dir / ("data_batch_" + std::to_string(b) + ".bin"), cifar_records(2, 1, static_cast<std::uint8_t>(b)));
    write_bytes(dir / "test_batch.bin", cifar_records(3, 1, 7));
    const Dataset d = load_cifar(dir.path().string());
    CHECK(d.classes == 10);
    CHECK(d.train.count() == 10);
    CHECK(d.test.count() == 3);
    CHECK(d.train.labels[4] == 3);
    CHECK(d.train.channels == 3);
    CHECK(d.train.image(1)[0] == 11);  // R plane of record 1
    CHECK(d.train.image(1)[2048] == 31);  // B plane
    TempDir hundred;
    write_bytes(hundred / "train.bin", cifar_records(4, 2, 5));  // coarse 5, fine 6
    write_bytes(hundred / "test.bin", cifar_records(2, 2, 5));
    CHECK(load_cifar(hundred.path().string(), "fine").train.labels[0] == 6);
    CHECK(load_cifar(hundred.path().string(), "coarse").classes == 20);
    CHECK(load_cifar(hundred.path().string(), "coarse").train.labels[0] == 5);
}

TEST_CASE("bad CIFAR files: truncation, labels out of range, missing files", "[datasets][cifar][errors]") {
    TempDir dir;
    auto b = cifar_records(3, 1, 1);
    b.resize(b.size() - 100);
    CHECK_THROWS_WITH(parse_cifar(b, "x.bin", 3073, 0, 10),
                      Catch::Contains("x.bin: byte offset 6146: record 2 is truncated (2973 of 3073 bytes)"));
    auto bad = cifar_records(2, 1, 1);
    bad[3073] = 12;
    CHECK_THROWS_WITH(parse_cifar(bad, "y.bin", 3073, 0, 10),
                      Catch::Contains("y.bin: byte offset 3073: label 12 of record 1 is out of range"));
    CHECK_THROWS_WITH(parse_cifar({}, "z.bin", 3073, 0, 10), Catch::Contains("z.bin: the file is empty"));
    CHECK_THROWS_WITH(load_cifar((dir / "none").string()), Catch::Contains("no such directory"));
    CHECK_THROWS_WITH(load_cifar(dir.path().string()), Catch::Contains("neither data_batch_1.bin"));
    write_bytes(dir / "data_batch_1.bin", cifar_records(1, 1, 0));
    CHECK_THROWS_WITH(load_cifar(dir.path().string()), Catch::Contains("data_batch_2.bin: no such file"));
}

TEST_CASE("the CIFAR parser survives random truncations and byte flips", "[datasets][cifar][fuzz]") {
    const auto good = cifar_records(3, 2, 4);
    Rng rng(7);
    int accepted = 0;
    for (int trial = 0; trial < 3000; ++trial) {
        auto b = good;
        b.resize(rng.below(b.size() + 1));
        for (int f = 0; f < 3 && !b.empty(); ++f) b[rng.below(b.size())] = static_cast<std::uint8_t>(rng.next());
        try {
            const ImageSet s = parse_cifar(b, "fuzz", 3074, 1, 100);
            REQUIRE(s.pixels.size() == s.count() * 3072);
            ++accepted;
        } catch (const DataError&) {
        }
    }
    CHECK(accepted > 0);
}

TEST_CASE("image folders: classes from sorted folder names, resized, with or without train/test", "[datasets][folder]") {
    TempDir dir;
    const std::vector<std::string> classes{"zebra", "apple", "mango"};
    for (const auto& split : {"train", "test"})
        for (std::size_t c = 0; c < classes.size(); ++c) {
            fs::create_directories(dir / split / classes[c]);
            for (int i = 0; i < (std::string(split) == "train" ? 4 : 2); ++i) {
                cv::Mat img(40, 30, CV_8UC3, cv::Scalar(10.0 * c, 100, 200));  // B, G, R
                std::string name = "img" + std::to_string(i);
                name += i % 2 ? ".png" : ".bmp";
                cv::imwrite((dir / split / classes[c] / name).string(), img);
            }
        }
    const Dataset d = load_image_folder(dir.path().string(), 16, 3, 0.2);
    CHECK(d.class_names == std::vector<std::string>{"apple", "mango", "zebra"});
    CHECK(d.train.count() == 12);
    CHECK(d.test.count() == 6);
    CHECK(d.train.height == 16);
    CHECK(d.train.image(0)[0] == 200);  // R plane first
    CHECK(d.train.image(0)[2 * 256] == 10);  // B plane: apple is class index 1 of the folders → 10
    CHECK(d.train.labels[0] == 0);
    // A single folder, split per class by test_fraction.
    TempDir flat;
    for (std::size_t c = 0; c < 2; ++c) {
        fs::create_directories(flat / classes[c]);
        for (int i = 0; i < 5; ++i) {
            std::string name = std::to_string(i);
            name += ".png";
            cv::imwrite((flat / classes[c] / name).string(), cv::Mat(8, 8, CV_8UC1, cv::Scalar(i * 10)));
        }
    }
    const Dataset f = load_image_folder(flat.path().string(), 8, 1, 0.4);
    CHECK(f.train.count() == 6);
    CHECK(f.test.count() == 4);
}

TEST_CASE("bad image folders give a clear message naming the file", "[datasets][folder][errors]") {
    TempDir dir;
    fs::create_directories(dir / "cat");
    fs::create_directories(dir / "dog");
    cv::imwrite((dir / "cat" / "a.png").string(), cv::Mat(8, 8, CV_8UC1, cv::Scalar(1)));
    CHECK_THROWS_WITH(load_image_folder(dir.path().string(), 8, 1, 0.5), Catch::Contains("dog: the class folder is empty"));
    std::ofstream(dir / "dog" / "broken.png") << "not an image";
    CHECK_THROWS_WITH(load_image_folder(dir.path().string(), 8, 1, 0.5), Catch::Contains("broken.png: OpenCV cannot decode"));
    fs::remove(dir / "dog" / "broken.png");
    std::ofstream(dir / "dog" / "empty.png");
    CHECK_THROWS_WITH(load_image_folder(dir.path().string(), 8, 1, 0.5), Catch::Contains("empty.png: zero-size file"));
    CHECK_THROWS_WITH(load_image_folder((dir / "nowhere").string(), 8, 1, 0.5), Catch::Contains("no such directory"));
    TempDir none;
    CHECK_THROWS_WITH(load_image_folder(none.path().string(), 8, 1, 0.5), Catch::Contains("no class sub-folders"));
}

TEST_CASE("OpenCV's digits.png: 5,000 digits, 500 per class", "[datasets][digits]") {
    // scripts/setup.sh installs Debian's opencv-doc, which ships the sheet.
    const std::string path = "/usr/share/doc/opencv-doc/examples/data/digits.png";
    REQUIRE(fs::exists(path));
    const Dataset d = load_opencv_digits(path, 0.2);
    CHECK(d.train.count() == 4000);
    CHECK(d.test.count() == 1000);
    CHECK(d.train.height == 20);
    std::vector<int> per_class(10, 0);
    for (auto l : d.test.labels) ++per_class[l];
    for (int c : per_class) CHECK(c == 100);
    double ink = 0;
    for (auto p : d.train.pixels) ink += p;
    CHECK(ink / static_cast<double>(d.train.pixels.size()) > 5);  // the cells hold digits, not blank paper
    TempDir dir;
    cv::imwrite((dir / "small.png").string(), cv::Mat(10, 10, CV_8UC1, cv::Scalar(0)));
    CHECK_THROWS_WITH(load_opencv_digits((dir / "small.png").string(), 0.2), Catch::Contains("expected 2000x1000"));
    CHECK_THROWS_WITH(load_opencv_digits((dir / "none.png").string(), 0.2), Catch::Contains("apt-get install opencv-doc"));
}

TEST_CASE("the image-folder cache round-trips, and a corrupt cache is ignored", "[datasets][cache]") {
    TempDir dir;
    for (const char* c : {"a", "b"}) {
        fs::create_directories(dir / "imgs" / c);
        for (int i = 0; i < 3; ++i) {
            std::string name = std::to_string(i);
            name += ".png";
            cv::imwrite((dir / "imgs" / c / name).string(), cv::Mat(6, 6, CV_8UC3, cv::Scalar(i * 20, 50, 90)));
        }
    }
    const std::string folder = (dir / "imgs").string();
    const Dataset d = load_image_folder(folder, 4, 3, 0.34);
    const std::string key = image_folder_key(folder, 4, 3, 0.34);
    CHECK(key.size() == 16);
    CHECK(key != image_folder_key(folder, 5, 3, 0.34));
    const fs::path file = dir / "cache" / ("x-" + key + ".bin");
    write_dataset_cache(file, d);
    const auto back = read_dataset_cache(file);
    REQUIRE(back.has_value());
    CHECK(back->train.pixels == d.train.pixels);
    CHECK(back->test.labels == d.test.labels);
    CHECK(back->class_names == d.class_names);
    // A changed file changes the key.
    cv::imwrite((dir / "imgs" / "a" / "0.png").string(), cv::Mat(7, 6, CV_8UC3, cv::Scalar(1, 2, 3)));
    CHECK(image_folder_key(folder, 4, 3, 0.34) != key);
    // Truncated or garbled caches are ignored, never trusted.
    std::string bytes;
    {
        std::ifstream in(file, std::ios::binary);
        bytes.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    }
    Rng rng(3);
    for (int k = 0; k < 200; ++k) {
        std::string b = bytes.substr(0, rng.below(bytes.size() + 1));
        for (int f = 0; f < 2 && !b.empty(); ++f) b[rng.below(b.size())] = static_cast<char>(rng.next());
        std::ofstream(file, std::ios::binary) << b;
        const auto r = read_dataset_cache(file);
        if (r) REQUIRE(b == bytes);  // only an intact cache is accepted (it carries a hash of its content)
    }
}

namespace {
// A PNG whose header claims width × height pixels (valid signature, chunks and CRCs) and holds no image data.
std::vector<std::uint8_t> png_header_only(std::uint32_t width, std::uint32_t height) {
    std::vector<std::uint8_t> b{0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0, 0, 0, 13, 'I', 'H', 'D', 'R'};
    for (std::uint32_t v : {width, height})
        for (int shift : {24, 16, 8, 0}) b.push_back(static_cast<std::uint8_t>(v >> shift));
    for (int v : {8, 0, 0, 0, 0}) b.push_back(static_cast<std::uint8_t>(v));  // 8-bit grey, no interlace
    auto end_chunk = [&](std::size_t type_at) {  // the CRC of the chunk's type and data
        const uLong crc = crc32(0, b.data() + type_at, static_cast<uInt>(b.size() - type_at));
        for (int shift : {24, 16, 8, 0}) b.push_back(static_cast<std::uint8_t>(crc >> shift));
    };
    end_chunk(12);
    // An empty IDAT: libpng reads the header up to the first IDAT and wants one there.
    for (int v : {0, 0, 0, 0, 0x49, 0x44, 0x41, 0x54}) b.push_back(static_cast<std::uint8_t>(v));
    end_chunk(b.size() - 4);
    for (int v : {0, 0, 0, 0, 0x49, 0x45, 0x4e, 0x44, 0xae, 0x42, 0x60, 0x82}) b.push_back(static_cast<std::uint8_t>(v));  // IEND
    return b;
}
}  // namespace

TEST_CASE("image folders that would train nonsense or escape as internal errors are refused by name", "[datasets][folder][errors]") {
    TempDir dir;
    fs::create_directories(dir / "only");
    cv::imwrite((dir / "only" / "a.png").string(), cv::Mat(8, 8, CV_8UC1, cv::Scalar(1)));
    cv::imwrite((dir / "only" / "b.png").string(), cv::Mat(8, 8, CV_8UC1, cv::Scalar(2)));
    CHECK_THROWS_WITH(load_image_folder(dir.path().string(), 8, 1, 0.5), Catch::Contains("only one class sub-folder (only)"));
    fs::create_directories(dir / "other");
    cv::imwrite((dir / "other" / "c.png").string(), cv::Mat(8, 8, CV_8UC1, cv::Scalar(3)));
    cv::imwrite((dir / "other" / "d.png").string(), cv::Mat(8, 8, CV_8UC1, cv::Scalar(4)));
    CHECK(load_image_folder(dir.path().string(), 8, 1, 0.5).classes == 2);
    SECTION("a symbolic link loop") {
        fs::create_symlink("loop", dir / "other" / "loop");
        CHECK_THROWS_WITH(load_image_folder(dir.path().string(), 8, 1, 0.5),
                          Catch::Contains("loop: cannot follow: Too many levels of symbolic links"));
    }
    SECTION("a PNG whose header claims more than 2^30 pixels") {
        write_bytes(dir / "other" / "huge.png", png_header_only(40000, 40000));
        CHECK_THROWS_WITH(load_image_folder(dir.path().string(), 8, 1, 0.5), Catch::Contains("huge.png: OpenCV refuses this image"));
    }
}
