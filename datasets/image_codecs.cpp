#include "image_codecs.hpp"

#include <dlfcn.h>

#include <filesystem>
#include <mutex>
#include <stdexcept>
#include <vector>

namespace actbench {

namespace {

using ReadFn = int (*)(const char*, int, cv::Mat*, std::string*);
using WriteFn = int (*)(const char*, const cv::Mat*, std::string*);

struct Codecs {
    ReadFn read = nullptr;
    WriteFn write = nullptr;
};

std::filesystem::path executable_dir() {
    std::error_code ec;
    const auto exe = std::filesystem::read_symlink("/proc/self/exe", ec);
    return ec ? std::filesystem::path() : exe.parent_path();
}

// Where the plugin may be: beside the executable (the build tree: build/actbench, and a copy beside the test binary),
// then in the install layout relative to it (bin/ → lib/<multiarch>/actbench), so an installed tree can move.
std::vector<std::filesystem::path> candidates() {
    const std::filesystem::path dir = executable_dir();
    if (dir.empty()) return {};
    return {dir / "libactbench_codecs.so", (dir / ACTBENCH_CODECS_RELATIVE).lexically_normal()};
}

const Codecs& codecs() {
    static Codecs loaded;
    static std::once_flag once;
    std::call_once(once, [] {
        const std::vector<std::filesystem::path> paths = candidates();
        std::string tried = paths.empty() ? " (no /proc/self/exe to look beside)" : "";
        for (const auto& path : paths) {
            if (void* handle = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL)) {
                loaded.read = reinterpret_cast<ReadFn>(dlsym(handle, "actbench_codecs_read"));
                loaded.write = reinterpret_cast<WriteFn>(dlsym(handle, "actbench_codecs_write"));
                if (loaded.read && loaded.write) return;
                tried += "\n  " + path.string() + ": lacks the actbench_codecs functions";
                continue;
            }
            const char* why = dlerror();
            tried += "\n  " + path.string() + ": " + (why ? why : "cannot load");
        }
        loaded = {};
        throw CodecsUnavailable("cannot load OpenCV's image codecs (libactbench_codecs.so, installed beside actbench); tried:" + tried);
    });
    return loaded;
}

}  // namespace

cv::Mat read_image_file(const std::string& path, int flags) {
    cv::Mat image;
    std::string error;
    if (codecs().read(path.c_str(), flags, &image, &error) != 0) throw std::runtime_error(error);
    return image;
}

bool write_image_file(const std::string& path, const cv::Mat& image) {
    std::string error;
    return codecs().write(path.c_str(), &image, &error) == 0;
}

}  // namespace actbench
