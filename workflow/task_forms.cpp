#include "workflow/task_forms.hpp"

namespace yiwang::workflow {

namespace {

// How many variables the default view lists, and how long a value may be
// shown before it is cut (the page stays readable whatever a process stores).
constexpr std::size_t kMaxShownVariables = 200;
constexpr std::size_t kMaxShownChars = 2000;

// A value as text: strings as they are, everything else as compact JSON.
std::string value_text(const nlohmann::json& v) {
  std::string text = v.is_string()
                         ? v.get<std::string>()
                         : v.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  if (text.size() > kMaxShownChars) {
    // Cut at a character boundary.
    std::size_t cut = kMaxShownChars;
    while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
    text = text.substr(0, cut) + "…";
  }
  return text;
}

}  // namespace

void TaskForms::add(std::string form_key, TaskForm form) {
  forms_[std::move(form_key)] = std::move(form);
}

const TaskForm* TaskForms::find(std::string_view form_key) const {
  if (form_key.empty()) return nullptr;
  auto it = forms_.find(form_key);
  return it == forms_.end() || !it->second.render ? nullptr : &it->second;
}

Result<std::string> TaskForms::render(const TaskFormContext& context,
                                      std::string_view form_key) const {
  if (const TaskForm* form = find(form_key)) return form->render(context);
  return variables_html(context.pages, context.req, context.instance.variables);
}

std::string variables_html(const render::PageRenderer& pages, const http::Request& req,
                           const nlohmann::json& variables) {
  nlohmann::json rows = nlohmann::json::array();
  if (variables.is_object())
    for (auto it = variables.begin(); it != variables.end() && rows.size() < kMaxShownVariables;
         ++it)
      rows.push_back({{"name", it.key()},
                      {"value", value_text(it.value())},
                      {"structured", it.value().is_object() || it.value().is_array()}});
  nlohmann::json model = {{"variables", rows}, {"has_variables", !rows.empty()}};
  return pages.templates().render("workflow/variables", model, req.lang);
}

}  // namespace yiwang::workflow
