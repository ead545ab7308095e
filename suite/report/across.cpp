// `actbench rank`: load each study as the report does (report_load.cpp, report_aggregate.cpp), take each ranking's
// mean final test accuracy per compared value, rank within each study and context, and sum up across them.
#include "report/across.hpp"

#include "core/error.hpp"
#include "report/report_data.hpp"
#include "report/svg_plot.hpp"

#include <algorithm>
#include <cstdio>
#include <numeric>
#include <optional>
#include <sstream>

namespace actbench {

namespace {

using nlohmann::json;

std::string fmt(const char* format, double v) {
    char buf[64];
    std::snprintf(buf, sizeof buf, format, v);
    return buf;
}

// One block of Demšar's design: a study, or one context of a study that sweeps other axes too.
struct Block {
    std::string label;  // "comparison_digits" or "comparison_digits, init xavier_uniform"
    std::map<std::string, double> score;  // compared value → mean final test accuracy (NaN: no finished trial)
    std::map<std::string, std::pair<int, int>> diverged;  // compared value → seeds diverged, seeds with an outcome
    std::map<std::string, std::string> alias_of;  // compared value → the value whose function it is (report_aggregate.cpp)
    std::string baseline;  // the study's baseline value in this block ("" without one)
    std::map<std::string, RankedEntry::Verdict> verdict;  // compared value → the study's verdict against the baseline
};

struct Study {
    std::string name, compared_axis, command_line;
    std::vector<std::string> values;  // the compared values, in the study's order
    std::vector<Block> blocks;
};

Study load_study(const std::filesystem::path& dir) {
    const Aggregate a = aggregate(load_runs({dir}));
    if (a.rankings.empty()) throw InputError(dir.string() + ": no finished trials to rank");
    Study s;
    s.name = a.manifest.value("sweep", dir.filename().string());
    s.compared_axis = a.compared_axis;
    std::vector<std::string> commands;  // each once: a resumed run repeats its command
    for (const json& r : a.run_log)
        if (std::find(commands.begin(), commands.end(), r["command"].get<std::string>()) == commands.end())
            commands.push_back(r["command"]);
    for (const std::string& c : commands) s.command_line += (s.command_line.empty() ? "`" : "; `") + c + "`";
    for (const Ranking& ranking : a.rankings) {
        Block b;
        b.label = s.name + (ranking.context_label.empty() ? "" : ", " + ranking.context_label);
        for (const RankedEntry& e : ranking.entries) {
            const std::string v = value_text(e.group->values[a.compared_axis]);
            // Over every seed's outcome, a diverged seed at the worst accuracy: dropping it would rank the survivors.
            const GroupStats& st = e.group->stats;
            const double all = st.acc.n + st.diverged;
            b.score[v] = all == 0 ? NAN : st.outcome_mean();
            b.diverged[v] = {st.diverged, static_cast<int>(all)};
            if (e.alias_of) b.alias_of[v] = value_text(e.alias_of->values[a.compared_axis]);
            if (e.is_baseline) b.baseline = v;
            b.verdict[v] = e.verdict;
            if (std::find(s.values.begin(), s.values.end(), v) == s.values.end()) s.values.push_back(v);
        }
        s.blocks.push_back(std::move(b));
    }
    return s;
}

struct Result {
    std::string axis;
    std::vector<Study> studies;
    std::vector<const Block*> blocks;
    std::vector<std::string> values, left_out;  // ranked (in every block), and not in every block
    std::vector<std::pair<std::string, std::string>> aliases;  // (value, the value it is another name for), ranked once
    std::vector<std::vector<double>> ranks;  // [value][block]
    std::vector<double> mean_ranks;  // [value]
    std::vector<std::size_t> order;  // values by mean rank, best first
    Friedman friedman;
    double cd = NAN, alpha = 0.05;
    std::vector<std::pair<std::size_t, std::size_t>> cliques;  // into `order`
};

Result rank_studies(const std::vector<std::filesystem::path>& dirs, double alpha) {
    Result r;
    r.alpha = alpha;
    for (std::size_t i = 0; i < dirs.size(); ++i)
        for (std::size_t j = 0; j < i; ++j) {
            std::error_code a, b;
            if (std::filesystem::weakly_canonical(dirs[i], a) == std::filesystem::weakly_canonical(dirs[j], b))
                throw InputError(dirs[i].string() + ": given twice (as " + dirs[j].string() +
                                 "); a study counted twice would agree with itself and make the ranks look certain");
        }
    for (const auto& d : dirs) r.studies.push_back(load_study(d));
    r.axis = r.studies.front().compared_axis;
    for (std::size_t i = 0; i < r.studies.size(); ++i)
        if (r.studies[i].compared_axis != r.axis)
            throw InputError(dirs[i].string() + ": compares " + r.studies[i].compared_axis + ", " + dirs[0].string() + " compares " +
                             r.axis + "; rank sums up studies of one axis");
    for (const Study& s : r.studies)
        for (const Block& b : s.blocks) r.blocks.push_back(&b);
    // A value that is another name for the same value in every column is ranked once, under its first name: counted
    // twice it would add a rank that is not a method's and inflate k (Friedman's p, Nemenyi's CD).
    auto alias_everywhere = [&](const std::string& v) -> std::string {
        std::string of;
        for (const Block* b : r.blocks) {
            const auto it = b->alias_of.find(v);
            if (it == b->alias_of.end() || (!of.empty() && it->second != of)) return "";
            of = it->second;
        }
        return of;
    };
    for (const Study& s : r.studies)
        for (const std::string& v : s.values) {
            if (std::find(r.values.begin(), r.values.end(), v) != r.values.end() ||
                std::find(r.left_out.begin(), r.left_out.end(), v) != r.left_out.end() ||
                std::any_of(r.aliases.begin(), r.aliases.end(), [&](const auto& a) { return a.first == v; }))
                continue;
            if (const std::string of = alias_everywhere(v); !of.empty()) {
                r.aliases.emplace_back(v, of);
                continue;
            }
            const bool everywhere = std::all_of(r.blocks.begin(), r.blocks.end(), [&](const Block* b) { return b->score.count(v) > 0; });
            (everywhere ? r.values : r.left_out).push_back(v);
        }
    const std::size_t k = r.values.size(), n = r.blocks.size();
    r.ranks.assign(k, std::vector<double>(n));
    for (std::size_t j = 0; j < n; ++j) {
        std::vector<double> scores;
        for (const std::string& v : r.values) scores.push_back(r.blocks[j]->score.at(v));
        const std::vector<double> ranks = ranks_descending(scores);
        for (std::size_t i = 0; i < k; ++i) r.ranks[i][j] = ranks[i];
    }
    for (const auto& row : r.ranks) r.mean_ranks.push_back(std::accumulate(row.begin(), row.end(), 0.0) / static_cast<double>(n));
    r.order.resize(k);
    std::iota(r.order.begin(), r.order.end(), 0);
    std::stable_sort(r.order.begin(), r.order.end(), [&](std::size_t a, std::size_t b) { return r.mean_ranks[a] < r.mean_ranks[b]; });
    if (k >= 2 && n >= 2) {
        r.friedman = friedman_test(r.mean_ranks, static_cast<int>(n));
        r.cd = critical_difference(static_cast<int>(k), static_cast<int>(n), alpha);
        std::vector<double> sorted;
        for (std::size_t i : r.order) sorted.push_back(r.mean_ranks[i]);
        r.cliques = rank_cliques(sorted, r.cd);
    }
    return r;
}

std::string names_of(const Result& r, std::size_t from, std::size_t to) {  // order[from..to), "a, b and c"
    std::string s;
    for (std::size_t i = from; i < to; ++i) s += (i == from ? "" : i + 1 == to ? " and " : ", ") + r.values[r.order[i]];
    return s;
}

// What the ranks support, in sentences: the values tied with the best, those significantly behind it, and whether
// Friedman's test rejects equal ranks at all.
std::vector<Text> findings(const Result& r) {
    std::vector<Text> out;
    const std::size_t k = r.values.size(), n = r.blocks.size();
    if (k < 2 || n < 2) {
        out.push_back(spans("Ranking needs two studies (or contexts) and two values common to all of them: here " + std::to_string(n) +
                            " and " + std::to_string(k) + "."));
        return out;
    }
    const bool reject = r.friedman.p_value < r.alpha;
    const std::string statistic = r.friedman.exact
        ? "every column ranks the values in the same order, the largest χ²_F there is, so Iman–Davenport's F is "
          "undefined (its denominator is 0); the exact probability of one shared order under the null hypothesis is (" +
            std::to_string(k) + "!)^(1 − " + std::to_string(n) + "), p = " + fmt("%.3g", r.friedman.p_value)
        : "Iman–Davenport F = " + fmt("%.2f", r.friedman.f) + " on (" + fmt("%.0f", r.friedman.df1) + ", " + fmt("%.0f", r.friedman.df2) +
            ") degrees of freedom, p = " + fmt("%.3g", r.friedman.p_value);
    out.push_back(spans("Friedman's test: χ²_F = " + fmt("%.2f", r.friedman.chi2) + ", " + statistic +
                        (reject ? ": the mean ranks differ."
                                : ": **no difference between the mean ranks is shown** at α = " + fmt("%g", r.alpha) +
                                 "; the pairs below are not tested further.") +
                        " Kendall's W = " + fmt("%.2f", r.friedman.kendall_w) +
                        ": how alike the columns rank the values (1: the same order "
                        "in every column; 0: unrelated orders)."));
    const double best = r.mean_ranks[r.order[0]];
    std::size_t tied = 1;
    while (tied < k && r.mean_ranks[r.order[tied]] - best < r.cd) ++tied;
    std::string cd_text = "Nemenyi's critical difference at α = " + fmt("%g", r.alpha) + " for " + std::to_string(k) + " values over " +
        std::to_string(n) + " columns is " + fmt("%.2f", r.cd) + " ranks";
    const bool beyond_range = r.cd >= static_cast<double>(k) - 1;  // no two mean ranks can be that far apart
    if (beyond_range) cd_text += ", wider than the whole range of ranks: no pair can differ with so few studies";
    out.push_back(spans(cd_text + "."));
    if (reject && tied < k)
        out.push_back(spans("Significantly behind " + r.values[r.order[0]] + ": " + names_of(r, tied, k) +
                            ". Within the critical difference of it: " + (tied > 1 ? names_of(r, 1, tied) : std::string("none")) + "."));
    else if (reject && !beyond_range)
        out.push_back(
            spans("But no two values' mean ranks differ by the critical difference: the ranks differ as a whole, and no pair "
                  "is told apart with so few columns."));
    // What can be told apart first (above), then the order, which alone would read as a result.
    out.push_back(spans(std::string(reject && tied < k ? "" : "The order, which the tests above do not separate: ") + "best mean rank over the " +
                        std::to_string(n) + " columns **" + r.values[r.order[0]] + "** (" + fmt("%.2f", r.mean_ranks[r.order[0]]) +
                        "); worst " + r.values[r.order[k - 1]] + " (" + fmt("%.2f", r.mean_ranks[r.order[k - 1]]) + ")."));
    return out;
}

Figure diagram(const Result& r) {
    std::vector<std::string> names;
    std::vector<double> ranks;
    for (std::size_t i : r.order) names.push_back(r.values[i]), ranks.push_back(r.mean_ranks[i]);
    Figure f;
    f.id = "cd_diagram";
    f.title = "Critical-difference diagram";
    f.svg = svg_cd_diagram("Mean rank of each " + r.axis + " over " + std::to_string(r.blocks.size()) + " columns (1 = best)", names, ranks,
                           r.cd, r.cliques, "bars: no significant difference (Nemenyi, α = " + fmt("%g", r.alpha) + ")");
    return f;
}

// Performance profiles (after Dolan & Moré 2002; rliable's score distributions, Agarwal et al. 2021): for each value
// the fraction of columns in which its accuracy is within τ of that column's best, against τ — ranks hide how far
// behind a value is; a profile that reaches 1 at a small τ is never far from the best anywhere. The top four and
// bottom three by mean rank, and the baseline: twenty lines would hide each other.
constexpr double kSmallest = 1e-4;  // a tenth of a point of accuracy on 1,000 images: the log axis's left end

Figure profiles(const Result& r) {
    const std::size_t k = r.values.size(), n = r.blocks.size();
    std::vector<std::vector<double>> gap(k, std::vector<double>(n));
    std::vector<double> taus;
    for (std::size_t j = 0; j < n; ++j) {
        double best = -INFINITY;
        for (const std::string& v : r.values) best = std::max(best, std::isnan(r.blocks[j]->score.at(v)) ? -INFINITY : r.blocks[j]->score.at(v));
        for (std::size_t i = 0; i < k; ++i) {
            const double score = r.blocks[j]->score.at(r.values[i]);
            gap[i][j] = std::isnan(score) ? INFINITY : std::max(best - score, kSmallest);
            if (std::isfinite(gap[i][j])) taus.push_back(gap[i][j]);
        }
    }
    std::sort(taus.begin(), taus.end());
    taus.erase(std::unique(taus.begin(), taus.end()), taus.end());
    const std::string baseline = r.blocks.front()->baseline;
    std::vector<Series> series;
    constexpr const char* kColours[] = {"#0072B2", "#009E73", "#56B4E9", "#CC79A7", "#D55E00", "#E69F00", "#999999"};
    std::size_t colour = 0;
    for (std::size_t at = 0; at < k; ++at) {
        const std::size_t i = r.order[at];
        const bool is_baseline = r.values[i] == baseline;
        if (!is_baseline && at >= 4 && at + 3 < k) continue;
        Series s = make_line(r.values[i] + (is_baseline ? " (baseline)" : ""), is_baseline ? "#222222" : kColours[colour++ % 7], {}, {},
                             is_baseline);
        double previous = NAN;
        for (double tau : taus) {  // a step function: up at each τ where another column comes within reach
            double within = 0;
            for (std::size_t j = 0; j < n; ++j) within += gap[i][j] <= tau + 1e-12;
            const double f = within / static_cast<double>(n);
            if (!std::isnan(previous) && f != previous) s.x.push_back(tau), s.y.push_back(previous);
            s.x.push_back(tau), s.y.push_back(f);
            previous = f;
        }
        series.push_back(s);
    }
    MultiPlotSpec m;
    m.title = "Performance profiles: the fraction of the " + std::to_string(n) + " columns in which a " + r.axis +
        " is within τ of the column's best (the top four and bottom three by mean rank" + (baseline.empty() ? "" : ", and the baseline, dashed") +
        "; τ on a log scale, a gap under " + fmt("%g", kSmallest) + " drawn there)";
    m.x_label = "τ: accuracy below the column's best", m.y_label = "fraction of columns";
    m.columns = 1, m.panel_width = 640, m.panel_height = 280, m.log_x = true;
    Figure f;
    f.id = "profiles";
    f.title = "Performance profiles";
    f.svg = svg_small_multiples(m, {Panel{"", series}});
    return f;
}

// The size behind the ranks: each value's difference from the baseline in each column (the same means the ranks
// come from), marked with that study's verdict.
std::vector<std::string> delta_marks(const Result& r, std::vector<std::vector<double>>& values) {
    std::vector<std::string> rows;
    values.assign(r.values.size(), std::vector<double>(r.blocks.size(), NAN));
    for (std::size_t at = 0; at < r.order.size(); ++at) {
        const std::size_t i = r.order[at];
        rows.push_back(r.values[i]);
        for (std::size_t j = 0; j < r.blocks.size(); ++j) {
            const Block& b = *r.blocks[j];
            if (b.baseline.empty() || r.values[i] == b.baseline) continue;
            values[at][j] = b.score.at(r.values[i]) - b.score.at(b.baseline);
        }
    }
    return rows;
}

const char* verdict_mark(RankedEntry::Verdict v) {
    using V = RankedEntry::Verdict;
    return v == V::better ? " ▲" : v == V::worse ? " ▼" : v == V::equivalent ? " ◆" : "";
}

std::optional<Figure> delta_matrix(const Result& r) {
    const std::string baseline = r.blocks.front()->baseline;
    if (baseline.empty() || std::any_of(r.blocks.begin(), r.blocks.end(), [&](const Block* b) { return b->baseline != baseline; }))
        return std::nullopt;
    std::vector<std::vector<double>> values;
    const std::vector<std::string> rows = delta_marks(r, values);
    std::vector<std::vector<std::string>> marks(rows.size(), std::vector<std::string>(r.blocks.size()));
    std::vector<std::string> columns;
    for (std::size_t j = 0; j < r.blocks.size(); ++j) {
        columns.push_back(r.blocks[j]->label);
        for (std::size_t at = 0; at < rows.size(); ++at) marks[at][j] = verdict_mark(r.blocks[j]->verdict.at(rows[at]));
    }
    Figure f;
    f.id = "delta_matrix";
    f.title = "Difference from " + baseline + " in each column";
    f.svg = svg_heatmap("Δ mean final test accuracy against " + baseline + " in each column (rows in order of mean rank)", rows, columns,
                        values, marks,
                        "▲ better · ▼ worse · ◆ equivalent: that study's verdict (its own design and corrections); no mark: none "
                        "either way. A diverged seed counts at accuracy 0, as in the ranks.",
                        true);
    return f;
}

Document document(const Result& r) {
    Document doc;
    doc.formats = {{"Markdown", "rank.md"}, {"CSV", "rank.csv"}};
    for (const Study& s : r.studies) doc.related.emplace_back(s.name + "'s report", "../" + s.name + "/report.html");
    doc.related.emplace_back("every report (the index)", "../index.html");
    Section head;
    head.level = 1;
    head.title = "actbench rank: which " + r.axis + " across " + std::to_string(r.studies.size()) + " studies";
    head.paragraphs.push_back(
        spans("Each study ranks its " + r.axis +
              " values by mean final test accuracy over their seeds (1 = best, ties share "
              "their mean rank; a value with no finished trial ranks last); the values are then ranked by their mean rank "
              "(Demšar 2006). A column is a study, or one context of a study that sweeps other axes too (each its own ranking). Studies:"));
    for (const Study& s : r.studies)
        head.bullets.push_back(spans("**" + s.name + "** (" + std::to_string(s.blocks.size()) +
                                     (s.blocks.size() == 1 ? " context" : " contexts") + "): " + s.command_line));
    if (!r.left_out.empty()) {
        std::string names;
        for (const auto& v : r.left_out) names += (names.empty() ? "" : ", ") + v;
        head.closing.push_back(spans("Left out, not in every study: " + names + "."));
    }
    if (!r.aliases.empty()) {
        std::string names;
        for (std::size_t i = 0; i < r.aliases.size(); ++i)
            names += (i == 0 ? "" : i + 1 == r.aliases.size() ? " and " : ", ") + r.aliases[i].first + " = " + r.aliases[i].second;
        head.closing.push_back(spans("Ranked once, under the first name: " + names +
                                     " — one function under two names in every study (bit-identical trials), not two methods."));
    }
    doc.sections.push_back(head);

    Section summary;
    summary.id = "summary";
    summary.title = "Summary";
    summary.paragraphs = findings(r);
    if (r.values.size() >= 2 && r.blocks.size() >= 2) {
        summary.figures.push_back(diagram(r));
        summary.figures.push_back(profiles(r));
        if (auto m = delta_matrix(r)) summary.figures.push_back(std::move(*m));
    }
    doc.sections.push_back(summary);

    Section ranks;
    ranks.id = "ranks";
    ranks.title = "Ranks in each study";
    Table t;
    t.header = {r.axis, "mean rank"};
    t.numeric = {false, true};
    for (const Block* b : r.blocks) t.header.push_back(b->label), t.numeric.push_back(true);
    for (std::size_t i : r.order) {
        std::vector<Cell> row{{r.values[i], NAN}, {fmt("%.2f", r.mean_ranks[i]), r.mean_ranks[i]}};
        for (std::size_t j = 0; j < r.blocks.size(); ++j) {
            const double acc = r.blocks[j]->score.at(r.values[i]);
            const auto [diverged, seeds] = r.blocks[j]->diverged.at(r.values[i]);
            const std::string diverged_text =
                diverged ? ", " + std::to_string(diverged) + " of " + std::to_string(seeds) + " diverged" : "";
            row.push_back({fmt("%g", r.ranks[i][j]) + " (" + (std::isnan(acc) ? std::string("none finished") : fmt("%.4f", acc)) +
                               diverged_text + ")",
                           r.ranks[i][j]});
        }
        t.rows.push_back(std::move(row));
    }
    t.caption = spans(
        "*mean rank*: over the studies' columns. Each column: the rank in that study, and in brackets the mean final test "
        "accuracy it ranks by — over every seed, a diverged seed at accuracy 0 (the worst outcome; how many is said beside "
        "it) — and means that are equal (the same count of correct test images) share their rank.");
    ranks.tables.push_back(std::move(t));
    doc.sections.push_back(ranks);
    doc.title = head.title;
    return doc;
}

std::string csv(const Result& r) {
    std::ostringstream out;
    out << r.axis << ",mean_rank";
    for (const Block* b : r.blocks) out << ",\"rank " << b->label << "\",\"accuracy " << b->label << "\"";
    out << "\n";
    for (std::size_t i : r.order) {
        out << r.values[i] << "," << fmt("%.17g", r.mean_ranks[i]);
        for (std::size_t j = 0; j < r.blocks.size(); ++j) {
            const double acc = r.blocks[j]->score.at(r.values[i]);
            out << "," << fmt("%.17g", r.ranks[i][j]) << "," << (std::isnan(acc) ? std::string() : fmt("%.17g", acc));
        }
        out << "\n";
    }
    return out.str();
}

}  // namespace

RankFiles build_rank(const std::vector<std::filesystem::path>& studies, double alpha) {
    if (studies.empty()) throw InputError("rank: no study directories given");
    const Result r = rank_studies(studies, alpha);
    const Document doc = document(r);
    RankFiles files;
    files.markdown = render_markdown(doc);
    files.html = render_html(doc);
    files.csv = csv(r);
    for (const Section& s : doc.sections)
        for (const Figure& f : s.figures) files.svgs[f.id + ".svg"] = f.svg;
    return files;
}

}  // namespace actbench
