// A workflow engine on a test database, with a directory of made-up civil
// servants and a clock the test moves.
#pragma once

#include <chrono>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "audit/audit_log.hpp"
#include "core/civil_date.hpp"
#include "core/work_calendar.hpp"
#include "db/database.hpp"
#include "db/migration.hpp"
#include "tests/support/test_server.hpp"
#include "workflow/engine.hpp"

namespace yiwang::test {

class FakeDirectory : public workflow::Directory {
 public:
  struct Entry {
    std::string name;
    long long organ = 1;
    std::string head;
    std::vector<std::string> groups;
  };
  std::map<std::string, Entry, std::less<>> people;
  std::map<std::string, long long, std::less<>> organs{{"11110000000000001X", 1},
                                                       {"11110000000000002Y", 2}};
  std::set<std::string, std::less<>> roles{"公文管理员", "会签人员", "审核员"};

  void add(const std::string& account, long long organ = 1, std::string head = "",
           std::vector<std::string> groups = {}) {
    people[account] = Entry{account + "的姓名", organ, std::move(head), std::move(groups)};
  }

  Result<std::optional<workflow::Person>> person(soci::session&,
                                                 std::string_view account) override {
    auto it = people.find(account);
    if (it == people.end()) return std::optional<workflow::Person>();
    return std::optional<workflow::Person>(
        workflow::Person{it->first, it->second.name, it->second.organ});
  }
  Result<std::optional<std::string>> department_head(soci::session&,
                                                     std::string_view account) override {
    auto it = people.find(account);
    if (it == people.end() || it->second.head.empty()) return std::optional<std::string>();
    return std::optional<std::string>(it->second.head);
  }
  Result<std::optional<long long>> organ_by_code(soci::session&, std::string_view code) override {
    auto it = organs.find(code);
    if (it == organs.end()) return std::optional<long long>();
    return std::optional<long long>(it->second);
  }
  Result<bool> role_exists(soci::session&, std::string_view role) override {
    return roles.contains(role);
  }
  Result<std::vector<std::string>> groups_of(soci::session&, std::string_view account) override {
    auto it = people.find(account);
    if (it == people.end()) return std::vector<std::string>{};
    return it->second.groups;
  }
};

struct WorkflowWorld {
  TempDir dir;
  TestDatabase tdb{dir.path()};
  std::unique_ptr<db::Database> db;
  core::WorkCalendar calendar;
  FakeDirectory directory;
  // 2026-11-30 (Monday) 09:00 China time
  std::chrono::sys_seconds clock =
      std::chrono::sys_seconds(std::chrono::sys_days(std::chrono::year(2026) / 11 / 30)) +
      std::chrono::hours(1);
  std::unique_ptr<workflow::Engine> engine;

  bool ready();
  // A second engine on the same database (another server node, or the same
  // server after a restart).
  std::unique_ptr<workflow::Engine> another_engine();
  workflow::Actor actor(const std::string& account, bool administrator = false) const;
  // Deploys or fails the test.
  workflow::DefinitionInfo deploy(const std::string& xml);
  workflow::Instance start(const std::string& key, const std::string& starter,
                           nlohmann::json variables = nlohmann::json::object());
  // The one open task of the instance at node (fails the test otherwise).
  workflow::Task open_at(long long instance_id, const std::string& node, int mi_index = -1);
  std::vector<workflow::Task> all_open_at(long long instance_id, const std::string& node);
  workflow::Task complete(long long task_id, const std::string& account,
                          const std::string& outcome = "", const std::string& opinion = "");
  std::vector<std::string> actions(long long instance_id);
  workflow::InstanceState state(long long instance_id);
  void advance(std::chrono::seconds by) { clock += by; }
  void advance_days(int days) { clock += std::chrono::days(days); }
};

// A BPMN file around a process body (no diagram).
std::string bpmn(const std::string& key, const std::string& body,
                 const std::string& definitions_extra = "");

}  // namespace yiwang::test
