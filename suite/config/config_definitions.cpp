// The definitions a config adds: named activations (a family's parameterisation or a formula) and initialisers.
#include "config/config_readers.hpp"

#include "params.hpp"
#include "rational.hpp"

#include <algorithm>
#include <map>

namespace actbench {

namespace {

std::map<std::string, double> read_params(const Reader& r, const YAML::Node& n, const std::string& what) {
    std::map<std::string, double> params;
    if (!n.IsMap()) r.fail(n, what + ": expected a mapping of parameter names to numbers");
    for (auto it = n.begin(); it != n.end(); ++it)
        params[it->first.as<std::string>()] = r.number(it->second, what + "." + it->first.as<std::string>(), -1e12, 1e12);
    return params;
}

// A formula's learned parameters: `learn: {NAME: channel | layer}`, each NAME a key of `params` (its initial value),
// and `constrain: {NAME: positive | [LO, HI]}` for a learned NAME. The learned names leave `params`, which keeps
// the constants.
std::vector<LearnedParam> read_learned(const Reader& r, const YAML::Node& def, const std::string& what,
                                       std::map<std::string, double>& params) {
    std::vector<LearnedParam> learned;
    if (!def["learn"]) {
        if (def["constrain"]) r.fail(def["constrain"], what + ".constrain: constraints are for learned parameters; add learn: first");
        return learned;
    }
    const YAML::Node learn = def["learn"];
    if (!learn.IsMap()) r.fail(learn, what + ".learn: expected a mapping of parameter names to channel or layer");
    for (auto it = learn.begin(); it != learn.end(); ++it) {
        const std::string name = it->first.as<std::string>();
        const std::string per = r.str(it->second, what + ".learn." + name);
        if (!params.count(name)) {
            std::string known;
            for (const auto& [k, v] : params) known += (known.empty() ? "" : ", ") + k;
            r.fail(it->first,
                   what + ".learn." + name + ": not in params (" + (known.empty() ? "there are none" : "params: " + known) +
                       "); a learned parameter starts from its value there");
        }
        if (per != "channel" && per != "layer")
            r.fail(
                it->second,
                what + ".learn." + name + ": expected channel (a value per channel or unit) or layer (one per layer), not '" + per + "'");
        LearnedParam p;
        p.name = name, p.init = params.at(name), p.per_channel = per == "channel";
        learned.push_back(p);
    }
    if (const YAML::Node constrain = def["constrain"]) {
        if (!constrain.IsMap())
            r.fail(constrain, what + ".constrain: expected a mapping of learned parameter names to positive or [LO, HI]");
        for (auto it = constrain.begin(); it != constrain.end(); ++it) {
            const std::string name = it->first.as<std::string>(), key = what + ".constrain." + name;
            auto p = std::find_if(learned.begin(), learned.end(), [&](const LearnedParam& l) { return l.name == name; });
            if (p == learned.end())
                r.fail(it->first, key + ": not a learned parameter (constraints hold by reparameterising what is learned)");
            const YAML::Node c = it->second;
            if (c.IsSequence() && c.size() == 2) {
                p->constraint = LearnedParam::Constraint::range;
                p->lo = r.number(c[0], key + "[0]", -1e6, 1e6), p->hi = r.number(c[1], key + "[1]", -1e6, 1e6);
                if (!(p->lo < p->hi)) r.fail(c, key + ": expected [LO, HI] with LO < HI");
                if (!(p->init > p->lo && p->init < p->hi))
                    r.fail(c,
                           key + ": its initial value " + format_number(p->init) + " is not inside (" + format_number(p->lo) + ", " +
                               format_number(p->hi) + ")");
            } else if (c.IsScalar() && c.Scalar() == "positive") {
                p->constraint = LearnedParam::Constraint::positive;
                if (!(p->init > 0)) r.fail(c, key + ": its initial value " + format_number(p->init) + " is not positive");
            } else {
                r.fail(c, key + ": expected positive or [LO, HI]");
            }
        }
    }
    for (const LearnedParam& p : learned) params.erase(p.name);
    return learned;
}

// A rational (Padé) activation, {rational: {numerator: M, denominator: N}, init: BUILTIN, learn: channel | layer}:
// the coefficients fitted to BUILTIN at load time, learned when `learn:` says per what (else fixed).
ActivationSpec read_rational(const Reader& r, const std::string& name, const YAML::Node& def, const std::string& what) {
    r.expect_map(def, what, {"rational", "init", "learn"});
    const YAML::Node degrees = def["rational"];
    r.expect_map(degrees, what + ".rational", {"numerator", "denominator"});
    int degree[2] = {0, 0};
    for (int i = 0; i < 2; ++i) {
        const char* key = i == 0 ? "numerator" : "denominator";
        if (!degrees[key])
            r.fail(degrees, what + ".rational: expected numerator and denominator (degrees 1.." + std::to_string(kMaxRationalDegree) + ")");
        degree[i] = static_cast<int>(r.integer(degrees[key], what + ".rational." + key, 1, kMaxRationalDegree));
    }
    if (!def["init"]) r.fail(def, what + ": expected init: a built-in activation to fit the coefficients to (e.g. leaky_relu)");
    const std::string target = r.str(def["init"], what + ".init");
    if (!lookup_activation(target) || lookup_activation(target)->kernel == ActivationKernel::maxout ||
        lookup_activation(target)->kernel == ActivationKernel::formula)
        r.fail(def["init"], what + ".init: '" + target + "' is not a built-in elementwise activation (valid: " + activation_names() + ")");
    const RationalFit fit = fit_rational(builtin_activation(target), degree[0], degree[1]);
    std::map<std::string, double> constants = fit.coefficients;
    std::vector<LearnedParam> learned;
    if (def["learn"]) {
        const std::string per = r.str(def["learn"], what + ".learn");
        if (per != "channel" && per != "layer")
            r.fail(def["learn"],
                   what + ".learn: expected channel or layer (every coefficient learned, per channel or per layer), not '" + per + "'");
        for (const auto& [coefficient, value] : fit.coefficients)
            learned.push_back(LearnedParam{coefficient, value, per == "channel", LearnedParam::Constraint::none});
        constants.clear();
    }
    ActivationSpec spec;
    try {
        spec = formula_activation(name, rational_expr(degree[0], degree[1]), constants, learned);
    } catch (const FormulaError& e) {  // the load-time check of the fitted function
        r.fail(def, what + ": the rational fitted to " + target + " fails its check: " + e.what());
    }
    spec.formula_params = fit.coefficients;
    spec.fitted_to = target, spec.fit_rms = fit.rms;
    return spec;
}

}  // namespace

void read_activations(const Reader& r, const YAML::Node& n, std::map<std::string, ActivationSpec>& out) {
    if (!n.IsMap()) r.fail(n, "'activations' must map names to definitions ({base: ...} or {expr: ...})");
    for (auto it = n.begin(); it != n.end(); ++it) {
        const std::string name = it->first.as<std::string>();
        const std::string what = "activations." + name;
        const YAML::Node def = it->second;  // a copy: the iterator's pair is a temporary
        bool valid_name = !name.empty() && !std::isdigit(static_cast<unsigned char>(name[0]));
        for (char ch : name) valid_name &= std::isalnum(static_cast<unsigned char>(ch)) || ch == '_' || ch == '-';
        if (!valid_name) r.fail(it->first, what + ": a name is letters, digits, '_' and '-', not starting with a digit");
        if (lookup_activation(name)) r.fail(it->first, what + ": '" + name + "' is a built-in activation; give the variant another name");
        if (def.IsMap() && def["rational"]) {
            out.emplace(name, read_rational(r, name, def, what));
            continue;
        }
        if (!def.IsMap() || (!def["base"] && !def["expr"]))
            r.fail(def,
                   what + ": expected {base: FAMILY, PARAM: VALUE, ...} or {expr: FORMULA, params: {...}, learn: {...}, constrain: {...}}");
        if (def["base"] && def["expr"]) r.fail(def, what + ": give either base or expr, not both");
        try {
            if (def["expr"]) {
                r.expect_map(def, what, {"expr", "params", "learn", "constrain"});
                const YAML::Node& e = def["expr"];
                std::map<std::string, double> params =
                    def["params"] ? read_params(r, def["params"], what + ".params") : std::map<std::string, double>{};
                const std::vector<LearnedParam> learned = read_learned(r, def, what, params);
                try {
                    out.emplace(name, formula_activation(name, r.str(e, what + ".expr"), params, learned));
                } catch (const FormulaError& fe) {
                    const YAML::Mark m = fe.column > 0 ? r.position_in_scalar(e, fe.column) : e.Mark();
                    const std::string msg =
                        what + ".expr: " + std::string(fe.what()).substr(fe.column > 0 ? std::string(fe.what()).find(": ") + 2 : 0);
                    std::string shown = e.Scalar();
                    while (!shown.empty() && std::isspace(static_cast<unsigned char>(shown.back()))) shown.pop_back();
                    throw InputError(r.where(m) + msg + " in \"" + shown + "\"");
                }
            } else {
                const std::string base = r.str(def["base"], what + ".base");
                std::map<std::string, double> params;
                for (auto p = def.begin(); p != def.end(); ++p) {
                    const std::string key = p->first.as<std::string>();
                    if (key != "base") params[key] = r.number(p->second, what + "." + key, -1e12, 1e12);
                }
                try {
                    find_activation(base);
                } catch (const std::invalid_argument& e) {
                    r.fail(def["base"], what + ".base: " + e.what());
                }
                for (const auto& [key, v] : params) {  // each value on its own first, so an error points at it
                    try {
                        activation_variant(name, base, {{key, v}});
                    } catch (const std::invalid_argument& e) {
                        if (std::string(e.what()).find("no parameter") == std::string::npos)
                            r.fail(def[key], what + "." + key + ": " + e.what());
                    }
                }
                out.emplace(name, activation_variant(name, base, params));
            }
        } catch (const std::invalid_argument& e) {
            r.fail(def, what + ": " + e.what());
        }
    }
}

void read_inits(const Reader& r, const YAML::Node& n, std::map<std::string, InitSpec>& out) {
    if (!n.IsMap()) r.fail(n, "'inits' must map names to definitions ({base: FAMILY, PARAM: VALUE, ...})");
    for (auto it = n.begin(); it != n.end(); ++it) {
        const std::string name = it->first.as<std::string>();
        const std::string what = "inits." + name;
        const YAML::Node def = it->second;  // a copy: the iterator's pair is a temporary
        if (lookup_init(name)) r.fail(it->first, what + ": '" + name + "' is a built-in init; give the variant another name");
        if (!def.IsMap() || !def["base"]) r.fail(def, what + ": expected {base: FAMILY, PARAM: VALUE, ...}");
        const std::string base = r.str(def["base"], what + ".base");
        try {
            find_init(base);
        } catch (const std::invalid_argument& e) {
            r.fail(def["base"], what + ".base: " + e.what());
        }
        std::map<std::string, double> params;
        for (auto p = def.begin(); p != def.end(); ++p) {
            const std::string key = p->first.as<std::string>();
            if (key == "base") continue;
            double v = 0;
            if (p->second.IsScalar() && !YAML::convert<double>::decode(p->second, v)) {
                try {
                    v = init_choice(base, key, p->second.Scalar());
                } catch (const std::invalid_argument& e) {
                    r.fail(p->second, what + "." + key + ": " + e.what());
                }
            } else {
                v = r.number(p->second, what + "." + key, -1e12, 1e12);
            }
            try {  // each value on its own first, so an error points at it
                init_variant(name, base, {{key, v}});
            } catch (const std::invalid_argument& e) {
                r.fail(p->second, what + "." + key + ": " + e.what());
            }
            params[key] = v;
        }
        try {
            out.emplace(name, init_variant(name, base, params));
        } catch (const std::invalid_argument& e) {
            r.fail(def, what + ": " + e.what());
        }
    }
}

}  // namespace actbench
