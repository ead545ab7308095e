// Running the real actbench binary from tests, and the small datasets and configs the end-to-end tests share.
#pragma once

#include "idx.hpp"
#include "synthetic_shapes.hpp"
#include "temp_dir.hpp"

#include <sys/wait.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

namespace actbench::test {

namespace fs = std::filesystem;

struct Result {
    int code = -1;
    std::string out, err;
};

inline std::string slurp(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

// `prefix` goes before the binary in the shell command: environment settings (TMPDIR=...), ulimit, trap.
inline Result run_actbench(const TempDir& dir, const std::string& args, const std::string& prefix = "") {
    const fs::path out = dir / "stdout.txt", err = dir / "stderr.txt";
    const std::string cmd = prefix + std::string(ACTBENCH_BINARY) + " " + args + " >" + out.string() + " 2>" + err.string();
    const int status = std::system(cmd.c_str());
    return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, slurp(out), slurp(err)};
}

// Four classes of synthetic shapes written as IDX files (gzip), like a small Fashion-MNIST.
inline void write_idx_dataset(const fs::path& dir) {
    fs::create_directories(dir);
    const Dataset d = make_synthetic_shapes(ShapesSpec{4, 256, 96, 16, 6.0, 5});
    write_idx_images((dir / "train-images-idx3-ubyte.gz").string(), d.train);
    write_idx_labels((dir / "train-labels-idx1-ubyte.gz").string(), d.train.labels);
    write_idx_images((dir / "t10k-images-idx3-ubyte.gz").string(), d.test);
    write_idx_labels((dir / "t10k-labels-idx1-ubyte.gz").string(), d.test.labels);
}

inline std::string config_text(const fs::path& data) {
    return "name: e2e\n"
           "dataset: {kind: idx, path: " +
        data.string() +
        ", classes: 4, normalize: standard}\n"
        "model: {conv1: 4, conv2: 8, dense: 16, kernel: 3, padding: 1}\n"
        "train: {epochs: 2, batch: 16, lr: 0.05, probe: 64}\n"
        "sweep:\n"
        "  activation: [relu, tanh]\n"
        "  init: [he_normal]\n"
        "  bias: [0.1]\n"
        "  seed: [1, 2]\n";
}

inline fs::path write_config(const TempDir& dir, const std::string& name, const std::string& text) {
    const fs::path p = dir / name;
    std::ofstream(p) << text;
    return p;
}

// The trial folders of a run directory (not .claims, where concurrent runners take their locks).
inline std::vector<fs::path> trial_dirs(const fs::path& run_dir) {
    std::vector<fs::path> dirs;
    for (const auto& e : fs::directory_iterator(run_dir))
        if (e.is_directory() && e.path().filename().string()[0] != '.') dirs.push_back(e.path());
    std::sort(dirs.begin(), dirs.end());
    return dirs;
}

inline std::map<std::string, std::string> metrics_files(const fs::path& run_dir) {
    std::map<std::string, std::string> files;
    for (const fs::path& d : trial_dirs(run_dir)) {
        files[d.filename().string() + "/metrics.jsonl"] = slurp(d / "metrics.jsonl");
        files[d.filename().string() + "/summary.json"] = slurp(d / "summary.json");
    }
    return files;
}

// A small synthetic-shapes sweep of 8 trials (4 activations, 2 seeds).
inline std::string small_sweep(const std::string& name) {
    return "name: " + name +
        "\n"
        "dataset: {kind: synthetic_shapes, classes: 3, train_count: 192, test_count: 60, size: 16}\n"
        "model: {conv1: 4, conv2: 8, dense: 16, kernel: 3, padding: 1}\n"
        "train: {epochs: 2, batch: 16, lr: 0.05, probe: 32}\n"
        "sweep: {activation: [relu, tanh, rrelu, noisy_relu], seed: [1, 2]}\n";
}

}  // namespace actbench::test
