// Engine operations: each one transaction over a Tx (workflow/run.hpp).
#include "workflow/engine.hpp"

#include <algorithm>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "core/text_rules.hpp"
#include "db/prepared.hpp"
#include "db/row_value.hpp"
#include "workflow/bpmn_parser.hpp"
#include "workflow/run.hpp"

namespace yiwang::workflow {

namespace {

constexpr std::size_t kMaxOpinionChars = 2000;
constexpr std::size_t kMaxReasonChars = 500;
constexpr std::size_t kMaxVariablesBytes = 64 * 1024;
constexpr int kMaxConflictRetries = 8;

// Free text typed in a textarea (opinions, reasons, notes): line breaks are
// kept (CR LF becomes LF); other control characters are refused as in
// core::check_text, which checks everything else.
std::string check_opinion(const std::string& text, const char* field, std::size_t max) {
  auto ok = core::check_lines(text, field, max, false);
  if (!ok) throw Fault(ok.error());
  return *ok;
}

// The error for acting on a task that is no longer open.
[[noreturn]] void raise_handled(const Task& t) {
  if (t.state == TaskState::completed)
    raise("workflow.task.already_handled", "",
          {{"by", t.completed_by}, {"at", t.completed_at}, {"task", t.name}});
  raise("workflow.task.cancelled", "", {{"at", t.completed_at}, {"task", t.name}});
}

Task open_task(soci::session& s, long long id) {
  auto t = load_task(s, id);
  if (!t) raise("workflow.task.not_found", "", {{"id", std::to_string(id)}});
  if (t->state != TaskState::open) raise_handled(*t);
  return *t;
}

void require_running(Run& run) {
  switch (run.instance().state) {
    case InstanceState::running:
      return;
    case InstanceState::suspended:
      raise("workflow.instance.suspended", "", {{"title", run.instance().title}});
    default:
      raise("workflow.instance.ended", "", {{"title", run.instance().title}});
  }
}

bool is_candidate(Tx& tx, const Task& t, const std::string& account) {
  if (std::find(t.candidate_users.begin(), t.candidate_users.end(), account) !=
      t.candidate_users.end())
    return true;
  if (t.candidate_groups.empty()) return false;
  auto groups = tx.groups(account);
  for (const auto& g : t.candidate_groups)
    if (std::find(groups.begin(), groups.end(), g) != groups.end()) return true;
  return false;
}

// Updates a task row if nobody changed it since it was read; values bind
// the placeholders of sets in order.
template <class... V>
void update_task(Tx& tx, const Task& t, const std::string& sets, const V&... values) {
  long long changed = db::execute(
      tx.s,
      "UPDATE wf_tasks SET " + sets +
          ", version = version + 1 WHERE id = :id AND version = :ver AND state = 'open'",
      values..., t.id, t.version);
  if (changed != 1) {
    auto now = load_task(tx.s, t.id);
    if (now && now->state != TaskState::open) raise_handled(*now);
    raise("workflow.task.changed", "", {{"task", t.name}});
  }
}

std::string require_person(Tx& tx, const std::string& account, const char* field) {
  std::string a = core::trim_text(account);
  if (a.empty()) raise("workflow.account.required", field);
  auto p = tx.person(a);
  if (!p) raise("workflow.account.unknown", field, {{"account", a}});
  return a;
}

}  // namespace

Engine::Engine(db::Database& db, const core::WorkCalendar& calendar, Directory& directory,
               Clock clock)
    : db_(db), calendar_(calendar), directory_(directory), clock_(std::move(clock)) {}

std::chrono::sys_seconds Engine::now() const {
  if (clock_) return clock_();
  return std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
}

void Engine::register_handler(std::string name, Handler handler) {
  std::lock_guard lock(mu_);
  handlers_[std::move(name)] = std::move(handler);
}

std::vector<std::string> Engine::handler_names() const {
  std::lock_guard lock(mu_);
  std::vector<std::string> out;
  for (const auto& [n, h] : handlers_) out.push_back(n);
  return out;
}

void Engine::set_notifier(TaskNotifier notifier) {
  std::lock_guard lock(mu_);
  notifier_ = std::move(notifier);
}

template <class F>
auto Engine::transition(F&& fn) -> decltype(fn(std::declval<soci::session&>())) {
  using R = decltype(fn(std::declval<soci::session&>()));
  for (int attempt = 0;; ++attempt) {
    try {
      return db_.transaction([&](soci::session& s) -> R { return fn(s); });
    } catch (const Fault& f) {
      if (f.error.key == "workflow.conflict" && attempt + 1 < kMaxConflictRetries) continue;
      return std::unexpected(f.error);
    } catch (const std::exception& e) {
      return std::unexpected(Error("db.query_failed", "", {{"detail", e.what()}}));
    }
  }
}

template <class F>
Result<Task> Engine::on_open_task(long long task_id, const Actor& by, bool must_run, F&& act) {
  return transition([&](soci::session& s) -> Result<Task> {
    Tx tx(*this, s, by);
    Task t = open_task(s, task_id);
    Run& run = tx.load(t.instance_id);
    if (must_run) require_running(run);
    TaskStep step = act(tx, run, t);
    if (step.action.empty()) return t;  // nothing to do (e.g. claiming one's own task)
    run.history(t.id, t.node_id, step.action, "", step.opinion, step.detail);
    tx.audit("workflow.task." + step.action, "task:" + std::to_string(t.id),
             step.detail.empty() ? t.name : t.name + " → " + step.detail);
    tx.finish();
    return *load_task(s, task_id);
  });
}

// ---- definitions ----

std::vector<Error> Engine::validate(std::string_view xml) const {
  auto parsed = parse_bpmn(xml);
  if (!parsed) return parsed.error();
  std::vector<Error> problems;
  std::lock_guard lock(mu_);
  for (const auto& n : parsed->nodes)
    if (n.kind == NodeKind::service_task && !handlers_.contains(n.handler))
      problems.push_back(Error("workflow.bpmn.unknown_handler", n.id,
                               {{"element", "serviceTask"}, {"detail", n.handler}}));
  return problems;
}

Result<DefinitionInfo> Engine::deploy(std::string_view xml, const Actor& by) {
  auto problems = validate(xml);
  if (!problems.empty()) return std::unexpected(problems.front());
  auto parsed = parse_bpmn(xml);
  std::string text(xml);
  return transition([&](soci::session& s) -> Result<DefinitionInfo> {
    Tx tx(*this, s, by);
    DefinitionInfo info;
    info.key = parsed->key;
    info.name = parsed->name;
    soci::rowset<soci::row> latest =
        (s.prepare << "SELECT id, version, xml, deployed_by, deployed_at FROM wf_definitions "
                      "WHERE process_key = :k ORDER BY version DESC LIMIT 1",
         soci::use(info.key));
    for (const auto& r : latest) {
      if (r.get<std::string>(2) == text) {
        info.id = db::row_int64(r, 0);
        info.version = static_cast<int>(db::row_int64(r, 1));
        info.deployed_by = r.get<std::string>(3);
        info.deployed_at = r.get<std::string>(4);
        return info;
      }
      info.version = static_cast<int>(db::row_int64(r, 1));
    }
    info.version += 1;
    info.deployed_by = by.account;
    info.deployed_at = tx.now_text;
    s << "INSERT INTO wf_definitions (process_key, version, name, xml, deployed_by, "
         "deployed_at) VALUES (:k, :v, :n, :x, :b, :a) RETURNING id",
        soci::use(info.key), soci::use(info.version), soci::use(info.name), soci::use(text),
        soci::use(info.deployed_by), soci::use(info.deployed_at), soci::into(info.id);
    tx.audit("workflow.definition.deployed", "process:" + info.key,
             fmt::format("{} v{} ({})", info.name, info.version, info.id));
    return info;
  });
}

std::shared_ptr<const Definition> Engine::model_in(soci::session& s, long long definition_id) {
  {
    std::lock_guard lock(mu_);
    if (auto it = models_.find(definition_id); it != models_.end()) return it->second;
  }
  std::string xml;
  soci::indicator ind = soci::i_null;
  s << "SELECT xml FROM wf_definitions WHERE id = :id", soci::use(definition_id),
      soci::into(xml, ind);
  if (ind != soci::i_ok) return nullptr;
  auto parsed = parse_bpmn(xml);
  if (!parsed) return nullptr;
  auto def = std::make_shared<const Definition>(std::move(*parsed));
  std::lock_guard lock(mu_);
  models_[definition_id] = def;
  return def;
}

Result<std::shared_ptr<const Definition>> Engine::model(long long definition_id) {
  return db::guarded([&]() -> Result<std::shared_ptr<const Definition>> {
    auto s = db_.acquire();
    auto def = model_in(*s, definition_id);
    if (!def)
      return fail("workflow.definition.not_found", "", {{"id", std::to_string(definition_id)}});
    return def;
  });
}

// ---- instances ----

Result<Instance> Engine::start(const StartInput& input, const Actor& by) {
  auto title = core::check_text(input.title, "title", 200, false);
  if (!title) return std::unexpected(title.error());
  auto business = core::check_text(input.business_key, "business_key", 100, false);
  if (!business) return std::unexpected(business.error());
  if (!input.variables.is_object()) return fail("workflow.variables.not_object", "variables");
  if (input.variables.dump().size() > kMaxVariablesBytes)
    return fail("workflow.variables.too_large", "variables");
  return transition([&](soci::session& s) -> Result<Instance> {
    Tx tx(*this, s, by);
    if (!by.on_behalf && !tx.person(by.account))
      raise("workflow.account.unknown", "starter", {{"account", by.account}});
    long long def_id = 0;
    Compiled model = tx.latest(input.process_key, &def_id);
    StartInput in = input;
    in.title = *title;
    in.business_key = *business;
    Run& run = tx.create(model, def_id, in, 0, 0);
    if (input.before_run) {
      input.before_run(s, run.instance());
      const Instance& i = run.instance();
      if (i.business_key != in.business_key) {
        auto key = core::check_text(i.business_key, "business_key", 100, false);
        if (!key) throw Fault(key.error());
        db::execute(s, "UPDATE wf_instances SET business_key = :b WHERE id = :i", *key, i.id);
      }
    }
    run.start();
    tx.audit("workflow.instance.started", "instance:" + std::to_string(run.instance().id),
             fmt::format("{} (#{}): {}", model.definition->key, def_id, run.instance().title));
    tx.finish();
    Instance out = run.instance();
    out.process_name = model.definition->name;
    return out;
  });
}

Result<Instance> Engine::suspend(long long instance_id, const std::string& reason,
                                 const Actor& by) {
  return transition([&](soci::session& s) -> Result<Instance> {
    Tx tx(*this, s, by);
    std::string why = check_opinion(reason, "reason", kMaxReasonChars);
    Run& run = tx.load(instance_id);
    require_running(run);
    run.instance().state = InstanceState::suspended;
    run.history(0, "", "suspended", "", why, "");
    tx.audit("workflow.instance.suspended", "instance:" + std::to_string(instance_id), why);
    tx.finish();
    return run.instance();
  });
}

Result<Instance> Engine::resume(long long instance_id, const Actor& by) {
  return transition([&](soci::session& s) -> Result<Instance> {
    Tx tx(*this, s, by);
    Run& run = tx.load(instance_id);
    if (run.instance().state != InstanceState::suspended)
      raise("workflow.instance.not_suspended", "", {{"title", run.instance().title}});
    run.instance().state = InstanceState::running;
    run.history(0, "", "resumed", "", "", "");
    tx.audit("workflow.instance.resumed", "instance:" + std::to_string(instance_id), "");
    tx.finish();
    return run.instance();
  });
}

Result<Instance> Engine::terminate(long long instance_id, const std::string& reason,
                                   const Actor& by) {
  return transition([&](soci::session& s) -> Result<Instance> {
    Tx tx(*this, s, by);
    std::string why = check_opinion(reason, "reason", kMaxReasonChars);
    if (why.empty()) raise("workflow.reason.required", "reason");
    Run& run = tx.load(instance_id);
    if (run.instance().state != InstanceState::running &&
        run.instance().state != InstanceState::suspended)
      raise("workflow.instance.ended", "", {{"title", run.instance().title}});
    run.history(0, "", "terminated", "", why, "");
    run.terminate(why);
    tx.audit("workflow.instance.terminated", "instance:" + std::to_string(instance_id), why);
    tx.finish();
    return run.instance();
  });
}

Result<Instance> Engine::message(long long instance_id, const std::string& name,
                                 const nlohmann::json& variables, const Actor& by,
                                 const std::function<void(soci::session&)>& within) {
  return transition([&](soci::session& s) -> Result<Instance> {
    Tx tx(*this, s, by);
    Run& run = tx.load(instance_id);
    require_running(run);
    if (within) within(s);
    Token* waiting = nullptr;
    for (auto& t : run.tokens())
      if (!t.removed && t.waiting_for == "message:" + name) {
        waiting = &t;
        break;
      }
    if (!waiting) raise("workflow.message.no_waiting", "", {{"name", name}});
    run.history(0, waiting->node, "message", "", "", name);
    run.deliver(*waiting, variables);
    tx.audit("workflow.instance.message", "instance:" + std::to_string(instance_id), name);
    tx.finish();
    return run.instance();
  });
}

Result<int> Engine::signal(const std::string& name, const nlohmann::json& variables,
                           const Actor& by) {
  std::vector<long long> ids;
  auto listed = db::guarded([&]() -> Result<void> {
    auto s = db_.acquire();
    std::string w = "signal:" + name;
    soci::rowset<soci::row> rows =
        (s->prepare << "SELECT DISTINCT instance_id FROM wf_tokens WHERE waiting_for = :w",
         soci::use(w));
    for (const auto& r : rows) ids.push_back(db::row_int64(r, 0));
    return {};
  });
  if (!listed) return std::unexpected(listed.error());
  int moved = 0;
  for (long long id : ids) {
    auto r = transition([&](soci::session& s) -> Result<bool> {
      Tx tx(*this, s, by);
      Run& run = tx.load(id);
      if (run.instance().state != InstanceState::running) return false;
      std::vector<long long> waiting;
      for (auto& t : run.tokens())
        if (!t.removed && t.waiting_for == "signal:" + name) waiting.push_back(t.id);
      if (waiting.empty()) return false;
      for (long long tid : waiting)
        if (Token* t = run.token(tid)) {
          run.history(0, t->node, "signal", "", "", name);
          run.deliver(*t, variables);
        }
      tx.audit("workflow.instance.signal", "instance:" + std::to_string(id), name);
      tx.finish();
      return true;
    });
    if (!r) return std::unexpected(r.error());
    if (*r) ++moved;
  }
  return moved;
}

Result<void> Engine::copy_to(long long instance_id, const std::vector<std::string>& accounts,
                             const std::string& note, const Actor& by) {
  if (accounts.empty()) return fail("workflow.account.required", "accounts");
  if (accounts.size() > 100) return fail("workflow.copy.too_many", "accounts");
  return transition([&](soci::session& s) -> Result<void> {
    Tx tx(*this, s, by);
    std::string text = check_opinion(note, "note", kMaxReasonChars);
    Run& run = tx.load(instance_id);
    std::vector<std::string> names;
    for (const auto& a : accounts) names.push_back(require_person(tx, a, "accounts"));
    for (const auto& a : names) {
      int n = 0;
      s << "SELECT COUNT(*) FROM wf_copies WHERE instance_id = :i AND account = :a",
          soci::use(instance_id), soci::use(a), soci::into(n);
      if (n > 0) continue;
      s << "INSERT INTO wf_copies (instance_id, account, from_account, note, sent_at, read_at) "
           "VALUES (:i, :a, :f, :n, :t, '')",
          soci::use(instance_id), soci::use(a), soci::use(by.account), soci::use(text),
          soci::use(tx.now_text);
    }
    run.history(0, "", "copied", "", text, join_list(names, ','));
    tx.audit("workflow.instance.copied", "instance:" + std::to_string(instance_id),
             join_list(names, ','));
    tx.finish();
    return {};
  });
}

Result<void> Engine::mark_copy_read(long long instance_id, const std::string& account) {
  return db::guarded([&]() -> Result<void> {
    return db_.transaction([&](soci::session& s) -> Result<void> {
      std::string now = format_utc(this->now());
      s << "UPDATE wf_copies SET read_at = :t WHERE instance_id = :i AND account = :a AND "
           "read_at = ''",
          soci::use(now), soci::use(instance_id), soci::use(account);
      return {};
    });
  });
}

// ---- tasks ----

Result<void> Engine::mark_read(long long task_id, const Actor& by) {
  return db::guarded([&]() -> Result<void> {
    return db_.transaction([&](soci::session& s) -> Result<void> {
      std::string now = format_utc(this->now());
      s << "UPDATE wf_tasks SET read_at = :t WHERE id = :id AND assignee = :a AND read_at = '' "
           "AND state = 'open'",
          soci::use(now), soci::use(task_id), soci::use(by.account);
      return {};
    });
  });
}

Result<Task> Engine::claim(long long task_id, const Actor& by) {
  return on_open_task(task_id, by, true, [&](Tx& tx, Run&, Task& t) -> TaskStep {
    if (t.assignee == by.account) return {};
    if (!t.assignee.empty())
      raise("workflow.task.claimed_by", "", {{"by", t.assignee}, {"at", t.claimed_at}});
    if (!is_candidate(tx, t, by.account)) raise("workflow.task.not_candidate");
    update_task(tx, t, "assignee = :a, claimed_at = :c, read_at = :r", by.account, tx.now_text,
                tx.now_text);
    return {"claimed", "", ""};
  });
}

Result<Task> Engine::unclaim(long long task_id, const Actor& by) {
  return on_open_task(task_id, by, true, [&](Tx& tx, Run&, Task& t) -> TaskStep {
    if (t.assignee != by.account) raise("workflow.task.not_yours", "", {{"assignee", t.assignee}});
    if (t.candidate_groups.empty() && t.candidate_users.empty())
      raise("workflow.task.not_claimable");
    update_task(tx, t, "assignee = '', claimed_at = '', read_at = ''");
    return {"unclaimed", "", ""};
  });
}

Result<std::vector<std::string>> Engine::outcomes(const Task& task) {
  auto inst = instance(task.instance_id);
  if (!inst) return std::unexpected(inst.error());
  if (!*inst) return fail("workflow.instance.not_found");
  auto def = model((*inst)->definition_id);
  if (!def) return std::unexpected(def.error());
  const FlowNode* n = (*def)->node(task.node_id);
  if (!n) return std::vector<std::string>{};
  return n->outcomes;
}

Result<Task> Engine::complete(long long task_id, const CompleteInput& input, const Actor& by) {
  if (!input.variables.is_object()) return fail("workflow.variables.not_object", "variables");
  if (input.variables.dump().size() > kMaxVariablesBytes)
    return fail("workflow.variables.too_large", "variables");
  return transition([&](soci::session& s) -> Result<Task> {
    Tx tx(*this, s, by);
    std::string opinion = check_opinion(input.opinion, "opinion", kMaxOpinionChars);
    Task t = open_task(s, task_id);
    if (input.expected_version != 0 && input.expected_version != t.version)
      raise("workflow.task.changed", "", {{"task", t.name}});
    Run& run = tx.load(t.instance_id);
    require_running(run);
    if (t.assignee.empty()) {
      if (!is_candidate(tx, t, by.account)) raise("workflow.task.not_candidate");
    } else if (t.assignee != by.account) {
      raise("workflow.task.not_yours", "", {{"assignee", t.assignee}});
    }
    if (!t.owner.empty()) raise("workflow.task.must_resolve", "", {{"owner", t.owner}});
    const FlowNode& n = run.node(t.node_id);
    std::string outcome = core::trim_text(input.outcome);
    if (!n.outcomes.empty()) {
      if (outcome.empty())
        raise("workflow.task.outcome_required", "outcome",
              {{"allowed", join_list(n.outcomes, '/')}});
      if (std::find(n.outcomes.begin(), n.outcomes.end(), outcome) == n.outcomes.end())
        raise("workflow.task.outcome_unknown", "outcome",
              {{"outcome", outcome}, {"allowed", join_list(n.outcomes, '/')}});
    } else if (!outcome.empty()) {
      raise("workflow.task.outcome_unknown", "outcome", {{"outcome", outcome}, {"allowed", ""}});
    }
    update_task(tx, t,
                "state = 'completed', assignee = :a, completed_by = :b, completed_at = :c, "
                "outcome = :o, opinion = :op",
                by.account, by.account, tx.now_text, outcome, opinion);
    t.state = TaskState::completed;
    t.assignee = by.account;
    t.completed_by = by.account;
    t.completed_at = tx.now_text;
    t.outcome = outcome;
    t.opinion = opinion;
    for (auto it = input.variables.begin(); it != input.variables.end(); ++it)
      run.instance().variables[it.key()] = it.value();
    if (!outcome.empty()) {
      auto& vars = run.instance().variables;
      vars["outcome"] = outcome;
      if (!vars.contains("decisions") || !vars["decisions"].is_object())
        vars["decisions"] = nlohmann::json::object();
      const std::string& approve =
          n.approve_outcome.empty() ? n.outcomes.front() : n.approve_outcome;
      vars["decisions"][t.node_id] = {{"outcome", outcome},
                                      {"approved", outcome == approve},
                                      {"by", by.account},
                                      {"opinion", opinion}};
    }
    run.history(t.id, t.node_id, "completed", outcome, opinion, "");
    run.task_completed(t);
    tx.audit("workflow.task.completed", "task:" + std::to_string(t.id),
             outcome.empty() ? t.name : t.name + ": " + outcome);
    tx.finish();
    t.version += 1;
    return t;
  });
}

Result<Task> Engine::delegate(long long task_id, const std::string& to, const std::string& opinion,
                              const Actor& by) {
  return on_open_task(task_id, by, true, [&](Tx& tx, Run&, Task& t) -> TaskStep {
    std::string text = check_opinion(opinion, "opinion", kMaxOpinionChars);
    if (t.assignee != by.account) raise("workflow.task.not_yours", "", {{"assignee", t.assignee}});
    std::string target = require_person(tx, to, "to");
    if (target == by.account) raise("workflow.delegate.self", "to");
    update_task(tx, t, "assignee = :a, owner = '', claimed_at = '', read_at = ''", target);
    return {"delegated", target, text};
  });
}

Result<Task> Engine::delegate_for_return(long long task_id, const std::string& to,
                                         const std::string& opinion, const Actor& by) {
  return on_open_task(task_id, by, true, [&](Tx& tx, Run&, Task& t) -> TaskStep {
    std::string text = check_opinion(opinion, "opinion", kMaxOpinionChars);
    if (t.assignee != by.account) raise("workflow.task.not_yours", "", {{"assignee", t.assignee}});
    if (!t.owner.empty()) raise("workflow.task.must_resolve", "", {{"owner", t.owner}});
    std::string target = require_person(tx, to, "to");
    if (target == by.account) raise("workflow.delegate.self", "to");
    update_task(tx, t, "assignee = :a, owner = :o, read_at = ''", target, by.account);
    return {"delegated_for_return", target, text};
  });
}

Result<Task> Engine::resolve(long long task_id, const std::string& opinion, const Actor& by) {
  return on_open_task(task_id, by, true, [&](Tx& tx, Run&, Task& t) -> TaskStep {
    std::string text = check_opinion(opinion, "opinion", kMaxOpinionChars);
    if (t.owner.empty()) raise("workflow.task.not_delegated");
    if (t.assignee != by.account) raise("workflow.task.not_yours", "", {{"assignee", t.assignee}});
    std::string owner = t.owner;
    update_task(tx, t, "assignee = :a, owner = '', read_at = ''", owner);
    return {"resolved", owner, text};
  });
}

Result<Task> Engine::reassign(long long task_id, const std::string& to, const std::string& reason,
                              const Actor& by) {
  return on_open_task(task_id, by, false, [&](Tx& tx, Run&, Task& t) -> TaskStep {
    if (!by.administrator) raise("workflow.intervene.denied");
    std::string why = check_opinion(reason, "reason", kMaxReasonChars);
    if (why.empty()) raise("workflow.reason.required", "reason");
    std::string target = require_person(tx, to, "to");
    update_task(tx, t, "assignee = :a, owner = '', claimed_at = '', read_at = ''", target);
    return {"reassigned", target, why};
  });
}

// The task the actor may act on with a return or rejection.
namespace {
Task task_to_return(Tx& tx, long long task_id, Run*& run_out) {
  Task t = open_task(tx.s, task_id);
  Run& run = tx.load(t.instance_id);
  require_running(run);
  if (t.assignee != tx.by.account) raise("workflow.task.not_yours", "", {{"assignee", t.assignee}});
  run_out = &run;
  return t;
}
}  // namespace

Result<Task> Engine::send_back(long long task_id, const ReturnInput& input, const Actor& by) {
  return transition([&](soci::session& s) -> Result<Task> {
    Tx tx(*this, s, by);
    std::string text = check_opinion(input.opinion, "opinion", kMaxOpinionChars);
    if (text.empty()) raise("workflow.opinion.required_for_return", "opinion");
    Run* run = nullptr;
    Task t = task_to_return(tx, task_id, run);
    auto prev = t.prev_task_id ? load_task(s, t.prev_task_id) : std::nullopt;
    if (!prev || prev->state != TaskState::completed || prev->instance_id != t.instance_id)
      raise("workflow.return.no_previous");
    run->history(t.id, t.node_id, "sent_back", "", text, prev->name);
    run->jump(t, prev->node_id, prev->completed_by, "", input.resume_here);
    run->settle();
    tx.audit("workflow.task.sent_back", "task:" + std::to_string(t.id),
             fmt::format("{} → {}", t.name, prev->name));
    tx.finish();
    auto out = load_task(s, task_id);
    return *out;
  });
}

Result<std::vector<std::pair<std::string, std::string>>> Engine::return_targets(long long task_id) {
  using Out = std::vector<std::pair<std::string, std::string>>;
  return db::guarded([&]() -> Result<Out> {
    auto s = db_.acquire();
    auto t = load_task(*s, task_id);
    if (!t) return fail("workflow.task.not_found", "", {{"id", std::to_string(task_id)}});
    auto inst = load_instance(*s, t->instance_id);
    if (!inst) return fail("workflow.instance.not_found");
    auto def = model_in(*s, inst->definition_id);
    if (!def) return fail("workflow.definition.not_found");
    Reach reach(*def);
    auto here = def->node_index(t->node_id);
    Out out;
    for (const auto& id : inst->visited) {
      auto idx = def->node_index(id);
      if (!idx || !here || *idx == *here) continue;
      const FlowNode& n = def->nodes[*idx];
      if (n.kind != NodeKind::user_task || !reach(*idx, *here)) continue;
      out.emplace_back(n.id, n.name.empty() ? n.id : n.name);
    }
    return out;
  });
}

Result<Task> Engine::reject_to(long long task_id, const RejectInput& input, const Actor& by) {
  auto targets = return_targets(task_id);
  if (!targets) return std::unexpected(targets.error());
  bool allowed = std::any_of(targets->begin(), targets->end(),
                             [&](const auto& p) { return p.first == input.target; });
  return transition([&](soci::session& s) -> Result<Task> {
    Tx tx(*this, s, by);
    std::string text = check_opinion(input.opinion, "opinion", kMaxOpinionChars);
    if (text.empty()) raise("workflow.opinion.required_for_return", "opinion");
    Run* run = nullptr;
    Task t = task_to_return(tx, task_id, run);
    if (!allowed) raise("workflow.return.bad_target", "target", {{"node", input.target}});
    const FlowNode& target = run->node(input.target);
    std::string signer;
    if (!input.signer.empty()) {
      if (!target.multi_instance) raise("workflow.return.not_countersign", "signer");
      signer = core::trim_text(input.signer);
    }
    // The step is redone by whoever did it last (one signer of a countersign
    // by the signer chosen; everyone when none is chosen).
    std::string assignee;
    if (!target.multi_instance) {
      soci::indicator ind = soci::i_null;
      s << "SELECT completed_by FROM wf_tasks WHERE instance_id = :i AND node_id = :n AND "
           "state = 'completed' ORDER BY id DESC LIMIT 1",
          soci::use(t.instance_id), soci::use(input.target), soci::into(assignee, ind);
      if (ind != soci::i_ok) assignee.clear();
    }
    run->history(t.id, t.node_id, "rejected", "", text,
                 (target.name.empty() ? target.id : target.name) +
                     (signer.empty() ? "" : " (" + signer + ")"));
    run->jump(t, input.target, assignee, signer, input.resume_here);
    run->settle();
    tx.audit("workflow.task.rejected", "task:" + std::to_string(t.id),
             fmt::format("{} → {}", t.name, target.name));
    tx.finish();
    return *load_task(s, task_id);
  });
}

Result<Task> Engine::withdraw(long long task_id, const Actor& by) {
  return transition([&](soci::session& s) -> Result<Task> {
    Tx tx(*this, s, by);
    auto done = load_task(s, task_id);
    if (!done) raise("workflow.task.not_found", "", {{"id", std::to_string(task_id)}});
    if (done->state != TaskState::completed || done->completed_by != by.account)
      raise("workflow.withdraw.not_yours");
    Run& run = tx.load(done->instance_id);
    require_running(run);
    // Still inside a running countersign: reopen this signer's part.
    long long own_token = done->token_id;
    if (done->mi_index >= 0) {
      Token* t = run.token(own_token);
      if (t && t->mi.is_object() && t->node == done->node_id) {
        t->mi["status"][done->mi_index] = "open";
        t->mi["outcomes"][done->mi_index] = "";
        t->dirty = true;
        run.history(done->id, done->node_id, "withdrawn", "", "", "");
        // create a fresh task for this signer
        Task again = run.reopen_signer(*t, done->mi_index);
        tx.audit("workflow.task.withdrawn", "task:" + std::to_string(task_id), done->name);
        tx.finish();
        return again;
      }
    }
    int advanced = 0;
    s << "SELECT COUNT(*) FROM wf_tasks WHERE prev_task_id = :p AND state = 'completed'",
        soci::use(task_id), soci::into(advanced);
    if (advanced > 0) raise("workflow.withdraw.moved_on");
    std::vector<long long> followers;
    for (auto& t : run.tokens())
      if (!t.removed && t.prev_task_id == task_id) followers.push_back(t.id);
    if (followers.empty()) raise("workflow.withdraw.moved_on");
    soci::rowset<soci::row> rows =
        (s.prepare << std::string("SELECT ") + kTaskColumns +
                          " FROM wf_tasks WHERE prev_task_id = :p AND state = 'open'",
         soci::use(task_id));
    for (const auto& r : rows) {
      Task f = task_from_row(r);
      if (!f.read_at.empty() || !f.claimed_at.empty() || !f.owner.empty())
        raise("workflow.withdraw.touched", "", {{"task", f.name}, {"by", f.assignee}});
    }
    run.history(done->id, done->node_id, "withdrawn", "", "", "");
    Task again = run.withdraw(*done, followers);
    tx.audit("workflow.task.withdrawn", "task:" + std::to_string(task_id), done->name);
    tx.finish();
    return again;
  });
}

Result<Task> Engine::add_signer(long long task_id, const std::string& account, const Actor& by) {
  return transition([&](soci::session& s) -> Result<Task> {
    Tx tx(*this, s, by);
    Task t = open_task(s, task_id);
    Run& run = tx.load(t.instance_id);
    require_running(run);
    if (t.assignee != by.account && !by.administrator)
      raise("workflow.task.not_yours", "", {{"assignee", t.assignee}});
    long long token_id = t.token_id;
    Token* tok = run.token(token_id);
    if (t.mi_index < 0 || !tok || !tok->mi.is_object()) raise("workflow.signer.not_countersign");
    std::string who = require_person(tx, account, "account");
    Task added = run.add_signer(*tok, who);
    run.history(t.id, t.node_id, "signer_added", "", "", who);
    tx.audit("workflow.task.signer_added", "task:" + std::to_string(t.id), who);
    tx.finish();
    return added;
  });
}

// ---- timers ----

Result<int> Engine::fire_due_timers(std::size_t limit) {
  std::vector<long long> due;
  auto listed = db::guarded([&]() -> Result<void> {
    auto s = db_.acquire();
    std::string now_text = format_utc(now());
    long long lim = static_cast<long long>(std::min<std::size_t>(limit, 1000));
    soci::rowset<soci::row> rows =
        (s->prepare << "SELECT t.id FROM wf_timers t JOIN wf_instances i ON i.id = "
                       "t.instance_id WHERE t.state = 'pending' AND t.due_at <= :n AND i.state "
                       "= 'running' ORDER BY t.due_at, t.id LIMIT :l",
         soci::use(now_text), soci::use(lim));
    for (const auto& r : rows) due.push_back(db::row_int64(r, 0));
    return {};
  });
  if (!listed) return std::unexpected(listed.error());
  int fired = 0;
  Actor system{"", "", {}, false};
  system.audit.account = "system";
  for (long long id : due) {
    auto r = transition([&](soci::session& s) -> Result<bool> {
      Tx tx(*this, s, system);
      long long instance_id = 0, token_id = 0;
      int remaining = 1;
      std::string node_id, due_at;
      soci::indicator ind = soci::i_null;
      s << "SELECT instance_id, token_id, node_id, remaining, due_at FROM wf_timers WHERE id = "
           ":id AND state = 'pending'",
          soci::use(id), soci::into(instance_id, ind), soci::into(token_id), soci::into(node_id),
          soci::into(remaining), soci::into(due_at);
      if (ind != soci::i_ok) return false;  // fired elsewhere meanwhile
      soci::statement st =
          (s.prepare << "UPDATE wf_timers SET state = 'fired', fired_at = :n, version = version "
                        "+ 1 WHERE id = :id AND state = 'pending'",
           soci::use(tx.now_text), soci::use(id));
      st.execute(true);
      if (st.get_affected_rows() != 1) return false;
      Run& run = tx.load(instance_id);
      if (run.instance().state != InstanceState::running) return false;
      run.timer_fired(token_id, node_id, remaining, due_at, id);
      tx.audit("workflow.timer.fired", "instance:" + std::to_string(instance_id), node_id);
      tx.finish();
      return true;
    });
    // A timer whose transition fails (say a gateway after it finds no way)
    // stays pending and is tried again next round; it must not hold up the
    // timers due after it.
    if (!r) {
      spdlog::warn("workflow timer {} could not fire: {} {}", id, r.error().key,
                   r.error().params["detail"]);
      continue;
    }
    if (*r) ++fired;
  }
  return fired;
}

}  // namespace yiwang::workflow
