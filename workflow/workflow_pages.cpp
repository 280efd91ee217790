#include "workflow/workflow_pages.hpp"

#include <algorithm>
#include <set>

#include "identity/services.hpp"
#include "workflow/diagram_svg.hpp"
#include "workflow/duration.hpp"
#include "workflow/permissions.hpp"

namespace yiwang::workflow {

std::string task_href(long long id) { return "/workflow/tasks/" + std::to_string(id); }
std::string instance_href(long long id) { return "/workflow/instances/" + std::to_string(id); }

bool is_staff(const http::Request& req) { return req.principal && req.principal->kind == "staff"; }

http::Response staff_only(WorkflowServices& s, const http::Request& req) {
  return s.identity.pages.error(req, 403, "workflow.pages.staff_only");
}

http::Response internal(WorkflowServices& s, const http::Request& req) {
  return s.identity.pages.error(req, 500, "http.internal_error");
}

Actor actor_of(const http::Request& req, bool administrator) {
  Actor a;
  a.account = req.principal ? req.principal->name : "";
  a.name = req.principal ? req.principal->display_name : "";
  a.audit = identity::who(req);
  a.administrator = administrator;
  return a;
}

bool manages(const http::Request& req, long long organ_id) {
  return req.principal && req.principal->holds(perm::kInstanceManage, organ_id);
}

std::string person_text(WorkflowServices& s, const http::Request& req, const std::string& account) {
  if (account.empty()) return s.identity.pages.text(req, "workflow.pages.nobody");
  auto a = s.identity.accounts.find_by_name(account);
  if (!a || !*a || (*a)->display_name.empty()) return account;
  return s.identity.pages.catalogue().text(req.lang, "workflow.pages.person",
                                           {{"name", (*a)->display_name}, {"account", account}});
}

Error explained(WorkflowServices& s, const http::Request& req, const Error& e) {
  Error out = e;
  for (const char* who : {"by", "assignee", "owner"})
    if (auto it = out.params.find(who); it != out.params.end())
      it->second = person_text(s, req, it->second);
  if (auto at = out.params.find("at"); at != out.params.end() && !at->second.empty())
    at->second = identity::local_time(at->second);
  if (out.field == "account") out.field = "signer";  // 加签's field on the form
  if (out.field == "starter") out.field.clear();     // the viewer themselves
  return out;
}

std::string error_message(WorkflowServices& s, const http::Request& req, const Error& e) {
  const auto& pages = s.identity.pages;
  if (is_internal(e)) return pages.user_message(req, e);
  Error shown = explained(s, req, e);
  const auto& catalogue = pages.catalogue();
  std::string body = catalogue.text(req.lang, shown.key, shown.params);
  if (shown.field.empty()) return body;
  // The workflow forms' own labels first ("to" is 结束日期 elsewhere).
  std::string label = shown.field;
  for (std::string key : {"workflow.pages.field." + shown.field, "field." + shown.field})
    if (catalogue.has("zh-CN", key)) {
      label = catalogue.text(req.lang, key);
      break;
    }
  return catalogue.text(req.lang, "error.field_prefix", {{"field", label}, {"message", body}});
}

bool is_internal(const Error& e) { return e.key.starts_with("db."); }

int status_of(const Error& e) {
  static const std::set<std::string, std::less<>> not_found = {
      "workflow.task.not_found", "workflow.instance.not_found", "workflow.definition.not_found"};
  static const std::set<std::string, std::less<>> conflict = {
      "workflow.task.already_handled", "workflow.task.changed",     "workflow.task.cancelled",
      "workflow.task.claimed_by",      "workflow.conflict",         "workflow.instance.suspended",
      "workflow.instance.ended",       "workflow.withdraw.touched", "workflow.withdraw.moved_on"};
  if (is_internal(e)) return 500;
  if (not_found.contains(e.key)) return 404;
  if (conflict.contains(e.key)) return 409;
  if (e.key == "workflow.intervene.denied") return 403;
  return 400;
}

std::string action_text(const render::PageRenderer& pages, const http::Request& req,
                        std::string_view action) {
  std::string key = "workflow.pages.action." + std::string(action);
  if (!pages.catalogue().has(req.lang, key) && !pages.catalogue().has("zh-CN", key))
    return std::string(action);
  return pages.text(req, key);
}

std::string instance_state_text(const render::PageRenderer& pages, const http::Request& req,
                                InstanceState state) {
  return pages.text(req,
                    "workflow.pages.instance_state." + std::string(instance_state_name(state)));
}

std::string task_state_text(const render::PageRenderer& pages, const http::Request& req,
                            TaskState state) {
  return pages.text(req, "workflow.pages.task_state." + std::string(task_state_name(state)));
}

nlohmann::json due_model(WorkflowServices& s, const http::Request& req, const std::string& due_at,
                         bool open) {
  auto due = parse_utc(due_at);
  if (!due) return nlohmann::json::object();
  const auto& catalogue = s.identity.pages.catalogue();
  auto now = s.engine.now();
  int days = working_days_left(now, *due, s.engine.calendar());
  bool overdue = open && *due < now;
  std::string text;
  if (open) {
    if (overdue)
      text = days < 0 ? catalogue.text(req.lang, "workflow.pages.due.overdue_days",
                                       {{"n", std::to_string(-days)}})
                      : catalogue.text(req.lang, "workflow.pages.due.overdue_today");
    else
      text = days > 0 ? catalogue.text(req.lang, "workflow.pages.due.days_left",
                                       {{"n", std::to_string(days)}})
                      : catalogue.text(req.lang, "workflow.pages.due.today");
  }
  return {{"local", identity::local_time(due_at)},
          {"text", text},
          {"has_text", !text.empty()},
          {"overdue", overdue},
          {"days", days}};
}

nlohmann::json history_rows(WorkflowServices& s, const http::Request& req,
                            const std::vector<HistoryEntry>& history) {
  const auto& pages = s.identity.pages;
  static const std::set<std::string, std::less<>> names_people = {
      "delegated", "delegated_for_return", "resolved", "reassigned", "signer_added", "copied"};
  std::map<std::string, std::string> names;  // account → text, once per page
  auto name_of = [&](const std::string& account) -> const std::string& {
    auto it = names.find(account);
    if (it == names.end()) it = names.emplace(account, person_text(s, req, account)).first;
    return it->second;
  };
  nlohmann::json rows = nlohmann::json::array();
  for (const auto& h : history) {
    std::string detail = h.detail;
    if (names_people.contains(h.action) && !detail.empty()) {
      std::string joined;
      std::size_t start = 0;
      while (start <= detail.size()) {
        std::size_t comma = detail.find(',', start);
        if (comma == std::string::npos) comma = detail.size();
        std::string one = detail.substr(start, comma - start);
        if (!one.empty()) {
          if (!joined.empty()) joined += pages.text(req, "workflow.pages.list_separator");
          joined += name_of(one);
        }
        start = comma + 1;
      }
      detail = joined;
    }
    std::string who = h.actor.empty() ? pages.text(req, "workflow.pages.system")
                      : h.actor_name.empty() || h.actor_name == h.actor
                          ? name_of(h.actor)
                          : pages.catalogue().text(req.lang, "workflow.pages.person",
                                                   {{"name", h.actor_name}, {"account", h.actor}});
    rows.push_back(
        {{"at", identity::local_time(h.at)},
         {"step", !h.node_name.empty() ? h.node_name
                  : !h.node_id.empty() ? h.node_id
                                       : pages.text(req, "workflow.pages.whole_instance")},
         {"action", action_text(pages, req, h.action)},
         {"action_code", h.action},
         {"who", who},
         {"outcome", h.outcome},
         {"opinion", h.opinion},
         {"detail", detail}});
  }
  return rows;
}

Result<std::string> instance_diagram(WorkflowServices& s, const Instance& instance,
                                     const std::vector<Task>& open) {
  auto definition = s.engine.model(instance.definition_id);
  if (!definition) return std::unexpected(definition.error());
  const Definition& d = **definition;
  DiagramMarks marks;
  marks.label = instance.process_name.empty() ? d.name : instance.process_name;
  auto now = s.engine.now();
  for (const auto& t : open) {
    marks.current.insert(t.node_id);
    if (auto due = parse_utc(t.due_at); due && *due < now) marks.overdue.insert(t.node_id);
  }
  if (instance.state == InstanceState::running || instance.state == InstanceState::suspended) {
    auto timers = s.engine.pending_timers(instance.id);
    if (!timers) return std::unexpected(timers.error());
    for (const auto& t : *timers)
      if (const FlowNode* n = d.node(t.node_id); n && n->kind == NodeKind::timer_catch)
        marks.current.insert(t.node_id);
  }
  for (const auto& id : instance.visited)
    if (!marks.current.contains(id)) marks.done.insert(id);
  return render_diagram_svg(d, marks);
}

Result<bool> may_see(WorkflowServices& s, const http::Request& req, const Instance& instance,
                     bool managers) {
  if (!req.principal) return false;
  if (managers && manages(req, instance.starter_organ_id)) return true;
  return s.engine.involved(instance.id, req.principal->name);
}

Result<bool> may_see_task(WorkflowServices& s, const http::Request& req, const Task& task) {
  if (!req.principal) return false;
  const std::string& me = req.principal->name;
  if (std::find(task.candidate_users.begin(), task.candidate_users.end(), me) !=
      task.candidate_users.end())
    return true;
  return s.engine.involved(task.instance_id, me);
}

std::vector<long long> withdrawable(const std::vector<Task>& tasks, const std::string& account,
                                    InstanceState state) {
  std::vector<long long> out;
  if (state != InstanceState::running) return out;
  for (const auto& t : tasks) {
    if (t.state != TaskState::completed || t.completed_by != account) continue;
    // A signer of a countersign still running takes back their own part.
    if (t.mi_index >= 0 && std::any_of(tasks.begin(), tasks.end(), [&](const Task& o) {
          return o.state == TaskState::open && o.node_id == t.node_id;
        })) {
      out.push_back(t.id);
      continue;
    }
    bool open_follower = false, touched = false;
    for (const auto& f : tasks) {
      if (f.prev_task_id != t.id) continue;
      if (f.state == TaskState::completed) touched = true;
      if (f.state == TaskState::open) {
        open_follower = true;
        if (!f.read_at.empty() || !f.claimed_at.empty() || !f.owner.empty()) touched = true;
      }
    }
    if (open_follower && !touched) out.push_back(t.id);
  }
  return out;
}

void put_form_error(WorkflowServices& s, const http::Request& req, nlohmann::json& model,
                    const std::string& form, const Error& error,
                    const std::vector<std::string>& fields) {
  Error shown = explained(s, req, error);
  std::string message = error_message(s, req, error);
  bool placed = false;
  for (const auto& f : fields)
    if (shown.field == f) {
      model["errors"][form][f] = message;
      placed = true;
    }
  if (!placed) model["errors"][form]["form"] = message;
  model["failed_" + form] = true;
}

http::Response download(std::string body, std::string content_type, const std::string& filename) {
  std::string safe;
  for (char c : filename) {
    auto u = static_cast<unsigned char>(c);
    bool ok = (u >= '0' && u <= '9') || (u >= 'a' && u <= 'z') || (u >= 'A' && u <= 'Z') ||
              c == '.' || c == '-' || c == '_';
    safe += ok ? c : '_';
  }
  if (safe.empty()) safe = "download";
  http::Response res;
  res.body = std::move(body);
  res.set("Content-Type", std::move(content_type));
  res.set("Content-Disposition", "attachment; filename=\"" + safe + "\"");
  res.set("Cache-Control", "no-store");
  return res;
}

http::Response svg_response(std::string svg) {
  http::Response res;
  res.body = std::move(svg);
  res.set("Content-Type", "image/svg+xml; charset=utf-8");
  res.set("Content-Security-Policy", "default-src 'none'");
  res.set("Cache-Control", "private, no-cache");
  return res;
}

std::optional<std::string> flash(const render::PageRenderer& pages, const http::Request& req) {
  std::string done = req.query.value("done");
  if (done.empty() || done.size() > 40) return std::nullopt;
  for (char c : done)
    if (!(c >= 'a' && c <= 'z') && c != '_') return std::nullopt;
  std::string key = "workflow.pages.done." + done;
  if (!pages.catalogue().has("zh-CN", key)) return std::nullopt;
  return pages.text(req, key);
}

}  // namespace yiwang::workflow
