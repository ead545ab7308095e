// Report, stage 3a: the figures of learned activation parameters — their values over training per layer, and the
// function they make at the end of training per layer beside the one training started from.
#include "formula.hpp"
#include "report/report_parts.hpp"

namespace actbench::doc {

using nlohmann::json;

namespace {

// The formula of a trial's activation_def (settings.cpp's activation_json: expr, params with the learned ones'
// initial values, learn, constrain); nullopt for a built-in or a formula without learned parameters.
std::optional<Formula> learned_formula(const json& def) {
    if (!def.is_object() || !def.contains("expr") || !def.contains("learn")) return std::nullopt;
    std::map<std::string, double> constants;
    std::vector<LearnedParam> learned;
    for (const auto& [name, value] : def["params"].items()) {
        if (!def["learn"].contains(name)) {
            constants[name] = value.get<double>();
            continue;
        }
        LearnedParam p{name, value.get<double>(), def["learn"][name] == "channel", LearnedParam::Constraint::none};
        const json c = def.value("constrain", json::object()).value(name, json());
        if (c == "positive") p.constraint = LearnedParam::Constraint::positive;
        if (c.is_array()) p.constraint = LearnedParam::Constraint::range, p.lo = c[0].get<double>(), p.hi = c[1].get<double>();
        learned.push_back(p);
    }
    return Formula::parse(def["expr"].get<std::string>(), constants, learned);
}

// The names of the parameters a group's formula learns, as its metrics record them.
std::vector<std::string> learned_names(const Group& g) {
    for (const TrialRecord* t : g.trials)
        if (t->ok() && !t->metrics.empty() && t->metrics.front().contains("learned")) {
            std::vector<std::string> names;
            for (const auto& [name, v] : t->metrics.front()["learned"].items()) names.push_back(name);
            return names;
        }
    return {};
}

json::json_pointer learned_at(const std::string& name, const char* what) {
    return json::json_pointer("/learned") / name / what;
}

// Per learned parameter, per layer: the mean over the group's finished trials of the layer's mean value at the
// last evaluation.
std::map<std::string, std::vector<double>> final_means(const Group& g) {
    std::map<std::string, std::vector<double>> out;
    for (const std::string& name : learned_names(g))
        if (const auto curve = layer_curve(g, learned_at(name, "mean")); !curve.empty()) out[name] = curve.rbegin()->second;
    return out;
}

// f on [−4, 4] with each learned parameter at `values` (NaN: its initial value).
Series shape(const Formula& f, const std::vector<double>& values, std::string label, const char* colour, bool dashed) {
    std::vector<double> raw = f.initial_raw();
    for (std::size_t k = 0; k < raw.size(); ++k)
        if (std::isfinite(values[k])) raw[k] = f.learned()[k].raw_of(values[k]);
    Series s = make_line(std::move(label), colour, {}, {}, dashed);
    for (int i = 0; i <= 80; ++i) {  // every 0.1: smooth at the panel's width, a point (with its hover) each
        const double x = -4 + 0.1 * i;
        s.x.push_back(x), s.y.push_back(f.value(x, raw));
    }
    return s;
}

}  // namespace

std::optional<Figure> learned_shape_figure(const Aggregate& a) {
    std::vector<Panel> panels;
    for (const Group& g : a.groups) {
        if (g.trials.empty()) continue;
        const json& def = g.trials.front()->summary["settings"].value("activation_def", json());
        const std::optional<Formula> f = learned_formula(def);
        const auto means = final_means(g);
        if (!f || means.empty()) continue;
        Panel p{value_text(g.values[a.compared_axis]), {}};
        const std::string context = a.context_text(g.values, {a.compared_axis, a.tune_axis});
        if (!context.empty()) p.title += " (" + context + ")";
        p.series.push_back(shape(*f, std::vector<double>(f->learned().size(), NAN), "at the start", "#222222", true));
        std::size_t layers = 0;
        for (const auto& [name, m] : means) layers = std::max(layers, m.size());
        for (std::size_t l = 0; l < layers; ++l) {
            std::vector<double> values;
            for (const LearnedParam& lp : f->learned()) values.push_back(means.count(lp.name) ? at(means.at(lp.name), l) : NAN);
            p.series.push_back(shape(*f, values, "layer " + std::to_string(l + 1) + ", end", kPalette[l % 10], false));
        }
        panels.push_back(p);
    }
    if (panels.empty()) return std::nullopt;
    MultiPlotSpec m = multiples("The learned activation functions: f(x) at the start of training (dashed) and after the last epoch in each "
                                    "activation layer (1 = nearest the input), with every learned parameter at its mean over the layer's "
                                    "channels and over seeds",
                                "x", "f(x)");
    if (panels.size() == 1) m.columns = 1, m.panel_width = 480, m.panel_height = 300;
    return panel_figure("learned_shape", "Learned activation functions", m, panels);
}

std::optional<Figure> learned_figure(const Aggregate& a) {
    std::vector<Panel> panels;
    for (const Group& g : a.groups)
        for (const std::string& name : learned_names(g)) {
            Panel p{value_text(g.values[a.compared_axis]) + ": " + name, {}};
            const std::string context = a.context_text(g.values, {a.compared_axis, a.tune_axis});
            if (!context.empty()) p.title += " (" + context + ")";
            // Per step and layer, the mean over seeds of the layer's mean and of its spread over channels.
            const auto mean = layer_curve(g, learned_at(name, "mean")), spread = layer_curve(g, learned_at(name, "std"));
            const std::size_t layers = mean.empty() ? 0 : mean.begin()->second.size();
            for (std::size_t l = 0; l < layers; ++l) {
                Series s = make_line("layer " + std::to_string(l + 1), kPalette[l % 10]);
                for (const auto& [step, m] : mean) {
                    const double v = at(m, l), sd = at(spread.at(step), l);
                    if (!std::isfinite(v)) continue;
                    s.x.push_back(static_cast<double>(step)), s.y.push_back(v);
                    s.band_low.push_back(v - sd), s.band_high.push_back(v + sd);
                }
                p.series.push_back(s);
            }
            panels.push_back(p);
        }
    if (panels.empty()) return std::nullopt;
    MultiPlotSpec m = multiples("Learned activation parameters over training: a panel per " + a.compared_axis +
                                    " and parameter, a line per activation layer (1 = nearest the input); mean over seeds, band: ± the "
                                    "spread over the layer's channels",
                                "step", "parameter value");
    return panel_figure("learned", "Learned activation parameters", m, panels);
}

}  // namespace actbench::doc
