// The process administrators' pages (流程管理员: staff holding
// workflow.instance.manage within organ scopes): every instance started in
// their organs, filtered by process and state, and the interventions —
// suspend, resume, terminate (with a reason) and reassign a task (to whom
// and why). The engine audits each one. An instance outside the scope is
// "not found".
#include <set>

#include "identity/admin_pages.hpp"
#include "render/pager.hpp"
#include "workflow/permissions.hpp"
#include "workflow/workflow_pages.hpp"

namespace yiwang::workflow {

namespace {

constexpr const char* kListPath = "/workflow/admin/instances";

std::optional<InstanceState> parse_state(std::string_view s) {
  for (auto st : {InstanceState::running, InstanceState::suspended, InstanceState::completed,
                  InstanceState::terminated})
    if (s == instance_state_name(st)) return st;
  return std::nullopt;
}

// The instances of the principal's organ scope, newest first.
Result<Engine::InstancePage> scoped(WorkflowServices& s, const http::Request& req,
                                    const std::string& key, std::optional<InstanceState> state,
                                    int offset, int limit) {
  Engine::InstanceFilter filter{.process_key = key, .state = state, .organs = std::nullopt};
  const auto& authority = req.principal->authority;
  if (!authority || !authority->everywhere.contains(perm::kInstanceManage)) {
    filter.organs.emplace();
    if (authority)
      for (long long o : authority->organs_for(perm::kInstanceManage)) filter.organs->insert(o);
  }
  return s.engine.instances(filter, offset, limit);
}

http::Response list(WorkflowServices& s, const http::Request& req) {
  if (!is_staff(req)) return staff_only(s, req);
  const auto& pages = s.identity.pages;
  auto definitions = s.engine.definitions();
  if (!definitions) return internal(s, req);
  std::string key = req.query.value("process");
  bool known = false;
  for (const auto& d : *definitions) known = known || d.key == key;
  if (!known) key.clear();
  auto state = parse_state(req.query.value("state"));
  render::PageRequest page = render::page_request(req);
  auto found = scoped(s, req, key, state, page.offset(), page.per_page);
  if (!found) return internal(s, req);

  nlohmann::json rows = nlohmann::json::array();
  for (const auto& i : found->instances) {
    bool live = i.state == InstanceState::running || i.state == InstanceState::suspended;
    rows.push_back({{"id", i.id},
                    {"href", instance_href(i.id)},
                    {"title", i.title},
                    {"process", i.process_name},
                    {"version", i.definition_version},
                    {"starter", person_text(s, req, i.starter)},
                    {"started", identity::local_time(i.started_at)},
                    {"state", instance_state_text(pages, req, i.state)},
                    {"base", std::string(kListPath) + "/" + std::to_string(i.id)},
                    {"running", i.state == InstanceState::running},
                    {"suspended", i.state == InstanceState::suspended},
                    {"live", live}});
  }
  nlohmann::json processes = nlohmann::json::array();
  for (const auto& d : *definitions)
    processes.push_back({{"value", d.key}, {"label", d.name}, {"selected", d.key == key}});
  nlohmann::json states = nlohmann::json::array();
  for (auto st : {InstanceState::running, InstanceState::suspended, InstanceState::completed,
                  InstanceState::terminated})
    states.push_back({{"value", std::string(instance_state_name(st))},
                      {"label", instance_state_text(pages, req, st)},
                      {"selected", state && *state == st}});
  nlohmann::json model = {{"rows", rows},
                          {"has_rows", !rows.empty()},
                          {"processes", processes},
                          {"states", states},
                          {"pager", render::pager(req, page, found->total)}};
  if (auto notice = flash(pages, req)) model["notice"] = *notice;
  return pages.form_page(req, "workflow/admin_instances", "workflow.pages.admin.title", model);
}

// The instance of the URL when it is within the principal's scope.
std::expected<Instance, http::Response> managed_instance(WorkflowServices& s,
                                                         const http::Request& req,
                                                         std::optional<long long> id) {
  const auto& pages = s.identity.pages;
  auto not_found = [&] {
    return pages.error(req, 404, "workflow.instance.not_found",
                       {{"id", id ? std::to_string(*id) : req.param("id")}});
  };
  if (!id) return std::unexpected(not_found());
  auto instance = s.engine.instance(*id);
  if (!instance) return std::unexpected(internal(s, req));
  if (!*instance || !manages(req, (*instance)->starter_organ_id))
    return std::unexpected(not_found());
  return **instance;
}

using Intervention =
    std::function<Result<Instance>(const Instance&, const http::FormData&, const Actor&)>;

void add_intervention(http::Router& router, WorkflowServices& s, const std::string& name,
                      const std::string& done, Intervention act) {
  router.add(
      {.method = "POST",
       .pattern = std::string(kListPath) + "/{id}/" + name,
       .zone = http::Zone::intranet,
       .permission = perm::kInstanceManage,
       .handler = [&s, name, done, act](http::Request& req) {
         if (!is_staff(req)) return staff_only(s, req);
         auto instance = managed_instance(s, req, identity::id_param(req));
         if (!instance) return instance.error();
         auto form = req.form();
         if (!form) return s.identity.pages.error(req, form.error().status, form.error().key);
         auto r = act(*instance, *form, actor_of(req, true));
         if (!r) {
           const Error& e = r.error();
           int status = status_of(e);
           if (status == 500) return internal(s, req);
           if (status == 403) return s.identity.pages.error(req, 403, e.key);
           auto now = s.engine.instance(instance->id);
           if (!now || !*now) return internal(s, req);
           return instance_page(s, req, **now, {name, &e, &*form, status == 404 ? 400 : status});
         }
         std::string back = form->value("from") == "list"
                                ? std::string(kListPath) + "?done=" + done
                                : instance_href(instance->id) + "?done=" + done;
         return http::Response::redirect(back, 303);
       }});
}

http::Response reassign(WorkflowServices& s, http::Request& req) {
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
  auto instance = s.engine.instance((*task)->instance_id);
  if (!instance) return internal(s, req);
  if (!*instance || !manages(req, (*instance)->starter_organ_id)) return not_found();
  auto form = req.form();
  if (!form) return pages.error(req, form.error().status, form.error().key);
  auto r = s.engine.reassign(*id, form->value("to"), form->value("reason"), actor_of(req, true));
  if (!r) {
    const Error& e = r.error();
    int status = status_of(e);
    if (status == 500) return internal(s, req);
    if (status == 403) return pages.error(req, 403, e.key);
    auto now = s.engine.instance((*instance)->id);
    if (!now || !*now) return internal(s, req);
    return instance_page(s, req, **now,
                         {"reassign", &e, &*form, status == 404 ? 400 : status, *id});
  }
  return http::Response::redirect(instance_href((*instance)->id) + "?done=reassigned", 303);
}

}  // namespace

void register_process_admin_routes(http::Router& router, WorkflowServices& s) {
  router.add({.method = "GET",
              .pattern = kListPath,
              .zone = http::Zone::intranet,
              .permission = perm::kInstanceManage,
              .handler = [&s](http::Request& req) { return list(s, req); }});
  Engine& e = s.engine;
  add_intervention(router, s, "suspend", "suspended",
                   [&e](const Instance& i, const http::FormData& f, const Actor& by) {
                     return e.suspend(i.id, f.value("reason"), by);
                   });
  add_intervention(router, s, "resume", "resumed",
                   [&e](const Instance& i, const http::FormData&, const Actor& by) {
                     return e.resume(i.id, by);
                   });
  add_intervention(router, s, "terminate", "terminated",
                   [&e](const Instance& i, const http::FormData& f, const Actor& by) {
                     return e.terminate(i.id, f.value("reason"), by);
                   });
  router.add({.method = "POST",
              .pattern = "/workflow/admin/tasks/{id}/reassign",
              .zone = http::Zone::intranet,
              .permission = perm::kInstanceManage,
              .handler = [&s](http::Request& req) { return reassign(s, req); }});
}

}  // namespace yiwang::workflow
