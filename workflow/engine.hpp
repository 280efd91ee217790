// The workflow engine (基于WEB的工作流): runs BPMN 2.0 process definitions
// (workflow/model.hpp) that administrators deploy as data. Official
// documents, online-service cases, disclosure requests and letters all run on
// it through this interface.
//
// Durability: every operation is one database transaction that loads the
// instance (its variables and tokens), moves it, and writes it back with its
// history and audit records; a crash part-way leaves the instance as it was.
// Tasks, instances and timers carry version numbers: of two people completing
// the same task, or two server nodes firing the same timer, exactly one
// succeeds and the other is told who handled it and when
// ("workflow.task.already_handled"). Two transitions of one instance that
// race on PostgreSQL are retried, the later one on the new state.
//
// Timers (boundary timers, intermediate timers) are rows with a due time;
// fire_due_timers(), called by a background thread in `serve` (and by tests
// with their own clock), fires those due, also after a restart.
//
// Thread-safe.
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

#include <soci/soci.h>
#include <nlohmann/json.hpp>

#include "audit/audit_log.hpp"
#include "core/error.hpp"
#include "core/work_calendar.hpp"
#include "db/database.hpp"
#include "db/migration.hpp"
#include "workflow/directory.hpp"
#include "workflow/model.hpp"

namespace yiwang::workflow {

struct Reach;
class Run;
class Tx;

// An error thrown inside a transition; the engine rolls the transaction back
// and returns the error. Callbacks a caller passes in (StartInput::before_run,
// message's `within`) throw it to refuse with their own error.
struct Fault : std::runtime_error {
  Error error;
  explicit Fault(Error e) : std::runtime_error(e.key), error(std::move(e)) {}
};

enum class InstanceState { running, suspended, completed, terminated };
std::string_view instance_state_name(InstanceState s);  // "running" …
enum class TaskState { open, completed, cancelled };
std::string_view task_state_name(TaskState s);

struct DefinitionInfo {
  long long id = 0;
  std::string key, name;
  int version = 0;
  std::string deployed_by, deployed_at;
  long long running = 0, finished = 0;  // instances (filled by definitions())
};

struct Instance {
  long long id = 0;
  long long definition_id = 0;
  std::string process_key, process_name;
  int definition_version = 0;
  std::string business_key, title;
  InstanceState state = InstanceState::running;
  std::string starter;  // account name
  long long starter_organ_id = 0;
  long long parent_id = 0;  // the calling instance of a call activity, or 0
  nlohmann::json variables = nlohmann::json::object();
  std::vector<std::string> visited;  // node ids passed so far
  std::string started_at, ended_at, end_reason;
  long long version = 0;
};

struct Task {
  long long id = 0;
  long long instance_id = 0;
  std::string node_id, name;
  std::string process_key, title;  // of the instance, for lists
  TaskState state = TaskState::open;
  std::string assignee;  // empty: waiting to be claimed by a candidate
  std::string owner;     // 委派: the account the task returns to after the delegate resolves it
  std::vector<std::string> candidate_groups, candidate_users;
  int mi_index = -1;  // which signer of a multi-instance task, or -1
  long long organ_id = 0;
  std::string created_at, due_at, claimed_at, read_at, completed_at, completed_by;
  std::string outcome, opinion;
  long long prev_task_id = 0;  // the task whose completion led here
  long long token_id = 0;      // the engine's token that waits on it (internal)
  int reminded = 0;            // reminders (催办) sent
  long long version = 0;
};

struct HistoryEntry {
  long long id = 0;
  long long instance_id = 0;
  long long task_id = 0;
  std::string node_id, node_name;
  std::string action;  // started, completed, claimed, unclaimed, delegated, delegated_for_return,
                       // resolved, sent_back, rejected, withdrawn, signer_added, suspended,
                       // resumed, terminated, reassigned, reminded, escalated, timer, message,
                       // signal, copied, ended
  std::string actor, actor_name, at;
  std::string outcome, opinion, detail;
};

// Who acts. Administrators (permission to intervene) may act on any task.
struct Actor {
  std::string account;
  std::string name;
  audit::AuditEvent audit;  // source, request id, organ; event and object are filled in
  bool administrator = false;
  // The platform acting for someone who is not a civil servant (a citizen's
  // application starting its case process): `account` is recorded as the
  // starter without being looked up in the directory. Only start() honours it.
  bool on_behalf = false;
};

// What a module runs in a service task: it reads and changes the variables
// and may write its own tables through the session (same transaction).
struct ServiceCall {
  soci::session& session;
  nlohmann::json& variables;
  long long instance_id;
  std::string business_key;
  std::string node_id;
  std::string actor;  // the account whose action led here (completing a task, a message)
};
using Handler = std::function<Result<void>(ServiceCall&)>;

// Called when a reminder (催办) or an escalation fires for a task, inside the
// transaction, e.g. to put a message in the assignee's message centre.
using TaskNotifier = std::function<void(soci::session&, const Task& task, std::string_view what)>;

class Engine {
 public:
  using Clock = std::function<std::chrono::sys_seconds()>;

  Engine(db::Database& db, const core::WorkCalendar& calendar, Directory& directory,
         Clock clock = {});

  static std::vector<db::Migration> migrations();

  // Service-task handlers, by name; register at start-up, before deploying.
  void register_handler(std::string name, Handler handler);
  std::vector<std::string> handler_names() const;
  void set_notifier(TaskNotifier notifier);

  // ---- definitions ----
  // Parses and checks a BPMN file without deploying it: the problems, if any
  // (parser problems plus unknown service handlers).
  std::vector<Error> validate(std::string_view xml) const;
  // Deploys: a new version of the process key, unless the file is identical
  // to the latest version (which is returned). Audited. Errors: the first
  // problem ("workflow.bpmn.*"); all of them are in validate().
  Result<DefinitionInfo> deploy(std::string_view xml, const Actor& by);
  Result<std::vector<DefinitionInfo>> definitions();                   // latest version of each key
  Result<std::vector<DefinitionInfo>> versions(std::string_view key);  // newest first
  Result<std::optional<DefinitionInfo>> definition(long long id);
  Result<std::string> definition_xml(long long id);
  // The parsed definition (cached; definitions never change).
  Result<std::shared_ptr<const Definition>> model(long long definition_id);

  // ---- instances ----
  struct StartInput {
    std::string process_key;  // latest version is started
    std::string business_key;
    std::string title;  // shown in inboxes; default "<process name>"
    nlohmann::json variables = nlohmann::json::object();
    // Optional: called inside the start's transaction once the instance
    // exists (its id known), before its first steps run — for the business
    // record (a case, a request) that the process's handlers then read. It
    // may set the instance's business key (a number made in the same
    // transaction) and variables. Throwing (Fault) rolls the whole start back.
    std::function<void(soci::session&, Instance&)> before_run;
  };
  Result<Instance> start(const StartInput& input, const Actor& by);
  Result<std::optional<Instance>> instance(long long id);
  Result<std::vector<HistoryEntry>> history(long long instance_id);
  // Open tasks of an instance.
  Result<std::vector<Task>> open_tasks(long long instance_id);
  // Every task of an instance, in creation order.
  Result<std::vector<Task>> tasks_of(long long instance_id);

  Result<Instance> suspend(long long instance_id, const std::string& reason, const Actor& by);
  Result<Instance> resume(long long instance_id, const Actor& by);
  Result<Instance> terminate(long long instance_id, const std::string& reason, const Actor& by);

  // Delivers a message to the instance's token waiting at a message catch
  // event of that name ("workflow.message.no_waiting" when none waits).
  // `within`, when given, runs in the same transaction first (the business
  // change the message announces, e.g. an applicant's corrections); throwing
  // rolls both back.
  Result<Instance> message(long long instance_id, const std::string& name,
                           const nlohmann::json& variables, const Actor& by,
                           const std::function<void(soci::session&)>& within = {});
  // Broadcasts a signal to every instance waiting for it; how many moved on.
  Result<int> signal(const std::string& name, const nlohmann::json& variables, const Actor& by);

  // 抄送: sends a copy of the instance to accounts (for their 抄送我的 box).
  Result<void> copy_to(long long instance_id, const std::vector<std::string>& accounts,
                       const std::string& note, const Actor& by);
  Result<void> mark_copy_read(long long instance_id, const std::string& account);

  // ---- tasks ----
  Result<std::optional<Task>> task(long long id);
  // The outcomes offered on the task's node (empty: a plain 完成).
  Result<std::vector<std::string>> outcomes(const Task& task);
  // Records that the assignee opened the task (after which it cannot be withdrawn).
  Result<void> mark_read(long long task_id, const Actor& by);

  Result<Task> claim(long long task_id, const Actor& by);
  Result<Task> unclaim(long long task_id, const Actor& by);

  // Completing a task with an outcome also records it in the variable
  // "decisions" under the node id: {"outcome", "approved" (the node's approve
  // outcome, by default its first), "by", "opinion"}, so a later step sees
  // what each branch of a parallel approval decided (the plain "outcome"
  // holds only the latest).
  struct CompleteInput {
    std::string outcome;  // one of the node's outcomes (required when it has any)
    std::string opinion;  // ≤ 2000 characters
    nlohmann::json variables = nlohmann::json::object();  // merged into the instance
    long long expected_version = 0;  // 0: any (the API passes what the user saw)
  };
  Result<Task> complete(long long task_id, const CompleteInput& input, const Actor& by);

  // 转办: hands the task to another person for good.
  Result<Task> delegate(long long task_id, const std::string& to, const std::string& opinion,
                        const Actor& by);
  // 委派: asks another person to handle it; it comes back when they resolve it.
  Result<Task> delegate_for_return(long long task_id, const std::string& to,
                                   const std::string& opinion, const Actor& by);
  Result<Task> resolve(long long task_id, const std::string& opinion, const Actor& by);

  // 退回: sends the task back to the step (and person) it came from.
  struct ReturnInput {
    std::string opinion;
    bool resume_here = false;  // after the earlier step is done, come straight back here
  };
  Result<Task> send_back(long long task_id, const ReturnInput& input, const Actor& by);
  // 驳回到指定节点: an earlier user-task step the instance has passed. For a
  // multi-instance target, `signer` picks one signer to redo it; the other
  // signers' opinions stand.
  struct RejectInput {
    std::string target;  // node id
    std::string signer;  // multi-instance target only; empty: everyone signs again
    std::string opinion;
    bool resume_here = false;
  };
  Result<Task> reject_to(long long task_id, const RejectInput& input, const Actor& by);
  // The steps reject_to may target from this task, in the order they were passed.
  Result<std::vector<std::pair<std::string, std::string>>> return_targets(long long task_id);
  // 撤回: the person who completed task_id takes it back while the tasks it
  // led to are untouched (not opened, claimed or handled). Returns the reopened task.
  Result<Task> withdraw(long long task_id, const Actor& by);
  // 加签: adds a signer to the running multi-instance task that task_id belongs to.
  Result<Task> add_signer(long long task_id, const std::string& account, const Actor& by);
  // Intervention: gives an open task to someone else.
  Result<Task> reassign(long long task_id, const std::string& to, const std::string& reason,
                        const Actor& by);

  // ---- timers ----
  // Fires the timers due by now (at most `limit`); how many fired. A timer
  // whose transition fails is logged and left pending for the next round.
  Result<int> fire_due_timers(std::size_t limit = 100);
  struct TimerInfo {
    long long id = 0, instance_id = 0, task_id = 0;
    std::string node_id, due_at;
    int remaining = 1;
  };
  Result<std::vector<TimerInfo>> pending_timers(long long instance_id);

  // ---- inboxes ----
  enum class Box { todo, done, started, copied };
  struct BoxQuery {
    Box box = Box::todo;
    std::string account;
    std::string process_key;  // filter
    long long organ_id = 0;   // filter
    std::string due_before;   // filter (UTC ISO 8601), todo only
    bool overdue_only = false;
    std::string sort = "due";  // due | created | -created
    int offset = 0;
    int limit = 20;
  };
  struct BoxItem {
    long long task_id = 0;  // 0 for started and copied rows
    long long instance_id = 0;
    std::string process_key, process_name, title;
    std::string step;  // the task's name (todo/done) or the current steps (started/copied)
    std::string assignee, created_at, due_at, completed_at, outcome;
    InstanceState instance_state = InstanceState::running;
    bool overdue = false;
    bool unread = false;
    int working_days_left = 0;  // todo rows with a due time
  };
  struct BoxPage {
    std::vector<BoxItem> items;
    long long total = 0;
  };
  Result<BoxPage> box(const BoxQuery& query);
  struct BoxCounts {
    long long todo = 0, overdue = 0, done = 0, started = 0, copied_unread = 0;
  };
  Result<BoxCounts> counts(const std::string& account);
  // Whether the account may see the instance: started it, has or had a task
  // in it, is a candidate of an open task, or received a copy.
  Result<bool> involved(long long instance_id, const std::string& account);

  // Instances for administration, newest first, narrowed by the filter.
  struct InstanceFilter {
    std::string process_key;             // empty: every process
    std::optional<InstanceState> state;  // none: every state
    // None: every organ; otherwise only instances whose starter belongs to
    // one of these organs (an empty set matches nothing).
    std::optional<std::set<long long>> organs;
  };
  struct InstancePage {
    std::vector<Instance> instances;
    long long total = 0;
  };
  Result<InstancePage> instances(const InstanceFilter& filter, int offset, int limit);

  std::chrono::sys_seconds now() const;
  const core::WorkCalendar& calendar() const { return calendar_; }

 private:
  friend class Run;
  friend class Tx;
  db::Database& db_;
  const core::WorkCalendar& calendar_;
  Directory& directory_;
  Clock clock_;
  mutable std::mutex mu_;
  std::map<std::string, Handler, std::less<>> handlers_;
  TaskNotifier notifier_;
  std::map<long long, std::shared_ptr<const Definition>> models_;
  std::map<long long, std::shared_ptr<const Reach>> reach_;

  template <class F>
  auto transition(F&& fn) -> decltype(fn(std::declval<soci::session&>()));
  // What an action on an open task did, for its history and audit records.
  struct TaskStep {
    std::string action;  // HistoryEntry::action; empty: nothing changed
    std::string detail, opinion;
  };
  // Runs one action on an open task of a (running, when must_run) instance.
  template <class F>
  Result<Task> on_open_task(long long task_id, const Actor& by, bool must_run, F&& act);
  std::shared_ptr<const Definition> model_in(soci::session& s, long long definition_id);
};

}  // namespace yiwang::workflow
