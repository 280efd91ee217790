// Inside the engine (not for other modules): one transaction's view of the
// instances it moves. A Tx loads instances into Runs, moves their tokens
// through the process graph, writes tasks, timers and history as it goes, and
// at the end writes each instance back with an optimistic version check.
//
// Errors inside a transition are thrown as Fault and turned back into
// Result values by Engine::transition, after the transaction rolled back.
#pragma once

#include <deque>
#include <map>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include <soci/soci.h>
#include <nlohmann/json.hpp>

#include "workflow/engine.hpp"

namespace yiwang::workflow {

[[noreturn]] void raise(std::string key, std::string field = {},
                        std::map<std::string, std::string> params = {});

// Which nodes can reach which (through flows and boundary events), computed
// once per definition.
struct Reach {
  explicit Reach(const Definition& d);
  bool operator()(std::size_t from, std::size_t to) const { return can_[from][to]; }
  std::vector<std::vector<bool>> can_;
};

struct Compiled {
  std::shared_ptr<const Definition> definition;
  std::shared_ptr<const Reach> reach;
};

struct Token {
  long long id = 0;
  std::string node;
  std::string state = "active";  // active | joined (waiting at a join)
  std::string arrived_flow;
  long long prev_task_id = 0;
  nlohmann::json return_to;  // null, {"node":…, "assignee":…} or {"token":…, "index":…}
  nlohmann::json mi;         // null, or the multi-instance state of the task at node
  std::string waiting_for;   // "timer", "message:NAME", "signal:NAME", "child"
  long long child_id = 0;
  bool removed = false;
  bool dirty = false;
};

Task task_from_row(const soci::row& r);
extern const char* const kTaskColumns;
// The tasks matching `where` (a condition on wf_tasks with one bound
// parameter), with their candidates, in id order.
std::vector<Task> select_tasks(soci::session& s, const std::string& where, long long param);
std::optional<Task> load_task(soci::session& s, long long id);
// The instance, and when mi_memory is given, its multi-instance memory.
std::optional<Instance> load_instance(soci::session& s, long long id,
                                      std::string* mi_memory = nullptr);
std::vector<std::string> split_list(const std::string& text, char sep);
std::string join_list(const std::vector<std::string>& items, char sep);

class Tx;

class Run {
 public:
  Run(Tx& tx, Instance instance, Compiled model, std::deque<Token> tokens, nlohmann::json memory,
      bool fresh);

  Instance& instance() { return inst_; }
  const Definition& def() const { return *model_.definition; }
  const Reach& reach() const { return *model_.reach; }
  const FlowNode& node(const std::string& id) const;
  Token* token(long long id);
  std::deque<Token>& tokens() { return tokens_; }

  // Puts a token on the start event and moves it on.
  void start();
  // Moves the token of a completed task on (or back, after a return).
  void task_completed(const Task& task);
  // Cancels a task: marks it cancelled and records nothing else.
  void cancel_task(long long task_id);
  // Timer fired (row already claimed).
  void timer_fired(long long token_id, const std::string& node_id, int remaining,
                   const std::string& due_at, long long timer_id);
  // A waiting token receives a message or signal.
  void deliver(Token& t, const nlohmann::json& variables);
  // Jumps back: the task is cancelled, a token is put at target.
  void jump(const Task& from, const std::string& target, const std::string& assignee,
            const std::string& signer, bool resume_here);
  // Withdraws a completed task (checks done by the caller).
  Task withdraw(const Task& done, const std::vector<long long>& follower_tokens);
  Task add_signer(Token& t, const std::string& account);
  // Gives a countersign signer a new task (after they withdrew their opinion).
  Task reopen_signer(Token& t, int index);
  void terminate(const std::string& reason);
  void child_ended(long long token_id, const nlohmann::json& child_variables);

  // Processes queued token arrivals, then inclusive joins, until quiet.
  void settle();
  void history(long long task_id, const std::string& node_id, const std::string& action,
               const std::string& outcome, const std::string& opinion, const std::string& detail);
  void flush();
  bool fresh() const { return fresh_; }

  nlohmann::json memory_;  // node id → last multi-instance state (for returns into it)

 private:
  friend class Tx;
  Token& new_token(const std::string& node, long long prev_task_id);
  void remove_token(Token& t);
  void move_along(Token& t, std::size_t flow);
  void leave(Token& t, const FlowNode& n);
  void arrive(Token& t);
  void enter_user_task(Token& t, const FlowNode& n, const std::string& assignee_override);
  Task create_task(Token& t, const FlowNode& n, int mi_index, const std::string& assignee,
                   const nlohmann::json& scope);
  void arm_boundaries(Token& t, const FlowNode& n);
  void cancel_timers(Token& t);
  void cancel_open_tasks(Token& t, int mi_index = -2);
  void mi_child_done(Token& t, const FlowNode& n, const Task& task);
  void mi_finish(Token& t, const FlowNode& n, long long last_task);
  void end_if_quiet();
  void finish(InstanceState state, const std::string& reason);
  bool inclusive_join_ready(const FlowNode& join, std::size_t join_index) const;
  std::string resolve_account(const std::string& expr, const FlowNode& n,
                              const nlohmann::json& scope);
  std::vector<std::string> resolve_groups(const FlowNode& n, const nlohmann::json& scope);
  nlohmann::json scope_vars(const nlohmann::json& extra) const;
  void visit(const std::string& node_id);

  Tx& tx_;
  Instance inst_;
  Compiled model_;
  std::deque<Token> tokens_;  // a deque: references stay valid as tokens are added
  std::deque<long long> queue_;
  bool fresh_ = false;
  bool ended_ = false;
  long long loaded_version_ = 0;
};

class Tx {
 public:
  Tx(Engine& engine, soci::session& s, const Actor& by);

  Run& load(long long instance_id);
  // Creates an instance of the latest version of key (or of a definition id).
  Run& create(const Compiled& model, long long definition_id, const Engine::StartInput& input,
              long long parent_id, long long parent_token_id);
  Compiled compiled(long long definition_id);
  Compiled latest(const std::string& key, long long* definition_id);
  // Settles every run (runs may wake others), then writes them back.
  void finish();
  void audit(const std::string& event, const std::string& object, const std::string& detail);
  std::optional<Person> person(const std::string& account);
  std::vector<std::string> groups(const std::string& account);

  Engine& engine;
  soci::session& s;
  const Actor& by;
  std::chrono::sys_seconds now;
  std::string now_text;

 private:
  std::map<long long, std::unique_ptr<Run>> runs_;
};

}  // namespace yiwang::workflow
