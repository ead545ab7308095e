// `actbench slurm`: an sbatch script for a job array that runs a sweep's shards on a cluster, and a report job
// that runs when the whole array has succeeded.
#pragma once

#include <map>
#include <string>
#include <vector>

namespace actbench {

struct SlurmOptions {
    std::string config, out;
    int tasks = 4;
    std::string partition, time = "04:00:00";
    int cpus_per_task = 2;
    std::string binary;  // the actbench to run on the nodes (absolute path)
    std::string command;  // the command line that generated the script, recorded in it
    // A staged study (tune:, adaptive:) runs as a chain: each array is followed by a step job that submits the next.
    int max_array = 0;  // > 0: no array larger than this (the cluster's MaxArraySize caps it too)
    int retries = 2;  // resubmissions of a step that makes no progress before its missing trials are given up
};

// The scripts `actbench slurm` writes into the run directory (a staged study's chain submits them again).
inline constexpr const char* kArrayScript = "actbench-array.sbatch";
inline constexpr const char* kStepScript = "actbench-step.sbatch";
inline constexpr const char* kReportScript = "actbench-report.sbatch";

// Throws InputError for a value that Slurm would refuse or that would break the script: a time limit not in
// one of sbatch's forms (MINUTES, MINUTES:SECONDS, HOURS:MINUTES:SECONDS, DAYS-HOURS, DAYS-HOURS:MINUTES,
// DAYS-HOURS:MINUTES:SECONDS, or UNLIMITED), a partition name that is not a list of plain names, a run
// directory with a line break.
void check_slurm_options(const SlurmOptions& o);

// The array script: task i runs `actbench run CONFIG --shard i/N --out OUT` (a re-queued task resumes); N is
// $ACTBENCH_SHARDS where the submission sets it (a chain's array of fewer tasks), else the script's --tasks.
std::string slurm_array_script(const SlurmOptions& o);
// The chain's step script: `actbench slurm CONFIG --out OUT ... --step`, submitted after each array (afterany).
std::string slurm_step_script(const SlurmOptions& o);
// The report script, to submit with --dependency=afterok:<array job id>.
std::string slurm_report_script(const SlurmOptions& o);

// sbatch's arguments for the array script and for the report script after the array job `array_id` (the log
// paths are given here, not in the scripts).
std::vector<std::string> sbatch_array_args(const SlurmOptions& o, const std::string& script);
// An empty array_id: no dependency (the chain submits the report once the study is complete).
std::vector<std::string> sbatch_report_args(const SlurmOptions& o, const std::string& script, const std::string& array_id);
// A chain's array of `tasks` shards, and its step job after it.
std::vector<std::string> sbatch_chain_array_args(const SlurmOptions& o, const std::string& script, int tasks);
std::vector<std::string> sbatch_step_args(const SlurmOptions& o, const std::string& script, const std::string& array_id);

// The cluster's MaxArraySize (`scontrol show config`), or 0 where scontrol cannot say.
int cluster_max_array_size();
// How many of these jobs' tasks squeue lists in each state (PENDING, RUNNING, …); empty where squeue cannot say or
// lists none.
std::map<std::string, int> queued_states(const std::vector<std::string>& job_ids);

// Runs sbatch with `args` (each one argv entry, no shell; the first should be --parsable) and returns the job id.
// Throws InputError with sbatch's message when it fails.
std::string sbatch_submit(const std::vector<std::string>& args);

// `s` single-quoted for a POSIX shell (for the commands actbench prints and the scripts it writes).
std::string shell_quote(const std::string& s);

}  // namespace actbench
