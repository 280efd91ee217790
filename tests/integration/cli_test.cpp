// The yiwang command line, run in-process: init, demo, check-id, workdays,
// exit statuses.
#include <gtest/gtest.h>

#include "app/cli.hpp"
#include "tests/support/test_server.hpp"

using yiwang::test::TempDir;

namespace {
struct Run {
  int status;
  std::string out;
  std::string err;
};

Run run(std::vector<std::string> args) {
  args.insert(args.begin(), "yiwang");
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  testing::internal::CaptureStdout();
  testing::internal::CaptureStderr();
  int status = yiwang::app::run_cli(static_cast<int>(argv.size()), argv.data());
  return {status, testing::internal::GetCapturedStdout(), testing::internal::GetCapturedStderr()};
}
}  // namespace

TEST(Cli, CheckIdStatusesWithoutInstallation) {
  TempDir dir;
  std::string d = dir.path().string();
  auto ok = run({"--data-dir", d, "check-id", "citizen", "11010519491231002X"});
  EXPECT_EQ(ok.status, 0);
  EXPECT_EQ(ok.out, "valid\n");
  auto bad = run({"--data-dir", d, "check-id", "citizen", "110105194912310021"});
  EXPECT_EQ(bad.status, 1);
  EXPECT_TRUE(bad.out.starts_with("invalid: check_digit")) << bad.out;
  auto legacy = run({"--data-dir", d, "check-id", "citizen", "110105491231002"});
  EXPECT_EQ(legacy.status, 0);
  EXPECT_EQ(legacy.out, "legacy: 11010519491231002X\n");
  EXPECT_EQ(run({"--data-dir", d, "check-id", "passport", "1"}).status, 2);
  EXPECT_EQ(run({"--data-dir", d, "check-id", "citizen"}).status, 2);
  EXPECT_EQ(run({"--data-dir", d, "check-id", "orgcode", "M000100Y-4"}).out, "valid\n");
}

TEST(Cli, InitRefusesToOverwriteWithoutForceAndDemoLoadsDivisions) {
  if (getenv("YIWANG_TEST_ENGINE") && std::string(getenv("YIWANG_TEST_ENGINE")) == "postgresql")
    GTEST_SKIP() << "the command-line installation uses the embedded SQLite database";
  TempDir dir;
  std::string d = (dir.path() / "data").string();
  auto init = run({"--data-dir", d, "init"});
  ASSERT_EQ(init.status, 0) << init.err;
  // The three administrators and their one-time passwords, shown once.
  for (const char* admin : {"sysadmin", "secadmin", "auditadmin"})
    EXPECT_NE(init.out.find(std::string("  ") + admin + "  "), std::string::npos) << init.out;
  EXPECT_NE(init.out.find("系统管理员"), std::string::npos);
  EXPECT_TRUE(std::filesystem::exists(dir.path() / "data" / "yiwang.toml"));
  EXPECT_TRUE(std::filesystem::exists(dir.path() / "data" / "yiwang.db"));
  auto perms = std::filesystem::status(dir.path() / "data" / "yiwang.toml").permissions();
  EXPECT_EQ(perms & std::filesystem::perms::others_read, std::filesystem::perms::none);
  auto again = run({"--data-dir", d, "init"});
  EXPECT_EQ(again.status, 1);
  EXPECT_NE(again.err.find("--force"), std::string::npos);
  EXPECT_EQ(run({"--data-dir", d, "init", "--force"}).status, 0);
  auto demo = run({"--data-dir", d, "demo"});
  ASSERT_EQ(demo.status, 0) << demo.err;
  EXPECT_NE(demo.out.find("示范市人民政府门户网站"), std::string::npos);
  // Demo twice is harmless.
  EXPECT_EQ(run({"--data-dir", d, "demo"}).status, 0);
  // With the table loaded, an unknown address code is caught.
  auto unknown = run({"--data-dir", d, "check-id", "division", "110199"});
  EXPECT_EQ(unknown.status, 1);
  EXPECT_TRUE(unknown.out.starts_with("invalid: division_unknown")) << unknown.out;
  EXPECT_EQ(run({"--data-dir", d, "check-id", "division", "110105"}).out, "valid\n");
  // migrate has nothing left to do.
  auto migrate = run({"--data-dir", d, "migrate"});
  EXPECT_EQ(migrate.status, 0);
  EXPECT_NE(migrate.out.find("0"), std::string::npos);
}

TEST(Cli, DemoAndServeNeedAnInstallation) {
  TempDir dir;
  auto demo = run({"--data-dir", (dir.path() / "none").string(), "demo"});
  EXPECT_EQ(demo.status, 1);
  EXPECT_NE(demo.err.find("yiwang init"), std::string::npos);
}

TEST(Cli, Workdays) {
  auto add = run({"workdays", "add", "2026-09-15", "20"});
  EXPECT_EQ(add.status, 0);
  EXPECT_EQ(add.out, "2026-10-19\n");
  auto between = run({"workdays", "between", "2026-02-10", "2026-03-02"});
  EXPECT_EQ(between.out, "10\n");
  EXPECT_EQ(run({"workdays", "add", "2026-02-30", "1"}).status, 2);
  EXPECT_EQ(run({"workdays", "add", "2026-02-10", "x"}).status, 2);
  EXPECT_EQ(run({"workdays"}).status, 2);
}

TEST(Cli, VersionAndHelp) {
  auto v = run({"version"});
  EXPECT_EQ(v.status, 0);
  EXPECT_TRUE(v.out.starts_with("yiwang ")) << v.out;
  auto h = run({"--help"});
  EXPECT_EQ(h.status, 0);
  EXPECT_NE(h.out.find("check-id"), std::string::npos);
  auto sub = run({"workdays", "add", "--help"});
  EXPECT_EQ(sub.status, 0);
  EXPECT_NE(sub.out.find("YYYY-MM-DD"), std::string::npos);
  EXPECT_EQ(run({"frobnicate"}).status, 2);
}
