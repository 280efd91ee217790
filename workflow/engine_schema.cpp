// The workflow engine's tables.
#include "workflow/engine.hpp"

namespace yiwang::workflow {

std::vector<db::Migration> Engine::migrations() {
  return {{"workflow", 1, "process definitions, instances, tokens, tasks, timers, history",
           R"(CREATE TABLE wf_definitions (
  id ${id},
  process_key TEXT NOT NULL,
  version INTEGER NOT NULL,
  name TEXT NOT NULL,
  xml TEXT NOT NULL,
  deployed_by TEXT NOT NULL,
  deployed_at TEXT NOT NULL,
  UNIQUE (process_key, version)
);
CREATE TABLE wf_instances (
  id ${id},
  definition_id BIGINT NOT NULL REFERENCES wf_definitions (id),
  process_key TEXT NOT NULL,
  business_key TEXT NOT NULL,
  title TEXT NOT NULL,
  state TEXT NOT NULL,
  starter TEXT NOT NULL,
  starter_organ_id BIGINT NOT NULL,
  parent_id BIGINT NOT NULL,
  parent_token_id BIGINT NOT NULL,
  variables TEXT NOT NULL,
  visited TEXT NOT NULL,
  started_at TEXT NOT NULL,
  ended_at TEXT NOT NULL,
  end_reason TEXT NOT NULL,
  mi_memory TEXT NOT NULL,
  version BIGINT NOT NULL
);
CREATE INDEX wf_instances_starter ON wf_instances (starter, id);
CREATE INDEX wf_instances_key ON wf_instances (process_key, state, id);
CREATE INDEX wf_instances_business ON wf_instances (business_key);
CREATE TABLE wf_tokens (
  id ${id},
  instance_id BIGINT NOT NULL REFERENCES wf_instances (id),
  node_id TEXT NOT NULL,
  state TEXT NOT NULL,
  arrived_flow TEXT NOT NULL,
  prev_task_id BIGINT NOT NULL,
  return_to TEXT NOT NULL,
  mi TEXT NOT NULL,
  waiting_for TEXT NOT NULL,
  child_id BIGINT NOT NULL
);
CREATE INDEX wf_tokens_instance ON wf_tokens (instance_id);
CREATE INDEX wf_tokens_waiting ON wf_tokens (waiting_for);
CREATE TABLE wf_tasks (
  id ${id},
  instance_id BIGINT NOT NULL REFERENCES wf_instances (id),
  token_id BIGINT NOT NULL,
  node_id TEXT NOT NULL,
  name TEXT NOT NULL,
  process_key TEXT NOT NULL,
  title TEXT NOT NULL,
  state TEXT NOT NULL,
  assignee TEXT NOT NULL,
  owner TEXT NOT NULL,
  mi_index INTEGER NOT NULL,
  organ_id BIGINT NOT NULL,
  created_at TEXT NOT NULL,
  due_at TEXT NOT NULL,
  claimed_at TEXT NOT NULL,
  read_at TEXT NOT NULL,
  completed_at TEXT NOT NULL,
  completed_by TEXT NOT NULL,
  outcome TEXT NOT NULL,
  opinion TEXT NOT NULL,
  prev_task_id BIGINT NOT NULL,
  reminded INTEGER NOT NULL,
  version BIGINT NOT NULL
);
CREATE INDEX wf_tasks_todo ON wf_tasks (assignee, state, due_at);
CREATE INDEX wf_tasks_done ON wf_tasks (completed_by, completed_at);
CREATE INDEX wf_tasks_instance ON wf_tasks (instance_id, id);
CREATE INDEX wf_tasks_token ON wf_tasks (token_id, state);
CREATE INDEX wf_tasks_prev ON wf_tasks (prev_task_id);
CREATE TABLE wf_task_candidates (
  task_id BIGINT NOT NULL REFERENCES wf_tasks (id),
  kind TEXT NOT NULL,
  value TEXT NOT NULL
);
CREATE INDEX wf_task_candidates_task ON wf_task_candidates (task_id);
CREATE INDEX wf_task_candidates_value ON wf_task_candidates (value, task_id);
CREATE TABLE wf_timers (
  id ${id},
  instance_id BIGINT NOT NULL REFERENCES wf_instances (id),
  token_id BIGINT NOT NULL,
  node_id TEXT NOT NULL,
  due_at TEXT NOT NULL,
  remaining INTEGER NOT NULL,
  state TEXT NOT NULL,
  fired_at TEXT NOT NULL,
  version BIGINT NOT NULL
);
CREATE INDEX wf_timers_due ON wf_timers (state, due_at);
CREATE INDEX wf_timers_token ON wf_timers (token_id, state);
CREATE TABLE wf_history (
  id ${id},
  instance_id BIGINT NOT NULL REFERENCES wf_instances (id),
  task_id BIGINT NOT NULL,
  node_id TEXT NOT NULL,
  node_name TEXT NOT NULL,
  action TEXT NOT NULL,
  actor TEXT NOT NULL,
  actor_name TEXT NOT NULL,
  at TEXT NOT NULL,
  outcome TEXT NOT NULL,
  opinion TEXT NOT NULL,
  detail TEXT NOT NULL
);
CREATE INDEX wf_history_instance ON wf_history (instance_id, id);
CREATE TABLE wf_copies (
  id ${id},
  instance_id BIGINT NOT NULL REFERENCES wf_instances (id),
  account TEXT NOT NULL,
  from_account TEXT NOT NULL,
  note TEXT NOT NULL,
  sent_at TEXT NOT NULL,
  read_at TEXT NOT NULL,
  UNIQUE (instance_id, account)
);
CREATE INDEX wf_copies_account ON wf_copies (account, id);
)"}};
}

}  // namespace yiwang::workflow
