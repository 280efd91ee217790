// A form as the model of its template (web/templates/forms/controls.mustache):
// labelled controls that work without JavaScript, each error shown at its
// field and linked from a summary at the top, values as the user typed
// them, bound fields filled in and read-only, conditional fields with their
// condition spelled out, and buttons to add or remove the items of a
// repeatable group. Also the read-only view of submitted values for the
// handler's page.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/error.hpp"
#include "forms/schema.hpp"
#include "render/catalogue.hpp"

namespace yiwang::forms {

struct ViewOptions {
  std::string_view lang = render::Catalogue::kDefaultLanguage;
  // Values known to the government by binding name (forms/prefill.hpp): the
  // bound fields that have one are shown read-only.
  nlohmann::json prefill = nlohmann::json::object();
};

// The model for editing: {"controls": [...], "has_errors", "errors": [{"href",
// "text"}], "has_files" (the form must be multipart)}.
nlohmann::json edit_model(const FormSchema& schema, const nlohmann::json& values,
                          const std::vector<Error>& errors, const render::Catalogue& catalogue,
                          const ViewOptions& options);

// The model for reading: {"rows": [{"label", "text" | "files": [{"name",
// "href", "size"}] | "items": [{"legend", "rows"}]}]}; file links come from
// file_href(ref). Fields not shown (conditions false) and empty ones are left
// out.
nlohmann::json read_model(const FormSchema& schema, const nlohmann::json& values,
                          const render::Catalogue& catalogue, std::string_view lang,
                          const std::function<std::string(const std::string& ref)>& file_href);

// An error as one sentence naming its field, e.g. "“企业名称”：请填写。".
std::string error_text(const FormSchema& schema, const Error& error,
                       const render::Catalogue& catalogue, std::string_view lang);

// The HTML id of the control with the given input name ("shareholders.0.name"
// → "f-shareholders-0-name").
std::string control_id(std::string_view input_name);

}  // namespace yiwang::forms
