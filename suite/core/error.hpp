// The two kinds of failure the command line reports as the user's to fix, each with its own exit status:
//   InputError (exit 2): the input is wrong — a config, a data file, a run directory, a command-line value.
//     The message names the file (and line/column or byte offset) and what was expected.
//   IoError (exit 4): the input may be fine but the system failed to store a result — a full disk, a
//     read-only or vanished directory, a quota, a device error. The message names the file and the
//     system's reason; rerunning after freeing space resumes where the run stopped.
//   OutOfMemory (exit 4 too): a trial asked for more memory than the process may have (malloc or a oneDNN
//     memory object failed). Like a full disk, it is the machine's limit, not the trial's outcome: the sweep
//     stops, nothing is stored for that trial, and a rerun with fewer --jobs or more memory resumes it.
#pragma once

#include <stdexcept>
#include <string>

namespace actbench {

struct InputError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

struct IoError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

struct OutOfMemory : std::runtime_error {
    using std::runtime_error::runtime_error;
};

}  // namespace actbench
