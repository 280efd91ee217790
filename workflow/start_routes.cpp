// Starting a process (发起流程): civil servants holding workflow.instance.start
// choose a deployed process, give the case a title (and a business key when
// there is one) and land on the new instance's page.
#include "workflow/permissions.hpp"
#include "workflow/workflow_pages.hpp"

namespace yiwang::workflow {

namespace {

constexpr const char* kStartPath = "/workflow/start";

http::Response start_page(WorkflowServices& s, const http::Request& req,
                          const http::FormData* typed, const Error* error, int status = 400) {
  const auto& pages = s.identity.pages;
  auto definitions = s.engine.definitions();
  if (!definitions) return internal(s, req);
  std::string chosen = typed ? typed->value("process_key") : req.query.value("process");
  nlohmann::json processes = nlohmann::json::array();
  for (const auto& d : *definitions)
    processes.push_back({{"value", d.key},
                         {"label", d.name},
                         {"version", d.version},
                         {"selected", d.key == chosen}});
  nlohmann::json model = {{"processes", processes},
                          {"has_processes", !processes.empty()},
                          {"title_value", typed ? typed->value("title") : ""},
                          {"business_key", typed ? typed->value("business_key") : ""}};
  if (error)
    put_form_error(s, req, model, "start", *error, {"process_key", "title", "business_key"});
  return pages.form_page(req, "workflow/start", "workflow.pages.start.title", model,
                         error ? status : 200);
}

http::Response start(WorkflowServices& s, http::Request& req) {
  if (!is_staff(req)) return staff_only(s, req);
  auto form = req.form();
  if (!form) return s.identity.pages.error(req, form.error().status, form.error().key);
  Engine::StartInput in;
  in.process_key = form->value("process_key");
  in.title = form->value("title");
  in.business_key = form->value("business_key");
  if (in.process_key.empty()) {
    Error e("workflow.pages.start.no_process", "process_key");
    return start_page(s, req, &*form, &e);
  }
  auto started = s.engine.start(in, actor_of(req));
  if (!started) {
    Error e = started.error();
    int status = status_of(e);
    if (status == 500) return internal(s, req);
    // The process no longer (or never) deployed: said at its field.
    if (e.key.starts_with("workflow.definition.")) e.field = "process_key";
    return start_page(s, req, &*form, &e, status == 404 ? 400 : status);
  }
  return http::Response::redirect(instance_href(started->id) + "?done=started", 303);
}

}  // namespace

void register_start_routes(http::Router& router, WorkflowServices& s) {
  router.add({.method = "GET",
              .pattern = kStartPath,
              .zone = http::Zone::intranet,
              .permission = perm::kInstanceStart,
              .handler = [&s](http::Request& req) {
                if (!is_staff(req)) return staff_only(s, req);
                return start_page(s, req, nullptr, nullptr);
              }});
  router.add({.method = "POST",
              .pattern = kStartPath,
              .zone = http::Zone::intranet,
              .permission = perm::kInstanceStart,
              .handler = [&s](http::Request& req) { return start(s, req); }});
}

}  // namespace yiwang::workflow
