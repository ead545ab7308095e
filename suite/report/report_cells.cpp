// Report, stage 3a: numbers as text, table cells, curves and the small helpers the document's parts share.
#include "report/report_parts.hpp"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace actbench::doc {

using nlohmann::json;

// A fixed-point format turns to three significant digits from 10⁶ up: a diverged loss of 3.5·10³¹ printed as a
// 35-digit "34531804422069264898359478452224.000" in dead_lr's Overview.
std::string fmt(const char* format, double v) {
    if (!std::isfinite(v)) return "—";
    const std::size_t length = std::strlen(format);
    const bool fixed = length > 0 && format[length - 1] == 'f';
    char buf[64];
    std::snprintf(buf, sizeof buf, fixed && std::abs(v) >= 1e6 ? (format[1] == '+' ? "%+.3g" : "%.3g") : format, v);
    return buf;
}

std::string mean_std(const std::vector<double>& v, const char* format) {
    if (v.empty()) return "—";
    const Summary s = summarise(v);
    return v.size() > 1 ? fmt(format, s.mean) + " ± " + fmt(format, s.std) : fmt(format, s.mean);
}

// A cell whose text is a number sorts as that number unless given another key: an axis value such as model.depth
// sorted as text put 20 before 8.
Cell cell(std::string text, double sort) {
    if (std::isnan(sort) && !text.empty()) {
        char* end = nullptr;
        const double v = std::strtod(text.c_str(), &end);
        if (end == text.c_str() + text.size() && std::isfinite(v)) sort = v;
    }
    return {std::move(text), sort};
}
Cell stat_cell(const std::vector<double>& v, const char* format) { return cell(mean_std(v, format), v.empty() ? NAN : summarise(v).mean); }
// The 95% Student-t interval of the mean of fractions, "[low, high]", clipped to [0, 1] (with three seeds it can
// reach past either); "—" with fewer than two values.
Cell fraction_ci_cell(const std::vector<double>& v) {
    if (v.size() < 2) return cell("—");
    const Summary m = summarise(v);
    return cell(interval_text("%.3f", std::max(0.0, m.ci_low), std::min(1.0, m.ci_high)));
}

// A table with a column per axis, then `rest`; `numeric` says which of `rest` are numbers.
Table group_table(const Aggregate& a, const std::vector<std::string>& rest) {
    Table t;
    t.header = a.columns;
    t.numeric.assign(a.columns.size(), false);
    for (const auto& r : rest) t.header.push_back(r), t.numeric.push_back(true);
    return t;
}
std::vector<Cell> group_cells(const Group& g) {
    std::vector<Cell> row;
    for (const auto& c : g.cells) row.push_back(cell(c));
    return row;
}

namespace {
double quantile(std::vector<double> v, double q) {  // R's type 7; v non-empty
    std::sort(v.begin(), v.end());
    const double h = q * static_cast<double>(v.size() - 1);
    const std::size_t i = static_cast<std::size_t>(std::floor(h));
    return i + 1 < v.size() ? v[i] + (h - static_cast<double>(i)) * (v[i + 1] - v[i]) : v[i];
}
}  // namespace

Curve curve(const Group& g, const char* x_key, const char* y_key, bool epoch_ends_only, bool quartiles) {
    std::map<long, std::vector<double>> ys;
    std::map<long, double> xs;
    for (const TrialRecord* t : g.trials) {
        if (!t->ok()) continue;
        for (const json& row : t->metrics) {
            if (epoch_ends_only && !row["epoch"].is_number_integer()) continue;
            if (!row.contains(y_key) || !row[y_key].is_number()) continue;
            const long step = row["step"].get<long>();
            ys[step].push_back(row[y_key].get<double>());
            xs[step] = row[x_key].get<double>();
        }
    }
    Curve c;
    for (const auto& [step, v] : ys) {
        const Summary s = summarise(v);
        c.x.push_back(xs[step]), c.y.push_back(s.mean);
        c.low.push_back(quartiles ? quantile(v, 0.25) : s.min), c.high.push_back(quartiles ? quantile(v, 0.75) : s.max);
    }
    return c;
}

// A per-layer metric (a list, one value per activation layer) at each evaluation step, averaged over the
// group's finished trials; null entries (undefined for that layer) are skipped.
std::map<long, std::vector<double>> layer_curve(const Group& g, const char* key) {
    std::string path(1, '/');  // appended, not "/" + key: GCC 12 warns falsely (-Wrestrict) on the latter
    path += key;
    return layer_curve(g, json::json_pointer(path));
}

std::map<long, std::vector<double>> layer_curve(const Group& g, const json::json_pointer& at) {
    std::map<long, std::vector<double>> sum, count;
    for (const TrialRecord* t : g.trials) {
        if (!t->ok()) continue;
        for (const json& row : t->metrics) {
            if (!row.contains(at) || !row[at].is_array()) continue;
            const json& v = row[at];
            auto& s = sum[row["step"].get<long>()];
            auto& c = count[row["step"].get<long>()];
            s.resize(std::max(s.size(), v.size()), 0.0), c.resize(s.size(), 0.0);
            for (std::size_t l = 0; l < v.size(); ++l)
                if (v[l].is_number()) s[l] += v[l].get<double>(), c[l] += 1;
        }
    }
    for (auto& [step, s] : sum)
        for (std::size_t l = 0; l < s.size(); ++l) s[l] = count[step][l] > 0 ? s[l] / count[step][l] : NAN;
    return sum;
}

double at(const std::vector<double>& v, std::size_t i) { return i < v.size() ? v[i] : NAN; }

void sort_by_x(Series& s) {
    std::vector<std::size_t> order(s.x.size());
    for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
    std::sort(order.begin(), order.end(), [&](std::size_t i, std::size_t j) { return s.x[i] < s.x[j]; });
    const bool band = s.band_low.size() == s.x.size() && s.band_high.size() == s.x.size();
    Series sorted = s;
    for (std::size_t i = 0; i < order.size(); ++i) {
        sorted.x[i] = s.x[order[i]], sorted.y[i] = s.y[order[i]];
        if (band) sorted.band_low[i] = s.band_low[order[i]], sorted.band_high[i] = s.band_high[order[i]];
    }
    s = std::move(sorted);
}
double normal_cdf(double x) { return 0.5 * std::erfc(-x / std::sqrt(2.0)); }

const char* verdict_text(RankedEntry::Verdict v) {
    switch (v) {
        case RankedEntry::Verdict::baseline: return "baseline";
        case RankedEntry::Verdict::better: return "better";
        case RankedEntry::Verdict::worse: return "worse";
        case RankedEntry::Verdict::within_noise: return "not distinguished";
        case RankedEntry::Verdict::underpowered: return "underpowered";
        case RankedEntry::Verdict::not_tested: return "not tested";
        case RankedEntry::Verdict::equivalent: return "equivalent";
        case RankedEntry::Verdict::undecided: return "undecided at max";
        case RankedEntry::Verdict::pending: return "pending: rounds to go";
        case RankedEntry::Verdict::alias: return "alias";
    }
    return "";
}
VerdictStyle verdict_style(RankedEntry::Verdict v) {
    using V = RankedEntry::Verdict;
    switch (v) {
        case V::better: return {"better", "#009E73", "up"};
        case V::worse: return {"worse", "#D55E00", "down"};
        case V::equivalent: return {"equivalent", "#0072B2", "diamond"};
        case V::pending: return {"pending", "#777777", "ring"};
        case V::baseline: return {"baseline", "#222222", "circle"};
        case V::not_tested:
        case V::alias: return {"not tested", "#56B4E9", "circle"};
        default: return {"undecided", "#777777", "ring"};  // undecided, not distinguished, underpowered: no verdict either way
    }
}

Section section(std::string id, std::string title) {
    Section s;
    s.id = std::move(id);
    s.title = std::move(title);
    return s;
}

std::string steps_text(double steps) { return std::isinf(steps) ? "> max" : fmt("%.0f", steps); }

}  // namespace actbench::doc
