// parse_schema and schema_json: a realistic application form (企业开办) with
// every field type parses and round-trips, and each rule an administrator can
// break is reported with its "forms.schema.*" key and the path of the field.
#include "forms/schema.hpp"

#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "tests/unit/forms/forms_fixture.hpp"

namespace yiwang::forms {
namespace {

using Parsed = std::expected<FormSchema, std::vector<Error>>;
using nlohmann::json;
// Declared here, not by a using-directive, so that the overload for Parsed
// below adds to it rather than hiding it.
using test::describe;
using test::kStartUp;

// parse_schema of text (a string literal converts to JSON as well).
Parsed parse_text(std::string_view text) { return parse_schema(text); }

std::string describe(const Parsed& parsed) {
  return parsed ? std::string("parsed without problems") : describe(parsed.error());
}

const Error* find_problem(const Parsed& parsed, std::string_view key, std::string_view field) {
  if (parsed) return nullptr;
  for (const Error& e : parsed.error())
    if (e.key == key && e.field == field) return &e;
  return nullptr;
}

::testing::AssertionResult HasProblem(const Parsed& parsed, std::string_view key,
                                      std::string_view field) {
  if (find_problem(parsed, key, field)) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure()
         << "no " << key << " at field \"" << field << "\"; got:" << describe(parsed);
}

// A form with the given fields (a JSON array), titled.
Parsed form_of(const std::string& fields) {
  return parse_text(R"({"title": "测试表单", "fields": )" + fields + "}");
}

// A form with one field (a JSON object).
Parsed form_with(const std::string& field) { return form_of("[" + field + "]"); }

const Field* field_at(const FormSchema& schema, std::initializer_list<std::string_view> path) {
  const Field* f = nullptr;
  for (std::string_view part : path) {
    f = f ? f->child(part) : schema.field(part);
    if (!f) return nullptr;
  }
  return f;
}

// ---------------------------------------------------------------------------
// A valid schema

TEST(ParseSchema, RealisticApplicationFormParses) {
  Parsed parsed = parse_text(kStartUp);
  ASSERT_TRUE(parsed) << describe(parsed);
  const FormSchema& s = *parsed;
  EXPECT_EQ(s.title, "企业开办申请表");
  EXPECT_EQ(s.title_en, "Business start-up application");
  ASSERT_EQ(s.fields.size(), 19u);

  const Field* name = s.field("company_name");
  ASSERT_NE(name, nullptr);
  EXPECT_EQ(name->type, FieldType::text);
  EXPECT_EQ(name->label, "企业名称");
  EXPECT_EQ(name->label_en, "Company name");
  EXPECT_EQ(name->hint, "与名称自主申报结果一致");
  EXPECT_TRUE(name->required);
  EXPECT_EQ(name->min_length, 2u);
  EXPECT_EQ(name->text_limit(), 60u);

  const Field* capital = s.field("capital");
  ASSERT_NE(capital, nullptr);
  EXPECT_EQ(capital->type, FieldType::number);
  ASSERT_TRUE(capital->min && capital->max);
  EXPECT_EQ(*capital->min, 1);
  EXPECT_EQ(*capital->max, 1000000);
  EXPECT_EQ(capital->decimals, 2);
  EXPECT_EQ(capital->unit, "万元");

  EXPECT_EQ(s.field("start_date")->min_date, "2020-01-01");
  EXPECT_EQ(s.field("start_date")->max_date, "today");

  const Field* type = s.field("company_type");
  ASSERT_EQ(type->options.size(), 2u);
  EXPECT_EQ(type->options[1].value, "jsc");
  EXPECT_EQ(type->options[1].label, "股份有限公司");
  EXPECT_EQ(type->options[1].label_en, "Joint-stock company");

  const Field* agent = s.field("agent");
  ASSERT_NE(agent, nullptr);
  EXPECT_EQ(agent->type, FieldType::group);
  EXPECT_FALSE(agent->repeatable());
  ASSERT_TRUE(agent->when);
  EXPECT_EQ(agent->when->field, "has_agent");
  EXPECT_EQ(agent->when->equals, std::vector<std::string>{"yes"});
  ASSERT_EQ(agent->fields.size(), 3u);
  EXPECT_EQ(agent->child("id_number")->type, FieldType::citizen_id);

  const Field* holders = s.field("shareholders");
  ASSERT_NE(holders, nullptr);
  EXPECT_TRUE(holders->repeatable());
  EXPECT_EQ(holders->min_items, 1);
  EXPECT_EQ(holders->max_items, 3);
  const Field* code = field_at(s, {"shareholders", "credit_code"});
  ASSERT_NE(code, nullptr);
  EXPECT_EQ(code->type, FieldType::credit_code);
  ASSERT_TRUE(code->when);
  EXPECT_EQ(code->when->field, "kind");

  EXPECT_EQ(s.field("applicant_name")->bind, "person.name");
  EXPECT_EQ(s.field("applicant_id")->bind, "person.citizen_id");
  EXPECT_EQ(s.field("division")->type, FieldType::division);
  EXPECT_EQ(s.field("office")->type, FieldType::address);
  EXPECT_EQ(s.field("office")->text_limit(), 100u);
  EXPECT_EQ(s.field("phone")->type, FieldType::phone);
  EXPECT_EQ(s.field("email")->type, FieldType::email);
  EXPECT_EQ(s.field("services")->options.size(), 3u);
  EXPECT_TRUE(s.field("agree")->options.empty());  // one box

  const Field* charter = s.field("charter");
  EXPECT_EQ(charter->type, FieldType::file);
  EXPECT_EQ(charter->accept, (std::vector<std::string>{".pdf", ".ofd"}));
  EXPECT_EQ(charter->file_limit(), 1048576u);
  EXPECT_EQ(charter->max_files, 1);
  EXPECT_EQ(s.field("other_docs")->max_files, 3);
}

TEST(ParseSchema, DefaultsApplyWhereTheSchemaIsSilent) {
  Parsed parsed = form_of(R"([
    {"name": "a", "type": "text", "label": "A"},
    {"name": "b", "type": "textarea", "label": "B"},
    {"name": "c", "type": "file", "label": "C", "accept": [".pdf"]},
    {"name": "d", "type": "group", "label": "D", "fields": [{"name": "x", "type": "text", "label": "X"}]},
    {"name": "e", "type": "group", "label": "E", "required": true, "max_items": 5,
     "fields": [{"name": "x", "type": "text", "label": "X"}]}])");
  ASSERT_TRUE(parsed) << describe(parsed);
  EXPECT_EQ(parsed->field("a")->text_limit(), 200u);
  EXPECT_EQ(parsed->field("b")->text_limit(), 2000u);
  EXPECT_EQ(parsed->field("c")->file_limit(), 10u << 20);
  EXPECT_EQ(parsed->field("c")->max_files, 1);
  EXPECT_FALSE(parsed->field("d")->repeatable());
  EXPECT_FALSE(parsed->field("a")->required);
  EXPECT_TRUE(parsed->field("e")->repeatable());
  EXPECT_EQ(parsed->field("e")->min_items, 1);  // required: at least one item
}

TEST(ParseSchema, RoundTripsThroughSchemaJson) {
  Parsed first = parse_text(kStartUp);
  ASSERT_TRUE(first) << describe(first);
  json once = schema_json(*first);
  Parsed second = parse_schema_json(once);
  ASSERT_TRUE(second) << describe(second) << "\n" << once.dump(2);
  EXPECT_EQ(schema_json(*second), once);
  // Through text as well, the way a schema is stored.
  Parsed third = parse_schema(std::string_view(once.dump()));
  ASSERT_TRUE(third) << describe(third);
  EXPECT_EQ(schema_json(*third), once);

  // What the administrator wrote is there, and the defaults too.
  EXPECT_EQ(once["title"], "企业开办申请表");
  const json& fields = once["fields"];
  ASSERT_EQ(fields.size(), 19u);
  EXPECT_EQ(fields[0]["max_length"], 60);
  EXPECT_EQ(fields[0]["min_length"], 2);
  EXPECT_EQ(fields[2]["unit"], "万元");
  EXPECT_EQ(fields[6]["when"], (json{{"field", "has_agent"}, {"equals", {"yes"}}}));
  EXPECT_EQ(fields[7]["max_items"], 3);
  EXPECT_EQ(fields[7]["fields"][3]["when"]["field"], "kind");
  EXPECT_EQ(fields[8]["bind"], "person.name");
  EXPECT_EQ(fields[8]["max_length"], 200);  // the default, written out
  EXPECT_EQ(fields[16]["accept"], (json{".pdf", ".ofd"}));
  EXPECT_EQ(fields[17]["max_bytes"], 10 << 20);
  EXPECT_EQ(fields[17]["max_files"], 3);
  EXPECT_EQ(fields[4]["options"][0]["label_en"], "Limited liability company");
}

TEST(ParseSchema, FieldTypeNamesAreTheirOwnInverse) {
  const std::vector<std::string_view> names = {
      "text",        "textarea", "number",  "date",  "select", "radio", "checkbox", "citizen_id",
      "credit_code", "division", "address", "phone", "email",  "file",  "group"};
  for (std::string_view n : names) {
    auto t = parse_field_type(n);
    ASSERT_TRUE(t) << n;
    EXPECT_EQ(field_type_name(*t), n);
  }
  EXPECT_FALSE(parse_field_type("string"));
  EXPECT_FALSE(parse_field_type("Text"));
  EXPECT_FALSE(parse_field_type(""));
}

// ---------------------------------------------------------------------------
// Each rule, with the path of the field

TEST(ParseSchema, UnknownTypeNamesTheFieldAndTheType) {
  Parsed parsed = form_of(R"([
    {"name": "g", "type": "group", "label": "G", "fields": [
      {"name": "x", "type": "string", "label": "X"}]},
    {"name": "y", "label": "Y"}])");
  ASSERT_TRUE(HasProblem(parsed, "forms.schema.unknown_type", "g.x"));
  EXPECT_EQ(find_problem(parsed, "forms.schema.unknown_type", "g.x")->params.at("type"), "string");
  EXPECT_TRUE(HasProblem(parsed, "forms.schema.unknown_type", "y"));  // no type at all
}

TEST(ParseSchema, UnknownKeysAreReportedOnFieldsAndOnTheForm) {
  Parsed parsed = parse_text(R"({"title": "T", "version": 2, "fields": [
    {"name": "a", "type": "text", "label": "A", "placeholder": "请输入"},
    {"name": "g", "type": "group", "label": "G", "fields": [
      {"name": "b", "type": "text", "label": "B", "Required": true}]}]})");
  ASSERT_TRUE(HasProblem(parsed, "forms.schema.unknown_key", ""));
  EXPECT_EQ(find_problem(parsed, "forms.schema.unknown_key", "")->params.at("key"), "version");
  ASSERT_TRUE(HasProblem(parsed, "forms.schema.unknown_key", "a"));
  EXPECT_EQ(find_problem(parsed, "forms.schema.unknown_key", "a")->params.at("key"), "placeholder");
  ASSERT_TRUE(HasProblem(parsed, "forms.schema.unknown_key", "g.b"));
  EXPECT_EQ(find_problem(parsed, "forms.schema.unknown_key", "g.b")->params.at("key"), "Required");
}

TEST(ParseSchema, BadNamesAreRefused) {
  const std::string too_long(41, 'a');
  for (const std::string& bad :
       std::vector<std::string>{"Name", "1st", "a-b", "a.b", "名称", "_a", "a b", too_long}) {
    Parsed parsed = form_with(R"({"name": ")" + bad + R"(", "type": "text", "label": "A"})");
    ASSERT_TRUE(HasProblem(parsed, "forms.schema.bad_name", "")) << bad;
    EXPECT_EQ(find_problem(parsed, "forms.schema.bad_name", "")->params.at("name"), bad);
  }
  // Inside a group the path of the group is named; a missing name is bad too.
  Parsed in_group = form_with(R"({"name": "g", "type": "group", "label": "G", "fields": [
      {"type": "text", "label": "X"}]})");
  EXPECT_TRUE(HasProblem(in_group, "forms.schema.bad_name", "g"));
  // Forty characters, digits and underscores are fine.
  Parsed good = form_with(R"({"name": ")" + std::string(38, 'a') + R"(9_",
                              "type": "text", "label": "A"})");
  EXPECT_TRUE(good) << describe(good);
}

TEST(ParseSchema, DuplicateNamesOnOneLevel) {
  Parsed parsed = form_of(R"([
    {"name": "a", "type": "text", "label": "A"},
    {"name": "a", "type": "number", "label": "A2"},
    {"name": "g", "type": "group", "label": "G", "fields": [
      {"name": "b", "type": "text", "label": "B"},
      {"name": "b", "type": "text", "label": "B2"}]}])");
  EXPECT_TRUE(HasProblem(parsed, "forms.schema.duplicate_name", "a"));
  EXPECT_TRUE(HasProblem(parsed, "forms.schema.duplicate_name", "g.b"));
  // The same name on different levels is fine.
  Parsed ok = form_of(R"([
    {"name": "name", "type": "text", "label": "A"},
    {"name": "g", "type": "group", "label": "G", "fields": [
      {"name": "name", "type": "text", "label": "B"}]}])");
  EXPECT_TRUE(ok) << describe(ok);
}

TEST(ParseSchema, MissingLabelAndTitle) {
  Parsed parsed = parse_text(R"({"fields": [{"name": "a", "type": "text"},
    {"name": "g", "type": "group", "label": "G", "fields": [{"name": "b", "type": "date"}]}]})");
  EXPECT_TRUE(HasProblem(parsed, "forms.schema.title_required", ""));
  EXPECT_TRUE(HasProblem(parsed, "forms.schema.label_required", "a"));
  EXPECT_TRUE(HasProblem(parsed, "forms.schema.label_required", "g.b"));
}

TEST(ParseSchema, TextPropertiesMustBeTextWithinLimits) {
  Parsed parsed = form_of(R"([
    {"name": "a", "type": "text", "label": 5},
    {"name": "b", "type": "text", "label": "B\u0007"},
    {"name": "c", "type": "text", "label": "C", "hint": ")" +
                          std::string(501, 'x') + R"("},
    {"name": "d", "type": "text", "label": "D", "required": "yes"}])");
  EXPECT_TRUE(HasProblem(parsed, "forms.schema.not_text", "a"));
  EXPECT_TRUE(HasProblem(parsed, "forms.schema.bad_text", "b"));
  ASSERT_TRUE(HasProblem(parsed, "forms.schema.bad_text", "c"));
  EXPECT_EQ(find_problem(parsed, "forms.schema.bad_text", "c")->params.at("key"), "hint");
  EXPECT_EQ(find_problem(parsed, "forms.schema.bad_text", "c")->params.at("max"), "500");
  ASSERT_TRUE(HasProblem(parsed, "forms.schema.not_boolean", "d"));
  EXPECT_EQ(find_problem(parsed, "forms.schema.not_boolean", "d")->params.at("key"), "required");
  // A label of 100 Chinese characters is within the limit (characters, not bytes).
  std::string label;
  for (int i = 0; i < 100; ++i) label += "字";
  EXPECT_TRUE(form_with(R"({"name": "e", "type": "text", "label": ")" + label + R"("})"));
}

TEST(ParseSchema, ChoiceFieldsNeedOptions) {
  Parsed parsed = form_of(R"([
    {"name": "s", "type": "select", "label": "S"},
    {"name": "r", "type": "radio", "label": "R"},
    {"name": "c", "type": "checkbox", "label": "C"}])");
  EXPECT_TRUE(HasProblem(parsed, "forms.schema.options_required", "s"));
  EXPECT_TRUE(HasProblem(parsed, "forms.schema.options_required", "r"));
  EXPECT_FALSE(find_problem(parsed, "forms.schema.options_required", "c"));  // a single box
}

TEST(ParseSchema, BadOptionLists) {
  Parsed parsed = form_of(R"([
    {"name": "a", "type": "select", "label": "A", "options": []},
    {"name": "b", "type": "select", "label": "B", "options": "x,y"},
    {"name": "c", "type": "radio", "label": "C", "options": [
      {"value": "x", "label": "X"}, {"value": "x", "label": "X again"}]},
    {"name": "d", "type": "radio", "label": "D", "options": [{"label": "no value"}]},
    {"name": "e", "type": "radio", "label": "E", "options": [{"value": " padded ", "label": "P"}]},
    {"name": "f", "type": "radio", "label": "F", "options": [{"value": "v"}]}])");
  EXPECT_TRUE(HasProblem(parsed, "forms.schema.bad_options", "a"));
  EXPECT_TRUE(HasProblem(parsed, "forms.schema.bad_options", "b"));
  ASSERT_TRUE(HasProblem(parsed, "forms.schema.duplicate_option", "c"));
  EXPECT_EQ(find_problem(parsed, "forms.schema.duplicate_option", "c")->params.at("value"), "x");
  EXPECT_TRUE(HasProblem(parsed, "forms.schema.bad_option", "d"));
  EXPECT_TRUE(HasProblem(parsed, "forms.schema.bad_option", "e"));
  EXPECT_TRUE(HasProblem(parsed, "forms.schema.bad_option", "f"));

  std::string many = "[";
  for (std::size_t i = 0; i <= kMaxOptions; ++i)
    many +=
        (i ? "," : "") + std::string(R"({"value": "v)") + std::to_string(i) + R"(", "label": "L"})";
  many += "]";
  Parsed too_many =
      form_with(R"({"name": "g", "type": "select", "label": "G", "options": )" + many + "}");
  ASSERT_TRUE(HasProblem(too_many, "forms.schema.bad_options", "g"));
  EXPECT_EQ(find_problem(too_many, "forms.schema.bad_options", "g")->params.at("max"), "500");
}

TEST(ParseSchema, KeysOnTheWrongTypeOfField) {
  Parsed parsed = form_of(R"([
    {"name": "a", "type": "text", "label": "A", "options": [{"value": "x", "label": "X"}]},
    {"name": "b", "type": "number", "label": "B", "max_length": 5},
    {"name": "c", "type": "text", "label": "C", "accept": [".pdf"]},
    {"name": "d", "type": "text", "label": "D", "fields": []},
    {"name": "e", "type": "select", "label": "E", "min": 1,
     "options": [{"value": "x", "label": "X"}]},
    {"name": "f", "type": "file", "label": "F", "accept": [".pdf"], "bind": "person.photo"},
    {"name": "g", "type": "group", "label": "G", "bind": "enterprise.name",
     "fields": [{"name": "x", "type": "text", "label": "X"}]},
    {"name": "h", "type": "text", "label": "H", "min_date": "2020-01-01", "max_items": 3}])");
  const Error* options = find_problem(parsed, "forms.schema.key_not_for_type", "a");
  ASSERT_NE(options, nullptr) << describe(parsed);
  EXPECT_EQ(options->params.at("key"), "options");
  EXPECT_EQ(options->params.at("type"), "text");
  EXPECT_TRUE(HasProblem(parsed, "forms.schema.key_not_for_type", "b"));
  EXPECT_TRUE(HasProblem(parsed, "forms.schema.key_not_for_type", "c"));
  EXPECT_TRUE(HasProblem(parsed, "forms.schema.key_not_for_type", "d"));
  EXPECT_TRUE(HasProblem(parsed, "forms.schema.key_not_for_type", "e"));
  EXPECT_TRUE(HasProblem(parsed, "forms.schema.key_not_for_type", "f"));
  EXPECT_TRUE(HasProblem(parsed, "forms.schema.key_not_for_type", "g"));
  int on_h = 0;
  for (const Error& e : parsed.error())
    if (e.key == "forms.schema.key_not_for_type" && e.field == "h") ++on_h;
  EXPECT_EQ(on_h, 2) << describe(parsed);
}

TEST(ParseSchema, FileFieldsNeedKnownExtensions) {
  Parsed parsed = form_of(R"([
    {"name": "a", "type": "file", "label": "A", "accept": [".pdf", ".exe"]},
    {"name": "b", "type": "file", "label": "B", "accept": ["pdf"]},
    {"name": "c", "type": "file", "label": "C", "accept": [".PDF"]},
    {"name": "d", "type": "file", "label": "D"},
    {"name": "e", "type": "file", "label": "E", "accept": []}])");
  const Error* exe = find_problem(parsed, "forms.schema.bad_accept", "a");
  ASSERT_NE(exe, nullptr) << describe(parsed);
  EXPECT_EQ(exe->params.at("ext"), ".exe");
  EXPECT_NE(exe->params.at("known").find(".pdf"), std::string::npos);
  EXPECT_NE(exe->params.at("known").find(".ofd"), std::string::npos);
  EXPECT_TRUE(HasProblem(parsed, "forms.schema.bad_accept", "b"));
  EXPECT_TRUE(HasProblem(parsed, "forms.schema.bad_accept", "c"));  // lower case only
  EXPECT_TRUE(HasProblem(parsed, "forms.schema.accept_required", "d"));
  EXPECT_TRUE(HasProblem(parsed, "forms.schema.accept_required", "e"));

  Parsed all = form_with(R"({"name": "f", "type": "file", "label": "F",
    "accept": [".pdf", ".ofd", ".jpg", ".jpeg", ".png", ".docx", ".xlsx", ".doc", ".xls", ".pdf"]})");
  ASSERT_TRUE(all) << describe(all);
  EXPECT_EQ(all->field("f")->accept.size(), 9u);  // the repeated .pdf once
}

TEST(ParseSchema, LowerBoundAboveUpperBound) {
  Parsed parsed = form_of(R"([
    {"name": "a", "type": "text", "label": "A", "min_length": 10, "max_length": 5},
    {"name": "b", "type": "number", "label": "B", "min": 10, "max": 1},
    {"name": "c", "type": "date", "label": "C", "min_date": "2026-12-31", "max_date": "2026-01-01"},
    {"name": "d", "type": "group", "label": "D", "min_items": 5, "max_items": 2,
     "fields": [{"name": "x", "type": "text", "label": "X"}]}])");
  const std::vector<std::pair<std::string, std::string>> expected = {
      {"a", "min_length"}, {"b", "min"}, {"c", "min_date"}, {"d", "min_items"}};
  for (const auto& [field, key] : expected) {
    const Error* e = find_problem(parsed, "forms.schema.min_over_max", field);
    ASSERT_NE(e, nullptr) << field << describe(parsed);
    EXPECT_EQ(e->params.at("key"), key);
  }
  // Equal bounds are fine.
  EXPECT_TRUE(form_with(R"({"name": "e", "type": "number", "label": "E", "min": 3, "max": 3})"));
}

// A minimum length above the type's default maximum (text: 200 characters)
// makes a field that no answer can satisfy: every non-empty answer is either
// too short or too long.
TEST(ParseSchema, MinimumLengthAboveTheDefaultMaximum) {
  Parsed parsed = form_with(R"({"name": "a", "type": "text", "label": "A", "min_length": 300})");
  EXPECT_TRUE(HasProblem(parsed, "forms.schema.min_over_max", "a"));
}

TEST(ParseSchema, NumbersOutsideTheirRange) {
  Parsed parsed = form_of(R"([
    {"name": "a", "type": "text", "label": "A", "max_length": 0},
    {"name": "b", "type": "text", "label": "B", "max_length": 20001},
    {"name": "c", "type": "number", "label": "C", "decimals": 7},
    {"name": "d", "type": "number", "label": "D", "min": "ten"},
    {"name": "e", "type": "group", "label": "E", "max_items": 101,
     "fields": [{"name": "x", "type": "text", "label": "X"}]},
    {"name": "f", "type": "file", "label": "F", "accept": [".pdf"], "max_files": 21},
    {"name": "g", "type": "file", "label": "G", "accept": [".pdf"], "max_bytes": 52428801},
    {"name": "h", "type": "textarea", "label": "H", "max_length": 10.5},
    {"name": "i", "type": "number", "label": "I", "max": 1e16}])");
  const std::vector<std::pair<std::string, std::string>> expected = {
      {"a", "max_length"}, {"b", "max_length"}, {"c", "decimals"},
      {"d", "min"},        {"e", "max_items"},  {"f", "max_files"},
      {"g", "max_bytes"},  {"h", "max_length"}, {"i", "max"}};
  for (const auto& [field, key] : expected) {
    const Error* e = find_problem(parsed, "forms.schema.bad_number", field);
    ASSERT_NE(e, nullptr) << field << describe(parsed);
    EXPECT_EQ(e->params.at("key"), key);
  }
  EXPECT_EQ(find_problem(parsed, "forms.schema.bad_number", "b")->params.at("max"), "20000");
  // The limits themselves are allowed.
  Parsed limits = form_of(R"([
    {"name": "a", "type": "text", "label": "A", "max_length": 20000},
    {"name": "f", "type": "file", "label": "F", "accept": [".pdf"], "max_files": 20,
     "max_bytes": 52428800},
    {"name": "e", "type": "group", "label": "E", "max_items": 100,
     "fields": [{"name": "x", "type": "text", "label": "X"}]}])");
  EXPECT_TRUE(limits) << describe(limits);
}

TEST(ParseSchema, DatesMustBeRealOrToday) {
  Parsed parsed = form_of(R"([
    {"name": "a", "type": "date", "label": "A", "min_date": "2026-02-30"},
    {"name": "b", "type": "date", "label": "B", "max_date": "tomorrow"},
    {"name": "c", "type": "date", "label": "C", "min_date": "2026/01/01"}])");
  ASSERT_TRUE(HasProblem(parsed, "forms.schema.bad_date", "a"));
  EXPECT_EQ(find_problem(parsed, "forms.schema.bad_date", "a")->params.at("value"), "2026-02-30");
  EXPECT_EQ(find_problem(parsed, "forms.schema.bad_date", "a")->params.at("key"), "min_date");
  EXPECT_TRUE(HasProblem(parsed, "forms.schema.bad_date", "b"));
  EXPECT_TRUE(HasProblem(parsed, "forms.schema.bad_date", "c"));
  Parsed ok = form_with(
      R"({"name": "d", "type": "date", "label": "D", "min_date": "today", "max_date": "2099-12-31"})");
  EXPECT_TRUE(ok) << describe(ok);
}

TEST(ParseSchema, GroupsNestAtMostThreeDeep) {
  auto nested = [](int groups) {
    std::string inner = R"({"name": "leaf", "type": "text", "label": "L"})";
    for (int i = groups; i >= 1; --i)
      inner = R"({"name": "g)" + std::to_string(i) +
              R"(", "type": "group", "label": "G", "fields": [)" + inner + "]}";
    return form_with(inner);
  };
  Parsed three = nested(3);
  EXPECT_TRUE(three) << describe(three);
  Parsed four = nested(4);
  ASSERT_TRUE(HasProblem(four, "forms.schema.too_deep", "g1.g2.g3.g4"));
  EXPECT_EQ(find_problem(four, "forms.schema.too_deep", "g1.g2.g3.g4")->params.at("max"), "3");
}

TEST(ParseSchema, BindingsNameKnownData) {
  // Only names the platform resolves: a misspelt binding would leave the field empty.
  for (const char* bad :
       {"citizen.name", "person", "person.", "Person.name", "person.Name", "person.a.b.c.d",
        "person..name", "person.名字", "person.id_number", "enterprise.boss", "licence.food"}) {
    Parsed parsed = form_with(
        std::string(R"({"name": "a", "type": "text", "label": "A", "bind": ")") + bad + R"("})");
    ASSERT_TRUE(HasProblem(parsed, "forms.schema.bad_bind", "a")) << bad;
    EXPECT_EQ(find_problem(parsed, "forms.schema.bad_bind", "a")->params.at("bind"), bad);
  }
  EXPECT_TRUE(HasProblem(form_with(R"({"name": "a", "type": "text", "label": "A", "bind": 3})"),
                         "forms.schema.bad_bind", "a"));
  Parsed good = form_of(R"([
    {"name": "a", "type": "text", "label": "A", "bind": "person.name"},
    {"name": "b", "type": "credit_code", "label": "B", "bind": "enterprise.credit_code"},
    {"name": "c", "type": "text", "label": "C", "bind": "licence.food.number"},
    {"name": "g", "type": "group", "label": "G", "fields": [
      {"name": "d", "type": "division", "label": "D", "bind": "enterprise.division"}]}])");
  ASSERT_TRUE(good) << describe(good);
  EXPECT_EQ(good->field("c")->bind, "licence.food.number");
  EXPECT_EQ(field_at(*good, {"g", "d"})->bind, "enterprise.division");
}

TEST(ParseSchema, ConditionsMustBeWellFormed) {
  const char* radio =
      R"({"name": "r", "type": "radio", "label": "R", "options": [{"value": "y", "label": "Y"}]})";
  for (const char* when :
       {R"("r")", R"({"field": "r"})", R"({"field": "r", "equals": []})",
        R"({"field": "r", "equals": "y"})", R"({"field": "r", "equals": [1]})",
        R"({"field": "r", "equals": ["y"], "not": true})", R"({"field": 1, "equals": ["y"]})"}) {
    Parsed parsed =
        form_of(std::string("[") + radio +
                R"(, {"name": "a", "type": "text", "label": "A", "when": )" + when + "}]");
    EXPECT_TRUE(HasProblem(parsed, "forms.schema.bad_condition", "a")) << when;
  }
}

TEST(ParseSchema, ConditionsOnUnknownFields) {
  Parsed parsed = form_of(R"([
    {"name": "a", "type": "text", "label": "A", "when": {"field": "nothing", "equals": ["x"]}},
    {"name": "g", "type": "group", "label": "G", "fields": [
      {"name": "r", "type": "radio", "label": "R", "options": [{"value": "x", "label": "X"}]}]},
    {"name": "h", "type": "group", "label": "H", "fields": [
      {"name": "b", "type": "text", "label": "B", "when": {"field": "r", "equals": ["x"]}}]}])");
  ASSERT_TRUE(HasProblem(parsed, "forms.schema.condition_unknown_field", "a"));
  EXPECT_EQ(find_problem(parsed, "forms.schema.condition_unknown_field", "a")->params.at("target"),
            "nothing");
  // A field of another group is neither a sibling nor at the top level.
  EXPECT_TRUE(HasProblem(parsed, "forms.schema.condition_unknown_field", "h.b"));
}

TEST(ParseSchema, ConditionsMayReferToASiblingOrToTheTopLevel) {
  Parsed parsed = form_of(R"([
    {"name": "r", "type": "radio", "label": "R", "options": [{"value": "x", "label": "X"}]},
    {"name": "g", "type": "group", "label": "G", "max_items": 4, "fields": [
      {"name": "s", "type": "select", "label": "S", "options": [{"value": "y", "label": "Y"}]},
      {"name": "a", "type": "text", "label": "A", "when": {"field": "s", "equals": ["y"]}},
      {"name": "b", "type": "text", "label": "B", "when": {"field": "r", "equals": ["x"]}}]},
    {"name": "c", "type": "checkbox", "label": "C", "options": [{"value": "z", "label": "Z"}]},
    {"name": "d", "type": "text", "label": "D", "when": {"field": "c", "equals": ["z"]}}])");
  EXPECT_TRUE(parsed) << describe(parsed);
}

TEST(ParseSchema, ConditionsNeedAChoiceField) {
  Parsed parsed = form_of(R"([
    {"name": "t", "type": "text", "label": "T"},
    {"name": "a", "type": "text", "label": "A", "when": {"field": "t", "equals": ["x"]}},
    {"name": "g", "type": "group", "label": "G", "fields": [
      {"name": "b", "type": "text", "label": "B", "when": {"field": "t", "equals": ["x"]}}]}])");
  ASSERT_TRUE(HasProblem(parsed, "forms.schema.condition_needs_choice", "a"));
  EXPECT_EQ(find_problem(parsed, "forms.schema.condition_needs_choice", "a")->params.at("target"),
            "t");
  EXPECT_TRUE(HasProblem(parsed, "forms.schema.condition_needs_choice", "g.b"));
}

// The same rule for a condition on a sibling inside a group (a shareholder's
// 身份证号 shown by what was typed in his 姓名 field is a mistake too).
TEST(ParseSchema, ConditionsOnASiblingInAGroupNeedAChoiceField) {
  Parsed parsed = form_with(R"({"name": "g", "type": "group", "label": "G", "fields": [
      {"name": "t", "type": "text", "label": "T"},
      {"name": "b", "type": "text", "label": "B", "when": {"field": "t", "equals": ["x"]}}]})");
  EXPECT_TRUE(HasProblem(parsed, "forms.schema.condition_needs_choice", "g.b"));
}

TEST(ParseSchema, ConditionsOnTheFieldItself) {
  Parsed top = form_with(R"({"name": "r", "type": "radio", "label": "R",
      "options": [{"value": "x", "label": "X"}], "when": {"field": "r", "equals": ["x"]}})");
  EXPECT_TRUE(HasProblem(top, "forms.schema.condition_on_itself", "r"));
  Parsed in_group = form_with(R"({"name": "g", "type": "group", "label": "G", "fields": [
      {"name": "r", "type": "radio", "label": "R", "options": [{"value": "x", "label": "X"}],
       "when": {"field": "r", "equals": ["x"]}}]})");
  EXPECT_TRUE(HasProblem(in_group, "forms.schema.condition_on_itself", "g.r"));
}

TEST(ParseSchema, AtMostThreeHundredFieldsInAll) {
  auto fields = [](int top, int in_group) {
    std::string out = "[";
    for (int i = 0; i < top; ++i)
      out += R"({"name": "f)" + std::to_string(i) + R"(", "type": "text", "label": "F"},)";
    out += R"({"name": "g", "type": "group", "label": "G", "fields": [)";
    for (int i = 0; i < in_group; ++i)
      out += std::string(i ? "," : "") + R"({"name": "f)" + std::to_string(i) +
             R"(", "type": "text", "label": "F"})";
    return out + "]}]";
  };
  Parsed exactly = form_of(fields(199, 100));  // 199 + the group + 100 = 300
  EXPECT_TRUE(exactly) << describe(exactly);
  Parsed over = form_of(fields(199, 101));
  ASSERT_FALSE(over);
  const Error* e = nullptr;
  for (const Error& p : over.error())
    if (p.key == "forms.schema.too_many_fields") e = &p;
  ASSERT_NE(e, nullptr) << describe(over);
  EXPECT_EQ(e->params.at("max"), "300");
}

TEST(ParseSchema, TextThatIsNotAJsonObject) {
  Parsed not_json = parse_schema(std::string_view(R"({"title": "T", "fields": [)"));
  ASSERT_FALSE(not_json);
  ASSERT_EQ(not_json.error().size(), 1u);
  EXPECT_EQ(not_json.error()[0].key, "forms.schema.not_json");

  Parsed array = parse_schema(std::string_view("[1, 2]"));
  ASSERT_FALSE(array);
  EXPECT_EQ(array.error()[0].key, "forms.schema.not_object");

  Parsed empty = parse_schema(std::string_view(""));
  ASSERT_FALSE(empty);
  EXPECT_EQ(empty.error()[0].key, "forms.schema.not_json");
}

TEST(ParseSchema, TooLargeIsRefusedBeforeParsing) {
  // Valid JSON, padded with spaces beyond the limit.
  std::string text = R"({"title": "T", "fields": [{"name": "a", "type": "text", "label": "A"}]})";
  std::string padded = text + std::string(kMaxSchemaBytes - text.size() + 1, ' ');
  Parsed parsed = parse_schema(std::string_view(padded));
  ASSERT_FALSE(parsed);
  ASSERT_EQ(parsed.error().size(), 1u);
  EXPECT_EQ(parsed.error()[0].key, "forms.schema.too_large");
  EXPECT_EQ(parsed.error()[0].params.at("max"), "256");
  // At the limit it is read.
  padded.pop_back();
  EXPECT_TRUE(parse_schema(std::string_view(padded)));
}

TEST(ParseSchema, FormsAndGroupsWithoutFields) {
  EXPECT_TRUE(HasProblem(parse_text(R"({"title": "T"})"), "forms.schema.no_fields", ""));
  EXPECT_TRUE(
      HasProblem(parse_text(R"({"title": "T", "fields": []})"), "forms.schema.no_fields", ""));
  Parsed parsed = form_of(R"([{"name": "g", "type": "group", "label": "G", "fields": []},
                              {"name": "h", "type": "group", "label": "H"}, "text"])");
  EXPECT_TRUE(HasProblem(parsed, "forms.schema.empty_group", "g"));
  EXPECT_TRUE(HasProblem(parsed, "forms.schema.empty_group", "h"));
  EXPECT_TRUE(HasProblem(parsed, "forms.schema.field_not_object", ""));
}

TEST(ParseSchema, SeveralProblemsAreReportedTogether) {
  Parsed parsed = parse_text(R"({"fields": [
    {"name": "a", "type": "txt", "label": "A"},
    {"name": "b", "type": "select", "label": "B"},
    {"name": "c", "type": "file", "label": "C", "accept": [".exe"]},
    {"name": "d", "type": "number", "label": "D", "min": 5, "max": 1},
    {"name": "g", "type": "group", "label": "G", "fields": [
      {"name": "Bad", "type": "text", "label": "X"},
      {"name": "e", "type": "text", "label": "E", "when": {"field": "zz", "equals": ["1"]}}]}]})");
  ASSERT_FALSE(parsed);
  EXPECT_TRUE(HasProblem(parsed, "forms.schema.title_required", ""));
  EXPECT_TRUE(HasProblem(parsed, "forms.schema.unknown_type", "a"));
  EXPECT_TRUE(HasProblem(parsed, "forms.schema.options_required", "b"));
  EXPECT_TRUE(HasProblem(parsed, "forms.schema.bad_accept", "c"));
  EXPECT_TRUE(HasProblem(parsed, "forms.schema.min_over_max", "d"));
  EXPECT_TRUE(HasProblem(parsed, "forms.schema.bad_name", "g"));
  EXPECT_TRUE(HasProblem(parsed, "forms.schema.condition_unknown_field", "g.e"));
  EXPECT_EQ(parsed.error().size(), 7u) << describe(parsed);
  for (const Error& e : parsed.error()) EXPECT_TRUE(e.key.starts_with("forms.schema.")) << e.key;
}

}  // namespace
}  // namespace yiwang::forms
