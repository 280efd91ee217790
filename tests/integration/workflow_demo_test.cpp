// `yiwang demo` ships the 发文办理 process and puts one document on its way.
#include <algorithm>
#include <cstdlib>
#include <filesystem>

#include <gtest/gtest.h>

#include "app/application.hpp"
#include "app/demo_city.hpp"
#include "tests/support/installation.hpp"
#include "tests/support/test_server.hpp"

using namespace yiwang;

TEST(WorkflowDemo, TheDemoCityHasADocumentInTheHeadsInbox) {
  if (getenv("YIWANG_TEST_ENGINE") && std::string(getenv("YIWANG_TEST_ENGINE")) == "postgresql")
    GTEST_SKIP() << "the command-line installation uses the embedded SQLite database";
  test::TempDir dir;
  std::string d = (dir.path() / "data").string();
  ASSERT_EQ(test::run_yiwang({"--data-dir", d, "init"}).status, 0);
  auto demo = test::run_yiwang({"--data-dir", d, "demo"});
  ASSERT_EQ(demo.status, 0) << demo.err;
  // 发文办理, the platform's 差评整改, 网站信息发布审核, 互动交流来信办理 and
  // 政府信息公开申请办理, and the four demo services (data/processes/).
  EXPECT_NE(demo.out.find("已部署 9 个流程"), std::string::npos) << demo.out;
  {
    auto opened = test::open_installation(d);
    ASSERT_TRUE(opened);
    auto& a = *opened;
    auto defs = a.workflow().definitions();
    ASSERT_TRUE(defs);
    ASSERT_EQ(defs->size(), 9u);
    auto office = std::find_if(defs->begin(), defs->end(),
                               [](const auto& d) { return d.key == "office_dispatch"; });
    ASSERT_NE(office, defs->end());
    EXPECT_EQ(office->name, "发文办理");
    EXPECT_TRUE(std::any_of(defs->begin(), defs->end(),
                            [](const auto& d) { return d.key == "services_rectification"; }));
    EXPECT_TRUE(std::any_of(defs->begin(), defs->end(),
                            [](const auto& d) { return d.key == "portal_article_review"; }));
    // 张伟 heads 刘洋's 综合科: the department review is his.
    workflow::Engine::BoxQuery q;
    q.account = "zhangwei.bgs";
    auto todo = a.workflow().box(q);
    ASSERT_TRUE(todo);
    ASSERT_EQ(todo->total, 1);
    EXPECT_EQ(todo->items[0].step, "部门审核");
    EXPECT_EQ(a.workflow().counts("liuyang.bgs")->started, 1);
    // 陈静 is a 公文管理员 of 市政府办公室: a candidate for 办公室核稿 later.
    auto chen = a.accounts().find_by_name("chenjing.bgs");
    ASSERT_TRUE(chen && *chen);
    auto grants = a.roles().grants_of((*chen)->id);
    bool clerk = false;
    for (const auto& g : *grants) clerk = clerk || g.role_name == app::kDemoClerkRole;
    EXPECT_TRUE(clerk);
  }
  // Loading again deploys nothing new and starts no second document.
  auto again = test::run_yiwang({"--data-dir", d, "demo"});
  ASSERT_EQ(again.status, 0);
  EXPECT_EQ(again.out.find("已部署"), std::string::npos) << again.out;
  auto opened = test::open_installation(d);
  ASSERT_TRUE(opened);
  EXPECT_EQ(opened->workflow().instances({.process_key = "office_dispatch"}, 0, 10)->total, 1);
  EXPECT_EQ(opened->workflow().versions("office_dispatch")->size(), 1u);
}
