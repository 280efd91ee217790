// The task page: what the task is, the business form of the module that owns
// the process, where the instance stands (diagram and history), and the forms
// of what the viewer may do with it now. Only those involved in the instance
// see it; anyone else gets the 404 of a task that does not exist. Opening it
// as the assignee marks it read (after which the previous step can no longer
// be withdrawn).
#include <algorithm>

#include "identity/admin_pages.hpp"
#include "workflow/workflow_pages.hpp"

namespace yiwang::workflow {

namespace {

bool contains(const std::vector<std::string>& list, const std::string& value) {
  return std::find(list.begin(), list.end(), value) != list.end();
}

// What was typed into a field of the form that failed, or "".
std::string typed(const Failed& failed, const char* form, const char* field) {
  if (failed.form != form || !failed.typed) return "";
  return failed.typed->value(field);
}

}  // namespace

http::Response task_page(WorkflowServices& s, const http::Request& req, const Task& task,
                         const Failed& failed) {
  const auto& pages = s.identity.pages;
  const std::string& me = req.principal->name;
  auto found = s.engine.instance(task.instance_id);
  if (!found) return internal(s, req);
  if (!*found)
    return pages.error(req, 404, "workflow.task.not_found", {{"id", std::to_string(task.id)}});
  const Instance& instance = **found;
  auto definition = s.engine.model(instance.definition_id);
  if (!definition) return internal(s, req);
  const FlowNode* node = (*definition)->node(task.node_id);
  auto open_tasks = s.engine.open_tasks(instance.id);
  if (!open_tasks) return internal(s, req);
  auto history = s.engine.history(instance.id);
  if (!history) return internal(s, req);

  bool running = instance.state == InstanceState::running;
  bool open = task.state == TaskState::open;
  bool mine = open && task.assignee == me;
  bool delegated_to_me = mine && !task.owner.empty();
  bool handling = mine && task.owner.empty() && running;
  bool has_candidates = !task.candidate_groups.empty() || !task.candidate_users.empty();

  nlohmann::json model = {{"id", task.id},
                          {"href", task_href(task.id)},
                          {"name", task.name},
                          {"title", instance.title},
                          {"case_title", instance.title},
                          {"process", instance.process_name},
                          {"process_version", instance.definition_version},
                          {"business_key", instance.business_key},
                          {"has_business_key", !instance.business_key.empty()},
                          {"instance_href", instance_href(instance.id)},
                          {"instance_state", instance_state_text(pages, req, instance.state)},
                          {"suspended", instance.state == InstanceState::suspended},
                          {"ended", instance.state == InstanceState::completed ||
                                        instance.state == InstanceState::terminated},
                          {"state", task_state_text(pages, req, task.state)},
                          {"open", open},
                          {"created", identity::local_time(task.created_at)},
                          {"version", task.version}};
  model["assignee"] = task.assignee.empty() ? pages.text(req, "workflow.pages.task.unclaimed")
                                            : person_text(s, req, task.assignee);
  if (!task.owner.empty()) model["owner"] = person_text(s, req, task.owner);
  nlohmann::json due = due_model(s, req, task.due_at, open);
  if (!due.empty()) model["due"] = due;
  if (task.state == TaskState::completed) {
    model["completed"] = {{"at", identity::local_time(task.completed_at)},
                          {"by", person_text(s, req, task.completed_by)},
                          {"outcome", task.outcome},
                          {"has_outcome", !task.outcome.empty()},
                          {"opinion", task.opinion},
                          {"has_opinion", !task.opinion.empty()}};
  }

  // The business form.
  const TaskForm* registered = s.forms.find(node ? node->form_key : "");
  TaskFormContext context{req, pages, task, instance, handling};
  auto form_html = s.forms.render(context, node ? node->form_key : "");
  if (!form_html) return internal(s, req);
  model["form_html"] = *form_html;
  model["form_inside"] = handling && registered && registered->read;

  auto diagram = instance_diagram(s, instance, *open_tasks);
  if (!diagram) return internal(s, req);
  model["diagram"] = *diagram;
  model["history"] = history_rows(s, req, *history);
  model["has_history"] = !history->empty();

  // 完成
  if (handling) {
    auto outcomes = s.engine.outcomes(task);
    if (!outcomes) return internal(s, req);
    std::string chosen = typed(failed, "complete", "outcome");
    nlohmann::json options = nlohmann::json::array();
    for (std::size_t i = 0; i < outcomes->size(); ++i)
      options.push_back({{"value", (*outcomes)[i]},
                         {"id", "c-outcome-" + std::to_string(i)},
                         {"checked", (*outcomes)[i] == chosen}});
    model["complete"] = {{"outcomes", options},
                         {"has_outcomes", !options.empty()},
                         {"opinion", typed(failed, "complete", "opinion")}};
    model["delegate"] = {{"to", typed(failed, "delegate", "to")},
                         {"opinion", typed(failed, "delegate", "opinion")}};
    model["delegate_for_return"] = {{"to", typed(failed, "delegate_for_return", "to")},
                                    {"opinion", typed(failed, "delegate_for_return", "opinion")}};
    if (task.prev_task_id != 0)
      model["send_back"] = {{"opinion", typed(failed, "send_back", "opinion")},
                            {"resume", typed(failed, "send_back", "resume_here") == "1"}};
    auto targets = s.engine.return_targets(task.id);
    if (!targets) return internal(s, req);
    if (!targets->empty()) {
      std::string chosen_target = typed(failed, "reject", "target");
      nlohmann::json options_t = nlohmann::json::array();
      bool countersign = false;
      for (const auto& [id, name] : *targets) {
        const FlowNode* n = (*definition)->node(id);
        bool mi = n && n->multi_instance.has_value();
        countersign = countersign || mi;
        options_t.push_back({{"value", id}, {"label", name}, {"selected", id == chosen_target}});
      }
      model["reject"] = {{"targets", options_t},
                         {"countersign", countersign},
                         {"signer", typed(failed, "reject", "signer")},
                         {"opinion", typed(failed, "reject", "opinion")},
                         {"resume", typed(failed, "reject", "resume_here") == "1"}};
    }
    if (task.mi_index >= 0)
      model["add_signer"] = {{"signer", typed(failed, "add_signer", "signer")}};
    if (has_candidates) model["can_unclaim"] = true;
  }
  // 交回
  if (delegated_to_me && running)
    model["resolve"] = {{"opinion", typed(failed, "resolve", "opinion")}};
  // 签收
  if (open && running && task.assignee.empty() &&
      (contains(task.candidate_users, me) || !task.candidate_groups.empty()))
    model["can_claim"] = true;
  // 撤回
  if (task.state == TaskState::completed && task.completed_by == me && running) {
    auto tasks = s.engine.tasks_of(instance.id);
    if (!tasks) return internal(s, req);
    auto ids = withdrawable(*tasks, me, instance.state);
    if (std::find(ids.begin(), ids.end(), task.id) != ids.end()) model["can_withdraw"] = true;
  }
  // 抄送: while handling the task.
  if (mine && !model["ended"].get<bool>())
    model["copy"] = {{"action", instance_href(instance.id) + "/copy"},
                     {"task_id", task.id},
                     {"accounts", typed(failed, "copy", "accounts")},
                     {"note", typed(failed, "copy", "note")}};
  model["has_actions"] = model.contains("complete") || model.contains("resolve") ||
                         model.contains("can_claim") || model.contains("can_withdraw") ||
                         model.contains("copy");

  if (failed.error) {
    static const std::map<std::string, std::vector<std::string>> fields = {
        {"complete", {"outcome", "opinion"}},
        {"delegate", {"to", "opinion"}},
        {"delegate_for_return", {"to", "opinion"}},
        {"resolve", {"opinion"}},
        {"send_back", {"opinion"}},
        {"reject", {"target", "signer", "opinion"}},
        {"add_signer", {"signer"}},
        {"copy", {"accounts", "note"}}};
    auto f = fields.find(failed.form);
    put_form_error(s, req, model, failed.form, *failed.error,
                   f == fields.end() ? std::vector<std::string>{} : f->second);
    // The form is no longer offered (the task was handled meanwhile): the
    // message goes on top.
    static const std::map<std::string, std::string> shown_by = {
        {"complete", "complete"},
        {"delegate", "delegate"},
        {"delegate_for_return", "delegate_for_return"},
        {"resolve", "resolve"},
        {"send_back", "send_back"},
        {"reject", "reject"},
        {"add_signer", "add_signer"},
        {"copy", "copy"},
        {"claim", "can_claim"},
        {"unclaim", "can_unclaim"},
        {"withdraw", "can_withdraw"}};
    auto shown = shown_by.find(failed.form);
    if (shown == shown_by.end() || !model.contains(shown->second)) {
      model["error"] = error_message(s, req, *failed.error);
      model.erase("errors");
    }
  }
  if (auto notice = flash(pages, req)) model["notice"] = *notice;
  return pages.form_page(req, "workflow/task", "workflow.pages.task.title", model,
                         failed.error ? failed.status : 200);
}

namespace {

http::Response show_task(WorkflowServices& s, http::Request& req) {
  if (!is_staff(req)) return staff_only(s, req);
  const auto& pages = s.identity.pages;
  auto id = identity::id_param(req);
  auto not_found = [&] {
    return pages.error(req, 404, "workflow.task.not_found",
                       {{"id", id ? std::to_string(*id) : req.param("id")}});
  };
  if (!id) return not_found();
  auto task = s.engine.task(*id);
  if (!task) return internal(s, req);
  if (!*task) return not_found();
  auto involved = may_see_task(s, req, **task);
  if (!involved) return internal(s, req);
  if (!*involved) return not_found();
  if ((*task)->state == TaskState::open && (*task)->assignee == req.principal->name &&
      (*task)->read_at.empty()) {
    if (!s.engine.mark_read(*id, actor_of(req))) return internal(s, req);
  }
  return task_page(s, req, **task);
}

}  // namespace

void register_task_routes(http::Router& router, WorkflowServices& s) {
  router.add({.method = "GET",
              .pattern = "/workflow/tasks/{id}",
              .zone = http::Zone::intranet,
              .permission = std::string(http::kSignedIn),
              .handler = [&s](http::Request& req) { return show_task(s, req); }});
}

}  // namespace yiwang::workflow
