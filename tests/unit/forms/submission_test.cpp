// read_submission: a posted form (http::FormData built by hand, as the HTTP
// parsers hand it over) read against a schema: every rule of every field type
// on the server, hostile input kept as data, files checked by name and
// content, repeatable groups adjusted, conditions and bound fields.
#include "forms/submission.hpp"

#include <chrono>
#include <cstdio>
#include <string>
#include <utility>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "core/identifier.hpp"
#include "core/normalise.hpp"
#include "crypto/sm3.hpp"
#include "forms/schema.hpp"
#include "http/form_data.hpp"
#include "tests/unit/forms/forms_fixture.hpp"

namespace yiwang::forms {
namespace {

using namespace std::chrono_literals;
using nlohmann::json;
using namespace test;

const std::string kOfd = std::string("PK\x03\x04", 4) + "OFD.xml...";
const std::string kPng = std::string("\x89PNG\r\n\x1A\n", 8) + "IHDR....";
const std::string kJpeg = std::string("\xFF\xD8\xFF\xE0", 4) + "JFIF....";

// A form of one field (a JSON object).
FormSchema one_field(const std::string& field) {
  return schema_of(R"({"title": "T", "fields": [)" + field + "]}");
}

// The same number with a wrong check character.
std::string citizen_wrong_check(const std::string& first17) {
  char right = core::citizen_check_char(first17);
  return first17 + (right == '0' ? '1' : '0');
}

const std::string kLiSi = citizen("11010519851120002");  // 北京朝阳, 1985-11-20

Submission read(const FormSchema& schema, const Pairs& pairs, const json& previous = json::object(),
                const Context& ctx = context()) {
  return read_submission(schema, form_data(pairs), previous, ctx);
}

// The complete form with a valid charter attached.
Submission read_complete(const Pairs& pairs, const Context& ctx = context()) {
  http::FormData data = form_data(pairs);
  attach(data, "charter", "章程.pdf", kPdf);
  return read_submission(start_up(), data, json::object(), ctx);
}

const Error* find_error(const Submission& s, std::string_view key, std::string_view field) {
  for (const Error& e : s.errors)
    if (e.key == key && e.field == field) return &e;
  return nullptr;
}

::testing::AssertionResult HasError(const Submission& s, std::string_view key,
                                    std::string_view field) {
  if (find_error(s, key, field)) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure()
         << "no " << key << " at \"" << field << "\"; got:" << describe(s.errors);
}

::testing::AssertionResult NoErrorAt(const Submission& s, std::string_view field) {
  for (const Error& e : s.errors)
    if (e.field == field || e.field.starts_with(std::string(field) + "."))
      return ::testing::AssertionFailure()
             << "unexpected error at " << field << ":" << describe(s.errors);
  return ::testing::AssertionSuccess();
}

// ---------------------------------------------------------------------------
// The whole form

TEST(ReadSubmission, CompleteApplicationIsAccepted) {
  Submission s = read_complete(complete());
  EXPECT_TRUE(s.ok()) << describe(s.errors);
  EXPECT_FALSE(s.adjusted);
  const json& v = s.values;
  EXPECT_EQ(v["company_name"], "福州闽江科技有限公司");
  EXPECT_EQ(v["business_scope"], "软件开发；\n信息技术咨询服务。");  // CR LF → LF
  EXPECT_EQ(v["capital"], 100.5);
  EXPECT_EQ(v["start_date"], "2026-03-01");
  EXPECT_EQ(v["company_type"], "llc");
  EXPECT_EQ(v["has_agent"], "no");
  EXPECT_FALSE(v.contains("agent"));
  ASSERT_TRUE(v["shareholders"].is_array());
  ASSERT_EQ(v["shareholders"].size(), 2u);
  EXPECT_EQ(v["shareholders"][0]["name"], "张三");
  EXPECT_EQ(v["shareholders"][0]["id_number"], kZhangSan);
  EXPECT_FALSE(v["shareholders"][0].contains("credit_code"));
  EXPECT_EQ(v["shareholders"][0]["share"], 60);
  EXPECT_EQ(v["shareholders"][1]["credit_code"], kCompanyCode);
  EXPECT_FALSE(v["shareholders"][1].contains("id_number"));
  EXPECT_EQ(v["applicant_name"], "张三");
  EXPECT_EQ(v["division"], (json{{"code", "350102"}, {"name", "福建省福州市鼓楼区"}}));
  EXPECT_EQ(v["office"], (json{{"division", "350102"},
                               {"division_name", "福建省福州市鼓楼区"},
                               {"detail", "五四路 100 号"}}));
  EXPECT_EQ(v["phone"], "13800138000");
  EXPECT_EQ(v["email"], "zhang@example.cn");
  EXPECT_EQ(v["services"], (json{"seal", "bank"}));
  EXPECT_EQ(v["bank_name"], "中国银行福州分行");
  EXPECT_EQ(v["agree"], true);
  ASSERT_EQ(v["charter"].size(), 1u);
  EXPECT_EQ(v["charter"][0]["name"], "章程.pdf");
  EXPECT_EQ(v["other_docs"], json::array());
  ASSERT_EQ(s.files.size(), 1u);
  // The values can be stored as they are.
  EXPECT_NO_THROW((void)v.dump());
}

TEST(ReadSubmission, RequiredFieldsMustBeFilledIn) {
  Submission s = read(start_up(), {});
  EXPECT_FALSE(s.ok());
  for (const char* field :
       {"company_name", "capital", "company_type", "has_agent", "shareholders.0.name",
        "shareholders.0.kind", "shareholders.0.share", "applicant_name", "phone"})
    EXPECT_TRUE(HasError(s, "forms.required", field));
  EXPECT_TRUE(HasError(s, "forms.required", "office.division"));
  EXPECT_TRUE(HasError(s, "forms.file.required", "charter"));
  EXPECT_TRUE(HasError(s, "forms.checkbox.required", "agree"));
  // Optional fields and fields whose condition is not met are not errors.
  for (const char* field :
       {"business_scope", "start_date", "division", "email", "services", "other_docs", "agent",
        "bank_name", "shareholders.0.id_number", "shareholders.0.credit_code", "applicant_id"})
    EXPECT_TRUE(NoErrorAt(s, field));
  EXPECT_FALSE(s.values.contains("company_name"));
}

TEST(ReadSubmission, BlankValuesCountAsEmpty) {
  FormSchema schema = one_field(R"({"name": "a", "type": "text", "label": "A", "required": true})");
  for (const char* blank : {"", "   ", "\xE3\x80\x80\xE3\x80\x80", " \t "}) {
    Submission s = read(schema, {{"a", blank}});
    EXPECT_TRUE(HasError(s, "forms.required", "a")) << "[" << blank << "]";
    EXPECT_FALSE(s.values.contains("a"));
  }
  // Spaces around a value are trimmed.
  Submission s = read(schema, {{"a", "\xE3\x80\x80 张三 "}});
  EXPECT_TRUE(s.ok()) << describe(s.errors);
  EXPECT_EQ(s.values["a"], "张三");
}

// ---------------------------------------------------------------------------
// Text

TEST(ReadSubmission, TextLengthIsCountedInCharactersNotBytes) {
  FormSchema schema = one_field(R"({"name": "a", "type": "text", "label": "A", "max_length": 5})");
  Submission five = read(schema, {{"a", "福州鼓楼区"}});  // 5 characters, 15 bytes
  EXPECT_TRUE(five.ok()) << describe(five.errors);
  EXPECT_EQ(five.values["a"], "福州鼓楼区");

  Submission six = read(schema, {{"a", "福建福州鼓楼区"}});
  const Error* e = find_error(six, "forms.text.too_long", "a");
  ASSERT_NE(e, nullptr) << describe(six.errors);
  EXPECT_EQ(e->params.at("max"), "5");

  Submission ascii = read(schema, {{"a", "abcdef"}});
  EXPECT_TRUE(HasError(ascii, "forms.text.too_long", "a"));
}

// Text a little too long is shown again whole, for the user to shorten: the
// last characters typed are not dropped (in Chinese, 3 bytes a character).
TEST(ReadSubmission, TextALittleTooLongIsShownAgainWhole) {
  FormSchema schema = one_field(R"({"name": "a", "type": "text", "label": "A", "max_length": 5})");
  Submission seven = read(schema, {{"a", "福建福州鼓楼区"}});  // 7 characters, 21 bytes
  EXPECT_TRUE(HasError(seven, "forms.text.too_long", "a"));
  EXPECT_EQ(seven.values["a"], "福建福州鼓楼区");

  FormSchema name = one_field(R"({"name": "a", "type": "text", "label": "A", "max_length": 60})");
  std::string typed;
  for (int i = 0; i < 9; ++i) typed += "福州市鼓楼区五四路一百号";  // 9 × 12 = 108 characters
  Submission s = read(name, {{"a", typed}});
  EXPECT_TRUE(HasError(s, "forms.text.too_long", "a"));
  EXPECT_EQ(s.values["a"], typed);
}

TEST(ReadSubmission, TextShorterThanItsMinimum) {
  Submission s = read(start_up(), with(complete(), "company_name", "闽"));
  const Error* e = find_error(s, "forms.text.too_short", "company_name");
  ASSERT_NE(e, nullptr) << describe(s.errors);
  EXPECT_EQ(e->params.at("min"), "2");
  EXPECT_EQ(s.values["company_name"], "闽");
}

TEST(ReadSubmission, ControlCharactersAreRefusedInText) {
  FormSchema schema = one_field(R"({"name": "a", "type": "text", "label": "A"})");
  for (const std::string& bad :
       {std::string("甲\t乙"), std::string("a\nb"), std::string("a\x01b"), std::string("a\x7f"),
        std::string("a\rb"), std::string("a\0b", 3)}) {
    Submission s = read(schema, {{"a", bad}});
    EXPECT_TRUE(HasError(s, "forms.text.control", "a")) << json(bad).dump();
    EXPECT_NO_THROW((void)s.values.dump());
  }
}

TEST(ReadSubmission, TextareaKeepsLineBreaksButNotOtherControls) {
  FormSchema schema =
      one_field(R"({"name": "a", "type": "textarea", "label": "A", "max_length": 20})");
  Submission s = read(schema, {{"a", "第一行\r\n第二行\n第三行\r\n"}});
  EXPECT_TRUE(s.ok()) << describe(s.errors);
  EXPECT_EQ(s.values["a"], "第一行\n第二行\n第三行");
  EXPECT_TRUE(HasError(read(schema, {{"a", "响铃\x07"}}), "forms.text.control", "a"));
  EXPECT_TRUE(HasError(read(schema, {{"a", "回车\r换行"}}), "forms.text.control", "a"));
  // Line breaks count as characters.
  std::string lines;
  for (int i = 0; i < 11; ++i) lines += "字\n";
  lines += "字";  // 23 characters
  EXPECT_TRUE(HasError(read(schema, {{"a", lines}}), "forms.text.too_long", "a"));
}

TEST(ReadSubmission, InvalidUtf8IsRefusedInText) {
  FormSchema schema = one_field(R"({"name": "a", "type": "text", "label": "A", "required": true})");
  for (const std::string& bad :
       {std::string("abc\xFF"), std::string("\xE4\xB8"), std::string("\xC0\xAF"),
        std::string("\xFF"), std::string("\xED\xA0\x80")}) {
    Submission s = read(schema, {{"a", bad}});
    EXPECT_TRUE(HasError(s, "forms.text.encoding", "a")) << bad.size() << " bytes";
    EXPECT_FALSE(find_error(s, "forms.required", "a"));
    EXPECT_NO_THROW((void)s.values.dump());  // nothing unreadable is kept
  }
}

TEST(ReadSubmission, HostileTextIsKeptAsTypedData) {
  FormSchema schema = schema_of(R"({"title": "T", "fields": [
    {"name": "a", "type": "text", "label": "A"},
    {"name": "b", "type": "textarea", "label": "B"}]})");
  for (const std::string& hostile :
       {std::string("<script>alert('x')</script>"), std::string("'; DROP TABLE x; --"),
        std::string("Robert'); DROP TABLE students;--"), std::string("\" onmouseover=\"alert(1)"),
        std::string("{{#t}}forms.required{{/t}} {{{raw}}}"), std::string("＜ｓｃｒｉｐｔ＞全角"),
        std::string("../../etc/passwd"), std::string("%00%0d%0a"), std::string("${jndi:ldap://x}"),
        std::string("😀 \xE2\x80\xAE 反向")}) {
    Submission s = read(schema, {{"a", hostile}, {"b", hostile}});
    EXPECT_TRUE(s.ok()) << hostile << describe(s.errors);
    EXPECT_EQ(s.values["a"], hostile);  // exactly as typed, not altered or escaped
    EXPECT_EQ(s.values["b"], hostile);
    EXPECT_NO_THROW((void)s.values.dump());
  }
}

TEST(ReadSubmission, VeryLongValuesAreRefusedWithoutHarm) {
  const std::string mega(1 << 20, 'A');
  std::string chinese;
  for (int i = 0; i < 100000; ++i) chinese += "长";
  Pairs pairs = complete();
  for (const char* field :
       {"company_name", "business_scope", "capital", "start_date", "company_type",
        "shareholders.0.id_number", "shareholders.1.credit_code", "division", "office.division",
        "phone", "email", "bank_name"})
    pairs = with(pairs, field, mega);
  pairs = with(pairs, "office.detail", chinese);
  Submission s = read_complete(pairs);
  EXPECT_TRUE(HasError(s, "forms.text.too_long", "company_name"));
  EXPECT_TRUE(HasError(s, "forms.text.too_long", "business_scope"));
  EXPECT_TRUE(HasError(s, "forms.number.invalid", "capital"));
  EXPECT_TRUE(HasError(s, "forms.date.invalid", "start_date"));
  EXPECT_TRUE(HasError(s, "forms.choice.unknown", "company_type"));
  EXPECT_TRUE(HasError(s, "forms.division.unknown", "division"));
  EXPECT_TRUE(HasError(s, "forms.division.unknown", "office.division"));
  EXPECT_TRUE(HasError(s, "forms.text.too_long", "office.detail"));
  EXPECT_TRUE(HasError(s, "forms.phone.invalid", "phone"));
  EXPECT_TRUE(HasError(s, "forms.email.invalid", "email"));
  EXPECT_TRUE(HasError(s, "forms.text.too_long", "bank_name"));
  // What is kept to be shown again (and saved with a draft) is cut, not a
  // megabyte per field.
  for (const auto& [name, value] : s.values.items())
    EXPECT_LT(value.dump().size(), 8u * 1024)
        << name << " keeps " << value.dump().size() << " bytes of what was posted";
}

// Whatever was posted, the values can be saved as a draft (JSON) and shown
// again: bytes that are not UTF-8 are not kept in any field.
TEST(ReadSubmission, InvalidUtf8InAnyFieldLeavesValuesThatCanBeSaved) {
  const std::string bad = "12\xFF\xFE";
  Pairs pairs = complete();
  for (const char* field :
       {"capital", "start_date", "shareholders.0.id_number", "phone", "email", "office.detail"})
    pairs = with(pairs, field, bad);
  Submission s = read_complete(pairs);
  EXPECT_FALSE(s.ok());
  EXPECT_TRUE(HasError(s, "forms.number.invalid", "capital"));
  EXPECT_TRUE(HasError(s, "forms.date.invalid", "start_date"));
  EXPECT_TRUE(HasError(s, "forms.phone.invalid", "phone"));
  EXPECT_TRUE(HasError(s, "forms.email.invalid", "email"));
  EXPECT_TRUE(HasError(s, "forms.text.encoding", "office.detail"));
  for (const auto& [name, value] : s.values.items())
    EXPECT_NO_THROW((void)value.dump()) << name << " holds bytes that are not UTF-8";
}

// ---------------------------------------------------------------------------
// Numbers

TEST(ReadSubmission, NumbersAsPeopleTypeThem) {
  FormSchema schema = one_field(
      R"({"name": "n", "type": "number", "label": "N", "min": -100, "max": 10000000, "decimals": 2})");
  const std::vector<std::pair<std::string, double>> cases = {{"１２３４", 1234},
                                                             {"1,234,567", 1234567},
                                                             {"１，２３４．５", 1234.5},
                                                             {" 12.50 ", 12.5},
                                                             {"+7", 7},
                                                             {"-3.25", -3.25},
                                                             {"0", 0},
                                                             {"1 000", 1000},
                                                             {"007", 7},
                                                             {"\xE3\x80\x80"
                                                              "42",
                                                              42}};
  for (const auto& [typed, expected] : cases) {
    Submission s = read(schema, {{"n", typed}});
    EXPECT_TRUE(s.ok()) << typed << describe(s.errors);
    EXPECT_EQ(s.values["n"], expected) << typed;
  }
}

TEST(ReadSubmission, NumberRulesOfTheSchema) {
  FormSchema schema = schema_of(R"({"title": "T", "fields": [
    {"name": "whole", "type": "number", "label": "W", "min": 1, "max": 100},
    {"name": "money", "type": "number", "label": "M", "min": 0.01, "max": 99999.99, "decimals": 2}]})");
  Submission s = read(schema, {{"whole", "3.5"}, {"money", "1.005"}});
  EXPECT_TRUE(HasError(s, "forms.number.whole", "whole"));
  const Error* d = find_error(s, "forms.number.decimals", "money");
  ASSERT_NE(d, nullptr) << describe(s.errors);
  EXPECT_EQ(d->params.at("decimals"), "2");
  EXPECT_EQ(s.values["whole"], "3.5");  // shown again as typed
  EXPECT_EQ(s.values["money"], "1.005");

  s = read(schema, {{"whole", "0"}, {"money", "100000"}});
  const Error* small = find_error(s, "forms.number.too_small", "whole");
  ASSERT_NE(small, nullptr) << describe(s.errors);
  EXPECT_EQ(small->params.at("min"), "1");
  const Error* large = find_error(s, "forms.number.too_large", "money");
  ASSERT_NE(large, nullptr) << describe(s.errors);
  EXPECT_EQ(large->params.at("max"), "99999.99");

  s = read(schema, {{"whole", "100"}, {"money", "0.01"}});  // the bounds themselves
  EXPECT_TRUE(s.ok()) << describe(s.errors);
  EXPECT_EQ(s.values["whole"], 100);
  EXPECT_EQ(s.values["money"], 0.01);
}

// Bounds in messages are written as people write numbers: "不能大于 1000000",
// not "1e+06".
TEST(ReadSubmission, NumberBoundsInMessagesAreWrittenOut) {
  Submission s = read_complete(with(complete(), "capital", "2000000"));
  const Error* e = find_error(s, "forms.number.too_large", "capital");
  ASSERT_NE(e, nullptr) << describe(s.errors);
  EXPECT_EQ(e->params.at("max"), "1000000");

  FormSchema schema = one_field(
      R"({"name": "n", "type": "number", "label": "N", "min": 100000, "max": 500000000})");
  Submission small = read(schema, {{"n", "99999"}});
  const Error* m = find_error(small, "forms.number.too_small", "n");
  ASSERT_NE(m, nullptr) << describe(small.errors);
  EXPECT_EQ(m->params.at("min"), "100000");
}

TEST(ReadSubmission, NumbersInOtherNotationsAreRefused) {
  FormSchema schema = one_field(R"({"name": "n", "type": "number", "label": "N", "decimals": 6})");
  for (const char* typed : {"1e5",   "1E5",   "inf",  "-inf",   "Infinity",
                            "NaN",   "nan",   "0x10", "0b101",  "--5",
                            "1.2.3", "12abc", "一百", "5%",     "¥100",
                            ".",     "-",     "+",    "1.0e-3", "99999999999999999999999999"}) {
    Submission s = read(schema, {{"n", typed}});
    EXPECT_TRUE(HasError(s, "forms.number.invalid", "n")) << typed;
    EXPECT_TRUE(s.values["n"].is_string()) << typed;  // kept as typed, not a number
    EXPECT_NO_THROW((void)s.values.dump());
  }
}

// ---------------------------------------------------------------------------
// Dates

TEST(ReadSubmission, DatesMustExist) {
  FormSchema schema = one_field(R"({"name": "d", "type": "date", "label": "D"})");
  for (const char* good : {"2026-02-28", "2024-02-29", "2000-02-29", "1999-12-31"}) {
    Submission s = read(schema, {{"d", good}});
    EXPECT_TRUE(s.ok()) << good << describe(s.errors);
    EXPECT_EQ(s.values["d"], good);
  }
  Submission full_width = read(schema, {{"d", "２０２６－０３－０１"}});
  EXPECT_TRUE(full_width.ok()) << describe(full_width.errors);
  EXPECT_EQ(full_width.values["d"], "2026-03-01");
  for (const char* bad : {"2026-02-30", "2025-02-29", "1900-02-29", "2026-13-01", "2026-04-31",
                          "2026-00-10", "2026-01-00", "2026/03/01", "2026-3-1", "20260301",
                          "2026年3月1日", "yesterday", "2026-03-01T00:00"}) {
    Submission s = read(schema, {{"d", bad}});
    EXPECT_TRUE(HasError(s, "forms.date.invalid", "d")) << bad;
    EXPECT_EQ(s.values["d"], bad);  // shown again as typed
  }
}

TEST(ReadSubmission, DateBoundsIncludingToday) {
  FormSchema schema = one_field(
      R"({"name": "d", "type": "date", "label": "D", "min_date": "2020-01-01", "max_date": "today"})");
  Submission early = read(schema, {{"d", "2019-12-31"}});
  const Error* e = find_error(early, "forms.date.too_early", "d");
  ASSERT_NE(e, nullptr) << describe(early.errors);
  EXPECT_EQ(e->params.at("min"), "2020-01-01");

  Submission late = read(schema, {{"d", "2026-03-11"}});  // today is 2026-03-10
  const Error* l = find_error(late, "forms.date.too_late", "d");
  ASSERT_NE(l, nullptr) << describe(late.errors);
  EXPECT_EQ(l->params.at("max"), "2026-03-10");

  EXPECT_TRUE(read(schema, {{"d", "2026-03-10"}}).ok());
  EXPECT_TRUE(read(schema, {{"d", "2020-01-01"}}).ok());

  // "today" follows the context's date.
  Context later = context();
  later.today = std::chrono::sys_days{2026y / 12 / 31};
  EXPECT_TRUE(read(schema, {{"d", "2026-03-11"}}, json::object(), later).ok());

  FormSchema future =
      one_field(R"({"name": "d", "type": "date", "label": "D", "min_date": "today"})");
  EXPECT_TRUE(HasError(read(future, {{"d", "2026-03-09"}}), "forms.date.too_early", "d"));
  EXPECT_TRUE(read(future, {{"d", "2026-03-10"}}).ok());
}

// ---------------------------------------------------------------------------
// Choices

TEST(ReadSubmission, SelectAndRadioTakeOnlyTheirOptions) {
  Submission s =
      read(start_up(), with(with(complete(), "company_type", "partnership"), "has_agent", "YES"));
  EXPECT_TRUE(HasError(s, "forms.choice.unknown", "company_type"));
  EXPECT_TRUE(HasError(s, "forms.choice.unknown", "has_agent"));  // values are exact
  EXPECT_FALSE(s.values.contains("company_type"));  // an unknown value is not shown again
  EXPECT_FALSE(s.values.contains("has_agent"));
  EXPECT_FALSE(s.values.contains("agent"));

  Submission ok = read(start_up(), with(complete(), "company_type", " jsc "));
  EXPECT_FALSE(find_error(ok, "forms.choice.unknown", "company_type"));
  EXPECT_EQ(ok.values["company_type"], "jsc");
}

TEST(ReadSubmission, SingleCheckbox) {
  FormSchema schema = schema_of(R"({"title": "T", "fields": [
    {"name": "agree", "type": "checkbox", "label": "同意", "required": true},
    {"name": "news", "type": "checkbox", "label": "订阅"}]})");
  Submission on = read(schema, {{"agree", "yes"}, {"news", "yes"}});
  EXPECT_TRUE(on.ok()) << describe(on.errors);
  EXPECT_EQ(on.values["agree"], true);
  EXPECT_EQ(on.values["news"], true);

  Submission off = read(schema, {});
  EXPECT_TRUE(HasError(off, "forms.checkbox.required", "agree"));
  EXPECT_EQ(off.values["news"], false);
  EXPECT_TRUE(NoErrorAt(off, "news"));
}

TEST(ReadSubmission, CheckboxWithSeveralOptions) {
  FormSchema schema = one_field(R"({"name": "c", "type": "checkbox", "label": "C", "required": true,
    "options": [{"value": "a", "label": "A"}, {"value": "b", "label": "B"}, {"value": "c", "label": "C"}]})");
  Submission s = read(schema, {{"c", "c"}, {"c", "a"}, {"c", "c"}});
  EXPECT_TRUE(s.ok()) << describe(s.errors);
  EXPECT_EQ(s.values["c"], (json{"c", "a"}));  // in the order ticked, once each

  Submission unknown = read(schema, {{"c", "a"}, {"c", "<script>"}});
  EXPECT_TRUE(HasError(unknown, "forms.choice.unknown", "c"));
  EXPECT_EQ(unknown.values["c"], (json{"a"}));

  Submission none = read(schema, {});
  EXPECT_TRUE(HasError(none, "forms.checkbox.choose_one", "c"));
  EXPECT_EQ(none.values["c"], json::array());

  FormSchema optional = one_field(R"({"name": "c", "type": "checkbox", "label": "C",
    "options": [{"value": "a", "label": "A"}]})");
  EXPECT_TRUE(read(optional, {}).ok());
}

// ---------------------------------------------------------------------------
// Identifiers, divisions, addresses, phones, e-mail

TEST(ReadSubmission, CitizenIdNumbers) {
  FormSchema schema = one_field(
      R"({"name": "id_number", "type": "citizen_id", "label": "身份证号", "required": true})");
  Submission ok = read(schema, {{"id_number", kZhangSan}});
  EXPECT_TRUE(ok.ok()) << kZhangSan << describe(ok.errors);
  EXPECT_EQ(ok.values["id_number"], kZhangSan);

  // Full width, spaces, a lower-case x: normalised.
  std::string first17;
  for (int seq = 0; seq < 1000 && first17.empty(); ++seq) {
    std::string candidate = std::to_string(1000 + seq).substr(1);
    candidate = "11010519851120" + candidate;
    if (core::citizen_check_char(candidate) == 'X') first17 = candidate;
  }
  ASSERT_FALSE(first17.empty());
  Submission lower = read(schema, {{"id_number", " " + first17 + "x "}});
  EXPECT_TRUE(lower.ok()) << describe(lower.errors);
  EXPECT_EQ(lower.values["id_number"], first17 + "X");

  Submission wrong = read(schema, {{"id_number", citizen_wrong_check("35010219900307123")}});
  const Error* e = find_error(wrong, "id.citizen.check_digit", "id_number");
  ASSERT_NE(e, nullptr) << describe(wrong.errors);
  EXPECT_EQ(e->params.at("expected"), std::string(1, kZhangSan.back()));

  EXPECT_TRUE(HasError(read(schema, {{"id_number", "3501021990030712"}}), "id.citizen.length",
                       "id_number"));
  // A division that is not in the table, a birth date after today (2026-03-10).
  EXPECT_TRUE(HasError(read(schema, {{"id_number", citizen("35019919900307123")}}),
                       "id.citizen.division_unknown", "id_number"));
  EXPECT_TRUE(HasError(read(schema, {{"id_number", citizen("35010220260311123")}}),
                       "id.citizen.future_birth_date", "id_number"));
  EXPECT_TRUE(HasError(read(schema, {{"id_number", citizen("35010219900230123")}}),
                       "id.citizen.birth_date", "id_number"));
  // A 15-digit number of the first generation is stored in its 18-digit form.
  Submission legacy = read(schema, {{"id_number", "350102900307123"}});
  EXPECT_TRUE(legacy.ok()) << describe(legacy.errors);
  EXPECT_EQ(legacy.values["id_number"], citizen("35010219900307123"));
}

TEST(ReadSubmission, CreditCodes) {
  FormSchema schema =
      one_field(R"({"name": "code", "type": "credit_code", "label": "统一社会信用代码"})");
  const std::string first17 = kCompanyCode.substr(0, 17);
  ASSERT_EQ(core::uscc_check_char(first17), kCompanyCode.back());
  Submission ok = read(schema, {{"code", "９１３５０１００ｍ０００１００ｙ４３"}});
  EXPECT_TRUE(ok.ok()) << describe(ok.errors);
  EXPECT_EQ(ok.values["code"], kCompanyCode);

  Submission wrong = read(schema, {{"code", first17 + "4"}});
  const Error* e = find_error(wrong, "id.uscc.check_digit", "code");
  ASSERT_NE(e, nullptr) << describe(wrong.errors);
  EXPECT_EQ(e->params.at("expected"), "3");
  EXPECT_EQ(wrong.values["code"], first17 + "4");

  EXPECT_TRUE(HasError(read(schema, {{"code", "91350100M000100Y4"}}), "id.uscc.length", "code"));
  // 350199 is not in the division table.
  std::string unknown = "91350199M000100Y4";
  unknown += core::uscc_check_char(unknown);
  EXPECT_TRUE(HasError(read(schema, {{"code", unknown}}), "id.uscc.division_unknown", "code"));
}

TEST(ReadSubmission, Divisions) {
  FormSchema schema = one_field(R"({"name": "d", "type": "division", "label": "所在地"})");
  Submission ok = read(schema, {{"d", " ３５０１０２ "}});
  EXPECT_TRUE(ok.ok()) << describe(ok.errors);
  EXPECT_EQ(ok.values["d"], (json{{"code", "350102"}, {"name", "福建省福州市鼓楼区"}}));

  for (const char* bad : {"999999", "35010", "3501020", "abcdef", "350199"}) {
    Submission s = read(schema, {{"d", bad}});
    const Error* e = find_error(s, "forms.division.unknown", "d");
    ASSERT_NE(e, nullptr) << bad << describe(s.errors);
    EXPECT_EQ(e->params.at("code"), core::normalise_identifier(bad));
  }
  // Without a table, nothing can be confirmed.
  Context no_table = context();
  no_table.division_name = nullptr;
  EXPECT_TRUE(HasError(read(schema, {{"d", "350102"}}, json::object(), no_table),
                       "forms.division.unknown", "d"));
}

TEST(ReadSubmission, Addresses) {
  Submission ok = read_complete(complete());
  EXPECT_TRUE(NoErrorAt(ok, "office"));

  Submission no_detail = read_complete(without(complete(), "office.detail"));
  EXPECT_TRUE(HasError(no_detail, "forms.address.detail_required", "office.detail"));
  EXPECT_EQ(no_detail.values["office"]["division_name"], "福建省福州市鼓楼区");

  Submission unknown = read_complete(with(complete(), "office.division", "350199"));
  const Error* e = find_error(unknown, "forms.division.unknown", "office.division");
  ASSERT_NE(e, nullptr) << describe(unknown.errors);
  EXPECT_EQ(e->params.at("code"), "350199");
  EXPECT_EQ(unknown.values["office"]["detail"], "五四路 100 号");  // kept to be corrected

  Submission none = read_complete(without(without(complete(), "office.division"), "office.detail"));
  EXPECT_TRUE(HasError(none, "forms.required", "office.division"));

  std::string long_detail;
  for (int i = 0; i < 101; ++i) long_detail += "路";
  Submission too_long = read_complete(with(complete(), "office.detail", long_detail));
  const Error* t = find_error(too_long, "forms.text.too_long", "office.detail");
  ASSERT_NE(t, nullptr) << describe(too_long.errors);
  EXPECT_EQ(t->params.at("max"), "100");

  EXPECT_TRUE(HasError(read_complete(with(complete(), "office.detail", "五四路\t100号")),
                       "forms.text.control", "office.detail"));
}

// A street typed without its area: the area is missing, not "“” is not in
// the table".
TEST(ReadSubmission, AnAddressWithoutItsAreaIsReportedAsMissing) {
  Submission s = read_complete(without(complete(), "office.division"));
  EXPECT_TRUE(HasError(s, "forms.required", "office.division"));
  EXPECT_FALSE(find_error(s, "forms.division.unknown", "office.division")) << describe(s.errors);
}

TEST(ReadSubmission, PhoneNumbers) {
  FormSchema schema = one_field(R"({"name": "p", "type": "phone", "label": "电话"})");
  const std::vector<std::pair<std::string, std::string>> good = {
      {"13800138000", "13800138000"},
      {"138 0013 8000", "13800138000"},
      {"138-0013-8000", "13800138000"},
      {"１３８００１３８０００", "13800138000"},
      {"0591-87654321", "0591-87654321"}};
  for (const auto& [typed, stored] : good) {
    Submission s = read(schema, {{"p", typed}});
    EXPECT_TRUE(s.ok()) << typed << describe(s.errors);
    EXPECT_EQ(s.values["p"], stored) << typed;
  }
  for (const char* bad : {"12345", "1380013800", "138001380001", "12800138000", "059187654321",
                          "tel:13800138000", "+86 13800138000x", "13800138000; DROP"}) {
    Submission s = read(schema, {{"p", bad}});
    EXPECT_TRUE(HasError(s, "forms.phone.invalid", "p")) << bad;
    EXPECT_EQ(s.values["p"], bad);
  }
}

TEST(ReadSubmission, EmailAddresses) {
  FormSchema schema = one_field(R"({"name": "e", "type": "email", "label": "邮箱"})");
  Submission ok = read(schema, {{"e", " zhang.san@Example.CN "}});
  EXPECT_TRUE(ok.ok()) << describe(ok.errors);
  EXPECT_EQ(ok.values["e"], "zhang.san@example.cn");
  Submission full_width = read(schema, {{"e", "ｚｈａｎｇ＠ｅｘａｍｐｌｅ．ｃｎ"}});
  EXPECT_TRUE(full_width.ok()) << describe(full_width.errors);
  EXPECT_EQ(full_width.values["e"], "zhang@example.cn");
  for (const char* bad : {"zhang", "zhang@", "@example.cn", "a@b@example.cn", "张三@example.cn",
                          "zhang san@example.cn", "zhang@example.cn\r\nBcc: x@y.cn"}) {
    Submission s = read(schema, {{"e", bad}});
    EXPECT_TRUE(HasError(s, "forms.email.invalid", "e")) << bad;
  }
}

// ---------------------------------------------------------------------------
// Files

TEST(ReadSubmissionFiles, AcceptedFileIsReturnedUnderItsDigest) {
  Submission s = read_complete(complete());
  ASSERT_EQ(s.files.size(), 1u) << describe(s.errors);
  const AcceptedFile& f = s.files[0];
  const std::string ref = crypto::to_hex(crypto::sm3(kPdf));
  EXPECT_EQ(ref.size(), 64u);
  EXPECT_EQ(f.path, "charter");
  EXPECT_EQ(f.filename, "章程.pdf");
  EXPECT_EQ(f.mime, "application/pdf");
  EXPECT_EQ(f.ref, ref);
  EXPECT_EQ(f.data, kPdf);
  EXPECT_EQ(s.values["charter"], (json::array({{{"name", "章程.pdf"},
                                                {"mime", "application/pdf"},
                                                {"size", kPdf.size()},
                                                {"ref", ref}}})));
}

TEST(ReadSubmissionFiles, TypeIsJudgedByExtensionAndContent) {
  FormSchema schema = one_field(
      R"({"name": "f", "type": "file", "label": "材料", "accept": [".pdf", ".ofd", ".jpg", ".png"], "max_files": 10})");
  http::FormData good;
  attach(good, "f", "章程.PDF", kPdf);
  attach(good, "f", "营业执照.ofd", kOfd, "application/octet-stream");
  attach(good, "f", "身份证.JPG", kJpeg, "image/jpeg");
  attach(good, "f", "scan.png", kPng, "text/html");  // what the client claims does not count
  Submission s = read_submission(schema, good, json::object(), context());
  EXPECT_TRUE(s.ok()) << describe(s.errors);
  ASSERT_EQ(s.files.size(), 4u);
  EXPECT_EQ(s.files[1].mime, "application/ofd");
  EXPECT_EQ(s.files[3].mime, "image/png");
  EXPECT_EQ(s.values["f"].size(), 4u);

  struct Case {
    std::string filename, data, key;
  };
  const std::vector<Case> cases = {
      {"章程.docx", std::string("PK\x03\x04", 4) + "word", "forms.file.type"},
      {"章程.exe", "MZ\x90", "forms.file.type"},
      {"章程", kPdf, "forms.file.type"},
      {"章程.pdf.exe", kPdf, "forms.file.type"},
      {"章程.pdf", "<html><script>alert(1)</script></html>", "forms.file.content"},
      {"章程.pdf", std::string("MZ\x90\x00", 4) + "This program", "forms.file.content"},
      {"照片.jpg", kPng, "forms.file.content"},
      {"营业执照.ofd", kPdf, "forms.file.content"},
      {"章程.pdf", "", "forms.file.empty"},
  };
  for (const Case& c : cases) {
    http::FormData data;
    attach(data, "f", c.filename, c.data);
    Submission bad = read_submission(schema, data, json::object(), context());
    const Error* e = find_error(bad, c.key, "f");
    ASSERT_NE(e, nullptr) << c.filename << describe(bad.errors);
    EXPECT_EQ(e->params.at("file"), c.filename);
    EXPECT_EQ(e->params.at("accept"), ".pdf .ofd .jpg .png");
    if (c.key == "forms.file.content") {
      EXPECT_EQ(e->params.at("ext"), c.filename.substr(c.filename.rfind('.')));
    }
    EXPECT_TRUE(bad.files.empty()) << c.filename;
    EXPECT_EQ(bad.values["f"], json::array()) << c.filename;
  }
}

TEST(ReadSubmissionFiles, SizeLimit) {
  http::FormData at_limit = form_data(complete());
  std::string big = kPdf + std::string(1048576 - kPdf.size(), 'x');
  attach(at_limit, "charter", "章程.pdf", big);
  Submission ok = read_submission(start_up(), at_limit, json::object(), context());
  EXPECT_TRUE(ok.ok()) << describe(ok.errors);

  http::FormData over = form_data(complete());
  attach(over, "charter", "章程.pdf", big + "x");
  Submission s = read_submission(start_up(), over, json::object(), context());
  const Error* e = find_error(s, "forms.file.too_large", "charter");
  ASSERT_NE(e, nullptr) << describe(s.errors);
  EXPECT_EQ(e->params.at("max"), "1 MiB");
  EXPECT_EQ(e->params.at("file"), "章程.pdf");
  EXPECT_TRUE(s.files.empty());
  EXPECT_TRUE(HasError(s, "forms.file.required", "charter"));  // nothing acceptable left
}

TEST(ReadSubmissionFiles, TooManyFiles) {
  http::FormData data = form_data(complete());
  attach(data, "charter", "章程.pdf", kPdf);
  for (int i = 0; i < 4; ++i)
    attach(data, "other_docs", "材料" + std::to_string(i) + ".pdf", kPdf + std::to_string(i));
  Submission s = read_submission(start_up(), data, json::object(), context());
  const Error* e = find_error(s, "forms.file.too_many", "other_docs");
  ASSERT_NE(e, nullptr) << describe(s.errors);
  EXPECT_EQ(e->params.at("max"), "3");

  // Three is allowed.
  http::FormData three = form_data(complete());
  attach(three, "charter", "章程.pdf", kPdf);
  for (int i = 0; i < 3; ++i)
    attach(three, "other_docs", "材料" + std::to_string(i) + ".pdf", kPdf + std::to_string(i));
  Submission ok = read_submission(start_up(), three, json::object(), context());
  EXPECT_TRUE(ok.ok()) << describe(ok.errors);
  EXPECT_EQ(ok.values["other_docs"].size(), 3u);
  EXPECT_EQ(ok.files.size(), 4u);
}

TEST(ReadSubmissionFiles, FilesOfOtherFieldsAreNotTaken) {
  http::FormData data = form_data(complete());
  attach(data, "charters", "章程.pdf", kPdf);
  attach(data, "charter.0", "章程.pdf", kPdf);
  Submission s = read_submission(start_up(), data, json::object(), context());
  EXPECT_TRUE(HasError(s, "forms.file.required", "charter"));
  EXPECT_TRUE(s.files.empty());
}

json kept_charter(const std::string& ref = "a1b2c3") {
  return json{
      {"charter",
       json::array(
           {{{"name", "旧章程.pdf"}, {"mime", "application/pdf"}, {"size", 1234}, {"ref", ref}}})}};
}

TEST(ReadSubmissionFiles, KeptFromTheDraftUnlessRemoved) {
  Submission kept = read(start_up(), complete(), kept_charter());
  EXPECT_TRUE(kept.ok()) << describe(kept.errors);
  EXPECT_EQ(kept.values["charter"], kept_charter()["charter"]);
  EXPECT_TRUE(kept.files.empty());  // nothing new to store

  Submission removed =
      read(start_up(), with(complete(), "charter.remove", "a1b2c3"), kept_charter());
  EXPECT_EQ(removed.values["charter"], json::array());
  EXPECT_TRUE(HasError(removed, "forms.file.required", "charter"));

  Submission other_ref =
      read(start_up(), with(complete(), "charter.remove", "ffff"), kept_charter());
  EXPECT_EQ(other_ref.values["charter"].size(), 1u);
}

TEST(ReadSubmissionFiles, ReplacedInAOneFileField) {
  http::FormData data = form_data(complete());
  attach(data, "charter", "新章程.pdf", kPdf);
  Submission s = read_submission(start_up(), data, kept_charter(), context());
  EXPECT_TRUE(s.ok()) << describe(s.errors);
  ASSERT_EQ(s.values["charter"].size(), 1u);
  EXPECT_EQ(s.values["charter"][0]["name"], "新章程.pdf");
  EXPECT_EQ(s.values["charter"][0]["ref"], crypto::to_hex(crypto::sm3(kPdf)));
}

TEST(ReadSubmissionFiles, ARefusedUploadDoesNotReplaceTheKeptFile) {
  http::FormData data = form_data(complete());
  attach(data, "charter", "新章程.pdf", "not a pdf");
  Submission s = read_submission(start_up(), data, kept_charter(), context());
  EXPECT_TRUE(HasError(s, "forms.file.content", "charter"));
  ASSERT_EQ(s.values["charter"].size(), 1u);
  EXPECT_EQ(s.values["charter"][0]["ref"], "a1b2c3");
}

TEST(ReadSubmissionFiles, AddedToAndRemovedFromAMultiFileField) {
  json previous = {{"other_docs", json::array({{{"name", "a.pdf"}, {"size", 10}, {"ref", "r1"}},
                                               {{"name", "b.pdf"}, {"size", 20}, {"ref", "r2"}}})}};
  previous.update(kept_charter());
  http::FormData data = form_data(with(complete(), "other_docs.remove", "r1"));
  attach(data, "other_docs", "c.png", kPng);
  Submission s = read_submission(start_up(), data, previous, context());
  EXPECT_TRUE(s.ok()) << describe(s.errors);
  ASSERT_EQ(s.values["other_docs"].size(), 2u);
  EXPECT_EQ(s.values["other_docs"][0]["ref"], "r2");
  EXPECT_EQ(s.values["other_docs"][1]["name"], "c.png");

  // Two kept and two new are one too many.
  http::FormData more = form_data(complete());
  attach(more, "other_docs", "c.png", kPng);
  attach(more, "other_docs", "d.png", kPng + "d");
  Submission over = read_submission(start_up(), more, previous, context());
  EXPECT_TRUE(HasError(over, "forms.file.too_many", "other_docs"));
}

// ---------------------------------------------------------------------------
// Repeatable groups

TEST(ReadSubmissionGroups, ItemsFollowThePostedCount) {
  Pairs three = complete();
  three = with(three, "shareholders.count", "3");
  three.insert(three.end(), {{"shareholders.2.name", "李四"},
                             {"shareholders.2.kind", "person"},
                             {"shareholders.2.id_number", kLiSi},
                             {"shareholders.2.share", "0"}});
  Submission s = read_complete(three);
  EXPECT_TRUE(s.ok()) << describe(s.errors);
  ASSERT_EQ(s.values["shareholders"].size(), 3u);
  EXPECT_EQ(s.values["shareholders"][2]["id_number"], kLiSi);

  // Items beyond the count are not read.
  Submission one = read_complete(with(complete(), "shareholders.count", "1"));
  EXPECT_TRUE(one.ok()) << describe(one.errors);
  ASSERT_EQ(one.values["shareholders"].size(), 1u);
  EXPECT_EQ(one.values["shareholders"][0]["name"], "张三");
}

TEST(ReadSubmissionGroups, CountIsBoundedAndFallsBack) {
  Submission huge = read_complete(with(complete(), "shareholders.count", "1000000"));
  EXPECT_EQ(huge.values["shareholders"].size(), 3u);  // max_items

  Submission negative = read_complete(with(complete(), "shareholders.count", "-5"));
  EXPECT_EQ(negative.values["shareholders"].size(), 0u);
  EXPECT_TRUE(HasError(negative, "forms.group.too_few", "shareholders"));

  // No count, or one that is not a number: the draft's items, else the minimum.
  Submission missing = read_complete(without(complete(), "shareholders.count"));
  EXPECT_EQ(missing.values["shareholders"].size(), 1u);
  Submission junk = read_complete(with(complete(), "shareholders.count", "2abc"));
  EXPECT_EQ(junk.values["shareholders"].size(), 1u);
  json previous = {{"shareholders", json::array({json::object(), json::object()})}};
  http::FormData data = form_data(without(complete(), "shareholders.count"));
  attach(data, "charter", "章程.pdf", kPdf);
  Submission from_draft = read_submission(start_up(), data, previous, context());
  EXPECT_EQ(from_draft.values["shareholders"].size(), 2u);
}

TEST(ReadSubmissionGroups, TooFewItems) {
  Submission s = read_complete(with(complete(), "shareholders.count", "0"));
  const Error* e = find_error(s, "forms.group.too_few", "shareholders");
  ASSERT_NE(e, nullptr) << describe(s.errors);
  EXPECT_EQ(e->params.at("min"), "1");
  EXPECT_FALSE(s.ok());
}

TEST(ReadSubmissionGroups, ErrorsNameTheItem) {
  Pairs pairs = without(complete(), "shareholders.1.name");
  pairs = with(pairs, "shareholders.0.share", "150");
  Submission s = read_complete(pairs);
  EXPECT_TRUE(HasError(s, "forms.required", "shareholders.1.name"));
  EXPECT_TRUE(HasError(s, "forms.number.too_large", "shareholders.0.share"));
  EXPECT_TRUE(NoErrorAt(s, "shareholders.0.name"));
}

TEST(ReadSubmissionGroups, AddingAnItemShowsTheFormAgainWithoutErrors) {
  Pairs pairs = {
      {"shareholders.count", "1"}, {"shareholders.0.name", "张三"}, {"_add", "shareholders"}};
  Submission s = read(start_up(), pairs);
  EXPECT_TRUE(s.adjusted);
  EXPECT_TRUE(s.errors.empty()) << describe(s.errors);
  EXPECT_FALSE(s.ok());
  ASSERT_EQ(s.values["shareholders"].size(), 2u);
  EXPECT_EQ(s.values["shareholders"][0]["name"], "张三");  // what was typed stays
  EXPECT_EQ(s.values["shareholders"][1], json::object());
}

TEST(ReadSubmissionGroups, AddingStopsAtTheMaximum) {
  Pairs pairs = with(complete(), "shareholders.count", "3");
  pairs.emplace_back("_add", "shareholders");
  Submission s = read_complete(pairs);
  EXPECT_EQ(s.values["shareholders"].size(), 3u);
}

TEST(ReadSubmissionGroups, RemovingAnItemShowsTheFormAgainWithoutErrors) {
  Pairs pairs = complete();
  pairs.emplace_back("_remove", "shareholders.0");
  pairs = without(pairs, "company_name");  // an error that is not reported while adjusting
  Submission s = read_complete(pairs);
  EXPECT_TRUE(s.adjusted);
  EXPECT_TRUE(s.errors.empty()) << describe(s.errors);
  EXPECT_FALSE(s.ok());
  ASSERT_EQ(s.values["shareholders"].size(), 1u);
  EXPECT_EQ(s.values["shareholders"][0]["name"], "福州某某投资有限公司");
  EXPECT_EQ(s.values["shareholders"][0]["credit_code"], kCompanyCode);
}

TEST(ReadSubmissionGroups, RemovingSomethingThatIsNotAnItemChangesNothing) {
  for (const char* target :
       {"shareholders.7", "shareholders.-1", "shareholders.x", "shareholders.0.name",
        "shareholders", "agent.0", "shareholders.01x"}) {
    Pairs pairs = complete();
    pairs.emplace_back("_remove", target);
    Submission s = read_complete(pairs);
    EXPECT_FALSE(s.adjusted) << target;
    EXPECT_EQ(s.values["shareholders"].size(), 2u) << target;
  }
}

TEST(ReadSubmissionGroups, GroupItemsCarryTheirDraftFiles) {
  FormSchema schema = schema_of(R"({"title": "T", "fields": [
    {"name": "people", "type": "group", "label": "人员", "max_items": 3, "fields": [
      {"name": "name", "type": "text", "label": "姓名", "required": true},
      {"name": "photo", "type": "file", "label": "照片", "accept": [".jpg"], "required": true}]}]})");
  json previous = {
      {"people",
       json::array(
           {{{"name", "甲"}, {"photo", json::array({{{"name", "a.jpg"}, {"ref", "ra"}}})}},
            {{"name", "乙"}, {"photo", json::array({{{"name", "b.jpg"}, {"ref", "rb"}}})}}})}};
  http::FormData data =
      form_data({{"people.count", "2"}, {"people.0.name", "甲"}, {"people.1.name", "乙"}});
  attach(data, "people.1.photo", "c.jpg", kJpeg);
  Submission s = read_submission(schema, data, previous, context());
  EXPECT_TRUE(s.ok()) << describe(s.errors);
  EXPECT_EQ(s.values["people"][0]["photo"][0]["ref"], "ra");
  EXPECT_EQ(s.values["people"][1]["photo"][0]["name"], "c.jpg");
  ASSERT_EQ(s.files.size(), 1u);
  EXPECT_EQ(s.files[0].path, "people.1.photo");
}

// ---------------------------------------------------------------------------
// Conditions

TEST(ReadSubmissionConditions, FieldsNotAskedForAreIgnored) {
  Pairs pairs = complete();
  pairs.insert(pairs.end(), {{"agent.name", "<b>x</b>"}, {"agent.id_number", "not a number"}});
  Submission s = read_complete(pairs);  // has_agent = no
  EXPECT_TRUE(s.ok()) << describe(s.errors);
  EXPECT_FALSE(s.values.contains("agent"));

  Submission unanswered = read_complete(without(pairs, "has_agent"));
  EXPECT_TRUE(HasError(unanswered, "forms.required", "has_agent"));
  EXPECT_TRUE(NoErrorAt(unanswered, "agent"));
  EXPECT_FALSE(unanswered.values.contains("agent"));
}

TEST(ReadSubmissionConditions, FieldsAskedForAreValidated) {
  Pairs pairs = with(complete(), "has_agent", "yes");
  Submission missing = read_complete(pairs);
  EXPECT_TRUE(HasError(missing, "forms.required", "agent.name"));
  EXPECT_TRUE(HasError(missing, "forms.required", "agent.id_number"));

  pairs.insert(pairs.end(), {{"agent.name", "王五"}, {"agent.id_number", "123"}});
  Submission bad = read_complete(pairs);
  EXPECT_TRUE(HasError(bad, "id.citizen.length", "agent.id_number"));

  pairs = with(pairs, "agent.id_number", kLiSi);
  Submission ok = read_complete(pairs);
  EXPECT_TRUE(ok.ok()) << describe(ok.errors);
  EXPECT_EQ(ok.values["agent"]["name"], "王五");
  EXPECT_EQ(ok.values["agent"]["id_number"], kLiSi);
}

TEST(ReadSubmissionConditions, ConditionOnASiblingInAGroupItem) {
  Pairs pairs = complete();
  // Item 0 is a person: a credit code typed there is not asked for.
  pairs.emplace_back("shareholders.0.credit_code", "junk");
  // Item 1 is a company: its 身份证号 is not asked for, its credit code is.
  pairs.emplace_back("shareholders.1.id_number", "junk");
  pairs = without(pairs, "shareholders.1.credit_code");
  Submission s = read_complete(pairs);
  EXPECT_TRUE(HasError(s, "forms.required", "shareholders.1.credit_code"));
  EXPECT_TRUE(NoErrorAt(s, "shareholders.0.credit_code"));
  EXPECT_TRUE(NoErrorAt(s, "shareholders.1.id_number"));
  EXPECT_TRUE(NoErrorAt(s, "shareholders.0.id_number"));
  EXPECT_FALSE(s.values["shareholders"][0].contains("credit_code"));
  EXPECT_FALSE(s.values["shareholders"][1].contains("id_number"));

  // Each item is judged on its own sibling: item 1 switched to a person.
  Pairs person = with(complete(), "shareholders.1.kind", "person");
  Submission p = read_complete(person);
  EXPECT_TRUE(HasError(p, "forms.required", "shareholders.1.id_number"));
  EXPECT_TRUE(NoErrorAt(p, "shareholders.1.credit_code"));
}

// A condition on a field that is itself not asked for does not hold: without
// JavaScript every field is on the page, and an answer left in a field that
// does not apply must not make the fields depending on it required.
TEST(ReadSubmissionConditions, AConditionOnAFieldNotAskedForDoesNotHold) {
  FormSchema schema = schema_of(R"({"title": "T", "fields": [
    {"name": "has_agent", "type": "radio", "label": "是否委托代理人",
     "options": [{"value": "yes", "label": "是"}, {"value": "no", "label": "否"}]},
    {"name": "agent_kind", "type": "radio", "label": "代理人类型",
     "when": {"field": "has_agent", "equals": ["yes"]},
     "options": [{"value": "lawyer", "label": "律师"}, {"value": "staff", "label": "员工"}]},
    {"name": "lawyer_licence", "type": "text", "label": "律师执业证号", "required": true,
     "when": {"field": "agent_kind", "equals": ["lawyer"]}}]})");
  Submission s = read(schema, {{"has_agent", "no"}, {"agent_kind", "lawyer"}});
  EXPECT_FALSE(s.values.contains("agent_kind"));
  EXPECT_TRUE(NoErrorAt(s, "lawyer_licence"));
  EXPECT_TRUE(s.ok()) << describe(s.errors);

  Submission asked = read(schema, {{"has_agent", "yes"}, {"agent_kind", "lawyer"}});
  EXPECT_TRUE(HasError(asked, "forms.required", "lawyer_licence"));
}

TEST(ReadSubmissionConditions, ConditionOnACheckboxWithSeveralValues) {
  Submission without_bank =
      read_complete(without(with(complete(), "services", "seal"), "bank_name"));
  EXPECT_TRUE(without_bank.ok()) << describe(without_bank.errors);
  EXPECT_FALSE(without_bank.values.contains("bank_name"));

  Submission with_bank = read_complete(without(complete(), "bank_name"));  // seal and bank
  EXPECT_TRUE(HasError(with_bank, "forms.required", "bank_name"));
}

// ---------------------------------------------------------------------------
// Bound fields

TEST(ReadSubmissionBound, PrefilledValueWinsOverWhatWasPosted) {
  Context ctx = context();
  ctx.prefill = {{"person.name", "张三"}, {"person.citizen_id", kZhangSan}};
  Pairs pairs = with(complete(), "applicant_name", "李四");
  pairs.emplace_back("applicant_id", "junk");
  Submission s = read_complete(pairs, ctx);
  EXPECT_TRUE(s.ok()) << describe(s.errors);
  EXPECT_EQ(s.values["applicant_name"], "张三");
  EXPECT_EQ(s.values["applicant_id"], kZhangSan);

  // Nothing posted for a bound field is not an error.
  Submission quiet = read_complete(without(complete(), "applicant_name"), ctx);
  EXPECT_TRUE(quiet.ok()) << describe(quiet.errors);
  EXPECT_EQ(quiet.values["applicant_name"], "张三");
}

TEST(ReadSubmissionBound, WithoutAKnownValueTheFieldIsFilledInAsUsual) {
  Context ctx = context();
  ctx.prefill = {{"person.name", ""}, {"person.citizen_id", nullptr}};
  Submission s = read_complete(with(complete(), "applicant_name", "李四"), ctx);
  EXPECT_TRUE(s.ok()) << describe(s.errors);
  EXPECT_EQ(s.values["applicant_name"], "李四");
  Submission missing = read_complete(without(complete(), "applicant_name"), ctx);
  EXPECT_TRUE(HasError(missing, "forms.required", "applicant_name"));
}

TEST(ReadSubmissionBound, ConditionsFollowTheBoundValueNotThePostedOne) {
  FormSchema schema = schema_of(R"({"title": "T", "fields": [
    {"name": "kind", "type": "radio", "label": "类型", "bind": "enterprise.kind",
     "options": [{"value": "a", "label": "A"}, {"value": "b", "label": "B"}]},
    {"name": "licence_no", "type": "text", "label": "许可证号", "required": true,
     "when": {"field": "kind", "equals": ["a"]}}]})");
  Context ctx = context();
  ctx.prefill = {{"enterprise.kind", "a"}};
  Submission s = read(schema, {{"kind", "b"}}, json::object(), ctx);
  EXPECT_EQ(s.values["kind"], "a");
  EXPECT_TRUE(HasError(s, "forms.required", "licence_no"));
}

// ---------------------------------------------------------------------------
// condition_holds (what the read-only view uses)

TEST(ConditionHolds, OnTheScopeThenOnTheTopLevel) {
  const Field* id = start_up().field("shareholders")->child("id_number");
  ASSERT_NE(id, nullptr);
  EXPECT_TRUE(condition_holds(*id, {{"kind", "person"}}, json::object()));
  EXPECT_FALSE(condition_holds(*id, {{"kind", "company"}}, json::object()));
  EXPECT_FALSE(condition_holds(*id, json::object(), json::object()));
  EXPECT_TRUE(condition_holds(*id, json::object(), {{"kind", "person"}}));
  EXPECT_FALSE(condition_holds(*id, {{"kind", "company"}}, {{"kind", "person"}}));

  const Field* bank = start_up().field("bank_name");
  EXPECT_TRUE(condition_holds(*bank, {{"services", {"seal", "bank"}}}, json::object()));
  EXPECT_FALSE(condition_holds(*bank, {{"services", {"seal"}}}, json::object()));
  EXPECT_FALSE(condition_holds(*bank, {{"services", json::array()}}, json::object()));

  const Field* name = start_up().field("company_name");  // no condition
  EXPECT_TRUE(condition_holds(*name, json::object(), json::object()));
}

}  // namespace
}  // namespace yiwang::forms
