#include "cli/bench_targets.hpp"

#include "core/error.hpp"
#include "store/run_store.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <sstream>

namespace actbench {

namespace {

// The targets, one row each: the model run, the figure as a quotient of two of its bench JSON's values (JSON
// pointers), and the goal. The efficiencies are training GFLOP/s over the matmul peak of their own precision; the
// ratio is bf16's training throughput over fp32's.
struct Target {
    const char* name;
    const char* model;  // lenet (32/64/128) or resnet (ResNet-20, width 16)
    const char* numerator;
    const char* denominator;
    double goal;
};
constexpr Target kTargets[] = {
    {"lenet fp32 efficiency", "lenet", "/training_gflops", "/matmul_peak_gflops", 0.75},
    {"lenet bf16 efficiency", "lenet", "/bf16/training_gflops", "/bf16/matmul_peak_gflops", 0.80},
    {"lenet bf16 ÷ fp32 training", "lenet", "/bf16/training_images_per_second", "/training_images_per_second", 2.1},
    {"resnet20 fp32 efficiency", "resnet", "/training_gflops", "/matmul_peak_gflops", 0.80},
    {"resnet20 bf16 efficiency", "resnet", "/bf16/training_gflops", "/bf16/matmul_peak_gflops", 0.75},
};

// The best of a model's runs for one value: on a shared machine other work only ever slows a measurement down, so
// the largest of a few runs is the least disturbed (a quotient of two values from one run is not: a disturbed peak
// inflates it).
double best(const std::vector<nlohmann::json>& runs, const char* pointer) {
    double b = 0;
    for (const nlohmann::json& run : runs) b = std::max(b, run[nlohmann::json::json_pointer(pointer)].get<double>());
    return b;
}

// A figures file, checked whole before anything is measured: {ISA: {target: figure, ...}, ...}, every figure a number.
nlohmann::json read_figures(const std::filesystem::path& file) {
    const std::string expected = "; expected {ISA: {target: figure, ...}, ...} with numbers for figures";
    std::ifstream in(file);
    if (!in) throw InputError(file.string() + ": cannot read the committed figures");
    nlohmann::json all;
    try {
        all = nlohmann::json::parse(in);
    } catch (const nlohmann::json::parse_error& e) {
        throw InputError(file.string() + ": byte " + std::to_string(e.byte) + ": not JSON" + expected);
    }
    if (!all.is_object()) throw InputError(file.string() + ": not an object" + expected);
    for (const auto& [isa, figures] : all.items()) {
        if (!figures.is_object()) throw InputError(file.string() + ": " + isa + ": not an object" + expected);
        for (const auto& [target, figure] : figures.items())
            if (!figure.is_number()) throw InputError(file.string() + ": " + isa + ": " + target + ": " + figure.dump() + " is not a number" + expected);
    }
    return all;
}

}  // namespace

TargetsResult bench_targets(const TargetsOptions& o) {
    const std::string isa = effective_isa_name();
    const nlohmann::json committed = (o.check.empty() ? nlohmann::json::object() : read_figures(o.check)).value(isa, nlohmann::json::object());
    // The file --record adds to is read (and checked) now, not after minutes of measuring; so is its directory.
    if (!o.record.empty() && !o.record.parent_path().empty() && !std::filesystem::is_directory(o.record.parent_path()))
        throw InputError(o.record.string() + ": --record: the directory " + o.record.parent_path().string() + " does not exist");
    nlohmann::json recorded = o.record.empty() || !std::filesystem::exists(o.record) ? nlohmann::json::object() : read_figures(o.record);
    std::map<std::string, std::vector<nlohmann::json>> runs;  // model → its runs' bench JSON
    for (int repeat = 0; repeat < o.repeats; ++repeat)
        for (const char* model : {"lenet", "resnet"}) {
            BenchOptions b;
            b.model = ModelSpec::make(model);
            b.threads = o.threads;
            b.seconds = o.seconds;
            b.precision = native_bf16() ? Precision::bf16 : Precision::fp32;
            runs[model].push_back(run_bench(b).json);
        }
    TargetsResult r;
    nlohmann::json rows = nlohmann::json::array();
    std::ostringstream t;
    const bool bf16 = runs["lenet"].front().contains("bf16");
    t << "targets on oneDNN ISA " << isa << ", " << o.threads << " thread(s), batch 64; lenet 32/64/128, ResNet-20 width 16; each value the best of "
      << o.repeats << " run(s) per model; peaks (GFLOP/s): fp32 " << fixed(best(runs["lenet"], "/matmul_peak_gflops"), 3) << " and "
      << fixed(best(runs["resnet"], "/matmul_peak_gflops"), 3);
    if (bf16)
        t << ", bf16 " << fixed(best(runs["lenet"], "/bf16/matmul_peak_gflops"), 3) << " and " << fixed(best(runs["resnet"], "/bf16/matmul_peak_gflops"), 3);
    t << " (measured in each model's runs)\n\n| target | figure | goal | met | committed | change |\n|---|---:|---:|---|---:|---:|\n";
    for (const Target& target : kTargets) {
        const std::vector<nlohmann::json>& model_runs = runs[target.model];
        if (!model_runs.front().contains(nlohmann::json::json_pointer(target.numerator))) {
            t << "| " << target.name << " | – | " << target.goal << " | skipped: no native bf16 here (" << kBf16Requirement << ") | | |\n";
            rows.push_back({{"target", target.name}, {"skipped", "no native bf16"}});
            continue;
        }
        const double figure = best(model_runs, target.numerator) / best(model_runs, target.denominator);
        nlohmann::json row{{"target", target.name}, {"figure", figure}, {"goal", target.goal}, {"met", figure >= target.goal}};
        std::string change;
        if (committed.contains(target.name)) {
            const double before = committed[target.name].get<double>();
            const bool regressed = figure < (1 - o.tolerance) * before;
            r.regressed |= regressed;
            row["committed"] = before;
            row["regressed"] = regressed;
            char b[64];
            std::snprintf(b, sizeof b, "%+.1f%%%s", 100 * (figure / before - 1), regressed ? " REGRESSED" : "");
            change = b;
        }
        t << "| " << target.name << " | " << fixed(figure, 3) << " | " << target.goal << " | " << (figure >= target.goal ? "yes" : "no") << " | "
          << (row.contains("committed") ? fixed(row["committed"].get<double>(), 3) : "") << " | " << change << " |\n";
        rows.push_back(row);
    }
    if (!o.check.empty())
        t << "\n" << (r.regressed ? "regression: " : "no regression: ") << "each figure against " << o.check.string() << "'s for " << isa
          << (committed.empty() ? " (none committed for this ISA: nothing to compare)" : "") << ", failing below "
          << 100 * (1 - o.tolerance) << "% of it\n";
    if (!o.record.empty()) {
        for (const nlohmann::json& row : rows)
            if (row.contains("figure")) recorded[isa][row["target"].get<std::string>()] = row["figure"];
        write_atomic(o.record, recorded.dump(2) + "\n");
        t << "\nrecorded this ISA's figures in " << o.record.string() << "\n";
    }
    r.bench = {{{"cpu_isa", isa}, {"threads", o.threads}, {"targets", rows}, {"runs", runs}, {"regressed", r.regressed}}, t.str()};
    return r;
}

}  // namespace actbench
