// Reading a submitted form against its schema: every field checked on the
// server by the rules of its type, each problem named by the field's input
// name and the rule, and what the user typed kept for the form shown again.
//
// Input names follow the schema's paths: "company_name", "agent.name" (a
// group), "shareholders.0.name" (item 0 of a repeatable group, whose number
// of items is posted as "shareholders.count"), "office.division" and
// "office.detail" (an address), "materials.remove" (files to drop from a
// file field). A button named "_add" with the value "shareholders" asks for
// one more item, "_remove" = "shareholders.2" for one item fewer: the form is
// then shown again with the change and no errors (Submission::adjusted).
#pragma once

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/error.hpp"
#include "forms/schema.hpp"
#include "http/form_data.hpp"

namespace yiwang::forms {

// What reading a form needs from outside forms/.
struct Context {
  // The full name of a GB/T 2260 code in the current table ("福建省福州市鼓楼区"),
  // or nullopt when the code is not in it.
  std::function<std::optional<std::string>(std::string_view code)> division_name;
  std::chrono::sys_days today{};
  // What the government already holds about the applicant, by binding name
  // ("person.name" → "张三"); see forms/prefill.hpp. A bound field with a
  // value here takes that value whatever was posted.
  nlohmann::json prefill = nlohmann::json::object();
};

// A file that passed its field's checks, to be stored by the caller under
// `ref` (the SM3 digest of its bytes, hex), which the values refer to.
struct AcceptedFile {
  std::string path;  // the file field's input name
  std::string filename;
  std::string mime;
  std::string ref;
  std::string data;
};

struct Submission {
  // The values in the shape of the schema: normalised where valid, as typed
  // where not (so the form can show them again). A file field holds a list of
  // {"name", "mime", "size", "ref"}.
  nlohmann::json values = nlohmann::json::object();
  std::vector<AcceptedFile> files;
  // Problems, each with the input name as `field`, a "forms.*" or "id.*" key
  // and its parameters.
  std::vector<Error> errors;
  // The user added or removed a group item instead of submitting.
  bool adjusted = false;

  bool ok() const { return errors.empty() && !adjusted; }
};

// Reads `posted` against `schema`. `previous` holds the values saved before
// (a draft): its files stay unless the user removed them or uploaded others
// in their place; it may be an empty object.
Submission read_submission(const FormSchema& schema, const http::FormData& posted,
                           const nlohmann::json& previous, const Context& context);

// Whether a field's condition holds among `scope` (the values of its group
// item, or the top level) and `top` (the top-level values).
bool condition_holds(const Field& field, const nlohmann::json& scope, const nlohmann::json& top);

}  // namespace yiwang::forms
