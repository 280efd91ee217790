// Pieces the workflow pages and API share (workflow/*_routes.cpp,
// workflow/workflow_api.cpp): who the viewer is to the engine, what they may
// see, how an engine error is told (names and China times instead of account
// names and UTC), the words for states and history actions, due dates in
// working days, the diagram of an instance, and the two pages the forms
// answer with when something is wrong (the task page, the instance page).
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "http/request.hpp"
#include "http/response.hpp"
#include "workflow/workflow_routes.hpp"

namespace yiwang::workflow {

inline constexpr const char* kInboxPath = "/workflow/inbox";
std::string task_href(long long id);
std::string instance_href(long long id);

// The route tables of each concept (workflow/workflow_routes.cpp calls them).
void register_inbox_routes(http::Router& router, WorkflowServices& s);
void register_task_routes(http::Router& router, WorkflowServices& s);
void register_task_action_routes(http::Router& router, WorkflowServices& s);
void register_instance_routes(http::Router& router, WorkflowServices& s);
void register_start_routes(http::Router& router, WorkflowServices& s);
void register_definition_routes(http::Router& router, WorkflowServices& s);
void register_process_admin_routes(http::Router& router, WorkflowServices& s);
void register_workflow_api(http::Router& router, WorkflowServices& s);

// Whether the request comes from a civil servant (the workflow pages are
// theirs; the three administrators hold no tasks).
bool is_staff(const http::Request& req);
http::Response staff_only(WorkflowServices& s, const http::Request& req);
http::Response internal(WorkflowServices& s, const http::Request& req);

// The engine's actor for the signed-in principal.
Actor actor_of(const http::Request& req, bool administrator = false);

// Whether the principal administers instances started in that organ.
bool manages(const http::Request& req, long long organ_id);

// An engine error as the user is told it: "by", "assignee" and "owner" as
// names ("张三（zhang.san）"), "at" in China time, and the field as the
// forms name it (the engine's "account" of 加签 is the form's "signer").
Error explained(WorkflowServices& s, const http::Request& req, const Error& e);
std::string error_message(WorkflowServices& s, const http::Request& req, const Error& e);
// 404 (not found), 403, 409 (the task or instance changed under the form),
// 500 (database), else 400.
int status_of(const Error& e);
bool is_internal(const Error& e);

// "张三（zhang.san）" for an account, or the account name when unknown.
std::string person_text(WorkflowServices& s, const http::Request& req, const std::string& account);

std::string action_text(const render::PageRenderer& pages, const http::Request& req,
                        std::string_view action);
std::string instance_state_text(const render::PageRenderer& pages, const http::Request& req,
                                InstanceState state);
std::string task_state_text(const render::PageRenderer& pages, const http::Request& req,
                            TaskState state);

// A due time for people: {"local": China time, "text": "剩余 3 个工作日" /
// "超期 2 个工作日" / "今日到期", "overdue": bool, "days": n}; {} when there is none.
nlohmann::json due_model(WorkflowServices& s, const http::Request& req, const std::string& due_at,
                         bool open);

// The history as table rows (time, step, action in words, who, outcome, opinion, detail).
nlohmann::json history_rows(WorkflowServices& s, const http::Request& req,
                            const std::vector<HistoryEntry>& history);

// The instance's diagram: current = where open tasks and intermediate timers
// wait, done = visited minus current, overdue = current tasks past due.
Result<std::string> instance_diagram(WorkflowServices& s, const Instance& instance,
                                     const std::vector<Task>& open);

// Whether the viewer may see the instance: involved in it (Engine::involved)
// or, when `managers` is true, administering its starter's organ.
Result<bool> may_see(WorkflowServices& s, const http::Request& req, const Instance& instance,
                     bool managers);

// Whether the viewer may see a task: involved in its instance, or named
// among its candidate users (who then learn who claimed it).
Result<bool> may_see_task(WorkflowServices& s, const http::Request& req, const Task& task);

// Which completed tasks of the instance the viewer may still withdraw (撤回):
// their own, the steps they led to untouched.
std::vector<long long> withdrawable(const std::vector<Task>& tasks, const std::string& account,
                                    InstanceState state);

// Puts an error into a page model at the form it came from: errors.<form>.<field>
// when the form has that field, errors.<form>.form otherwise; "failed_<form>".
void put_form_error(WorkflowServices& s, const http::Request& req, nlohmann::json& model,
                    const std::string& form, const Error& error,
                    const std::vector<std::string>& fields);

// What a failed form sent, for the page that shows it again.
struct Failed {
  std::string form;  // complete, claim, delegate, … (the action's name)
  const Error* error = nullptr;
  const http::FormData* typed = nullptr;
  int status = 400;
  long long task_id = 0;  // reassign: the task whose form failed
};

// The task page (GET /workflow/tasks/{id}), or the page again with a failed form.
http::Response task_page(WorkflowServices& s, const http::Request& req, const Task& task,
                         const Failed& failed = {});
// The instance page (GET /workflow/instances/{id}), or again with a failed form.
http::Response instance_page(WorkflowServices& s, const http::Request& req,
                             const Instance& instance, const Failed& failed = {});

// A download named `filename` (ASCII) of the given type.
http::Response download(std::string body, std::string content_type, const std::string& filename);
// An SVG image with a policy that lets it load nothing.
http::Response svg_response(std::string svg);

// A flash message from ?done=<what> (workflow.pages.done.<what>), if known.
std::optional<std::string> flash(const render::PageRenderer& pages, const http::Request& req);

}  // namespace yiwang::workflow
