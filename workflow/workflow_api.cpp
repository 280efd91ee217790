// The workflow JSON API (/api/v1/workflow/…, intranet): the same engine
// calls as the pages, for programs and other modules' front ends. A session
// cookie authenticates; state-changing calls carry X-CSRF-Token (checked by
// the authorisation hook). Errors have the shape of every API error
// ({"error": {status, code, message, field, request_id}}); a BPMN file with
// problems is answered 422 with all of them under "problems". Described in
// docs/api/openapi.json.
#include <algorithm>

#include "identity/admin_pages.hpp"
#include "identity/services.hpp"
#include "workflow/bpmn_parser.hpp"
#include "workflow/duration.hpp"
#include "workflow/permissions.hpp"
#include "workflow/workflow_pages.hpp"

namespace yiwang::workflow {

namespace {

using nlohmann::json;

constexpr const char* kApi = "/api/v1/workflow";

http::Response ok(const json& body, int status = 200) {
  http::Response r =
      http::Response::json(body.dump(-1, ' ', false, json::error_handler_t::replace), status);
  r.set("Cache-Control", "no-store");
  return r;
}

json error_body(WorkflowServices& s, const http::Request& req, int status, const Error& e) {
  json body = {{"error",
                {{"status", status},
                 {"code", e.key},
                 {"message", error_message(s, req, e)},
                 {"request_id", req.request_id}}}};
  Error shown = explained(s, req, e);
  if (!shown.field.empty()) body["error"]["field"] = shown.field;
  return body;
}

http::Response failed(WorkflowServices& s, const http::Request& req, int status, const Error& e) {
  return ok(error_body(s, req, status, e), status);
}

// An engine error with the status it deserves.
http::Response refused(WorkflowServices& s, const http::Request& req, const Error& e) {
  int status = status_of(e);
  if (status == 500) return failed(s, req, 500, Error("http.internal_error"));
  return failed(s, req, status, e);
}

http::Response api_internal(WorkflowServices& s, const http::Request& req) {
  return failed(s, req, 500, Error("http.internal_error"));
}

json task_json(WorkflowServices& s, const Task& t) {
  json j = {{"id", t.id},
            {"instance_id", t.instance_id},
            {"node_id", t.node_id},
            {"name", t.name},
            {"process_key", t.process_key},
            {"title", t.title},
            {"state", std::string(task_state_name(t.state))},
            {"assignee", t.assignee},
            {"owner", t.owner},
            {"candidate_groups", t.candidate_groups},
            {"candidate_users", t.candidate_users},
            {"mi_index", t.mi_index},
            {"organ_id", t.organ_id},
            {"created_at", t.created_at},
            {"due_at", t.due_at},
            {"claimed_at", t.claimed_at},
            {"read_at", t.read_at},
            {"completed_at", t.completed_at},
            {"completed_by", t.completed_by},
            {"outcome", t.outcome},
            {"opinion", t.opinion},
            {"version", t.version}};
  auto due = parse_utc(t.due_at);
  auto now = s.engine.now();
  j["overdue"] = t.state == TaskState::open && due && *due < now;
  j["working_days_left"] = due && t.state == TaskState::open
                               ? json(working_days_left(now, *due, s.engine.calendar()))
                               : json(nullptr);
  return j;
}

json instance_json(WorkflowServices& s, const Instance& i, const std::vector<Task>& open) {
  json tasks = json::array();
  for (const auto& t : open) tasks.push_back(task_json(s, t));
  return {{"id", i.id},
          {"definition_id", i.definition_id},
          {"process_key", i.process_key},
          {"process_name", i.process_name},
          {"definition_version", i.definition_version},
          {"business_key", i.business_key},
          {"title", i.title},
          {"state", std::string(instance_state_name(i.state))},
          {"starter", i.starter},
          {"starter_organ_id", i.starter_organ_id},
          {"parent_id", i.parent_id ? json(i.parent_id) : json(nullptr)},
          {"variables", i.variables},
          {"visited", i.visited},
          {"started_at", i.started_at},
          {"ended_at", i.ended_at},
          {"end_reason", i.end_reason},
          {"version", i.version},
          {"open_tasks", tasks}};
}

json history_json(const HistoryEntry& h) {
  return {{"id", h.id},
          {"task_id", h.task_id ? json(h.task_id) : json(nullptr)},
          {"node_id", h.node_id},
          {"node_name", h.node_name},
          {"action", h.action},
          {"actor", h.actor},
          {"actor_name", h.actor_name},
          {"at", h.at},
          {"outcome", h.outcome},
          {"opinion", h.opinion},
          {"detail", h.detail}};
}

json definition_json(const DefinitionInfo& d) {
  return {{"id", d.id},
          {"key", d.key},
          {"name", d.name},
          {"version", d.version},
          {"deployed_by", d.deployed_by},
          {"deployed_at", d.deployed_at},
          {"running", d.running},
          {"finished", d.finished}};
}

json box_item_json(const Engine::BoxItem& it) {
  return {{"task_id", it.task_id ? json(it.task_id) : json(nullptr)},
          {"instance_id", it.instance_id},
          {"process_key", it.process_key},
          {"process_name", it.process_name},
          {"title", it.title},
          {"step", it.step},
          {"assignee", it.assignee},
          {"created_at", it.created_at},
          {"due_at", it.due_at},
          {"completed_at", it.completed_at},
          {"outcome", it.outcome},
          {"instance_state", std::string(instance_state_name(it.instance_state))},
          {"overdue", it.overdue},
          {"unread", it.unread},
          {"working_days_left", it.due_at.empty() ? json(nullptr) : json(it.working_days_left)}};
}

// A paging parameter: absent → fallback; else min..max, or an error naming it.
Result<int> bounded(const http::Request& req, const char* name, int fallback, int min, int max) {
  std::string text = req.query.value(name);
  if (text.empty()) return fallback;
  std::optional<long long> n =
      text == "0" ? std::optional<long long>(0) : identity::positive_number(text);
  if (!n || *n < min || *n > max)
    return std::unexpected(Error("api.bad_range", name, {{"max", std::to_string(max)}}));
  return static_cast<int>(*n);
}

// The JSON object of a request body, or an error.
Result<json> body_object(const http::Request& req) {
  auto j = json::parse(req.body, nullptr, false);
  if (j.is_discarded() || !j.is_object()) return fail("workflow.pages.api.bad_body");
  return j;
}

// A string member ("" when absent), or an error naming it.
Result<std::string> text_member(const json& body, const char* name) {
  if (!body.contains(name) || body[name].is_null()) return std::string();
  if (!body[name].is_string()) return fail("workflow.pages.api.not_text", name);
  return body[name].get<std::string>();
}

// The task the URL names, when the viewer is involved in its instance.
std::expected<Task, http::Response> visible_task(WorkflowServices& s, const http::Request& req) {
  auto id = identity::id_param(req);
  Error missing("workflow.task.not_found", "", {{"id", id ? std::to_string(*id) : "?"}});
  if (!id) return std::unexpected(failed(s, req, 404, missing));
  auto task = s.engine.task(*id);
  if (!task) return std::unexpected(api_internal(s, req));
  if (!*task) return std::unexpected(failed(s, req, 404, missing));
  auto involved = may_see_task(s, req, **task);
  if (!involved) return std::unexpected(api_internal(s, req));
  if (!*involved) return std::unexpected(failed(s, req, 404, missing));
  return **task;
}

std::expected<Instance, http::Response> visible_instance(WorkflowServices& s,
                                                         const http::Request& req) {
  auto id = identity::id_param(req);
  Error missing("workflow.instance.not_found", "", {{"id", id ? std::to_string(*id) : "?"}});
  if (!id) return std::unexpected(failed(s, req, 404, missing));
  auto instance = s.engine.instance(*id);
  if (!instance) return std::unexpected(api_internal(s, req));
  if (!*instance) return std::unexpected(failed(s, req, 404, missing));
  auto visible = may_see(s, req, **instance, true);
  if (!visible) return std::unexpected(api_internal(s, req));
  if (!*visible) return std::unexpected(failed(s, req, 404, missing));
  return **instance;
}

http::Response staff_refused(WorkflowServices& s, const http::Request& req) {
  return failed(s, req, 403, Error("workflow.pages.staff_only"));
}

// ---- handlers ---------------------------------------------------------------

http::Response list_definitions(WorkflowServices& s, http::Request& req) {
  if (!is_staff(req) && !req.principal->holds(perm::kDefinitionManage))
    return staff_refused(s, req);
  auto list = s.engine.definitions();
  if (!list) return api_internal(s, req);
  json rows = json::array();
  for (const auto& d : *list) rows.push_back(definition_json(d));
  return ok({{"definitions", rows}});
}

http::Response deploy(WorkflowServices& s, http::Request& req) {
  const std::string* type = req.header("content-type");
  std::string media = type ? type->substr(0, type->find(';')) : "";
  std::transform(media.begin(), media.end(), media.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  while (!media.empty() && media.back() == ' ') media.pop_back();
  if (media != "application/xml" && media != "text/xml" && media != "application/bpmn+xml")
    return failed(s, req, 415, Error("workflow.pages.api.xml_required"));
  auto problems = s.engine.validate(req.body);
  if (!problems.empty()) {
    json body = error_body(s, req, 422, problems.front());
    json list = json::array();
    for (const auto& p : problems)
      list.push_back({{"code", p.key},
                      {"element", p.field},
                      {"message", s.identity.pages.catalogue().text(req.lang, p.key, p.params)}});
    body["problems"] = list;
    return ok(body, 422);
  }
  int latest = 0;
  if (auto parsed = parse_bpmn(req.body)) {
    auto versions = s.engine.versions(parsed->key);
    if (!versions) return api_internal(s, req);
    if (!versions->empty()) latest = versions->front().version;
  }
  auto deployed = s.engine.deploy(req.body, actor_of(req));
  if (!deployed) {
    if (is_internal(deployed.error())) return api_internal(s, req);
    json body = error_body(s, req, 422, deployed.error());
    body["problems"] =
        json::array({{{"code", deployed.error().key},
                      {"element", deployed.error().field},
                      {"message", s.identity.pages.catalogue().text(req.lang, deployed.error().key,
                                                                    deployed.error().params)}}});
    return ok(body, 422);
  }
  bool created = deployed->version != latest;
  json body = definition_json(*deployed);
  body["created"] = created;
  return ok(body, created ? 201 : 200);
}

http::Response start(WorkflowServices& s, http::Request& req) {
  if (!is_staff(req)) return staff_refused(s, req);
  auto body = body_object(req);
  if (!body) return failed(s, req, 400, body.error());
  Engine::StartInput in;
  auto key = text_member(*body, "process_key");
  if (!key) return failed(s, req, 400, key.error());
  if (key->empty()) return failed(s, req, 400, Error("api.required", "process_key"));
  in.process_key = *key;
  for (auto [name, out] : {std::pair{"title", &in.title}, {"business_key", &in.business_key}}) {
    auto v = text_member(*body, name);
    if (!v) return failed(s, req, 400, v.error());
    *out = *v;
  }
  if (body->contains("variables") && !(*body)["variables"].is_null())
    in.variables = (*body)["variables"];
  auto started = s.engine.start(in, actor_of(req));
  if (!started) {
    Error e = started.error();
    if (e.key.starts_with("workflow.definition.")) {
      e.field = "process_key";
      return failed(s, req, 400, e);
    }
    return refused(s, req, e);
  }
  auto open = s.engine.open_tasks(started->id);
  if (!open) return api_internal(s, req);
  auto fresh = s.engine.instance(started->id);
  if (!fresh || !*fresh) return api_internal(s, req);
  http::Response r = ok(instance_json(s, **fresh, *open), 201);
  r.set("Location", std::string(kApi) + "/instances/" + std::to_string(started->id));
  return r;
}

http::Response get_instance(WorkflowServices& s, http::Request& req) {
  if (!is_staff(req)) return staff_refused(s, req);
  auto instance = visible_instance(s, req);
  if (!instance) return instance.error();
  auto open = s.engine.open_tasks(instance->id);
  if (!open) return api_internal(s, req);
  return ok(instance_json(s, *instance, *open));
}

http::Response get_history(WorkflowServices& s, http::Request& req) {
  if (!is_staff(req)) return staff_refused(s, req);
  auto instance = visible_instance(s, req);
  if (!instance) return instance.error();
  auto history = s.engine.history(instance->id);
  if (!history) return api_internal(s, req);
  json rows = json::array();
  for (const auto& h : *history) rows.push_back(history_json(h));
  return ok({{"instance_id", instance->id}, {"history", rows}});
}

http::Response list_tasks(WorkflowServices& s, http::Request& req) {
  if (!is_staff(req)) return staff_refused(s, req);
  Engine::BoxQuery q;
  q.account = req.principal->name;
  std::string box = req.query.value("box", "todo");
  if (box == "todo")
    q.box = Engine::Box::todo;
  else if (box == "done")
    q.box = Engine::Box::done;
  else if (box == "started")
    q.box = Engine::Box::started;
  else if (box == "copied")
    q.box = Engine::Box::copied;
  else
    return failed(s, req, 400, Error("workflow.pages.api.bad_box", "box"));
  q.process_key = req.query.value("process");
  if (q.process_key.size() > 64)
    return failed(s, req, 400, Error("api.too_long", "process", {{"max", "64"}}));
  auto offset = bounded(req, "offset", 0, 0, 1000000);
  if (!offset) return failed(s, req, 400, offset.error());
  auto limit = bounded(req, "limit", 20, 1, 200);
  if (!limit) return failed(s, req, 400, limit.error());
  q.offset = *offset;
  q.limit = *limit;
  q.sort = q.box == Engine::Box::todo ? "due" : "-created";
  auto page = s.engine.box(q);
  if (!page) return api_internal(s, req);
  json items = json::array();
  for (const auto& it : page->items) items.push_back(box_item_json(it));
  return ok({{"box", box},
             {"total", page->total},
             {"offset", *offset},
             {"limit", *limit},
             {"items", items}});
}

http::Response get_task(WorkflowServices& s, http::Request& req) {
  if (!is_staff(req)) return staff_refused(s, req);
  auto task = visible_task(s, req);
  if (!task) return task.error();
  json body = task_json(s, *task);
  if (task->state == TaskState::open) {
    auto outcomes = s.engine.outcomes(*task);
    if (!outcomes) return refused(s, req, outcomes.error());
    body["outcomes"] = *outcomes;
  } else {
    body["outcomes"] = json::array();
  }
  return ok(body);
}

http::Response complete(WorkflowServices& s, http::Request& req) {
  if (!is_staff(req)) return staff_refused(s, req);
  auto task = visible_task(s, req);
  if (!task) return task.error();
  auto body = body_object(req);
  if (!body) return failed(s, req, 400, body.error());
  Engine::CompleteInput in;
  for (auto [name, out] : {std::pair{"outcome", &in.outcome}, {"opinion", &in.opinion}}) {
    auto v = text_member(*body, name);
    if (!v) return failed(s, req, 400, v.error());
    *out = *v;
  }
  if (body->contains("variables") && !(*body)["variables"].is_null())
    in.variables = (*body)["variables"];
  if (body->contains("expected_version") && !(*body)["expected_version"].is_null()) {
    const json& v = (*body)["expected_version"];
    if (!v.is_number_integer() || v.get<long long>() < 0)
      return failed(s, req, 400, Error("workflow.pages.api.bad_version", "expected_version"));
    in.expected_version = v.get<long long>();
  }
  auto done = s.engine.complete(task->id, in, actor_of(req));
  if (!done) return refused(s, req, done.error());
  auto now = s.engine.task(task->id);
  if (!now || !*now) return api_internal(s, req);
  return ok(task_json(s, **now));
}

http::Response claim(WorkflowServices& s, http::Request& req, bool take) {
  if (!is_staff(req)) return staff_refused(s, req);
  auto task = visible_task(s, req);
  if (!task) return task.error();
  auto r =
      take ? s.engine.claim(task->id, actor_of(req)) : s.engine.unclaim(task->id, actor_of(req));
  if (!r) return refused(s, req, r.error());
  return ok(task_json(s, *r));
}

}  // namespace

void register_workflow_api(http::Router& router, WorkflowServices& s) {
  const auto zone = http::Zone::intranet;
  const std::string signed_in(http::kSignedIn);
  const std::string api(kApi);
  router.add({.method = "GET",
              .pattern = api + "/definitions",
              .zone = zone,
              .permission = signed_in,
              .handler = [&s](http::Request& req) { return list_definitions(s, req); },
              .summary = "The deployed processes, latest version of each"});
  router.add({.method = "POST",
              .pattern = api + "/definitions",
              .zone = zone,
              .permission = perm::kDefinitionManage,
              .handler = [&s](http::Request& req) { return deploy(s, req); },
              .summary = "Deploys a BPMN file (body application/xml); 422 lists every problem"});
  router.add({.method = "POST",
              .pattern = api + "/instances",
              .zone = zone,
              .permission = perm::kInstanceStart,
              .handler = [&s](http::Request& req) { return start(s, req); },
              .summary = "Starts an instance of a deployed process"});
  router.add({.method = "GET",
              .pattern = api + "/instances/{id}",
              .zone = zone,
              .permission = signed_in,
              .handler = [&s](http::Request& req) { return get_instance(s, req); },
              .summary = "An instance: state, variables and open tasks"});
  router.add({.method = "GET",
              .pattern = api + "/instances/{id}/history",
              .zone = zone,
              .permission = signed_in,
              .handler = [&s](http::Request& req) { return get_history(s, req); },
              .summary = "What was done in an instance, oldest first"});
  router.add({.method = "GET",
              .pattern = api + "/tasks",
              .zone = zone,
              .permission = signed_in,
              .handler = [&s](http::Request& req) { return list_tasks(s, req); },
              .summary = "The signed-in civil servant's inbox: todo, done, started or copied"});
  router.add({.method = "GET",
              .pattern = api + "/tasks/{id}",
              .zone = zone,
              .permission = signed_in,
              .handler = [&s](http::Request& req) { return get_task(s, req); },
              .summary = "A task with the outcomes it offers"});
  router.add({.method = "POST",
              .pattern = api + "/tasks/{id}/complete",
              .zone = zone,
              .permission = signed_in,
              .handler = [&s](http::Request& req) { return complete(s, req); },
              .summary = "Completes a task with an outcome and an opinion"});
  router.add({.method = "POST",
              .pattern = api + "/tasks/{id}/claim",
              .zone = zone,
              .permission = signed_in,
              .handler = [&s](http::Request& req) { return claim(s, req, true); },
              .summary = "Claims a task offered to the signed-in civil servant's groups"});
  router.add({.method = "POST",
              .pattern = api + "/tasks/{id}/unclaim",
              .zone = zone,
              .permission = signed_in,
              .handler = [&s](http::Request& req) { return claim(s, req, false); },
              .summary = "Puts a claimed task back for the candidates"});
}

}  // namespace yiwang::workflow
