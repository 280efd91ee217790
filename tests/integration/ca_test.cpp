// The platform CA on the engine under test: one root, certificates with
// wrapped keys, revocation with reasons, the published CRL, and what a
// certificate's state was at a given moment.
#include <gtest/gtest.h>

#include "ca/authority.hpp"
#include "tests/support/test_server.hpp"

using namespace yiwang;
using namespace yiwang::ca;
using yiwang::http::Zone;
using yiwang::test::TestServer;

namespace {

audit::AuditEvent who() { return {.account = "secadmin", .organ = "-", .source = "test"}; }

Time now() { return std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now()); }

Authority::IssueInput seal_input() {
  Authority::IssueInput in;
  in.kind = CertificateKind::seal;
  in.subject = {.organisation = "示范市人民政府", .common_name = "示范市人民政府 公章"};
  in.valid_days = 365;
  return in;
}

long long audit_count(TestServer& s, const std::string& event) {
  long long n = 0;
  *s.app().database().acquire() << "SELECT COUNT(*) FROM audit_records WHERE event = :e",
      soci::use(event), soci::into(n);
  return n;
}

}  // namespace

TEST(Authority, InitCreatesOneRootAndAuditsIt) {
  TestServer s;
  if (!s.available()) GTEST_SKIP() << "engine unavailable";
  auto& ca = s.app().authority();
  EXPECT_EQ(ca.root().error().key, "ca.not_initialised");
  auto first = ca.init("示范市电子政务认证中心", who());
  ASSERT_TRUE(first) << first.error().key;
  EXPECT_TRUE(first->second);
  EXPECT_TRUE(first->first.is_ca());
  EXPECT_EQ(first->first.subject().organisation, "示范市电子政务认证中心");
  auto again = ca.init("另一个名字", who());
  ASSERT_TRUE(again);
  EXPECT_FALSE(again->second);
  EXPECT_EQ(again->first.serial(), first->first.serial());
  EXPECT_EQ(audit_count(s, "ca.root.created"), 1);
  EXPECT_EQ(ca.init("", who()).error().field, "name");
  // The root's private key is stored wrapped, not in clear.
  std::string wrapped;
  *s.app().database().acquire() << "SELECT private_key FROM ca_root", soci::into(wrapped);
  EXPECT_EQ(wrapped.find("PRIVATE KEY"), std::string::npos);
  EXPECT_TRUE(crypto::unbase64(wrapped).has_value());
}

TEST(Authority, IssuesCertificatesWithWrappedKeys) {
  TestServer s;
  if (!s.available()) GTEST_SKIP() << "engine unavailable";
  auto& ca = s.app().authority();
  ASSERT_TRUE(ca.init("示范市电子政务认证中心", who()));
  auto rec = ca.issue(seal_input(), who());
  ASSERT_TRUE(rec) << rec.error().key;
  EXPECT_EQ(rec->kind, CertificateKind::seal);
  EXPECT_FALSE(rec->revoked);
  auto cert = Certificate::from_pem(rec->pem);
  ASSERT_TRUE(cert);
  EXPECT_TRUE(cert->signed_by(*ca.root()->public_key()));
  EXPECT_EQ(cert->serial(), rec->serial);
  // The certificate's key signs, and its certificate verifies the signature.
  auto key = ca.private_key(rec->id);
  ASSERT_TRUE(key) << key.error().key;
  EXPECT_TRUE(cert->public_key()->verify("公文正文", key->sign("公文正文")));
  EXPECT_EQ(audit_count(s, "ca.certificate.issued"), 1);

  auto bad_days = seal_input();
  bad_days.valid_days = 0;
  EXPECT_EQ(ca.issue(bad_days, who()).error().field, "valid_days");
  auto no_name = seal_input();
  no_name.subject.common_name = "   ";
  EXPECT_EQ(ca.issue(no_name, who()).error().key, "ca.issue.no_subject");
  auto hostile = seal_input();
  hostile.subject.common_name = "<script>alert(1)</script>' OR 1=1 --";
  auto h = ca.issue(hostile, who());
  ASSERT_TRUE(h) << h.error().key;
  EXPECT_EQ(Certificate::from_pem(h->pem)->subject().common_name, hostile.subject.common_name);
  auto page = ca.list(CertificateKind::seal, std::nullopt, 0, 20);
  ASSERT_TRUE(page);
  EXPECT_EQ(page->total, 2);
  EXPECT_EQ(page->certificates.front().id, h->id);  // newest first
  EXPECT_EQ(ca.list(CertificateKind::node, std::nullopt, 0, 20)->total, 0);
}

TEST(Authority, RevocationReachesTheCrlAndTheCheck) {
  TestServer s;
  if (!s.available()) GTEST_SKIP() << "engine unavailable";
  auto& ca = s.app().authority();
  ASSERT_TRUE(ca.init("示范市电子政务认证中心", who()));
  auto rec = ca.issue(seal_input(), who());
  ASSERT_TRUE(rec);
  auto cert = *Certificate::from_pem(rec->pem);
  Time before = now();
  EXPECT_EQ(ca.check(cert, before)->state, CertificateState::valid);

  auto revoked = ca.revoke(rec->id, RevocationReason::key_compromise, "U盾丢失", who());
  ASSERT_TRUE(revoked) << revoked.error().key;
  EXPECT_TRUE(revoked->revoked);
  EXPECT_EQ(revoked->reason, RevocationReason::key_compromise);
  EXPECT_EQ(revoked->revocation_note, "U盾丢失");
  EXPECT_EQ(ca.revoke(rec->id, RevocationReason::superseded, "", who()).error().key,
            "ca.certificate.already_revoked");
  EXPECT_EQ(ca.revoke(999999, RevocationReason::superseded, "", who()).error().key,
            "ca.certificate.not_found");
  EXPECT_EQ(audit_count(s, "ca.certificate.revoked"), 1);

  // Signed before the revocation: valid then, revoked since.
  auto then = ca.check(cert, before - std::chrono::seconds(1));
  ASSERT_TRUE(then);
  EXPECT_EQ(then->state, CertificateState::valid);
  EXPECT_TRUE(then->revoked_later_at.has_value());
  // Signed after it: revoked.
  EXPECT_EQ(ca.check(cert, now() + std::chrono::seconds(5))->state, CertificateState::revoked);

  auto crl = ca.crl();
  ASSERT_TRUE(crl);
  auto entries = read_crl(*crl, *ca.root()->public_key());
  ASSERT_TRUE(entries) << entries.error().key;
  ASSERT_EQ(entries->size(), 1u);
  EXPECT_EQ(entries->front().serial, rec->serial);
  EXPECT_EQ(entries->front().reason, RevocationReason::key_compromise);
}

TEST(Authority, CheckNamesExpiredFutureAndForeignCertificates) {
  TestServer s;
  if (!s.available()) GTEST_SKIP() << "engine unavailable";
  auto& ca = s.app().authority();
  ASSERT_TRUE(ca.init("示范市电子政务认证中心", who()));
  auto rec = ca.issue(seal_input(), who());
  auto cert = *Certificate::from_pem(rec->pem);
  EXPECT_EQ(ca.check(cert, cert.not_after() + std::chrono::seconds(1))->state,
            CertificateState::expired);
  EXPECT_EQ(ca.check(cert, cert.not_before() - std::chrono::seconds(1))->state,
            CertificateState::not_yet_valid);
  // A certificate another CA issued, though its subject looks the same.
  auto other_key = crypto::PrivateKey::generate(crypto::KeyAlgorithm::sm2);
  CertificateRequest req;
  req.kind = CertificateKind::root;
  req.subject = {.organisation = "示范市电子政务认证中心",
                 .common_name = "示范市电子政务认证中心 Root CA"};
  req.not_before = now() - std::chrono::hours(1);
  req.not_after = now() + std::chrono::hours(24);
  auto other_root = issue(req, other_key.public_key(), nullptr, other_key);
  req.kind = CertificateKind::seal;
  req.subject = seal_input().subject;
  auto foreign = issue(req, other_key.public_key(), &other_root, other_key);
  EXPECT_EQ(ca.check(foreign, now())->state, CertificateState::unknown_issuer);
}

TEST(Authority, PublishesRootAndCrlOnEveryZone) {
  TestServer s;
  if (!s.available()) GTEST_SKIP() << "engine unavailable";
  auto none = s.get(Zone::internet, "/ca/root.crt");
  EXPECT_EQ(none.status, 404);
  auto& ca = s.app().authority();
  ASSERT_TRUE(ca.init("示范市电子政务认证中心", who()));
  auto rec = ca.issue(seal_input(), who());
  ASSERT_TRUE(ca.revoke(rec->id, RevocationReason::superseded, "", who()));
  for (auto zone : {Zone::internet, Zone::intranet, Zone::exchange}) {
    auto root = s.get(zone, "/ca/root.crt");
    ASSERT_EQ(root.status, 200);
    EXPECT_EQ(root.header("content-type"), "application/pkix-cert");
    auto parsed = Certificate::from_der(root.body);
    ASSERT_TRUE(parsed);
    EXPECT_EQ(parsed->serial(), ca.root()->serial());
    auto crl = s.get(zone, "/ca/crl");
    ASSERT_EQ(crl.status, 200);
    EXPECT_EQ(crl.header("content-type"), "application/pkix-crl");
    auto entries = read_crl(crl.body, *parsed->public_key());
    ASSERT_TRUE(entries);
    ASSERT_EQ(entries->size(), 1u);
    EXPECT_EQ(entries->front().serial, rec->serial);
  }
  auto pem = s.get(Zone::internet, "/ca/root.pem");
  EXPECT_TRUE(pem.body.starts_with("-----BEGIN CERTIFICATE-----"));
  EXPECT_TRUE(s.get(Zone::internet, "/ca/crl.pem").body.starts_with("-----BEGIN X509 CRL-----"));
}

TEST(Authority, Ed25519WhereConfigured) {
  TestServer s({.configure = [](app::Config& c) { c.signature_algorithm = "ed25519"; }});
  if (!s.available()) GTEST_SKIP() << "engine unavailable";
  auto& ca = s.app().authority();
  auto root = ca.init("Example City Certification Authority", who());
  ASSERT_TRUE(root);
  EXPECT_EQ(root->first.public_key()->algorithm(), crypto::KeyAlgorithm::ed25519);
  auto rec = ca.issue(seal_input(), who());
  ASSERT_TRUE(rec) << rec.error().key;
  auto cert = *Certificate::from_pem(rec->pem);
  EXPECT_EQ(cert.public_key()->algorithm(), crypto::KeyAlgorithm::ed25519);
  EXPECT_TRUE(cert.signed_by(*root->first.public_key()));
  EXPECT_EQ(ca.check(cert, now())->state, CertificateState::valid);
  ASSERT_TRUE(ca.revoke(rec->id, RevocationReason::superseded, "", who()));
  auto entries = read_crl(*ca.crl(), *root->first.public_key());
  ASSERT_TRUE(entries) << entries.error().key;
  EXPECT_EQ(entries->size(), 1u);
}
