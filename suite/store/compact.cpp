#include "store/compact.hpp"

#include "core/error.hpp"
#include "gzip.hpp"
#include "store/run_store.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <span>

namespace actbench {

namespace fs = std::filesystem;

namespace {

std::uintmax_t folder_bytes(const fs::path& dir) {
    std::uintmax_t n = 0;
    for (const auto& entry : fs::directory_iterator(dir))
        if (entry.is_regular_file()) n += entry.file_size();
    return n;
}

// Replaces the plain JSON-lines file `name` by its .gz, checked to decompress to the same bytes first. Returns
// whether there was a plain file.
bool gzip_in_place(const fs::path& trial_dir, const char* name) {
    const fs::path plain = trial_dir / name;
    if (!fs::exists(plain)) return false;
    const std::string text = read_text(plain);
    const std::span<const std::uint8_t> bytes{reinterpret_cast<const std::uint8_t*>(text.data()), text.size()};
    const std::vector<std::uint8_t> packed = gzip(bytes);
    const std::vector<std::uint8_t> back = gunzip(packed, text.size() + 1);
    if (!std::equal(back.begin(), back.end(), bytes.begin(), bytes.end()))
        throw IoError(plain.string() + ": its gzip form does not decompress to the same bytes; left as it is");
    write_atomic(plain.string() + kGzipSuffix, std::string(packed.begin(), packed.end()));
    std::error_code ec;
    if (!fs::remove(plain, ec) && ec) throw IoError(plain.string() + ": cannot remove after compacting: " + ec.message());
    return true;
}

}  // namespace

CompactResult compact_run(const fs::path& run_dir) {
    std::error_code ec;
    if (!fs::is_directory(run_dir, ec)) throw InputError(run_dir.string() + ": no such run directory");
    read_manifest(run_dir);
    CompactResult result;
    for (const auto& entry : fs::directory_iterator(run_dir)) {
        const std::string id = entry.path().filename().string();
        if (!entry.is_directory() || id == kClaimsDir) continue;
        const fs::path dir = entry.path();
        if (!fs::exists(dir / kSummaryFile)) {
            result.skipped.emplace_back(id, "unfinished (no summary.json)");
            continue;
        }
        // The claim keeps a runner from retraining the trial (it removes the folder) while its files are rewritten.
        const TrialClaim claim(run_dir, id);
        if (!claim.held()) {
            result.skipped.emplace_back(id, "being trained by another runner");
            continue;
        }
        try {
            read_trial(dir);
        } catch (const InputError& e) {
            result.skipped.emplace_back(id, std::string("damaged: ") + e.what());
            continue;
        }
        const std::uintmax_t before = folder_bytes(dir);
        bool changed = gzip_in_place(dir, kMetricsFile);
        changed |= gzip_in_place(dir, kTimingFile);
        changed |= fs::remove(dir / kTrialFile, ec);
        ++(changed ? result.compacted : result.already);
        result.bytes_before += before;
        result.bytes_after += folder_bytes(dir);
    }
    return result;
}

}  // namespace actbench
