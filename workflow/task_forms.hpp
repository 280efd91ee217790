// The business form of a task page: the module that owns a process (official
// documents, online services…) registers, per form key (yiwang:formKey of a
// user task, FlowNode::form_key), how its part of the task page is drawn and,
// optionally, how the fields it draws become process variables when the task
// is completed. A task whose form key nobody registered shows the instance's
// variables as a definition list (escaped; nested JSON shown as text).
//
// Register at start-up, before the server starts; lookups are read-only
// afterwards and safe from any thread.
#pragma once

#include <functional>
#include <map>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "core/error.hpp"
#include "http/form_data.hpp"
#include "http/request.hpp"
#include "render/page_renderer.hpp"
#include "workflow/engine.hpp"

namespace yiwang::workflow {

// What a form function is given.
struct TaskFormContext {
  const http::Request& req;
  const render::PageRenderer& pages;  // templates().render(name, model, req.lang) escapes
  const Task& task;
  const Instance& instance;
  bool editable = false;  // the viewer may complete the task now: inputs are submitted with it
};

struct TaskForm {
  // An HTML fragment (escaped by the module, e.g. rendered from its own
  // template). When `read` is set and the task is editable, the fragment is
  // placed inside the completion form, so its inputs are posted with it; it
  // must then contain no <form> of its own.
  std::function<Result<std::string>(const TaskFormContext&)> render;
  // Optional: the posted fields as variables merged into the instance on
  // completion; an error names the field it concerns.
  std::function<Result<nlohmann::json>(const TaskFormContext&, const http::FormData&)> read;
};

class TaskForms {
 public:
  // Registers (or replaces) the form of a form key.
  void add(std::string form_key, TaskForm form);
  // The form registered for a key, or nullptr (also for an empty key).
  const TaskForm* find(std::string_view form_key) const;

  // The business section of a task page: the registered form of `form_key`,
  // or the default view of the instance's variables.
  Result<std::string> render(const TaskFormContext& context, std::string_view form_key) const;

 private:
  std::map<std::string, TaskForm, std::less<>> forms_;
};

// The default business section: the variables as <dl class="facts">, values
// escaped, nested objects and arrays as JSON text; "no variables" when empty.
std::string variables_html(const render::PageRenderer& pages, const http::Request& req,
                           const nlohmann::json& variables);

}  // namespace yiwang::workflow
