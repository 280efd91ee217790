// The demo city loaded by `yiwang demo`: 示范市人民政府 with its working
// departments as organs, two county-level governments under it, civil
// servants in several of them holding a role, and — once the platform CA
// exists — each organ's official seal with a civil servant who may use them,
// and the 发文办理 process (data/processes/office_dispatch.bpmn) with one
// document on its way. Loading twice changes nothing.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "audit/audit_log.hpp"
#include "ca/authority.hpp"
#include "ca/seal_store.hpp"
#include "core/error.hpp"
#include "identity/account_store.hpp"
#include "identity/organ_store.hpp"
#include "identity/role_store.hpp"
#include "portal/portal.hpp"
#include "registry/base_registry.hpp"
#include "services/item_catalogue.hpp"
#include "workflow/engine.hpp"

namespace yiwang::app {

// Creates the demo organs that do not exist yet; returns how many it created.
Result<int> load_demo_organs(identity::OrganStore& organs, const audit::AuditEvent& who);

// The role every demo civil servant holds: reading the directory of the
// organ it is granted for.
inline constexpr const char* kDemoStaffRole = "机关工作人员";

// A civil servant's account made by load_demo_staff, with the one-time
// password to hand over once.
struct DemoStaffAccount {
  identity::NewAccount created;
  std::string organ_name;
};

struct DemoStaff {
  int roles_created = 0;
  int departments_created = 0;
  int positions_created = 0;
  std::vector<DemoStaffAccount> accounts;  // created in this run, in list order
};

// Creates what is missing of the demo staff: the role kDemoStaffRole (when no
// role has that name), departments (秘书科, 综合科 …) and positions (科长, 科员 …)
// of the organs, and two or three civil servants in several organs, each with
// a department and a position, granted the role for their own
// organ (one in 市政府办公室 for the whole city). An existing account name is
// skipped, grants and all. Needs load_demo_organs first.
Result<DemoStaff> load_demo_staff(identity::OrganStore& organs, identity::AccountStore& accounts,
                                  identity::RoleStore& roles, const audit::AuditEvent& who);

// The role of the demo civil servant who seals documents: seeing the seals
// of the organs it is granted for and applying them.
inline constexpr const char* kDemoSealRole = "用印人员";

struct DemoSeals {
  bool no_ca = false;  // the platform CA has no root yet: nothing was done
  int seals_created = 0;
  int roles_created = 0;
  int grants_created = 0;
};

// When the platform CA has its root (`yiwang init` creates it): an official
// seal (公章) for each demo organ with a credit code that has no active one,
// the role kDemoSealRole (ca.seal.read, ca.seal.apply) when no role has that
// name, and its grant to 张伟 (zhangwei.bgs) for the whole city with its
// sub-organs unless he holds it. Without the root it does nothing and says
// so (no_ca). Needs load_demo_organs and load_demo_staff first.
Result<DemoSeals> load_demo_seals(identity::OrganStore& organs, identity::AccountStore& accounts,
                                  identity::RoleStore& roles, ca::Authority& authority,
                                  ca::SealStore& seals, const audit::AuditEvent& who);

// The roles of the demo document flow and who holds them (in 市政府办公室).
inline constexpr const char* kDemoDrafterRole = "拟稿人";    // 刘洋, 周婷 (市市场监管局)
inline constexpr const char* kDemoClerkRole = "公文管理员";  // 陈静: 核稿, 编号登记
inline constexpr const char* kDemoProcessAdminRole = "流程管理员";  // 张伟: whole city

struct DemoProcesses {
  int deployed = 0;  // new definitions or versions
  int roles_created = 0;
  int grants_created = 0;
  long long instance_id = 0;  // the demo document, when this run started it
};

// Deploys every data/processes/*.bpmn below share_dir (a file identical to
// the deployed version changes nothing), creates the three roles above when
// missing and grants them, and — when no 发文办理 has been started — starts
// one as 刘洋 and completes his 拟稿, so 张伟 finds 部门审核 in his inbox.
// Needs load_demo_staff first.
Result<DemoProcesses> load_demo_processes(identity::OrganStore& organs,
                                          identity::AccountStore& accounts,
                                          identity::RoleStore& roles, workflow::Engine& engine,
                                          const std::filesystem::path& share_dir,
                                          const audit::AuditEvent& who);

// The roles of the demo online services (the process files name them).
inline constexpr const char* kDemoWindowRole = "受理窗口";
inline constexpr const char* kDemoReviewerRole = "审批";
inline constexpr const char* kDemoLicenceRole = "证照管理员";
inline constexpr const char* kDemoItemEditorRole = "事项编辑";    // /services/catalogue
inline constexpr const char* kDemoItemReviewerRole = "事项审核";  // /services/review

struct DemoServices {
  int published = 0;  // items published by this run
  int roles_created = 0;
  int grants_created = 0;
};

// Grants the roles of the demo online services (受理窗口, 审批, 差评整改,
// 证照管理员, 事项编辑, 事项审核) to civil servants of 市场监管局, 税务局, 人社局, 公安局 and
// 商务局, and publishes every data/services/*.json below share_dir ({"organ_credit_code", "item"};
// an item already published unchanged is left alone). The processes they run are
// data/processes/demo_*.bpmn (load_demo_processes). Needs load_demo_staff first.
Result<DemoServices> load_demo_services(identity::OrganStore& organs,
                                        identity::AccountStore& accounts,
                                        identity::RoleStore& roles, services::ItemCatalogue& items,
                                        const std::filesystem::path& share_dir,
                                        const audit::AuditEvent& who);

struct DemoRecords {
  int people = 0;    // population records created by this run
  int entities = 0;  // legal-entity records created by this run
};

// The demo city's population and legal-entity records
// (data/registry/demo_records.json below share_dir: residents, companies —
// one of them deregistered — and an individual business), each created when
// no record has its number, audited. Forms prefill from them and processes
// cross-check against them.
Result<DemoRecords> load_demo_records(db::Database& db, registry::RegistryStore& records,
                                      const std::filesystem::path& share_dir,
                                      const audit::AuditEvent& who);

struct DemoPortal {
  int columns = 0;        // columns created or changed by this run
  int articles = 0;       // articles published by this run
  int consultations = 0;  // consultations and surveys published by this run
};

// The demo city's site: the columns of data/portal/columns.json, the
// articles of data/portal/demo_articles.jsonl (imported as published, once),
// and the people who write and review new ones in 市政府办公室: 网站编辑 刘洋
// and 孙丽, 网站初审 周杰, 网站复审 陈静, 网站终审 林海; 张伟 (网站管理员) withdraws
// articles and watches the site's health.
Result<DemoPortal> load_demo_portal(identity::OrganStore& organs, identity::AccountStore& accounts,
                                    identity::RoleStore& roles, portal::Portal& portal,
                                    const std::filesystem::path& share_dir,
                                    const audit::AuditEvent& who);

// A valid 统一社会信用代码 of an organ (登记管理部门 1 机构编制, 机构类别 1
// 机关) in a division, with a made-up organisation code numbered n.
std::string demo_credit_code(const std::string& division, int n);

}  // namespace yiwang::app
