// The condition language of workflow/expression.hpp: grammar, values,
// errors with their positions, hostile input, and the message catalogue of
// workflow/expression.hpp and workflow/duration.hpp.
#include "workflow/expression.hpp"

#include <cmath>
#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include "tests/support/catalogue_file.hpp"

namespace {

using nlohmann::json;
using yiwang::Error;
using yiwang::workflow::Expression;
using yiwang::workflow::kMaxExpressionDepth;
using yiwang::workflow::kMaxExpressionLength;
using yiwang::workflow::lookup_path;

// The value of a text that must parse and evaluate.
json value_of(std::string_view text, const json& variables = json::object()) {
  const auto e = Expression::parse(text);
  if (!e) {
    ADD_FAILURE() << "parse failed: " << text << " → " << e.error().key << " at "
                  << e.error().params.at("position") << " “" << e.error().params.at("detail")
                  << "”";
    return "parse failed";
  }
  const auto v = e->evaluate(variables);
  if (!v) {
    ADD_FAILURE() << "evaluate failed: " << text << " → " << v.error().key;
    return "evaluate failed";
  }
  return *v;
}

// The error of a text that must not parse.
Error parse_error(std::string_view text) {
  const auto e = Expression::parse(text);
  if (e) {
    ADD_FAILURE() << "parsed: " << text;
    return Error("parsed");
  }
  return e.error();
}

// The error of a text that parses and must fail to evaluate.
Error eval_error(std::string_view text, const json& variables = json::object()) {
  const auto e = Expression::parse(text);
  if (!e) {
    ADD_FAILURE() << "parse failed: " << text << " → " << e.error().key;
    return Error("parse failed");
  }
  const auto v = e->evaluate(variables);
  if (v) {
    ADD_FAILURE() << "evaluated: " << text << " → " << v->dump();
    return Error("evaluated");
  }
  return v.error();
}

// Checks a parse error's key, position and detail.
void expect_parse_error(std::string_view text, const std::string& key, int position,
                        const std::string& detail) {
  SCOPED_TRACE(std::string(text));
  const Error e = parse_error(text);
  EXPECT_EQ(e.key, key);
  EXPECT_EQ(e.params.count("position") ? e.params.at("position") : "-", std::to_string(position));
  EXPECT_EQ(e.params.count("detail") ? e.params.at("detail") : "-", detail);
}

std::string repeat(std::string_view s, int n) {
  std::string out;
  for (int i = 0; i < n; ++i) out += s;
  return out;
}

// ------------------------------------------------------------------ values

TEST(ExpressionLiterals, NumbersStringsAndConstants) {
  EXPECT_EQ(value_of("42"), json(42));
  EXPECT_TRUE(value_of("42").is_number_integer());
  EXPECT_TRUE(value_of("0").is_number_integer());
  EXPECT_EQ(value_of("9223372036854775807"), json(INT64_MAX));
  EXPECT_EQ(value_of("007"), json(7));
  EXPECT_TRUE(value_of("1.5").is_number_float());
  EXPECT_DOUBLE_EQ(value_of("1.5").get<double>(), 1.5);
  EXPECT_TRUE(value_of("10.0").is_number_float());
  EXPECT_EQ(value_of("'abc'"), json("abc"));
  EXPECT_EQ(value_of("\"abc\""), json("abc"));
  EXPECT_EQ(value_of("''"), json(""));
  EXPECT_EQ(value_of("'中文 字符串'"), json("中文 字符串"));
  EXPECT_EQ(value_of("true"), json(true));
  EXPECT_EQ(value_of("false"), json(false));
  EXPECT_EQ(value_of("null"), json(nullptr));
  EXPECT_EQ(value_of("(((7)))"), json(7));
}

TEST(ExpressionLiterals, StringEscapes) {
  EXPECT_EQ(value_of(R"('a\'b')"), json("a'b"));
  EXPECT_EQ(value_of(R"("a\"b")"), json("a\"b"));
  EXPECT_EQ(value_of(R"('a"b')"), json("a\"b"));
  EXPECT_EQ(value_of(R"("a'b")"), json("a'b"));
  EXPECT_EQ(value_of(R"('\\')"), json("\\"));
  EXPECT_EQ(value_of(R"('1\n2\t3')"), json("1\n2\t3"));
  expect_parse_error(R"('a\x')", "workflow.expr.syntax", 3, "\\x");
  expect_parse_error(R"('a\r')", "workflow.expr.syntax", 3, "\\r");
}

TEST(ExpressionArithmetic, OperatorsAndPrecedence) {
  EXPECT_EQ(value_of("1 + 2 * 3"), json(7));
  EXPECT_EQ(value_of("(1 + 2) * 3"), json(9));
  EXPECT_EQ(value_of("10 - 4 - 3"), json(3));    // left to right
  EXPECT_EQ(value_of("100 / 10 / 5"), json(2));  // left to right
  EXPECT_EQ(value_of("2 * 3 % 4"), json(2));
  EXPECT_EQ(value_of("7 % 3"), json(1));
  EXPECT_EQ(value_of("-7 % 3"), json(-1));  // sign of the dividend
  EXPECT_EQ(value_of("7 % -3"), json(1));
  EXPECT_EQ(value_of("2 * -3"), json(-6));
  EXPECT_EQ(value_of("-2 * 3"), json(-6));
  EXPECT_EQ(value_of("--3"), json(3));
  EXPECT_EQ(value_of("1 - -1"), json(2));
  EXPECT_EQ(value_of("1--1"), json(2));
  EXPECT_EQ(value_of("-(2 + 3)"), json(-5));
  EXPECT_EQ(value_of("1+2*3-4/2"), json(5));
}

TEST(ExpressionArithmetic, IntegersStayIntegers) {
  EXPECT_TRUE(value_of("1 + 2").is_number_integer());
  EXPECT_TRUE(value_of("6 / 3").is_number_integer());
  EXPECT_EQ(value_of("6 / 3"), json(2));
  EXPECT_TRUE(value_of("7 / 2").is_number_float());
  EXPECT_DOUBLE_EQ(value_of("7 / 2").get<double>(), 3.5);
  EXPECT_DOUBLE_EQ(value_of("-7 / 2").get<double>(), -3.5);
  EXPECT_TRUE(value_of("1.5 + 1").is_number_float());
  EXPECT_DOUBLE_EQ(value_of("1.5 + 1").get<double>(), 2.5);
  EXPECT_NEAR(value_of("0.1 + 0.2").get<double>(), 0.3, 1e-12);
  EXPECT_DOUBLE_EQ(value_of("5.5 % 2").get<double>(), 1.5);
  EXPECT_DOUBLE_EQ(value_of("-1.5").get<double>(), -1.5);
  EXPECT_EQ(value_of("9223372036854775807 - 1"), json(INT64_MAX - 1));
  EXPECT_EQ(value_of("-9223372036854775807 - 1"), json(INT64_MIN));
  EXPECT_EQ(value_of("(-9223372036854775807 - 1) % -1"), json(0));
}

TEST(ExpressionArithmetic, StringJoin) {
  EXPECT_EQ(value_of("'ab' + 'cd'"), json("abcd"));
  EXPECT_EQ(value_of("'张' + '三' + ''"), json("张三"));
  EXPECT_EQ(value_of("a + '-' + b", {{"a", "x"}, {"b", "y"}}), json("x-y"));
}

TEST(ExpressionArithmetic, OverflowIsAnError) {
  for (const char* text :
       {"9223372036854775807 + 1", "-9223372036854775807 - 2", "9223372036854775807 * 2",
        "-(-9223372036854775807 - 1)", "(-9223372036854775807 - 1) / -1"}) {
    SCOPED_TRACE(text);
    EXPECT_EQ(eval_error(text).key, "workflow.expr.overflow");
  }
  const Error e = eval_error("9223372036854775807 * 2");
  EXPECT_EQ(e.params.at("operator"), "*");
  EXPECT_EQ(e.params.at("position"), "21");
  // A double that leaves the finite range.
  const std::string big = "1" + std::string(300, '0') + ".0";  // 1e300
  EXPECT_EQ(eval_error(big + " * " + big).key, "workflow.expr.overflow");
  // A joined string over 1 MiB.
  const json vars = {{"s", std::string(600 * 1024, 'x')}};
  EXPECT_EQ(eval_error("s + s", vars).key, "workflow.expr.overflow");
  EXPECT_EQ(value_of("s + 'y'", vars).get<std::string>().size(), 600u * 1024 + 1);
}

TEST(ExpressionArithmetic, DivisionByZero) {
  for (const char* text : {"1 / 0", "1 % 0", "1.5 / 0", "1 / 0.0", "1 % 0.0", "1 / (2 - 2)"}) {
    SCOPED_TRACE(text);
    EXPECT_EQ(eval_error(text).key, "workflow.expr.division_by_zero");
  }
  const Error e = eval_error("金额 / 份数", {{"金额", 100}, {"份数", 0}});
  EXPECT_EQ(e.params.at("operator"), "/");
  EXPECT_EQ(e.params.at("position"), "4");
}

TEST(ExpressionArithmetic, TypeErrors) {
  const Error e = eval_error("'a' + 1");
  EXPECT_EQ(e.key, "workflow.expr.type");
  EXPECT_EQ(e.params.at("operator"), "+");
  EXPECT_EQ(e.params.at("left"), "string");
  EXPECT_EQ(e.params.at("right"), "number");
  EXPECT_EQ(e.params.at("position"), "5");
  EXPECT_EQ(eval_error("true * 2").params.at("left"), "boolean");
  EXPECT_EQ(eval_error("missing - 1").params.at("left"), "null");
  EXPECT_EQ(eval_error("list * 1", {{"list", {1, 2}}}).params.at("left"), "array");
  EXPECT_EQ(eval_error("1 % obj", {{"obj", {{"a", 1}}}}).params.at("right"), "object");
  const Error neg = eval_error("-'a'");
  EXPECT_EQ(neg.key, "workflow.expr.type");
  EXPECT_EQ(neg.params.at("operator"), "-");
  EXPECT_EQ(neg.params.at("left"), "");
  EXPECT_EQ(neg.params.at("right"), "string");
}

// ------------------------------------------------------------------ comparisons

TEST(ExpressionCompare, Numbers) {
  EXPECT_EQ(value_of("1 < 2"), json(true));
  EXPECT_EQ(value_of("2 < 2"), json(false));
  EXPECT_EQ(value_of("2 <= 2"), json(true));
  EXPECT_EQ(value_of("3 <= 2"), json(false));
  EXPECT_EQ(value_of("3 > 2"), json(true));
  EXPECT_EQ(value_of("2 > 2"), json(false));
  EXPECT_EQ(value_of("2 >= 2"), json(true));
  EXPECT_EQ(value_of("1 >= 2"), json(false));
  EXPECT_EQ(value_of("2 == 2"), json(true));
  EXPECT_EQ(value_of("2 != 2"), json(false));
  EXPECT_EQ(value_of("1 == 1.0"), json(true));
  EXPECT_EQ(value_of("1 != 1.0"), json(false));
  EXPECT_EQ(value_of("2 > 1.5"), json(true));
  EXPECT_EQ(value_of("1.5 < 2"), json(true));
  EXPECT_EQ(value_of("-1 < -0.5"), json(true));
  EXPECT_EQ(value_of("1 + 1 == 2"), json(true));  // arithmetic binds tighter
  // Exact across int64 and double where a double cannot hold the integer.
  EXPECT_EQ(value_of("9007199254740993 > 9007199254740992.0"), json(true));
  EXPECT_EQ(value_of("9007199254740993 == 9007199254740992.0"), json(false));
  EXPECT_EQ(value_of("9223372036854775807 < 9223372036854775808.0"), json(true));
}

TEST(ExpressionCompare, NumbersFromVariablesOfEveryJsonKind) {
  const json vars = json::parse(R"({"u": 5, "i": -5, "d": 5.0, "big": 18446744073709551615})");
  ASSERT_TRUE(vars["u"].is_number_unsigned());
  EXPECT_EQ(value_of("u == 5", vars), json(true));
  EXPECT_EQ(value_of("u == d", vars), json(true));
  EXPECT_EQ(value_of("i < u", vars), json(true));
  EXPECT_EQ(value_of("u + 1", vars), json(6));
  EXPECT_TRUE(value_of("u + 1", vars).is_number_integer());
  EXPECT_EQ(value_of("i * u", vars), json(-25));
  EXPECT_EQ(value_of("big > 9223372036854775807", vars), json(true));
}

TEST(ExpressionCompare, Strings) {
  EXPECT_EQ(value_of("'abc' < 'abd'"), json(true));
  EXPECT_EQ(value_of("'b' > 'a'"), json(true));
  EXPECT_EQ(value_of("'' < 'a'"), json(true));
  EXPECT_EQ(value_of("'a' <= 'a'"), json(true));
  EXPECT_EQ(value_of("'a' >= 'b'"), json(false));
  EXPECT_EQ(value_of("'Z' < 'a'"), json(true));    // byte order
  EXPECT_EQ(value_of("'张' < '李'"), json(true));  // U+5F20 < U+674E
  EXPECT_EQ(value_of("'z' < '中'"), json(true));   // ASCII before multibyte
  EXPECT_EQ(value_of("'同意' == '同意'"), json(true));
  EXPECT_EQ(value_of("'同意' != '不同意'"), json(true));
}

TEST(ExpressionCompare, EqualityAcrossTypesIsFalse) {
  EXPECT_EQ(value_of("1 == '1'"), json(false));
  EXPECT_EQ(value_of("1 != '1'"), json(true));
  EXPECT_EQ(value_of("true == 1"), json(false));
  EXPECT_EQ(value_of("null == 0"), json(false));
  EXPECT_EQ(value_of("null == ''"), json(false));
  EXPECT_EQ(value_of("null == null"), json(true));
  EXPECT_EQ(value_of("true == true"), json(true));
  EXPECT_EQ(value_of("true != false"), json(true));
  EXPECT_EQ(value_of("missing == null"), json(true));
  const json vars = {{"a", {1, 2}}, {"b", {1, 2}}, {"c", {{"x", 1}}}};
  EXPECT_EQ(value_of("a == b", vars), json(true));
  EXPECT_EQ(value_of("a != c", vars), json(true));
}

TEST(ExpressionCompare, OrderingNeedsTwoNumbersOrTwoStrings) {
  struct Case {
    const char* text;
    const char* op;
    const char* left;
    const char* right;
  };
  for (const Case& c :
       {Case{"1 < '1'", "<", "number", "string"}, Case{"'1' <= 1", "<=", "string", "number"},
        Case{"true > false", ">", "boolean", "boolean"}, Case{"null >= null", ">=", "null", "null"},
        Case{"missing > 5", ">", "null", "number"}, Case{"a < a", "<", "array", "array"}}) {
    SCOPED_TRACE(c.text);
    const Error e = eval_error(c.text, {{"a", {1}}});
    EXPECT_EQ(e.key, "workflow.expr.type");
    EXPECT_EQ(e.params.at("operator"), c.op);
    EXPECT_EQ(e.params.at("left"), c.left);
    EXPECT_EQ(e.params.at("right"), c.right);
  }
}

// ------------------------------------------------------------------ logic

TEST(ExpressionLogic, OperatorsInBothSpellings) {
  EXPECT_EQ(value_of("true and false"), json(false));
  EXPECT_EQ(value_of("true && true"), json(true));
  EXPECT_EQ(value_of("false or true"), json(true));
  EXPECT_EQ(value_of("false || false"), json(false));
  EXPECT_EQ(value_of("not true"), json(false));
  EXPECT_EQ(value_of("!false"), json(true));
  EXPECT_EQ(value_of("!!true"), json(true));
  EXPECT_EQ(value_of("not not false"), json(false));
  EXPECT_EQ(value_of("not(false)"), json(true));
}

TEST(ExpressionLogic, Precedence) {
  EXPECT_EQ(value_of("true or false and false"), json(true));  // and before or
  EXPECT_EQ(value_of("(true or false) and false"), json(false));
  EXPECT_EQ(value_of("!true == false"), json(true));  // ! (true == false)
  EXPECT_EQ(value_of("not 1 > 2"), json(true));       // not (1 > 2)
  EXPECT_EQ(value_of("!false and false"), json(false));
  EXPECT_EQ(value_of("1 < 2 and 2 < 3 or 1 > 2"), json(true));
  EXPECT_EQ(value_of("1 + 2 > 2 && 'a' + 'b' == 'ab'"), json(true));
}

TEST(ExpressionLogic, ShortCircuit) {
  EXPECT_EQ(value_of("false and 1"), json(false));
  EXPECT_EQ(value_of("true or 1"), json(true));
  EXPECT_EQ(value_of("false && 1 / 0 > 1"), json(false));
  EXPECT_EQ(value_of("a != null and a.b > 5"), json(false));  // a.b > 5 would fail
  EXPECT_EQ(value_of("a != null and a.b > 5", {{"a", {{"b", 6}}}}), json(true));
}

TEST(ExpressionLogic, OperandsMustBeBooleans) {
  const Error right = eval_error("true and 1");
  EXPECT_EQ(right.key, "workflow.expr.type");
  EXPECT_EQ(right.params.at("operator"), "and");
  EXPECT_EQ(right.params.at("left"), "boolean");
  EXPECT_EQ(right.params.at("right"), "number");
  const Error left = eval_error("1 || true");
  EXPECT_EQ(left.params.at("operator"), "||");
  EXPECT_EQ(left.params.at("left"), "number");
  EXPECT_EQ(left.params.at("right"), "boolean");
  EXPECT_EQ(left.params.at("position"), "3");
  EXPECT_EQ(eval_error("missing && true").params.at("left"), "null");
  EXPECT_EQ(eval_error("'x' or 1 / 0").params.at("right"), "");  // right side fails itself
  const Error bang = eval_error("!1");
  EXPECT_EQ(bang.params.at("operator"), "!");
  EXPECT_EQ(bang.params.at("left"), "");
  EXPECT_EQ(bang.params.at("right"), "number");
  EXPECT_EQ(eval_error("not 'x'").params.at("operator"), "not");
}

TEST(ExpressionLogic, TestWantsABoolean) {
  const auto e = Expression::parse("金额 > 10000");
  ASSERT_TRUE(e);
  EXPECT_TRUE(e->test({{"金额", 20000}}).value());
  EXPECT_FALSE(e->test({{"金额", 10000}}).value());
  const auto t = e->test({{"金额", "很多"}});
  ASSERT_FALSE(t);
  EXPECT_EQ(t.error().key, "workflow.expr.type");

  const auto n = Expression::parse("金额 + 1");
  ASSERT_TRUE(n);
  const auto nb = n->test({{"金额", 1}});
  ASSERT_FALSE(nb);
  EXPECT_EQ(nb.error().key, "workflow.expr.not_boolean");
  EXPECT_EQ(nb.error().params.at("type"), "number");
  EXPECT_EQ(Expression::parse("x")->test({}).error().params.at("type"), "null");
}

// ------------------------------------------------------------------ paths

TEST(ExpressionPaths, NestedObjectsAndArrays) {
  const json vars = {
      {"applicant", {{"name", "张伟"}, {"age", 34}, {"address", {{"city", "北京"}}}}},
      {"items", {{{"name", "笔"}, {"qty", 2}}, {{"name", "纸"}, {"qty", 5}}}},
      {"matrix", {{1, 2}, {3, 4}}},
      {"a_1", {{"b2", true}}},
      {"form", {{"null", 1}, {"and", 2}}},
  };
  EXPECT_EQ(value_of("applicant.age", vars), json(34));
  EXPECT_EQ(value_of("applicant.address.city", vars), json("北京"));
  EXPECT_EQ(value_of("items[1].name", vars), json("纸"));
  EXPECT_EQ(value_of("items[0].qty + items[1].qty", vars), json(7));
  EXPECT_EQ(value_of("matrix[1][0]", vars), json(3));
  EXPECT_EQ(value_of("a_1.b2", vars), json(true));
  EXPECT_EQ(value_of("_x == null", vars), json(true));
  EXPECT_EQ(value_of("form.null + form.and", vars), json(3));  // keywords after a dot
  EXPECT_EQ(value_of("applicant . address . city", vars), json("北京"));
  EXPECT_EQ(value_of("items", vars), vars["items"]);
  // Anything missing is null.
  EXPECT_EQ(value_of("nobody", vars), json(nullptr));
  EXPECT_EQ(value_of("applicant.phone", vars), json(nullptr));
  EXPECT_EQ(value_of("applicant.name.first", vars), json(nullptr));
  EXPECT_EQ(value_of("items[2]", vars), json(nullptr));
  EXPECT_EQ(value_of("items[99999999999].name", vars), json(nullptr));
  EXPECT_EQ(value_of("applicant[0]", vars), json(nullptr));
  EXPECT_EQ(value_of("items.name", vars), json(nullptr));
  // Variables that are not an object.
  EXPECT_EQ(value_of("a", json(nullptr)), json(nullptr));
  EXPECT_EQ(value_of("a", json::array({1})), json(nullptr));
}

TEST(ExpressionPaths, ChineseNames) {
  const json vars = {
      {"金额", 20000}, {"申请人", {{"年龄", 17}, {"姓名", "李娜"}}}, {"部门2", "办公厅"}};
  EXPECT_EQ(value_of("金额 > 10000", vars), json(true));
  EXPECT_EQ(value_of("金额>10000", vars), json(true));
  EXPECT_EQ(value_of("申请人.年龄 >= 18", vars), json(false));
  EXPECT_EQ(value_of("申请人.姓名 == '李娜'", vars), json(true));
  EXPECT_EQ(value_of("部门2 == '办公厅' && 金额 <= 20000", vars), json(true));
  EXPECT_EQ(value_of("金额_上限 == null", vars), json(true));
}

TEST(ExpressionPaths, PathsListsEachVariableOnceInOrder) {
  const auto e = Expression::parse(
      "amount > 1 and applicant.age >= 18 or amount < 0 and items [0] . name != null && 金额 == "
      "applicant.age");
  ASSERT_TRUE(e);
  EXPECT_EQ(e->paths(),
            (std::vector<std::string>{"amount", "applicant.age", "items[0].name", "金额"}));
  EXPECT_TRUE(Expression::parse("1 + 2 == 3")->paths().empty());
  EXPECT_EQ(Expression::parse("${ -x * y > 0 and !z }")->paths(),
            (std::vector<std::string>{"x", "y", "z"}));
  EXPECT_EQ(Expression::parse("m[1][2].k")->paths(), (std::vector<std::string>{"m[1][2].k"}));
}

TEST(ExpressionPaths, LookupPath) {
  const json vars = {{"a", {{"b", {10, 11, {{"c", "deep"}}}}}}, {"金额", 5}};
  EXPECT_EQ(lookup_path(vars, "a.b[2].c"), json("deep"));
  EXPECT_EQ(lookup_path(vars, "a.b[0]"), json(10));
  EXPECT_EQ(lookup_path(vars, " a . b [1] "), json(11));
  EXPECT_EQ(lookup_path(vars, "金额"), json(5));
  EXPECT_EQ(lookup_path(vars, "a"), vars["a"]);
  EXPECT_EQ(lookup_path(vars, "a.b[3]"), json(nullptr));
  EXPECT_EQ(lookup_path(vars, "a.x"), json(nullptr));
  // Paths that do not parse.
  for (const char* bad : {"", "  ", "a..b", "a.", "a[", "a[1", "a[-1]", "a[x]", "1a", "true",
                          "a + b", "(a)", "${a}", "a.b[2].c extra", "'a'"}) {
    SCOPED_TRACE(bad);
    EXPECT_EQ(lookup_path(vars, bad), json(nullptr));
  }
  EXPECT_EQ(lookup_path(vars, std::string("a\0b", 3)), json(nullptr));
  EXPECT_EQ(lookup_path(vars, "a\xff"), json(nullptr));
  EXPECT_EQ(lookup_path(json(1), "a"), json(nullptr));
}

// ------------------------------------------------------------------ the ${…} wrapper

TEST(ExpressionWrapper, DollarAndHash) {
  const json vars = {{"金额", 20000}, {"approved", true}};
  EXPECT_EQ(value_of("${金额 > 10000}", vars), json(true));
  EXPECT_EQ(value_of("#{approved}", vars), json(true));
  EXPECT_EQ(value_of("  ${ approved == true }  ", vars), json(true));
  EXPECT_EQ(value_of("${(1)}"), json(1));
  const auto e = Expression::parse(" ${a} ");
  ASSERT_TRUE(e);
  EXPECT_EQ(e->text(), " ${a} ");  // as given
  expect_parse_error("${}", "workflow.expr.empty", 1, "");
  expect_parse_error("#{   }", "workflow.expr.empty", 1, "");
  expect_parse_error("${", "workflow.expr.syntax", 1, "${");
  expect_parse_error("  ${a > 1", "workflow.expr.syntax", 3, "${");
  expect_parse_error("${a} + ${b}", "workflow.expr.syntax", 4, "}");
  expect_parse_error("${${a}}", "workflow.expr.syntax", 3, "$");
  expect_parse_error("$a", "workflow.expr.syntax", 1, "$");
  // The position counts from the start of the whole text.
  expect_parse_error("${金额 > }", "workflow.expr.syntax", 6, ">");
}

// ------------------------------------------------------------------ parse errors

TEST(ExpressionErrors, Empty) {
  for (const char* text : {"", " ", "\t\n\r  "}) {
    SCOPED_TRACE(text);
    expect_parse_error(text, "workflow.expr.empty", 1, "");
  }
}

TEST(ExpressionErrors, SyntaxPositionsAndDetails) {
  expect_parse_error("1 +", "workflow.expr.syntax", 3, "+");  // waits for an operand
  expect_parse_error("a ==", "workflow.expr.syntax", 3, "==");
  expect_parse_error("!", "workflow.expr.syntax", 1, "!");
  expect_parse_error("not", "workflow.expr.syntax", 1, "not");
  expect_parse_error("(1 + 2", "workflow.expr.syntax", 1, "(");  // never closed
  expect_parse_error("((1 + 2)", "workflow.expr.syntax", 1, "(");
  expect_parse_error("(1 2)", "workflow.expr.syntax", 4, "2");
  expect_parse_error("1 2", "workflow.expr.syntax", 3, "2");
  expect_parse_error("a b", "workflow.expr.syntax", 3, "b");
  expect_parse_error(")", "workflow.expr.syntax", 1, ")");
  expect_parse_error("()", "workflow.expr.syntax", 2, ")");
  expect_parse_error("1 < 2 < 3", "workflow.expr.syntax", 7, "<");  // not associative
  expect_parse_error("a = 1", "workflow.expr.syntax", 3, "=");
  expect_parse_error("a & b", "workflow.expr.syntax", 3, "&");
  expect_parse_error("a | b", "workflow.expr.syntax", 3, "|");
  expect_parse_error("a not b", "workflow.expr.syntax", 3, "not");
  expect_parse_error("* 2", "workflow.expr.syntax", 1, "*");
  expect_parse_error("a.", "workflow.expr.syntax", 2, ".");
  expect_parse_error("a.1", "workflow.expr.syntax", 3, "1");
  expect_parse_error(".5", "workflow.expr.syntax", 1, ".");
  expect_parse_error("a[", "workflow.expr.syntax", 2, "[");
  expect_parse_error("a[1", "workflow.expr.syntax", 2, "[");
  expect_parse_error("a[1 + 1]", "workflow.expr.syntax", 5, "+");
  expect_parse_error("a[-1]", "workflow.expr.syntax", 3, "-");
  expect_parse_error("a[1.5]", "workflow.expr.syntax", 3, "1.5");
  expect_parse_error("a[b]", "workflow.expr.syntax", 3, "b");
  expect_parse_error("a]", "workflow.expr.syntax", 2, "]");
  expect_parse_error("f(x)", "workflow.expr.syntax", 2, "(");  // no function calls
  expect_parse_error("a.size()", "workflow.expr.syntax", 7, "(");
  expect_parse_error("x = 1", "workflow.expr.syntax", 3, "=");  // no assignment
  expect_parse_error("1 ? 2 : 3", "workflow.expr.syntax", 3, "?");
  expect_parse_error("1 'a'", "workflow.expr.syntax", 3, "'a'");
  expect_parse_error("True == 1 @", "workflow.expr.syntax", 11, "@");
  expect_parse_error("a\n  +\n", "workflow.expr.syntax", 5, "+");
}

TEST(ExpressionErrors, UnterminatedString) {
  expect_parse_error("'abc", "workflow.expr.unterminated_string", 1, "'abc");
  expect_parse_error("a == \"x", "workflow.expr.unterminated_string", 6, "\"x");
  expect_parse_error("'abc\"", "workflow.expr.unterminated_string", 1, "'abc\"");
  expect_parse_error(R"('abc\')", "workflow.expr.unterminated_string", 1, R"('abc\')");
  expect_parse_error(R"('abc\)", "workflow.expr.unterminated_string", 1, R"('abc\)");
  // Positions count characters, not bytes: 金 额 ␠ = ␠ '
  expect_parse_error("金额 == '同意", "workflow.expr.unterminated_string", 7, "'同意");
  // The detail is cut at 20 characters.
  expect_parse_error("'" + std::string(50, 'x'), "workflow.expr.unterminated_string", 1,
                     "'" + std::string(19, 'x') + "…");
  // Inside ${…} the closing brace is not part of the string.
  expect_parse_error("${'abc}", "workflow.expr.unterminated_string", 3, "'abc");
}

TEST(ExpressionErrors, BadNumber) {
  expect_parse_error("1.", "workflow.expr.bad_number", 1, "1.");
  expect_parse_error("a > 1.2.3", "workflow.expr.bad_number", 5, "1.2.3");
  expect_parse_error("12abc", "workflow.expr.bad_number", 1, "12abc");
  expect_parse_error("1e5", "workflow.expr.bad_number", 1, "1e5");
  expect_parse_error("0x10", "workflow.expr.bad_number", 1, "0x10");
  expect_parse_error("金额 > 10元", "workflow.expr.bad_number", 6, "10元");
  expect_parse_error("9223372036854775808", "workflow.expr.bad_number", 1, "9223372036854775808");
  expect_parse_error("a[99999999999999999999]", "workflow.expr.bad_number", 3,
                     "99999999999999999999");
  // A decimal beyond the double range.
  const std::string huge = "1" + std::string(400, '0') + ".5";
  EXPECT_EQ(parse_error(huge).key, "workflow.expr.bad_number");
}

TEST(ExpressionErrors, TooLong) {
  std::string text = "1";
  while (text.size() < kMaxExpressionLength) text += "+1";
  text.resize(kMaxExpressionLength - 1);
  text += "1";  // exactly the limit: "1+1+…+11"
  ASSERT_EQ(text.size(), kMaxExpressionLength);
  EXPECT_TRUE(Expression::parse(text));
  const Error e = parse_error(text + "1");  // 2001 characters
  EXPECT_EQ(e.key, "workflow.expr.too_long");
  EXPECT_EQ(e.params.at("position"), "2001");
  EXPECT_EQ(e.params.at("detail"), "1");
  EXPECT_EQ(e.params.at("limit"), "2000");
  EXPECT_EQ(e.params.at("length"), "2001");
  // The limit counts characters: 2000 Chinese characters (6000 bytes) are allowed.
  EXPECT_TRUE(Expression::parse(repeat("金", 2000)));
  EXPECT_EQ(parse_error(repeat("金", 2001)).key, "workflow.expr.too_long");
  EXPECT_EQ(parse_error(std::string(1'000'000, ' ')).key, "workflow.expr.too_long");
}

TEST(ExpressionErrors, TooDeep) {
  const int max = kMaxExpressionDepth;
  EXPECT_EQ(value_of(repeat("(", max) + "1" + repeat(")", max)), json(1));
  expect_parse_error(repeat("(", max + 1) + "1" + repeat(")", max + 1), "workflow.expr.too_deep",
                     max + 1, "(");
  EXPECT_EQ(parse_error(repeat("(", max + 1) + "1" + repeat(")", max + 1)).params.at("limit"),
            "32");
  EXPECT_EQ(value_of(repeat("!", max) + "true"), json(true));
  expect_parse_error(repeat("!", max + 1) + "true", "workflow.expr.too_deep", max + 1, "!");
  expect_parse_error(repeat("not ", max + 1) + "true", "workflow.expr.too_deep", 4 * max + 1,
                     "not");
  EXPECT_EQ(value_of(repeat("-", max) + "5"), json(5));
  expect_parse_error(repeat("-", max + 1) + "5", "workflow.expr.too_deep", max + 1, "-");
  EXPECT_TRUE(Expression::parse(repeat("!(-(", 8) + "1" + repeat(")", 16)));  // depth 32
  expect_parse_error(repeat("!(-(", 9) + "1" + repeat(")", 18), "workflow.expr.too_deep", 33, "!");
  // Long chains of binary operators are not nesting.
  std::string chain = "1";
  for (int i = 0; i < 900; ++i) chain += "+1";
  EXPECT_EQ(value_of(chain), json(901));
  std::string logic = "true";
  for (int i = 0; i < 150; ++i) logic += " and true";
  EXPECT_EQ(value_of(logic), json(true));
}

TEST(ExpressionHostile, DeepNestingNeverCrashes) {
  // Within the length limit: too deep.
  EXPECT_EQ(parse_error(repeat("(", 999) + "1" + repeat(")", 999)).key, "workflow.expr.too_deep");
  EXPECT_EQ(parse_error(repeat("!", 1999) + "x").key, "workflow.expr.too_deep");
  EXPECT_EQ(parse_error(repeat("-", 1999) + "1").key, "workflow.expr.too_deep");
  EXPECT_EQ(parse_error(repeat("(", 2000)).key, "workflow.expr.too_deep");
  // Beyond it: too long, before any parsing.
  EXPECT_EQ(parse_error(repeat("(", 10'000) + "1" + repeat(")", 10'000)).key,
            "workflow.expr.too_long");
  EXPECT_EQ(parse_error(repeat("!", 10'000) + "true").key, "workflow.expr.too_long");
  EXPECT_EQ(parse_error(repeat("-", 10'000) + "1").key, "workflow.expr.too_long");
  EXPECT_EQ(lookup_path({}, repeat("a.", 10'000) + "a"), json(nullptr));
  EXPECT_EQ(lookup_path({}, repeat("a[0]", 400)), json(nullptr));
}

TEST(ExpressionHostile, MarkupIsJustAString) {
  const std::string script = "<script>alert('x')</script>";
  EXPECT_EQ(value_of(R"("<script>alert('x')</script>")"), json(script));
  EXPECT_EQ(value_of(R"(comment == "<img src=x onerror=alert(1)>")",
                     {{"comment", "<img src=x onerror=alert(1)>"}}),
            json(true));
  expect_parse_error("<script>alert(1)</script>", "workflow.expr.syntax", 1, "<");
}

TEST(ExpressionHostile, SqlFragmentsAreSyntaxErrors) {
  expect_parse_error("1; DROP TABLE x", "workflow.expr.syntax", 2, ";");
  expect_parse_error("a == 1; DELETE FROM users", "workflow.expr.syntax", 7, ";");
  expect_parse_error("x' OR '1'='1", "workflow.expr.syntax", 2, "' OR '");
  expect_parse_error("1 OR 1=1", "workflow.expr.syntax", 3, "OR");
  expect_parse_error("name == 'a' UNION SELECT password", "workflow.expr.syntax", 13, "UNION");
  // Inside quotes it is text like any other.
  EXPECT_EQ(value_of("'1; DROP TABLE x'"), json("1; DROP TABLE x"));
}

TEST(ExpressionHostile, FullWidthCharactersAreNotOperators) {
  expect_parse_error("金额＞１０", "workflow.expr.syntax", 3, "＞");
  expect_parse_error("金额 ＞ 10", "workflow.expr.syntax", 4, "＞");
  expect_parse_error("金额 > １０", "workflow.expr.syntax", 6, "１");
  expect_parse_error("（1 + 2）", "workflow.expr.syntax", 1, "（");
  expect_parse_error("a ＝＝ b", "workflow.expr.syntax", 3, "＝");
  expect_parse_error("“同意”", "workflow.expr.syntax", 1, "“");
  expect_parse_error("结果 == ‘同意’", "workflow.expr.syntax", 7, "‘");
  expect_parse_error("a，b", "workflow.expr.syntax", 2, "，");
  expect_parse_error("a。b", "workflow.expr.syntax", 2, "。");
  // Invisible characters are shown by code point.
  expect_parse_error("金额\u3000> 10", "workflow.expr.syntax", 3, "U+3000");
  expect_parse_error("a\u200b > 1", "workflow.expr.syntax", 2, "U+200B");
  expect_parse_error("\ufeffa > 1", "workflow.expr.syntax", 1, "U+FEFF");
  expect_parse_error("a\u00a0> 1", "workflow.expr.syntax", 2, "U+00A0");
}

TEST(ExpressionHostile, NulAndControlCharacters) {
  expect_parse_error(std::string("1 +\0 2", 6), "workflow.expr.syntax", 4, "U+0000");
  expect_parse_error(std::string("'a\0b'", 5), "workflow.expr.syntax", 3, "U+0000");
  expect_parse_error(std::string("\0", 1), "workflow.expr.syntax", 1, "U+0000");
  expect_parse_error("'a\nb'", "workflow.expr.syntax", 3, "U+000A");  // write \n
  expect_parse_error("a > 1\x1b[0m", "workflow.expr.syntax", 6, "U+001B");
  expect_parse_error("a\x7f", "workflow.expr.syntax", 2, "U+007F");
}

TEST(ExpressionHostile, InvalidUtf8) {
  expect_parse_error("'\xff'", "workflow.expr.syntax", 2, "\\xFF");
  expect_parse_error("金\xe9\x87", "workflow.expr.syntax", 2, "\\xE9");           // cut short
  expect_parse_error("\xc0\xaf == 1", "workflow.expr.syntax", 1, "\\xC0");        // overlong
  expect_parse_error("a == '\xed\xa0\x80'", "workflow.expr.syntax", 7, "\\xED");  // surrogate
  expect_parse_error("\xf4\x90\x80\x80", "workflow.expr.syntax", 1, "\\xF4");     // > U+10FFFF
  expect_parse_error("a\x80", "workflow.expr.syntax", 2, "\\x80");
  // Encoding is checked before syntax, so an earlier syntax error is not reported first.
  expect_parse_error("@ '\xff'", "workflow.expr.syntax", 4, "\\xFF");
}

TEST(ExpressionHostile, EmojiAndOtherLettersAreNames) {
  const json vars = {{"😀", 1}, {"größe", 2}, {"значение", 3}, {"変数", 4}};
  EXPECT_EQ(value_of("😀 + größe + значение + 変数", vars), json(10));
}

TEST(ExpressionObject, CopiesShareTheTree) {
  auto parsed = Expression::parse("a + 1");
  ASSERT_TRUE(parsed);
  const Expression copy = *parsed;
  parsed = Expression::parse("a + 2");
  ASSERT_TRUE(parsed);
  EXPECT_EQ(copy.evaluate({{"a", 1}}).value(), json(2));
  EXPECT_EQ(parsed->evaluate({{"a", 1}}).value(), json(3));
  EXPECT_EQ(copy.text(), "a + 1");
  // A default-constructed expression is null and reads nothing.
  const Expression none;
  EXPECT_EQ(none.evaluate({}).value(), json(nullptr));
  EXPECT_TRUE(none.paths().empty());
  EXPECT_EQ(none.test({}).error().key, "workflow.expr.not_boolean");
}

// ------------------------------------------------------------------ the message catalogue

std::map<std::string, std::string> catalogue(const std::string& language) {
  return yiwang::test::catalogue_file(language, "workflow-expression.toml");
}
using yiwang::test::keys_of;
using yiwang::test::placeholders;

// Every key workflow/expression.cpp and workflow/duration.cpp return, with the
// params they give it.
const std::map<std::string, std::set<std::string>> kReturnedKeys = {
    {"workflow.expr.empty", {"position", "detail"}},
    {"workflow.expr.too_long", {"position", "detail", "limit", "length"}},
    {"workflow.expr.too_deep", {"position", "detail", "limit"}},
    {"workflow.expr.syntax", {"position", "detail"}},
    {"workflow.expr.unterminated_string", {"position", "detail"}},
    {"workflow.expr.bad_number", {"position", "detail"}},
    {"workflow.expr.type", {"operator", "left", "right", "position"}},
    {"workflow.expr.division_by_zero", {"operator", "position"}},
    {"workflow.expr.overflow", {"operator", "position"}},
    {"workflow.expr.not_boolean", {"type"}},
    {"workflow.duration.invalid", {"text"}},
    {"workflow.duration.invalid_cycle", {"text"}},
    {"workflow.duration.invalid_date", {"text"}},
};

TEST(ExpressionCatalogue, BothLanguagesHaveTheSameKeys) {
  std::set<std::string> zh, en;
  for (const auto& entry : catalogue("zh-CN")) zh.insert(entry.first);
  for (const auto& entry : catalogue("en")) en.insert(entry.first);
  EXPECT_EQ(zh, en);
  for (const std::string& key : zh) {
    EXPECT_TRUE(key.starts_with("workflow.expr.") || key.starts_with("workflow.duration.")) << key;
  }
}

TEST(ExpressionCatalogue, EveryReturnedKeyHasAMessageWithKnownPlaceholders) {
  for (const char* language : {"zh-CN", "en"}) {
    const auto messages = catalogue(language);
    for (const auto& [key, params] : kReturnedKeys) {
      const auto found = messages.find(key);
      if (found == messages.end()) {
        ADD_FAILURE() << language << " lacks " << key;
        continue;
      }
      for (const std::string& name : placeholders(found->second)) {
        EXPECT_TRUE(params.contains(name)) << language << " " << key << " uses {" << name << "}";
      }
    }
  }
}

TEST(ExpressionCatalogue, BothLanguagesUseTheSamePlaceholders) {
  const auto zh = catalogue("zh-CN");
  const auto en = catalogue("en");
  for (const auto& [key, message] : zh) {
    const auto other = en.find(key);
    if (other == en.end()) continue;  // reported by BothLanguagesHaveTheSameKeys
    EXPECT_EQ(placeholders(message), placeholders(other->second)) << key;
  }
}

TEST(ExpressionCatalogue, ErrorsCarryTheParamsTheCatalogueNames) {
  const std::vector<Error> errors = {
      parse_error(""),
      parse_error(std::string(2001, '1')),
      parse_error(repeat("(", 40)),
      parse_error("1 +"),
      parse_error("'a"),
      parse_error("1.2.3"),
      eval_error("1 < 'a'"),
      eval_error("1 / 0"),
      eval_error("9223372036854775807 + 1"),
      Expression::parse("1")->test({}).error(),
  };
  for (const Error& e : errors) {
    SCOPED_TRACE(e.key);
    const auto expected = kReturnedKeys.find(e.key);
    ASSERT_NE(expected, kReturnedKeys.end());
    std::set<std::string> names;
    for (const auto& p : e.params) names.insert(p.first);
    EXPECT_EQ(names, expected->second);
  }
}

}  // namespace
