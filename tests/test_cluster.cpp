// The cluster path: `actbench status` (where a study stands, from its run directory alone, without training or writing
// anything) and the Slurm chain of a staged study (`actbench slurm --step`, against a fake sbatch; the real Slurm is
// tests/slurm/slurm_e2e.sh).
#include "cli_helpers.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

using namespace actbench::test;

namespace {

const char* kTunedAdaptive =
    "name: st\n"
    "dataset: {kind: synthetic_shapes, classes: 3, train_count: 192, test_count: 60, size: 16, validation: 0.2}\n"
    "model: {conv1: 4, conv2: 8, dense: 16, kernel: 3, padding: 1}\n"
    "train: {epochs: 2, batch: 16, probe: 32}\n"
    "baseline: relu\n"
    "tune: {axis: train.lr, values: [0.01, 0.05], seeds: [101, 102]}\n"
    "adaptive: {min: 3, max: 6, step: 3, margin: 0.005}\n"
    "sweep: {activation: [relu, tanh]}\n";

// Every file under `dir` with its size: what status must leave as it found it.
std::map<std::string, std::uintmax_t> listing(const fs::path& dir) {
    std::map<std::string, std::uintmax_t> files;
    for (const auto& e : fs::recursive_directory_iterator(dir))
        if (e.is_regular_file()) files[e.path().string()] = e.file_size();
    return files;
}

nlohmann::json status_of(const TempDir& dir, const fs::path& runs) {
    const Result r = run_actbench(dir, "status " + runs.string() + " --json");
    INFO(r.err);
    REQUIRE(r.code == 0);
    return nlohmann::json::parse(r.out);
}

}  // namespace

TEST_CASE("status says which step a tuned, adaptive study waits for, and how many trials, without writing anything", "[status][cli][e2e]") {
    TempDir dir;
    const fs::path cfg = write_config(dir, "st.yaml", kTunedAdaptive), runs = dir / "runs";
    // Nothing run yet: no manifest to read the study from.
    const Result none = run_actbench(dir, "status " + runs.string());
    CHECK(none.code == 2);
    CHECK_THAT(none.err, Catch::Contains(runs.string()) && Catch::Contains("manifest.json"));

    // Half of the tuning trials (one shard of two): the choice waits for the others.
    REQUIRE(run_actbench(dir, "run " + cfg.string() + " --out " + runs.string() + " --shard 0/2 --quiet").code == 0);
    const auto before = listing(runs);
    nlohmann::json s = status_of(dir, runs);
    CHECK(listing(runs) == before);
    CHECK(s["next"] == "tuning");
    const auto& tuning = s["stored"]["tuning"];
    CHECK(tuning["ok"].get<int>() + tuning["diverged"].get<int>() + s["waiting"].get<int>() == 8);  // 2 values × 2 seeds × 2
    CHECK(s["waiting"].get<int>() > 0);
    CHECK(s["core_seconds_per_trial"].get<double>() > 0);
    CHECK(s["eta_core_seconds"].get<double>() > 0);
    const Result text = run_actbench(dir, "status " + runs.string() + " --jobs 2");
    CHECK_THAT(text.out, Catch::Contains("next: tuning: " + std::to_string(s["waiting"].get<int>()) + " trial(s) to train, about "));

    // The whole protocol: nothing left.
    REQUIRE(run_actbench(dir, "run " + cfg.string() + " --out " + runs.string() + " --quiet").code == 0);
    s = status_of(dir, runs);
    CHECK(s["next"] == "done");
    CHECK(s["stored"]["final"]["ok"].get<int>() + s["stored"]["final"]["diverged"].get<int>() >= 6);

    // A trial of the first round lost (a node died): the rounds wait for it.
    for (const fs::path& d : trial_dirs(runs)) {
        const auto summary = nlohmann::json::parse(slurp(d / "summary.json"));
        if (summary["axes"].value("stage", "") == "final" && summary["axes"]["seed"] == 2) {
            fs::remove_all(d);
            break;
        }
    }
    s = status_of(dir, runs);
    CHECK(s["next"] == "final, round 1 of 2");
    CHECK(s["waiting"] == 1);

    // Another config than the one that made the run is refused, named.
    std::string other = kTunedAdaptive;
    other.replace(other.find("epochs: 2"), 9, "epochs: 3");
    const Result wrong = run_actbench(dir, "status " + runs.string() + " --config " + write_config(dir, "other.yaml", other).string());
    CHECK(wrong.code == 2);
    CHECK_THAT(wrong.err, Catch::Contains("other.yaml") && Catch::Contains("not the one"));
}

TEST_CASE("the Slurm chain's step submits what the study waits for, retries it, then gives it up and goes on", "[slurm][cli]") {
    TempDir dir;
    // A fake sbatch first on PATH: it logs its arguments, one call per line, and prints a job id.
    fs::create_directories(dir / "bin");
    {
        std::ofstream fake(dir / "bin" / "sbatch");
        fake << "#!/bin/sh\necho \"$*\" >> \"$FAKE_SBATCH_LOG\"\necho 77\n";
    }
    fs::permissions(dir / "bin" / "sbatch", fs::perms::owner_all);
    const std::string env = "PATH=" + (dir / "bin").string() + ":\"$PATH\" FAKE_SBATCH_LOG=" + (dir / "sbatch.log").string() + " ";
    std::string text = kTunedAdaptive;
    text.replace(text.find("values: [0.01, 0.05]"), 20, "values: [0.01, 0.02, 0.05]");
    const fs::path cfg = write_config(dir, "st.yaml", text), runs = dir / "runs";
    const std::string slurm = "slurm " + cfg.string() + " --out " + runs.string() + " --tasks 3 --retries 1";

    // The first submission: the array (3 tasks, their shard count exported) and the step after it, recorded.
    Result r = run_actbench(dir, slurm + " --submit", env);
    INFO(r.out << r.err);
    REQUIRE(r.code == 0);
    CHECK(fs::exists(runs / "actbench-step.sbatch"));
    CHECK_THAT(slurp(dir / "sbatch.log"), Catch::Contains("--array=0-2 --export=ALL,ACTBENCH_SHARDS=3") &&
                                              Catch::Contains("--dependency=afterany:77") && Catch::Contains("actbench-step.sbatch"));

    // Three shards of four stored (the fourth task was lost): the step resubmits the tuning trials still missing.
    for (const char* shard : {"0/4", "1/4", "2/4"})
        REQUIRE(run_actbench(dir, "run " + cfg.string() + " --out " + runs.string() + " --shard " + shard + " --quiet").code == 0);
    const int missing = status_of(dir, runs)["waiting"];
    r = run_actbench(dir, slurm + " --step", env);
    REQUIRE(r.code == 0);
    CHECK_THAT(r.out, Catch::Contains("tuning: " + std::to_string(missing) + " trial(s) to train"));
    // Nothing new stored: one more try (--retries 1), then the missing trials are recorded as failed, each cell
    // chooses among the values that kept all their seeds, and the step submits the first round.
    REQUIRE(run_actbench(dir, slurm + " --step", env).code == 0);
    r = run_actbench(dir, slurm + " --step", env);
    REQUIRE(r.code == 0);
    CHECK_THAT(r.out, Catch::Contains("gave up " + std::to_string(missing) + " trial(s) of tuning after 2 submissions") &&
                          Catch::Contains("final, round 1 of 2: "));
    const nlohmann::json s = status_of(dir, runs);
    CHECK(s["stored"]["tuning"]["failed"] == missing);
    CHECK(s["next"] == "final, round 1 of 2");
    std::vector<nlohmann::json> log;
    std::istringstream lines(slurp(runs / "slurm-chain.jsonl"));
    for (std::string line; std::getline(lines, line);) log.push_back(nlohmann::json::parse(line));
    REQUIRE(log.size() == 5);  // start, tuning twice, given up, round 1
    CHECK(log[0]["at"] == "start");
    CHECK(log[3].contains("gave_up"));
    CHECK(log[4]["at"] == "final, round 1 of 2");
    CHECK(log[4]["tasks"].get<int>() <= 3);
    // status names the chain's last submission (a fake squeue lists one of its tasks as pending).
    {
        std::ofstream fake(dir / "bin" / "squeue");
        fake << "#!/bin/sh\necho PENDING\n";
    }
    fs::permissions(dir / "bin" / "squeue", fs::perms::owner_all);
    CHECK_THAT(run_actbench(dir, "status " + runs.string(), env).out,
               Catch::Contains("Slurm chain: 5 submission(s); the last, for final, round 1 of 2, array job 77, next_step job 77; "
                               "in the queue: 1 PENDING"));

    // Bad options are refused, named.
    for (const char* bad : {" --max-array 0", " --retries -1"}) {
        const Result r2 = run_actbench(dir, slurm + bad, env);
        CHECK(r2.code == 2);
        CHECK_THAT(r2.err, Catch::Contains(std::string(bad).substr(1, std::string(bad).find(' ', 1) - 1)));
    }
    // A step against a directory another config wrote is refused, named.
    std::string other = text;
    other.replace(other.find("epochs: 2"), 9, "epochs: 3");
    const fs::path wrong = write_config(dir, "other.yaml", other);
    r = run_actbench(dir, "slurm " + wrong.string() + " --out " + runs.string() + " --step", env);
    CHECK(r.code == 2);
    CHECK_THAT(r.err, Catch::Contains("other.yaml") && Catch::Contains("not the one"));
}
