// The config reader's parts, one concern per file; config.cpp ties them together (extends:, the top level,
// baseline, tune: and adaptive:). Internal to the config reader: nothing outside config*.cpp includes this.
#pragma once

#include "config/config.hpp"
#include "config/yaml_reader.hpp"

#include <map>
#include <string>

namespace actbench {

// config_sections.cpp: the dataset, model and train sections of `root` (each defaulted when absent).
Sections read_sections(const Reader& r, const YAML::Node& root, const std::string& file);
// What `run` would refuse for a cell, refused here with the key's place: a model whose layers the input does not
// fit, a batch larger than the training split, a model that cannot fit this machine's memory.
void check_cell_fits(const Reader& r, const YAML::Node& root, const Sections& s);

// config_definitions.cpp: activations: and inits:, the variants a config names.
void read_activations(const Reader& r, const YAML::Node& n, std::map<std::string, ActivationSpec>& out);
void read_inits(const Reader& r, const YAML::Node& n, std::map<std::string, InitSpec>& out);

// config_grid.cpp: sweep.activation, init, bias and seed; then the axes, zip groups, exclusions, cells and each
// cell's sections.
void read_sweep(const Reader& r, const YAML::Node& n, SweepAxes& s, const ModelSpec& model,
                const std::map<std::string, ActivationSpec>& defined, const std::map<std::string, InitSpec>& defined_inits);
void read_grid(const Reader& r, const YAML::Node& root, Config& c);

}  // namespace actbench
