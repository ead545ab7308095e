// Formula, part 1: the text to nodes — a recursive-descent parser with positioned errors, constants folded as
// they are read, learned parameters wrapped in their reparameterisation, and the nodes the result does not use dropped.
#include "formula.hpp"
#include "formula_ops.hpp"

#include <cctype>
#include <cmath>
#include <cstdlib>

namespace actbench {

namespace {

using namespace formula_detail;

constexpr std::size_t kMaxLength = 2000;
constexpr int kMaxDepth = 64;
constexpr std::size_t kMaxLearned = 16;  // a rational of degrees 6 and 6 has 13 coefficients

struct FunctionInfo {
    const char* name;
    Op op;
    int arity;
};
constexpr FunctionInfo kFunctions[] = {
    {"exp", Op::exp, 1},   {"log", Op::log, 1},         {"log1p", Op::log1p, 1},       {"sqrt", Op::sqrt, 1}, {"abs", Op::abs, 1},
    {"tanh", Op::tanh, 1}, {"sigmoid", Op::sigmoid, 1}, {"softplus", Op::softplus, 1}, {"erf", Op::erf, 1},   {"sin", Op::sin, 1},
    {"cos", Op::cos, 1},   {"atan", Op::atan, 1},       {"min", Op::min, 2},           {"max", Op::max, 2},   {"pow", Op::pow, 2},
    {"where", Op::select, 3},
};

std::string function_names() {
    std::string s;
    for (const auto& f : kFunctions) s += (s.empty() ? "" : ", ") + std::string(f.name);
    return s;
}

class Parser {
public:
    Parser(std::string_view text, const std::map<std::string, double>& params, const std::vector<LearnedParam>& learned,
           std::vector<Node>& nodes)
        : s_(text), params_(params), learned_(learned), nodes_(nodes), learned_node_(learned.size(), -1) {}

    int parse() {
        const int root = cond(0);
        skip_space();
        if (pos_ < s_.size()) fail("unexpected '" + std::string(1, s_[pos_]) + "'; expected an operator or the end");
        for (std::size_t k = 0; k < learned_.size(); ++k)
            if (learned_node_[k] < 0) throw FormulaError(0, "learned parameter '" + learned_[k].name + "' is not used in the formula");
        return root;
    }

private:
    [[noreturn]] void fail(const std::string& what) const { throw FormulaError(static_cast<int>(pos_) + 1, what); }

    void skip_space() {
        while (pos_ < s_.size() && std::isspace(static_cast<unsigned char>(s_[pos_]))) ++pos_;
    }
    bool eat(char c) {
        skip_space();
        if (pos_ < s_.size() && s_[pos_] == c) {
            ++pos_;
            return true;
        }
        return false;
    }

    int add(Node n) {
        // Fold operations on constants now, so evaluation only sees x- and parameter-dependent nodes and constants.
        auto constant = [&](int i) { return i < 0 || nodes_[i].op == Op::constant; };
        if (n.op == Op::select && nodes_[n.c].op == Op::constant) return nodes_[n.c].constant != 0 ? n.a : n.b;
        if (n.op != Op::constant && n.op != Op::x && n.op != Op::param && n.op != Op::select && constant(n.a) && constant(n.b)) {
            const double v = apply(n.op, nodes_[n.a].constant, n.b < 0 ? 0.0 : nodes_[n.b].constant);
            n = Node{Op::constant, -1, -1, -1, v};
        }
        if (nodes_.size() >= kMaxNodes) fail("the formula is too large (more than 256 operations)");
        nodes_.push_back(n);
        return static_cast<int>(nodes_.size()) - 1;
    }

    // A comparison, then optionally "? a : b" — the loosest binding, so "x > 0 ? x : 0.1 * x" needs no brackets.
    int cond(int depth) {
        if (depth > kMaxDepth) fail("nested too deeply (more than 64 levels)");
        int left = expr(depth + 1);
        skip_space();
        for (const auto& [text, op] : {std::pair{">=", Op::ge}, {"<=", Op::le}, {">", Op::gt}, {"<", Op::lt}})
            if (s_.substr(pos_, std::char_traits<char>::length(text)) == text) {
                pos_ += std::char_traits<char>::length(text);
                left = add({op, left, expr(depth + 1)});
                break;
            }
        skip_space();
        const int column = static_cast<int>(pos_) + 1;
        if (!eat('?')) return left;
        const int then = cond(depth + 1);
        if (!eat(':')) fail("expected ':' for the 'else' branch of the '?' at column " + std::to_string(column));
        const int otherwise = cond(depth + 1);
        Node n{Op::select, then, otherwise, left};
        n.column = column;
        return add(n);
    }

    int expr(int depth) {
        if (depth > kMaxDepth) fail("nested too deeply (more than 64 levels)");
        int left = term(depth + 1);
        for (;;) {
            if (eat('+'))
                left = add({Op::add, left, term(depth + 1)});
            else if (eat('-'))
                left = add({Op::sub, left, term(depth + 1)});
            else
                return left;
        }
    }

    int term(int depth) {
        int left = unary(depth + 1);
        for (;;) {
            if (eat('*'))
                left = add({Op::mul, left, unary(depth + 1)});
            else if (eat('/'))
                left = add({Op::div, left, unary(depth + 1)});
            else
                return left;
        }
    }

    int unary(int depth) {
        if (depth > kMaxDepth) fail("nested too deeply (more than 64 levels)");
        if (eat('-')) return add({Op::neg, unary(depth + 1)});
        if (eat('+')) return unary(depth + 1);
        const int base = primary(depth + 1);
        if (eat('^')) return add({Op::pow, base, unary(depth + 1)});
        return base;
    }

    int primary(int depth) {
        if (depth > kMaxDepth) fail("nested too deeply (more than 64 levels)");
        skip_space();
        if (pos_ >= s_.size()) fail("the formula ends here; expected a number, a name or '('");
        const char c = s_[pos_];
        if (std::isdigit(static_cast<unsigned char>(c)) || c == '.') return number();
        if (std::isalpha(static_cast<unsigned char>(c)) || c == '_') return name(depth);
        if (eat('(')) {
            const int inner = cond(depth + 1);
            if (!eat(')')) fail("expected ')'");
            return inner;
        }
        fail("unexpected '" + std::string(1, c) + "'; expected a number, a name or '('");
    }

    int number() {
        const std::size_t start = pos_;
        while (pos_ < s_.size() && (std::isdigit(static_cast<unsigned char>(s_[pos_])) || s_[pos_] == '.')) ++pos_;
        if (pos_ < s_.size() && (s_[pos_] == 'e' || s_[pos_] == 'E')) {
            std::size_t p = pos_ + 1;
            if (p < s_.size() && (s_[p] == '+' || s_[p] == '-')) ++p;
            if (p < s_.size() && std::isdigit(static_cast<unsigned char>(s_[p]))) {
                pos_ = p;
                while (pos_ < s_.size() && std::isdigit(static_cast<unsigned char>(s_[pos_]))) ++pos_;
            }
        }
        const std::string token(s_.substr(start, pos_ - start));
        char* end = nullptr;
        const double v = std::strtod(token.c_str(), &end);
        if (end != token.c_str() + token.size() || !std::isfinite(v)) {
            pos_ = start;
            fail("'" + token + "' is not a number");
        }
        return add({Op::constant, -1, -1, -1, v});
    }

    int call(const FunctionInfo& fn, int depth) {
        int args[3] = {-1, -1, -1};
        for (int i = 0; i < fn.arity; ++i) {
            if (i > 0 && !eat(',')) fail(std::string(fn.name) + " takes " + (fn.arity == 2 ? "two" : "three") + " arguments; expected ','");
            args[i] = cond(depth + 1);
        }
        if (!eat(')')) fail(std::string("expected ')' to close ") + fn.name + "(");
        if (fn.op == Op::select) {
            Node n{Op::select, args[1], args[2], args[0]};
            n.column = 1 + static_cast<int>(s_.rfind("where", pos_));
            return add(n);
        }
        return add({fn.op, args[0], args[1]});
    }

    // A learned parameter, in its reparameterisation: the raw value r itself, softplus(r) or lo + (hi − lo)·sigmoid(r).
    int learned(std::size_t k) {
        if (learned_node_[k] >= 0) return learned_node_[k];
        const LearnedParam& p = learned_[k];
        int node = add({Op::param, -1, -1, -1, static_cast<double>(k)});
        if (p.constraint == LearnedParam::Constraint::positive) node = add({Op::softplus, node});
        if (p.constraint == LearnedParam::Constraint::range) {
            node = add({Op::sigmoid, node});
            node = add({Op::mul, node, add({Op::constant, -1, -1, -1, p.hi - p.lo})});
            node = add({Op::add, node, add({Op::constant, -1, -1, -1, p.lo})});
        }
        return learned_node_[k] = node;
    }

    int name(int depth) {
        const std::size_t start = pos_;
        while (pos_ < s_.size() && (std::isalnum(static_cast<unsigned char>(s_[pos_])) || s_[pos_] == '_')) ++pos_;
        const std::string id(s_.substr(start, pos_ - start));
        skip_space();
        if (pos_ < s_.size() && s_[pos_] == '(') {
            const FunctionInfo* fn = nullptr;
            for (const auto& f : kFunctions)
                if (id == f.name) fn = &f;
            if (!fn) {
                pos_ = start;
                fail("unknown function '" + id + "'; valid: " + function_names());
            }
            ++pos_;
            return call(*fn, depth);
        }
        if (id == "x") return add({Op::x});
        for (std::size_t k = 0; k < learned_.size(); ++k)
            if (learned_[k].name == id) return learned(k);
        if (auto it = params_.find(id); it != params_.end()) return add({Op::constant, -1, -1, -1, it->second});
        if (id == "pi") return add({Op::constant, -1, -1, -1, M_PI});
        if (id == "e") return add({Op::constant, -1, -1, -1, M_E});
        pos_ = start;
        std::string known = "x, pi, e";
        for (const auto& [k, v] : params_) known += ", " + k;
        for (const auto& p : learned_) known += ", " + p.name;
        fail("unknown name '" + id + "'; valid: " + known + " (params go in the activation's params:)");
    }

    std::string_view s_;
    const std::map<std::string, double>& params_;
    const std::vector<LearnedParam>& learned_;
    std::vector<Node>& nodes_;
    std::vector<int> learned_node_;  // each learned parameter's node after its reparameterisation, once made
    std::size_t pos_ = 0;
};

}  // namespace

double LearnedParam::raw_of(double value) const {
    switch (constraint) {
        case Constraint::positive: return value > 20 ? value : std::log(std::expm1(value));  // softplus⁻¹
        case Constraint::range: {
            const double u = (value - lo) / (hi - lo);
            return std::log(u / (1 - u));  // logit
        }
        default: return value;
    }
}

double LearnedParam::value_of(double raw) const {
    switch (constraint) {
        case Constraint::positive: return std::max(raw, 0.0) + std::log1p(std::exp(-std::abs(raw)));
        case Constraint::range: return lo + (hi - lo) / (1 + std::exp(-raw));
        default: return raw;
    }
}

Formula Formula::parse(std::string_view text, const std::map<std::string, double>& params, const std::vector<LearnedParam>& learned) {
    if (text.size() > kMaxLength) throw FormulaError(static_cast<int>(kMaxLength) + 1, "the formula is longer than 2000 characters");
    if (learned.size() > kMaxLearned) throw FormulaError(0, "at most 16 learned parameters");
    for (const LearnedParam& p : learned) {
        if (params.count(p.name)) throw FormulaError(0, "'" + p.name + "' is both a constant param and a learned one");
        const bool valid = p.constraint == LearnedParam::Constraint::positive ? p.init > 0
            : p.constraint == LearnedParam::Constraint::range                 ? p.lo < p.hi && p.init > p.lo && p.init < p.hi
                                                                              : std::isfinite(p.init);
        if (!valid) throw FormulaError(0, "learned parameter '" + p.name + "' starts at a value its constraint excludes");
    }
    Formula f;
    f.text_ = std::string(text);
    f.learned_ = learned;
    const int root = Parser(text, params, learned, f.nodes_).parse();
    // Keep only the nodes the result depends on (folding leaves dead constants behind).
    std::vector<int> keep(f.nodes_.size(), 0);
    keep[root] = 1;
    for (int i = root; i >= 0; --i)
        if (keep[i])
            for (int operand : {f.nodes_[i].a, f.nodes_[i].b, f.nodes_[i].c})
                if (operand >= 0) keep[operand] = 1;
    std::vector<int> new_index(f.nodes_.size(), -1);
    std::vector<Node> kept;
    for (int i = 0; i <= root; ++i)
        if (keep[i]) {
            Node n = f.nodes_[i];
            for (int* operand : {&n.a, &n.b, &n.c})
                if (*operand >= 0) *operand = new_index[*operand];
            new_index[i] = static_cast<int>(kept.size());
            kept.push_back(n);
        }
    f.nodes_ = std::move(kept);
    // Which variables each node depends on (bit 0: x; bit k + 1: learned parameter k): a comparison's derivative is
    // 0 whatever its operands, a select's is a branch's (formula.cpp skips the rest in a parameter's pass).
    for (const Node& n : f.nodes_) {
        std::uint32_t bits = n.op == Op::x ? 1u : n.op == Op::param ? 2u << static_cast<int>(n.constant) : 0u;
        const bool step = n.op == Op::gt || n.op == Op::ge || n.op == Op::lt || n.op == Op::le;
        for (int operand : {n.a, n.b})
            if (operand >= 0 && !step) bits |= f.depends_[static_cast<std::size_t>(operand)];
        f.depends_.push_back(bits);
    }
    return f;
}

std::vector<double> Formula::initial_raw() const {
    std::vector<double> raw;
    for (const LearnedParam& p : learned_) raw.push_back(p.raw_of(p.init));
    return raw;
}

}  // namespace actbench
