// SM2 (GB/T 32918) and Ed25519 keys: the published example on the recommended
// curve, round trips, and the refusals a verifier relies on.
#include <gtest/gtest.h>

#include "crypto/bytes.hpp"
#include "crypto/keys.hpp"

using namespace yiwang::crypto;

namespace {
// The signature example on the recommended curve (GB/T 32918.5 / GM/T 0003.5):
// d, the public point, ID "1234567812345678", M "message digest", and (r, s).
const std::string kD = "3945208f7b2144b13f36e38ac6d39f95889393692860b51a42fb81ef4df7c5b8";
const std::string kPoint =
    "0409f9df311e5421a150dd7d161e4bc5c672179fad1833fc076bb08ff356f35020"
    "ccea490ce26775a52dc6ea718cc1aa600aed05fbf35e084a6632f6072da9ad13";
const std::string kSig =
    "f5a03b0648d2c4630eeac513e1bb81a15944da3827d5b74143ac7eaceee720b3"
    "b1b6aa29df212fd8763182bc0d421ca1bb9038fd1f7f42d4840b69c485bbc1aa";

PublicKey standard_public() { return *PublicKey::from_sm2_point(*unhex(kPoint)); }
}  // namespace

TEST(Sm2, StandardExampleVerifies) {
  auto pub = standard_public();
  EXPECT_TRUE(pub.verify("message digest", *unhex(kSig), "1234567812345678"));
  EXPECT_TRUE(pub.verify("message digest", *unhex(kSig)));  // the default ID
  EXPECT_TRUE(pub.verify("message digest", *sm2_signature_der(*unhex(kSig))));
}

TEST(Sm2, StandardExampleRefusesChanges) {
  auto pub = standard_public();
  std::string sig = *unhex(kSig);
  EXPECT_FALSE(pub.verify("message digesT", sig));
  EXPECT_FALSE(pub.verify("message digest", sig, "1234567812345679"));
  EXPECT_FALSE(pub.verify("message digest", sig, ""));  // OpenSSL's own default
  for (std::size_t i = 0; i < sig.size(); i += 7) {
    std::string t = sig;
    t[i] = static_cast<char>(t[i] ^ 0x80);
    EXPECT_FALSE(pub.verify("message digest", t)) << "byte " << i;
  }
  EXPECT_FALSE(pub.verify("message digest", sig.substr(0, 63)));
  EXPECT_FALSE(pub.verify("message digest", ""));
}

TEST(Sm2, PrivateScalarGivesTheStandardPublicKey) {
  auto key = PrivateKey::from_sm2_scalar(*unhex(kD));
  ASSERT_TRUE(key);
  EXPECT_EQ(hex(key->public_key().raw()), kPoint);
  EXPECT_EQ(hex(std::string(key->raw().view())), kD);
}

TEST(Sm2, DigestMatchesTheMessageForm) {
  auto pub = standard_public();
  auto e = pub.sm2_digest("message digest");
  EXPECT_TRUE(pub.verify_digest(bytes_of(e), *unhex(kSig)));
  EXPECT_FALSE(
      pub.verify_digest(bytes_of(pub.sm2_digest("message digest", "other id")), *unhex(kSig)));
  // e for the standard example (SM3 of Z ‖ M).
  EXPECT_EQ(to_hex(e), "f0b43e94ba45accaace692ed534382eb17e6ab5a19ce7b31f4486fdfc0d28640");
}

TEST(Sm2, SignVerifyRoundTrip) {
  auto key = PrivateKey::generate(KeyAlgorithm::sm2);
  auto pub = key.public_key();
  std::string msg = "关于印发《一网通办工作方案》的通知";
  auto sig = key.sign(msg);
  EXPECT_TRUE(pub.verify(msg, sig));
  EXPECT_TRUE(pub.verify(msg, *sm2_signature_raw(sig)));
  EXPECT_FALSE(pub.verify(msg + " ", sig));
  EXPECT_FALSE(pub.verify(msg, sig, "another signer"));
  auto other = PrivateKey::generate(KeyAlgorithm::sm2).public_key();
  EXPECT_FALSE(other.verify(msg, sig));
  auto with_id = key.sign(msg, "zhangwei@yiwang");
  EXPECT_TRUE(pub.verify(msg, with_id, "zhangwei@yiwang"));
  EXPECT_FALSE(pub.verify(msg, with_id));
  auto d = key.sign_digest(bytes_of(pub.sm2_digest(msg)));
  EXPECT_TRUE(pub.verify(msg, d));
}

TEST(Sm2, KeysSurviveTheirEncodings) {
  auto key = PrivateKey::generate(KeyAlgorithm::sm2);
  auto again = PrivateKey::from_der(key.der().view());
  ASSERT_TRUE(again);
  EXPECT_EQ(again->algorithm(), KeyAlgorithm::sm2);
  EXPECT_EQ(again->public_key().raw(), key.public_key().raw());
  auto from_pem = PrivateKey::from_pem(key.pem().view());
  ASSERT_TRUE(from_pem);
  EXPECT_EQ(from_pem->public_key().raw(), key.public_key().raw());
  auto pub = PublicKey::from_pem(key.public_key().pem());
  ASSERT_TRUE(pub);
  EXPECT_TRUE(pub->verify("m", key.sign("m")));
  EXPECT_EQ(PublicKey::from_der(key.public_key().der())->raw(), key.public_key().raw());
}

TEST(Sm2, RefusesWhatIsNotAKey) {
  std::string point = *unhex(kPoint);
  point[64] = static_cast<char>(point[64] ^ 1);  // off the curve
  EXPECT_EQ(PublicKey::from_sm2_point(point).error().key, "crypto.key.bad_point");
  EXPECT_EQ(PublicKey::from_sm2_point(point.substr(1)).error().key, "crypto.key.bad_point");
  EXPECT_EQ(PublicKey::from_der("not DER").error().key, "crypto.key.unreadable");
  EXPECT_EQ(PrivateKey::from_pem("-----BEGIN PRIVATE KEY-----\n").error().key,
            "crypto.key.unreadable");
  EXPECT_EQ(PrivateKey::from_sm2_scalar(std::string(32, '\0')).error().key,
            "crypto.key.bad_scalar");
  EXPECT_EQ(PrivateKey::from_sm2_scalar(std::string(32, '\xff')).error().key,
            "crypto.key.bad_scalar");  // beyond the order
  EXPECT_EQ(PrivateKey::from_sm2_scalar("short").error().key, "crypto.key.bad_scalar");
}

TEST(Sm2, EncryptionRoundTripAndRefusals) {
  auto key = PrivateKey::generate(KeyAlgorithm::sm2);
  auto ct = key.public_key().encrypt("SM4 data key: 0123456789abcdef");
  ASSERT_TRUE(ct);
  auto back = key.decrypt(*ct);
  ASSERT_TRUE(back);
  EXPECT_EQ(*back, "SM4 data key: 0123456789abcdef");
  std::string t = *ct;
  t[t.size() - 1] = static_cast<char>(t[t.size() - 1] ^ 1);
  EXPECT_EQ(key.decrypt(t).error().key, "crypto.key.decrypt");
  EXPECT_EQ(PrivateKey::generate(KeyAlgorithm::sm2).decrypt(*ct).error().key, "crypto.key.decrypt");
  auto ed = PrivateKey::generate(KeyAlgorithm::ed25519);
  EXPECT_EQ(ed.public_key().encrypt("x").error().key, "crypto.key.not_sm2");
}

TEST(Sm2, SignatureForms) {
  std::string raw = *unhex(kSig);
  auto der = sm2_signature_der(raw);
  ASSERT_TRUE(der);
  EXPECT_EQ((*der)[0], 0x30);
  EXPECT_EQ(sm2_signature_raw(*der), raw);
  EXPECT_EQ(sm2_signature_der(*der), der);
  EXPECT_FALSE(sm2_signature_der("garbage"));
  EXPECT_FALSE(sm2_signature_der(*der + "x"));  // trailing bytes
}

TEST(Ed25519, Rfc8032TestOne) {
  auto key = PrivateKey::from_ed25519_seed(
      *unhex("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60"));
  ASSERT_TRUE(key);
  EXPECT_EQ(hex(key->public_key().raw()),
            "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a");
  std::string sig = key->sign("");
  EXPECT_EQ(
      hex(sig),
      "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e397"
      "01cf9b46bd25bf5f0595bbe24655141438e7a100b");
  EXPECT_TRUE(key->public_key().verify("", sig));
  EXPECT_FALSE(key->public_key().verify("x", sig));
  auto pub = PublicKey::from_ed25519(key->public_key().raw());
  ASSERT_TRUE(pub);
  EXPECT_EQ(pub->algorithm(), KeyAlgorithm::ed25519);
  EXPECT_TRUE(pub->verify("", sig));
}

TEST(Ed25519, RoundTripThroughDer) {
  auto key = PrivateKey::generate(KeyAlgorithm::ed25519);
  auto again = PrivateKey::from_der(key.der().view());
  ASSERT_TRUE(again);
  EXPECT_EQ(again->algorithm(), KeyAlgorithm::ed25519);
  EXPECT_TRUE(key.public_key().verify("doc", again->sign("doc")));
  EXPECT_FALSE(key.public_key().verify("doc", std::string(64, '\0')));
}
