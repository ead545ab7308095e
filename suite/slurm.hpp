// `actbench slurm`: an sbatch script for a job array that runs a sweep's shards on a cluster, and a report job
// that runs when the whole array has succeeded.
#pragma once

#include <string>

namespace actbench {

struct SlurmOptions {
    std::string config, out;
    int tasks = 4;
    std::string partition, time = "04:00:00";
    int cpus_per_task = 2;
    std::string binary;   // the actbench to run on the nodes (absolute path)
    std::string command;  // the command line that generated the script, recorded in it
};

// The array script: task i runs `actbench run CONFIG --shard i/N --out OUT` (a re-queued task resumes).
std::string slurm_array_script(const SlurmOptions& o);
// The report script, to submit with --dependency=afterok:<array job id>.
std::string slurm_report_script(const SlurmOptions& o);

}  // namespace actbench
