// What a civil servant does with a task, one route per action (each form of
// the task page posts to its own): 完成, 签收, 退回签收池, 转办, 委派, 交回,
// 退回, 驳回到指定节点, 撤回 and 加签. A refused action shows the task page
// again with the message next to the field and what was typed kept (400, or
// 409 when the task changed under the form); one that succeeds leads to the
// inbox with a message, or back to the task.
#include <functional>

#include "identity/admin_pages.hpp"
#include "workflow/workflow_pages.hpp"

namespace yiwang::workflow {

namespace {

// Where a successful action leads.
using Action =
    std::function<Result<std::string>(const http::Request&, const Task&, const http::FormData&)>;

std::string to_inbox(const char* what) { return std::string(kInboxPath) + "?done=" + what; }
std::string to_task(long long id, const char* what) { return task_href(id) + "?done=" + what; }

void add_action(http::Router& router, WorkflowServices& s, const std::string& path,
                const std::string& form_name, Action act) {
  router.add({.method = "POST",
              .pattern = "/workflow/tasks/{id}/" + path,
              .zone = http::Zone::intranet,
              .permission = std::string(http::kSignedIn),
              .handler = [&s, form_name, act](http::Request& req) {
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
                auto form = req.form();
                if (!form) return pages.error(req, form.error().status, form.error().key);
                auto done = act(req, **task, *form);
                if (done) return http::Response::redirect(*done, 303);
                const Error& e = done.error();
                int status = status_of(e);
                if (status == 500) return internal(s, req);
                if (status == 403) return pages.error(req, 403, e.key);
                // The task as it is now, with the form that failed.
                auto now = s.engine.task(*id);
                if (!now) return internal(s, req);
                if (!*now) return not_found();
                if (status == 404) status = 400;
                return task_page(s, req, **now, {form_name, &e, &*form, status});
              }});
}

Result<std::string> complete(WorkflowServices& s, const http::Request& req, const Task& task,
                             const http::FormData& form) {
  Engine::CompleteInput in;
  in.outcome = form.value("outcome");
  in.opinion = form.value("opinion");
  in.expected_version = identity::positive_number(form.value("expected_version")).value_or(0);
  // The business form's fields, when its module reads them.
  auto instance = s.engine.instance(task.instance_id);
  if (!instance) return std::unexpected(instance.error());
  if (*instance) {
    auto definition = s.engine.model((*instance)->definition_id);
    if (!definition) return std::unexpected(definition.error());
    const FlowNode* node = (*definition)->node(task.node_id);
    const TaskForm* registered = s.forms.find(node ? node->form_key : "");
    if (registered && registered->read) {
      TaskFormContext context{req, s.identity.pages, task, **instance, true};
      auto variables = registered->read(context, form);
      if (!variables) return std::unexpected(variables.error());
      in.variables = std::move(*variables);
    }
  }
  auto r = s.engine.complete(task.id, in, actor_of(req));
  if (!r) return std::unexpected(r.error());
  return to_inbox("completed");
}

}  // namespace

void register_task_action_routes(http::Router& router, WorkflowServices& s) {
  Engine& e = s.engine;
  add_action(router, s, "complete", "complete",
             [&s](const http::Request& req, const Task& t, const http::FormData& f) {
               return complete(s, req, t, f);
             });
  add_action(
      router, s, "claim", "claim",
      [&e](const http::Request& req, const Task& t, const http::FormData&) -> Result<std::string> {
        auto r = e.claim(t.id, actor_of(req));
        if (!r) return std::unexpected(r.error());
        return to_task(t.id, "claimed");
      });
  add_action(
      router, s, "unclaim", "unclaim",
      [&e](const http::Request& req, const Task& t, const http::FormData&) -> Result<std::string> {
        auto r = e.unclaim(t.id, actor_of(req));
        if (!r) return std::unexpected(r.error());
        return to_inbox("unclaimed");
      });
  add_action(router, s, "delegate", "delegate",
             [&e](const http::Request& req, const Task& t,
                  const http::FormData& f) -> Result<std::string> {
               auto r = e.delegate(t.id, f.value("to"), f.value("opinion"), actor_of(req));
               if (!r) return std::unexpected(r.error());
               return to_inbox("delegated");
             });
  add_action(router, s, "delegate-for-return", "delegate_for_return",
             [&e](const http::Request& req, const Task& t,
                  const http::FormData& f) -> Result<std::string> {
               auto r =
                   e.delegate_for_return(t.id, f.value("to"), f.value("opinion"), actor_of(req));
               if (!r) return std::unexpected(r.error());
               return to_inbox("delegated_for_return");
             });
  add_action(router, s, "resolve", "resolve",
             [&e](const http::Request& req, const Task& t,
                  const http::FormData& f) -> Result<std::string> {
               auto r = e.resolve(t.id, f.value("opinion"), actor_of(req));
               if (!r) return std::unexpected(r.error());
               return to_inbox("resolved");
             });
  add_action(router, s, "send-back", "send_back",
             [&e](const http::Request& req, const Task& t,
                  const http::FormData& f) -> Result<std::string> {
               Engine::ReturnInput in{f.value("opinion"), f.value("resume_here") == "1"};
               auto r = e.send_back(t.id, in, actor_of(req));
               if (!r) return std::unexpected(r.error());
               return to_inbox("sent_back");
             });
  add_action(router, s, "reject", "reject",
             [&e](const http::Request& req, const Task& t,
                  const http::FormData& f) -> Result<std::string> {
               Engine::RejectInput in;
               in.target = f.value("target");
               in.signer = f.value("signer");
               in.opinion = f.value("opinion");
               in.resume_here = f.value("resume_here") == "1";
               if (in.target.empty()) return fail("workflow.pages.reject.no_target", "target");
               auto r = e.reject_to(t.id, in, actor_of(req));
               if (!r) return std::unexpected(r.error());
               return to_inbox("rejected");
             });
  add_action(
      router, s, "withdraw", "withdraw",
      [&e](const http::Request& req, const Task& t, const http::FormData&) -> Result<std::string> {
        auto r = e.withdraw(t.id, actor_of(req));
        if (!r) return std::unexpected(r.error());
        return to_task(r->id, "withdrawn");
      });
  add_action(router, s, "add-signer", "add_signer",
             [&s](const http::Request& req, const Task& t,
                  const http::FormData& f) -> Result<std::string> {
               auto instance = s.engine.instance(t.instance_id);
               if (!instance) return std::unexpected(instance.error());
               bool admin = *instance && manages(req, (*instance)->starter_organ_id);
               auto r = s.engine.add_signer(t.id, f.value("signer"), actor_of(req, admin));
               if (!r) return std::unexpected(r.error());
               return to_task(t.id, "signer_added");
             });
}

}  // namespace yiwang::workflow
