// How tokens move through a process: the semantics of each BPMN element.
#include "workflow/run.hpp"

#include <algorithm>
#include <cmath>
#include <set>

#include <fmt/format.h>

#include "db/prepared.hpp"
#include "db/row_value.hpp"
#include "workflow/duration.hpp"

namespace yiwang::workflow {

void raise(std::string key, std::string field, std::map<std::string, std::string> params) {
  throw Fault(Error(std::move(key), std::move(field), std::move(params)));
}

// ---- reachability ----

Reach::Reach(const Definition& d) : can_(d.nodes.size(), std::vector<bool>(d.nodes.size())) {
  for (std::size_t from = 0; from < d.nodes.size(); ++from) {
    std::vector<std::size_t> stack;
    auto push_next = [&](std::size_t n) {
      for (std::size_t f : d.nodes[n].outgoing) {
        std::size_t t = d.flows[f].target;
        if (!can_[from][t]) {
          can_[from][t] = true;
          stack.push_back(t);
        }
      }
      for (std::size_t b : d.nodes[n].boundaries) {
        if (!can_[from][b]) {
          can_[from][b] = true;
          stack.push_back(b);
        }
      }
    };
    push_next(from);
    while (!stack.empty()) {
      std::size_t n = stack.back();
      stack.pop_back();
      push_next(n);
    }
  }
}

// ---- rows ----

const char* const kTaskColumns =
    "id, instance_id, node_id, name, process_key, title, state, assignee, owner, mi_index, "
    "organ_id, created_at, due_at, claimed_at, read_at, completed_at, completed_by, outcome, "
    "opinion, prev_task_id, reminded, version, token_id";

namespace {

TaskState parse_task_state(const std::string& s) {
  if (s == "completed") return TaskState::completed;
  if (s == "cancelled") return TaskState::cancelled;
  return TaskState::open;
}

InstanceState parse_instance_state(const std::string& s) {
  if (s == "suspended") return InstanceState::suspended;
  if (s == "completed") return InstanceState::completed;
  if (s == "terminated") return InstanceState::terminated;
  return InstanceState::running;
}

// Duplicates removed, order kept.
void add_unique(std::vector<std::string>& v, const std::string& s) {
  if (std::find(v.begin(), v.end(), s) == v.end()) v.push_back(s);
}

}  // namespace

std::string_view instance_state_name(InstanceState s) {
  switch (s) {
    case InstanceState::running:
      return "running";
    case InstanceState::suspended:
      return "suspended";
    case InstanceState::completed:
      return "completed";
    case InstanceState::terminated:
      return "terminated";
  }
  return "running";
}

std::string_view task_state_name(TaskState s) {
  switch (s) {
    case TaskState::open:
      return "open";
    case TaskState::completed:
      return "completed";
    case TaskState::cancelled:
      return "cancelled";
  }
  return "open";
}

std::vector<std::string> split_list(const std::string& text, char sep) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start <= text.size()) {
    std::size_t end = text.find(sep, start);
    if (end == std::string::npos) end = text.size();
    if (end > start) out.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

std::string join_list(const std::vector<std::string>& items, char sep) {
  std::string out;
  for (const auto& i : items) {
    if (!out.empty()) out += sep;
    out += i;
  }
  return out;
}

Task task_from_row(const soci::row& r) {
  Task t;
  t.id = db::row_int64(r, 0);
  t.instance_id = db::row_int64(r, 1);
  t.node_id = r.get<std::string>(2);
  t.name = r.get<std::string>(3);
  t.process_key = r.get<std::string>(4);
  t.title = r.get<std::string>(5);
  t.state = parse_task_state(r.get<std::string>(6));
  t.assignee = r.get<std::string>(7);
  t.owner = r.get<std::string>(8);
  t.mi_index = static_cast<int>(db::row_int64(r, 9));
  t.organ_id = db::row_int64(r, 10);
  t.created_at = r.get<std::string>(11);
  t.due_at = r.get<std::string>(12);
  t.claimed_at = r.get<std::string>(13);
  t.read_at = r.get<std::string>(14);
  t.completed_at = r.get<std::string>(15);
  t.completed_by = r.get<std::string>(16);
  t.outcome = r.get<std::string>(17);
  t.opinion = r.get<std::string>(18);
  t.prev_task_id = db::row_int64(r, 19);
  t.reminded = static_cast<int>(db::row_int64(r, 20));
  t.version = db::row_int64(r, 21);
  t.token_id = db::row_int64(r, 22);
  return t;
}

std::vector<Task> select_tasks(soci::session& s, const std::string& where, long long param) {
  // One statement: the candidates come along by a left join, one row per
  // candidate (or one row with NULLs), ordered so a task's rows are adjacent.
  std::vector<Task> out;
  constexpr std::size_t kKind = 23;
  db::query(
      s,
      std::string("SELECT ") + kTaskColumns +
          ", c.kind, c.value FROM wf_tasks LEFT JOIN wf_task_candidates c ON "
          "c.task_id = wf_tasks.id WHERE " +
          where + " ORDER BY wf_tasks.id",
      [&](const soci::row& r) {
        long long id = db::row_int64(r, 0);
        if (out.empty() || out.back().id != id) out.push_back(task_from_row(r));
        if (r.get_indicator(kKind) != soci::i_ok) return;
        Task& t = out.back();
        (r.get<std::string>(kKind) == "group" ? t.candidate_groups : t.candidate_users)
            .push_back(r.get<std::string>(kKind + 1));
      },
      param);
  return out;
}

std::optional<Task> load_task(soci::session& s, long long id) {
  auto tasks = select_tasks(s, "wf_tasks.id = :id", id);
  if (tasks.empty()) return std::nullopt;
  return std::move(tasks.front());
}

std::optional<Instance> load_instance(soci::session& s, long long id, std::string* mi_memory) {
  std::optional<Instance> out;
  db::query(
      s,
      "SELECT i.id, i.definition_id, i.process_key, d.name, d.version, i.business_key, i.title, "
      "i.state, i.starter, i.starter_organ_id, i.parent_id, i.variables, i.visited, "
      "i.started_at, i.ended_at, i.end_reason, i.version, i.mi_memory FROM wf_instances i JOIN "
      "wf_definitions d ON d.id = i.definition_id WHERE i.id = :id",
      [&](const soci::row& r) {
        Instance& i = out.emplace();
        i.id = db::row_int64(r, 0);
        i.definition_id = db::row_int64(r, 1);
        i.process_key = r.get<std::string>(2);
        i.process_name = r.get<std::string>(3);
        i.definition_version = static_cast<int>(db::row_int64(r, 4));
        i.business_key = r.get<std::string>(5);
        i.title = r.get<std::string>(6);
        i.state = parse_instance_state(r.get<std::string>(7));
        i.starter = r.get<std::string>(8);
        i.starter_organ_id = db::row_int64(r, 9);
        i.parent_id = db::row_int64(r, 10);
        i.variables = nlohmann::json::parse(r.get<std::string>(11), nullptr, false);
        if (!i.variables.is_object()) i.variables = nlohmann::json::object();
        auto visited = nlohmann::json::parse(r.get<std::string>(12), nullptr, false);
        if (visited.is_array())
          for (const auto& v : visited)
            if (v.is_string()) i.visited.push_back(v.get<std::string>());
        i.started_at = r.get<std::string>(13);
        i.ended_at = r.get<std::string>(14);
        i.end_reason = r.get<std::string>(15);
        i.version = db::row_int64(r, 16);
        if (mi_memory) *mi_memory = r.get<std::string>(17);
      },
      id);
  return out;
}

// ---- Run ----

Run::Run(Tx& tx, Instance instance, Compiled model, std::deque<Token> tokens, nlohmann::json memory,
         bool fresh)
    : memory_(std::move(memory)),
      tx_(tx),
      inst_(std::move(instance)),
      model_(std::move(model)),
      tokens_(std::move(tokens)),
      fresh_(fresh),
      loaded_version_(inst_.version) {
  if (!memory_.is_object()) memory_ = nlohmann::json::object();
}

const FlowNode& Run::node(const std::string& id) const {
  const FlowNode* n = def().node(id);
  if (!n) raise("workflow.node.unknown", "", {{"node", id}});
  return *n;
}

Token* Run::token(long long id) {
  for (auto& t : tokens_)
    if (t.id == id && !t.removed) return &t;
  return nullptr;
}

void Run::visit(const std::string& node_id) {
  if (std::find(inst_.visited.begin(), inst_.visited.end(), node_id) == inst_.visited.end())
    inst_.visited.push_back(node_id);
}

Token& Run::new_token(const std::string& node_id, long long prev_task_id) {
  Token t;
  t.node = node_id;
  t.prev_task_id = prev_task_id;
  std::string empty, null_json = "null";
  long long zero = 0;
  t.id = db::insert_returning_id(
      tx_.s,
      "INSERT INTO wf_tokens (instance_id, node_id, state, arrived_flow, prev_task_id, "
      "return_to, mi, waiting_for, child_id) VALUES (:i, :n, 'active', :f, :p, :r, :m, "
      ":w, :c) RETURNING id",
      inst_.id, t.node, empty, t.prev_task_id, null_json, null_json, empty, zero);
  tokens_.push_back(std::move(t));
  return tokens_.back();
}

void Run::remove_token(Token& t) {
  if (t.removed) return;
  cancel_timers(t);
  cancel_open_tasks(t);
  if (t.child_id != 0) {
    Run& child = tx_.load(t.child_id);
    if (child.inst_.state == InstanceState::running ||
        child.inst_.state == InstanceState::suspended) {
      child.inst_.parent_id = 0;  // ending the child must not wake this token
      child.terminate("parent");
    }
    t.child_id = 0;
  }
  // Returns waiting to come back into this token go nowhere now.
  for (auto& other : tokens_)
    if (!other.removed && other.return_to.is_object() && other.return_to.contains("token") &&
        other.return_to["token"] == t.id)
      remove_token(other);
  t.removed = true;
  db::execute(tx_.s, "DELETE FROM wf_tokens WHERE id = :id", t.id);
}

void Run::cancel_timers(Token& t) {
  // Only timer events and activities with boundary timers have timers.
  const FlowNode* n = def().node(t.node);
  if (n && n->boundaries.empty() && n->kind != NodeKind::timer_catch) return;
  db::execute(tx_.s,
              "UPDATE wf_timers SET state = 'cancelled', version = version + 1 WHERE token_id = "
              ":t AND state = 'pending'",
              t.id);
}

void Run::cancel_open_tasks(Token& t, int mi_index) {
  const FlowNode* n = def().node(t.node);
  if (n && n->kind != NodeKind::user_task) return;  // only user tasks have tasks
  if (mi_index == -2) {
    db::execute(tx_.s,
                "UPDATE wf_tasks SET state = 'cancelled', completed_at = :n, version = version + "
                "1 WHERE token_id = :t AND state = 'open'",
                tx_.now_text, t.id);
  } else {
    db::execute(tx_.s,
                "UPDATE wf_tasks SET state = 'cancelled', completed_at = :n, version = version + "
                "1 WHERE token_id = :t AND state = 'open' AND mi_index = :m",
                tx_.now_text, t.id, mi_index);
  }
}

void Run::cancel_task(long long task_id) {
  db::execute(tx_.s,
              "UPDATE wf_tasks SET state = 'cancelled', completed_at = :n, completed_by = :b, "
              "version = version + 1 WHERE id = :id AND state = 'open'",
              tx_.now_text, tx_.by.account, task_id);
}

void Run::history(long long task_id, const std::string& node_id, const std::string& action,
                  const std::string& outcome, const std::string& opinion,
                  const std::string& detail) {
  std::string node_name;
  if (!node_id.empty())
    if (const FlowNode* n = def().node(node_id)) node_name = n->name.empty() ? n->id : n->name;
  std::string actor = tx_.by.account.empty() ? "system" : tx_.by.account;
  std::string actor_name = tx_.by.name.empty() ? actor : tx_.by.name;
  db::execute(tx_.s,
              "INSERT INTO wf_history (instance_id, task_id, node_id, node_name, action, actor, "
              "actor_name, at, outcome, opinion, detail) VALUES (:i, :t, :n, :nn, :a, :ac, :an, "
              ":at, :o, :op, :d)",
              inst_.id, task_id, node_id, node_name, action, actor, actor_name, tx_.now_text,
              outcome, opinion, detail);
}

nlohmann::json Run::scope_vars(const nlohmann::json& extra) const {
  nlohmann::json v = inst_.variables;
  v["starter"] = inst_.starter;
  v["businessKey"] = inst_.business_key;
  for (auto it = extra.begin(); it != extra.end(); ++it) v[it.key()] = it.value();
  return v;
}

void Run::start() {
  history(0, "", "started", "", "", inst_.title);
  Token& t = new_token(def().nodes[def().start].id, 0);
  queue_.push_back(t.id);
  settle();
}

void Run::move_along(Token& t, std::size_t flow) {
  const SequenceFlow& f = def().flows[flow];
  t.node = def().nodes[f.target].id;
  t.arrived_flow = f.id;
  t.state = "active";
  t.waiting_for.clear();
  t.dirty = true;
  queue_.push_back(t.id);
}

void Run::leave(Token& t, const FlowNode& n) {
  visit(n.id);
  std::vector<std::size_t> take;
  bool conditional = false;
  nlohmann::json vars;
  for (std::size_t f : n.outgoing) {
    if (n.default_flow && *n.default_flow == f) continue;
    const SequenceFlow& flow = def().flows[f];
    if (flow.condition) {
      if (!conditional) vars = scope_vars(nlohmann::json::object());
      conditional = true;
      auto ok = flow.condition->test(vars);
      if (!ok) {
        auto e = ok.error();
        e.params["flow"] = flow.id;
        e.params["node"] = n.id;
        throw Fault(e);
      }
      if (*ok) take.push_back(f);
    } else {
      take.push_back(f);
    }
    // An exclusive gateway takes the first flow that holds.
    if (n.kind == NodeKind::exclusive_gateway && !take.empty()) break;
  }
  if (take.empty() && n.default_flow) take.push_back(*n.default_flow);
  if (take.empty()) {
    if (n.outgoing.empty()) {  // an end of the road (checked at deploy; be safe)
      remove_token(t);
      end_if_quiet();
      return;
    }
    raise("workflow.gateway.no_path", "", {{"node", n.name.empty() ? n.id : n.name}});
  }
  // Branches start in the order their flows are written.
  std::vector<Token*> branches{&t};
  for (std::size_t i = 1; i < take.size(); ++i)
    branches.push_back(&new_token(t.node, t.prev_task_id));
  for (std::size_t i = 0; i < take.size(); ++i) move_along(*branches[i], take[i]);
}

void Run::settle() {
  for (int rounds = 0; rounds < 100000; ++rounds) {
    if (ended_) {
      queue_.clear();
      return;
    }
    if (queue_.empty()) {
      // Inclusive joins fire once nothing else can reach them.
      bool fired = false;
      for (std::size_t i = 0; i < def().nodes.size() && !fired; ++i) {
        const FlowNode& n = def().nodes[i];
        if (n.kind != NodeKind::inclusive_gateway || n.incoming.size() < 2) continue;
        if (!inclusive_join_ready(n, i)) continue;
        long long prev = 0;
        std::vector<long long> joined;
        for (auto& t : tokens_)
          if (!t.removed && t.node == n.id && t.state == "joined") {
            joined.push_back(t.id);
            prev = std::max(prev, t.prev_task_id);
          }
        for (long long id : joined) remove_token(*token(id));
        Token& next = new_token(n.id, prev);
        visit(n.id);
        long long nid = next.id;
        leave(*token(nid), n);
        fired = true;
      }
      if (!fired) {
        end_if_quiet();
        return;
      }
      continue;
    }
    long long id = queue_.front();
    queue_.pop_front();
    Token* t = token(id);
    if (!t) continue;
    arrive(*t);
  }
  raise("workflow.loop", "", {{"process", inst_.process_key}});
}

bool Run::inclusive_join_ready(const FlowNode& join, std::size_t join_index) const {
  bool any = false;
  for (const auto& t : tokens_) {
    if (t.removed) continue;
    if (t.node == join.id && t.state == "joined") {
      any = true;
      continue;
    }
    auto idx = def().node_index(t.node);
    if (idx && (*idx == join_index || reach()(*idx, join_index))) return false;
  }
  return any;
}

void Run::arrive(Token& t) {
  const FlowNode& n = node(t.node);
  switch (n.kind) {
    case NodeKind::start_event:
    case NodeKind::boundary_timer:
      leave(t, n);
      return;
    case NodeKind::end_event:
      visit(n.id);
      if (n.terminate) {
        history(0, n.id, "ended", "", "", "terminate");
        for (auto& other : tokens_)
          if (!other.removed) remove_token(other);
        finish(InstanceState::completed, "");
        return;
      }
      remove_token(t);
      end_if_quiet();
      return;
    case NodeKind::user_task:
      enter_user_task(t, n, "");
      return;
    case NodeKind::service_task: {
      visit(n.id);
      Handler handler;
      {
        std::lock_guard lock(tx_.engine.mu_);
        auto it = tx_.engine.handlers_.find(n.handler);
        if (it != tx_.engine.handlers_.end()) handler = it->second;
      }
      if (!handler) raise("workflow.handler.unknown", "", {{"handler", n.handler}});
      ServiceCall call{tx_.s, inst_.variables, inst_.id, inst_.business_key, n.id, tx_.by.account};
      auto r = handler(call);
      if (!r) throw Fault(r.error());
      long long id = t.id;
      leave(*token(id), n);
      return;
    }
    case NodeKind::exclusive_gateway:
      leave(t, n);
      return;
    case NodeKind::parallel_gateway: {
      if (n.incoming.size() > 1) {
        t.state = "joined";
        t.dirty = true;
        std::set<std::string> arrived;
        long long prev = 0;
        for (const auto& o : tokens_)
          if (!o.removed && o.node == n.id && o.state == "joined") {
            arrived.insert(o.arrived_flow);
            prev = std::max(prev, o.prev_task_id);
          }
        if (arrived.size() < n.incoming.size()) return;
        // One token per incoming flow goes on as one.
        std::set<std::string> used;
        std::vector<long long> consume;
        for (const auto& o : tokens_)
          if (!o.removed && o.node == n.id && o.state == "joined" &&
              used.insert(o.arrived_flow).second)
            consume.push_back(o.id);
        for (long long id : consume) remove_token(*token(id));
        Token& next = new_token(n.id, prev);
        long long nid = next.id;
        leave(*token(nid), n);
        return;
      }
      leave(t, n);
      return;
    }
    case NodeKind::inclusive_gateway:
      if (n.incoming.size() > 1) {
        t.state = "joined";
        t.dirty = true;
        return;  // settle() fires it when nothing else can reach it
      }
      leave(t, n);
      return;
    case NodeKind::timer_catch: {
      visit(n.id);
      t.waiting_for = "timer";
      t.dirty = true;
      auto due = n.timer->kind == TimerSpec::Kind::date
                     ? parse_date_time(n.timer->date).value_or(tx_.now)
                     : add_duration(tx_.now, n.timer->duration, tx_.engine.calendar());
      std::string due_text = format_utc(due);
      int remaining = n.timer->kind == TimerSpec::Kind::cycle ? n.timer->repeat : 1;
      tx_.s << "INSERT INTO wf_timers (instance_id, token_id, node_id, due_at, remaining, "
               "state, fired_at, version) VALUES (:i, :t, :n, :d, :r, 'pending', '', 1)",
          soci::use(inst_.id), soci::use(t.id), soci::use(n.id), soci::use(due_text),
          soci::use(remaining);
      return;
    }
    case NodeKind::message_catch:
      visit(n.id);
      t.waiting_for = "message:" + n.event_name;
      t.dirty = true;
      return;
    case NodeKind::signal_catch:
      visit(n.id);
      t.waiting_for = "signal:" + n.event_name;
      t.dirty = true;
      return;
    case NodeKind::call_activity: {
      visit(n.id);
      long long def_id = 0;
      Compiled child_model = tx_.latest(n.called_element, &def_id);
      t.waiting_for = "child";
      t.dirty = true;
      long long tid = t.id;
      Engine::StartInput in;
      in.process_key = n.called_element;
      in.business_key = inst_.business_key;
      in.title = inst_.title;
      in.variables = inst_.variables;
      Run& child = tx_.create(child_model, def_id, in, inst_.id, tid);
      child.inst_.starter = inst_.starter;
      child.inst_.starter_organ_id = inst_.starter_organ_id;
      Token* parent_token = token(tid);
      if (parent_token && !parent_token->removed && parent_token->waiting_for == "child")
        parent_token->child_id = child.inst_.id;
      arm_boundaries(*token(tid), n);
      child.start();
      return;
    }
  }
}

// ---- user tasks ----

std::string Run::resolve_account(const std::string& expr, const FlowNode& n,
                                 const nlohmann::json& scope) {
  std::string account = expr;
  if (expr == "${starter}") {
    account = inst_.starter;
  } else if (expr == "${starterHead}") {
    auto head = tx_.engine.directory_.department_head(tx_.s, inst_.starter);
    if (!head) throw Fault(head.error());
    if (!*head)
      raise("workflow.assign.no_head", "", {{"node", n.name}, {"account", inst_.starter}});
    account = **head;
  } else if (expr.starts_with("${") || expr.starts_with("#{")) {
    auto e = Expression::parse(expr);
    if (!e) throw Fault(e.error());
    auto v = e->evaluate(scope);
    if (!v) throw Fault(v.error());
    if (!v->is_string() || v->get<std::string>().empty())
      raise("workflow.assign.unresolved", "", {{"node", n.name}, {"expression", expr}});
    account = v->get<std::string>();
  }
  auto p = tx_.engine.directory_.person(tx_.s, account);
  if (!p) throw Fault(p.error());
  if (!*p) raise("workflow.assign.unknown_account", "", {{"node", n.name}, {"account", account}});
  return account;
}

std::vector<std::string> Run::resolve_groups(const FlowNode& n, const nlohmann::json& scope) {
  std::vector<std::string> out;
  for (std::string g : n.assignment.candidate_groups) {
    if (g.starts_with("${") || g.starts_with("#{")) {
      auto e = Expression::parse(g);
      if (!e) throw Fault(e.error());
      auto v = e->evaluate(scope);
      if (!v) throw Fault(v.error());
      if (!v->is_string())
        raise("workflow.assign.unresolved", "", {{"node", n.name}, {"expression", g}});
      g = v->get<std::string>();
    }
    if (g.starts_with("role:")) g = g.substr(5);
    std::string role = g;
    long long organ = inst_.starter_organ_id;
    if (auto at = g.rfind('@'); at != std::string::npos) {
      role = g.substr(0, at);
      std::string code = g.substr(at + 1);
      auto id = tx_.engine.directory_.organ_by_code(tx_.s, code);
      if (!id) throw Fault(id.error());
      if (!*id) raise("workflow.assign.unknown_organ", "", {{"node", n.name}, {"organ", code}});
      organ = **id;
    }
    auto exists = tx_.engine.directory_.role_exists(tx_.s, role);
    if (!exists) throw Fault(exists.error());
    if (!*exists) raise("workflow.assign.unknown_role", "", {{"node", n.name}, {"role", role}});
    add_unique(out, role + "@" + std::to_string(organ));
  }
  return out;
}

Task Run::create_task(Token& t, const FlowNode& n, int mi_index, const std::string& assignee,
                      const nlohmann::json& scope) {
  Task task;
  task.instance_id = inst_.id;
  task.node_id = n.id;
  task.name = n.name.empty() ? n.id : n.name;
  task.process_key = inst_.process_key;
  task.title = inst_.title;
  task.mi_index = mi_index;
  task.prev_task_id = t.prev_task_id;
  task.token_id = t.id;
  task.created_at = tx_.now_text;
  task.assignee = assignee;
  if (task.assignee.empty() && !n.assignment.assignee.empty())
    task.assignee = resolve_account(n.assignment.assignee, n, scope);
  if (task.assignee.empty()) {
    task.candidate_groups = resolve_groups(n, scope);
    for (const auto& u : n.assignment.candidate_users)
      add_unique(task.candidate_users, resolve_account(u, n, scope));
    if (task.candidate_groups.empty() && task.candidate_users.empty())
      raise("workflow.assign.nobody", "", {{"node", task.name}});
  }
  task.organ_id = inst_.starter_organ_id;
  if (!task.assignee.empty()) {
    auto p = tx_.engine.directory_.person(tx_.s, task.assignee);
    if (p && *p) task.organ_id = (*p)->organ_id;
  } else if (!task.candidate_groups.empty()) {
    const auto& g = task.candidate_groups.front();
    task.organ_id = std::stoll(g.substr(g.rfind('@') + 1));
  }
  if (n.due) task.due_at = format_utc(add_duration(tx_.now, *n.due, tx_.engine.calendar()));
  if (!n.due_expression.empty()) {
    auto e = Expression::parse(n.due_expression);
    if (!e) throw Fault(e.error());
    auto v = e->evaluate(scope);
    if (!v) throw Fault(v.error());
    std::string text = v->is_string() ? v->get<std::string>() : v->dump();
    auto d = parse_duration(text);
    if (!d) raise("workflow.due_invalid", "", {{"text", text}, {"expression", n.due_expression}});
    task.due_at = format_utc(add_duration(tx_.now, *d, tx_.engine.calendar()));
  }
  task.version = 1;
  task.id = db::insert_returning_id(
      tx_.s,
      "INSERT INTO wf_tasks (instance_id, token_id, node_id, name, process_key, title, "
      "state, assignee, owner, mi_index, organ_id, created_at, due_at, claimed_at, "
      "read_at, completed_at, completed_by, outcome, opinion, prev_task_id, reminded, "
      "version) VALUES (:i, :t, :n, :nm, :k, :ti, 'open', :a, '', :m, :o, :c, :d, '', '', "
      "'', '', '', '', :p, 0, 1) RETURNING id",
      inst_.id, t.id, task.node_id, task.name, task.process_key, task.title, task.assignee,
      task.mi_index, task.organ_id, task.created_at, task.due_at, task.prev_task_id);
  for (const auto& g : task.candidate_groups)
    db::execute(tx_.s,
                "INSERT INTO wf_task_candidates (task_id, kind, value) VALUES (:t, 'group', :v)",
                task.id, g);
  for (const auto& u : task.candidate_users)
    db::execute(tx_.s,
                "INSERT INTO wf_task_candidates (task_id, kind, value) VALUES (:t, 'user', :v)",
                task.id, u);
  return task;
}

void Run::arm_boundaries(Token& t, const FlowNode& n) {
  for (std::size_t b : n.boundaries) {
    const FlowNode& bn = def().nodes[b];
    if (!bn.timer) continue;
    auto due = bn.timer->kind == TimerSpec::Kind::date
                   ? parse_date_time(bn.timer->date).value_or(tx_.now)
                   : add_duration(tx_.now, bn.timer->duration, tx_.engine.calendar());
    std::string due_text = format_utc(due);
    int remaining = bn.timer->kind == TimerSpec::Kind::cycle ? bn.timer->repeat : 1;
    tx_.s << "INSERT INTO wf_timers (instance_id, token_id, node_id, due_at, remaining, state, "
             "fired_at, version) VALUES (:i, :t, :n, :d, :r, 'pending', '', 1)",
        soci::use(inst_.id), soci::use(t.id), soci::use(bn.id), soci::use(due_text),
        soci::use(remaining);
  }
}

void Run::enter_user_task(Token& t, const FlowNode& n, const std::string& assignee_override) {
  visit(n.id);
  long long tid = t.id;
  if (n.multi_instance && t.mi.is_null()) {
    const MultiInstance& mi = *n.multi_instance;
    std::vector<std::string> elements;
    nlohmann::json scope = scope_vars(nlohmann::json::object());
    if (!mi.collection.empty()) {
      nlohmann::json c = lookup_path(scope, mi.collection);
      if (!c.is_array() || c.empty())
        raise("workflow.mi.bad_collection", "", {{"node", n.name}, {"path", mi.collection}});
      for (const auto& e : c) {
        if (!e.is_string())
          raise("workflow.mi.bad_collection", "", {{"node", n.name}, {"path", mi.collection}});
        std::string account = resolve_account(e.get<std::string>(), n, scope);
        add_unique(elements, account);
      }
    } else {
      int count = mi.cardinality.value_or(1);
      for (int i = 0; i < count; ++i) {
        nlohmann::json s2 = scope;
        s2["loopCounter"] = i;
        elements.push_back(resolve_account(n.assignment.assignee, n, s2));
      }
    }
    nlohmann::json state;
    state["elements"] = elements;
    state["status"] = nlohmann::json::array();
    state["outcomes"] = nlohmann::json::array();
    for (std::size_t i = 0; i < elements.size(); ++i) {
      state["status"].push_back(mi.sequential && i > 0 ? "pending" : "open");
      state["outcomes"].push_back("");
    }
    token(tid)->mi = state;
    token(tid)->dirty = true;
    for (std::size_t i = 0; i < elements.size(); ++i) {
      if (mi.sequential && i > 0) break;
      create_task(*token(tid), n, static_cast<int>(i), elements[i], scope);
    }
  } else if (n.multi_instance) {
    // Re-entering with a restored state (a return into one signer): open
    // the signers marked "open" that have no task yet.
    nlohmann::json scope = scope_vars(nlohmann::json::object());
    auto& st = token(tid)->mi;
    for (std::size_t i = 0; i < st["status"].size(); ++i)
      if (st["status"][i] == "open")
        create_task(*token(tid), n, static_cast<int>(i), st["elements"][i].get<std::string>(),
                    scope);
    token(tid)->dirty = true;
  } else {
    create_task(*token(tid), n, -1, assignee_override, scope_vars(nlohmann::json::object()));
  }
  arm_boundaries(*token(tid), n);
}

void Run::task_completed(const Task& task) {
  long long token_id = task.token_id;
  Token* tok = token(token_id);
  if (!tok) raise("workflow.task.orphan", "", {{"task", std::to_string(task.id)}});
  const FlowNode& n = node(task.node_id);
  if (task.mi_index >= 0 && tok->mi.is_object()) {
    mi_child_done(*tok, n, task);
    settle();
    return;
  }
  cancel_timers(*tok);
  tok->prev_task_id = task.id;
  tok->dirty = true;
  if (tok->return_to.is_object()) {
    nlohmann::json back = tok->return_to;
    tok->return_to = nullptr;
    if (back.contains("token")) {
      long long mi_token = back["token"].get<long long>();
      int index = back["index"].get<int>();
      remove_token(*tok);
      Token* target = token(mi_token);
      if (target && target->mi.is_object()) {
        target->mi["status"][index] = "open";
        target->dirty = true;
        const FlowNode& tn = node(target->node);
        create_task(*target, tn, index, target->mi["elements"][index].get<std::string>(),
                    scope_vars(nlohmann::json::object()));
      }
    } else {
      std::string node_id = back["node"].get<std::string>();
      std::string assignee = back.value("assignee", "");
      tok->node = node_id;
      tok->state = "active";
      tok->arrived_flow.clear();
      enter_user_task(*tok, node(node_id), assignee);
    }
    settle();
    return;
  }
  leave(*tok, n);
  settle();
}

void Run::mi_child_done(Token& t, const FlowNode& n, const Task& task) {
  long long tid = t.id;
  auto& st = token(tid)->mi;
  int i = task.mi_index;
  st["status"][i] = "done";
  st["outcomes"][i] = task.outcome;
  token(tid)->dirty = true;
  const MultiInstance& mi = *n.multi_instance;
  std::string approve = n.approve_outcome.empty()
                            ? (n.outcomes.empty() ? std::string() : n.outcomes.front())
                            : n.approve_outcome;
  int total = 0, done = 0, approvals = 0, rejections = 0, active = 0;
  for (std::size_t k = 0; k < st["status"].size(); ++k) {
    std::string s = st["status"][k].get<std::string>();
    if (s == "cancelled") continue;
    ++total;
    if (s == "done") {
      ++done;
      std::string o = st["outcomes"][k].get<std::string>();
      if (approve.empty() || o == approve)
        ++approvals;
      else
        ++rejections;
    } else if (s == "open" || s == "returned") {
      ++active;
    }
  }
  st["approvals"] = approvals;
  st["rejections"] = rejections;
  bool complete = done == total;
  bool approved = approvals == total;
  switch (mi.completion.rule) {
    case Completion::Rule::all:
      break;
    case Completion::Rule::any:
      if (approvals >= 1) complete = true;
      approved = approvals >= 1;
      break;
    case Completion::Rule::fraction: {
      int need = static_cast<int>(std::ceil(mi.completion.fraction * total - 1e-9));
      if (need < 1) need = 1;
      if (approvals >= need) complete = true;
      if (rejections > total - need) complete = true;
      approved = approvals >= need;
      break;
    }
    case Completion::Rule::condition: {
      nlohmann::json extra = {{"nrOfInstances", total},
                              {"nrOfCompletedInstances", done},
                              {"nrOfActiveInstances", active},
                              {"nrOfApprovals", approvals},
                              {"nrOfRejections", rejections}};
      auto r = mi.completion.condition->test(scope_vars(extra));
      if (!r) throw Fault(r.error());
      if (*r) complete = true;
      approved = rejections == 0;
      break;
    }
  }
  if (!complete) {
    if (mi.sequential && active == 0) {
      for (std::size_t k = 0; k < st["status"].size(); ++k)
        if (st["status"][k] == "pending") {
          st["status"][k] = "open";
          create_task(*token(tid), n, static_cast<int>(k), st["elements"][k].get<std::string>(),
                      scope_vars(nlohmann::json::object()));
          break;
        }
    }
    return;
  }
  inst_.variables["approved"] = approved;
  inst_.variables["nrOfApprovals"] = approvals;
  inst_.variables["nrOfRejections"] = rejections;
  std::string reject;
  for (const auto& o : n.outcomes)
    if (o != approve) {
      reject = o;
      break;
    }
  if (!approve.empty()) inst_.variables["outcome"] = approved ? approve : reject;
  mi_finish(*token(tid), n, task.id);
}

void Run::mi_finish(Token& t, const FlowNode& n, long long last_task) {
  long long tid = t.id;
  cancel_open_tasks(t);
  cancel_timers(t);
  // Tokens sent back out of this countersign are no longer awaited.
  for (auto& other : tokens_)
    if (!other.removed && other.return_to.is_object() && other.return_to.contains("token") &&
        other.return_to["token"] == tid)
      remove_token(other);
  Token& tok = *token(tid);
  memory_[n.id] = tok.mi;
  tok.mi = nullptr;
  tok.prev_task_id = last_task;
  tok.dirty = true;
  if (tok.return_to.is_object() && tok.return_to.contains("node")) {
    nlohmann::json back = tok.return_to;
    tok.return_to = nullptr;
    tok.node = back["node"].get<std::string>();
    enter_user_task(tok, node(tok.node), back.value("assignee", ""));
    return;
  }
  leave(tok, n);
}

// ---- jumps ----

void Run::jump(const Task& from, const std::string& target, const std::string& assignee,
               const std::string& signer, bool resume_here) {
  long long from_token_id = from.token_id;
  Token* src = token(from_token_id);
  if (!src) raise("workflow.task.orphan", "", {{"task", std::to_string(from.id)}});
  const FlowNode& tn = node(target);
  auto target_index = *def().node_index(target);
  long long src_id = src->id;
  cancel_task(from.id);

  nlohmann::json restored;  // a multi-instance state to come back into
  if (tn.multi_instance && !signer.empty()) {
    if (!memory_.contains(target)) raise("workflow.return.no_signers", "", {{"node", tn.name}});
    restored = memory_[target];
    int found = -1;
    for (std::size_t k = 0; k < restored["elements"].size(); ++k)
      if (restored["elements"][k] == signer) found = static_cast<int>(k);
    if (found < 0) raise("workflow.return.not_a_signer", "signer", {{"account", signer}});
    restored["status"][found] = "open";
    restored["outcomes"][found] = "";
  }

  if (from.mi_index >= 0 && src->mi.is_object()) {
    // Out of a countersign: only this signer leaves; the others keep their tasks.
    src->mi["status"][from.mi_index] = "returned";
    src->dirty = true;
    Token& nt = new_token(target, from.id);
    nt.return_to = {{"token", src_id}, {"index", from.mi_index}};
    nt.mi = restored;
    nt.dirty = true;
    long long nid = nt.id;
    enter_user_task(*token(nid), tn, assignee);
    return;
  }
  if (resume_here) {
    remove_token(*token(src_id));
    Token& nt = new_token(target, from.id);
    nt.return_to = {{"node", from.node_id}, {"assignee", from.assignee}};
    nt.mi = restored;
    nt.dirty = true;
    long long nid = nt.id;
    enter_user_task(*token(nid), tn, assignee);
    return;
  }
  // Everything downstream of the target starts again; parallel branches the
  // target is not on stay as they are, and joins between the target and the
  // step that rejected get the other branches' arrivals back.
  auto src_index = *def().node_index(from.node_id);
  std::vector<long long> drop;
  for (auto& t : tokens_) {
    if (t.removed) continue;
    auto idx = def().node_index(t.node);
    if (t.id == src_id || (idx && (*idx == target_index || reach()(target_index, *idx))))
      drop.push_back(t.id);
  }
  for (long long id : drop)
    if (Token* t = token(id)) remove_token(*t);
  for (std::size_t j = 0; j < def().nodes.size(); ++j) {
    const FlowNode& jn = def().nodes[j];
    if (jn.kind != NodeKind::parallel_gateway || jn.incoming.size() < 2) continue;
    if (!reach()(target_index, j) || !(reach()(j, src_index))) continue;
    for (std::size_t f : jn.incoming) {
      std::size_t source = def().flows[f].source;
      if (source == target_index || reach()(target_index, source)) continue;
      Token& filled = new_token(jn.id, from.id);
      filled.state = "joined";
      filled.arrived_flow = def().flows[f].id;
      filled.dirty = true;
    }
  }
  Token& nt = new_token(target, from.id);
  nt.mi = restored;
  nt.dirty = true;
  long long nid = nt.id;
  enter_user_task(*token(nid), tn, assignee);
}

Task Run::withdraw(const Task& done, const std::vector<long long>& follower_tokens) {
  for (long long id : follower_tokens)
    if (Token* t = token(id)) remove_token(*t);
  const FlowNode& n = node(done.node_id);
  Token& nt = new_token(n.id, done.prev_task_id);
  long long nid = nt.id;
  enter_user_task(*token(nid), n, done.completed_by);
  settle();
  soci::rowset<soci::row> rows =
      (tx_.s.prepare << std::string("SELECT ") + kTaskColumns +
                            " FROM wf_tasks WHERE token_id = :t AND state = 'open' ORDER BY id",
       soci::use(nid));
  for (const auto& r : rows) return task_from_row(r);
  raise("workflow.task.not_found");
}

Task Run::add_signer(Token& t, const std::string& account) {
  const FlowNode& n = node(t.node);
  long long tid = t.id;
  auto& st = token(tid)->mi;
  for (std::size_t k = 0; k < st["elements"].size(); ++k)
    if (st["elements"][k] == account && st["status"][k] != "cancelled")
      raise("workflow.signer.duplicate", "account", {{"account", account}});
  st["elements"].push_back(account);
  st["outcomes"].push_back("");
  bool sequential = n.multi_instance->sequential;
  bool any_open = false;
  for (const auto& s : st["status"])
    if (s == "open") any_open = true;
  st["status"].push_back(sequential && any_open ? "pending" : "open");
  token(tid)->dirty = true;
  int index = static_cast<int>(st["elements"].size()) - 1;
  if (st["status"][index] == "open")
    return create_task(*token(tid), n, index, account, scope_vars(nlohmann::json::object()));
  Task pending;
  pending.instance_id = inst_.id;
  pending.node_id = n.id;
  pending.name = n.name;
  pending.assignee = account;
  pending.mi_index = index;
  return pending;
}

Task Run::reopen_signer(Token& t, int index) {
  const FlowNode& n = node(t.node);
  long long tid = t.id;
  return create_task(*token(tid), n, index, t.mi["elements"][index].get<std::string>(),
                     scope_vars(nlohmann::json::object()));
}

// ---- timers, messages, children ----

void Run::timer_fired(long long token_id, const std::string& node_id, int remaining,
                      const std::string& due_at, long long timer_id) {
  Token* t = token(token_id);
  if (!t) return;
  const FlowNode& n = node(node_id);
  if (n.kind == NodeKind::timer_catch) {
    history(0, n.id, "timer", "", "", n.timer ? n.timer->text : "");
    t->waiting_for.clear();
    leave(*t, n);
    settle();
    return;
  }
  // a boundary timer
  const FlowNode& activity = node(t->node);
  if (n.cancel_activity) {
    history(0, activity.id, "escalated", "", "", n.name.empty() ? n.timer->text : n.name);
    std::vector<Task> open;
    soci::rowset<soci::row> rows =
        (tx_.s.prepare << std::string("SELECT ") + kTaskColumns +
                              " FROM wf_tasks WHERE token_id = :t AND state = 'open'",
         soci::use(token_id));
    for (const auto& r : rows) open.push_back(task_from_row(r));
    if (tx_.engine.notifier_)
      for (const auto& task : open) tx_.engine.notifier_(tx_.s, task, "escalated");
    cancel_open_tasks(*t);
    cancel_timers(*t);
    if (t->child_id != 0) {
      Run& child = tx_.load(t->child_id);
      child.inst_.parent_id = 0;
      child.terminate("escalated");
      t->child_id = 0;
    }
    t->mi = nullptr;
    t->return_to = nullptr;
    t->waiting_for.clear();
    t->node = n.id;
    t->dirty = true;
    visit(n.id);
    leave(*t, n);
    settle();
    return;
  }
  // non-interrupting: remind, or start a path of its own
  if (remaining != 1) {
    int next = remaining < 0 ? -1 : remaining - 1;
    auto from = parse_utc(due_at).value_or(tx_.now);
    std::string due_text = format_utc(add_duration(from, n.timer->duration, tx_.engine.calendar()));
    tx_.s << "INSERT INTO wf_timers (instance_id, token_id, node_id, due_at, remaining, state, "
             "fired_at, version) VALUES (:i, :t, :n, :d, :r, 'pending', '', 1)",
        soci::use(inst_.id), soci::use(token_id), soci::use(n.id), soci::use(due_text),
        soci::use(next);
  }
  (void)timer_id;
  if (n.outgoing.empty()) {
    std::vector<Task> open;
    soci::rowset<soci::row> rows =
        (tx_.s.prepare << std::string("SELECT ") + kTaskColumns +
                              " FROM wf_tasks WHERE token_id = :t AND state = 'open'",
         soci::use(token_id));
    for (const auto& r : rows) open.push_back(task_from_row(r));
    tx_.s << "UPDATE wf_tasks SET reminded = reminded + 1 WHERE token_id = :t AND state = "
             "'open'",
        soci::use(token_id);
    for (auto& task : open) {
      ++task.reminded;
      history(task.id, activity.id, "reminded", "", "", task.assignee);
      if (tx_.engine.notifier_) tx_.engine.notifier_(tx_.s, task, "reminded");
    }
    return;
  }
  history(0, n.id, "timer", "", "", n.timer->text);
  Token& extra = new_token(n.id, t->prev_task_id);
  long long eid = extra.id;
  visit(n.id);
  leave(*token(eid), n);
  settle();
}

void Run::deliver(Token& t, const nlohmann::json& variables) {
  if (variables.is_object())
    for (auto it = variables.begin(); it != variables.end(); ++it)
      inst_.variables[it.key()] = it.value();
  const FlowNode& n = node(t.node);
  t.waiting_for.clear();
  t.dirty = true;
  leave(t, n);
  settle();
}

void Run::child_ended(long long token_id, const nlohmann::json& child_variables) {
  Token* t = token(token_id);
  if (!t) return;
  for (auto it = child_variables.begin(); it != child_variables.end(); ++it)
    inst_.variables[it.key()] = it.value();
  t->child_id = 0;
  t->waiting_for.clear();
  cancel_timers(*t);
  t->dirty = true;
  long long tid = t->id;
  leave(*token(tid), node(t->node));
  settle();
}

// ---- ending ----

void Run::end_if_quiet() {
  if (ended_) return;
  for (const auto& t : tokens_)
    if (!t.removed) return;
  history(0, "", "ended", "", "", "");
  finish(InstanceState::completed, "");
}

void Run::finish(InstanceState state, const std::string& reason) {
  ended_ = true;
  queue_.clear();
  inst_.state = state;
  inst_.ended_at = tx_.now_text;
  inst_.end_reason = reason;
  if (inst_.parent_id != 0) {
    long long parent_token = 0;
    tx_.s << "SELECT parent_token_id FROM wf_instances WHERE id = :id", soci::use(inst_.id),
        soci::into(parent_token);
    Run& parent = tx_.load(inst_.parent_id);
    if (state == InstanceState::completed)
      parent.child_ended(parent_token, inst_.variables);
    else if (parent.inst_.state == InstanceState::running ||
             parent.inst_.state == InstanceState::suspended)
      parent.terminate(reason.empty() ? "child" : reason);
  }
}

void Run::terminate(const std::string& reason) {
  for (auto& t : tokens_)
    if (!t.removed) remove_token(t);
  finish(InstanceState::terminated, reason);
}

void Run::flush() {
  for (auto& t : tokens_) {
    if (t.removed || !t.dirty) continue;
    std::string rt = t.return_to.dump(), mi = t.mi.dump();
    db::execute(tx_.s,
                "UPDATE wf_tokens SET node_id = :n, state = :s, arrived_flow = :f, prev_task_id = "
                ":p, return_to = :r, mi = :m, waiting_for = :w, child_id = :c WHERE id = :id",
                t.node, t.state, t.arrived_flow, t.prev_task_id, rt, mi, t.waiting_for, t.child_id,
                t.id);
    t.dirty = false;
  }
  std::string vars = inst_.variables.dump();
  if (vars.size() > 256 * 1024) raise("workflow.variables.too_large", "variables");
  std::string visited = nlohmann::json(inst_.visited).dump();
  std::string state(instance_state_name(inst_.state));
  std::string memory = memory_.dump();
  long long changed =
      db::execute(tx_.s,
                  "UPDATE wf_instances SET variables = :v, visited = :vi, state = :s, "
                  "ended_at = :e, end_reason = :r, mi_memory = :m, parent_id = :p, "
                  "version = version + 1 WHERE id = :id AND version = :ver",
                  vars, visited, state, inst_.ended_at, inst_.end_reason, memory, inst_.parent_id,
                  inst_.id, loaded_version_);
  if (changed != 1) raise("workflow.conflict");
  inst_.version = loaded_version_ + 1;
  loaded_version_ = inst_.version;
}

// ---- Tx ----

Tx::Tx(Engine& e, soci::session& session, const Actor& actor)
    : engine(e), s(session), by(actor), now(e.now()), now_text(format_utc(now)) {}

Compiled Tx::compiled(long long definition_id) {
  auto def = engine.model_in(s, definition_id);
  if (!def) raise("workflow.definition.not_found", "", {{"id", std::to_string(definition_id)}});
  std::lock_guard lock(engine.mu_);
  auto& reach = engine.reach_[definition_id];
  if (!reach) reach = std::make_shared<const Reach>(*def);
  return Compiled{def, reach};
}

Compiled Tx::latest(const std::string& key, long long* definition_id) {
  long long id = 0;
  soci::indicator ind = soci::i_null;
  s << "SELECT id FROM wf_definitions WHERE process_key = :k ORDER BY version DESC LIMIT 1",
      soci::use(key), soci::into(id, ind);
  if (ind != soci::i_ok || id == 0)
    raise("workflow.definition.unknown_key", "process_key", {{"key", key}});
  *definition_id = id;
  return compiled(id);
}

Run& Tx::load(long long instance_id) {
  if (auto it = runs_.find(instance_id); it != runs_.end()) return *it->second;
  std::string memory_text;
  auto inst = load_instance(s, instance_id, &memory_text);
  if (!inst) raise("workflow.instance.not_found", "", {{"id", std::to_string(instance_id)}});
  std::deque<Token> tokens;
  db::query(
      s,
      "SELECT id, node_id, state, arrived_flow, prev_task_id, return_to, mi, waiting_for, "
      "child_id FROM wf_tokens WHERE instance_id = :i ORDER BY id",
      [&](const soci::row& r) {
        Token& t = tokens.emplace_back();
        t.id = db::row_int64(r, 0);
        t.node = r.get<std::string>(1);
        t.state = r.get<std::string>(2);
        t.arrived_flow = r.get<std::string>(3);
        t.prev_task_id = db::row_int64(r, 4);
        t.return_to = nlohmann::json::parse(r.get<std::string>(5), nullptr, false);
        t.mi = nlohmann::json::parse(r.get<std::string>(6), nullptr, false);
        if (t.return_to.is_discarded()) t.return_to = nullptr;
        if (t.mi.is_discarded()) t.mi = nullptr;
        t.waiting_for = r.get<std::string>(7);
        t.child_id = db::row_int64(r, 8);
      },
      instance_id);
  Compiled model = compiled(inst->definition_id);
  auto memory = nlohmann::json::parse(memory_text, nullptr, false);
  auto run =
      std::make_unique<Run>(*this, std::move(*inst), std::move(model), std::move(tokens),
                            memory.is_discarded() ? nlohmann::json::object() : memory, false);
  Run& ref = *run;
  runs_[instance_id] = std::move(run);
  return ref;
}

Run& Tx::create(const Compiled& model, long long definition_id, const Engine::StartInput& in,
                long long parent_id, long long parent_token_id) {
  Instance i;
  i.definition_id = definition_id;
  i.process_key = model.definition->key;
  i.process_name = model.definition->name;
  i.business_key = in.business_key;
  i.title = in.title.empty() ? model.definition->name : in.title;
  i.state = InstanceState::running;
  i.starter = by.account;
  i.parent_id = parent_id;
  i.variables = in.variables.is_object() ? in.variables : nlohmann::json::object();
  i.started_at = now_text;
  i.version = 1;
  if (!by.account.empty()) {
    auto p = engine.directory_.person(s, by.account);
    if (p && *p) i.starter_organ_id = (*p)->organ_id;
  }
  std::string vars = i.variables.dump(), visited = "[]", empty, memory = "{}";
  s << "INSERT INTO wf_instances (definition_id, process_key, business_key, title, state, "
       "starter, starter_organ_id, parent_id, parent_token_id, variables, visited, started_at, "
       "ended_at, end_reason, mi_memory, version) VALUES (:d, :k, :b, :t, 'running', :s, :o, "
       ":p, :pt, :v, :vi, :st, '', '', :m, 1) RETURNING id",
      soci::use(i.definition_id), soci::use(i.process_key), soci::use(i.business_key),
      soci::use(i.title), soci::use(i.starter), soci::use(i.starter_organ_id),
      soci::use(i.parent_id), soci::use(parent_token_id), soci::use(vars), soci::use(visited),
      soci::use(i.started_at), soci::use(memory), soci::into(i.id);
  long long id = i.id;
  auto run = std::make_unique<Run>(*this, std::move(i), model, std::deque<Token>{},
                                   nlohmann::json::object(), true);
  Run& ref = *run;
  runs_[id] = std::move(run);
  return ref;
}

void Tx::finish() {
  for (auto& [id, run] : runs_) run->flush();
}

std::optional<Person> Tx::person(const std::string& account) {
  auto p = engine.directory_.person(s, account);
  if (!p) throw Fault(p.error());
  return *p;
}

std::vector<std::string> Tx::groups(const std::string& account) {
  auto g = engine.directory_.groups_of(s, account);
  if (!g) throw Fault(g.error());
  return *g;
}

void Tx::audit(const std::string& event, const std::string& object, const std::string& detail) {
  audit::AuditEvent e = by.audit;
  if (e.account.empty()) e.account = by.account.empty() ? "system" : by.account;
  if (e.organ.empty()) e.organ = "-";
  if (e.source.empty()) e.source = "-";
  e.event = event;
  e.object = object;
  e.detail = detail;
  e.success = true;
  audit::AuditLog::record(s, e);
}

}  // namespace yiwang::workflow
