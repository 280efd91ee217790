#include "workflow/expression.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <compare>
#include <cstdint>
#include <limits>
#include <optional>
#include <utility>

#include <fmt/core.h>

namespace yiwang::workflow {

using json = nlohmann::json;

namespace {

// The longest string "+" may build (bytes); longer is "workflow.expr.overflow".
constexpr std::size_t kMaxStringResult = 1024 * 1024;
// How many characters of offending text an error's "detail" shows.
constexpr int kDetailChars = 20;

enum class Op {
  none,
  add,
  sub,
  mul,
  div,
  mod,
  eq,
  ne,
  lt,
  le,
  gt,
  ge,
};

// One step of a variable path: a member name, or an array index.
struct Step {
  std::string name;
  std::int64_t index = -1;  // >= 0: "[index]"
};

}  // namespace

struct Expression::Node {
  enum class Kind { literal, path, negate, logical_not, binary, logical_and, logical_or };
  Kind kind = Kind::literal;
  json value;                               // literal
  std::vector<Step> steps;                  // path
  std::string path;                         // path, canonical text ("a.b[2].c")
  Op op = Op::none;                         // binary
  std::string op_text;                      // operator as written ("and", "&&", "<=" …)
  int position = 0;                         // 1-based character position of the operator
  std::shared_ptr<const Node> left, right;  // operands (unary operators: left only)
};

namespace {

using Node = Expression::Node;
using NodePtr = std::shared_ptr<const Node>;

// ---------------------------------------------------------------- UTF-8

// Decodes the code point at s[i] strictly (no overlong forms, surrogates or
// values above U+10FFFF). False for an invalid sequence.
bool decode(std::string_view s, std::size_t i, char32_t& cp, std::size_t& len) {
  const auto c = static_cast<unsigned char>(s[i]);
  if (c < 0x80) {
    cp = c;
    len = 1;
    return true;
  }
  std::size_t n = 0;
  char32_t min = 0;
  if (c >= 0xC2 && c <= 0xDF) {
    n = 2;
    cp = c & 0x1F;
    min = 0x80;
  } else if (c >= 0xE0 && c <= 0xEF) {
    n = 3;
    cp = c & 0x0F;
    min = 0x800;
  } else if (c >= 0xF0 && c <= 0xF4) {
    n = 4;
    cp = c & 0x07;
    min = 0x10000;
  } else {
    return false;
  }
  if (i + n > s.size()) return false;
  for (std::size_t k = 1; k < n; ++k) {
    const auto cc = static_cast<unsigned char>(s[i + k]);
    if ((cc & 0xC0) != 0x80) return false;
    cp = (cp << 6) | (cc & 0x3F);
  }
  if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return false;
  len = n;
  return true;
}

// Characters in s: code points, an invalid byte counting as one.
std::size_t count_chars(std::string_view s) {
  std::size_t count = 0;
  for (std::size_t i = 0; i < s.size(); ++count) {
    char32_t cp = 0;
    std::size_t len = 1;
    if (!decode(s, i, cp, len)) len = 1;
    i += len;
  }
  return count;
}

// Characters a message could not show: controls, spaces other than ' ',
// zero-width and direction marks, the byte-order mark.
bool invisible(char32_t cp) {
  return cp < 0x20 || (cp >= 0x7F && cp <= 0xA0) || cp == 0xAD || (cp >= 0x2000 && cp <= 0x200F) ||
         (cp >= 0x2028 && cp <= 0x202F) || (cp >= 0x205F && cp <= 0x206F) || cp == 0x3000 ||
         cp == 0xFEFF;
}

// Offending text as an error shows it: at most kDetailChars characters,
// invisible ones as U+XXXX and invalid bytes as \xNN.
std::string shown(std::string_view s) {
  std::string out;
  int count = 0;
  for (std::size_t i = 0; i < s.size(); ++count) {
    if (count == kDetailChars) {
      out += "…";
      break;
    }
    char32_t cp = 0;
    std::size_t len = 1;
    if (!decode(s, i, cp, len)) {
      out += fmt::format("\\x{:02X}", static_cast<unsigned char>(s[i]));
      i += 1;
      continue;
    }
    if (invisible(cp)) {
      out += fmt::format("U+{:04X}", static_cast<std::uint32_t>(cp));
    } else {
      out.append(s.substr(i, len));
    }
    i += len;
  }
  return out;
}

// Multibyte characters that are not part of names: punctuation, symbols,
// spaces and full-width forms (so "金额＞１０" is an error at "＞", not a name).
bool name_excluded(char32_t cp) {
  return (cp >= 0x80 && cp <= 0xBF) || cp == 0xD7 || cp == 0xF7 ||
         (cp >= 0x2000 && cp <= 0x2BFF) ||  // punctuation, symbols, arrows, math, shapes
         (cp >= 0x2E00 && cp <= 0x2E7F) ||  // supplemental punctuation
         (cp >= 0x3000 && cp <= 0x303F) ||  // CJK symbols and punctuation (、。「」 U+3000)
         (cp >= 0xE000 && cp <= 0xF8FF) ||  // private use
         (cp >= 0xFE10 && cp <= 0xFE1F) ||  // vertical forms
         (cp >= 0xFE30 && cp <= 0xFE6F) ||  // CJK compatibility and small forms
         (cp >= 0xFEFF && cp <= 0xFFFF);    // BOM, half- and full-width forms, specials
}

bool ascii_letter(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; }
bool ascii_digit(char c) { return c >= '0' && c <= '9'; }
bool space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

Error error_at(const char* key, int position, std::string detail) {
  return Error(key, {}, {{"position", std::to_string(position)}, {"detail", std::move(detail)}});
}

// ---------------------------------------------------------------- lexer

enum class Tok {
  end,
  number,
  string,
  name,
  kw_and,
  kw_or,
  kw_not,
  kw_true,
  kw_false,
  kw_null,
  op_or,   // ||
  op_and,  // &&
  bang,    // !
  eq,
  ne,
  lt,
  le,
  gt,
  ge,
  plus,
  minus,
  star,
  slash,
  percent,
  lparen,
  rparen,
  dot,
  lbracket,
  rbracket,
};

struct Token {
  Tok kind = Tok::end;
  std::size_t begin = 0, end = 0;  // bytes of the text
  int position = 0;                // 1-based character position of begin
  json value;                      // number and string literals
};

bool is_word(Tok t) {
  return t == Tok::name || t == Tok::kw_and || t == Tok::kw_or || t == Tok::kw_not ||
         t == Tok::kw_true || t == Tok::kw_false || t == Tok::kw_null;
}

// Turns the text (valid UTF-8) between begin and end into tokens, one at a time.
class Lexer {
 public:
  Lexer(std::string_view text, std::size_t begin, std::size_t end)
      : text_(text),
        i_(begin),
        end_(end),
        chars_(static_cast<int>(count_chars(text.substr(0, begin)))) {}

  // The next token; false (and error) on a lexical error.
  bool next(Token& t, Error& error) {
    while (i_ < end_ && space(text_[i_])) step();
    t = Token{};
    t.begin = i_;
    t.position = chars_ + 1;
    if (i_ >= end_) {
      t.kind = Tok::end;
      t.end = i_;
      return true;
    }
    const char c = text_[i_];
    if (ascii_digit(c)) return number(t, error);
    if (c == '\'' || c == '"') return string(t, error);
    if (ascii_letter(c) || name_char_at(i_)) return name(t);
    const char n = i_ + 1 < end_ ? text_[i_ + 1] : '\0';
    auto two = [&](Tok k) {
      t.kind = k;
      step();
      step();
      t.end = i_;
      return true;
    };
    auto one = [&](Tok k) {
      t.kind = k;
      step();
      t.end = i_;
      return true;
    };
    switch (c) {
      case '|':
        if (n == '|') return two(Tok::op_or);
        break;
      case '&':
        if (n == '&') return two(Tok::op_and);
        break;
      case '=':
        if (n == '=') return two(Tok::eq);
        break;
      case '!':
        return n == '=' ? two(Tok::ne) : one(Tok::bang);
      case '<':
        return n == '=' ? two(Tok::le) : one(Tok::lt);
      case '>':
        return n == '=' ? two(Tok::ge) : one(Tok::gt);
      case '+':
        return one(Tok::plus);
      case '-':
        return one(Tok::minus);
      case '*':
        return one(Tok::star);
      case '/':
        return one(Tok::slash);
      case '%':
        return one(Tok::percent);
      case '(':
        return one(Tok::lparen);
      case ')':
        return one(Tok::rparen);
      case '.':
        return one(Tok::dot);
      case '[':
        return one(Tok::lbracket);
      case ']':
        return one(Tok::rbracket);
      default:
        break;
    }
    // Not a token: report the one character.
    const std::size_t from = i_;
    step();
    error = error_at("workflow.expr.syntax", t.position, shown(text_.substr(from, i_ - from)));
    return false;
  }

 private:
  // Moves over one character.
  void step() {
    char32_t cp = 0;
    std::size_t len = 1;
    if (!decode(text_, i_, cp, len)) len = 1;
    i_ += len;
    ++chars_;
  }

  // Whether a multibyte character that can be part of a name starts at i.
  bool name_char_at(std::size_t i) const {
    if (static_cast<unsigned char>(text_[i]) < 0x80) return false;
    char32_t cp = 0;
    std::size_t len = 1;
    return decode(text_, i, cp, len) && !name_excluded(cp);
  }
  bool name_continues_at(std::size_t i) const {
    return i < end_ && (ascii_letter(text_[i]) || ascii_digit(text_[i]) || name_char_at(i));
  }

  bool name(Token& t) {
    while (name_continues_at(i_)) step();
    t.end = i_;
    const std::string_view word = text_.substr(t.begin, t.end - t.begin);
    t.kind = word == "and"     ? Tok::kw_and
             : word == "or"    ? Tok::kw_or
             : word == "not"   ? Tok::kw_not
             : word == "true"  ? Tok::kw_true
             : word == "false" ? Tok::kw_false
             : word == "null"  ? Tok::kw_null
                               : Tok::name;
    return true;
  }

  bool number(Token& t, Error& error) {
    while (i_ < end_ && ascii_digit(text_[i_])) step();
    bool decimal = false;
    if (i_ + 1 < end_ && text_[i_] == '.' && ascii_digit(text_[i_ + 1])) {
      decimal = true;
      step();
      while (i_ < end_ && ascii_digit(text_[i_])) step();
    }
    bool malformed = false;
    // "1.", "1.2.3", "12ab": the whole run is one bad number.
    while (i_ < end_ && (text_[i_] == '.' || name_continues_at(i_))) {
      malformed = true;
      step();
    }
    t.end = i_;
    const std::string_view digits = text_.substr(t.begin, t.end - t.begin);
    auto bad = [&] {
      error = error_at("workflow.expr.bad_number", t.position, shown(digits));
      return false;
    };
    if (malformed) return bad();
    t.kind = Tok::number;
    if (!decimal) {
      std::int64_t v = 0;
      const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), v);
      if (ec != std::errc{} || end != digits.data() + digits.size()) return bad();
      t.value = v;
    } else {
      double v = 0;
      const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), v);
      if (ec != std::errc{} || end != digits.data() + digits.size() || !std::isfinite(v)) {
        return bad();
      }
      t.value = v;
    }
    return true;
  }

  bool string(Token& t, Error& error) {
    const char quote = text_[i_];
    step();
    std::string value;
    auto unterminated = [&] {
      error = error_at("workflow.expr.unterminated_string", t.position,
                       shown(text_.substr(t.begin, end_ - t.begin)));
      return false;
    };
    while (true) {
      if (i_ >= end_) return unterminated();
      const char c = text_[i_];
      if (c == quote) {
        step();
        break;
      }
      if (c == '\\') {
        const int position = chars_ + 1;
        const std::size_t from = i_;
        step();
        if (i_ >= end_) return unterminated();
        const char e = text_[i_];
        step();
        switch (e) {
          case '\\':
          case '\'':
          case '"':
            value += e;
            continue;
          case 'n':
            value += '\n';
            continue;
          case 't':
            value += '\t';
            continue;
          default:
            error =
                error_at("workflow.expr.syntax", position, shown(text_.substr(from, i_ - from)));
            return false;
        }
      }
      const auto u = static_cast<unsigned char>(c);
      if (u < 0x20 || u == 0x7F) {
        // A raw control character (write \n or \t instead).
        error = error_at("workflow.expr.syntax", chars_ + 1, shown(text_.substr(i_, 1)));
        return false;
      }
      const std::size_t from = i_;
      step();
      value.append(text_.substr(from, i_ - from));
    }
    t.end = i_;
    t.kind = Tok::string;
    t.value = std::move(value);
    return true;
  }

  std::string_view text_;
  std::size_t i_, end_;
  int chars_;
};

// ---------------------------------------------------------------- parser

std::string canonical_path(const std::vector<Step>& steps) {
  std::string out;
  for (const Step& s : steps) {
    if (s.index >= 0) {
      out += '[';
      out += std::to_string(s.index);
      out += ']';
    } else {
      if (!out.empty()) out += '.';
      out += s.name;
    }
  }
  return out;
}

// Recursive descent over the grammar of expression.hpp. The first error stops
// the parse; nesting (parentheses, "!"/"not", unary "-") is bounded by
// kMaxExpressionDepth, so recursion depth is bounded too.
class Parser {
 public:
  Parser(std::string_view text, std::size_t begin, std::size_t end)
      : text_(text), lex_(text, begin, end) {}

  NodePtr expression() {
    if (!advance()) return nullptr;
    NodePtr root = parse_or();
    if (!root) return nullptr;
    if (cur_.kind != Tok::end) return unexpected();
    return root;
  }

  // A path and nothing else (lookup_path).
  NodePtr path_only() {
    if (!advance()) return nullptr;
    if (cur_.kind != Tok::name) return unexpected();
    NodePtr root = parse_path();
    if (!root) return nullptr;
    if (cur_.kind != Tok::end) return unexpected();
    return root;
  }

  const Error& error() const { return error_; }

 private:
  std::string_view token_text(const Token& t) const {
    return text_.substr(t.begin, t.end - t.begin);
  }

  bool advance() {
    prev_ = cur_;
    has_prev_ = true;
    return lex_.next(cur_, error_);
  }

  NodePtr fail_at(const Token& t, const char* key = "workflow.expr.syntax") {
    error_ = error_at(key, t.position, shown(token_text(t)));
    return nullptr;
  }

  // The current token does not fit; at the end of the text, the token that
  // still waits for something (the operator before it) is reported.
  NodePtr unexpected() {
    if (cur_.kind == Tok::end && has_prev_ && prev_.end > prev_.begin) return fail_at(prev_);
    return fail_at(cur_);
  }

  // A missing closing bracket: reported at the opening one when the text ends.
  NodePtr unclosed(const Token& open) {
    if (cur_.kind == Tok::end) return fail_at(open);
    return fail_at(cur_);
  }

  bool enter(const Token& t) {
    if (++depth_ > kMaxExpressionDepth) {
      error_ = error_at("workflow.expr.too_deep", t.position, shown(token_text(t)));
      error_.params["limit"] = std::to_string(kMaxExpressionDepth);
      return false;
    }
    return true;
  }

  static NodePtr make(Node::Kind kind, Op op, const Token& t, std::string_view text, NodePtr left,
                      NodePtr right) {
    auto n = std::make_shared<Node>();
    n->kind = kind;
    n->op = op;
    n->op_text = std::string(text);
    n->position = t.position;
    n->left = std::move(left);
    n->right = std::move(right);
    return n;
  }

  NodePtr parse_or() {
    NodePtr left = parse_and();
    while (left && (cur_.kind == Tok::op_or || cur_.kind == Tok::kw_or)) {
      const Token op = cur_;
      if (!advance()) return nullptr;
      NodePtr right = parse_and();
      if (!right) return nullptr;
      left = make(Node::Kind::logical_or, Op::none, op, token_text(op), left, right);
    }
    return left;
  }

  NodePtr parse_and() {
    NodePtr left = parse_not();
    while (left && (cur_.kind == Tok::op_and || cur_.kind == Tok::kw_and)) {
      const Token op = cur_;
      if (!advance()) return nullptr;
      NodePtr right = parse_not();
      if (!right) return nullptr;
      left = make(Node::Kind::logical_and, Op::none, op, token_text(op), left, right);
    }
    return left;
  }

  NodePtr parse_not() {
    if (cur_.kind != Tok::bang && cur_.kind != Tok::kw_not) return parse_compare();
    const Token op = cur_;
    if (!enter(op) || !advance()) return nullptr;
    NodePtr operand = parse_not();
    --depth_;
    if (!operand) return nullptr;
    return make(Node::Kind::logical_not, Op::none, op, token_text(op), operand, nullptr);
  }

  static Op comparison(Tok t) {
    switch (t) {
      case Tok::eq:
        return Op::eq;
      case Tok::ne:
        return Op::ne;
      case Tok::lt:
        return Op::lt;
      case Tok::le:
        return Op::le;
      case Tok::gt:
        return Op::gt;
      case Tok::ge:
        return Op::ge;
      default:
        return Op::none;
    }
  }

  NodePtr parse_compare() {
    NodePtr left = parse_sum();
    if (!left) return nullptr;
    const Op op = comparison(cur_.kind);
    if (op == Op::none) return left;
    const Token t = cur_;
    if (!advance()) return nullptr;
    NodePtr right = parse_sum();
    if (!right) return nullptr;
    return make(Node::Kind::binary, op, t, token_text(t), left, right);
  }

  NodePtr parse_sum() {
    NodePtr left = parse_product();
    while (left && (cur_.kind == Tok::plus || cur_.kind == Tok::minus)) {
      const Token t = cur_;
      if (!advance()) return nullptr;
      NodePtr right = parse_product();
      if (!right) return nullptr;
      left = make(Node::Kind::binary, t.kind == Tok::plus ? Op::add : Op::sub, t, token_text(t),
                  left, right);
    }
    return left;
  }

  NodePtr parse_product() {
    NodePtr left = parse_unary();
    while (left &&
           (cur_.kind == Tok::star || cur_.kind == Tok::slash || cur_.kind == Tok::percent)) {
      const Token t = cur_;
      if (!advance()) return nullptr;
      NodePtr right = parse_unary();
      if (!right) return nullptr;
      const Op op = t.kind == Tok::star ? Op::mul : t.kind == Tok::slash ? Op::div : Op::mod;
      left = make(Node::Kind::binary, op, t, token_text(t), left, right);
    }
    return left;
  }

  NodePtr parse_unary() {
    if (cur_.kind != Tok::minus) return parse_primary();
    const Token op = cur_;
    if (!enter(op) || !advance()) return nullptr;
    NodePtr operand = parse_unary();
    --depth_;
    if (!operand) return nullptr;
    return make(Node::Kind::negate, Op::none, op, token_text(op), operand, nullptr);
  }

  NodePtr literal(json value) {
    auto n = std::make_shared<Node>();
    n->kind = Node::Kind::literal;
    n->value = std::move(value);
    n->position = cur_.position;
    if (!advance()) return nullptr;
    return n;
  }

  NodePtr parse_primary() {
    switch (cur_.kind) {
      case Tok::number:
      case Tok::string:
        return literal(cur_.value);
      case Tok::kw_true:
        return literal(true);
      case Tok::kw_false:
        return literal(false);
      case Tok::kw_null:
        return literal(nullptr);
      case Tok::name:
        return parse_path();
      case Tok::lparen: {
        const Token open = cur_;
        if (!enter(open) || !advance()) return nullptr;
        NodePtr inner = parse_or();
        if (!inner) return nullptr;
        if (cur_.kind != Tok::rparen) return unclosed(open);
        --depth_;
        if (!advance()) return nullptr;
        return inner;
      }
      default:
        return unexpected();
    }
  }

  // path := name ("." name | "[" integer "]")*; the current token is the name.
  NodePtr parse_path() {
    auto n = std::make_shared<Node>();
    n->kind = Node::Kind::path;
    n->position = cur_.position;
    n->steps.push_back(Step{std::string(token_text(cur_))});
    if (!advance()) return nullptr;
    while (true) {
      if (cur_.kind == Tok::dot) {
        if (!advance()) return nullptr;
        // After a dot any word names a member, keywords too ("form.null").
        if (!is_word(cur_.kind)) return unexpected();
        n->steps.push_back(Step{std::string(token_text(cur_))});
        if (!advance()) return nullptr;
      } else if (cur_.kind == Tok::lbracket) {
        const Token open = cur_;
        if (!advance()) return nullptr;
        if (cur_.kind != Tok::number || !cur_.value.is_number_integer()) return unexpected();
        n->steps.push_back(Step{{}, cur_.value.get<std::int64_t>()});
        if (!advance()) return nullptr;
        if (cur_.kind != Tok::rbracket) return unclosed(open);
        if (!advance()) return nullptr;
      } else {
        break;
      }
    }
    n->path = canonical_path(n->steps);
    return n;
  }

  std::string_view text_;
  Lexer lex_;
  Token cur_, prev_;
  bool has_prev_ = false;
  int depth_ = 0;
  Error error_;
};

// Where the expression proper lies: surrounding white space and a ${…} or
// #{…} wrapper removed. Fails with empty or syntax errors.
Result<std::pair<std::size_t, std::size_t>> inner_range(std::string_view text) {
  std::size_t b = 0, e = text.size();
  auto trim = [&] {
    while (b < e && space(text[b])) ++b;
    while (e > b && space(text[e - 1])) --e;
  };
  trim();
  if (b == e) return std::unexpected(error_at("workflow.expr.empty", 1, ""));
  if (e - b >= 2 && (text[b] == '$' || text[b] == '#') && text[b + 1] == '{') {
    if (e - b < 3 || text[e - 1] != '}') {
      return std::unexpected(error_at("workflow.expr.syntax",
                                      static_cast<int>(count_chars(text.substr(0, b))) + 1,
                                      std::string(text.substr(b, 2))));
    }
    b += 2;
    e -= 1;
    trim();
    if (b == e) return std::unexpected(error_at("workflow.expr.empty", 1, ""));
  }
  return std::pair{b, e};
}

// ---------------------------------------------------------------- evaluation

const json& null_value() {
  static const json null;
  return null;
}

const json& lookup(const json& variables, const std::vector<Step>& steps) {
  const json* at = &variables;
  for (const Step& s : steps) {
    if (s.index >= 0) {
      if (!at->is_array() || static_cast<std::uint64_t>(s.index) >= at->size()) {
        return null_value();
      }
      at = &(*at)[static_cast<std::size_t>(s.index)];
    } else {
      if (!at->is_object()) return null_value();
      const auto it = at->find(s.name);
      if (it == at->end()) return null_value();
      at = &*it;
    }
  }
  return *at;
}

// A number as the evaluator computes with it: int64 where the JSON value is an
// integer that fits, double otherwise (unsigned values above INT64_MAX too).
struct Num {
  bool integer = true;
  std::int64_t i = 0;
  double d = 0;
  double as_double() const { return integer ? static_cast<double>(i) : d; }
};

std::optional<Num> number_of(const json& v) {
  if (v.is_number_unsigned()) {
    const auto u = v.get<std::uint64_t>();
    if (u <= static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) {
      return Num{true, static_cast<std::int64_t>(u), 0};
    }
    return Num{false, 0, static_cast<double>(u)};
  }
  if (v.is_number_integer()) return Num{true, v.get<std::int64_t>(), 0};
  if (v.is_number_float()) return Num{false, 0, v.get<double>()};
  return std::nullopt;
}

// Exact comparison of an integer with a double.
std::partial_ordering compare_int_double(std::int64_t i, double d) {
  if (std::isnan(d)) return std::partial_ordering::unordered;
  constexpr double two63 = 9223372036854775808.0;
  if (d >= two63) return std::partial_ordering::less;
  if (d < -two63) return std::partial_ordering::greater;
  const double whole = std::trunc(d);
  const auto wi = static_cast<std::int64_t>(whole);
  if (i != wi) return i <=> wi;
  const double fraction = d - whole;
  if (fraction > 0) return std::partial_ordering::less;
  if (fraction < 0) return std::partial_ordering::greater;
  return std::partial_ordering::equivalent;
}

std::partial_ordering compare_numbers(const Num& a, const Num& b) {
  if (a.integer && b.integer) return a.i <=> b.i;
  if (a.integer) return compare_int_double(a.i, b.d);
  if (b.integer) return 0 <=> compare_int_double(b.i, a.d);
  return a.d <=> b.d;
}

bool values_equal(const json& a, const json& b) {
  const auto na = number_of(a);
  const auto nb = number_of(b);
  if (na && nb) return compare_numbers(*na, *nb) == std::partial_ordering::equivalent;
  if (na || nb) return false;
  if (a.type() != b.type()) return false;
  return a == b;
}

Error type_error(const Node& n, const json* left, const json& right) {
  return Error("workflow.expr.type", {},
               {{"operator", n.op_text},
                {"left", left ? left->type_name() : ""},
                {"right", right.type_name()},
                {"position", std::to_string(n.position)}});
}

Error operator_error(const char* key, const Node& n) {
  return Error(key, {}, {{"operator", n.op_text}, {"position", std::to_string(n.position)}});
}

Result<json> number_result(const Node& n, double v) {
  if (!std::isfinite(v)) return std::unexpected(operator_error("workflow.expr.overflow", n));
  return json(v);
}

Result<json> arithmetic(const Node& n, const Num& a, const Num& b) {
  if (a.integer && b.integer) {
    std::int64_t r = 0;
    switch (n.op) {
      case Op::add:
        if (__builtin_add_overflow(a.i, b.i, &r)) break;
        return json(r);
      case Op::sub:
        if (__builtin_sub_overflow(a.i, b.i, &r)) break;
        return json(r);
      case Op::mul:
        if (__builtin_mul_overflow(a.i, b.i, &r)) break;
        return json(r);
      case Op::div:
        if (b.i == 0) {
          return std::unexpected(operator_error("workflow.expr.division_by_zero", n));
        }
        if (b.i == -1) {
          if (a.i == std::numeric_limits<std::int64_t>::min()) break;
          return json(-a.i);
        }
        if (a.i % b.i == 0) return json(a.i / b.i);
        return number_result(n, static_cast<double>(a.i) / static_cast<double>(b.i));
      case Op::mod:
        if (b.i == 0) {
          return std::unexpected(operator_error("workflow.expr.division_by_zero", n));
        }
        if (b.i == -1) return json(std::int64_t{0});
        return json(a.i % b.i);
      default:
        break;
    }
    return std::unexpected(operator_error("workflow.expr.overflow", n));
  }
  const double x = a.as_double();
  const double y = b.as_double();
  switch (n.op) {
    case Op::add:
      return number_result(n, x + y);
    case Op::sub:
      return number_result(n, x - y);
    case Op::mul:
      return number_result(n, x * y);
    case Op::div:
      if (y == 0) return std::unexpected(operator_error("workflow.expr.division_by_zero", n));
      return number_result(n, x / y);
    case Op::mod:
      if (y == 0) return std::unexpected(operator_error("workflow.expr.division_by_zero", n));
      return number_result(n, std::fmod(x, y));
    default:
      return std::unexpected(operator_error("workflow.expr.overflow", n));
  }
}

Result<json> binary(const Node& n, const json& l, const json& r) {
  switch (n.op) {
    case Op::eq:
      return json(values_equal(l, r));
    case Op::ne:
      return json(!values_equal(l, r));
    case Op::lt:
    case Op::le:
    case Op::gt:
    case Op::ge: {
      std::partial_ordering order = std::partial_ordering::unordered;
      const auto nl = number_of(l);
      const auto nr = number_of(r);
      if (nl && nr) {
        order = compare_numbers(*nl, *nr);
      } else if (l.is_string() && r.is_string()) {
        // std::string compares as unsigned bytes: UTF-8 byte order is code point order.
        order = l.get_ref<const std::string&>().compare(r.get_ref<const std::string&>()) <=> 0;
      } else {
        return std::unexpected(type_error(n, &l, r));
      }
      switch (n.op) {
        case Op::lt:
          return json(order < 0);
        case Op::le:
          return json(order <= 0);
        case Op::gt:
          return json(order > 0);
        default:
          return json(order >= 0);
      }
    }
    default:
      break;
  }
  // Arithmetic.
  if (n.op == Op::add && l.is_string() && r.is_string()) {
    const auto& a = l.get_ref<const std::string&>();
    const auto& b = r.get_ref<const std::string&>();
    if (a.size() + b.size() > kMaxStringResult) {
      return std::unexpected(operator_error("workflow.expr.overflow", n));
    }
    return json(a + b);
  }
  const auto nl = number_of(l);
  const auto nr = number_of(r);
  if (!nl || !nr) return std::unexpected(type_error(n, &l, r));
  return arithmetic(n, *nl, *nr);
}

Result<json> eval(const Node& n, const json& variables) {
  switch (n.kind) {
    case Node::Kind::literal:
      return n.value;
    case Node::Kind::path:
      return lookup(variables, n.steps);
    case Node::Kind::negate: {
      auto v = eval(*n.left, variables);
      if (!v) return v;
      const auto num = number_of(*v);
      if (!num) return std::unexpected(type_error(n, nullptr, *v));
      if (!num->integer) return json(-num->d);
      if (num->i == std::numeric_limits<std::int64_t>::min()) {
        return std::unexpected(operator_error("workflow.expr.overflow", n));
      }
      return json(-num->i);
    }
    case Node::Kind::logical_not: {
      auto v = eval(*n.left, variables);
      if (!v) return v;
      if (!v->is_boolean()) return std::unexpected(type_error(n, nullptr, *v));
      return json(!v->get<bool>());
    }
    case Node::Kind::logical_and:
    case Node::Kind::logical_or: {
      const bool is_and = n.kind == Node::Kind::logical_and;
      auto l = eval(*n.left, variables);
      if (!l) return l;
      if (!l->is_boolean()) {
        // Name the right operand's type too when it has one.
        auto r = eval(*n.right, variables);
        Error e = type_error(n, &*l, r ? *r : null_value());
        if (!r) e.params["right"] = "";
        return std::unexpected(std::move(e));
      }
      const bool lv = l->get<bool>();
      if (is_and && !lv) return json(false);
      if (!is_and && lv) return json(true);
      auto r = eval(*n.right, variables);
      if (!r) return r;
      if (!r->is_boolean()) return std::unexpected(type_error(n, &*l, *r));
      return json(r->get<bool>());
    }
    case Node::Kind::binary: {
      auto l = eval(*n.left, variables);
      if (!l) return l;
      auto r = eval(*n.right, variables);
      if (!r) return r;
      return binary(n, *l, *r);
    }
  }
  return json();
}

void collect_paths(const Node& n, std::vector<std::string>& out) {
  if (n.kind == Node::Kind::path) {
    if (std::find(out.begin(), out.end(), n.path) == out.end()) out.push_back(n.path);
    return;
  }
  if (n.left) collect_paths(*n.left, out);
  if (n.right) collect_paths(*n.right, out);
}

// Checks length and encoding; the first failure.
std::optional<Error> check_text(std::string_view text) {
  const std::size_t length = count_chars(text);
  if (length > kMaxExpressionLength) {
    // The characters from the first one beyond the limit.
    std::size_t i = 0;
    for (std::size_t c = 0; c < kMaxExpressionLength; ++c) {
      char32_t cp = 0;
      std::size_t len = 1;
      if (!decode(text, i, cp, len)) len = 1;
      i += len;
    }
    Error e = error_at("workflow.expr.too_long", static_cast<int>(kMaxExpressionLength) + 1,
                       shown(text.substr(i)));
    e.params["limit"] = std::to_string(kMaxExpressionLength);
    e.params["length"] = std::to_string(length);
    return e;
  }
  int position = 1;
  for (std::size_t i = 0; i < text.size(); ++position) {
    char32_t cp = 0;
    std::size_t len = 1;
    if (!decode(text, i, cp, len)) {
      return error_at("workflow.expr.syntax", position, shown(text.substr(i, 1)));
    }
    i += len;
  }
  return std::nullopt;
}

}  // namespace

Result<Expression> Expression::parse(std::string_view text) {
  if (auto e = check_text(text)) return std::unexpected(std::move(*e));
  const auto range = inner_range(text);
  if (!range) return std::unexpected(range.error());
  Parser parser(text, range->first, range->second);
  NodePtr root = parser.expression();
  if (!root) return std::unexpected(parser.error());
  Expression e;
  e.root_ = std::move(root);
  e.text_ = std::string(text);
  return e;
}

Result<nlohmann::json> Expression::evaluate(const nlohmann::json& variables) const {
  if (!root_) return json();
  return eval(*root_, variables);
}

Result<bool> Expression::test(const nlohmann::json& variables) const {
  auto v = evaluate(variables);
  if (!v) return std::unexpected(v.error());
  if (!v->is_boolean()) return fail("workflow.expr.not_boolean", {}, {{"type", v->type_name()}});
  return v->get<bool>();
}

std::vector<std::string> Expression::paths() const {
  std::vector<std::string> out;
  if (root_) collect_paths(*root_, out);
  return out;
}

nlohmann::json lookup_path(const nlohmann::json& variables, std::string_view path) {
  if (check_text(path)) return nullptr;
  std::size_t b = 0, e = path.size();
  while (b < e && space(path[b])) ++b;
  while (e > b && space(path[e - 1])) --e;
  if (b == e) return nullptr;
  Parser parser(path, b, e);
  const NodePtr node = parser.path_only();
  if (!node) return nullptr;
  return lookup(variables, node->steps);
}

}  // namespace yiwang::workflow
