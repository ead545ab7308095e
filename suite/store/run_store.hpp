// The run store: runs/<sweep>/{manifest.json, runs.jsonl, <trial-id>/{trial.yaml, metrics.jsonl, timing.jsonl,
// summary.json}}.
//
// A finished trial may also be stored compactly (`actbench compact`, for committing or archiving a run store):
// metrics.jsonl.gz and timing.jsonl.gz instead of their plain files, and no trial.yaml (summary.json holds its id
// and settings). Every reader takes either form, so a compacted store reports, exports, verifies and resumes
// as before.
//
// Every file is written to a temporary name in the same directory and renamed into place, so a reader
// never sees half a file. A trial counts as done only when its summary.json exists; its other files are
// written first. metrics.jsonl and summary.json hold no wall-clock figures (those go to timing.jsonl), so
// the same trial at the same thread count and ISA gives byte-identical files.
#pragma once

#include <nlohmann/json.hpp>

#include <optional>
#include <string_view>

#include <filesystem>
#include <string>
#include <vector>

namespace actbench {

// Writes `content` to `path` atomically (temporary file + fsync + rename). Throws IoError on failure.
void write_atomic(const std::filesystem::path& path, const std::string& content);

std::string read_text(const std::filesystem::path& path);  // throws InputError naming the file

// One JSON document per line, gunzipped first when the name ends in .gz; throws InputError naming the file and
// line (of the decompressed text), or the byte offset where the gzip data is corrupt or truncated.
std::vector<nlohmann::json> read_jsonl(const std::filesystem::path& path);
nlohmann::json read_json(const std::filesystem::path& path);

// The run store's files, read and checked. Each reader throws InputError naming the file (and line) and
// what was expected when a file is missing, is not JSON, or holds a value of the wrong type; a trial whose
// files fail these checks is damaged: resume retrains it, report lists it apart, verify says so.
inline constexpr const char* kManifestFile = "manifest.json";
inline constexpr const char* kRunLogFile = "runs.jsonl";
inline constexpr const char* kSummaryFile = "summary.json";
inline constexpr const char* kMetricsFile = "metrics.jsonl";
inline constexpr const char* kTimingFile = "timing.jsonl";
inline constexpr const char* kClaimsDir = ".claims";  // per-trial lock files of concurrent runners
inline constexpr const char* kTrialFile = "trial.yaml";
inline constexpr const char* kGzipSuffix = ".gz";  // a compacted JSON-lines file: metrics.jsonl.gz, timing.jsonl.gz

// A finished trial's status. "interrupted" is never stored: an interrupted trial leaves no summary.
enum class TrialStatus { ok, diverged, failed };
const char* status_name(TrialStatus s);
// The status a summary's "status" names; nullopt for anything else.
std::optional<TrialStatus> status_of(const nlohmann::json& summary);

// What a stored field may hold (numbers: a list of number | null).
enum class FieldKind { string, object, integer, number, number_or_null, integer_or_null, numbers };

// The trainer's outcome fields of summary.json, each described once: the store checks them on write and read,
// `export`'s trials.csv carries every scalar one in this order, and the report's per-trial and per-group CSV
// those with a report_column. Adding a metric is a row here and the trainer's line that computes it
// (run/trainer.cpp); showing it in the report's tables is a line in report/.
struct SummaryMetric {
    std::string_view name;
    FieldKind kind;
    bool required;  // in every finished trial's summary (not: diverged_step, the validation scores)
    int report_column;  // its column among the report CSV's metrics (1, 2, …); 0: not there
};
const std::vector<SummaryMetric>& summary_metrics();
// The scalar metrics (trials.csv), and the report CSV's, each in its order.
std::vector<std::string> trial_csv_metrics();
std::vector<std::string> report_csv_metrics();

// The writers: each file has one, and it checks what it writes with the same field table its reader checks,
// so a writer cannot store what a reader would call damaged (adding a metric is one row in that table, in
// run_store.cpp, beside the trainer's line that computes it).
void write_manifest(const std::filesystem::path& run_dir, const nlohmann::json& manifest);
void write_trial_settings(const std::filesystem::path& trial_dir, const std::string& id, const nlohmann::json& settings);
void write_metrics(const std::filesystem::path& trial_dir, const std::vector<nlohmann::json>& rows);
void write_timing(const std::filesystem::path& trial_dir, const std::vector<nlohmann::json>& rows);
// summary.json: a finished trial's outcome (status ok or diverged), or a failure's error.
void write_summary(const std::filesystem::path& trial_dir, const nlohmann::json& summary);
void write_failed_summary(const std::filesystem::path& trial_dir, const std::string& id, const std::string& error,
                          const nlohmann::json& axes, const nlohmann::json& settings);
// One line of runs.jsonl per `actbench run` that trained something (append_line_locked).
void append_run_log(const std::filesystem::path& run_dir, const nlohmann::json& line);

nlohmann::json read_manifest(const std::filesystem::path& run_dir);
std::vector<nlohmann::json> read_run_log(const std::filesystem::path& run_dir);  // empty when there is none
// summary.json: an object with id (the folder's name), status ok | diverged | failed, axes and settings, and
// the summary metrics as numbers (or null where the trainer writes null).
nlohmann::json read_summary(const std::filesystem::path& trial_dir);
// metrics.jsonl of a finished trial: one object per evaluation point, each metric a number, null or a
// list of them, and complete: its last line is the summary's last epoch with the summary's final accuracy.
std::vector<nlohmann::json> read_metrics(const std::filesystem::path& trial_dir, const nlohmann::json& summary);
std::vector<nlohmann::json> read_timing(const std::filesystem::path& trial_dir);  // empty when there is none

// A stored trial read and checked as a whole: its summary and, unless it failed, its metrics and timing. The one
// rule for "damaged" (an InputError naming the file): `run` retrains such a trial, `report` lists it apart, `verify`
// says DAMAGED. (Before, `run` did not read timing.jsonl, so a garbled one was "done" to run and damaged to report.)
struct StoredTrial {
    nlohmann::json summary;
    std::vector<nlohmann::json> metrics, timing;
};
StoredTrial read_trial(const std::filesystem::path& trial_dir);
// The metrics row a stored trial wrote at `epoch` (each epoch has one), or null when it stopped before.
nlohmann::json metrics_row_at(const StoredTrial& trial, double epoch);
// The seconds a stored trial spent training and evaluating: its timing.jsonl's train_seconds and eval_seconds, summed.
double timed_seconds(const StoredTrial& trial);

// Appends one line to a log shared by concurrent processes (runs.jsonl): one write() under an exclusive
// flock, so no line is lost or interleaved. Throws IoError.
void append_line_locked(const std::filesystem::path& path, const std::string& line);

// An exclusive claim on one trial (or another name) among concurrent runners: a flock on
// <run_dir>/.claims/<name>, taken without waiting (held() says whether it was) or, with wait, when the holder
// lets go. The kernel releases it when the holder exits, however it exits, so a killed runner leaves no
// stale claim.
class TrialClaim {
public:
    TrialClaim(const std::filesystem::path& run_dir, const std::string& name, bool wait = false);  // throws IoError
    ~TrialClaim();
    TrialClaim(const TrialClaim&) = delete;
    TrialClaim& operator=(const TrialClaim&) = delete;
    bool held() const { return held_; }

private:
    int fd_ = -1;
    bool held_ = false;
};

// The JSON paths ("train.lr", "sweep.seed") at which two documents differ.
std::vector<std::string> json_differences(const nlohmann::json& a, const nlohmann::json& b, const std::string& prefix = "");

// A JSON object as YAML (block style, keys in order), for trial.yaml.
std::string to_yaml(const nlohmann::json& j);

}  // namespace actbench
