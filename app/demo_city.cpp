#include "app/demo_city.hpp"

#include <algorithm>
#include <fstream>
#include <optional>
#include <sstream>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "ca/permissions.hpp"
#include "core/china_time.hpp"
#include "core/civil_date.hpp"
#include "core/identifier.hpp"
#include "identity/permissions.hpp"
#include "portal/article_import.hpp"
#include "portal/article_review.hpp"
#include "portal/disclosure_desk.hpp"
#include "portal/permissions.hpp"
#include "services/permissions.hpp"
#include "services/ratings.hpp"
#include "services/service_item.hpp"
#include "workflow/bpmn_parser.hpp"
#include "workflow/permissions.hpp"

namespace yiwang::app {

namespace {

// The files of a share_dir folder with this extension, sorted by name.
std::vector<std::filesystem::path> files_in(const std::filesystem::path& dir,
                                            std::string_view extension) {
  std::vector<std::filesystem::path> files;
  std::error_code ec;
  for (const auto& e : std::filesystem::directory_iterator(dir, ec))
    if (e.path().extension() == extension) files.push_back(e.path());
  std::sort(files.begin(), files.end());
  return files;
}

// A file's bytes; empty when it cannot be read.
std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}
// The demo city sits on the division codes of 福州市 (350100) so that every
// code checks against the real GB/T 2260 table; the names are made up.
constexpr const char* kCity = "350100";

struct DemoOrgan {
  const char* name;
  const char* short_name;
  const char* doc_prefix;
  const char* level;
  const char* division;
  int number;
  int parent;  // index into the list, -1 for the top
};

const DemoOrgan kOrgans[] = {
    {"示范市人民政府", "市政府", "示政发", "city", kCity, 1, -1},
    {"示范市人民政府办公室", "市政府办公室", "示政办发", "city", kCity, 2, 0},
    {"示范市发展和改革委员会", "市发展改革委", "示发改", "city", kCity, 3, 0},
    {"示范市市场监督管理局", "市市场监管局", "示市监", "city", kCity, 4, 0},
    {"国家税务总局示范市税务局", "市税务局", "示税发", "city", kCity, 5, 0},
    {"示范市人力资源和社会保障局", "市人社局", "示人社发", "city", kCity, 6, 0},
    {"示范市公安局", "市公安局", "示公发", "city", kCity, 7, 0},
    {"示范市商务局", "市商务局", "示商发", "city", kCity, 8, 0},
    {"示范市政务服务数据管理局", "市数据局", "示数据", "city", kCity, 9, 0},
    {"示范市东城区人民政府", "东城区政府", "示东政发", "county", "350102", 10, 0},
    {"示范市西山县人民政府", "西山县政府", "示西政发", "county", "350121", 11, 0},
};

constexpr const char* kStaffRoleDescription = "查阅本机关通讯录";
constexpr const char* kSealRoleDescription = "查看并使用所授权机关的电子印章";
// The civil servant who is granted kDemoSealRole, and the organ (number) of
// the grant, which covers its sub-organs.
constexpr const char* kSealUser = "zhangwei.bgs";
constexpr int kSealScope = 1;
constexpr const char* kStaffMailDomain = "example.gov.cn";

// A civil servant of the demo city. The e-mail address is the sign-in name at
// kStaffMailDomain; the role is granted for the own organ unless `scope`
// names another (with its sub-organs when `sub_organs`). `heads` names the
// department of the organ the person heads (部门负责人), if any.
struct DemoPerson {
  const char* name;
  const char* display_name;
  int organ;  // DemoOrgan::number
  const char* department;
  const char* position;
  const char* phone;
  const char* heads = nullptr;
  int scope = 0;  // DemoOrgan::number of the grant, 0 for the own organ
  bool sub_organs = false;
};

// The 科长 and 主任 head their departments; 张伟, 副主任 of 市政府办公室, heads
// its 综合科, which has no 科长 (a deputy director may head a department of
// the organ). The 办公室 of 市市场监管局 and of 市数据局 and the 综合科 of
// 东城区政府 have only a 科员 and no head.
const DemoPerson kPeople[] = {
    // 市政府办公室: 张伟 reads the directory of the whole city government.
    {"zhangwei.bgs", "张伟", 2, "秘书科", "副主任", "13905910201", "综合科", 1, true},
    {"liuyang.bgs", "刘洋", 2, "综合科", "科员", "13905910202"},
    {"chenjing.bgs", "陈静", 2, "秘书科", "科长", "13905910203", "秘书科"},
    // The site's editors and reviewers (网站信息发布审核).
    {"linhai.bgs", "林海", 2, "秘书科", "主任", "13905910204"},
    {"sunli.bgs", "孙丽", 2, "综合科", "科员", "13905910205"},
    {"zhoujie.bgs", "周杰", 2, "秘书科", "科员", "13905910206"},
    {"wangfang.fgw", "王芳", 3, "办公室", "主任", "13905910301", "办公室"},
    {"lijun.fgw", "李军", 3, "综合规划科", "科长", "13905910302", "综合规划科"},
    {"zhaomin.scjg", "赵敏", 4, "登记注册科", "科长", "13905910401", "登记注册科"},
    {"sunhao.scjg", "孙浩", 4, "办公室", "科员", "13905910402"},
    {"zhouting.scjg", "周婷", 4, "登记注册科", "科员", "13905910403"},
    {"xuming.sjj", "徐明", 9, "数据资源科", "科长", "13905910901", "数据资源科"},
    {"hejing.sjj", "何静", 9, "办公室", "科员", "13905910902"},
    {"wuqiang.dcq", "吴强", 10, "办公室", "主任", "13905911001", "办公室"},
    {"huangli.dcq", "黄丽", 10, "综合科", "科员", "13905911002"},
    {"zhenglei.dcq", "郑磊", 10, "办公室", "科员", "13905911003"},
    // Online services (网上办事): the window clerks and reviewers of the organs
    // that handle the demo services in parallel.
    {"chenyu.sw", "陈宇", 5, "纳税服务科", "科长", "13905910501", "纳税服务科"},
    {"yangfan.rs", "杨帆", 6, "社会保险科", "科长", "13905910601", "社会保险科"},
    {"liuwei.ga", "刘伟", 7, "户政管理科", "科长", "13905910701", "户政管理科"},
    {"guoqiang.swj", "郭强", 8, "对外贸易科", "科长", "13905910801", "对外贸易科"},
};

// The demo organ numbered n, which load_demo_organs has created.
Result<identity::Organ> demo_organ(identity::OrganStore& organs, int n) {
  auto d = std::find_if(std::begin(kOrgans), std::end(kOrgans),
                        [n](const DemoOrgan& o) { return o.number == n; });
  if (d == std::end(kOrgans)) return fail("identity.organ.not_found", "organ_id");
  auto o = organs.find_by_credit_code(demo_credit_code(d->division, d->number));
  if (!o) return std::unexpected(o.error());
  if (!*o) return fail("identity.organ.not_found", "organ_id");
  return **o;
}

// The id of the role named kDemoStaffRole, created when missing.
Result<long long> demo_role(identity::RoleStore& roles, const audit::AuditEvent& who,
                            int& created) {
  auto all = roles.roles();
  if (!all) return std::unexpected(all.error());
  for (const auto& r : *all)
    if (r.name == kDemoStaffRole) return r.id;
  auto role = roles.create_role(
      {kDemoStaffRole, kStaffRoleDescription, {identity::perm::kDirectoryRead}}, who);
  if (!role) return std::unexpected(role.error());
  ++created;
  return role->id;
}

// The id of a department of an organ, created when missing. An inactive
// department of that name blocks a new one: the person then has none.
Result<std::optional<long long>> demo_department(identity::OrganStore& organs, long long organ_id,
                                                 const std::string& name,
                                                 const audit::AuditEvent& who, int& created) {
  auto existing = organs.departments(organ_id);
  if (!existing) return std::unexpected(existing.error());
  for (const auto& d : *existing)
    if (d.name == name) return std::optional<long long>(d.id);
  auto d = organs.add_department(organ_id, name, who);
  if (!d) {
    if (d.error().key == "identity.department.duplicate") return std::optional<long long>();
    return std::unexpected(d.error());
  }
  ++created;
  return std::optional<long long>(d->id);
}
// The id of a position of an organ, created when missing.
Result<long long> demo_position(identity::OrganStore& organs, long long organ_id,
                                const std::string& name, const audit::AuditEvent& who,
                                int& created) {
  auto existing = organs.positions(organ_id);
  if (!existing) return std::unexpected(existing.error());
  for (const auto& p : *existing)
    if (p.name == name) return p.id;
  auto p = organs.add_position(organ_id, name, who);
  if (!p) return std::unexpected(p.error());
  ++created;
  return p->id;
}

// Makes the demo person the head of the department it `heads`, unless that
// department has a head already (so loading twice, or an administrator's
// own choice, is left alone). A person or department that is missing (an
// account name taken by someone else, a blocked department) is skipped.
Result<void> demo_head(identity::OrganStore& organs, identity::AccountStore& accounts,
                       const DemoPerson& p, const audit::AuditEvent& who) {
  if (!p.heads) return {};
  auto account = accounts.find_by_name(p.name);
  if (!account) return std::unexpected(account.error());
  if (!*account || (*account)->kind != identity::AccountKind::staff || !(*account)->active)
    return {};
  auto organ = demo_organ(organs, p.organ);
  if (!organ) return std::unexpected(organ.error());
  if ((*account)->organ_id != organ->id) return {};
  auto departments = organs.departments(organ->id);
  if (!departments) return std::unexpected(departments.error());
  for (const auto& d : *departments) {
    if (d.name != p.heads) continue;
    if (d.head_account_id) return {};
    auto set = organs.set_department_head(d.id, (*account)->id, who);
    if (!set) return std::unexpected(set.error());
    return {};
  }
  return {};
}

// What ensure_grant did.
struct Ensured {
  int role_created = 0;
  int grant_created = 0;
};

// Creates the role when no role has its name, and grants it to the account
// in the demo organ numbered `scope` unless the account holds it there already.
// An account that does not exist is skipped.
Result<Ensured> ensure_grant(identity::OrganStore& organs, identity::AccountStore& accounts,
                             identity::RoleStore& roles, const identity::RoleInput& input,
                             const char* account, int scope, bool sub_organs,
                             const audit::AuditEvent& who) {
  Ensured out;
  auto all = roles.roles();
  if (!all) return std::unexpected(all.error());
  std::optional<long long> role;
  for (const auto& r : *all)
    if (r.name == input.name) role = r.id;
  if (!role) {
    auto made = roles.create_role(input, who);
    if (!made) return std::unexpected(made.error());
    role = made->id;
    ++out.role_created;
  }
  auto user = accounts.find_by_name(account);
  if (!user) return std::unexpected(user.error());
  if (!*user) return out;
  auto grants = roles.grants_of((*user)->id);
  if (!grants) return std::unexpected(grants.error());
  auto organ = demo_organ(organs, scope);
  if (!organ) return std::unexpected(organ.error());
  for (const auto& g : *grants)
    if (g.role_id == *role && g.organ_id == organ->id) return out;
  auto granted = roles.grant((*user)->id, *role, organ->id, sub_organs, who);
  if (!granted) return std::unexpected(granted.error());
  ++out.grant_created;
  return out;
}

// A role the demo grants to one of its people in a demo organ.
struct DemoHolder {
  identity::RoleInput role;
  const char* account;
  int scope;  // DemoOrgan::number
  bool sub_organs = false;
};

// ensure_grant for each holder; how many roles and grants were created.
Result<Ensured> ensure_grants(identity::OrganStore& organs, identity::AccountStore& accounts,
                              identity::RoleStore& roles, const std::vector<DemoHolder>& holders,
                              const audit::AuditEvent& who) {
  Ensured total;
  for (const auto& h : holders) {
    auto granted =
        ensure_grant(organs, accounts, roles, h.role, h.account, h.scope, h.sub_organs, who);
    if (!granted) return std::unexpected(granted.error());
    total.role_created += granted->role_created;
    total.grant_created += granted->grant_created;
  }
  return total;
}
}  // namespace

std::string demo_credit_code(const std::string& division, int n) {
  return core::make_uscc('1', '1', division, fmt::format("MB{:06d}", n));
}

Result<int> load_demo_organs(identity::OrganStore& organs, const audit::AuditEvent& who) {
  std::vector<long long> ids;
  int created = 0;
  for (const auto& d : kOrgans) {
    std::string code = demo_credit_code(d.division, d.number);
    auto existing = organs.find_by_credit_code(code);
    if (!existing) return std::unexpected(existing.error());
    if (*existing) {
      ids.push_back((*existing)->id);
      continue;
    }
    identity::OrganInput in{.name = d.name,
                            .short_name = d.short_name,
                            .doc_prefix = d.doc_prefix,
                            .level = d.level,
                            .division_code = d.division,
                            .credit_code = code};
    if (d.parent >= 0) in.parent_id = ids.at(static_cast<std::size_t>(d.parent));
    auto o = organs.add(in, who);
    if (!o) return std::unexpected(o.error());
    ids.push_back(o->id);
    ++created;
  }
  return created;
}

Result<DemoStaff> load_demo_staff(identity::OrganStore& organs, identity::AccountStore& accounts,
                                  identity::RoleStore& roles, const audit::AuditEvent& who) {
  DemoStaff out;
  auto role = demo_role(roles, who, out.roles_created);
  if (!role) return std::unexpected(role.error());
  for (const auto& p : kPeople) {
    auto existing = accounts.find_by_name(p.name);
    if (!existing) return std::unexpected(existing.error());
    if (*existing) continue;
    auto organ = demo_organ(organs, p.organ);
    if (!organ) return std::unexpected(organ.error());
    auto department =
        demo_department(organs, organ->id, p.department, who, out.departments_created);
    if (!department) return std::unexpected(department.error());
    auto position = demo_position(organs, organ->id, p.position, who, out.positions_created);
    if (!position) return std::unexpected(position.error());
    auto made = accounts.create_staff({.name = p.name,
                                       .display_name = p.display_name,
                                       .organ_id = organ->id,
                                       .department_id = *department,
                                       .email = fmt::format("{}@{}", p.name, kStaffMailDomain),
                                       .phone = p.phone},
                                      who);
    if (!made) return std::unexpected(made.error());
    long long scope = organ->id;
    if (p.scope != 0) {
      auto s = demo_organ(organs, p.scope);
      if (!s) return std::unexpected(s.error());
      scope = s->id;
    }
    auto granted = roles.grant(made->account.id, *role, scope, p.sub_organs, who);
    if (!granted) return std::unexpected(granted.error());
    if (auto held = accounts.set_positions(made->account.id, {*position}, who); !held)
      return std::unexpected(held.error());
    out.accounts.push_back({std::move(*made), organ->name});
  }
  // Heads once every account exists: 张伟 heads a department he is not in.
  for (const auto& p : kPeople)
    if (auto headed = demo_head(organs, accounts, p, who); !headed)
      return std::unexpected(headed.error());
  return out;
}

Result<DemoSeals> load_demo_seals(identity::OrganStore& organs, identity::AccountStore& accounts,
                                  identity::RoleStore& roles, ca::Authority& authority,
                                  ca::SealStore& seals, const audit::AuditEvent& who) {
  DemoSeals out;
  if (auto root = authority.root(); !root) {
    if (root.error().key != "ca.not_initialised") return std::unexpected(root.error());
    out.no_ca = true;
    return out;
  }
  for (const auto& d : kOrgans) {
    auto organ = demo_organ(organs, d.number);
    if (!organ) return std::unexpected(organ.error());
    if (organ->credit_code.empty() || organ->retired) continue;
    auto existing = seals.list(std::vector<long long>{organ->id}, 0, 1000);
    if (!existing) return std::unexpected(existing.error());
    bool has_official =
        std::any_of(existing->seals.begin(), existing->seals.end(),
                    [](const auto& s) { return s.kind == ca::SealKind::official && s.active; });
    if (has_official) continue;
    auto seal = seals.create({.organ_id = organ->id, .kind = ca::SealKind::official}, who);
    if (!seal) return std::unexpected(seal.error());
    ++out.seals_created;
  }

  auto granted = ensure_grant(
      organs, accounts, roles,
      {kDemoSealRole, kSealRoleDescription, {ca::perm::kSealRead, ca::perm::kSealApply}}, kSealUser,
      kSealScope, true, who);
  if (!granted) return std::unexpected(granted.error());
  out.roles_created += granted->role_created;
  out.grants_created += granted->grant_created;
  return out;
}

Result<DemoProcesses> load_demo_processes(identity::OrganStore& organs,
                                          identity::AccountStore& accounts,
                                          identity::RoleStore& roles, workflow::Engine& engine,
                                          const std::filesystem::path& share_dir,
                                          const audit::AuditEvent& who) {
  DemoProcesses out;
  const std::vector<DemoHolder> holders = {
      {{kDemoDrafterRole, "起草公文并发起办文流程", {workflow::perm::kInstanceStart}},
       "liuyang.bgs",
       2},
      {{kDemoDrafterRole, "起草公文并发起办文流程", {workflow::perm::kInstanceStart}},
       "zhouting.scjg",
       4},
      {{kDemoClerkRole, "核稿、编号登记，发起办文流程", {workflow::perm::kInstanceStart}},
       "chenjing.bgs",
       2},
      {{kDemoProcessAdminRole, "管理流程实例：改派、挂起、终止", {workflow::perm::kInstanceManage}},
       "zhangwei.bgs",
       1,
       true},
  };
  auto granted = ensure_grants(organs, accounts, roles, holders, who);
  if (!granted) return std::unexpected(granted.error());
  out.roles_created = granted->role_created;
  out.grants_created = granted->grant_created;

  // The processes the city ships, deployed by the command line.
  workflow::Actor system;
  system.account = who.account;
  system.name = who.account;
  system.audit = who;
  for (const auto& f : files_in(share_dir / "data" / "processes", ".bpmn")) {
    std::string xml = read_file(f);
    auto parsed = workflow::parse_bpmn(xml);
    auto before = engine.versions(parsed ? parsed->key : "");
    if (!before) return std::unexpected(before.error());
    auto deployed = engine.deploy(xml, system);
    if (!deployed) return std::unexpected(deployed.error());
    if (before->empty() || before->front().id != deployed->id) ++out.deployed;
  }

  // One document on its way: 刘洋 drafted it; 张伟 heads his 综合科 and reviews.
  auto started = engine.instances({.process_key = "office_dispatch"}, 0, 1);
  if (!started) return std::unexpected(started.error());
  if (started->total > 0) return out;
  auto drafter = accounts.find_by_name("liuyang.bgs");
  if (!drafter) return std::unexpected(drafter.error());
  if (!*drafter) return out;
  workflow::Actor liu;
  liu.account = (*drafter)->name;
  liu.name = (*drafter)->display_name;
  liu.audit = who;
  workflow::Engine::StartInput input;
  input.process_key = "office_dispatch";
  input.title = "关于做好2027年元旦春节期间政务值班工作的通知（代拟稿）";
  input.business_key = "示政办发〔2026〕拟-001";
  auto instance = engine.start(input, liu);
  if (!instance) return std::unexpected(instance.error());
  out.instance_id = instance->id;
  auto open = engine.open_tasks(instance->id);
  if (!open) return std::unexpected(open.error());
  for (const auto& t : *open) {
    workflow::Engine::CompleteInput done;
    done.opinion = "请审核。";
    if (auto r = engine.complete(t.id, done, liu); !r) return std::unexpected(r.error());
  }
  return out;
}

Result<DemoServices> load_demo_services(identity::OrganStore& organs,
                                        identity::AccountStore& accounts,
                                        identity::RoleStore& roles, services::ItemCatalogue& items,
                                        const std::filesystem::path& share_dir,
                                        const audit::AuditEvent& who) {
  DemoServices out;
  // Who handles the demo services: the window (受理), the reviewers of the
  // parallel approvals, those who follow up bad ratings and manage licences.
  const identity::RoleInput window{kDemoWindowRole,
                                   "网上办事受理：受理、一次性告知补正、不予受理",
                                   {workflow::perm::kInstanceStart}};
  const identity::RoleInput reviewer{
      kDemoReviewerRole, "网上办事审批：审查并提出意见", {workflow::perm::kInstanceStart}};
  const identity::RoleInput rectifier{std::string(services::kRectificationRole),
                                      "好差评：回访差评并整改",
                                      {workflow::perm::kInstanceStart}};
  const identity::RoleInput licences{
      kDemoLicenceRole, "查看本机关颁发的电子证照并注销", {services::perm::kLicenceManage}};
  const identity::RoleInput item_editor{
      kDemoItemEditorRole, "编写本机关的办事指南（事项）并提交审核", {services::perm::kItemEdit}};
  const identity::RoleInput item_reviewer{
      kDemoItemReviewerRole, "审核事项并发布到门户", {services::perm::kItemReview}};
  const std::vector<DemoHolder> holders = {
      {window, "zhouting.scjg", 4},
      {window, "liuwei.ga", 7},
      {window, "chenyu.sw", 5},
      {window, "sunhao.scjg", 4},
      {reviewer, "zhaomin.scjg", 4},
      {reviewer, "sunhao.scjg", 4},
      {reviewer, "liuwei.ga", 7},
      {reviewer, "chenyu.sw", 5},
      {reviewer, "yangfan.rs", 6},
      {reviewer, "guoqiang.swj", 8},
      {rectifier, "sunhao.scjg", 4},
      {rectifier, "liuwei.ga", 7},
      {rectifier, "chenyu.sw", 5},
      {licences, "zhaomin.scjg", 4},
      {licences, "liuwei.ga", 7},
      // 事项库: each organ's editors write; 市场监管局 reviews its own, 市数据局 the whole city's.
      {item_editor, "zhouting.scjg", 4},
      {item_editor, "chenyu.sw", 5},
      {item_editor, "liuwei.ga", 7},
      {item_reviewer, "zhaomin.scjg", 4},
      {item_reviewer, "xuming.sjj", 1, true},
  };
  auto granted = ensure_grants(organs, accounts, roles, holders, who);
  if (!granted) return std::unexpected(granted.error());
  out.roles_created = granted->role_created;
  out.grants_created = granted->grant_created;

  // The items, each published by a second person (four eyes).
  audit::AuditEvent reviewer_who = who;
  reviewer_who.account = who.account + "#review";
  for (const auto& f : files_in(share_dir / "data" / "services", ".json")) {
    auto json = nlohmann::json::parse(read_file(f), nullptr, false);
    if (!json.is_object() || !json.contains("item") || !json["organ_credit_code"].is_string())
      return fail("app.demo.bad_service", "file", {{"file", f.filename().string()}});
    auto item = services::parse_service_item(json["item"]);
    if (!item) {
      Error e = item.error().front();
      e.params["file"] = f.filename().string();
      return std::unexpected(e);
    }
    auto organ = organs.find_by_credit_code(json["organ_credit_code"].get<std::string>());
    if (!organ) return std::unexpected(organ.error());
    if (!*organ) return fail("identity.organ.not_found", "organ_credit_code");
    auto published = items.published(item->code);
    if (!published) return std::unexpected(published.error());
    if (*published && (*published)->published &&
        services::service_item_json(*(*published)->published) == services::service_item_json(*item))
      continue;
    auto draft = items.save_draft(*item, (*organ)->id, who);
    if (!draft) return std::unexpected(draft.error());
    if (auto r = items.submit(draft->item_id, who); !r) return std::unexpected(r.error());
    if (auto r = items.review(draft->item_id, true, "示范数据", reviewer_who); !r)
      return std::unexpected(r.error());
    ++out.published;
  }
  return out;
}

Result<DemoRecords> load_demo_records(db::Database& db, registry::RegistryStore& records,
                                      const std::filesystem::path& share_dir,
                                      const audit::AuditEvent& who) {
  std::filesystem::path file = share_dir / "data" / "registry" / "demo_records.json";
  auto json = nlohmann::json::parse(read_file(file), nullptr, false);
  if (!json.is_object() || !json.value("people", nlohmann::json()).is_array() ||
      !json.value("entities", nlohmann::json()).is_array())
    return fail("app.demo.bad_records", "file", {{"file", file.string()}});
  auto text_of = [](const nlohmann::json& j, const char* key) {
    return j.contains(key) && j[key].is_string() ? j[key].get<std::string>() : std::string();
  };
  return db::guarded([&]() -> Result<DemoRecords> {
    return db.transaction([&](soci::session& s) -> Result<DemoRecords> {
      DemoRecords out;
      audit::AuditEvent e = who;
      for (const auto& j : json["people"]) {
        registry::PersonRecord p;
        p.citizen_id = text_of(j, "citizen_id");
        if (records.has_person(s, p.citizen_id)) continue;
        p.name = text_of(j, "name");
        p.phone = text_of(j, "phone");
        p.email = text_of(j, "email");
        p.address = text_of(j, "address");
        p.source = "demo";
        auto put = records.put_person(s, p);
        if (!put) return std::unexpected(put.error());
        e.event = "registry.person.recorded";
        e.object = registry::person_audit_object(put->citizen_id);
        e.detail = "demo";
        audit::AuditLog::record(s, e);
        ++out.people;
      }
      for (const auto& j : json["entities"]) {
        registry::EntityRecord r;
        r.credit_code = text_of(j, "credit_code");
        if (records.entity_in(s, r.credit_code)) continue;
        r.name = text_of(j, "name");
        r.kind = text_of(j, "kind");
        r.legal_representative = text_of(j, "legal_representative");
        r.registered_capital = text_of(j, "registered_capital");
        r.address = text_of(j, "address");
        r.established = text_of(j, "established");
        r.business_scope = text_of(j, "business_scope");
        r.phone = text_of(j, "phone");
        r.status = registry::parse_entity_status(text_of(j, "status"))
                       .value_or(registry::EntityStatus::active);
        r.status_reason = text_of(j, "status_reason");
        r.registration_organ = text_of(j, "registration_organ");
        r.source = "demo";
        auto put = records.put_entity(s, r);
        if (!put) return std::unexpected(put.error());
        e.event = "registry.entity.registered";
        e.object = "entity:" + put->credit_code;
        e.detail = put->name;
        audit::AuditLog::record(s, e);
        ++out.entities;
      }
      return out;
    });
  });
}

// 征集调查: a draft policy open for comment and a survey, both open for the
// next four weeks from the day the demo is loaded; created once.
Result<int> load_demo_consultations(identity::OrganStore& organs,
                                    portal::ConsultationStore& consultations,
                                    const audit::AuditEvent& who) {
  auto office = demo_organ(organs, 2);
  if (!office) return std::unexpected(office.error());
  auto existing = consultations.list({});
  if (!existing) return std::unexpected(existing.error());
  auto today = core::china_today();
  std::string from = core::format_iso_date(today - std::chrono::days(3)),
              to = core::format_iso_date(today + std::chrono::days(25));
  const std::vector<portal::ConsultationInput> demo = {
      {"consultation", office->id, "示范市优化营商环境若干措施（征求意见稿）",
       "为进一步优化营商环境，市政府办公室起草了本措施，现向社会公开征求意见。",
       "<h2>一、总体要求</h2><p>以市场主体需求为导向，推进政务服务“一网通办”，企业开办"
       "一个工作日办结。</p><h2>二、主要措施</h2><ol><li>推行涉企经营许可“证照分离”。</li>"
       "<li>工程建设项目审批全流程不超过 60 个工作日。</li><li>政务服务事项全部实现网上"
       "可办。</li></ol>",
       from, to, ""},
      {"survey", office->id, "2026年政务服务满意度调查",
       "请您对本市政务服务作出评价，约需 2 分钟。", "", from, to,
       "您对网上办事的总体评价\n满意\n基本满意\n不满意\n\n[多选]您希望优先改进的方面\n"
       "材料精简\n办理时限\n网站易用\n窗口服务\n"},
  };
  portal::ConsultationStore::Actor by{who.account, who.account, who};
  int made = 0;
  for (const auto& in : demo) {
    if (std::any_of(existing->items.begin(), existing->items.end(),
                    [&](const auto& c) { return c.title == in.title; }))
      continue;
    auto c = consultations.create(in, by);
    if (!c) return std::unexpected(c.error());
    auto published = consultations.publish(c->id, c->version, by);
    if (!published) return std::unexpected(published.error());
    ++made;
  }
  return made;
}

Result<DemoPortal> load_demo_portal(identity::OrganStore& organs, identity::AccountStore& accounts,
                                    identity::RoleStore& roles, portal::Portal& portal,
                                    const std::filesystem::path& share_dir,
                                    const audit::AuditEvent& who) {
  DemoPortal out;
  const std::vector<std::string> review = {workflow::perm::kInstanceStart};
  const identity::RoleInput editor{
      "网站编辑", "撰写网站信息并提交审核", {portal::perm::kArticleEdit}};
  std::vector<DemoHolder> holders = {
      {editor, "liuyang.bgs", 2},
      {editor, "sunli.bgs", 2},
      {{std::string(portal::kFirstReviewRole), "网站信息初审", review}, "zhoujie.bgs", 2},
      {{std::string(portal::kSecondReviewRole), "网站信息复审", review}, "chenjing.bgs", 2},
      {{std::string(portal::kFinalReviewRole), "网站信息终审并发布", review}, "linhai.bgs", 2},
      {{"网站管理员",
        "撤回已发布的网站信息，检查网站健康状况",
        {portal::perm::kArticleWithdraw, portal::perm::kSiteHealth}},
       "zhangwei.bgs",
       2},
      // 依申请公开 at 市发展改革委: 李军 registers and handles requests, 王芳 signs.
      {{std::string(portal::kDisclosureOfficerRole),
        "登记、办理向本机关提出的政府信息公开申请",
        {portal::perm::kDisclosureHandle}},
       "lijun.fgw",
       3},
      {{std::string(portal::kDisclosureHeadRole),
        "审批延长答复期限，签发政府信息公开申请答复书，编制政府信息公开工作年度报告",
        {portal::perm::kDisclosureHandle, portal::perm::kReportEdit}},
       "wangfang.fgw",
       3},
      // 征集调查 of 市政府办公室: 刘洋 publishes them and moderates the comments.
      {{"征集调查管理",
        "发布意见征集和问卷调查，审核留言，公布采纳情况",
        {portal::perm::kConsultationManage}},
       "liuyang.bgs",
       2},
      // Its annual report is reviewed like every article of the organ: 李军
      // first, 王芳 second, 林海 of 市政府办公室 last.
      {{std::string(portal::kFirstReviewRole), "网站信息初审", review}, "lijun.fgw", 3},
      {{std::string(portal::kSecondReviewRole), "网站信息复审", review}, "wangfang.fgw", 3},
      {{std::string(portal::kFinalReviewRole), "网站信息终审并发布", review}, "linhai.bgs", 3},
  };
  // 互动交流: 何静 of 市数据局 (which runs the 12345 platform) does the 分办 of the
  // city's mailbox; 东城区政府, 市市场监管局 and 市政府办公室 handle and review
  // letters; 张伟 follows up (督办) all of them.
  const auto& rules = portal.letters().rules();
  const std::vector<std::string> letters = {portal::perm::kLetterRead};
  const identity::RoleInput triage{rules.triage_role, "来信分办：受理并交办，或不予受理", letters};
  const identity::RoleInput handle{rules.handle_role, "办理来信，起草答复", letters};
  const identity::RoleInput check{rules.review_role, "审核来信答复", letters};
  const identity::RoleInput supervise{rules.supervise_role, "督办超期未答复的来信", letters};
  holders.insert(holders.end(), {{triage, "hejing.sjj", 1},
                                 {handle, "huangli.dcq", 10},
                                 {check, "wuqiang.dcq", 10},
                                 {handle, "zhouting.scjg", 4},
                                 {check, "zhaomin.scjg", 4},
                                 {handle, "liuyang.bgs", 2},
                                 {check, "chenjing.bgs", 2},
                                 {supervise, "zhangwei.bgs", 1, true}});
  auto granted = ensure_grants(organs, accounts, roles, holders, who);
  if (!granted) return std::unexpected(granted.error());
  if (auto installed = portal.letter_process().install(); !installed)
    return std::unexpected(installed.error());
  std::filesystem::path dir = share_dir / "data" / "portal";
  auto tree = nlohmann::json::parse(read_file(dir / "columns.json"), nullptr, false);
  if (tree.is_discarded())
    return fail("app.demo.bad_columns", "file", {{"file", (dir / "columns.json").string()}});
  auto columns = portal.columns().load_tree(tree, who);
  if (!columns) return std::unexpected(columns.error());
  out.columns = *columns;
  if (auto installed = portal.review().install(); !installed)
    return std::unexpected(installed.error());
  std::istringstream articles(read_file(dir / "demo_articles.jsonl"));
  NoProgress quiet;
  auto imported = portal::import_articles(portal, articles, 0, quiet, who);
  if (!imported) return std::unexpected(imported.error());
  if (!imported->problems.empty()) {
    Error e = imported->problems.front().error;
    e.params["line"] = std::to_string(imported->problems.front().line);
    return std::unexpected(e);
  }
  out.articles = static_cast<int>(imported->imported);
  auto consulted = load_demo_consultations(organs, portal.consultations(), who);
  if (!consulted) return std::unexpected(consulted.error());
  out.consultations = *consulted;
  return out;
}

}  // namespace yiwang::app
