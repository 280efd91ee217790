// The small, safe expression language of gateway conditions, completion
// conditions and assignment variables. It reads process variables and never
// runs code: there are no function calls, assignments or loops, and the
// parser bounds length and nesting so hostile text cannot exhaust the server.
//
//   expr    := or
//   or      := and (("||" | "or") and)*
//   and     := not (("&&" | "and") not)*
//   not     := ("!" | "not") not | compare
//   compare := sum (("==" | "!=" | "<" | "<=" | ">" | ">=") sum)?
//   sum     := product (("+" | "-") product)*
//   product := unary (("*" | "/" | "%") unary)*
//   unary   := "-" unary | primary
//   primary := number | string | "true" | "false" | "null" | path | "(" expr ")"
//   path    := name ("." name | "[" integer "]")*
//   name    := letter or "_" (letters, digits, "_")*; letters include CJK
//   number  := digits ("." digits)?
//   string  := '…' or "…" with \\ \' \" \n \t escapes
//
// A whole expression may be wrapped as ${…} or #{…} (the Camunda/JUEL form).
// A path that does not exist is null. "+" also joins two strings. Comparing
// values of different types with < <= > >= is an error; == and != between
// different types are simply false/true (numbers compare by value: 1 == 1.0).
//
// Details:
// - Text is UTF-8; white space is ASCII space, tab, CR and LF. Keywords (and,
//   or, not, true, false, null) are lower case; after a "." any word is a member
//   name ("form.null"). Name letters are ASCII letters and every multibyte
//   character except punctuation, symbols, spaces and full-width forms
//   (U+0080–U+00BF, ×, ÷, U+2000–U+2BFF, U+2E00–U+2E7F, U+3000–U+303F,
//   private use, U+FE10–U+FE1F, U+FE30–U+FE6F, U+FEFF–U+FFFF): "金额 > 10000"
//   works, while "金额＞１０" is a syntax error at the full-width "＞".
// - Length is counted in characters (code points). Depth counts nesting of
//   "(", "!"/"not" and unary "-"; chains of binary operators do not nest.
// - A number without a point is an int64 (larger is "workflow.expr.bad_number");
//   with a point it is a double. There is no exponent form and no sign (a
//   leading "-" is the unary operator, so INT64_MIN cannot be written).
// - Arithmetic: two integers give an exact integer or "workflow.expr.overflow";
//   "/" gives an integer when the division is exact (6 / 3 == 2) and a double
//   otherwise (7 / 2 == 3.5); "%" of integers has the sign of the dividend.
//   With a double involved the result is a double; an infinite result is
//   "workflow.expr.overflow", and so is a joined string over 1 MiB. JSON
//   unsigned integers above INT64_MAX count as doubles.
// - A string literal may not hold raw control characters (write \n or \t).
//   Strings compare by UTF-8 bytes (code point order). true/false and null
//   support only == and != (objects and arrays too, by JSON equality).
// - "and"/"or" evaluate their right side only when needed ("false and x" is
//   false whatever x is); the sides they do evaluate must be booleans.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/error.hpp"

namespace yiwang::workflow {

inline constexpr std::size_t kMaxExpressionLength = 2000;
inline constexpr int kMaxExpressionDepth = 32;

class Expression {
 public:
  struct Node;  // the parsed tree (defined in expression.cpp)

  // Parses. Errors (params "position", 1-based character offset, and
  // "detail", the offending text, at most 20 characters, invisible ones as
  // U+XXXX and invalid UTF-8 bytes as \xNN): "workflow.expr.empty",
  // "workflow.expr.too_long" (also "limit" and "length"), "workflow.expr.too_deep"
  // (also "limit"), "workflow.expr.syntax", "workflow.expr.unterminated_string",
  // "workflow.expr.bad_number". When the text ends too early the error points at
  // what is left open: the operator before the end, or the unclosed "(" or "[".
  static Result<Expression> parse(std::string_view text);

  // The value over the variables (a JSON object). Errors: "workflow.expr.type"
  // (params "operator" as written, "left", "right": the JSON type names; for
  // the unary "-", "!" and "not", "left" is empty and "right" is the operand's),
  // "workflow.expr.division_by_zero", "workflow.expr.overflow" (params
  // "operator"). All three also carry "position", the operator's.
  Result<nlohmann::json> evaluate(const nlohmann::json& variables) const;

  // A condition: the value must be a boolean ("workflow.expr.not_boolean",
  // param "type", otherwise).
  Result<bool> test(const nlohmann::json& variables) const;

  // The text it was parsed from.
  const std::string& text() const { return text_; }

  // The variable paths it reads, in order of first appearance, without
  // duplicates, written canonically ("amount", "applicant.age", "items[0].name").
  std::vector<std::string> paths() const;

 private:
  std::shared_ptr<const Node> root_;
  std::string text_;
};

// The value at a variable path ("a.b[2].c") in a JSON object, or null.
// Returns null too for a path that does not parse.
nlohmann::json lookup_path(const nlohmann::json& variables, std::string_view path);

}  // namespace yiwang::workflow
