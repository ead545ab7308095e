// Report, stage 3a: the first screen — the question and its answer in a sentence, the verdicts as chips (each member
// with Δ, the interval the verdict used and n), the forest plot of those same differences, and the provenance
// (commands, commit, machine), which the HTML page folds away.
#include "report/report_parts.hpp"

#include <algorithm>

namespace actbench {

using nlohmann::json;
using namespace doc;

namespace {

bool compared(const RankedEntry& e) { return !e.is_baseline && !e.alias_of && e.verdict != RankedEntry::Verdict::not_tested; }

std::string name_of(const Aggregate& a, const Ranking& r, const RankedEntry& e) {
    const std::string v = value_text(e.group->values[a.compared_axis]);
    return a.rankings.size() > 1 && !r.context_label.empty() ? v + " (" + r.context_label + ")" : v;
}

int seeds_of(const RankedEntry& e) { return e.sequential ? e.sequential_seeds : e.paired ? e.pairs : static_cast<int>(e.group->stats.acc.n); }

// Δ where the verdict was taken: the centre of its interval (with adaptive seeds the deciding look's difference,
// which the seeds stored after it do not move).
double verdict_delta(const RankedEntry& e) { return (e.verdict_ci.low + e.verdict_ci.high) / 2; }

// "softsign +0.0101 [+0.0041, +0.0162], n = 8"
std::string member(const Aggregate& a, const Ranking& r, const RankedEntry& e) {
    return name_of(a, r, e) + " " + fmt("%+.4f", verdict_delta(e)) + " " +
        interval_text("%+.4f", e.verdict_ci.low, e.verdict_ci.high, 0) + ", n = " + std::to_string(seeds_of(e));
}

// What was asked: the compared axis against the baseline, on which data, at what budget.
std::string question(const Aggregate& a) {
    const json d = a.config.value("dataset", json::object());
    std::string data = d.value("kind", std::string("?"));
    if (d.contains("path")) data += " `" + std::filesystem::path(d["path"].get<std::string>()).filename().string() + "`";
    for (const auto& [key, what] : {std::pair<const char*, const char*>{"train_subset", " training images"}, {"train_count", " training images"},
                                    {"test_subset", " test images"}, {"test_count", " test images"}})
        if (d.contains(key) && d[key].is_number() && d[key].get<double>() > 0) data += ", " + value_text(d[key]) + what;
    const json t = a.config.value("train", json::object());
    std::string budget = value_text(t.value("epochs", json())) + " epochs of batch " + value_text(t.value("batch", json()));
    if (!a.tune_axis.empty()) budget += ", " + a.tune_axis + " tuned per cell";
    if (a.adaptive)
        budget += ", " + std::to_string(a.adaptive->min) + "–" + std::to_string(a.adaptive->max) + " adaptive " +
            (a.paired_seeds ? "paired " : "") + "seeds";
    const std::string against = a.baseline.is_null() ? " (no baseline: ranked, not tested)" : ", against **" + a.baseline_text() + "**";
    return "**Question**: which " + a.compared_axis + against + " — " + data + "; " + budget + ".";
}

}  // namespace

namespace {

// The verdicts gathered for the chips: members per verdict, aliases, and the speed decisions with their ratios.
struct Chips {
    std::map<std::string, std::vector<std::string>> members;  // verdict name → members
    std::vector<std::string> aliases;
    std::vector<std::pair<double, std::string>> sooner, later;
};

Chips gather(const Aggregate& a) {
    Chips c;
    for (const Ranking& r : a.rankings)
        for (const RankedEntry& e : r.entries) {
            if (e.alias_of) c.aliases.push_back(name_of(a, r, e) + " = " + value_text(e.alias_of->values[a.compared_axis]));
            if (!compared(e)) continue;
            const std::string verdict = verdict_style(e.verdict).name;
            const bool listed_only = verdict == "undecided" || verdict == "pending" || !std::isfinite(e.verdict_ci.low);
            c.members[verdict].push_back(listed_only ? name_of(a, r, e) : member(a, r, e));
            if (e.speed.p_adjusted < a.alpha)
                (e.speed.sooner > e.speed.later ? c.sooner : c.later).emplace_back(e.speed.ratio, name_of(a, r, e) + " " + fmt("%.2f", e.speed.ratio) + "×");
        }
    // Speed: the largest effects first.
    std::stable_sort(c.sooner.begin(), c.sooner.end(), [](const auto& x, const auto& y) { return x.first < y.first; });
    std::stable_sort(c.later.begin(), c.later.end(), [](const auto& x, const auto& y) { return x.first > y.first; });
    return c;
}

constexpr const char* kVerdicts[] = {"better", "worse", "equivalent", "undecided", "pending"};

std::string joined(const std::vector<std::string>& v) {
    std::string out;
    for (const std::string& x : v) out += (out.empty() ? "" : " · ") + x;
    return out;
}

std::string joined(const std::vector<std::pair<double, std::string>>& v) {
    std::vector<std::string> texts;
    for (const auto& [ratio, text] : v) texts.push_back(text);
    return joined(texts);
}

}  // namespace

namespace {

// The answer from the gathered verdicts (answer_text, headline).
std::string answer_of(const Aggregate& a, const Chips& c) {
    if (c.members.empty()) {  // no baseline: each context's leader, or that it learned nothing
        std::string leaders;
        for (const Ranking& r : a.rankings) {
            if (r.entries.empty()) continue;
            const double best = r.entries.front().group->stats.outcome_mean();
            leaders += (leaders.empty() ? "" : " · ") + (r.context_label.empty() ? std::string() : r.context_label + ": ") +
                (at_chance(a, best) ? "every group at chance"
                                                      : "**" + value_text(r.entries.front().group->values[a.compared_axis]) + "** " + fmt("%.4f", best));
        }
        return "**Answer**: nothing is tested against a baseline here, so no verdict; the highest mean final test accuracy — " + leaders + ".";
    }
    std::string counts;
    for (const char* v : kVerdicts)
        if (c.members.count(v)) counts += (counts.empty() ? "" : ", ") + std::to_string(c.members.at(v).size()) + " " + v;
    std::string check;
    int decided = 0, confirmed = 0;
    for (const Ranking& r : a.rankings)
        for (const RankedEntry& e : r.entries)
            if (e.confirming && e.confirmation.pairs > 1) ++decided, confirmed += e.confirmation.confirmed;
    if (decided > 0) check = "; on fresh seeds " + std::to_string(confirmed) + " of " + std::to_string(decided) + " decisions are confirmed";
    return "**Answer**: against **" + a.baseline_text() + "**, " + counts + " (Δ in final test accuracy, with the interval each verdict used" +
        (a.adaptive ? ", the design's at " + fmt("%.2f", 100 * a.design_level) + "%" : ", at 1 − α/m") + ")" + check + ".";
}

}  // namespace

std::string answer_text(const Aggregate& a) { return answer_of(a, gather(a)); }

namespace doc {

// The page's head: the question, the answer in one sentence and the verdict chips.
void headline(const Aggregate& a, Section& s) {
    s.paragraphs.push_back(spans(question(a)));
    const Chips c = gather(a);
    s.paragraphs.push_back(spans(answer_of(a, c)));
    for (const char* v : kVerdicts)
        if (c.members.count(v))
            s.bullets.push_back(spans("**" + std::string(v) + "** (" + std::to_string(c.members.at(v).size()) + "): " + joined(c.members.at(v))));
    if (!c.sooner.empty())
        s.bullets.push_back(spans("**sooner** to the training target (" + std::to_string(c.sooner.size()) + "): " + joined(c.sooner)));
    if (!c.later.empty()) s.bullets.push_back(spans("**later** (" + std::to_string(c.later.size()) + "): " + joined(c.later)));
    if (!c.aliases.empty()) s.bullets.push_back(spans("**aliases**, compared once: " + joined(c.aliases)));
    if (const std::string dead = dead_by_rate_finding(a); !dead.empty()) s.bullets.push_back(spans(dead));
}

// The differences the verdicts were decided on: Δ against the baseline with the verdict's interval, sorted by Δ, a
// marker per verdict (shape and colour), n beside each row, the equivalence band shaded.
Figure delta_forest(const Aggregate& a) {
    std::vector<std::pair<double, ForestRow>> rows;
    for (const Ranking& r : a.rankings)
        for (const RankedEntry& e : r.entries) {
            if (!compared(e) || !std::isfinite(e.verdict_ci.low)) continue;
            const VerdictStyle st = verdict_style(e.verdict);
            ForestRow row;
            row.label = name_of(a, r, e);
            row.estimate = verdict_delta(e);
            row.low = e.verdict_ci.low, row.high = e.verdict_ci.high;
            row.color = st.color, row.marker = st.marker, row.kind = st.name;
            row.right = "n = " + std::to_string(seeds_of(e));
            row.note = std::string(st.name) + " (" + verdict_text(e.verdict) + "), interval at " + fmt("%.2f", 100 * e.verdict_level) + "%";
            rows.emplace_back(row.estimate, row);
        }
    std::stable_sort(rows.begin(), rows.end(), [](const auto& x, const auto& y) { return x.first > y.first; });
    std::vector<ForestRow> sorted;
    for (auto& [d, row] : rows) sorted.push_back(std::move(row));
    const std::string level = a.adaptive ? "the design's repeated interval at " + fmt("%.2f", 100 * a.design_level) + "%"
                                         : "its interval at 1 − α/m = " + fmt("%.2f", 100 * (1 - a.alpha / static_cast<double>(std::max<std::size_t>(a.comparisons, 1)))) + "%";
    return {"delta_forest", "Difference from " + a.baseline_text() + ", with the interval each verdict used",
            svg_forest_plot("Δ final test accuracy against " + a.baseline_text() + ", " + level, "Δ final test accuracy", sorted, 0,
                            "▲ better · ▼ worse · ◆ equivalent · ○ undecided (no verdict either way)" +
                                std::string(a.adaptive ? " · shaded: the equivalence margin ±" + fmt("%.3f", a.adaptive->margin) : ""),
                            a.adaptive ? a.adaptive->margin : NAN)};
}

}  // namespace doc

}  // namespace actbench
