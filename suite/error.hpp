// Errors caused by the user's input (a config, a data file, a run directory). The command line prints the
// message as it is and exits with status 2; the message names the file (and line/column or byte offset)
// and what was expected.
#pragma once

#include <stdexcept>
#include <string>

namespace actbench {

struct InputError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

}  // namespace actbench
