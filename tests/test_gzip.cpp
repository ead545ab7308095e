// gzip in memory (common/gzip.hpp): round trips, a deterministic header, multi-member streams, and refusals with
// the byte offset.
#include "gzip.hpp"
#include "rng.hpp"

#include <catch2/catch.hpp>

#include <string>

using namespace actbench;

namespace {
std::vector<std::uint8_t> bytes_of(const std::string& s) { return {s.begin(), s.end()}; }
}  // namespace

TEST_CASE("gzip round-trips empty, text and incompressible data", "[gzip]") {
    Rng rng(7);
    std::vector<std::uint8_t> random(300000);
    for (auto& b : random) b = static_cast<std::uint8_t>(rng.below(256));
    std::string text;
    for (int i = 0; i < 2000; ++i) text += "{\"epoch\":" + std::to_string(i) + ",\"test_accuracy\":0.8" + std::to_string(i % 97) + "}\n";
    for (const auto& data : {std::vector<std::uint8_t>{}, bytes_of("a"), bytes_of(text), random}) {
        INFO(data.size() << " bytes");
        const auto packed = gzip(data);
        CHECK(is_gzip(packed));
        CHECK(gunzip(packed, data.size() + 1) == data);
    }
    CHECK(gzip(bytes_of(text)).size() < text.size() / 5);  // repetitive JSON lines shrink several-fold
}

TEST_CASE("gzip output is the same on every run: no name, no time in the header", "[gzip]") {
    const auto data = bytes_of("{\"a\":1}\n{\"a\":2}\n");
    const auto a = gzip(data), b = gzip(data);
    CHECK(a == b);
    REQUIRE(a.size() > 10);
    CHECK(a[2] == 8);  // CM: deflate
    CHECK(a[3] == 0);  // FLG: no FNAME, FCOMMENT, FEXTRA
    CHECK((a[4] | a[5] | a[6] | a[7]) == 0);  // MTIME 0
}

TEST_CASE("gunzip reads every member and refuses junk, truncation, corruption and too much output", "[gzip]") {
    const auto one = gzip(bytes_of("first\n")), two = gzip(bytes_of("second\n"));
    std::vector<std::uint8_t> both = one;
    both.insert(both.end(), two.begin(), two.end());
    CHECK(gunzip(both, 100) == bytes_of("first\nsecond\n"));

    auto junk = one;
    junk.push_back('x');
    CHECK_THROWS_WITH(gunzip(junk, 100),
                      Catch::Contains("byte offset " + std::to_string(one.size())) && Catch::Contains("not another gzip member"));
    const std::vector<std::uint8_t> half(one.begin(), one.begin() + static_cast<std::ptrdiff_t>(one.size() / 2));
    CHECK_THROWS_WITH(gunzip(half, 100), Catch::Contains("truncated gzip stream"));
    auto flipped = one;
    flipped[flipped.size() - 6] ^= 0xff;  // the CRC-32
    CHECK_THROWS_AS(gunzip(flipped, 100), GzipError);
    CHECK_THROWS_WITH(gunzip(gzip(std::vector<std::uint8_t>(5000, 'a')), 4096), Catch::Contains("more than 4096 bytes"));
    CHECK_FALSE(is_gzip(bytes_of("{\"a\":1}")));
}
