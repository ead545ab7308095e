// The cluster's commands: `actbench slurm` writes and submits a study's Slurm jobs, `actbench status` says where a
// study stands in its run directory.
#include "cli/cli_support.hpp"
#include "cli/commands.hpp"
#include "config/config.hpp"
#include "run/halving_replay.hpp"
#include "run/slurm.hpp"
#include "run/slurm_chain.hpp"
#include "run/status.hpp"

#include <cmath>
#include <filesystem>
#include <iostream>
#include <memory>
#include <sstream>
#include <thread>

namespace actbench {

Command slurm_command(CLI::App& app, const std::string& invocation) {
    struct Options {
        SlurmOptions slurm;
        bool submit = false, step = false;
    };
    auto o = std::make_shared<Options>();
    auto* sub = app.add_subcommand(
        "slurm", "Write (and with --submit, submit) a Slurm job array running the sweep's shards, and a report job after it");
    sub->add_option("config", o->slurm.config, "Sweep config (YAML)")->required();
    sub->add_option("--out", o->slurm.out, "Run directory on storage every node shares")->required();
    sub->add_option("--tasks", o->slurm.tasks, "Array tasks = shards (default 4)")->check(CLI::Range(1, 100000));
    sub->add_option("--partition", o->slurm.partition, "Slurm partition");
    sub->add_option("--time", o->slurm.time, "Time limit per task, HH:MM:SS (default 04:00:00)");
    sub->add_option("--cpus-per-task", o->slurm.cpus_per_task, "CPUs per task = trials in parallel per task (default 2)")
        ->check(CLI::Range(1, 4096));
    sub->add_flag("--submit", o->submit, "Submit the jobs with sbatch and print their ids");
    sub->add_option("--max-array", o->slurm.max_array, "No job array larger than this (the cluster's MaxArraySize caps it too)")
        ->check(CLI::Range(1, 100000000));
    sub->add_option("--retries", o->slurm.retries,
                    "A staged study's chain: resubmissions of a step that stores nothing new before its missing trials are "
                    "recorded as failed (default 2)")
        ->check(CLI::Range(0, 100));
    sub->add_flag("--step", o->step, "Run one step of a staged study's chain (what its step job does): submit what the study waits for");
    return {sub, [o, invocation] {
                SlurmOptions options = o->slurm;
                check_slurm_options(options);
                options.config = locate_config(options.config);
                const Config config = load_config(options.config);  // refuse a bad config before a cluster does
                options.config = std::filesystem::absolute(options.config).string();
                options.out = std::filesystem::absolute(options.out).lexically_normal().string();
                options.binary = std::filesystem::read_symlink("/proc/self/exe").string();
                options.command = invocation;
                if (o->step) {
                    std::cout << chain_step(options);
                    return 0;
                }
                const bool staged = config.tune || config.adaptive;
                const std::filesystem::path dir(options.out);
                const std::string array = (dir / kArrayScript).string(), report_job = (dir / kReportScript).string();
                const std::string step_job = (dir / kStepScript).string();
                write_output_file(array, slurm_array_script(options));
                write_output_file(report_job, slurm_report_script(options));
                if (staged) write_output_file(step_job, slurm_step_script(options));
                std::cout << config.name << ": " << config.cell_count() << " trials in " << options.tasks << " tasks\n"
                          << "wrote " << array << "\nwrote " << report_job << "\n"
                          << (staged ? "wrote " + step_job + " (tune:/adaptive: run as a chain of arrays, each followed by this step)\n" : "");
                if (staged) {
                    if (!o->submit) {
                        std::string words = "sbatch";
                        for (const auto& arg : sbatch_chain_array_args(options, array, options.tasks)) words += " " + shell_quote(arg);
                        std::cout << "submit with --submit, or: jobid=$(" << words << ") && sbatch --dependency=afterany:$jobid "
                                  << shell_quote("--output=" + options.out + "/slurm-step-%j.out") << " " << shell_quote(step_job) << "\n";
                        return 0;
                    }
                    std::cout << start_chain(options);
                    return 0;
                }
                if (!o->submit) {
                    // The same arguments sbatch_submit passes, quoted for a shell; the job id through $jobid.
                    std::string array_words = "sbatch", report_words = "sbatch --dependency=afterok:$jobid";
                    for (const auto& arg : sbatch_array_args(options, array)) array_words += " " + shell_quote(arg);
                    for (const auto& arg : sbatch_report_args(options, report_job, ""))
                        if (arg.rfind("--dependency", 0) != 0) report_words += " " + shell_quote(arg);
                    std::cout << "submit with: jobid=$(" << array_words << ") && " << report_words << "\n";
                    return 0;
                }
                const std::string array_id = sbatch_submit(sbatch_array_args(options, array));
                const std::string report_id = sbatch_submit(sbatch_report_args(options, report_job, array_id));
                std::cout << "submitted array job " << array_id << " and report job " << report_id << "\n";
                return 0;
            }};
}

namespace {

// The chain's last submission, and what squeue says of its jobs.
std::string chain_text(const std::string& dir) {
    const std::vector<nlohmann::json> log = read_chain_log(dir);
    if (log.empty()) return "";
    const nlohmann::json& last = log.back();
    std::string text = "Slurm chain: " + std::to_string(log.size()) + " submission(s); the last, for " + last["at"].get<std::string>();
    std::vector<std::string> jobs;
    for (const char* key : {"array", "next_step", "report"})
        if (last.contains(key)) jobs.push_back(last[key].get<std::string>()), text += std::string(", ") + key + " job " + jobs.back();
    const auto states = queued_states(jobs);
    if (states.empty()) return text + "; none of them queued or running now\n";
    text += "; in the queue:";
    for (const auto& [state, n] : states) text += " " + std::to_string(n) + " " + state;
    return text + "\n";
}

std::string status_text(const std::string& dir, const StudyStatus& s, int jobs) {
    std::ostringstream out;
    out << s.name << " (" << s.config_file << ") in " << dir << "\n" << chain_text(dir);
    if (s.stored.empty()) out << "stored: nothing yet\n";
    for (const auto& [stage, c] : s.stored)
        out << "stored, " << stage << ": " << c.ok << " ok, " << c.diverged << " diverged, " << c.failed << " failed"
            << (c.damaged ? ", " + std::to_string(c.damaged) + " damaged" : std::string()) << "\n";
    if (s.next.at == "done") {
        out << "next: nothing; every step of the protocol has its trials (actbench report " << dir << ")\n";
        return out.str();
    }
    out << "next: " << s.next.at << ": " << s.next.waiting << " trial(s) to train";
    if (std::isfinite(s.eta_core_seconds))
        out << ", about " << std::lround(std::ceil(s.eta_core_seconds / jobs / 60)) << " min with " << jobs << " job(s) (from the stored "
            << "trials' times, each like the ones with its activation, model and data)";
    out << "\nthen: what its results decide (a tuned value, the next round, the confirmation seeds)\n";
    return out.str();
}

}  // namespace

Command status_command(CLI::App& app) {
    struct Options {
        std::string dir, config;
        int jobs = 0;
        bool json = false;
    };
    auto o = std::make_shared<Options>();
    auto* sub = app.add_subcommand("status", "Where a study stands: what its run directory holds and what its protocol waits for");
    sub->add_option("run_dir", o->dir, "Run directory")->required();
    sub->add_option("--config", o->config, "The config that made the run (default: the file its manifest names)");
    sub->add_option("--jobs", o->jobs, "Trials in parallel, for the ETA (default: the cores)")->check(CLI::Range(1, 1024));
    sub->add_flag("--json", o->json, "The same as JSON");
    return {sub, [o] {
                const StudyStatus s = study_status(o->dir, o->config);
                const int jobs = o->jobs > 0 ? o->jobs : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
                std::cout << (o->json ? s.to_json().dump(2) + "\n" : status_text(o->dir, s, jobs));
                return 0;
            }};
}

Command halving_command(CLI::App& app) {
    struct Options {
        std::string dir;
        std::vector<int> rungs;
        double keep = 0.5;
        bool json = false;
    };
    auto o = std::make_shared<Options>();
    auto* sub = app.add_subcommand("halving",
                                   "What tune's halving schedule would choose and spend on a study tuned with the full schedule, from its "
                                   "stored per-epoch validation scores");
    sub->add_option("run_dir", o->dir, "Run directory of a study with tune:")->required();
    sub->add_option("--rungs", o->rungs, "The rungs' epochs, e.g. --rungs 1 2")->required();
    sub->add_option("--keep", o->keep, "The fraction of values that go on at each rung (at least two)")->check(CLI::Range(0.01, 0.99));
    sub->add_flag("--json", o->json, "Per cell and in total as JSON");
    return {sub, [o] {
                const HalvingReplay r = replay_halving(o->dir, o->rungs, o->keep);
                if (!o->json) {
                    std::cout << halving_replay_text(o->dir, r, o->rungs, o->keep);
                    return 0;
                }
                nlohmann::json cells = nlohmann::json::array();
                for (const auto& c : r.cells)
                    cells.push_back({{"cell", c.values}, {"full_choice", c.full_choice}, {"halving_choice", c.halving_choice},
                                     {"stopped_at", c.stopped_at}, {"gap", std::isfinite(c.gap) ? nlohmann::json(c.gap) : nlohmann::json()},
                                     {"standard_error", std::isfinite(c.standard_error) ? nlohmann::json(c.standard_error) : nlohmann::json()},
                                     {"estimated", c.estimated}});
                std::cout << nlohmann::json{{"run_dir", o->dir}, {"rungs", o->rungs}, {"keep", o->keep}, {"cells", cells},
                                            {"agree", r.agree()}, {"within_one_error", r.within_one_error()},
                                            {"full_steps", r.full_steps}, {"halving_steps", r.halving_steps}}
                                 .dump(2)
                          << "\n";
                return 0;
            }};
}

}  // namespace actbench
