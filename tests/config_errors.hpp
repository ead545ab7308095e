// The message a config text is refused with ("" when it parses): the config tests' common check of positioned errors.
#pragma once

#include "config/config.hpp"
#include "core/error.hpp"

#include <string>

namespace actbench::test {

inline std::string error_of(const std::string& text) {
    try {
        parse_config(text, "cfg.yaml");
    } catch (const InputError& e) {
        return e.what();
    }
    return "";
}

}  // namespace actbench::test
