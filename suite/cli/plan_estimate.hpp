#pragma once

#include <ostream>

namespace actbench {

// `plan`: the trials (id and the axes with more than one value), their count, and an estimate of the wall
// time on this machine: each trial's FLOPs (training steps and evaluations, from the model) divided by the
// throughput of a few training steps of the first trial's network measured now. Written to `out` as it is
// made (a line, or with json a JSON object, per trial), so a million-trial plan needs no more memory than
// its config.
struct Config;
void write_plan(const Config& config, int jobs, bool json, std::ostream& out);

}  // namespace actbench
