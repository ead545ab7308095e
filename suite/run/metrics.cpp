#include "run/metrics.hpp"

#include <algorithm>
#include <cmath>

namespace actbench {

void UnitTally::add(ChannelView pre, ChannelView out, ChannelView slope, std::size_t rows, std::size_t spatial, double flat_epsilon) {
    const std::size_t channels = alive_.size();
    for (std::size_t n = 0; n < rows; ++n)
        for (std::size_t c = 0; c < channels; ++c) {
            const float* y_at = out.data + out.base(n, c, channels, spatial);
            const float* z_at = pre.data + pre.base(n, c, channels, spatial);
            const float* s_at = slope.data ? slope.data + slope.base(n, c, channels, spatial) : nullptr;
            const std::size_t ys = out.stride(), zs = pre.stride(), ss = slope.stride();
            for (std::size_t k = 0; k < spatial; ++k) {
                const double y = y_at[k * ys];
                zeros_ += y == 0.0;
                sum_ += y, sum_abs_ += std::abs(y), sum_sq_ += y * y;
                const double z = z_at[k * zs];
                pre_sum_ += z, pre_sum_sq_ += z * z;
                if (z > 0.0) alive_[c] = 1;
                if (s_at) {
                    const bool is_flat = std::abs(s_at[k * ss]) < flat_epsilon;
                    flat_ += is_flat;
                    if (!is_flat) active_[c] = 1;
                }
            }
        }
    total_ += static_cast<double>(rows * channels * spatial);
}

double UnitTally::pre_std() const {
    if (total_ <= 0) return 0;
    const double mean = pre_sum_ / total_;
    return std::sqrt(std::max(0.0, pre_sum_sq_ / total_ - mean * mean));
}

double UnitTally::dead_fraction() const {
    std::size_t dead = 0;
    for (char a : alive_) dead += !a;
    return alive_.empty() ? 0 : static_cast<double>(dead) / static_cast<double>(alive_.size());
}

double UnitTally::inactive_fraction() const {
    std::size_t inactive = 0;
    for (char a : active_) inactive += !a;
    return active_.empty() ? 0 : static_cast<double>(inactive) / static_cast<double>(active_.size());
}

std::optional<long> steps_to_target(const std::vector<int>& correct, int batch, std::size_t window, double target) {
    long in_window = 0;
    for (std::size_t k = 0; k < correct.size(); ++k) {
        in_window += correct[k];
        if (k >= window) in_window -= correct[k - window];
        const std::size_t n = std::min(k + 1, window);
        const double error = 1 - static_cast<double>(in_window) / static_cast<double>(n * static_cast<std::size_t>(batch));
        if (error <= target) return static_cast<long>(k + 1);
    }
    return std::nullopt;
}

}  // namespace actbench
