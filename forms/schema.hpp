// The form schema language: what an online-service application (or any other
// business form) asks for, as JSON that an administrator writes and the
// platform stores — no C++ per form.
//
//   {"title": "企业开办申请表",
//    "fields": [
//      {"name": "company_name", "type": "text", "label": "企业名称", "required": true,
//       "max_length": 60},
//      {"name": "credit_code", "type": "credit_code", "label": "统一社会信用代码",
//       "bind": "enterprise.credit_code"},
//      {"name": "has_agent", "type": "radio", "label": "是否委托代理人",
//       "options": [{"value": "yes", "label": "是"}, {"value": "no", "label": "否"}]},
//      {"name": "agent", "type": "group", "label": "代理人", "when": {"field": "has_agent",
//       "equals": ["yes"]}, "fields": [...]},
//      {"name": "shareholders", "type": "group", "label": "股东", "min_items": 1,
//       "max_items": 10, "fields": [...]},
//      {"name": "charter", "type": "file", "label": "公司章程", "accept": [".pdf"],
//       "max_bytes": 10485760}]}
//
// Field types: text, textarea, number, date, select, radio, checkbox (one box,
// or several with options), citizen_id (GB 11643), credit_code (GB 32100),
// division (GB/T 2260), address (a division and the street address), phone,
// email, file, group (a fieldset; repeatable when max_items > 1).
//
// `when` shows a field only when another field (at the top level or in the
// same group) has one of the listed values; without JavaScript the field is
// shown with that condition spelled out, and the server ignores it while the
// condition is false. `bind` names data the government already holds (see
// forms/prefill.hpp): a bound field with a known value is filled in and cannot
// be changed by the applicant (一表制).
//
// parse_schema checks everything an administrator can get wrong and names the
// field path and the rule: unknown keys and types, duplicate names, bad
// bounds, options on the wrong type, conditions on unknown fields.
#pragma once

#include <cstddef>
#include <expected>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/error.hpp"

namespace yiwang::forms {

enum class FieldType {
  text,
  textarea,
  number,
  date,
  select,
  radio,
  checkbox,
  citizen_id,
  credit_code,
  division,
  address,
  phone,
  email,
  file,
  group
};

// The name used in schemas ("citizen_id") and its inverse.
std::string_view field_type_name(FieldType type);
std::optional<FieldType> parse_field_type(std::string_view name);

struct Option {
  std::string value;
  std::string label;
  std::string label_en;  // optional; the label is used when empty
};

// Show (and validate) the field only when `field` has one of `equals`. For a
// checkbox with several options, when any checked value is listed.
struct Condition {
  std::string field;  // a field name at the top level or in the same group
  std::vector<std::string> equals;
};

struct Field {
  std::string name;  // [a-z][a-z0-9_]{0,39}
  FieldType type = FieldType::text;
  std::string label;     // shown to the user; required
  std::string label_en;  // optional English label
  std::string hint;      // optional help text under the label
  std::string hint_en;
  bool required = false;
  // text, textarea, address (the street part): length in characters
  std::size_t min_length = 0;
  std::size_t max_length = 0;  // 0: the type's default (text 200, textarea 2000)
  // number
  std::optional<double> min;
  std::optional<double> max;
  int decimals = 0;  // digits allowed after the point
  std::string unit;  // shown after the input, e.g. "万元"
  // date: "YYYY-MM-DD" or "today"
  std::string min_date;
  std::string max_date;
  // select, radio, checkbox
  std::vector<Option> options;
  // file
  std::vector<std::string> accept;  // lower-case extensions with the dot: ".pdf", ".jpg"
  std::size_t max_bytes = 0;        // 0: 10 MiB
  int max_files = 1;
  // group
  std::vector<Field> fields;
  int min_items = 1;  // a group that is not required may have 0 items
  int max_items = 1;
  std::optional<Condition> when;
  std::string bind;  // e.g. "person.name", "enterprise.credit_code"

  bool repeatable() const { return type == FieldType::group && max_items > 1; }
  std::size_t text_limit() const;
  std::size_t file_limit() const;
  const Field* child(std::string_view name) const;
};

struct FormSchema {
  std::string title;
  std::string title_en;
  std::vector<Field> fields;

  const Field* field(std::string_view name) const;
};

// Limits on what a schema may declare, so a stored schema cannot make a page
// or a validation run unbounded.
inline constexpr std::size_t kMaxSchemaBytes = 256 * 1024;
inline constexpr std::size_t kMaxFields = 300;          // all levels together
inline constexpr int kMaxDepth = 3;                     // groups inside groups
inline constexpr int kMaxItems = 100;                   // a repeatable group's max_items
inline constexpr std::size_t kMaxOptions = 500;         // per field
inline constexpr std::size_t kMaxTextLimit = 20000;     // max_length
inline constexpr std::size_t kMaxFileBytes = 50 << 20;  // max_bytes
inline constexpr int kMaxFilesPerField = 20;

// Parses and checks a schema. Each problem is an Error whose key is
// "forms.schema.<rule>" and whose field is the path of the field it concerns
// ("shareholders.name"; "" for the form itself).
std::expected<FormSchema, std::vector<Error>> parse_schema(std::string_view json_text);
// The same for a schema already parsed as JSON.
std::expected<FormSchema, std::vector<Error>> parse_schema_json(const nlohmann::json& json);

// The schema as JSON again (what parse_schema accepts; defaults included).
nlohmann::json schema_json(const FormSchema& schema);

}  // namespace yiwang::forms
