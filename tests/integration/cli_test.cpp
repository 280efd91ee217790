// The yiwang command line, run in-process: init, demo, check-id, workdays,
// exit statuses.
#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <sstream>

#include "app/cli.hpp"
#include "app/demo_city.hpp"
#include "identity/password.hpp"
#include "identity/permissions.hpp"
#include "tests/support/installation.hpp"
#include "tests/support/test_server.hpp"

using yiwang::test::TempDir;

namespace {
using Run = yiwang::test::CliRun;
Run run(std::vector<std::string> args) { return yiwang::test::run_yiwang(std::move(args)); }

bool on_postgresql() {
  const char* engine = getenv("YIWANG_TEST_ENGINE");
  return engine && std::string(engine) == "postgresql";
}

// The lines of `yiwang demo` that hand over a staff account: "  name  real
// name  organ  password", by sign-in name.
std::map<std::string, std::vector<std::string>> staff_lines(const std::string& out) {
  std::map<std::string, std::vector<std::string>> lines;
  std::istringstream in(out);
  std::string line;
  while (std::getline(in, line)) {
    if (!line.starts_with("  ")) continue;
    std::istringstream words(line);
    std::vector<std::string> fields;
    for (std::string w; words >> w;) fields.push_back(w);
    if (fields.size() == 4) lines[fields[0]] = fields;
  }
  return lines;
}

// The installation the command line made, opened as `yiwang serve` would.
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
  if (on_postgresql())
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
  EXPECT_NE(demo.out.find("已为 11 个机关刻制电子公章"), std::string::npos) << demo.out;
  // Demo twice is harmless.
  auto again_demo = run({"--data-dir", d, "demo"});
  EXPECT_EQ(again_demo.status, 0);
  EXPECT_EQ(again_demo.out.find("刻制电子公章"), std::string::npos) << again_demo.out;
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

TEST(Cli, DemoCreatesStaffAccountsWithRolesOnce) {
  if (on_postgresql())
    GTEST_SKIP() << "the command-line installation uses the embedded SQLite database";
  using yiwang::identity::perm::kDirectoryRead;
  TempDir dir;
  std::string d = (dir.path() / "data").string();
  ASSERT_EQ(run({"--data-dir", d, "init"}).status, 0);
  auto demo = run({"--data-dir", d, "demo"});
  ASSERT_EQ(demo.status, 0) << demo.err;
  auto lines = staff_lines(demo.out);
  ASSERT_GE(lines.size(), 8u) << demo.out;
  ASSERT_TRUE(lines.contains("zhangwei.bgs")) << demo.out;
  EXPECT_EQ(lines["zhangwei.bgs"][1], "张伟");
  EXPECT_EQ(lines["zhangwei.bgs"][2], "示范市人民政府办公室");
  EXPECT_NE(demo.out.find(yiwang::app::kDemoStaffRole), std::string::npos) << demo.out;
  // At least two people in each of these organs.
  for (const char* organ : {"示范市人民政府办公室", "示范市市场监督管理局",
                            "示范市发展和改革委员会", "示范市东城区人民政府"}) {
    int n = 0;
    for (const auto& [_, f] : lines) n += f[2] == organ;
    EXPECT_GE(n, 2) << organ;
  }

  // Twice: nothing new, and it says so.
  auto again = run({"--data-dir", d, "demo"});
  ASSERT_EQ(again.status, 0) << again.err;
  EXPECT_TRUE(staff_lines(again.out).empty()) << again.out;
  EXPECT_NE(again.out.find("未新建"), std::string::npos) << again.out;
  auto english = run({"--lang", "en", "--data-dir", d, "demo"});
  EXPECT_NE(english.out.find("none was created"), std::string::npos) << english.out;

  auto app = yiwang::test::open_installation(d);
  ASSERT_TRUE(app);
  auto roles = app->roles().roles();
  ASSERT_TRUE(roles);
  // the staff role, the seal users' role (the CA exists after init), the
  // three roles of the demo document flow and the six of online services
  // (受理窗口, 审批, 差评整改, 证照管理员, 事项编辑, 事项审核) and the five of the
  // site (网站编辑, 网站初审, 网站复审, 网站终审, 网站管理员), the four of
  // 互动交流 (信箱管理员, 信件办理, 信件审核, 信件督办), the two of 依申请公开
  // (依申请公开经办, 依申请公开负责人) and 征集调查管理
  ASSERT_EQ(roles->size(), 23u);
  auto staff_role = std::find_if(roles->begin(), roles->end(), [](const auto& r) {
    return r.name == yiwang::app::kDemoStaffRole;
  });
  ASSERT_NE(staff_role, roles->end());
  EXPECT_EQ(staff_role->permissions, std::vector<std::string>{kDirectoryRead});
  auto staff = app->accounts().list(yiwang::identity::AccountKind::staff, std::nullopt, "", 0, 100);
  ASSERT_TRUE(staff);
  EXPECT_EQ(staff->total, static_cast<long long>(lines.size()));

  auto organ = [&](int number) {
    auto o = app->organs().find_by_credit_code(yiwang::app::demo_credit_code("350100", number));
    EXPECT_TRUE(o && *o);
    return (o && *o) ? (*o)->id : 0;
  };
  long long office = organ(2), market = organ(4);
  for (const auto& [name, f] : lines) {
    auto a = app->accounts().find_by_name(name);
    ASSERT_TRUE(a && *a) << name;
    const auto& account = **a;
    EXPECT_EQ(account.kind, yiwang::identity::AccountKind::staff);
    EXPECT_TRUE(account.must_change_password) << name;
    EXPECT_TRUE(account.email.ends_with(".gov.cn")) << account.email;
    EXPECT_EQ(account.phone.size(), 11u) << account.phone;
    ASSERT_TRUE(account.organ_id);
    // The printed one-time password is the account's.
    auto hash = app->accounts().password_hash(account.id);
    ASSERT_TRUE(hash);
    EXPECT_TRUE(yiwang::identity::verify_password(f[3], *hash)) << name;
    // The directory of the own organ, not of another one (except the city-wide grant).
    auto authority = app->roles().authority(account);
    ASSERT_TRUE(authority);
    EXPECT_TRUE(authority->holds(kDirectoryRead, *account.organ_id)) << name;
    long long other = *account.organ_id == market ? office : market;
    EXPECT_EQ(authority->holds(kDirectoryRead, other), name == "zhangwei.bgs") << name;
  }
  auto department = app->accounts().find_by_name("zhaomin.scjg");
  ASSERT_TRUE(department && *department);
  EXPECT_TRUE((*department)->department_id);
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

TEST(Cli, InitWritesTheMasterKeyAndTheRootCaKeysRotate) {
  if (on_postgresql())
    GTEST_SKIP() << "the command-line installation uses the embedded SQLite database";
  TempDir dir;
  std::string d = (dir.path() / "data").string();
  auto init = run({"--lang", "en", "--data-dir", d, "init"});
  ASSERT_EQ(init.status, 0) << init.err;
  auto key_file = dir.path() / "data" / "master.key";
  EXPECT_NE(init.out.find(key_file.string()), std::string::npos) << init.out;
  auto perms = std::filesystem::status(key_file).permissions();
  EXPECT_EQ(perms & (std::filesystem::perms::group_all | std::filesystem::perms::others_all),
            std::filesystem::perms::none);
  EXPECT_NE(init.out.find("root certificate was created"), std::string::npos) << init.out;

  // The root certificate init printed is the one the installation serves.
  std::string serial;
  {
    auto app = yiwang::test::open_installation(d);
    ASSERT_TRUE(app);
    auto root = app->authority().root();
    ASSERT_TRUE(root) << root.error().key;
    serial = root->serial();
    EXPECT_NE(init.out.find(serial), std::string::npos) << init.out;
    EXPECT_NE(init.out.find(root->fingerprint()), std::string::npos);
  }
  auto ca = run({"--lang", "en", "--data-dir", d, "ca", "init"});
  EXPECT_EQ(ca.status, 0) << ca.err;
  EXPECT_NE(ca.out.find("exists already"), std::string::npos) << ca.out;
  EXPECT_NE(ca.out.find(serial), std::string::npos);

  auto rotate = run({"--lang", "en", "--data-dir", d, "keys", "rotate"});
  ASSERT_EQ(rotate.status, 0) << rotate.err;
  EXPECT_NE(rotate.out.find("re-encrypted"), std::string::npos) << rotate.out;
  {
    auto app = yiwang::test::open_installation(d);
    ASSERT_TRUE(app);
    auto keys = app->keyring().keys();
    ASSERT_TRUE(keys);
    int field = 0;
    for (const auto& k : *keys) field += k.purpose == "field";
    EXPECT_EQ(field, 2);
    auto admin = app->accounts().find_by_name("sysadmin");
    ASSERT_TRUE(admin && *admin);  // still readable under the new key
    auto records = app->audit_log().find({.event = "crypto.key.rotated"});
    ASSERT_TRUE(records);
    EXPECT_EQ(records->size(), 1u);
  }

  // The master key file's rules hold for every command that opens the data.
  std::filesystem::permissions(key_file, std::filesystem::perms::others_read,
                               std::filesystem::perm_options::add);
  auto open_file = run({"--lang", "en", "--data-dir", d, "migrate"});
  EXPECT_EQ(open_file.status, 1);
  EXPECT_NE(open_file.err.find("chmod 600"), std::string::npos) << open_file.err;
  std::filesystem::permissions(
      key_file, std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
  {
    std::ofstream out(key_file, std::ios::trunc);
    out << "another secret that is long enough to be accepted\n";
  }
  auto wrong = run({"--lang", "en", "--data-dir", d, "migrate"});
  EXPECT_EQ(wrong.status, 1);
  EXPECT_NE(wrong.err.find("does not match this database"), std::string::npos) << wrong.err;
}

TEST(Cli, CaIssuesPersonalAndNodeCertificates) {
  if (on_postgresql())
    GTEST_SKIP() << "the command-line installation uses the embedded SQLite database";
  TempDir dir;
  std::string d = (dir.path() / "data").string();
  ASSERT_EQ(run({"--data-dir", d, "init"}).status, 0);
  ASSERT_EQ(run({"--data-dir", d, "demo"}).status, 0);
  auto personal = run({"--lang", "en", "--data-dir", d, "ca", "issue", "--kind", "personal",
                       "--account", "zhangwei.bgs", "--days", "365"});
  ASSERT_EQ(personal.status, 0) << personal.err;
  EXPECT_NE(personal.out.find("CN=张伟"), std::string::npos) << personal.out;
  auto nobody = run({"--lang", "en", "--data-dir", d, "ca", "issue", "--kind", "personal",
                     "--account", "nobody"});
  EXPECT_EQ(nobody.status, 1);
  EXPECT_NE(nobody.err.find("nobody"), std::string::npos) << nobody.err;
  auto bad_kind =
      run({"--lang", "en", "--data-dir", d, "ca", "issue", "--kind", "root", "--name", "x"});
  EXPECT_EQ(bad_kind.status, 2);
  auto no_out =
      run({"--lang", "en", "--data-dir", d, "ca", "issue", "--kind", "node", "--name", "node-a"});
  EXPECT_EQ(no_out.status, 2);
  EXPECT_NE(no_out.err.find("--out"), std::string::npos) << no_out.err;

  std::string out = (dir.path() / "node").string();
  auto node = run({"--data-dir", d, "ca", "issue", "--kind", "node", "--name", "node-a", "--dns",
                   "node-a.example.gov.cn", "--out", out});
  ASSERT_EQ(node.status, 0) << node.err;
  auto key_perms = std::filesystem::status(dir.path() / "node" / "node-a.key.pem").permissions();
  EXPECT_EQ(key_perms & (std::filesystem::perms::group_all | std::filesystem::perms::others_all),
            std::filesystem::perms::none);
  if (yiwang::test::shell("openssl version").status == 0) {
    auto verify = yiwang::test::shell("openssl verify -vfyopt distid:1234567812345678 -CAfile " +
                                      out + "/root.pem " + out + "/node-a.crt.pem");
    EXPECT_EQ(verify.status, 0) << verify.out;
    auto text = yiwang::test::shell("openssl x509 -in " + out + "/node-a.crt.pem -noout -text");
    EXPECT_NE(text.out.find("node-a.example.gov.cn"), std::string::npos) << text.out;
    EXPECT_NE(text.out.find("TLS Web Server Authentication"), std::string::npos);
    auto key = yiwang::test::shell("openssl pkey -in " + out + "/node-a.key.pem -noout");
    EXPECT_EQ(key.status, 0) << key.out;
  }
  auto app = yiwang::test::open_installation(d);
  ASSERT_TRUE(app);
  EXPECT_EQ(
      app->authority().list(yiwang::ca::CertificateKind::personal, std::nullopt, 0, 50)->total, 1);
  EXPECT_EQ(app->authority().list(yiwang::ca::CertificateKind::node, std::nullopt, 0, 50)->total,
            1);
}
