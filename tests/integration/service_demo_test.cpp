// `yiwang demo` ships four online services as configuration (process, form,
// licence template): 企业开办 runs end to end — a registered citizen applies
// with the form prefilled from the account, the 市场监管局 window accepts, four
// organs approve in parallel, and the electronic business licence is issued,
// sealed, within the promised one working day; the new company is written
// into the legal-entity records with its new credit code, which the licence
// carries. The demo's population and legal-entity records check registrations
// (实名核验) and the export-rebate applicant (存续 or not).
#include <algorithm>
#include <cstdlib>
#include <filesystem>

#include <gtest/gtest.h>

#include "app/application.hpp"
#include "app/demo_city.hpp"
#include "ca/seal_signature.hpp"
#include "tests/integration/service_world.hpp"
#include "tests/support/installation.hpp"
#include "tests/support/test_server.hpp"

using namespace yiwang;

namespace {

const std::string kPdf = "%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n";

// A demo city made by the command line: `yiwang init`, then `yiwang demo`.
class ServiceDemo : public ::testing::Test {
 protected:
  void SetUp() override {
    const char* engine = getenv("YIWANG_TEST_ENGINE");
    if (engine && std::string(engine) == "postgresql")
      GTEST_SKIP() << "the command-line installation uses the embedded SQLite database";
    ASSERT_EQ(test::run_yiwang({"--data-dir", data_, "init"}).status, 0);
    demo_ = test::run_yiwang({"--data-dir", data_, "demo"});
    ASSERT_EQ(demo_.status, 0) << demo_.err;
  }

  test::TempDir dir_;
  std::string data_ = (dir_.path() / "data").string();
  test::CliRun demo_;
};

}  // namespace

TEST_F(ServiceDemo, TheDemoCityRunsBusinessStartUpEndToEnd) {
  const auto& demo = demo_;
  const std::string& d = data_;
  EXPECT_NE(demo.out.find("已发布 4 个网上办事事项"), std::string::npos) << demo.out;
  EXPECT_NE(demo.out.find("已载入人口信息 3 条、法人信息 4 条"), std::string::npos) << demo.out;
  // A second run changes nothing.
  auto again = test::run_yiwang({"--data-dir", d, "demo"});
  ASSERT_EQ(again.status, 0) << again.err;
  EXPECT_EQ(again.out.find("网上办事事项"), std::string::npos) << again.out;
  EXPECT_EQ(again.out.find("已载入人口信息"), std::string::npos) << again.out;

  auto opened = test::open_installation(d);
  ASSERT_TRUE(opened);
  auto& a = *opened;
  for (const char* code : {"SF-QYKB-0001", "SF-CKTS-0001", "SF-GTGSH-0001", "SF-JZZ-0001"}) {
    auto item = a.service_items().published(code);
    ASSERT_TRUE(item && *item) << code;
  }

  // A citizen registers and applies; what the account holds is filled in.
  auto citizen = a.accounts().register_public(identity::AccountKind::citizen,
                                              {.name = "li.ming",
                                               .password = "Citizen-Pass-1",
                                               .password_confirm = "Citizen-Pass-1",
                                               .email = "li.ming@example.cn",
                                               .phone = "13800138000",
                                               .address = "示范市中山路1号",
                                               .real_name = "李明",
                                               .citizen_number = "350102199001011238"},
                                              a.password_policy(), test::by_account("-"));
  ASSERT_TRUE(citizen) << citizen.error().key;
  // Registering made the citizen a population record.
  auto person = a.base_registry().person("350102199001011238");
  ASSERT_TRUE(person && *person);
  EXPECT_EQ((*person)->name, "李明");
  EXPECT_EQ((*person)->source, "registration");
  EXPECT_EQ((*person)->phone, "13800138000");
  services::Applicant applicant{.account = "li.ming",
                                .name = "李明",
                                .citizen_number = "350102199001011238",
                                .email = "li.ming@example.cn",
                                .phone = "13800138000",
                                .audit = test::by_account("li.ming")};
  http::FormData form;
  for (auto [k, v] : std::initializer_list<std::pair<const char*, const char*>>{
           {"company_name", "示范云帆科技有限公司"},
           {"company_type", "有限责任公司"},
           {"capital", "100"},
           {"office.division", "350102"},
           {"office.detail", "中山路88号"},
           {"business_scope", "软件开发；信息技术咨询服务"},
           {"shareholders.count", "1"},
           {"shareholders.0.name", "李明"},
           {"shareholders.0.share", "100"},
           {"seal_count", "3"},
           {"invoice_kind", "电子普通发票"},
           {"employees", "5"}})
    form.add(k, v);
  form.files().push_back({"charter", "章程.pdf", "application/pdf", kPdf});
  form.files().push_back({"premises", "租赁合同.pdf", "application/pdf", kPdf});
  auto out = a.online().applications().submit("SF-QYKB-0001", form, 0, applicant);
  ASSERT_TRUE(out) << out.error().key;
  ASSERT_TRUE(out->record) << (out->submission.errors.empty()
                                   ? "adjusted"
                                   : out->submission.errors.front().key + " " +
                                         out->submission.errors.front().field);
  auto c = *out->record;
  EXPECT_EQ(c.values["legal_representative"], "李明");
  EXPECT_EQ(c.values["legal_representative_id"], "350102199001011238");
  EXPECT_EQ(c.values["phone"], "13800138000");
  EXPECT_EQ(c.promised_days, 1);

  auto& engine = a.workflow();
  auto act = [&](const std::string& node, const std::string& who, const std::string& outcome) {
    auto open = engine.open_tasks(c.instance_id);
    ASSERT_TRUE(open);
    for (const auto& t : *open)
      if (t.node_id == node) {
        auto claimed = engine.claim(t.id, test::workflow_actor(who));
        ASSERT_TRUE(claimed) << node << " " << who << " " << claimed.error().key;
        workflow::Engine::CompleteInput in;
        in.outcome = outcome;
        auto done = engine.complete(t.id, in, test::workflow_actor(who));
        ASSERT_TRUE(done) << node << " " << done.error().key;
        return;
      }
    FAIL() << "no open task at " << node;
  };
  act("accept_review", "zhouting.scjg", "受理");
  EXPECT_EQ(engine.open_tasks(c.instance_id)->size(), 4u);  // 并联审批
  act("seal_filing", "liuwei.ga", "同意");
  act("invoice", "chenyu.sw", "同意");
  act("social_insurance", "yangfan.rs", "同意");
  act("licence_review", "zhaomin.scjg", "同意");
  auto done = a.online().cases().find(c.number);
  ASSERT_TRUE(done && *done);
  EXPECT_EQ((*done)->state, services::CaseState::delivered);
  auto licence = a.online().licences().of_case(c.id);
  ASSERT_TRUE(licence && *licence);
  EXPECT_EQ((*licence)->type_name, "营业执照");
  // The company is registered: a new credit code (工商, 企业, the division of
  // 市场监管局) in the legal-entity records, on the licence and as its holder.
  ASSERT_GE((*licence)->entries.size(), 2u);
  EXPECT_EQ((*licence)->entries[0].label, "统一社会信用代码");
  std::string code = (*licence)->entries[0].value;
  EXPECT_EQ((*licence)->entries[1].value, "示范云帆科技有限公司");
  EXPECT_EQ((*licence)->holder_code, code);
  EXPECT_EQ((*licence)->holder_name, "示范云帆科技有限公司");
  auto market = a.organs().get(c.organ_id);
  ASSERT_TRUE(market && *market);
  ASSERT_EQ(code.size(), 18u);
  EXPECT_EQ(code.substr(0, 8), "91" + (*market)->division_code) << code;
  auto entity = a.base_registry().entity(code);
  ASSERT_TRUE(entity && *entity) << code;
  EXPECT_EQ((*entity)->name, "示范云帆科技有限公司");
  EXPECT_EQ((*entity)->kind, "有限责任公司");
  EXPECT_EQ((*entity)->legal_representative, "李明");
  EXPECT_EQ((*entity)->registered_capital, "100万元");
  EXPECT_EQ((*entity)->status, registry::EntityStatus::active);
  EXPECT_EQ((*entity)->registration_organ, "示范市市场监督管理局");
  EXPECT_EQ((*entity)->source, "case:" + c.number);
  auto events = a.online().cases().events(c.id);
  ASSERT_TRUE(events);
  EXPECT_TRUE(std::any_of(events->begin(), events->end(), [&](const services::CaseEvent& e) {
    return e.key == "services.case.event.registered" && e.detail == code;
  }));
  auto file = a.online().attachments().get((*licence)->pdf_ref);
  ASSERT_TRUE(file && *file);
  auto sealed = ca::extract_signature((*file)->data);
  ASSERT_TRUE(sealed);
  auto verdict = a.seals().verify(sealed->first, sealed->second);
  ASSERT_TRUE(verdict);
  EXPECT_EQ(verdict->verdict, ca::SealVerdict::valid);
  EXPECT_EQ(verdict->claims->organ, "示范市市场监督管理局");
  // The promised limit was kept.
  auto clocks = a.online().cases().clocks(**done);
  EXPECT_FALSE(clocks.promised.overdue);
}

// 实名核验 against the demo records, and the export-rebate cross-check: the
// window's task says whether the applicant is recorded and 存续, and for one
// that is not, the reason for 不予受理 is ready.
TEST_F(ServiceDemo, RegistrationsAndTheExportRebateAreCheckedAgainstTheRecords) {
  auto opened = test::open_installation(data_);
  ASSERT_TRUE(opened);
  auto& a = *opened;
  auto registered = [&](identity::AccountKind kind, identity::RegistrationInput in) {
    in.password = in.password_confirm = "Citizen-Pass-1";
    in.email = in.name + "@example.cn";
    in.phone = "13800138001";
    return a.accounts().register_public(kind, in, a.password_policy(), test::by_account("-"));
  };
  auto exists = [&](const std::string& name) {
    auto found = a.accounts().find_by_name(name);
    return found && found->has_value();
  };

  // 林晓燕 is recorded: another name with her number is refused, and nothing is created.
  auto wrong = registered(
      identity::AccountKind::citizen,
      {.name = "fake.lin", .real_name = "林小燕", .citizen_number = "350102198503140027"});
  ASSERT_FALSE(wrong);
  EXPECT_EQ(wrong.error().key, "registry.registration.name_mismatch");
  EXPECT_EQ(wrong.error().field, "real_name");
  EXPECT_FALSE(exists("fake.lin"));
  auto right = registered(
      identity::AccountKind::citizen,
      {.name = "lin.xiaoyan", .real_name = "林晓燕", .citizen_number = "350102198503140027"});
  ASSERT_TRUE(right) << right.error().key;
  auto kept = a.base_registry().person("350102198503140027");
  ASSERT_TRUE(kept && *kept);
  EXPECT_EQ((*kept)->source, "demo");  // the record is not replaced by the registration

  // A deregistered company cannot register; a recorded one must use its name.
  auto cancelled =
      registered(identity::AccountKind::enterprise, {.name = "old.store",
                                                     .enterprise_name = "示范市旧城百货有限公司",
                                                     .credit_code = "91350104MA10000331",
                                                     .legal_representative = "林晓燕"});
  ASSERT_FALSE(cancelled);
  EXPECT_EQ(cancelled.error().key, "registry.registration.entity_cancelled");
  EXPECT_EQ(cancelled.error().field, "credit_code");
  auto misnamed =
      registered(identity::AccountKind::enterprise, {.name = "minjiang",
                                                     .enterprise_name = "闽江贸易公司",
                                                     .credit_code = "91350102MA1000017E",
                                                     .legal_representative = "黄建国"});
  ASSERT_FALSE(misnamed);
  EXPECT_EQ(misnamed.error().field, "enterprise_name");
  ASSERT_TRUE(registered(identity::AccountKind::enterprise,
                         {.name = "minjiang",
                          .enterprise_name = "示范市闽江进出口贸易有限公司",
                          .credit_code = "91350102MA1000017E",
                          .legal_representative = "黄建国"}));
  // An enterprise the records do not hold may register (its registration
  // authority is elsewhere), but its applications are flagged.
  ASSERT_TRUE(registered(identity::AccountKind::enterprise, {.name = "elsewhere",
                                                             .enterprise_name = "外地贸易有限公司",
                                                             .credit_code = "91350100MA2YQ5LB09",
                                                             .legal_representative = "王五"}));

  auto apply = [&](const std::string& account, const std::string& name, const std::string& code) {
    services::Applicant applicant{.account = account,
                                  .name = name,
                                  .enterprise = true,
                                  .credit_code = code,
                                  .email = account + "@example.cn",
                                  .phone = "13800138001",
                                  .audit = test::by_account(account)};
    http::FormData form;
    for (auto [k, v] : std::initializer_list<std::pair<const char*, const char*>>{
             {"period", "2026年10月"},
             {"declaration_number", "350120261000012345"},
             {"export_amount", "120000"},
             {"rebate_amount", "98000"},
             {"phone", "13800138001"}})
      form.add(k, v);
    form.files().push_back({"customs_declaration", "报关单.pdf", "application/pdf", kPdf});
    form.files().push_back({"invoices", "发票.pdf", "application/pdf", kPdf});
    auto out = a.online().applications().submit("SF-CKTS-0001", form, 0, applicant);
    EXPECT_TRUE(out && out->record) << (out ? "form" : out.error().key);
    return out && out->record ? *out->record : services::CaseRecord{};
  };
  auto check_of = [&](const services::CaseRecord& c) {
    auto instance = a.workflow().instance(c.instance_id);
    EXPECT_TRUE(instance && *instance);
    return instance && *instance ? (*instance)->variables : nlohmann::json();
  };
  auto good = apply("minjiang", "示范市闽江进出口贸易有限公司", "91350102MA1000017E");
  ASSERT_NE(good.id, 0);
  EXPECT_EQ(good.values["credit_code"], "91350102MA1000017E");  // prefilled from the records
  auto vars = check_of(good);
  EXPECT_EQ(vars["applicant_check"]["active"], true) << vars.dump();
  EXPECT_FALSE(vars.contains("reason"));
  EXPECT_EQ(a.online().cases().find(good.number).value()->state, services::CaseState::submitted);

  auto unknown = apply("elsewhere", "外地贸易有限公司", "91350100MA2YQ5LB09");
  ASSERT_NE(unknown.id, 0);
  vars = check_of(unknown);
  EXPECT_EQ(vars["applicant_check"]["found"], false) << vars.dump();
  EXPECT_NE(vars.value("reason", "").find("91350100MA2YQ5LB09 未在法人库登记"), std::string::npos)
      << vars.dump();
  // The window still decides: the task waits, now with the reason ready.
  auto open = a.workflow().open_tasks(unknown.instance_id);
  ASSERT_TRUE(open);
  ASSERT_EQ(open->size(), 1u);
  EXPECT_EQ(open->front().node_id, "accept_review");
}
