// The instance page: its facts, the open tasks, the process diagram with
// where it stands (inline SVG, no JavaScript), and the history of what was
// done, by whom and with what opinion. Those involved see it, and the process
// administrators of the starter's organ, who also find their interventions
// here (suspend, resume, terminate, reassign). 抄送 sends a copy to others.
#include <algorithm>

#include "identity/admin_pages.hpp"
#include "workflow/workflow_pages.hpp"

namespace yiwang::workflow {

namespace {

std::string typed(const Failed& failed, const char* form, const char* field,
                  long long task_id = 0) {
  if (failed.form != form || !failed.typed || failed.task_id != task_id) return "";
  return failed.typed->value(field);
}

// The accounts typed into a copy form: separated by commas (half- or
// full-width), 、, semicolons or spaces.
std::vector<std::string> split_accounts(const std::string& text) {
  std::string normal;
  for (std::size_t i = 0; i < text.size();) {
    static const char* const wide[] = {"，", "、", "；", "　"};
    bool replaced = false;
    for (const char* w : wide) {
      std::string_view sv(w);
      if (text.compare(i, sv.size(), sv) == 0) {
        normal += ' ';
        i += sv.size();
        replaced = true;
        break;
      }
    }
    if (replaced) continue;
    char c = text[i++];
    normal += c == ',' || c == ';' || c == '\t' || c == '\r' || c == '\n' ? ' ' : c;
  }
  std::vector<std::string> out;
  std::size_t i = 0;
  while (i < normal.size()) {
    std::size_t j = normal.find(' ', i);
    if (j == std::string::npos) j = normal.size();
    if (j > i) out.push_back(normal.substr(i, j - i));
    i = j + 1;
  }
  return out;
}

// The instance the URL names, when the viewer may see it; else the answer
// (the same 404 for one that does not exist).
std::expected<Instance, http::Response> visible_instance(WorkflowServices& s,
                                                         const http::Request& req) {
  const auto& pages = s.identity.pages;
  auto id = identity::id_param(req);
  auto not_found = [&] {
    return pages.error(req, 404, "workflow.instance.not_found",
                       {{"id", id ? std::to_string(*id) : req.param("id")}});
  };
  if (!id) return std::unexpected(not_found());
  auto instance = s.engine.instance(*id);
  if (!instance) return std::unexpected(internal(s, req));
  if (!*instance) return std::unexpected(not_found());
  auto visible = may_see(s, req, **instance, true);
  if (!visible) return std::unexpected(internal(s, req));
  if (!*visible) return std::unexpected(not_found());
  return **instance;
}

}  // namespace

http::Response instance_page(WorkflowServices& s, const http::Request& req,
                             const Instance& instance, const Failed& failed) {
  const auto& pages = s.identity.pages;
  const std::string& me = req.principal->name;
  auto open_tasks = s.engine.open_tasks(instance.id);
  if (!open_tasks) return internal(s, req);
  auto tasks = s.engine.tasks_of(instance.id);
  if (!tasks) return internal(s, req);
  auto history = s.engine.history(instance.id);
  if (!history) return internal(s, req);
  auto diagram = instance_diagram(s, instance, *open_tasks);
  if (!diagram) return internal(s, req);

  bool ended =
      instance.state == InstanceState::completed || instance.state == InstanceState::terminated;
  bool admin = manages(req, instance.starter_organ_id);
  nlohmann::json model = {
      {"id", instance.id},
      {"href", instance_href(instance.id)},
      {"title", instance.title},
      {"case_title", instance.title},
      {"process", instance.process_name},
      {"process_version", instance.definition_version},
      {"business_key", instance.business_key},
      {"has_business_key", !instance.business_key.empty()},
      {"state", instance_state_text(pages, req, instance.state)},
      {"running", instance.state == InstanceState::running},
      {"suspended", instance.state == InstanceState::suspended},
      {"ended", ended},
      {"starter", person_text(s, req, instance.starter)},
      {"started", identity::local_time(instance.started_at)},
      {"ended_at", instance.ended_at.empty() ? "" : identity::local_time(instance.ended_at)},
      {"has_ended_at", !instance.ended_at.empty()},
      {"end_reason", instance.end_reason},
      {"has_end_reason", !instance.end_reason.empty()},
      {"diagram", *diagram},
      {"diagram_href", instance_href(instance.id) + "/diagram.svg"},
      {"history", history_rows(s, req, *history)},
      {"has_history", !history->empty()},
      {"admin", admin}};

  nlohmann::json open_rows = nlohmann::json::array();
  for (const auto& t : *open_tasks) {
    nlohmann::json due = due_model(s, req, t.due_at, true);
    nlohmann::json row = {
        {"id", t.id},
        {"href", task_href(t.id)},
        {"name", t.name},
        {"assignee", t.assignee.empty() ? pages.text(req, "workflow.pages.task.unclaimed")
                                        : person_text(s, req, t.assignee)},
        {"created", identity::local_time(t.created_at)},
        {"due", due},
        {"has_due", !due.empty()},
        {"overdue", !due.empty() && due["overdue"].get<bool>()},
        {"mine", t.assignee == me}};
    if (admin && !ended) {
      row["reassign"] = {{"action", "/workflow/admin/tasks/" + std::to_string(t.id) + "/reassign"},
                         {"to", typed(failed, "reassign", "to", t.id)},
                         {"reason", typed(failed, "reassign", "reason", t.id)}};
      if (failed.error && failed.form == "reassign" && failed.task_id == t.id) {
        nlohmann::json errors;
        put_form_error(s, req, errors, "reassign", *failed.error, {"to", "reason"});
        row["errors"] = errors["errors"]["reassign"];
      }
    }
    open_rows.push_back(std::move(row));
  }
  model["open_tasks"] = open_rows;
  model["has_open_tasks"] = !open_rows.empty();

  // What the viewer did and may still take back.
  nlohmann::json takeback = nlohmann::json::array();
  for (long long id : withdrawable(*tasks, me, instance.state))
    for (const auto& t : *tasks)
      if (t.id == id)
        takeback.push_back({{"name", t.name},
                            {"action", task_href(t.id) + "/withdraw"},
                            {"completed", identity::local_time(t.completed_at)}});
  model["withdraw"] = takeback;
  model["has_withdraw"] = !takeback.empty();

  if (!ended)
    model["copy"] = {{"action", instance_href(instance.id) + "/copy"},
                     {"accounts", typed(failed, "copy", "accounts")},
                     {"note", typed(failed, "copy", "note")}};
  if (admin && !ended)
    model["manage"] = {{"base", "/workflow/admin/instances/" + std::to_string(instance.id)},
                       {"running", instance.state == InstanceState::running},
                       {"suspended", instance.state == InstanceState::suspended},
                       {"suspend_reason", typed(failed, "suspend", "reason")},
                       {"terminate_reason", typed(failed, "terminate", "reason")}};

  if (failed.error && failed.form != "reassign") {
    if (failed.form == "copy")
      put_form_error(s, req, model, "copy", *failed.error, {"accounts", "note"});
    else if (failed.form == "suspend" || failed.form == "terminate")
      put_form_error(s, req, model, failed.form, *failed.error, {"reason"});
    else
      model["error"] = error_message(s, req, *failed.error);
    bool shown = failed.form == "copy" ? model.contains("copy") : model.contains("manage");
    if (!shown) {
      model["error"] = error_message(s, req, *failed.error);
      model.erase("errors");
    }
  } else if (failed.error) {
    bool placed = false;
    for (const auto& r : open_rows) placed = placed || r.contains("errors");
    if (!placed) model["error"] = error_message(s, req, *failed.error);
  }
  if (auto notice = flash(pages, req)) model["notice"] = *notice;
  return pages.form_page(req, "workflow/instance", "workflow.pages.instance.title", model,
                         failed.error ? failed.status : 200);
}

namespace {

http::Response show_instance(WorkflowServices& s, http::Request& req) {
  if (!is_staff(req)) return staff_only(s, req);
  auto instance = visible_instance(s, req);
  if (!instance) return instance.error();
  // A copy is read once its recipient opens it.
  if (!s.engine.mark_copy_read(instance->id, req.principal->name)) return internal(s, req);
  return instance_page(s, req, *instance);
}

http::Response diagram(WorkflowServices& s, http::Request& req) {
  if (!is_staff(req)) return staff_only(s, req);
  auto instance = visible_instance(s, req);
  if (!instance) return instance.error();
  auto open = s.engine.open_tasks(instance->id);
  if (!open) return internal(s, req);
  auto svg = instance_diagram(s, *instance, *open);
  if (!svg) return internal(s, req);
  return svg_response(std::move(*svg));
}

http::Response copy(WorkflowServices& s, http::Request& req) {
  if (!is_staff(req)) return staff_only(s, req);
  const auto& pages = s.identity.pages;
  auto instance = visible_instance(s, req);
  if (!instance) return instance.error();
  auto form = req.form();
  if (!form) return pages.error(req, form.error().status, form.error().key);
  // Sent from a task page of this instance: answer there.
  std::optional<Task> from;
  if (auto task_id = identity::positive_number(form->value("task"))) {
    auto t = s.engine.task(*task_id);
    if (!t) return internal(s, req);
    if (*t && (*t)->instance_id == instance->id) from = **t;
  }
  auto copied = s.engine.copy_to(instance->id, split_accounts(form->value("accounts")),
                                 form->value("note"), actor_of(req));
  if (!copied) {
    const Error& e = copied.error();
    int status = status_of(e);
    if (status == 500) return internal(s, req);
    if (status == 404) status = 400;
    Failed failed{"copy", &e, &*form, status};
    if (from) return task_page(s, req, *from, failed);
    auto now = s.engine.instance(instance->id);
    if (!now || !*now) return internal(s, req);
    return instance_page(s, req, **now, failed);
  }
  return http::Response::redirect(
      (from ? task_href(from->id) : instance_href(instance->id)) + "?done=copied", 303);
}

}  // namespace

void register_instance_routes(http::Router& router, WorkflowServices& s) {
  const auto zone = http::Zone::intranet;
  const std::string signed_in(http::kSignedIn);
  router.add({.method = "GET",
              .pattern = "/workflow/instances/{id}",
              .zone = zone,
              .permission = signed_in,
              .handler = [&s](http::Request& req) { return show_instance(s, req); }});
  router.add({.method = "GET",
              .pattern = "/workflow/instances/{id}/diagram.svg",
              .zone = zone,
              .permission = signed_in,
              .handler = [&s](http::Request& req) { return diagram(s, req); }});
  router.add({.method = "POST",
              .pattern = "/workflow/instances/{id}/copy",
              .zone = zone,
              .permission = signed_in,
              .handler = [&s](http::Request& req) { return copy(s, req); }});
}

}  // namespace yiwang::workflow
