#include "tests/integration/service_world.hpp"

#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

#include "app/demo_city.hpp"
#include "services/service_item.hpp"
#include "workflow/permissions.hpp"

namespace yiwang::test {

namespace {

void replace_all(std::string& s, const std::string& from, const std::string& to) {
  for (auto at = s.find(from); at != std::string::npos; at = s.find(from, at + to.size()))
    s.replace(at, from.size(), to);
}

}  // namespace

audit::AuditEvent by_account(const std::string& account) {
  audit::AuditEvent e;
  e.account = account;
  e.organ = "-";
  e.source = "test";
  return e;
}

workflow::Actor workflow_actor(const std::string& account) {
  workflow::Actor a;
  a.account = account;
  a.name = account;
  a.audit = by_account(account);
  return a;
}

nlohmann::json case_item_json() {
  return {
      {"code", kServiceItemCode},
      {"name", "测试经营许可"},
      {"type", "licensing"},
      {"legal_basis", "《示范条例》第一条"},
      {"conditions", "符合条件"},
      {"materials", {{{"name", "营业场所证明"}, {"form", "electronic"}, {"field", "premises"}}}},
      {"procedure", "申请、受理、审查、决定"},
      {"statutory_days", 20},
      {"promised_days", 5},
      {"fees", "不收费"},
      {"place", "政务服务中心"},
      {"hours", "工作日"},
      {"visits", 0},
      {"phone", "0591-87654321"},
      {"complaint_phone", "12345"},
      {"audience", "enterprise"},
      {"themes", {"开办企业"}},
      {"process_key", "case_test"},
      {"licence",
       {{"key", "test_licence"},
        {"name", "测试经营许可证"},
        {"type_code", "11100000MB0143028R001"},
        {"valid_years", 5},
        {"elements",
         {{{"element", "name"}, {"label", "名称"}, {"from", "company"}},
          {{"element", "scope"}, {"label", "经营范围"}, {"from", "scope"}}}}}},
      {"form",
       {{"title", "测试经营许可申请表"},
        {"fields",
         {{{"name", "company"},
           {"type", "text"},
           {"label", "企业名称"},
           {"required", true},
           {"bind", "enterprise.name"}},
          {{"name", "scope"},
           {"type", "textarea"},
           {"label", "经营范围"},
           {"required", true},
           {"max_length", 200}},
          {{"name", "contact"}, {"type", "phone"}, {"label", "联系电话"}, {"required", true}},
          {{"name", "premises"},
           {"type", "file"},
           {"label", "营业场所证明"},
           {"accept", {".pdf"}}}}}}}};
}

long long ServiceWorld::staff(TestServer& server, const std::string& name,
                              const std::string& display, long long organ) {
  auto& app = server.app();
  auto a = app.accounts().create_staff({.name = name, .display_name = display, .organ_id = organ},
                                       by_account("sysadmin"));
  EXPECT_TRUE(a) << a.error().key;
  if (!a) return 0;
  EXPECT_TRUE(app.accounts().change_password(a->account.id, a->one_time_password, kStaffPassword,
                                             app.password_policy(), by_account(name)));
  return a->account.id;
}

void ServiceWorld::citizen(TestServer& server, const std::string& name,
                           const std::string& real_name, const std::string& citizen_number,
                           const std::string& phone) {
  auto& app = server.app();
  std::string password = "Citizen-" + phone;
  auto r = app.accounts().register_public(identity::AccountKind::citizen,
                                          {.name = name,
                                           .password = password,
                                           .password_confirm = password,
                                           .email = name + "@example.cn",
                                           .phone = phone,
                                           .address = "示范市中山路1号",
                                           .real_name = real_name,
                                           .citizen_number = citizen_number},
                                          app.password_policy(), by_account("-"));
  ASSERT_TRUE(r) << r.error().key << " " << r.error().field;
}

void ServiceWorld::set_up(TestServer& server) {
  auto& app = server.app();
  auto sec = by_account("secadmin");
  ASSERT_TRUE(app.accounts().create_administrators(by_account("test")));
  ASSERT_TRUE(app::load_demo_organs(app.organs(), by_account("test")));
  auto top = app.organs().children(std::nullopt);
  auto subs = app.organs().children(top->front().id);
  organ_a = (*subs)[0];
  organ_b = (*subs)[1];
  auto window = app.roles().create_role({"受理窗口", "", {workflow::perm::kInstanceStart}}, sec);
  auto approver = app.roles().create_role({"审批", "", {workflow::perm::kInstanceStart}}, sec);
  ASSERT_TRUE(window && approver);
  ASSERT_TRUE(app.roles().grant(staff(server, "chuang.kou", "窗口甲", organ_a.id), window->id,
                                organ_a.id, false, sec));
  ASSERT_TRUE(app.roles().grant(staff(server, "shen.a", "审批甲", organ_a.id), approver->id,
                                organ_a.id, false, sec));
  ASSERT_TRUE(app.roles().grant(staff(server, "shen.b", "审批乙", organ_b.id), approver->id,
                                organ_b.id, false, sec));
  staff(server, "pang.guan", "旁观者", organ_a.id);

  // Organ A seals its documents with its 行政审批专用章.
  ASSERT_TRUE(app.authority().init("示范市电子政务认证中心", sec));
  auto seal = app.seals().create(
      {.organ_id = organ_a.id, .kind = ca::SealKind::business, .lower_text = "行政审批专用章"},
      sec);
  ASSERT_TRUE(seal) << seal.error().key;

  std::ifstream in(source_dir() / "tests/data/services/case_process.bpmn", std::ios::binary);
  std::stringstream xml;
  xml << in.rdbuf();
  std::string text = xml.str();
  replace_all(text, "{ORGAN_A}", organ_a.credit_code);
  replace_all(text, "{ORGAN_B}", organ_b.credit_code);
  auto deployed = app.workflow().deploy(text, workflow_actor("sysadmin"));
  ASSERT_TRUE(deployed) << deployed.error().key << " " << deployed.error().field;

  auto item = services::parse_service_item(case_item_json());
  ASSERT_TRUE(item);
  auto& items = app.service_items();
  auto draft = items.save_draft(*item, organ_a.id, by_account("author"));
  ASSERT_TRUE(draft) << draft.error().key;
  ASSERT_TRUE(items.submit(draft->item_id, by_account("author")));
  ASSERT_TRUE(items.review(draft->item_id, true, "", by_account("reviewer")));
  app.authorizer().clear_cache();
}

}  // namespace yiwang::test
