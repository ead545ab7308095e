// The run store under faults: concurrent runners, killed runners, damaged and mistyped files, a full disk.
// The real binary on real files in a temporary directory.
#include "cli_helpers.hpp"
#include "gzip.hpp"

#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include <sys/stat.h>

using namespace actbench::test;

namespace {

// Starts `count` runners of one config into one directory at once and waits for all; their exit codes.
std::vector<int> run_concurrently(const TempDir& dir, const fs::path& cfg, const fs::path& out, int count) {
    std::string cmd;
    for (int i = 0; i < count; ++i)
        cmd += std::string("(") + ACTBENCH_BINARY + " run " + cfg.string() + " --out " + out.string() + " --jobs 1 --quiet 2>" +
            (dir / ("err" + std::to_string(i) + ".txt")).string() + "; echo $? > " + (dir / ("rc" + std::to_string(i))).string() + ") & ";
    cmd += "wait";
    REQUIRE(std::system(("bash -c '" + cmd + "'").c_str()) == 0);
    std::vector<int> codes;
    for (int i = 0; i < count; ++i) codes.push_back(std::stoi(slurp(dir / ("rc" + std::to_string(i)))));
    return codes;
}

std::vector<nlohmann::json> run_log(const fs::path& run_dir) {
    std::vector<nlohmann::json> rows;
    std::istringstream in(slurp(run_dir / "runs.jsonl"));
    for (std::string line; std::getline(in, line);) rows.push_back(nlohmann::json::parse(line));
    return rows;
}

void no_temporary_files(const fs::path& run_dir) {
    for (const auto& e : fs::recursive_directory_iterator(run_dir)) CHECK(e.path().string().find(".tmp") == std::string::npos);
}

}  // namespace

TEST_CASE("concurrent runners into one directory split the trials and train none twice", "[store][concurrency][e2e]") {
    TempDir dir;
    std::string text = small_sweep("c");
    text.replace(text.find("epochs: 2"), 9, "epochs: 30");  // long enough that the runners overlap
    const fs::path cfg = write_config(dir, "c.yaml", text);
    REQUIRE(run_actbench(dir, "run " + cfg.string() + " --out " + (dir / "alone").string() + " --quiet").code == 0);
    const auto expected = metrics_files(dir / "alone");
    for (const int runners : {2, 3}) {
        INFO(runners << " runners");
        const fs::path out = dir / ("together" + std::to_string(runners));
        for (int code : run_concurrently(dir, cfg, out, runners)) CHECK(code == 0);
        CHECK(metrics_files(out) == expected);
        // Every runner that trained something logged its line (none lost), and between them they trained each of
        // the 8 trials exactly once.
        const auto log = run_log(out);
        CHECK(log.size() >= 2);
        int trained = 0;
        for (const auto& row : log) trained += row["trials_finished"].get<int>();
        CHECK(trained == 8);
        no_temporary_files(out);
    }
}

TEST_CASE("a runner killed with SIGKILL beside another leaves no stale claim — a resume completes the sweep", "[store][concurrency][e2e]") {
    TempDir dir;
    std::string text = small_sweep("k");
    text.replace(text.find("epochs: 2"), 9, "epochs: 150");  // long enough that A is still running when killed
    const fs::path cfg = write_config(dir, "k.yaml", text);
    REQUIRE(run_actbench(dir, "run " + cfg.string() + " --out " + (dir / "alone").string() + " --quiet --jobs 2").code == 0);
    const fs::path out = dir / "shared";
    const std::string run = std::string(ACTBENCH_BINARY) + " run " + cfg.string() + " --out " + out.string() + " --quiet --jobs 1";
    // A and B start together; A is killed once a first trial is stored, B runs to its end.
    const std::string cmd = run + " & a=$!; " + run + " & b=$!; for i in $(seq 1 500); do ls " + out.string() +
        "/*/summary.json >/dev/null 2>&1 && break; sleep 0.02; done; kill -9 $a && touch " + (dir / "killed").string() +
        "; wait $a 2>/dev/null; wait $b; echo $? > " + (dir / "rc_b").string();
    REQUIRE(std::system(("bash -c '" + cmd + "'").c_str()) == 0);
    REQUIRE(fs::exists(dir / "killed"));  // A was still running
    CHECK(std::stoi(slurp(dir / "rc_b")) == 0);
    // What A was training when it died is retrained now: its claim went with it.
    const Result resumed = run_actbench(dir, "run " + cfg.string() + " --out " + out.string() + " --jobs 2");
    INFO(resumed.err);
    REQUIRE(resumed.code == 0);
    CHECK(metrics_files(out) == metrics_files(dir / "alone"));
    no_temporary_files(out);
}

TEST_CASE("a damaged trial is never used: resume retrains it, report lists it, verify says so", "[store][errors][e2e]") {
    TempDir dir;
    std::string text = small_sweep("d");
    text.replace(text.find("[relu, tanh, rrelu, noisy_relu]"), 31, "[relu, tanh]");
    const fs::path cfg = write_config(dir, "d.yaml", text);
    const fs::path runs = dir / "runs";
    REQUIRE(run_actbench(dir, "run " + cfg.string() + " --out " + runs.string() + " --quiet").code == 0);
    const auto good = metrics_files(runs);
    const auto trials = trial_dirs(runs);
    REQUIRE(trials.size() == 4);
    const fs::path a = trials[0], b = trials[1], c = trials[2], d = trials[3];

    SECTION("resume retrains a trial whose summary is {} or whose metrics are truncated") {
        std::ofstream(a / "summary.json") << "{}";
        const std::string metrics = slurp(b / "metrics.jsonl");
        std::ofstream(b / "metrics.jsonl") << metrics.substr(0, metrics.find('\n') + 1);
        const Result r = run_actbench(dir, "run " + cfg.string() + " --out " + runs.string());
        INFO(r.err);
        CHECK(r.code == 0);
        CHECK_THAT(
            r.err,
            Catch::Contains("retraining " + a.filename().string()) && Catch::Contains("summary.json: a trial summary has no \"id\""));
        CHECK_THAT(r.err,
                   Catch::Contains("retraining " + b.filename().string()) && Catch::Contains("metrics.jsonl:1: the last line is epoch 0"));
        CHECK_THAT(r.err, Catch::Contains("2 ok") && Catch::Contains("2 already done"));
        CHECK(metrics_files(runs) == good);
    }
    SECTION("report names each damaged file and line, and leaves the trial out") {
        std::ofstream(a / "summary.json") << "[]";
        std::ofstream(b / "metrics.jsonl") << "";
        std::string metrics = slurp(c / "metrics.jsonl");
        metrics.replace(metrics.find("\"test_accuracy\":"), 16, "\"test_accuracy\":\"high\",\"was\":");
        std::ofstream(c / "metrics.jsonl") << metrics;
        const Result r = run_actbench(dir, "report " + runs.string());
        INFO(r.err);
        CHECK(r.code == 0);
        CHECK_THAT(r.out, Catch::Contains("**Damaged:** 3 trial folder(s)"));
        CHECK_THAT(r.out, Catch::Contains((a / "summary.json").string() + ": expected a trial summary (a JSON object), found array"));
        CHECK_THAT(r.out, Catch::Contains((b / "metrics.jsonl").string() + ": empty"));
        CHECK_THAT(r.out, Catch::Contains((c / "metrics.jsonl").string() + ":1: \"test_accuracy\" is \"high\"; expected a number"));
        CHECK_THAT(r.out, Catch::Contains("1 trials (1 ok"));
        // A script must be able to tell: a warning on stderr with the count and the first files, and --strict fails.
        CHECK_THAT(r.err,
                   Catch::Contains("warning: 3 damaged trial(s) left out of the report") && Catch::Contains((a / "summary.json").string()));
        CHECK(run_actbench(dir, "report " + runs.string() + " --strict").code == 2);
    }
    SECTION("a garbled timing.jsonl is one rule everywhere: report lists the trial, run retrains it") {
        std::ofstream(a / "timing.jsonl") << "garbage\n";
        const Result rep = run_actbench(dir, "report " + runs.string());
        CHECK_THAT(rep.out, Catch::Contains("**Damaged:** 1 trial folder(s)") && Catch::Contains((a / "timing.jsonl").string()));
        const Result r = run_actbench(dir, "run " + cfg.string() + " --out " + runs.string());
        INFO(r.err);
        CHECK_THAT(r.err,
                   Catch::Contains("retraining " + a.filename().string()) && Catch::Contains("1 ok") && Catch::Contains("3 already done"));
        CHECK(metrics_files(runs) == good);
        CHECK(run_actbench(dir, "report " + runs.string() + " --strict").code == 0);
    }
    SECTION("verify says DAMAGED for a summary that is not JSON, and exits 1") {
        std::ofstream(d / "summary.json") << "not json";
        const Result r = run_actbench(dir, "verify " + runs.string());
        CHECK(r.code == 1);
        CHECK_THAT(r.out, Catch::Contains(d.filename().string() + ": DAMAGED: " + (d / "summary.json").string() + ": byte offset"));
        CHECK(r.out.find(d.filename().string() + ": identical") == std::string::npos);
    }
    SECTION("a mistyped manifest or run log is an input error naming the file, not an internal error") {
        nlohmann::json m = nlohmann::json::parse(slurp(runs / "manifest.json"));
        m["environment"] = "x";
        std::ofstream(runs / "manifest.json") << m.dump();
        Result r = run_actbench(dir, "report " + runs.string());
        CHECK(r.code == 2);
        CHECK_THAT(r.err, Catch::Contains("manifest.json: \"environment\" is \"x\"; expected an object"));
        r = run_actbench(dir, "run " + cfg.string() + " --out " + runs.string());
        CHECK(r.code == 2);
        CHECK_THAT(r.err, Catch::Contains("manifest.json: \"environment\" is \"x\""));
        CHECK(r.err.find("internal error") == std::string::npos);
    }
    SECTION("a summary that is a FIFO is damaged, not read forever") {
        fs::remove(d / "summary.json");
        REQUIRE(::mkfifo((d / "summary.json").c_str(), 0644) == 0);
        const Result r = run_actbench(dir, "report " + runs.string(), "timeout 60 ");
        CHECK(r.code == 0);
        CHECK_THAT(r.out, Catch::Contains((d / "summary.json").string() + ": is not a regular file"));
    }
    SECTION("a run log line that is not an object") {
        std::ofstream(runs / "runs.jsonl") << "[1]\n";
        const Result r = run_actbench(dir, "report " + runs.string());
        CHECK(r.code == 2);
        CHECK_THAT(r.err, Catch::Contains("runs.jsonl:1: expected a run-log line (a JSON object), found array"));
    }
}

TEST_CASE("a compacted run store reports, exports, verifies and resumes as the plain one", "[store][compact][e2e]") {
    TempDir dir;
    std::string text = small_sweep("k");
    text.replace(text.find("[relu, tanh, rrelu, noisy_relu]"), 31, "[relu, tanh]");
    const fs::path cfg = write_config(dir, "k.yaml", text);
    const fs::path runs = dir / "runs";
    REQUIRE(run_actbench(dir, "run " + cfg.string() + " --out " + runs.string() + " --quiet").code == 0);
    const auto plain = metrics_files(runs);
    const std::string report = run_actbench(dir, "report " + runs.string()).out;
    REQUIRE(run_actbench(dir, "export " + runs.string() + " --out " + (dir / "e1").string()).code == 0);
    // An unfinished trial (no summary: being trained, or interrupted) is left as it is.
    fs::create_directories(runs / "0000000000000000");
    std::ofstream(runs / "0000000000000000" / "metrics.jsonl") << "{}\n";

    Result r = run_actbench(dir, "compact " + runs.string());
    INFO(r.out << r.err);
    REQUIRE(r.code == 0);
    CHECK_THAT(
        r.out,
        Catch::Contains("4 trial(s) compacted, 0 already compact") && Catch::Contains("0000000000000000: left as it is: unfinished"));
    fs::remove_all(runs / "0000000000000000");
    const auto trials = trial_dirs(runs);
    for (const fs::path& t : trials) {
        CHECK(fs::exists(t / "metrics.jsonl.gz"));
        CHECK(fs::exists(t / "timing.jsonl.gz"));
        CHECK_FALSE(fs::exists(t / "metrics.jsonl"));
        CHECK_FALSE(fs::exists(t / "trial.yaml"));
        const std::string gz = slurp(t / "metrics.jsonl.gz");
        const auto back = actbench::gunzip({reinterpret_cast<const std::uint8_t*>(gz.data()), gz.size()}, 1 << 20);
        CHECK(std::string(back.begin(), back.end()) == plain.at(t.filename().string() + "/metrics.jsonl"));
    }
    no_temporary_files(runs);

    SECTION("report and export are byte-identical; verify compares bit for bit; resume trains nothing; compact again changes nothing") {
        CHECK(run_actbench(dir, "report " + runs.string()).out == report);
        REQUIRE(run_actbench(dir, "export " + runs.string() + " --out " + (dir / "e2").string()).code == 0);
        for (const char* f : {"trials.csv", "curves.csv", "groups.csv"}) CHECK(slurp(dir / "e1" / f) == slurp(dir / "e2" / f));
        r = run_actbench(dir, "verify " + runs.string() + " --sample 2");
        CHECK(r.code == 0);
        CHECK_THAT(r.out, Catch::Contains(": identical"));
        r = run_actbench(dir, "run " + cfg.string() + " --out " + runs.string());
        CHECK(r.code == 0);
        CHECK_THAT(r.err, Catch::Contains("4 already done"));
        r = run_actbench(dir, "compact " + runs.string());
        CHECK_THAT(r.out, Catch::Contains("0 trial(s) compacted, 4 already compact"));
    }
    SECTION("a damaged .gz is named with its byte offset; resume retrains the trial into the same numbers") {
        const fs::path t = trials[0];
        const std::string gz = slurp(t / "metrics.jsonl.gz");
        std::ofstream(t / "metrics.jsonl.gz", std::ios::binary) << gz.substr(0, gz.size() / 2);
        r = run_actbench(dir, "report " + runs.string());
        CHECK_THAT(r.out,
                   Catch::Contains((t / "metrics.jsonl.gz").string() + ": truncated gzip stream: compressed data ends at byte offset"));
        r = run_actbench(dir, "verify " + runs.string() + " --trial " + t.filename().string());
        CHECK(r.code == 1);
        CHECK_THAT(r.out, Catch::Contains("DAMAGED"));
        r = run_actbench(dir, "run " + cfg.string() + " --out " + runs.string());
        CHECK_THAT(r.err, Catch::Contains("retraining " + t.filename().string()));
        CHECK(slurp(t / "metrics.jsonl") == plain.at(t.filename().string() + "/metrics.jsonl"));
        CHECK_FALSE(fs::exists(t / "metrics.jsonl.gz"));
    }
    SECTION("a .gz that inflates far beyond what a trial writes (a gzip bomb) is damaged, refused before it is read in full") {
        const fs::path t = trials[0];
        const std::string spaces(std::size_t{32} << 20, ' ');  // 32 MB of spaces: ~32 kB of gzip, 1000× its size
        const auto bomb = actbench::gzip({reinterpret_cast<const std::uint8_t*>(spaces.data()), spaces.size()});
        std::ofstream(t / "metrics.jsonl.gz", std::ios::binary)
            .write(reinterpret_cast<const char*>(bomb.data()), static_cast<std::streamsize>(bomb.size()));
        r = run_actbench(dir, "report " + runs.string());
        CHECK_THAT(r.out, Catch::Contains((t / "metrics.jsonl.gz").string() + ": decompresses to more than 16777216 bytes"));
        CHECK_THAT(r.err, Catch::Contains("1 damaged trial(s)"));
    }
    SECTION("an interrupted compaction (plain and .gz both present) reads the plain file; compact finishes it") {
        const fs::path t = trials[1];
        std::ofstream(t / "metrics.jsonl") << plain.at(t.filename().string() + "/metrics.jsonl");
        CHECK(run_actbench(dir, "report " + runs.string()).out == report);
        r = run_actbench(dir, "compact " + runs.string());
        CHECK_THAT(r.out, Catch::Contains("1 trial(s) compacted, 3 already compact"));
        CHECK_FALSE(fs::exists(t / "metrics.jsonl"));
    }
    SECTION("a trial another runner holds is left alone") {
        const std::string id = trials[2].filename().string();
        r = run_actbench(dir, "compact " + runs.string(),
                         "mkdir -p " + (runs / ".claims").string() + " && flock " + (runs / ".claims" / id).string() + " ");
        CHECK_THAT(r.out, Catch::Contains(id + ": left as it is: being trained by another runner"));
    }
    SECTION("a folder that is not a run directory is refused") {
        r = run_actbench(dir, "compact " + (dir / "nothing").string());
        CHECK(r.code == 2);
        CHECK_THAT(r.err, Catch::Contains("nothing: no such run directory"));
        r = run_actbench(dir, "compact " + (dir / "e1").string());
        CHECK(r.code == 2);
        CHECK_THAT(r.err, Catch::Contains("manifest.json: not found"));
    }
}

TEST_CASE("verify reproduces the run's environment: its pinned ISA — a failed trial is said, not retrained",
          "[store][reproducibility][e2e]") {
    TempDir dir;
    std::string text = "name: i\nisa: avx2\n" + small_sweep("i").substr(small_sweep("i").find('\n') + 1);
    text.replace(text.find("[relu, tanh, rrelu, noisy_relu]"), 31, "[relu, tanh]");
    text.replace(text.find("seed: [1, 2]"), 12, "seed: [1]");
    const fs::path cfg = write_config(dir, "i.yaml", text);
    const fs::path runs = dir / "runs";
    REQUIRE(run_actbench(dir, "run " + cfg.string() + " --out " + runs.string() + " --quiet").code == 0);
    // A pinned avx2 run verifies identical on any CPU with avx2, AVX-512 ones included (verify pins it too).
    Result r = run_actbench(dir, "verify " + runs.string());
    INFO(r.out << r.err);
    CHECK(r.code == 0);
    CHECK(std::count(r.out.begin(), r.out.end(), '\n') == 2);
    CHECK(r.out.find("DIFFERS") == std::string::npos);
    CHECK(r.out.find("note:") == std::string::npos);

    // One trial recorded as failed: verify says so, exits 0, and leaves no scratch folder in $TMPDIR.
    const fs::path failed = trial_dirs(runs)[0];
    nlohmann::json s = nlohmann::json::parse(slurp(failed / "summary.json"));
    std::ofstream(failed / "summary.json") << nlohmann::json{
        {"id", s["id"]},
        {"status", "failed"},
        {"error", "out of memory"},
        {"axes", s["axes"]},
        {"settings", s["settings"]}}.dump(2);
    fs::create_directories(dir / "tmp");
    r = run_actbench(dir, "verify " + runs.string(), "TMPDIR=" + (dir / "tmp").string() + " ");
    CHECK(r.code == 0);
    CHECK_THAT(r.out, Catch::Contains(failed.filename().string() + ": not retrained: recorded as failed (out of memory)"));
    CHECK(fs::is_empty(dir / "tmp"));

    // The manifest says another ISA than this machine runs: verify says so before the trials.
    nlohmann::json m = nlohmann::json::parse(slurp(runs / "manifest.json"));
    m["environment"]["cpu_isa"] = "avx512_core";
    std::ofstream(runs / "manifest.json") << m.dump(2);
    r = run_actbench(dir, "verify " + runs.string());
    CHECK_THAT(r.out,
               Catch::StartsWith("note: the run used oneDNN's avx512_core kernels and this machine runs avx2 with the config's isa: avx2"));
}

TEST_CASE("a write that fails (a full disk, a file-size limit) is an I/O error, exit 4, not bad input", "[store][errors][e2e]") {
    TempDir dir;
    const fs::path cfg = write_config(dir, "f.yaml", small_sweep("f"));
    // RLIMIT_FSIZE of 1 KiB with SIGXFSZ ignored: the first write past it fails with EFBIG, as ENOSPC would.
    const Result r = run_actbench(dir, "run " + cfg.string() + " --out " + (dir / "r").string(), "trap \"\" XFSZ; ulimit -f 1; ");
    CHECK(r.code == 4);
    CHECK_THAT(r.err, Catch::Contains("actbench: I/O error: ") && Catch::Contains("manifest.json"));
    CHECK(r.err.find("internal error") == std::string::npos);
}

TEST_CASE("a trial that runs out of memory stops the sweep with exit 4 and is not stored: a rerun resumes it", "[store][errors][e2e]") {
    TempDir dir;
    // Two cells; the second's dense layer (1,024 × 65,536 weights, with its gradient and momentum ~0.8 GB) fits
    // this machine, so validate passes it, but not 600 MB of address space, where oneDNN cannot create its memory.
    const fs::path cfg = write_config(dir, "m.yaml",
                                      "name: m\ndataset: {kind: synthetic_shapes, classes: 3, train_count: 96, test_count: 30, size: 16}\n"
                                      "model: {conv1: 4, conv2: 64, kernel: 3, padding: 1}\ntrain: {epochs: 1, batch: 16}\n"
                                      "sweep:\n  model.dense: [16, 65536]\n  seed: [1]\n");
    REQUIRE(run_actbench(dir, "validate " + cfg.string()).code == 0);
    const fs::path runs = dir / "r";
    const std::string limit = "ulimit -v 600000; ";
    Result r = run_actbench(dir, "run " + cfg.string() + " --out " + runs.string() + " --jobs 1", limit);
    INFO(r.err);
    CHECK(r.code == 4);
    CHECK_THAT(r.err, Catch::Contains("actbench: out of memory: trial ") && Catch::Contains("rerun to resume"));
    CHECK(r.err.find("failed") == std::string::npos);
    int finished = 0, stored_failed = 0;
    for (const auto& e : fs::directory_iterator(runs)) {
        if (!fs::exists(e.path() / "summary.json")) continue;
        const auto summary = nlohmann::json::parse(slurp(e.path() / "summary.json"));
        (summary["status"] == "failed" ? stored_failed : finished)++;
    }
    CHECK(finished == 1);
    CHECK(stored_failed == 0);
    // The rerun skips the finished trial and tries the other again (before: "2 already done", exit 0).
    r = run_actbench(dir, "run " + cfg.string() + " --out " + runs.string() + " --jobs 1", limit);
    CHECK(r.code == 4);
    CHECK_THAT(r.err, Catch::Contains("1 already done, 1 to run"));
}
