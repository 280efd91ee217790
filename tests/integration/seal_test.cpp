// Electronic seals on the engine under test: a seal bound to its certificate,
// applying it with the signer's second factor, the use log, and verification
// that names every way a sealed document can fail: a changed byte, a changed
// or forged signature, a wrong SM2 ID, a revoked or expired certificate and a
// certificate of another CA.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "app/demo_city.hpp"
#include "ca/seal_store.hpp"
#include "identity/totp.hpp"
#include "render/seal_image.hpp"
#include "tests/support/test_server.hpp"

using namespace yiwang;
using namespace yiwang::ca;
using yiwang::test::TestServer;

namespace {

audit::AuditEvent who(const std::string& account = "secadmin") {
  return {.account = account, .organ = "-", .source = "test"};
}

Time now() { return std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now()); }

const std::string kDocument = "示范市人民政府关于印发《一网通办工作方案》的通知\n正文……\n";

class SealTest : public ::testing::Test {
 protected:
  void SetUp() override {
    server_ = std::make_unique<TestServer>(TestServer::Options{.import_divisions = true});
    if (!server_->available()) GTEST_SKIP() << "engine unavailable";
    auto& app = server_->app();
    ASSERT_TRUE(app::load_demo_organs(app.organs(), who()));
    ASSERT_TRUE(app.authority().init("示范市电子政务认证中心", who()));
    auto roots = app.organs().children(std::nullopt);
    ASSERT_TRUE(roots && !roots->empty());
    organ_ = roots->front();
    // A civil servant of that organ with an authenticator.
    identity::StaffInput staff{.name = "zhangwei", .display_name = "张伟", .organ_id = organ_.id};
    auto created = app.accounts().create_staff(staff, who("sysadmin"));
    ASSERT_TRUE(created) << created.error().key;
    signer_ = created->account;
    auto pending = app.second_factor().begin_enrolment(signer_.id, who("zhangwei"));
    ASSERT_TRUE(pending);
    secret_ = *identity::base32_decode(pending->secret);
    ASSERT_TRUE(app.second_factor().confirm_enrolment(
        signer_.id, identity::totp_code(secret_, now().time_since_epoch().count()), now(),
        who("zhangwei")));
  }

  // A code the store accepts now (the last used step is forgotten first:
  // each code may be used once, and a test applies several times).
  std::string code() {
    *server_->app().database().acquire()
        << "UPDATE identity_totp SET last_used_step = 0 WHERE account_id = :a",
        soci::use(signer_.id);
    return identity::totp_code(secret_, now().time_since_epoch().count());
  }

  Seal official() {
    auto seal = seals().create({.organ_id = organ_.id, .kind = SealKind::official}, who());
    EXPECT_TRUE(seal) << (seal ? "" : seal.error().key);
    return *seal;
  }

  SealStore::Applied apply(const Seal& seal, const std::string& content = kDocument) {
    auto applied = seals().apply({.seal_id = seal.id,
                                  .document_name = "C:\\公文\\通知.pdf",
                                  .content = content,
                                  .code = code()},
                                 signer_, who("zhangwei"));
    EXPECT_TRUE(applied) << (applied ? "" : applied.error().key);
    return *applied;
  }

  // A signature file signed by `key` for a certificate, claiming `claims`.
  SignatureFile forge(const SealClaims& claims, const crypto::PrivateKey& key,
                      const std::string& pem, std::string_view id = crypto::kSm2DefaultId) {
    SignatureFile f;
    f.signed_text = seal_tbs(claims);
    f.signature = key.sign(f.signed_text, id);
    f.certificate_pem = pem;
    return f;
  }

  SealStore& seals() { return server_->app().seals(); }

  std::unique_ptr<TestServer> server_;
  identity::Organ organ_;
  identity::Account signer_;
  std::string secret_;
};

}  // namespace

TEST_F(SealTest, SealIsBoundToACertificateAndDrawnFromTheOrgansName) {
  Seal seal = official();
  EXPECT_EQ(seal.organ_id, organ_.id);
  EXPECT_EQ(seal.name, organ_.name + " 公章");
  EXPECT_TRUE(seal.active);
  EXPECT_FALSE(seal.uploaded_image);
  auto cert = server_->app().authority().find(seal.certificate_id);
  ASSERT_TRUE(cert && *cert);
  EXPECT_EQ((*cert)->kind, CertificateKind::seal);
  EXPECT_EQ((*cert)->organ_id, organ_.id);
  EXPECT_EQ((*cert)->serial, seal.certificate_serial);
  auto parsed = Certificate::from_pem((*cert)->pem);
  EXPECT_EQ(parsed->subject().organisation, organ_.name);
  EXPECT_EQ(parsed->subject().serial_number, organ_.credit_code);
  auto png = seals().image(seal.id, false);
  ASSERT_TRUE(png);
  EXPECT_TRUE(png->starts_with("\x89PNG"));
  auto svg = seals().image(seal.id, true);
  ASSERT_TRUE(svg);
  EXPECT_NE(svg->find("<svg"), std::string::npos);

  auto business = seals().create(
      {.organ_id = organ_.id, .kind = SealKind::business, .lower_text = "行政审批专用章"}, who());
  ASSERT_TRUE(business) << business.error().key;
  EXPECT_EQ(business->name, organ_.name + " 行政审批专用章");
  auto no_text = seals().create({.organ_id = organ_.id, .kind = SealKind::business}, who());
  ASSERT_FALSE(no_text);
  EXPECT_EQ(no_text.error().field, "lower_text");
  EXPECT_EQ(seals().create({.organ_id = 999999}, who()).error().key, "ca.seal.no_organ");
  auto listed = seals().list(std::vector<long long>{organ_.id}, 0, 20);
  ASSERT_TRUE(listed);
  EXPECT_EQ(listed->total, 2);
  EXPECT_EQ(seals().list(std::vector<long long>{}, 0, 20)->total, 0);
}

TEST_F(SealTest, ApplyingNeedsTheSecondFactorAndIsLogged) {
  Seal seal = official();
  auto wrong = seals().apply(
      {.seal_id = seal.id, .document_name = "a.pdf", .content = kDocument, .code = "000000"},
      signer_, who("zhangwei"));
  ASSERT_FALSE(wrong);
  EXPECT_EQ(wrong.error().field, "code");
  auto empty = seals().apply({.seal_id = seal.id, .document_name = "a.pdf", .code = code()},
                             signer_, who("zhangwei"));
  EXPECT_EQ(empty.error().key, "ca.seal.empty_document");

  auto applied = apply(seal);
  EXPECT_EQ(applied.use.document, "通知.pdf");  // the directory part is not kept
  EXPECT_EQ(applied.use.signer_account, "zhangwei");
  EXPECT_EQ(applied.use.digest, crypto::to_hex(crypto::sm3(kDocument)));
  auto claims = parse_seal_tbs(applied.signature.signed_text);
  ASSERT_TRUE(claims);
  EXPECT_EQ(claims->signer, "张伟");
  EXPECT_EQ(claims->organ, organ_.name);
  EXPECT_EQ(claims->seal_id, seal.id);
  EXPECT_EQ(claims->certificate, seal.certificate_serial);
  auto uses = seals().uses(seal.id, 0, 20);
  ASSERT_TRUE(uses);
  EXPECT_EQ(uses->total, 1);
  EXPECT_EQ(uses->uses.front().digest, applied.use.digest);
  auto records = server_->app().audit_log().find({.event = "ca.seal.applied"});
  ASSERT_TRUE(records);
  ASSERT_EQ(records->size(), 1u);
  EXPECT_EQ(records->front().event.account, "zhangwei");
  EXPECT_EQ(records->front().event.object, "seal:" + std::to_string(seal.id));
}

TEST_F(SealTest, VerificationNamesWhatIsWrong) {
  Seal seal = official();
  auto applied = apply(seal);
  const auto& file = applied.signature;

  auto good = seals().verify(kDocument, file);
  ASSERT_TRUE(good);
  EXPECT_EQ(good->verdict, SealVerdict::valid);
  EXPECT_TRUE(good->recorded);
  EXPECT_EQ(good->claims->signer_account, "zhangwei");
  EXPECT_EQ(good->certificate.state, CertificateState::valid);

  // One changed byte of the document.
  std::string changed = kDocument;
  changed[5] = static_cast<char>(changed[5] ^ 1);
  EXPECT_EQ(seals().verify(changed, file)->verdict, SealVerdict::altered);
  EXPECT_EQ(seals().verify(kDocument + " ", file)->verdict, SealVerdict::altered);

  // A changed claim (another signer) under the original signature.
  SignatureFile claimed = file;
  auto at = claimed.signed_text.find("signer: 张伟");
  claimed.signed_text.replace(at, std::string("signer: 张伟").size(), "signer: 李明");
  EXPECT_EQ(seals().verify(kDocument, claimed)->verdict, SealVerdict::bad_signature);

  // Signed with the right key but another SM2 ID.
  auto key = server_->app().authority().private_key(seal.certificate_id);
  ASSERT_TRUE(key);
  auto wrong_id = forge(*parse_seal_tbs(file.signed_text), *key, file.certificate_pem, "");
  auto r = seals().verify(kDocument, wrong_id);
  EXPECT_EQ(r->verdict, SealVerdict::bad_signature);
  EXPECT_FALSE(r->recorded);

  // Not a signature file of this format.
  SignatureFile junk = file;
  junk.signed_text = "hello\n";
  EXPECT_EQ(seals().verify(kDocument, junk)->verdict, SealVerdict::malformed);
  EXPECT_EQ(parse_signature_json("{\"format\":\"other\"}").error().key, "ca.signature.malformed");
  auto round = parse_signature_json(signature_json(file));
  ASSERT_TRUE(round);
  EXPECT_EQ(seals().verify(kDocument, *round)->verdict, SealVerdict::valid);
}

TEST_F(SealTest, CertificateStateAtSigningTime) {
  Seal seal = official();
  auto applied = apply(seal);
  auto key = *server_->app().authority().private_key(seal.certificate_id);
  auto cert = *Certificate::from_pem(applied.signature.certificate_pem);
  SealClaims claims = *parse_seal_tbs(applied.signature.signed_text);

  // Expired: a signature claiming a time after the certificate's validity.
  SealClaims late = claims;
  late.signed_at = cert.not_after() + std::chrono::hours(24);
  auto expired = seals().verify(kDocument, forge(late, key, applied.signature.certificate_pem));
  EXPECT_EQ(expired->verdict, SealVerdict::certificate_invalid);
  EXPECT_EQ(expired->certificate.state, CertificateState::expired);

  // Revoked: what was sealed before stays valid (revoked since); what claims
  // a later time is refused.
  ASSERT_TRUE(server_->app().authority().revoke(seal.certificate_id,
                                                RevocationReason::key_compromise, "", who()));
  // (Revocation and sealing in the same second count as revoked: a sealing
  // a minute earlier stands for one made before.)
  SealClaims earlier = claims;
  earlier.signed_at = claims.signed_at - std::chrono::minutes(1);
  auto before = seals().verify(kDocument, forge(earlier, key, applied.signature.certificate_pem));
  EXPECT_EQ(before->verdict, SealVerdict::valid);
  EXPECT_TRUE(before->certificate.revoked_later_at.has_value());
  SealClaims after = claims;
  after.signed_at = now() + std::chrono::minutes(1);
  auto revoked = seals().verify(kDocument, forge(after, key, applied.signature.certificate_pem));
  EXPECT_EQ(revoked->verdict, SealVerdict::certificate_invalid);
  EXPECT_EQ(revoked->certificate.state, CertificateState::revoked);
  // And the seal cannot be applied any more.
  auto refused = seals().apply(
      {.seal_id = seal.id, .document_name = "b.pdf", .content = kDocument, .code = code()}, signer_,
      who("zhangwei"));
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().key, "ca.seal.certificate_invalid");

  // Another CA's certificate with the same names.
  auto other_key = crypto::PrivateKey::generate(crypto::KeyAlgorithm::sm2);
  CertificateRequest req;
  req.kind = CertificateKind::root;
  req.subject = server_->app().authority().root()->subject();
  req.not_before = now() - std::chrono::hours(1);
  req.not_after = now() + std::chrono::hours(24);
  auto other_root = issue(req, other_key.public_key(), nullptr, other_key);
  req.kind = CertificateKind::seal;
  req.subject = cert.subject();
  auto foreign = issue(req, other_key.public_key(), &other_root, other_key);
  SealClaims theirs = claims;
  theirs.certificate = foreign.serial();
  auto unknown = seals().verify(kDocument, forge(theirs, other_key, foreign.pem()));
  EXPECT_EQ(unknown->verdict, SealVerdict::certificate_invalid);
  EXPECT_EQ(unknown->certificate.state, CertificateState::unknown_issuer);
  EXPECT_FALSE(unknown->recorded);
}

TEST_F(SealTest, DocumentsCarryTheirSignature) {
  Seal seal = official();
  auto applied = apply(seal);
  std::string carried = embed_signature(kDocument, applied.signature);
  auto back = extract_signature(carried);
  ASSERT_TRUE(back);
  EXPECT_EQ(back->first, kDocument);
  EXPECT_EQ(seals().verify(back->first, back->second)->verdict, SealVerdict::valid);
  EXPECT_FALSE(extract_signature(kDocument));
  std::string cut = carried.substr(0, carried.size() - 10);
  EXPECT_FALSE(extract_signature(cut));
}

TEST_F(SealTest, RetiringRevokesAndImagesCanBeReplaced) {
  Seal seal = official();
  EXPECT_EQ(seals().upload_image(seal.id, "GIF89a", seal.version, who()).error().key,
            "ca.seal.image_not_png");
  EXPECT_EQ(seals().upload_image(seal.id, "", seal.version, who()).error().key,
            "ca.seal.image_missing");
  auto tiny = render::seal_png({organ_.name, ""}, 32);
  EXPECT_FALSE(tiny);  // the renderer refuses sizes an upload may not have either
  auto png = render::seal_png({"示范市人民政府", "合同专用章"}, 300);
  ASSERT_TRUE(png);
  auto uploaded = seals().upload_image(seal.id, *png, seal.version, who());
  ASSERT_TRUE(uploaded) << uploaded.error().key;
  EXPECT_TRUE(uploaded->uploaded_image);
  EXPECT_EQ(*seals().image(seal.id, false), *png);
  EXPECT_EQ(seals().image(seal.id, true).error().key, "ca.seal.no_svg");
  EXPECT_EQ(seals().upload_image(seal.id, *png, seal.version, who()).error().key, "ca.seal.stale");

  auto retired = seals().retire(seal.id, uploaded->version, who());
  ASSERT_TRUE(retired) << retired.error().key;
  EXPECT_FALSE(retired->active);
  auto cert = server_->app().authority().find(seal.certificate_id);
  EXPECT_TRUE((*cert)->revoked);
  EXPECT_EQ((*cert)->reason, RevocationReason::cessation_of_operation);
  auto refused = seals().apply(
      {.seal_id = seal.id, .document_name = "c.pdf", .content = kDocument, .code = code()}, signer_,
      who("zhangwei"));
  EXPECT_EQ(refused.error().key, "ca.seal.retired");
  EXPECT_EQ(seals().retire(seal.id, retired->version, who()).error().key, "ca.seal.retired");
}

TEST_F(SealTest, AnyoneVerifiesOnThePortalAndThroughTheApi) {
  using yiwang::http::Zone;
  Seal seal = official();
  auto applied = apply(seal);
  std::string sig = signature_json(applied.signature);
  auto page = server_->get(Zone::internet, "/verify");
  ASSERT_EQ(page.status, 200);
  std::string csrf = test::cookie_value(page, "yw_csrf");
  ASSERT_FALSE(csrf.empty());
  auto post = [&](const std::string& path, std::vector<test::FormPart> parts, bool cookie = true) {
    if (cookie) parts.insert(parts.begin(), {.name = "_csrf", .data = csrf});
    std::map<std::string, std::string> headers = {
        {"Content-Type", std::string("multipart/form-data; boundary=") + test::kMultipartBoundary}};
    if (cookie) headers["Cookie"] = "yw_csrf=" + csrf;
    return server_->request(Zone::internet, "POST", path, test::multipart_body(parts), headers);
  };
  test::FormPart doc{.name = "file", .data = kDocument, .filename = "通知.pdf"};
  test::FormPart sigpart{.name = "signature", .data = sig, .filename = "通知.pdf.ywsig"};

  auto ok = post("/verify", {doc, sigpart});
  ASSERT_EQ(ok.status, 200) << ok.body;
  EXPECT_NE(ok.body.find("验证通过"), std::string::npos);
  EXPECT_NE(ok.body.find("张伟"), std::string::npos);
  EXPECT_NE(ok.body.find(organ_.name), std::string::npos);

  test::FormPart altered = doc;
  altered.data[3] = static_cast<char>(altered.data[3] ^ 1);
  auto bad = post("/verify", {altered, sigpart});
  ASSERT_EQ(bad.status, 200);
  EXPECT_NE(bad.body.find("文件在盖章后被改动过"), std::string::npos);

  // A document that carries its signature needs no second file.
  test::FormPart carried{.name = "file",
                         .data = embed_signature(kDocument, applied.signature),
                         .filename = "<script>alert(1)</script>.pdf"};
  auto embedded = post("/verify", {carried});
  ASSERT_EQ(embedded.status, 200);
  EXPECT_NE(embedded.body.find("验证通过"), std::string::npos);
  EXPECT_EQ(embedded.body.find("<script>alert(1)"), std::string::npos);

  auto none = post("/verify", {});
  EXPECT_EQ(none.status, 400);
  EXPECT_NE(none.body.find("请选择要验证的文件"), std::string::npos);
  auto unsigned_doc = post("/verify", {doc});
  EXPECT_EQ(unsigned_doc.status, 400);
  EXPECT_NE(unsigned_doc.body.find(".ywsig"), std::string::npos);
  test::FormPart junk{.name = "signature", .data = "' OR 1=1 --", .filename = "x.ywsig"};
  auto garbage = post("/verify", {doc, junk});
  EXPECT_EQ(garbage.status, 400);
  EXPECT_NE(garbage.body.find("不是本平台的印章签名文件"), std::string::npos);
  // Without the CSRF token the form is refused.
  std::vector<test::FormPart> parts = {doc, sigpart};
  auto no_token = server_->request(
      Zone::internet, "POST", "/verify", test::multipart_body(parts),
      {{"Content-Type", std::string("multipart/form-data; boundary=") + test::kMultipartBoundary}});
  EXPECT_EQ(no_token.status, 403);

  // The API answers a program without a cookie.
  auto api = post("/api/v1/ca/verify", {doc, sigpart}, false);
  ASSERT_EQ(api.status, 200) << api.body;
  auto j = nlohmann::json::parse(api.body);
  EXPECT_EQ(j["verdict"], "valid");
  EXPECT_EQ(j["sealed"]["signer_account"], "zhangwei");
  EXPECT_EQ(j["certificate"]["state"], "valid");
  EXPECT_TRUE(j["recorded"].get<bool>());
  auto api_bad = post("/api/v1/ca/verify", {altered, sigpart}, false);
  EXPECT_EQ(nlohmann::json::parse(api_bad.body)["verdict"], "altered");
  auto api_none = post("/api/v1/ca/verify", {}, false);
  EXPECT_EQ(api_none.status, 400);
  EXPECT_EQ(nlohmann::json::parse(api_none.body)["error"]["field"], "file");
}

// The operator guide's commands: the stock openssl checks a seal signature.
TEST_F(SealTest, OpensslChecksASealSignature) {
  if (test::shell("openssl version").status != 0) GTEST_SKIP() << "no openssl command";
  Seal seal = official();
  auto applied = apply(seal);
  test::TempDir dir;
  auto d = dir.path();
  test::write_file(d / "doc.txt", kDocument);
  test::write_file(d / "signed.txt", applied.signature.signed_text);
  test::write_file(d / "sig.der", applied.signature.signature);
  test::write_file(d / "seal.pem", applied.signature.certificate_pem);
  test::write_file(d / "root.pem", server_->app().authority().root()->pem());
  std::string p = d.string() + "/";
  ASSERT_EQ(
      test::shell("openssl x509 -in " + p + "seal.pem -pubkey -noout -out " + p + "seal-pub.pem")
          .status,
      0);
  auto verify = test::shell("openssl pkeyutl -verify -rawin -digest sm3 -pubin -inkey " + p +
                            "seal-pub.pem -pkeyopt distid:1234567812345678 -in " + p +
                            "signed.txt -sigfile " + p + "sig.der");
  EXPECT_EQ(verify.status, 0) << verify.out;
  EXPECT_NE(verify.out.find("Signature Verified Successfully"), std::string::npos);
  auto digest = test::shell("openssl dgst -sm3 -r " + p + "doc.txt");
  ASSERT_EQ(digest.status, 0);
  EXPECT_NE(applied.signature.signed_text.find("digest: " + digest.out.substr(0, 64)),
            std::string::npos)
      << digest.out;
  auto chain = test::shell("openssl verify -vfyopt distid:1234567812345678 -CAfile " + p +
                           "root.pem " + p + "seal.pem");
  EXPECT_EQ(chain.status, 0) << chain.out;
  // A changed signed text fails the same command.
  std::string forged = applied.signature.signed_text;
  forged.replace(forged.find("张伟"), std::string("张伟").size(), "李明");
  test::write_file(d / "forged.txt", forged);
  auto refused = test::shell("openssl pkeyutl -verify -rawin -digest sm3 -pubin -inkey " + p +
                             "seal-pub.pem -pkeyopt distid:1234567812345678 -in " + p +
                             "forged.txt -sigfile " + p + "sig.der");
  EXPECT_NE(refused.status, 0) << refused.out;
}
