#include "cli/bench_targets.hpp"

#include "core/error.hpp"

#include <cmath>
#include <cstdio>
#include <fstream>
#include <sstream>

namespace actbench {

namespace {

// The targets, one row each: the model run, which figure of its bench JSON (a JSON pointer), and the goal. The
// efficiencies are against the peak of their own precision; the ratio is bf16's training throughput over fp32's.
struct Target {
    const char* name;
    const char* model;  // lenet (32/64/128) or resnet (ResNet-20, width 16)
    const char* figure;
    double goal;
    bool bf16;  // needs native bf16
};
constexpr Target kTargets[] = {
    {"lenet fp32 efficiency", "lenet", "/efficiency", 0.75, false},
    {"lenet bf16 efficiency", "lenet", "/bf16/efficiency", 0.80, true},
    {"lenet bf16 ÷ fp32 training", "lenet", "/bf16_vs_fp32/training", 2.1, true},
    {"resnet20 fp32 efficiency", "resnet", "/efficiency", 0.80, false},
    {"resnet20 bf16 efficiency", "resnet", "/bf16/efficiency", 0.75, true},
};

nlohmann::json read_figures(const std::filesystem::path& file) {
    std::ifstream in(file);
    if (!in) throw InputError(file.string() + ": cannot read the committed figures");
    try {
        return nlohmann::json::parse(in);
    } catch (const nlohmann::json::parse_error& e) {
        throw InputError(file.string() + ": byte " + std::to_string(e.byte) + ": not JSON; expected {ISA: {target: figure, ...}, ...}");
    }
}

std::string fixed(double v) {
    char b[32];
    std::snprintf(b, sizeof b, "%.3f", v);
    return b;
}

}  // namespace

TargetsResult bench_targets(const TargetsOptions& o) {
    const std::string isa = effective_isa_name();
    const nlohmann::json committed_all = o.check.empty() ? nlohmann::json::object() : read_figures(o.check);
    if (!committed_all.is_object()) throw InputError(o.check.string() + ": expected an object {ISA: {target: figure, ...}, ...}");
    const nlohmann::json committed = committed_all.value(isa, nlohmann::json::object());
    std::map<std::string, nlohmann::json> runs;  // model → its bench JSON
    for (const char* model : {"lenet", "resnet"}) {
        BenchOptions b;
        b.model = ModelSpec::make(model);
        b.threads = o.threads;
        b.seconds = o.seconds;
        b.precision = native_bf16() ? Precision::bf16 : Precision::fp32;
        runs[model] = run_bench(b).json;
    }
    TargetsResult r;
    nlohmann::json rows = nlohmann::json::array();
    std::ostringstream t;
    t << "targets on oneDNN ISA " << isa << ", " << o.threads << " thread(s), batch 64; lenet 32/64/128, ResNet-20 width 16; peaks (GFLOP/s): fp32 "
      << fixed(runs["lenet"]["matmul_peak_gflops"].get<double>()) << " and "
      << fixed(runs["resnet"]["matmul_peak_gflops"].get<double>());
    if (runs["lenet"].contains("bf16"))
        t << ", bf16 " << fixed(runs["lenet"]["bf16"]["matmul_peak_gflops"].get<double>()) << " and "
          << fixed(runs["resnet"]["bf16"]["matmul_peak_gflops"].get<double>());
    t << " (measured in each model's run)\n\n| target | figure | goal | met | committed | change |\n|---|---:|---:|---|---:|---:|\n";
    for (const Target& target : kTargets) {
        const nlohmann::json::json_pointer at(target.figure);
        const nlohmann::json& run = runs[target.model];
        if (!run.contains(at)) {
            t << "| " << target.name << " | – | " << target.goal << " | skipped: no native bf16 here (" << kBf16Requirement << ") | | |\n";
            rows.push_back({{"target", target.name}, {"skipped", "no native bf16"}});
            continue;
        }
        const double figure = run[at].get<double>();
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
        t << "| " << target.name << " | " << fixed(figure) << " | " << target.goal << " | " << (figure >= target.goal ? "yes" : "no") << " | "
          << (row.contains("committed") ? fixed(row["committed"].get<double>()) : "") << " | " << change << " |\n";
        rows.push_back(row);
    }
    if (!o.check.empty())
        t << "\n" << (r.regressed ? "regression: " : "no regression: ") << "each figure against " << o.check.string() << "'s for " << isa
          << (committed.empty() ? " (none committed for this ISA: nothing to compare)" : "") << ", failing below "
          << 100 * (1 - o.tolerance) << "% of it\n";
    if (!o.record.empty()) {
        nlohmann::json all = std::filesystem::exists(o.record) ? read_figures(o.record) : nlohmann::json::object();
        for (const nlohmann::json& row : rows)
            if (row.contains("figure")) all[isa][row["target"].get<std::string>()] = row["figure"];
        std::ofstream out(o.record);
        out << all.dump(2) << "\n";
        if (!out) throw IoError(o.record.string() + ": cannot write the figures");
        t << "\nrecorded this ISA's figures in " << o.record.string() << "\n";
    }
    r.bench = {{{"cpu_isa", isa}, {"threads", o.threads}, {"targets", rows}, {"runs", runs}, {"regressed", r.regressed}}, t.str()};
    return r;
}

}  // namespace actbench
