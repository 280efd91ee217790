// The intranet's seal and certificate pages, driven over HTTP as civil
// servants and the security administrator use them: who sees which seal
// (and that an unseen seal is "not found"), sealing a file with the second
// factor and getting back a signature that verifies, what a user is told
// when input is wrong (next to the field, what was chosen kept, nothing
// changed), stale versions, revocation, hostile text, paging of the use log,
// and the demo city's seals.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include "app/cli.hpp"
#include "app/config.hpp"
#include "app/demo_city.hpp"
#include "ca/permissions.hpp"
#include "ca/seal_store.hpp"
#include "http/percent_encoding.hpp"
#include "identity/totp.hpp"
#include "render/seal_image.hpp"
#include "tests/support/test_server.hpp"

using namespace yiwang;
using yiwang::http::Zone;
using yiwang::test::HttpResult;
using yiwang::test::TestServer;

namespace {

const std::string kCsrf(64, 'd');
const char* kStaffPassword = "Staff-Pass-2026";
const std::string kDocument = "示范市人民政府关于印发《一网通办工作方案》的通知\n正文……\n";

audit::AuditEvent by(const std::string& account) {
  return {.account = account, .organ = "-", .source = "test"};
}

ca::Time now() {
  return std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
}

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

class SealPagesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    server_ = std::make_unique<TestServer>();
    if (!server_->available()) GTEST_SKIP() << "database engine under test is not available";
    auto& app = server_->app();
    auto admins = app.accounts().create_administrators(by("test"));
    ASSERT_TRUE(admins);
    for (const auto& a : *admins)
      ASSERT_TRUE(app.accounts().change_password(a.account.id, a.one_time_password,
                                                 "Admin-Pass-2026", app.password_policy(),
                                                 by(a.account.name)));
    ASSERT_TRUE(app::load_demo_organs(app.organs(), by("test")));
    ASSERT_TRUE(app.authority().init("示范市电子政务认证中心", by("test")));
    auto top = app.organs().children(std::nullopt);
    city_ = top->front().id;
    auto subs = app.organs().children(city_);
    organ_a_ = (*subs)[0];
    organ_b_ = (*subs)[1];

    // 用印人员 of A and of B, and a colleague in A who may only look.
    auto sealer = app.roles().create_role(
        {"用印人员", "", {ca::perm::kSealRead, ca::perm::kSealApply}}, by("secadmin"));
    ASSERT_TRUE(sealer) << sealer.error().key;
    auto reader = app.roles().create_role({"印章查看", "", {ca::perm::kSealRead}}, by("secadmin"));
    ASSERT_TRUE(reader) << reader.error().key;
    staff_a_ = staff("zhang.san", "张三", organ_a_.id);
    staff_b_ = staff("li.si", "李四", organ_b_.id);
    reader_a_ = staff("wang.wu", "王五", organ_a_.id);
    ASSERT_TRUE(app.roles().grant(staff_a_, sealer->id, organ_a_.id, false, by("secadmin")));
    ASSERT_TRUE(app.roles().grant(staff_b_, sealer->id, organ_b_.id, false, by("secadmin")));
    ASSERT_TRUE(app.roles().grant(reader_a_, reader->id, organ_a_.id, false, by("secadmin")));

    // 张三's authenticator.
    auto pending = app.second_factor().begin_enrolment(staff_a_, by("zhang.san"));
    ASSERT_TRUE(pending);
    secret_ = *identity::base32_decode(pending->secret);
    ASSERT_TRUE(app.second_factor().confirm_enrolment(
        staff_a_, identity::totp_code(secret_, now().time_since_epoch().count()), now(),
        by("zhang.san")));

    auto a = app.seals().create({.organ_id = organ_a_.id}, by("secadmin"));
    ASSERT_TRUE(a) << a.error().key;
    seal_a_ = *a;
    auto b = app.seals().create({.organ_id = organ_b_.id}, by("secadmin"));
    ASSERT_TRUE(b) << b.error().key;
    seal_b_ = *b;
    app.authorizer().clear_cache();
  }

  long long staff(const std::string& name, const std::string& display, long long organ) {
    auto& app = server_->app();
    auto a = app.accounts().create_staff({.name = name, .display_name = display, .organ_id = organ},
                                         by("sysadmin"));
    EXPECT_TRUE(a) << a.error().key;
    EXPECT_TRUE(app.accounts().change_password(a->account.id, a->one_time_password, kStaffPassword,
                                               app.password_policy(), by(name)));
    return a->account.id;
  }

  // A signed-in intranet session of the account.
  std::string session(const std::string& name) { return test::start_session(server_->app(), name); }

  HttpResult get(const std::string& token, const std::string& target) {
    return server_->get(Zone::intranet, target, test::session_cookies(token, kCsrf));
  }

  HttpResult post(const std::string& token, const std::string& target,
                  const std::vector<std::pair<std::string, std::string>>& fields = {}) {
    return test::post_form(*server_, Zone::intranet, target, token, kCsrf, fields);
  }

  HttpResult post_multipart(const std::string& token, const std::string& target,
                            std::vector<test::FormPart> parts, bool csrf = true) {
    return test::post_multipart(*server_, Zone::intranet, target, token, kCsrf, std::move(parts),
                                csrf);
  }

  // A code 张三's authenticator shows now (the last used step is forgotten
  // first: each code may be used once, and a test seals several times).
  std::string code() {
    *server_->app().database().acquire()
        << "UPDATE identity_totp SET last_used_step = 0 WHERE account_id = :a",
        soci::use(staff_a_);
    return identity::totp_code(secret_, now().time_since_epoch().count());
  }

  HttpResult apply(const std::string& token, long long seal, const std::string& output,
                   const std::string& code, const std::string& filename = "通知.pdf",
                   const std::string& content = kDocument) {
    return post_multipart(token, "/seals/" + std::to_string(seal) + "/apply",
                          {{.name = "output", .data = output},
                           {.name = "code", .data = code},
                           {.name = "file", .data = content, .filename = filename}});
  }

  long long uses(long long seal) { return server_->app().seals().uses(seal, 0, 1)->total; }

  long long seal_count() { return server_->app().seals().list(std::nullopt, 0, 1)->total; }

  long long audit_records() {
    long long n = 0;
    *server_->app().database().acquire() << "SELECT COUNT(*) FROM audit_records", soci::into(n);
    return n;
  }

  ca::Seal seal(long long id) { return **server_->app().seals().get(id); }

  ca::CertificateRecord certificate(const ca::Seal& s) {
    return **server_->app().authority().find(s.certificate_id);
  }

  std::unique_ptr<TestServer> server_;
  long long city_ = 0, staff_a_ = 0, staff_b_ = 0, reader_a_ = 0;
  identity::Organ organ_a_, organ_b_;
  ca::Seal seal_a_, seal_b_;
  std::string secret_;
};

std::string path(const ca::Seal& s, const std::string& tail = "") {
  return "/seals/" + std::to_string(s.id) + tail;
}

std::string admin_path(const ca::Seal& s, const std::string& tail = "") {
  return "/security/seals/" + std::to_string(s.id) + tail;
}

}  // namespace

TEST_F(SealPagesTest, StaffSeeTheSealsOfTheirOrgansOnly) {
  std::string a = session("zhang.san");
  auto list = get(a, "/seals");
  ASSERT_EQ(list.status, 200) << list.body;
  EXPECT_TRUE(contains(list.body, seal_a_.name));
  EXPECT_FALSE(contains(list.body, seal_b_.name));
  EXPECT_TRUE(contains(list.body, "src=\"" + path(seal_a_, "/image.png") + "\""));
  EXPECT_TRUE(contains(list.body, seal_a_.certificate_serial));
  EXPECT_TRUE(contains(list.body, "公章"));
  // The navigation offers the seals, not their management.
  EXPECT_TRUE(contains(list.body, "href=\"/seals\""));
  EXPECT_FALSE(contains(list.body, "href=\"/security/seals\""));
  EXPECT_FALSE(contains(list.body, "href=\"/security/certificates\""));

  auto page = get(a, path(seal_a_));
  ASSERT_EQ(page.status, 200) << page.body;
  auto cert = certificate(seal_a_);
  auto parsed = ca::Certificate::from_pem(cert.pem);
  EXPECT_TRUE(contains(page.body, "<img src=\"" + path(seal_a_, "/image.png") + "\" alt=\""));
  EXPECT_TRUE(contains(page.body, cert.serial));
  EXPECT_TRUE(contains(page.body, parsed->fingerprint()));
  EXPECT_TRUE(contains(page.body, "CN=" + seal_a_.name));
  EXPECT_TRUE(contains(page.body, "有效"));
  EXPECT_TRUE(contains(page.body, "href=\"" + path(seal_a_, "/certificate.pem") + "\""));
  EXPECT_TRUE(contains(page.body, "action=\"" + path(seal_a_, "/apply") + "\""));
  EXPECT_TRUE(contains(page.body, "enctype=\"multipart/form-data\""));
  EXPECT_TRUE(contains(page.body, "还没有用印记录"));

  // Another organ's seal, and one that does not exist: the same 404, and
  // nothing of the seal shown.
  auto other = get(a, path(seal_b_));
  EXPECT_EQ(other.status, 404);
  EXPECT_FALSE(contains(other.body, seal_b_.name));
  EXPECT_FALSE(contains(other.body, seal_b_.certificate_serial));
  EXPECT_EQ(get(a, "/seals/999999").status, 404);
  for (const char* bad : {"x1", "0", "-1", "1e3"})
    EXPECT_EQ(get(a, std::string("/seals/") + bad).status, 404) << bad;
  for (const char* tail : {"/image.png", "/image.svg", "/certificate.pem"})
    EXPECT_EQ(get(a, path(seal_b_, tail)).status, 404) << tail;
  EXPECT_EQ(apply(a, seal_b_.id, "signature", code()).status, 404);
  EXPECT_EQ(uses(seal_b_.id), 0);

  // The images and the certificate of A's seal.
  auto png = get(a, path(seal_a_, "/image.png"));
  ASSERT_EQ(png.status, 200);
  EXPECT_EQ(png.header("content-type"), "image/png");
  EXPECT_EQ(png.header("content-security-policy"), "default-src 'none'");
  EXPECT_TRUE(png.body.starts_with("\x89PNG"));
  auto svg = get(a, path(seal_a_, "/image.svg"));
  ASSERT_EQ(svg.status, 200);
  EXPECT_EQ(svg.header("content-type"), "image/svg+xml");
  EXPECT_EQ(svg.header("content-security-policy"), "default-src 'none'");
  EXPECT_TRUE(contains(svg.body, "<svg"));
  auto pem = get(a, path(seal_a_, "/certificate.pem"));
  ASSERT_EQ(pem.status, 200);
  EXPECT_EQ(pem.body, cert.pem);
  EXPECT_TRUE(contains(pem.header("content-disposition"), "attachment"));

  // B's civil servant sees B's seal and not A's.
  std::string b = session("li.si");
  auto b_page = get(b, path(seal_b_));
  EXPECT_EQ(b_page.status, 200);
  // He has no authenticator yet: the form says where to get one.
  EXPECT_TRUE(contains(b_page.body, "href=\"/account/second-factor\""));
  EXPECT_FALSE(contains(page.body, "href=\"/account/second-factor\""));
  EXPECT_EQ(get(b, path(seal_a_)).status, 404);

  // A colleague who may look but not seal: the page without the form, and
  // the form's address refused.
  std::string reader = session("wang.wu");
  auto looked = get(reader, path(seal_a_));
  ASSERT_EQ(looked.status, 200);
  EXPECT_FALSE(contains(looked.body, "/apply\""));
  EXPECT_EQ(apply(reader, seal_a_.id, "signature", "123456").status, 403);

  // Staff reach none of the security administrator's pages.
  for (const char* p : {"/security/seals", "/security/seals/new", "/security/certificates"})
    EXPECT_EQ(get(a, p).status, 403) << p;
  EXPECT_EQ(get(a, admin_path(seal_a_)).status, 403);
  EXPECT_EQ(post(a, admin_path(seal_a_, "/retire"), {{"version", "1"}}).status, 403);
  EXPECT_TRUE(seal(seal_a_.id).active);
}

TEST_F(SealPagesTest, NoSealPageIsMountedWhereThePublicIs) {
  for (const http::Route* r : server_->app().router().routes(Zone::internet))
    EXPECT_FALSE(r->pattern.starts_with("/seals") || r->pattern.starts_with("/security"))
        << r->method << " " << r->pattern;
  // A citizen's session counts on the internet only; there the pages are
  // not found, and on the intranet it is no session.
  auto& app = server_->app();
  auto citizen = app.accounts().register_public(identity::AccountKind::citizen,
                                                {.name = "li.ming",
                                                 .password = "Citizen-Pass-1",
                                                 .password_confirm = "Citizen-Pass-1",
                                                 .email = "li.ming@example.cn",
                                                 .phone = "13800138000",
                                                 .address = "示范市中山路1号",
                                                 .real_name = "李明",
                                                 .citizen_number = "350102199001011238"},
                                                app.password_policy(), by("-"));
  ASSERT_TRUE(citizen) << citizen.error().key;
  std::string token = *app.database().transaction([&](soci::session& s) -> Result<std::string> {
    return app.sessions().start(s, citizen->id, "internet", "127.0.0.1", "test");
  });
  EXPECT_EQ(server_->get(Zone::internet, "/seals", test::session_cookies(token, kCsrf)).status,
            404);
  EXPECT_EQ(server_->get(Zone::internet, path(seal_a_), test::session_cookies(token, kCsrf)).status,
            404);
  EXPECT_EQ(
      server_->get(Zone::internet, "/security/certificates", test::session_cookies(token, kCsrf))
          .status,
      404);
  auto intranet = get(token, "/seals");
  EXPECT_EQ(intranet.status, 302);
  EXPECT_EQ(intranet.header("location"), "/signin?next=%2Fseals");
  // Not signed in at all: to the sign-in page.
  auto anonymous = server_->get(Zone::intranet, path(seal_a_));
  EXPECT_EQ(anonymous.status, 302);
  EXPECT_FALSE(contains(anonymous.body, seal_a_.name));
}

TEST_F(SealPagesTest, SealingWithTheSecondFactorReturnsASignatureThatVerifies) {
  std::string a = session("zhang.san");
  auto r = apply(a, seal_a_.id, "signature", code());
  ASSERT_EQ(r.status, 200) << r.body.substr(0, 2000);
  EXPECT_EQ(r.header("content-type"), "application/json");
  std::string disposition = r.header("content-disposition");
  EXPECT_TRUE(contains(disposition, "attachment"));
  EXPECT_TRUE(contains(disposition, "filename*=UTF-8''" + http::percent_encode("通知.pdf.ywsig")))
      << disposition;
  auto file = ca::parse_signature_json(r.body);
  ASSERT_TRUE(file) << r.body;
  auto verified = server_->app().seals().verify(kDocument, *file);
  ASSERT_TRUE(verified);
  EXPECT_EQ(verified->verdict, ca::SealVerdict::valid);
  EXPECT_TRUE(verified->recorded);
  EXPECT_EQ(verified->claims->signer_account, "zhang.san");
  EXPECT_EQ(verified->claims->seal_id, seal_a_.id);

  // The use log shows it: time, signer, document, the digest shortened with
  // the full value in its title, and the size.
  auto page = get(a, path(seal_a_));
  ASSERT_EQ(page.status, 200);
  std::string digest = crypto::to_hex(crypto::sm3(kDocument));
  EXPECT_TRUE(contains(page.body, "title=\"" + digest + "\""));
  EXPECT_TRUE(contains(page.body, digest.substr(0, 16) + "…"));
  EXPECT_TRUE(contains(page.body, "通知.pdf"));
  EXPECT_TRUE(contains(page.body, "张三"));
  EXPECT_TRUE(contains(page.body, fmt::format("{} 字节", kDocument.size())));
}

TEST_F(SealPagesTest, EmbeddedOutputCarriesItsSignature) {
  std::string a = session("zhang.san");
  auto r = apply(a, seal_a_.id, "embedded", code(), "方案.txt");
  ASSERT_EQ(r.status, 200) << r.body.substr(0, 2000);
  EXPECT_EQ(r.header("content-type"), "application/octet-stream");
  EXPECT_TRUE(contains(r.header("content-disposition"),
                       "filename*=UTF-8''" + http::percent_encode("方案.txt")));
  EXPECT_TRUE(r.body.starts_with(kDocument));
  auto extracted = ca::extract_signature(r.body);
  ASSERT_TRUE(extracted);
  EXPECT_EQ(extracted->first, kDocument);
  auto verified = server_->app().seals().verify(extracted->first, extracted->second);
  ASSERT_TRUE(verified);
  EXPECT_EQ(verified->verdict, ca::SealVerdict::valid);
  EXPECT_EQ(uses(seal_a_.id), 1);
}

TEST_F(SealPagesTest, AWrongCodeOrAMissingFileKeepsTheFormAndSealsNothing) {
  std::string a = session("zhang.san");
  auto wrong = apply(a, seal_a_.id, "embedded", "000000");
  EXPECT_EQ(wrong.status, 400);
  // The message next to the code field, the field marked, the choice kept.
  EXPECT_TRUE(contains(wrong.body, "id=\"a-code-error\"")) << wrong.body;
  EXPECT_TRUE(contains(wrong.body, "动态口令："));
  EXPECT_TRUE(
      contains(wrong.body, "aria-describedby=\"a-code-hint a-code-error\" aria-invalid=\"true\""));
  EXPECT_TRUE(contains(wrong.body, "value=\"embedded\" checked"));
  EXPECT_FALSE(contains(wrong.body, "value=\"signature\" checked"));
  EXPECT_TRUE(contains(wrong.body, seal_a_.name));  // the seal's page again
  // Three more wrong codes: four in all, one short of the lockout.
  for (const char* hostile : {"<script>alert(1)</script>", "' OR '1'='1", "１２３４５６"}) {
    auto r = apply(a, seal_a_.id, "signature", hostile);
    EXPECT_EQ(r.status, 400) << hostile;
    EXPECT_TRUE(contains(r.body, "id=\"a-code-error\"")) << hostile;
    EXPECT_FALSE(contains(r.body, "<script>alert(1)")) << hostile;
  }

  auto no_file =
      post_multipart(a, path(seal_a_, "/apply"),
                     {{.name = "output", .data = "signature"}, {.name = "code", .data = code()}});
  EXPECT_EQ(no_file.status, 400);
  EXPECT_TRUE(contains(no_file.body, "id=\"a-file-error\""));
  EXPECT_TRUE(contains(no_file.body, "请选择要盖章的文件"));

  auto bad_output = apply(a, seal_a_.id, "<b>pdf</b>", code());
  EXPECT_EQ(bad_output.status, 400);
  EXPECT_TRUE(contains(bad_output.body, "id=\"a-output-error\""));
  EXPECT_TRUE(contains(bad_output.body, "下载内容："));

  // Without the CSRF field: refused before anything is read.
  auto forged = post_multipart(a, path(seal_a_, "/apply"),
                               {{.name = "output", .data = "signature"},
                                {.name = "code", .data = code()},
                                {.name = "file", .data = kDocument, .filename = "a.pdf"}},
                               false);
  EXPECT_EQ(forged.status, 403);
  EXPECT_EQ(uses(seal_a_.id), 0);

  // A hostile file name is recorded as given and shown escaped.
  auto named = apply(a, seal_a_.id, "signature", code(), "<img src=x onerror=alert(1)>.pdf");
  ASSERT_EQ(named.status, 200) << named.body.substr(0, 2000);
  auto page = get(a, path(seal_a_));
  EXPECT_TRUE(contains(page.body, "&lt;img src=x onerror=alert(1)&gt;.pdf"));
  EXPECT_FALSE(contains(page.body, "<img src=x"));
}

TEST_F(SealPagesTest, WrongCodesLockTheAccountLikeWrongPasswords) {
  std::string a = session("zhang.san");
  const char* wrong[] = {"", "9999999999999999999999999999", "12345", "abcdef"};
  for (const char* c : wrong) {
    auto r = apply(a, seal_a_.id, "signature", c);
    EXPECT_EQ(r.status, 400) << c;
  }
  // The fifth: the lockout of sign-in, and the session ends.
  auto fifth = apply(a, seal_a_.id, "signature", "000000");
  EXPECT_EQ(fifth.status, 303);
  EXPECT_EQ(fifth.header("location"), "/signin");
  EXPECT_EQ(get(a, "/seals").status, 302);
  auto locked = server_->app().sign_in().locked("zhang.san");
  ASSERT_TRUE(locked);
  EXPECT_TRUE(*locked);
  EXPECT_EQ(uses(seal_a_.id), 0);
}

TEST_F(SealPagesTest, SecurityAdministratorCreatesSealsAndHostileTextIsRefusedOrEscaped) {
  std::string sec = session("secadmin");
  auto list = get(sec, "/security/seals");
  ASSERT_EQ(list.status, 200) << list.body;
  EXPECT_TRUE(contains(list.body, seal_a_.name));
  EXPECT_TRUE(contains(list.body, seal_b_.name));
  EXPECT_TRUE(contains(list.body, "href=\"/security/seals\""));
  EXPECT_TRUE(contains(list.body, "href=\"/security/certificates\""));
  EXPECT_FALSE(contains(list.body, "href=\"/seals\""));
  auto only_b = get(sec, "/security/seals?organ=" + std::to_string(organ_b_.id));
  EXPECT_FALSE(contains(only_b.body, seal_a_.name));
  EXPECT_TRUE(contains(only_b.body, seal_b_.name));
  // The staff pages are not the administrator's.
  EXPECT_EQ(get(sec, "/seals").status, 403);
  EXPECT_EQ(get(sec, path(seal_a_)).status, 403);
  EXPECT_EQ(apply(sec, seal_a_.id, "signature", "123456").status, 403);

  auto form = get(sec, "/security/seals/new?organ=" + std::to_string(organ_a_.id));
  ASSERT_EQ(form.status, 200);
  EXPECT_TRUE(contains(form.body, "value=\"" + std::to_string(organ_a_.id) + "\" selected"));
  EXPECT_TRUE(contains(form.body, "value=\"730\""));

  std::string organ = std::to_string(organ_a_.id);
  long long before = seal_count(), records = audit_records();
  struct Bad {
    std::string kind, lower, days, organ, label;
  };
  const Bad bad[] = {
      {"business", "<script>alert(1)</script>", "730", organ, "印章下方文字："},
      {"business", std::string(10000, 'x'), "730", organ, "印章下方文字："},
      {"business", "", "730", organ, "印章下方文字："},
      {"business", "\u3000\u3000", "730", organ, "印章下方文字："},
      {"business", "合同\n专用章", "730", organ, "印章下方文字："},
      {"official", "合同专用章", "730", organ, "印章下方文字："},
      {"business", "合同专用章", "７３０", organ, "有效期（天）："},
      {"business", "合同专用章", "0", organ, "有效期（天）："},
      {"business", "合同专用章", "3651", organ, "有效期（天）："},
      {"business", "合同专用章", "730; DROP TABLE ca_seals", organ, "有效期（天）："},
      {"business", "合同专用章", "730", "", "所属机关："},
      {"business", "合同专用章", "730", "999999", "所属机关："},
      {"stamp", "合同专用章", "730", organ, "印章类型："},
  };
  for (const auto& b : bad) {
    auto r = post(
        sec, "/security/seals/new",
        {{"organ", b.organ}, {"kind", b.kind}, {"lower_text", b.lower}, {"valid_days", b.days}});
    EXPECT_EQ(r.status, 400) << b.lower << " " << b.days;
    EXPECT_TRUE(contains(r.body, b.label)) << b.label << "\n" << r.body.substr(0, 4000);
    EXPECT_TRUE(contains(r.body, "aria-invalid=\"true\"")) << b.label;
    EXPECT_FALSE(contains(r.body, "<script>alert(1)"));
  }
  auto kept =
      post(sec, "/security/seals/new",
           {{"organ", organ}, {"kind", "business"}, {"lower_text", "<script>alert(1)</script>"}});
  EXPECT_TRUE(contains(kept.body, "value=\"&lt;script&gt;alert(1)&lt;/script&gt;\""));
  EXPECT_TRUE(contains(kept.body, "value=\"business\" selected"));
  EXPECT_EQ(seal_count(), before);
  EXPECT_EQ(audit_records(), records);

  // Short markup within the rule is carved as text and shown escaped.
  auto odd = post(sec, "/security/seals/new",
                  {{"organ", organ},
                   {"kind", "business"},
                   {"lower_text", "<b>章</b>'--"},
                   {"valid_days", "30"}});
  ASSERT_EQ(odd.status, 303) << odd.body;
  auto odd_page = get(sec, odd.header("location"));
  EXPECT_TRUE(contains(odd_page.body, "&lt;b&gt;章&lt;/b&gt;"));
  EXPECT_FALSE(contains(odd_page.body, "<b>章</b>"));

  auto made = post(sec, "/security/seals/new",
                   {{"organ", organ},
                    {"kind", "business"},
                    {"lower_text", "　行政审批专用章　"},
                    {"valid_days", "365"}});
  ASSERT_EQ(made.status, 303) << made.body;
  std::string where = made.header("location");
  EXPECT_TRUE(where.starts_with("/security/seals/")) << where;
  EXPECT_TRUE(where.ends_with("?done=created")) << where;
  auto page = get(sec, where);
  ASSERT_EQ(page.status, 200);
  EXPECT_TRUE(contains(page.body, "印章已刻制"));
  EXPECT_TRUE(contains(page.body, organ_a_.name + " 行政审批专用章"));
  EXPECT_TRUE(contains(page.body, "业务专用章"));
  EXPECT_TRUE(contains(page.body, "/image\" enctype=\"multipart/form-data\""));
  EXPECT_TRUE(contains(page.body, "/retire\""));
  EXPECT_EQ(seal_count(), before + 2);

  // 张三 sees the new seal of his organ.
  auto staff_list = get(session("zhang.san"), "/seals");
  EXPECT_TRUE(contains(staff_list.body, organ_a_.name + " 行政审批专用章"));
}

TEST_F(SealPagesTest, ImagesAndRetiringWithStaleVersions) {
  std::string sec = session("secadmin");
  std::string version = std::to_string(seal_a_.version);
  auto not_png =
      post_multipart(sec, admin_path(seal_a_, "/image"),
                     {{.name = "version", .data = version},
                      {.name = "image", .data = "<svg onload=alert(1)>", .filename = "x.png"}});
  EXPECT_EQ(not_png.status, 400);
  EXPECT_TRUE(contains(not_png.body, "印章图片必须是 PNG 格式")) << not_png.body.substr(0, 3000);
  EXPECT_TRUE(contains(not_png.body, "id=\"i-image-error\""));
  auto none =
      post_multipart(sec, admin_path(seal_a_, "/image"), {{.name = "version", .data = version}});
  EXPECT_EQ(none.status, 400);
  EXPECT_TRUE(contains(none.body, "请选择要上传的印章图片"));
  EXPECT_FALSE(seal(seal_a_.id).uploaded_image);

  auto png = render::seal_png({.name = "示范图片"}, 128);
  ASSERT_TRUE(png);
  auto stale = post_multipart(sec, admin_path(seal_a_, "/image"),
                              {{.name = "version", .data = std::to_string(seal_a_.version + 1)},
                               {.name = "image", .data = *png, .filename = "seal.png"}});
  EXPECT_EQ(stale.status, 409);
  EXPECT_TRUE(contains(stale.body, "已被他人修改"));
  auto uploaded = post_multipart(sec, admin_path(seal_a_, "/image"),
                                 {{.name = "version", .data = version},
                                  {.name = "image", .data = *png, .filename = "seal.png"}});
  ASSERT_EQ(uploaded.status, 303) << uploaded.body.substr(0, 3000);
  EXPECT_EQ(uploaded.header("location"), admin_path(seal_a_, "?done=image"));
  ca::Seal now = seal(seal_a_.id);
  EXPECT_TRUE(now.uploaded_image);
  auto image = get(sec, admin_path(seal_a_, "/image.png"));
  EXPECT_EQ(image.body, *png);
  EXPECT_EQ(get(sec, admin_path(seal_a_, "/image.svg")).status, 404);

  // Retiring: the old version is refused, nothing changes.
  auto old = post(sec, admin_path(seal_a_, "/retire"), {{"version", version}});
  EXPECT_EQ(old.status, 409);
  EXPECT_TRUE(seal(seal_a_.id).active);
  auto missing = post(sec, admin_path(seal_a_, "/retire"));
  EXPECT_EQ(missing.status, 409);
  auto retired =
      post(sec, admin_path(seal_a_, "/retire"), {{"version", std::to_string(now.version)}});
  ASSERT_EQ(retired.status, 303) << retired.body.substr(0, 3000);
  auto page = get(sec, admin_path(seal_a_));
  EXPECT_TRUE(contains(page.body, "已停用"));
  EXPECT_TRUE(contains(page.body, "已撤销"));
  EXPECT_TRUE(contains(page.body, "停止使用"));
  EXPECT_FALSE(contains(page.body, "/retire\""));
  EXPECT_TRUE(certificate(seal_a_).revoked);
  // Again, from a page loaded before: the state changed, told on top.
  auto again =
      post(sec, admin_path(seal_a_, "/retire"), {{"version", std::to_string(now.version + 1)}});
  EXPECT_EQ(again.status, 409);
  EXPECT_TRUE(contains(again.body, "该印章已停用"));
  EXPECT_EQ(post(sec, "/security/seals/999999/retire", {{"version", "1"}}).status, 404);

  // 张三 sees the seal retired and cannot seal with it.
  std::string a = session("zhang.san");
  auto staff_page = get(a, path(seal_a_));
  EXPECT_TRUE(contains(staff_page.body, "已停用"));
  EXPECT_FALSE(contains(staff_page.body, "/apply\""));
  auto refused = apply(a, seal_a_.id, "signature", code());
  EXPECT_EQ(refused.status, 400);
  EXPECT_TRUE(contains(refused.body, "该印章已停用"));
  EXPECT_EQ(uses(seal_a_.id), 0);
}

TEST_F(SealPagesTest, RevokingACertificateShowsOnTheSealPage) {
  std::string sec = session("secadmin");
  auto cert = certificate(seal_a_);
  auto list = get(sec, "/security/certificates");
  ASSERT_EQ(list.status, 200) << list.body;
  EXPECT_TRUE(contains(list.body, cert.serial));
  EXPECT_TRUE(contains(list.body, certificate(seal_b_).serial));
  EXPECT_TRUE(contains(list.body, "印章证书"));
  EXPECT_TRUE(contains(get(sec, "/security/certificates?kind=seal").body, cert.serial));
  EXPECT_FALSE(contains(get(sec, "/security/certificates?kind=node").body, cert.serial));

  std::string base = "/security/certificates/" + std::to_string(cert.id);
  auto page = get(sec, base);
  ASSERT_EQ(page.status, 200);
  EXPECT_TRUE(contains(page.body, "密钥泄露"));
  EXPECT_TRUE(contains(page.body, "action=\"" + base + "/revoke\""));
  EXPECT_TRUE(contains(page.body, "href=\"" + admin_path(seal_a_) + "\""));
  EXPECT_EQ(get(sec, base + "/certificate.pem").body, cert.pem);
  EXPECT_EQ(get(sec, "/security/certificates/999999").status, 404);

  // Refused: no reason, a reason that is none, a note too long. Nothing changes.
  auto no_reason = post(sec, base + "/revoke", {{"note", "<script>alert(1)</script>"}});
  EXPECT_EQ(no_reason.status, 400);
  EXPECT_TRUE(contains(no_reason.body, "撤销原因："));
  EXPECT_TRUE(contains(no_reason.body, "&lt;script&gt;alert(1)&lt;/script&gt;</textarea>"));
  EXPECT_FALSE(contains(no_reason.body, "<script>alert(1)"));
  EXPECT_EQ(post(sec, base + "/revoke", {{"reason", "' OR 1=1 --"}}).status, 400);
  auto long_note =
      post(sec, base + "/revoke", {{"reason", "key_compromise"}, {"note", std::string(201, 'x')}});
  EXPECT_EQ(long_note.status, 400);
  EXPECT_TRUE(contains(long_note.body, "说明："));
  EXPECT_TRUE(contains(long_note.body, "value=\"key_compromise\" selected"));
  auto control = post(sec, base + "/revoke", {{"reason", "key_compromise"}, {"note", "a\x01b"}});
  EXPECT_EQ(control.status, 400);
  EXPECT_FALSE(certificate(seal_a_).revoked);

  std::string note = "<script>alert(1)</script>'; DROP TABLE ca_certificates; --";
  auto revoked = post(sec, base + "/revoke", {{"reason", "key_compromise"}, {"note", note}});
  ASSERT_EQ(revoked.status, 303) << revoked.body.substr(0, 3000);
  EXPECT_EQ(revoked.header("location"), base + "?done=revoked");
  auto after = get(sec, base + "?done=revoked");
  EXPECT_TRUE(contains(after.body, "证书已撤销"));
  EXPECT_TRUE(contains(after.body, "&lt;script&gt;alert(1)&lt;/script&gt;"));
  EXPECT_FALSE(contains(after.body, "<script>alert(1)"));
  EXPECT_TRUE(contains(after.body, "DROP TABLE ca_certificates"));
  EXPECT_FALSE(contains(after.body, "/revoke\""));
  auto twice = post(sec, base + "/revoke", {{"reason", "superseded"}});
  EXPECT_EQ(twice.status, 409);
  EXPECT_TRUE(contains(twice.body, "该证书已经撤销"));
  EXPECT_TRUE(certificate(seal_a_).revoked);
  EXPECT_EQ(certificate(seal_a_).reason, ca::RevocationReason::key_compromise);

  // The seal's pages, the administrator's and 张三's: 已撤销, no sealing.
  EXPECT_TRUE(contains(get(sec, admin_path(seal_a_)).body, "已撤销"));
  std::string a = session("zhang.san");
  auto staff_page = get(a, path(seal_a_));
  ASSERT_EQ(staff_page.status, 200);
  EXPECT_TRUE(contains(staff_page.body, "已撤销"));
  EXPECT_TRUE(contains(staff_page.body, "密钥泄露"));
  EXPECT_TRUE(contains(staff_page.body, "证书已撤销"));  // the seal's status
  EXPECT_FALSE(contains(staff_page.body, "/apply\""));
  EXPECT_TRUE(contains(get(a, "/seals").body, "证书已撤销"));
  auto refused = apply(a, seal_a_.id, "signature", code());
  EXPECT_EQ(refused.status, 400);
  EXPECT_TRUE(contains(refused.body, "证书当前无效（已撤销）"));
  EXPECT_EQ(uses(seal_a_.id), 0);
}

TEST_F(SealPagesTest, TheUseLogIsPaged) {
  auto account = **server_->app().accounts().get(staff_a_);
  for (int i = 1; i <= 21; ++i) {
    auto r = server_->app().seals().apply({.seal_id = seal_a_.id,
                                           .document_name = fmt::format("文件{:02d}.pdf", i),
                                           .content = fmt::format("第 {} 份", i),
                                           .code = code()},
                                          account, by("zhang.san"));
    ASSERT_TRUE(r) << r.error().key;
  }
  std::string a = session("zhang.san");
  auto first = get(a, path(seal_a_));
  ASSERT_EQ(first.status, 200);
  EXPECT_TRUE(contains(first.body, "第 1–20 条，共 21 条")) << first.body;
  EXPECT_TRUE(contains(first.body, "文件21.pdf"));  // most recent first
  EXPECT_FALSE(contains(first.body, "文件01.pdf"));
  EXPECT_TRUE(contains(first.body, "rel=\"next\""));
  auto second = get(a, path(seal_a_, "?page=2"));
  EXPECT_TRUE(contains(second.body, "第 21–21 条，共 21 条"));
  EXPECT_TRUE(contains(second.body, "文件01.pdf"));
  EXPECT_FALSE(contains(second.body, "文件02.pdf"));
  EXPECT_TRUE(contains(second.body, "rel=\"prev\""));
  // The administrator reads the same log.
  auto admin = get(session("secadmin"), admin_path(seal_a_, "?page=2"));
  EXPECT_TRUE(contains(admin.body, "文件01.pdf"));
  // English pages use the English catalogue.
  auto english = get(a, path(seal_a_, "?lang=en"));
  EXPECT_TRUE(contains(english.body, "Use log"));
}

TEST_F(SealPagesTest, TheDemoCityHasSealsAndASealUserOnceTheCaExists) {
  auto& app = server_->app();
  auto staff = app::load_demo_staff(app.organs(), app.accounts(), app.roles(), by("demo"));
  ASSERT_TRUE(staff) << staff.error().key;
  // The organs of this fixture already have A's and B's seals.
  long long before = audit_records(), seals = seal_count();
  auto loaded = app::load_demo_seals(app.organs(), app.accounts(), app.roles(), app.authority(),
                                     app.seals(), by("demo"));
  ASSERT_TRUE(loaded) << loaded.error().key;
  EXPECT_FALSE(loaded->no_ca);
  EXPECT_EQ(loaded->seals_created, 9);  // 11 demo organs, 2 with a seal already
  EXPECT_EQ(loaded->roles_created, 0);  // this fixture made 用印人员
  EXPECT_EQ(loaded->grants_created, 1);
  EXPECT_EQ(seal_count(), seals + 9);
  // Each seal: its certificate issued, the seal created; and the grant.
  EXPECT_EQ(audit_records(), before + 9 * 2 + 1);
  auto again = app::load_demo_seals(app.organs(), app.accounts(), app.roles(), app.authority(),
                                    app.seals(), by("demo"));
  ASSERT_TRUE(again);
  EXPECT_EQ(again->seals_created + again->roles_created + again->grants_created, 0);
  EXPECT_EQ(seal_count(), seals + 9);

  // 张伟 sees every seal of the city and may seal with them.
  const app::DemoStaffAccount* zhangwei = nullptr;
  for (const auto& a : staff->accounts)
    if (a.created.account.name == "zhangwei.bgs") zhangwei = &a;
  ASSERT_NE(zhangwei, nullptr);
  ASSERT_TRUE(app.accounts().change_password(zhangwei->created.account.id,
                                             zhangwei->created.one_time_password, kStaffPassword,
                                             app.password_policy(), by("zhangwei.bgs")));
  std::string token = session("zhangwei.bgs");
  auto list = get(token, "/seals");
  ASSERT_EQ(list.status, 200) << list.body;
  EXPECT_TRUE(contains(list.body, fmt::format("共 {} 条", seals + 9))) << list.body;
  EXPECT_TRUE(contains(list.body, "示范市西山县人民政府 公章"));
  auto page = get(token, path(seal_b_));
  EXPECT_TRUE(contains(page.body, path(seal_b_, "/apply")));
}

TEST(SealPagesDemo, TheDemoCityCountsItsSealRecordsAndWaitsForTheCa) {
  TestServer server;
  if (!server.available()) GTEST_SKIP() << "database engine under test is not available";
  auto& app = server.app();
  ASSERT_TRUE(app::load_demo_organs(app.organs(), by("demo")));
  ASSERT_TRUE(app::load_demo_staff(app.organs(), app.accounts(), app.roles(), by("demo")));
  auto count = [&] {
    long long n = 0;
    *app.database().acquire() << "SELECT COUNT(*) FROM audit_records", soci::into(n);
    return n;
  };
  // Before `yiwang init` has made the root: nothing.
  long long before = count();
  auto early = app::load_demo_seals(app.organs(), app.accounts(), app.roles(), app.authority(),
                                    app.seals(), by("demo"));
  ASSERT_TRUE(early) << early.error().key;
  EXPECT_TRUE(early->no_ca);
  EXPECT_EQ(count(), before);
  // With the root: 11 seals (a certificate issued and a seal created each),
  // the role and the grant — 24 records, what `yiwang demo` adds to the 85
  // of tests/integration/audit_test.cpp once it loads the seals.
  ASSERT_TRUE(app.authority().init("示范市电子政务认证中心", by("demo")));
  before = count();
  auto loaded = app::load_demo_seals(app.organs(), app.accounts(), app.roles(), app.authority(),
                                     app.seals(), by("demo"));
  ASSERT_TRUE(loaded) << loaded.error().key;
  EXPECT_EQ(loaded->seals_created, 11);
  EXPECT_EQ(loaded->roles_created, 1);
  EXPECT_EQ(loaded->grants_created, 1);
  EXPECT_EQ(count(), before + 24);
  auto zhangwei = app.accounts().find_by_name("zhangwei.bgs");
  auto grants = app.roles().grants_of((*zhangwei)->id);
  ASSERT_TRUE(grants);
  bool sealer = false;
  for (const auto& g : *grants)
    sealer = sealer || (g.role_name == app::kDemoSealRole && g.include_sub_organs);
  EXPECT_TRUE(sealer);
}

// `yiwang init` then `yiwang demo`, and the demo seals loaded on top (which
// changes nothing once `yiwang demo` loads them itself): the audit log holds
// the 279 records counted in tests/integration/audit_test.cpp, 24 of them for
// the seals — 11 seals with their certificates, the role 用印人员 and its
// grant to 张伟.
TEST(SealPagesDemo, AfterInitAndDemoTheAuditLogCountsTheSeals) {
  if (getenv("YIWANG_TEST_ENGINE") && std::string(getenv("YIWANG_TEST_ENGINE")) == "postgresql")
    GTEST_SKIP() << "the command-line installation uses the embedded SQLite database";
  test::TempDir dir;
  std::string d = (dir.path() / "data").string();
  auto run = [&](std::vector<std::string> args) {
    args.insert(args.begin(), {"--data-dir", d});
    auto r = yiwang::test::run_yiwang(std::move(args));
    return std::pair{r.status, r.out};
  };
  ASSERT_EQ(run({"init"}).first, 0);
  ASSERT_EQ(run({"demo"}).first, 0);
  {
    auto config =
        app::load_config(d, std::filesystem::path(d) / "yiwang.toml", app::process_environment());
    ASSERT_TRUE(config) << config.error().key;
    if (config->share_dir.empty()) config->share_dir = test::source_dir();
    auto opened = app::Application::open(*config);
    ASSERT_TRUE(opened) << opened.error().key;
    auto& a = **opened;
    auto loaded = app::load_demo_seals(a.organs(), a.accounts(), a.roles(), a.authority(),
                                       a.seals(), by("os:test"));
    ASSERT_TRUE(loaded) << loaded.error().key;
    EXPECT_FALSE(loaded->no_ca);
    EXPECT_EQ(a.seals().list(std::nullopt, 0, 1)->total, 11);
  }
  auto verified = run({"audit", "verify"});
  EXPECT_EQ(verified.first, 0) << verified.second;
  EXPECT_NE(verified.second.find("共 279 条记录"), std::string::npos) << verified.second;
}
