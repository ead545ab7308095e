// The definitions a config adds: named activations (a family's parameterisation or a formula) and initialisers.
#include "config/config_readers.hpp"

#include "params.hpp"

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
        if (!def.IsMap() || (!def["base"] && !def["expr"]))
            r.fail(def, what + ": expected {base: FAMILY, PARAM: VALUE, ...} or {expr: FORMULA, params: {...}}");
        if (def["base"] && def["expr"]) r.fail(def, what + ": give either base or expr, not both");
        try {
            if (def["expr"]) {
                r.expect_map(def, what, {"expr", "params"});
                const YAML::Node& e = def["expr"];
                const std::map<std::string, double> params =
                    def["params"] ? read_params(r, def["params"], what + ".params") : std::map<std::string, double>{};
                try {
                    out.emplace(name, formula_activation(name, r.str(e, what + ".expr"), params));
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
