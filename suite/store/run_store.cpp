#include "store/run_store.hpp"

#include "core/error.hpp"
#include "gzip.hpp"

#include <yaml-cpp/yaml.h>

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <optional>
#include <sstream>

namespace actbench {

void write_atomic(const std::filesystem::path& path, const std::string& content) {
    static std::atomic<unsigned> counter{0};
    const std::filesystem::path tmp = path.string() + ".tmp." + std::to_string(::getpid()) + "." + std::to_string(counter++);
    const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) throw IoError(tmp.string() + ": cannot create: " + std::strerror(errno));
    const char* p = content.data();
    std::size_t left = content.size();
    while (left > 0) {
        const ssize_t n = ::write(fd, p, left);
        if (n < 0) {
            if (errno == EINTR) continue;
            const std::string why = std::strerror(errno);
            ::close(fd);
            ::unlink(tmp.c_str());
            throw IoError(tmp.string() + ": write failed: " + why);
        }
        p += n;
        left -= static_cast<std::size_t>(n);
    }
    if (::fsync(fd) != 0 || ::close(fd) != 0) {
        ::unlink(tmp.c_str());
        throw IoError(tmp.string() + ": cannot flush to disk: " + std::strerror(errno));
    }
    if (::rename(tmp.c_str(), path.c_str()) != 0) {
        const std::string why = std::strerror(errno);
        ::unlink(tmp.c_str());
        throw IoError(path.string() + ": cannot rename into place: " + why);
    }
}

std::string read_text(const std::filesystem::path& path) {
    std::error_code ec;
    const auto status = std::filesystem::status(path, ec);
    if (std::filesystem::exists(status) && !std::filesystem::is_regular_file(status))  // a FIFO would block the reader
        throw InputError(path.string() + ": is not a regular file; expected a file of the run store");
    std::ifstream in(path, std::ios::binary);
    if (!in) throw InputError(path.string() + ": cannot open");
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

namespace {

// A compacted file's text may decompress to at most max(16 MiB, 64 × its compressed size), and never past 1 GiB, so a
// crafted file cannot exhaust memory (128 kB of gzip inflating to 128 MB of spaces took report to 668 MB). JSON
// lines of numbers compress 5–10×, and the largest metrics file of the canonical studies is 30 kB.
constexpr std::size_t kMaxJsonlBytes = std::size_t{1} << 30;
constexpr std::size_t kMinJsonlCap = std::size_t{16} << 20;
constexpr std::size_t kMaxJsonlRatio = 64;

std::string read_text_maybe_gzip(const std::filesystem::path& path) {
    std::string text = read_text(path);
    if (path.extension() != kGzipSuffix) return text;
    try {
        const std::size_t cap = std::min(kMaxJsonlBytes, std::max(kMinJsonlCap, kMaxJsonlRatio * text.size()));
        const auto bytes = gunzip({reinterpret_cast<const std::uint8_t*>(text.data()), text.size()}, cap);
        return std::string(bytes.begin(), bytes.end());
    } catch (const GzipError& e) {
        throw InputError(path.string() + ": " + e.what() + "; expected gzip-compressed JSON lines");
    }
}

}  // namespace

std::vector<nlohmann::json> read_jsonl(const std::filesystem::path& path) {
    std::istringstream in(read_text_maybe_gzip(path));
    std::vector<nlohmann::json> rows;
    std::string line;
    int number = 0;
    while (std::getline(in, line)) {
        ++number;
        if (line.empty()) continue;
        try {
            rows.push_back(nlohmann::json::parse(line));
        } catch (const nlohmann::json::parse_error& e) {
            throw InputError(path.string() + ":" + std::to_string(number) + ": not valid JSON (column " + std::to_string(e.byte) +
                             "): expected one JSON object per line");
        }
    }
    return rows;
}

nlohmann::json read_json(const std::filesystem::path& path) {
    try {
        return nlohmann::json::parse(read_text(path));
    } catch (const nlohmann::json::parse_error& e) {
        throw InputError(path.string() + ": byte offset " + std::to_string(e.byte) + ": not valid JSON");
    }
}

namespace {

namespace fs = std::filesystem;
using nlohmann::json;

using Kind = FieldKind;

bool has_kind(const json& v, Kind k) {
    switch (k) {
        case Kind::string: return v.is_string();
        case Kind::object: return v.is_object();
        case Kind::integer: return v.is_number_integer();
        case Kind::number: return v.is_number();
        case Kind::number_or_null: return v.is_number() || v.is_null();
        case Kind::integer_or_null: return v.is_number_integer() || v.is_null();
        case Kind::numbers:
            if (!v.is_array()) return false;
            for (const auto& x : v)
                if (!x.is_number() && !x.is_null()) return false;
            return true;
    }
    return false;
}

const char* kind_name(Kind k) {
    switch (k) {
        case Kind::string: return "a string";
        case Kind::object: return "an object";
        case Kind::integer: return "a whole number";
        case Kind::number: return "a number";
        case Kind::number_or_null: return "a number or null";
        case Kind::integer_or_null: return "a whole number or null";
        case Kind::numbers: return "a list of numbers (or nulls)";
    }
    return "?";
}

struct Field {
    const char* name;
    Kind kind;
    bool required;
};

// `where` is "FILE" or "FILE:LINE".
void check_fields(const json& j, const std::vector<Field>& fields, const std::string& where, const char* what) {
    if (!j.is_object()) throw InputError(where + ": expected " + what + " (a JSON object), found " + j.type_name());
    for (const Field& f : fields) {
        const auto it = j.find(f.name);
        if (it == j.end()) {
            if (f.required) throw InputError(where + ": " + what + " has no \"" + f.name + "\"; expected " + kind_name(f.kind));
            continue;
        }
        if (!has_kind(*it, f.kind)) throw InputError(where + ": \"" + f.name + "\" is " + it->dump() + "; expected " + kind_name(f.kind));
    }
}

// One JSON object per line, each with `fields`; `what` names a line in messages.
std::vector<json> read_checked_jsonl(const fs::path& path, const std::vector<Field>& fields, const char* what) {
    std::vector<json> rows = read_jsonl(path);
    for (std::size_t i = 0; i < rows.size(); ++i) check_fields(rows[i], fields, path.string() + ":" + std::to_string(i + 1), what);
    return rows;
}

// A trial's JSON-lines file `name` (kMetricsFile, kTimingFile) in whichever form it is stored: the plain file when
// there is one (a compaction interrupted between writing the .gz and removing the plain file leaves both, equal),
// else its .gz — also when `actbench compact` removed the plain file between the check and the read (the .gz is
// written first). nullopt when neither exists. `path` names the file read, or the plain one when neither exists.
std::optional<std::vector<json>> read_trial_jsonl(const fs::path& trial_dir, const char* name, const std::vector<Field>& fields,
                                                  const char* what, fs::path& path) {
    const fs::path plain = trial_dir / name, compact = trial_dir / (std::string(name) + kGzipSuffix);
    path = plain;
    if (fs::exists(plain)) {
        try {
            return read_checked_jsonl(plain, fields, what);
        } catch (const InputError&) {
            if (fs::exists(plain) || !fs::exists(compact)) throw;
        }
    }
    if (!fs::exists(compact)) return std::nullopt;
    path = compact;
    return read_checked_jsonl(compact, fields, what);
}

// The trainer's summary fields (summary_metrics()); the report and verify read nothing else.
std::vector<Field> summary_outcome_fields() {
    std::vector<Field> fields;
    for (const SummaryMetric& m : summary_metrics()) fields.push_back({m.name.data(), m.kind, m.required});
    return fields;
}
const std::vector<Field> kSummaryOutcome = summary_outcome_fields();

const std::vector<Field> kMetricsRow{{"epoch", Kind::number, true},
                                     {"step", Kind::integer, true},
                                     {"test_loss", Kind::number_or_null, true},
                                     {"test_accuracy", Kind::number, true},
                                     {"probe_loss", Kind::number_or_null, true},
                                     {"probe_accuracy", Kind::number, true},
                                     {"zero_fraction", Kind::numbers, true},
                                     {"dead_fraction", Kind::numbers, true},
                                     {"inactive_fraction", Kind::numbers, true},
                                     {"saturated_fraction", Kind::numbers, true},
                                     {"mean", Kind::numbers, true},
                                     {"mean_abs", Kind::numbers, true},
                                     {"second_moment", Kind::numbers, true},
                                     {"pre_mean", Kind::numbers, true},
                                     {"pre_std", Kind::numbers, true},
                                     {"prelu_slope", Kind::numbers, false},
                                     {"learned", Kind::object, false},  // a formula's learned parameters: name → {mean, std} per layer
                                     {"grad_norm", Kind::numbers, false},
                                     {"grad_ratio", Kind::number_or_null, false},
                                     {"train_loss", Kind::number_or_null, false},
                                     {"train_accuracy", Kind::number, false},
                                     {"val_loss", Kind::number_or_null, false},
                                     {"val_accuracy", Kind::number, false}};

const std::vector<Field> kManifest{{"sweep", Kind::string, true},
                                   {"config_file", Kind::string, true},
                                   {"config", Kind::object, true},
                                   {"config_hash", Kind::string, true},
                                   {"environment", Kind::object, true}};
const std::vector<Field> kEnvironment{{"actbench_version", Kind::string, true},  {"git_commit", Kind::string, true},
                                      {"onednn_version", Kind::string, true},    {"opencv_version", Kind::string, true},
                                      {"cpu_model", Kind::string, true},         {"cpu_isa", Kind::string, true},
                                      {"threads_per_trial", Kind::integer, true}};
const std::vector<Field> kRunLogLine{{"command", Kind::string, true},
                                     {"commit", Kind::string, true},
                                     {"jobs", Kind::integer, true},
                                     {"threads_per_trial", Kind::integer, true},
                                     {"trials_finished", Kind::integer, true},
                                     {"wall_seconds", Kind::number, true}};
const std::vector<Field> kTimingRow{{"epoch", Kind::number, true},
                                    {"eval_seconds", Kind::number, true},
                                    {"train_seconds", Kind::number, false},
                                    {"train_images_per_second", Kind::number, false}};
const std::vector<Field> kSummaryHead{
    {"id", Kind::string, true}, {"status", Kind::string, true}, {"axes", Kind::object, true}, {"settings", Kind::object, true}};

std::string jsonl(const std::vector<json>& rows) {
    std::string s;
    for (const auto& r : rows) s += r.dump() + "\n";
    return s;
}

// What a writer was about to store fails its own reader's table: a bug in actbench, not bad input.
void check_written(const json& j, const std::vector<Field>& fields, const fs::path& path, const char* what) {
    try {
        check_fields(j, fields, path.string(), what);
    } catch (const InputError& e) {
        throw std::logic_error(std::string("refusing to write ") + e.what());
    }
}

}  // namespace

const char* status_name(TrialStatus s) {
    switch (s) {
        case TrialStatus::ok: return "ok";
        case TrialStatus::diverged: return "diverged";
        case TrialStatus::failed: return "failed";
    }
    return "";
}

std::optional<TrialStatus> status_of(const json& summary) {
    const auto it = summary.find("status");
    if (it == summary.end() || !it->is_string()) return std::nullopt;
    for (const TrialStatus s : {TrialStatus::ok, TrialStatus::diverged, TrialStatus::failed})
        if (*it == status_name(s)) return s;
    return std::nullopt;
}

const std::vector<SummaryMetric>& summary_metrics() {
    using K = FieldKind;
    static const std::vector<SummaryMetric> table{
        {"epochs_completed", K::integer, true, 0},
        {"steps", K::integer, true, 0},
        {"diverged_step", K::integer, false, 0},
        {"pruned_at_epoch", K::integer, false, 0},  // tune's halving stopped the trial at this rung
        {"final_test_accuracy", K::number, true, 1},
        {"best_test_accuracy", K::number, true, 2},
        {"final_val_accuracy", K::number, false, 0},
        {"best_val_accuracy", K::number, false, 0},
        {"final_train_loss", K::number_or_null, true, 0},
        {"train_loss_auc", K::number_or_null, true, 5},
        {"target_train_error", K::number, true, 0},
        {"epochs_to_target", K::integer_or_null, true, 3},
        {"steps_to_target", K::integer_or_null, true, 4},
        {"zero_fraction_init", K::number_or_null, true, 6},
        {"zero_fraction_final", K::number_or_null, true, 7},
        {"dead_fraction_final", K::number_or_null, true, 8},
        {"inactive_fraction_final", K::number_or_null, true, 9},
        {"saturated_fraction_final", K::number_or_null, true, 0},
        {"grad_ratio_first_step", K::number_or_null, true, 10},
        {"grad_norm_first_step", K::numbers, true, 0},
    };
    return table;
}

std::vector<std::string> trial_csv_metrics() {
    std::vector<std::string> names;
    for (const SummaryMetric& m : summary_metrics())
        if (m.kind != FieldKind::numbers) names.emplace_back(m.name);
    return names;
}

std::vector<std::string> report_csv_metrics() {
    std::vector<std::string> names;
    for (const SummaryMetric& m : summary_metrics())
        if (m.report_column > 0) {
            if (names.size() < static_cast<std::size_t>(m.report_column)) names.resize(m.report_column);
            names[m.report_column - 1] = m.name;
        }
    return names;
}

void write_manifest(const fs::path& run_dir, const json& manifest) {
    const fs::path path = run_dir / kManifestFile;
    check_written(manifest, kManifest, path, "a run manifest");
    check_written(manifest["environment"], kEnvironment, path, "the environment");
    write_atomic(path, manifest.dump(2) + "\n");
}

void write_trial_settings(const fs::path& trial_dir, const std::string& id, const json& settings) {
    write_atomic(trial_dir / kTrialFile, to_yaml(json{{"id", id}, {"settings", settings}}));
}

void write_metrics(const fs::path& trial_dir, const std::vector<json>& rows) {
    for (const json& row : rows) check_written(row, kMetricsRow, trial_dir / kMetricsFile, "a metrics line");
    write_atomic(trial_dir / kMetricsFile, jsonl(rows));
}

void write_timing(const fs::path& trial_dir, const std::vector<json>& rows) {
    for (const json& row : rows) check_written(row, kTimingRow, trial_dir / kTimingFile, "a timing line");
    write_atomic(trial_dir / kTimingFile, jsonl(rows));
}

void write_summary(const fs::path& trial_dir, const json& summary) {
    const fs::path path = trial_dir / kSummaryFile;
    check_written(summary, kSummaryHead, path, "a trial summary");
    check_written(summary, kSummaryOutcome, path, "a trial summary");
    write_atomic(path, summary.dump(2) + "\n");
}

void write_failed_summary(const fs::path& trial_dir, const std::string& id, const std::string& error, const json& axes,
                          const json& settings) {
    write_atomic(
        trial_dir / kSummaryFile,
        json{{"id", id}, {"status", status_name(TrialStatus::failed)}, {"error", error}, {"axes", axes}, {"settings", settings}}.dump(2) +
            "\n");
}

void append_run_log(const fs::path& run_dir, const json& line) {
    check_written(line, kRunLogLine, run_dir / kRunLogFile, "a run-log line");
    append_line_locked(run_dir / kRunLogFile, line.dump());
}

json read_manifest(const fs::path& run_dir) {
    const fs::path path = run_dir / kManifestFile;
    if (!fs::exists(path)) throw InputError(path.string() + ": not found; expected a run directory written by 'actbench run'");
    const json m = read_json(path);
    check_fields(m, kManifest, path.string(), "a run manifest");
    check_fields(m["environment"], kEnvironment, path.string() + ": environment", "the environment");
    return m;
}

std::vector<json> read_run_log(const fs::path& run_dir) {
    const fs::path path = run_dir / kRunLogFile;
    if (!fs::exists(path)) return {};
    return read_checked_jsonl(path, kRunLogLine, "a run-log line");
}

json read_summary(const fs::path& trial_dir) {
    const fs::path path = trial_dir / kSummaryFile;
    const json s = read_json(path);
    check_fields(s, kSummaryHead, path.string(), "a trial summary");
    if (s["id"] != trial_dir.filename().string())
        throw InputError(path.string() + ": \"id\" is " + s["id"].dump() + "; expected the folder's name, \"" +
                         trial_dir.filename().string() + "\"");
    const std::optional<TrialStatus> status = status_of(s);
    if (!status) throw InputError(path.string() + ": \"status\" is " + s["status"].dump() + "; expected ok, diverged or failed");
    if (*status == TrialStatus::failed)
        check_fields(s, {{"error", Kind::string, true}}, path.string(), "a failed trial's summary");
    else
        check_fields(s, kSummaryOutcome, path.string(), "a trial summary");
    return s;
}

std::vector<json> read_metrics(const fs::path& trial_dir, const json& summary) {
    fs::path path;
    const std::optional<std::vector<json>> read = read_trial_jsonl(trial_dir, kMetricsFile, kMetricsRow, "a metrics line", path);
    if (!read) throw InputError(path.string() + ": not found (nor " + kMetricsFile + kGzipSuffix + "); a finished trial has one");
    const std::vector<json>& rows = *read;
    if (rows.empty()) throw InputError(path.string() + ": empty; expected one line per evaluation point");
    // Complete: the trainer writes the summary from the last line, after the last epoch's line.
    const json& last = rows.back();
    const bool ok = status_of(summary) == TrialStatus::ok;
    if (last["test_accuracy"] != summary["final_test_accuracy"] || (ok && last["epoch"] != summary["epochs_completed"]))
        throw InputError(path.string() + ":" + std::to_string(rows.size()) + ": the last line is epoch " + last["epoch"].dump() +
                         " with test accuracy " + last["test_accuracy"].dump() + ", but " + kSummaryFile + " says epoch " +
                         summary["epochs_completed"].dump() + " with " + summary["final_test_accuracy"].dump() +
                         "; the file is truncated or does not belong to this trial");
    return rows;
}

std::vector<json> read_timing(const fs::path& trial_dir) {
    fs::path path;
    return read_trial_jsonl(trial_dir, kTimingFile, kTimingRow, "a timing line", path).value_or(std::vector<json>{});
}

StoredTrial read_trial(const fs::path& trial_dir) {
    StoredTrial t{read_summary(trial_dir), {}, {}};
    if (status_of(t.summary) != TrialStatus::failed) {
        t.metrics = read_metrics(trial_dir, t.summary);
        t.timing = read_timing(trial_dir);
    }
    return t;
}

double timed_seconds(const StoredTrial& trial) {
    double s = 0;
    for (const json& row : trial.timing) s += row.value("train_seconds", 0.0) + row.value("eval_seconds", 0.0);
    return s;
}

json metrics_row_at(const StoredTrial& trial, double epoch) {
    for (const json& row : trial.metrics)
        if (row.value("epoch", -1.0) == epoch) return row;
    return nullptr;
}

void append_line_locked(const fs::path& path, const std::string& line) {
    const int fd = ::open(path.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0) throw IoError(path.string() + ": cannot open for appending: " + std::strerror(errno));
    // O_APPEND makes each write land at the end; the lock also covers filesystems (NFS) where it does not.
    while (::flock(fd, LOCK_EX) != 0)
        if (errno != EINTR) break;
    const std::string text = line + "\n";
    const char* p = text.data();
    std::size_t left = text.size();
    std::string why;
    while (left > 0) {
        const ssize_t n = ::write(fd, p, left);
        if (n < 0) {
            if (errno == EINTR) continue;
            why = std::strerror(errno);
            break;
        }
        p += n;
        left -= static_cast<std::size_t>(n);
    }
    if (why.empty() && ::fsync(fd) != 0) why = std::strerror(errno);
    ::close(fd);  // releases the lock
    if (!why.empty()) throw IoError(path.string() + ": cannot append: " + why);
}

TrialClaim::TrialClaim(const fs::path& run_dir, const std::string& name, bool wait) {
    std::error_code ec;
    fs::create_directories(run_dir / kClaimsDir, ec);
    const fs::path path = run_dir / kClaimsDir / name;
    fd_ = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd_ < 0) throw IoError(path.string() + ": cannot create the claim: " + std::strerror(errno));
    int rc;
    while ((rc = ::flock(fd_, wait ? LOCK_EX : LOCK_EX | LOCK_NB)) != 0 && errno == EINTR) {
    }
    held_ = rc == 0;
}

TrialClaim::~TrialClaim() {
    if (fd_ >= 0) ::close(fd_);  // releases the lock; the empty file stays (removing it would race a new claimer)
}

std::vector<std::string> json_differences(const nlohmann::json& a, const nlohmann::json& b, const std::string& prefix) {
    std::vector<std::string> diffs;
    if (a.is_object() && b.is_object()) {
        for (auto it = a.begin(); it != a.end(); ++it) {
            const std::string key = prefix.empty() ? it.key() : prefix + "." + it.key();
            if (!b.contains(it.key()))
                diffs.push_back(key);
            else
                for (auto& d : json_differences(*it, b[it.key()], key)) diffs.push_back(d);
        }
        for (auto it = b.begin(); it != b.end(); ++it)
            if (!a.contains(it.key())) diffs.push_back(prefix.empty() ? it.key() : prefix + "." + it.key());
        return diffs;
    }
    if (a != b) diffs.push_back(prefix.empty() ? "(top level)" : prefix);
    return diffs;
}

namespace {
void emit(YAML::Emitter& out, const nlohmann::json& j) {
    if (j.is_object()) {
        out << YAML::BeginMap;
        for (auto it = j.begin(); it != j.end(); ++it) {
            out << YAML::Key << it.key() << YAML::Value;
            emit(out, *it);
        }
        out << YAML::EndMap;
    } else if (j.is_array()) {
        out << YAML::Flow << YAML::BeginSeq;
        for (const auto& v : j) emit(out, v);
        out << YAML::EndSeq;
    } else if (j.is_string()) {
        out << j.get<std::string>();
    } else {
        out << j.dump();  // numbers and booleans in JSON's exact spelling
    }
}
}  // namespace

std::string to_yaml(const nlohmann::json& j) {
    YAML::Emitter out;
    emit(out, j);
    return std::string(out.c_str()) + "\n";
}

}  // namespace actbench
