#include "synthetic_shapes.hpp"

#include "rng.hpp"

#include <opencv2/imgproc.hpp>

#include <cmath>
#include <stdexcept>

namespace actbench {

namespace {

const char* const kShapeNames[] = {"circle", "square", "triangle", "cross", "ring", "diamond"};

std::vector<cv::Point> polygon(double cx, double cy, double radius, double angle, int corners) {
    std::vector<cv::Point> pts;
    for (int k = 0; k < corners; ++k) {
        const double a = angle + 2.0 * M_PI * k / corners;
        pts.emplace_back(static_cast<int>(std::lround(cx + radius * std::cos(a))),
                         static_cast<int>(std::lround(cy + radius * std::sin(a))));
    }
    return pts;
}

void draw_one(cv::Mat& img, int shape, Rng& rng) {
    const double size = img.rows;
    const double radius = rng.uniform(0.22, 0.38) * size;
    const double cx = rng.uniform(radius + 1, size - radius - 1);
    const double cy = rng.uniform(radius + 1, size - radius - 1);
    const double angle = rng.uniform(0, 2 * M_PI);
    const bool filled = rng.uniform() < 0.5;
    const int thickness = filled ? cv::FILLED : 1 + static_cast<int>(rng.below(2));
    const cv::Scalar ink(160 + static_cast<int>(rng.below(96)));
    const cv::Point centre(static_cast<int>(std::lround(cx)), static_cast<int>(std::lround(cy)));
    const int r = static_cast<int>(std::lround(radius));
    switch (shape) {
        case 0: cv::circle(img, centre, r, ink, thickness, cv::LINE_AA); break;
        case 1: {
            auto pts = polygon(cx, cy, radius, angle, 4);
            if (filled)
                cv::fillConvexPoly(img, pts, ink, cv::LINE_AA);
            else
                cv::polylines(img, pts, true, ink, thickness, cv::LINE_AA);
            break;
        }
        case 2: {
            auto pts = polygon(cx, cy, radius, angle, 3);
            if (filled)
                cv::fillConvexPoly(img, pts, ink, cv::LINE_AA);
            else
                cv::polylines(img, pts, true, ink, thickness, cv::LINE_AA);
            break;
        }
        case 3: {
            const int w = std::max(2, thickness == cv::FILLED ? 3 : thickness + 1);
            for (int arm = 0; arm < 2; ++arm) {
                const double a = angle + arm * M_PI / 2;
                const cv::Point p1(static_cast<int>(std::lround(cx + radius * std::cos(a))),
                                   static_cast<int>(std::lround(cy + radius * std::sin(a))));
                const cv::Point p2(static_cast<int>(std::lround(cx - radius * std::cos(a))),
                                   static_cast<int>(std::lround(cy - radius * std::sin(a))));
                cv::line(img, p1, p2, ink, w, cv::LINE_AA);
            }
            break;
        }
        case 4:
            cv::circle(img, centre, r, ink, 2, cv::LINE_AA);
            cv::circle(img, centre, std::max(1, r / 2), ink, 2, cv::LINE_AA);
            break;
        default: {
            // A diamond: a rhombus with unequal diagonals, so it is not a rotated square.
            std::vector<cv::Point> pts;
            for (int k = 0; k < 4; ++k) {
                const double a = angle + M_PI / 2 * k;
                const double rr = (k % 2 == 0) ? radius : radius * 0.5;
                pts.emplace_back(static_cast<int>(std::lround(cx + rr * std::cos(a))),
                                 static_cast<int>(std::lround(cy + rr * std::sin(a))));
            }
            if (filled)
                cv::fillConvexPoly(img, pts, ink, cv::LINE_AA);
            else
                cv::polylines(img, pts, true, ink, thickness, cv::LINE_AA);
        }
    }
}

ImageSet make_split(const ShapesSpec& spec, int count, Rng& rng) {
    ImageSet set;
    set.channels = 1;
    set.height = set.width = spec.size;
    set.pixels.resize(static_cast<std::size_t>(count) * spec.size * spec.size);
    set.labels.resize(count);
    for (int i = 0; i < count; ++i) {
        const int label = i % spec.classes;
        cv::Mat img(spec.size, spec.size, CV_8UC1, set.pixels.data() + static_cast<std::size_t>(i) * spec.size * spec.size);
        img.setTo(cv::Scalar(0));
        draw_one(img, label, rng);
        if (spec.noise > 0) {
            for (int p = 0; p < spec.size * spec.size; ++p) {
                const double v = img.data[p] + spec.noise * rng.normal();
                img.data[p] = static_cast<std::uint8_t>(std::clamp(std::lround(v), 0L, 255L));
            }
        }
        set.labels[i] = label;
    }
    return set;
}

}  // namespace

Dataset make_synthetic_shapes(const ShapesSpec& spec) {
    if (spec.classes < 2 || spec.classes > 6)
        throw std::invalid_argument("synthetic_shapes: classes must be 2..6, got " + std::to_string(spec.classes));
    if (spec.size < 12 || spec.size > 256)
        throw std::invalid_argument("synthetic_shapes: size must be 12..256, got " + std::to_string(spec.size));
    if (spec.train_count < spec.classes || spec.test_count < spec.classes)
        throw std::invalid_argument("synthetic_shapes: each split needs at least one image per class");
    Dataset ds;
    ds.name = "synthetic_shapes";
    ds.classes = spec.classes;
    for (int c = 0; c < spec.classes; ++c) ds.class_names.emplace_back(kShapeNames[c]);
    Rng train_rng(stream_seed(std::to_string(spec.seed), "shapes/train"));
    Rng test_rng(stream_seed(std::to_string(spec.seed), "shapes/test"));
    ds.train = make_split(spec, spec.train_count, train_rng);
    ds.test = make_split(spec, spec.test_count, test_rng);
    return ds;
}

}  // namespace actbench
