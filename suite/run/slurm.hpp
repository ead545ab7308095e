// `actbench slurm`: an sbatch script for a job array that runs a sweep's shards on a cluster, and a report job
// that runs when the whole array has succeeded.
#pragma once

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
};

// Throws InputError for a value that Slurm would refuse or that would break the script: a time limit not in
// one of sbatch's forms (MINUTES, MINUTES:SECONDS, HOURS:MINUTES:SECONDS, DAYS-HOURS, DAYS-HOURS:MINUTES,
// DAYS-HOURS:MINUTES:SECONDS, or UNLIMITED), a partition name that is not a list of plain names, a run
// directory with a line break.
void check_slurm_options(const SlurmOptions& o);

// The array script: task i runs `actbench run CONFIG --shard i/N --out OUT` (a re-queued task resumes).
std::string slurm_array_script(const SlurmOptions& o);
// The report script, to submit with --dependency=afterok:<array job id>.
std::string slurm_report_script(const SlurmOptions& o);

// sbatch's arguments for the array script and for the report script after the array job `array_id` (the log
// paths are given here, not in the scripts).
std::vector<std::string> sbatch_array_args(const SlurmOptions& o, const std::string& script);
std::vector<std::string> sbatch_report_args(const SlurmOptions& o, const std::string& script, const std::string& array_id);

// Runs sbatch with `args` (each one argv entry, no shell; the first should be --parsable) and returns the job id.
// Throws InputError with sbatch's message when it fails.
std::string sbatch_submit(const std::vector<std::string>& args);

// `s` single-quoted for a POSIX shell (for the commands actbench prints and the scripts it writes).
std::string shell_quote(const std::string& s);

}  // namespace actbench
