#include "tests/integration/workflow_world.hpp"

#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

#include "core/progress.hpp"

namespace yiwang::test {

bool WorkflowWorld::ready() {
  db = open_migrated(tdb, {audit::AuditLog::migrations(), workflow::Engine::migrations()}, 6);
  if (!db) return false;
  for (int year : {2025, 2026}) {
    std::ifstream in(source_dir() / "data" / "calendar" / (std::to_string(year) + ".toml"));
    std::stringstream text;
    text << in.rdbuf();
    auto a = core::parse_year_arrangement(text.str());
    if (!a) return false;
    calendar.add(std::move(*a));
  }
  engine = another_engine();
  return true;
}

std::unique_ptr<workflow::Engine> WorkflowWorld::another_engine() {
  return std::make_unique<workflow::Engine>(*db, calendar, directory, [this] { return clock; });
}

workflow::Actor WorkflowWorld::actor(const std::string& account, bool administrator) const {
  workflow::Actor a;
  a.account = account;
  a.name = account;
  a.administrator = administrator;
  a.audit.account = account;
  a.audit.organ = "-";
  a.audit.source = "127.0.0.1";
  a.audit.request_id = "test";
  return a;
}

workflow::DefinitionInfo WorkflowWorld::deploy(const std::string& xml) {
  auto d = engine->deploy(xml, actor("sysadmin"));
  EXPECT_TRUE(d.has_value()) << (d ? "" : d.error().key + " " + d.error().field);
  if (!d) {
    for (const auto& p : engine->validate(xml)) ADD_FAILURE() << p.key << " at " << p.field;
    return {};
  }
  return *d;
}

workflow::Instance WorkflowWorld::start(const std::string& key, const std::string& starter,
                                        nlohmann::json variables) {
  workflow::Engine::StartInput in;
  in.process_key = key;
  in.title = "测试件 " + key;
  in.variables = std::move(variables);
  auto i = engine->start(in, actor(starter));
  EXPECT_TRUE(i.has_value()) << (i ? "" : i.error().key + " " + i.error().params["detail"]);
  return i ? *i : workflow::Instance{};
}

std::vector<workflow::Task> WorkflowWorld::all_open_at(long long instance_id,
                                                       const std::string& node) {
  std::vector<workflow::Task> out;
  auto tasks = engine->open_tasks(instance_id);
  EXPECT_TRUE(tasks.has_value());
  if (!tasks) return out;
  for (const auto& t : *tasks)
    if (t.node_id == node) out.push_back(t);
  return out;
}

workflow::Task WorkflowWorld::open_at(long long instance_id, const std::string& node,
                                      int mi_index) {
  std::vector<workflow::Task> found;
  for (const auto& t : all_open_at(instance_id, node))
    if (mi_index < 0 || t.mi_index == mi_index) found.push_back(t);
  EXPECT_EQ(found.size(), 1u) << "open tasks at " << node;
  return found.empty() ? workflow::Task{} : found.front();
}

workflow::Task WorkflowWorld::complete(long long task_id, const std::string& account,
                                       const std::string& outcome, const std::string& opinion) {
  workflow::Engine::CompleteInput in;
  in.outcome = outcome;
  in.opinion = opinion;
  auto t = engine->complete(task_id, in, actor(account));
  EXPECT_TRUE(t.has_value()) << (t ? "" : t.error().key + " " + t.error().field);
  return t ? *t : workflow::Task{};
}

std::vector<std::string> WorkflowWorld::actions(long long instance_id) {
  std::vector<std::string> out;
  auto h = engine->history(instance_id);
  if (h)
    for (const auto& e : *h) out.push_back(e.action);
  return out;
}

workflow::InstanceState WorkflowWorld::state(long long instance_id) {
  auto i = engine->instance(instance_id);
  EXPECT_TRUE(i && *i);
  return i && *i ? (*i)->state : workflow::InstanceState::terminated;
}

std::string bpmn(const std::string& key, const std::string& body,
                 const std::string& definitions_extra) {
  return R"(<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
    xmlns:yiwang="http://yiwang.gov.cn/schema/bpmn"
    xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
    id="Definitions_)" +
         key + R"(" targetNamespace="http://yiwang.gov.cn/bpmn">
)" + definitions_extra +
         R"(
  <bpmn:process id=")" +
         key + R"(" name="测试流程 )" + key + R"(" isExecutable="true">
)" + body +
         R"(
  </bpmn:process>
</bpmn:definitions>
)";
}

}  // namespace yiwang::test
