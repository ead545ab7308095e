#include "cli/describe.hpp"

#include "image_codecs.hpp"

#include "config/dataset_kinds.hpp"

#include "config/config.hpp"
#include "core/error.hpp"
#include "init.hpp"
#include "params.hpp"
#include "report/svg_plot.hpp"
#include "run/data.hpp"

#include <opencv2/core.hpp>

#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <map>
#include <set>
#include <sstream>
#include <stdexcept>

namespace actbench {

namespace {
std::string param_text(const ActivationParam& p) {
    std::ostringstream s;
    s << p.name << " = " << p.default_value << " in [" << p.min << ", " << p.max << "]: " << p.meaning;
    return s.str();
}
}  // namespace

nlohmann::json activations_json() {
    nlohmann::json all = nlohmann::json::array();
    for (const auto& a : activation_table()) {
        if (a.kernel == ActivationKernel::formula) continue;
        nlohmann::json params = nlohmann::json::array();
        for (const auto& p : a.params)
            params.push_back({{"name", p.name}, {"default", p.default_value}, {"min", p.min}, {"max", p.max}, {"meaning", p.meaning}});
        all.push_back({{"name", a.name},
                       {"formula", a.formula},
                       {"params", params},
                       {"computed_by", a.computed_by},
                       {"source", a.source},
                       {"rectifier", a.rectifier}});
    }
    return all;
}

std::string activations_text() {
    std::ostringstream s;
    for (const auto& a : activation_table()) {
        if (a.kernel == ActivationKernel::formula) continue;
        s << a.name << "\n  " << a.formula << "\n";
        for (const auto& p : a.params) s << "  param " << param_text(p) << "\n";
        s << "  computed by: " << a.computed_by << "\n  source: " << a.source << "\n";
    }
    s << "\nNew variants go in a config's activations: section, e.g.\n"
         "  activations:\n"
         "    very_leaky: {base: leaky_relu, slope: 0.18}\n"
         "    swish_1702: {expr: \"x * sigmoid(beta * x)\", params: {beta: 1.702}}\n";
    return s.str();
}

nlohmann::json inits_json() {
    nlohmann::json all = nlohmann::json::array();
    for (const auto& i : init_table()) {
        nlohmann::json params = nlohmann::json::array();
        for (const auto& p : i.params) {
            nlohmann::json j{{"name", p.name}, {"default", p.default_value}, {"min", p.min}, {"max", p.max}, {"meaning", p.meaning}};
            if (!p.choices.empty()) j["choices"] = p.choices;
            params.push_back(j);
        }
        all.push_back({{"name", i.name}, {"formula", i.formula}, {"params", params}, {"source", i.source}});
    }
    return all;
}

std::string inits_text() {
    std::ostringstream s;
    for (const auto& i : init_table()) {
        s << i.name << "\n  " << i.formula << "\n";
        for (const auto& p : i.params) {
            s << "  param " << p.name << " = ";
            if (p.choices.empty())
                s << p.default_value << " in [" << p.min << ", " << p.max << "]";
            else
                s << choice_name(p.choices, p.default_value) << " (or " << p.choices.back() << ")";
            s << ": " << p.meaning << "\n";
        }
        s << "  source: " << i.source << "\n";
    }
    s << "\nNew variants go in a config's inits: section, e.g.\n"
         "  inits:\n"
         "    he_fan_out: {base: he_normal, mode: fan_out}\n";
    return s.str();
}

nlohmann::json models_json() {
    nlohmann::json all = nlohmann::json::array();
    for (const auto& m : model_table()) {
        nlohmann::json params = nlohmann::json::array();
        for (const auto& p : m.params) {
            nlohmann::json j{{"name", p.name}, {"default", p.default_value}, {"min", p.min}, {"max", p.max}, {"meaning", p.meaning}};
            if (!p.choices.empty()) {
                j["default"] = choice_name(p.choices, p.default_value);
                j["choices"] = p.choices;
                j.erase("min"), j.erase("max");
            }
            params.push_back(j);
        }
        all.push_back({{"name", m.name}, {"description", m.description}, {"params", params}});
    }
    return all;
}

std::string models_text() {
    std::ostringstream s;
    for (const auto& m : model_table()) {
        s << m.name << "\n  " << m.description << "\n";
        for (const auto& p : m.params) {
            if (p.choices.empty()) {
                s << "  param " << p.name << " = " << p.default_value << " in [" << p.min << ", " << p.max << "]: " << p.meaning << "\n";
                continue;
            }
            s << "  param " << p.name << " = " << choice_name(p.choices, p.default_value) << ", one of";
            for (auto c : p.choices) s << " " << c;
            s << ": " << p.meaning << "\n";
        }
    }
    s << "Every model also takes batchnorm: none | before | after (the activation; resnet places its own by block) and\n"
         "dropout: RATE (after each hidden dense layer's activation).\n";
    return s.str();
}

ModelInspection inspect_model(const ModelSpec& model, const InputShape& input, const InitSpec& init, const ActivationSpec& activation) {
    Context ctx;
    NetworkSpec spec;
    spec.model = model;
    spec.activation = activation;
    Network net(ctx, spec, 1, input);
    Rng rng(1);
    net.initialise(init, rng);
    nlohmann::json layers = nlohmann::json::array();
    std::ostringstream t;
    char line[256];
    std::snprintf(line, sizeof line, "%-10s %-11s %-14s %10s %14s %12s\n", "layer", "kind", "output", "params", "forward MFLOP",
                  "init std");
    t << model.name << " on " << input.channels << "x" << input.height << "x" << input.width << " input, " << input.classes
      << " classes, init " << init.name << "\n"
      << line;
    double forward = 0, training = 0;
    std::size_t params = 0;
    const auto summary = net.summary();
    auto all_params = net.params();
    for (std::size_t i = 0; i < summary.size(); ++i) {
        const auto& l = summary[i];
        std::string out;
        for (std::size_t k = 1; k < l.output.size(); ++k) {
            if (!out.empty()) out += 'x';
            out += std::to_string(l.output[k]);
        }
        const double flops = 2 * l.forward_macs;
        forward += flops;
        training += flops * (i == 0 ? 2 : 3);
        params += l.params;
        double weight_std = NAN;
        for (Param* p : all_params)
            if (p->role == ParamRole::weight && p->name == l.name + ".weight") weight_std = init.std_of(p->fan_in, p->fan_out);
        nlohmann::json j{{"name", l.name}, {"kind", l.kind}, {"output", out}, {"params", l.params}, {"forward_flops", flops}};
        j["init_std"] = std::isfinite(weight_std) ? nlohmann::json(weight_std) : nlohmann::json(nullptr);
        layers.push_back(j);
        std::snprintf(line, sizeof line, "%-10s %-11s %-14s %10zu %14.3f %12s\n", l.name.c_str(), l.kind.c_str(), out.c_str(), l.params,
                      flops / 1e6, std::isfinite(weight_std) ? std::to_string(weight_std).substr(0, 8).c_str() : "");
        t << line;
    }
    t << "total: " << params << " parameters; " << forward / 1e6 << " MFLOP forward, " << training / 1e6
      << " MFLOP per training image (forward + backward-data + backward-weights)\n";
    return {{{"model", model.name}, {"layers", layers}, {"params", params}, {"forward_flops", forward}, {"training_flops", training}},
            t.str()};
}

nlohmann::json datasets_json() {
    nlohmann::json all = nlohmann::json::array();
    for (const DatasetKind& k : dataset_kinds()) {
        nlohmann::json keys = nlohmann::json::array();
        for (auto key : k.keys) keys.push_back(key);
        if (k.subsets) keys.push_back("train_subset"), keys.push_back("test_subset");
        all.push_back({{"kind", k.name}, {"description", k.description}, {"keys", keys}});
    }
    return all;
}

std::string datasets_text() {
    std::ostringstream s;
    for (const auto& d : datasets_json()) {
        s << d["kind"].get<std::string>() << "\n  " << d["description"].get<std::string>() << "\n  keys:";
        for (const auto& k : d["keys"]) s << " " << k.get<std::string>();
        s << "\n";
    }
    s << "Every kind also takes";
    for (auto key : kCommonDatasetKeys)
        if (key != "kind") s << " " << key;
    s << " (normalize: none | unit | standard).\n";
    return s.str();
}

namespace {
// --sheet's path, checked before the data is read: a file name with an extension OpenCV writes, in a folder this
// process may write (the OS's reason when not); OpenCV's own failure says nothing of why.
void check_sheet_path(const std::string& path) {
    namespace fs = std::filesystem;
    std::error_code ec;
    if (fs::is_directory(path, ec)) throw InputError(path + ": is a directory; --sheet expects an image file's path, e.g. sheet.png");
    std::string ext = fs::path(path).extension().string();
    for (char& c : ext) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    static const std::set<std::string> writable{".png", ".jpg", ".jpeg", ".bmp", ".tif", ".tiff", ".webp", ".ppm", ".pgm"};
    if (!writable.count(ext))
        throw InputError(path + ": --sheet needs an image extension OpenCV writes (.png, .jpg, .bmp, .tif, .webp, .ppm), got '" + ext +
                         "'");
    const fs::path parent = fs::path(path).parent_path().empty() ? fs::path(".") : fs::path(path).parent_path();
    if (::access(parent.c_str(), W_OK) != 0)
        throw IoError(path + ": cannot write the contact sheet: " + parent.string() + ": " + std::strerror(errno));
}
}  // namespace

DatasetInspection inspect_dataset(const DatasetConfig& config, const std::string& sheet_path) {
    if (!sheet_path.empty()) check_sheet_path(sheet_path);
    const PreparedData p = prepare_data(config);
    const Dataset& d = p.data;
    auto per_class = [&](const ImageSet& set) {
        std::vector<std::size_t> n(d.classes, 0);
        for (auto l : set.labels) ++n[l];
        return n;
    };
    const auto train_counts = per_class(d.train), test_counts = per_class(d.test);
    std::vector<double> mean(d.train.channels, 0), sd(d.train.channels, 0);
    const std::size_t plane = static_cast<std::size_t>(d.train.height) * d.train.width;
    for (int c = 0; c < d.train.channels; ++c) {
        double s1 = 0, s2 = 0;
        for (std::size_t i = 0; i < d.train.count(); ++i)
            for (std::size_t k = 0; k < plane; ++k) {
                const double v = d.train.image(i)[c * plane + k] / 255.0;
                s1 += v, s2 += v * v;
            }
        const double n = static_cast<double>(plane * d.train.count());
        mean[c] = s1 / n;
        sd[c] = std::sqrt(std::max(0.0, s2 / n - mean[c] * mean[c]));
    }
    std::ostringstream t;
    t << d.name << ": " << d.train.count() << " training and " << d.test.count() << " test images of " << d.train.channels << "x"
      << d.train.height << "x" << d.train.width << ", " << d.classes << " classes\n";
    for (int c = 0; c < d.train.channels; ++c)
        t << "channel " << c << ": training pixels mean " << mean[c] << ", std " << sd[c] << " (of x/255)\n";
    t << "class      train   test\n";
    for (int c = 0; c < d.classes; ++c) {
        char line[128];
        std::snprintf(line, sizeof line, "%-9s %6zu %6zu\n", d.class_names[c].substr(0, 9).c_str(), train_counts[c], test_counts[c]);
        t << line;
    }
    if (!sheet_path.empty()) {
        // One row per class, up to 10 training images each, 2 px gaps.
        const int h = d.train.height, w = d.train.width, ch = d.train.channels, per_row = 10, gap = 2;
        cv::Mat sheet(d.classes * (h + gap), per_row * (w + gap), ch == 1 ? CV_8UC1 : CV_8UC3, cv::Scalar::all(255));
        std::vector<int> placed(d.classes, 0);
        for (std::size_t i = 0; i < d.train.count(); ++i) {
            const int c = d.train.labels[i];
            if (placed[c] >= per_row) continue;
            const int x0 = placed[c]++ * (w + gap), y0 = c * (h + gap);
            const std::uint8_t* img = d.train.image(i);
            for (int y = 0; y < h; ++y)
                for (int x = 0; x < w; ++x) {
                    const std::size_t at = static_cast<std::size_t>(y) * w + x;
                    if (ch == 1)
                        sheet.at<std::uint8_t>(y0 + y, x0 + x) = img[at];
                    else
                        sheet.at<cv::Vec3b>(y0 + y, x0 + x) = cv::Vec3b(img[2 * plane + at], img[plane + at], img[at]);  // RGB planes → BGR
                }
        }
        errno = 0;
        if (!write_image_file(sheet_path, sheet))
            throw IoError(sheet_path + ": cannot write the contact sheet" + (errno ? std::string(": ") + std::strerror(errno) : ""));
        t << "contact sheet: " << sheet_path << "\n";
    }
    nlohmann::json classes = nlohmann::json::array();
    for (int c = 0; c < d.classes; ++c)
        classes.push_back({{"name", d.class_names[c]}, {"train", train_counts[c]}, {"test", test_counts[c]}});
    return {{{"name", d.name},
             {"train", d.train.count()},
             {"test", d.test.count()},
             {"channels", d.train.channels},
             {"height", d.train.height},
             {"width", d.train.width},
             {"classes", classes},
             {"pixel_mean", mean},
             {"pixel_std", sd}},
            t.str()};
}

Curve activation_curve(const ActivationSpec& spec, double lo, double hi, int points) {
    if (spec.info->kernel == ActivationKernel::maxout)
        throw std::invalid_argument(spec.name + ": maxout is a max over channels, not a function of one x; nothing to show");
    if (!(lo < hi)) throw std::invalid_argument("the range must have A < B");
    if (points < 2 || points > 100000) throw std::invalid_argument("points must be 2..100000");
    Curve c;
    for (int k = 0; k < points; ++k) {
        const double x = lo + (hi - lo) * k / (points - 1);
        c.x.push_back(x);
        c.f.push_back(spec.f(x));
        c.df.push_back(spec.df(x));
    }
    return c;
}

std::string curve_text(const ActivationSpec& spec, const Curve& c) {
    std::ostringstream s;
    const bool stochastic = spec.info->kernel == ActivationKernel::rrelu || spec.info->kernel == ActivationKernel::noisy_relu;
    s << spec.name << ": " << (spec.formula ? spec.formula->text() : std::string(spec.info->formula)) << "\n";
    if (stochastic) s << "(evaluation form; training draws noise)\n";
    s << "        x          f(x)         f'(x)\n";
    for (std::size_t i = 0; i < c.x.size(); ++i) {
        char line[96];
        std::snprintf(line, sizeof line, "%9.4f  %12.6g  %12.6g\n", c.x[i], c.f[i], c.df[i]);
        s << line;
    }
    return s.str();
}

nlohmann::json curve_json(const ActivationSpec& spec, const Curve& c) {
    return {{"name", spec.name}, {"x", c.x}, {"f", c.f}, {"df", c.df}};
}

std::string curve_svg(const ActivationSpec& spec, const Curve& c) {
    return svg_line_plot({spec.name + ": f(x) and f'(x)", "x", "", 640, 400},
                         {make_line("f(x)", "#1f77b4", c.x, c.f), make_line("f'(x)", "#d62728", c.x, c.df)});
}

}  // namespace actbench
