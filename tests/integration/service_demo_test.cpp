// `yiwang demo` ships four online services as configuration (process, form,
// licence template): 企业开办 runs end to end — a registered citizen applies
// with the form prefilled from the account, the 市场监管局 window accepts, four
// organs approve in parallel, and the electronic business licence is issued,
// sealed, within the promised one working day.
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

}  // namespace

TEST(ServiceDemo, TheDemoCityRunsBusinessStartUpEndToEnd) {
  if (getenv("YIWANG_TEST_ENGINE") && std::string(getenv("YIWANG_TEST_ENGINE")) == "postgresql")
    GTEST_SKIP() << "the command-line installation uses the embedded SQLite database";
  test::TempDir dir;
  std::string d = (dir.path() / "data").string();
  ASSERT_EQ(test::run_yiwang({"--data-dir", d, "init"}).status, 0);
  auto demo = test::run_yiwang({"--data-dir", d, "demo"});
  ASSERT_EQ(demo.status, 0) << demo.err;
  EXPECT_NE(demo.out.find("已发布 4 个网上办事事项"), std::string::npos) << demo.out;
  // A second run changes nothing.
  auto again = test::run_yiwang({"--data-dir", d, "demo"});
  ASSERT_EQ(again.status, 0) << again.err;
  EXPECT_EQ(again.out.find("网上办事事项"), std::string::npos) << again.out;

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
  EXPECT_EQ((*licence)->entries.front().value, "示范云帆科技有限公司");
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
