#include "idx.hpp"
#include "rng.hpp"
#include "temp_dir.hpp"

#include <catch2/catch.hpp>

#include <sys/stat.h>

#include <fstream>

using namespace actbench;
using actbench::test::TempDir;

namespace {
ImageSet tiny_set(int n, int h, int w) {
    ImageSet s;
    s.height = h;
    s.width = w;
    for (int i = 0; i < n * h * w; ++i) s.pixels.push_back(static_cast<std::uint8_t>(i * 7));
    for (int i = 0; i < n; ++i) s.labels.push_back(i % 10);
    return s;
}

std::vector<std::uint8_t> bytes_of(const std::filesystem::path& p) {
    std::ifstream in(p, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

void write_bytes(const std::filesystem::path& p, const std::vector<std::uint8_t>& b) {
    std::ofstream out(p, std::ios::binary);
    out.write(reinterpret_cast<const char*>(b.data()), static_cast<std::streamsize>(b.size()));
}
}  // namespace

TEST_CASE("IDX files round-trip, raw and gzip", "[idx]") {
    TempDir dir;
    const ImageSet set = tiny_set(5, 4, 3);
    for (const std::string ext : {"", ".gz"}) {
        write_idx_images((dir / ("img" + ext)).string(), set);
        write_idx_labels((dir / ("lbl" + ext)).string(), set.labels);
        const ImageSet back = load_idx_pair((dir / ("img" + ext)).string(), (dir / ("lbl" + ext)).string(), 10);
        CHECK(back.height == 4);
        CHECK(back.width == 3);
        CHECK(back.pixels == set.pixels);
        CHECK(back.labels == set.labels);
    }
}

TEST_CASE("bad IDX files give one clear message with the file and byte offset", "[idx][errors]") {
    TempDir dir;
    const ImageSet set = tiny_set(5, 4, 3);
    const auto img = dir / "img", lbl = dir / "lbl";
    write_idx_images(img.string(), set);
    write_idx_labels(lbl.string(), set.labels);
    const auto good = bytes_of(img);

    SECTION("missing file") {
        CHECK_THROWS_WITH(load_idx_pair((dir / "nope").string(), lbl.string(), 10),
                          Catch::Contains("nope") && Catch::Contains("no such file"));
    }
    SECTION("truncated data") {
        write_bytes(img, std::vector<std::uint8_t>(good.begin(), good.end() - 7));
        CHECK_THROWS_WITH(load_idx_pair(img.string(), lbl.string(), 10),
                          Catch::Contains(img.string()) && Catch::Contains("byte offset " + std::to_string(good.size() - 7)) &&
                              Catch::Contains("truncated") && Catch::Contains("expected 60 data bytes"));
    }
    SECTION("truncated header") {
        write_bytes(img, std::vector<std::uint8_t>(good.begin(), good.begin() + 9));
        CHECK_THROWS_WITH(load_idx_pair(img.string(), lbl.string(), 10),
                          Catch::Contains("byte offset 9") && Catch::Contains("inside the header"));
    }
    SECTION("wrong magic") {
        auto bad = good;
        bad[0] = 0x12;
        write_bytes(img, bad);
        CHECK_THROWS_WITH(load_idx_pair(img.string(), lbl.string(), 10), Catch::Contains("byte offset 0") && Catch::Contains("bad magic"));
    }
    SECTION("labels file given as images") {
        CHECK_THROWS_WITH(load_idx_pair(lbl.string(), lbl.string(), 10), Catch::Contains("byte offset 3") && Catch::Contains("expected 3"));
    }
    SECTION("label out of range") {
        auto labels = set.labels;
        labels[3] = 12;
        write_idx_labels(lbl.string(), labels);
        CHECK_THROWS_WITH(load_idx_pair(img.string(), lbl.string(), 10),
                          Catch::Contains("byte offset 11") && Catch::Contains("label 12") && Catch::Contains("0..9"));
    }
    SECTION("counts differ") {
        write_idx_labels(lbl.string(), std::vector<std::int32_t>(4, 1));
        CHECK_THROWS_WITH(load_idx_pair(img.string(), lbl.string(), 10), Catch::Contains("5 images") && Catch::Contains("4 labels"));
    }
    SECTION("corrupt and truncated gzip") {
        const auto gz = dir / "img.gz";
        write_idx_images(gz.string(), set);
        auto z = bytes_of(gz);
        write_bytes(gz, std::vector<std::uint8_t>(z.begin(), z.begin() + static_cast<std::ptrdiff_t>(z.size() / 2)));
        CHECK_THROWS_WITH(load_idx_pair(gz.string(), lbl.string(), 10), Catch::Contains("img.gz") && Catch::Contains("truncated gzip"));
        // A gzip trailer whose length field (ISIZE, which presizes the buffer) claims 4 GiB: refused by zlib's
        // length check, after a buffer capped by the compressed size, not 4 GiB.
        auto huge = z;
        for (std::size_t i = huge.size() - 4; i < huge.size(); ++i) huge[i] = 0xff;
        write_bytes(gz, huge);
        CHECK_THROWS_WITH(load_idx_pair(gz.string(), lbl.string(), 10), Catch::Contains("img.gz") && Catch::Contains("corrupt gzip"));
        for (std::size_t i = 10; i < z.size(); ++i) z[i] ^= 0x5a;
        write_bytes(gz, z);
        CHECK_THROWS_AS(load_idx_pair(gz.string(), lbl.string(), 10), DataError);
    }
    SECTION("trailing bytes") {
        auto bad = good;
        bad.push_back(1);
        write_bytes(img, bad);
        CHECK_THROWS_WITH(load_idx_pair(img.string(), lbl.string(), 10), Catch::Contains("1 unexpected bytes"));
    }
}

TEST_CASE("the IDX parser survives random truncations and byte flips", "[idx][fuzz]") {
    TempDir dir;
    const ImageSet set = tiny_set(6, 5, 5);
    write_idx_images((dir / "img").string(), set);
    const auto good = bytes_of(dir / "img");
    Rng rng(99);
    int rejected = 0;
    for (int trial = 0; trial < 5000; ++trial) {
        auto b = good;
        b.resize(rng.below(b.size() + 1));
        const int flips = static_cast<int>(rng.below(4));
        for (int f = 0; f < flips && !b.empty(); ++f) b[rng.below(b.size())] = static_cast<std::uint8_t>(rng.next());
        try {
            const IdxArray a = parse_idx(b, "fuzz", 3);
            REQUIRE(a.data.size() == static_cast<std::size_t>(a.dims[0]) * a.dims[1] * a.dims[2]);
        } catch (const DataError&) {
            ++rejected;
        }
    }
    CHECK(rejected > 4000);
}

TEST_CASE("stratified_head takes the first images of each class in file order", "[dataset]") {
    ImageSet s = tiny_set(30, 2, 2);
    const auto idx = stratified_head(s, 10, 14);
    REQUIRE(idx.size() == 14);
    std::vector<int> per_class(10, 0);
    for (auto i : idx) ++per_class[s.labels[i]];
    for (int c = 0; c < 10; ++c) CHECK(per_class[c] == (c < 4 ? 2 : 1));
    CHECK(std::is_sorted(idx.begin(), idx.end()));
}

TEST_CASE("normalisation: unit and standard", "[dataset]") {
    ImageSet s = tiny_set(8, 3, 3);
    const Normalizer unit = make_normalizer(s, "unit");
    CHECK(unit.scale[0] == Approx(1.0 / 255));
    const Normalizer std_norm = make_normalizer(s, "standard");
    std::vector<std::size_t> all(8);
    for (std::size_t i = 0; i < 8; ++i) all[i] = i;
    std::vector<float> out(8 * 9);
    std::vector<std::int32_t> labels(8);
    fill_batch(s, all, 0, 8, std_norm, out.data(), labels.data());
    double m = 0, m2 = 0;
    for (float v : out) m += v, m2 += static_cast<double>(v) * v;
    CHECK(m / out.size() == Approx(0).margin(1e-5));
    CHECK(m2 / out.size() == Approx(1).epsilon(1e-4));
    CHECK_THROWS_WITH(make_normalizer(s, "zscore"), Catch::Contains("none, unit, standard"));
}

TEST_CASE("augmentation: shifted crops and flips, repeatable from the seed", "[dataset][augment]") {
    ImageSet s;
    s.height = 4, s.width = 4;
    for (int i = 0; i < 16; ++i) s.pixels.push_back(static_cast<std::uint8_t>(i + 1));
    s.labels = {3};
    const Normalizer none = make_normalizer(s, "none");
    std::vector<std::size_t> idx{0};
    std::vector<float> plain(16), a(16), b(16);
    std::vector<std::int32_t> labels(1);
    fill_batch(s, idx, 0, 1, none, plain.data(), labels.data());
    Rng r1(4), r2(4);
    // Flip only: each image is either itself or its mirror, and the same seed gives the same choices.
    int flipped = 0;
    for (int k = 0; k < 50; ++k) {
        fill_batch_augmented(s, idx, 0, 1, none, Augmentation{0, true}, r1, a.data(), labels.data());
        fill_batch_augmented(s, idx, 0, 1, none, Augmentation{0, true}, r2, b.data(), labels.data());
        REQUIRE(a == b);
        if (a != plain) {
            ++flipped;
            for (int y = 0; y < 4; ++y)
                for (int x = 0; x < 4; ++x) REQUIRE(a[y * 4 + x] == plain[y * 4 + 3 - x]);
        }
    }
    CHECK(flipped > 10);
    CHECK(flipped < 40);
    // Crops: a shifted window with zeros where it leaves the image; every pixel kept comes from the original.
    bool shifted = false;
    for (int k = 0; k < 30; ++k) {
        fill_batch_augmented(s, idx, 0, 1, none, Augmentation{2, false}, r1, a.data(), labels.data());
        for (float v : a) REQUIRE((v == 0.f || (v >= 1.f && v <= 16.f)));
        shifted |= a != plain;
    }
    CHECK(shifted);
    CHECK(labels[0] == 3);
}

TEST_CASE("gzip: every member of a multi-member file is read — junk after the last is refused", "[idx][errors]") {
    TempDir dir;
    const ImageSet set = tiny_set(6, 4, 3);
    write_idx_images((dir / "img.gz").string(), set);
    write_idx_images((dir / "img").string(), set);
    const auto gz = bytes_of(dir / "img.gz"), raw = bytes_of(dir / "img");
    // The same data as two members, split anywhere (what `cat a.gz b.gz` makes of a split file).
    write_bytes(dir / "half1", std::vector<std::uint8_t>(raw.begin(), raw.begin() + 10));
    write_bytes(dir / "half2", std::vector<std::uint8_t>(raw.begin() + 10, raw.end()));
    REQUIRE(std::system(("gzip -n -c " + (dir / "half1").string() + " > " + (dir / "two.gz").string() + " && gzip -n -c " +
                         (dir / "half2").string() + " >> " + (dir / "two.gz").string())
                            .c_str()) == 0);
    CHECK(read_maybe_gzip((dir / "two.gz").string()) == raw);
    auto junk = gz;
    for (std::uint8_t b : {0x00, 0x42, 0x13}) junk.push_back(b);
    write_bytes(dir / "junk.gz", junk);
    CHECK_THROWS_WITH(read_maybe_gzip((dir / "junk.gz").string()),
                      Catch::Contains("junk.gz: byte offset " + std::to_string(gz.size()) + ": 3 bytes after the end of the gzip data"));
}

TEST_CASE("a data path that is a FIFO, a directory or a device is refused, never read", "[idx][errors]") {
    TempDir dir;
    REQUIRE(::mkfifo((dir / "fifo").c_str(), 0644) == 0);  // opening it for reading would block until a writer comes
    CHECK_THROWS_WITH(read_maybe_gzip((dir / "fifo").string()), Catch::Contains("fifo: is not a regular file (a FIFO, device or socket)"));
    CHECK_THROWS_WITH(read_maybe_gzip(dir.path().string()), Catch::Contains("is a directory"));
    CHECK_THROWS_WITH(read_maybe_gzip("/dev/zero"), Catch::Contains("/dev/zero: is not a regular file"));
    CHECK_THROWS_WITH(read_maybe_gzip((dir / "none").string()), Catch::Contains("none: no such file"));
}
