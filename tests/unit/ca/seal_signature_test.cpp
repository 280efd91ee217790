// The signed text of a seal and the files it travels in: one written form,
// read back exactly, anything else refused.
#include <gtest/gtest.h>

#include "ca/seal_signature.hpp"

using namespace yiwang::ca;

namespace {
SealClaims sample() {
  SealClaims c;
  c.digest = std::string(64, 'a');
  c.size = 1234;
  c.document = "通知.pdf";
  c.organ = "示范市人民政府";
  c.organ_code = "11350100MB0000001X";
  c.seal = "示范市人民政府 公章";
  c.seal_id = 7;
  c.signer = "张伟";
  c.signer_account = "zhangwei";
  c.signed_at = *parse_time("2026-11-28T05:00:00Z");
  c.certificate = "4abc01";
  return c;
}
}  // namespace

TEST(SealSignature, TextRoundTrips) {
  std::string text = seal_tbs(sample());
  EXPECT_TRUE(text.starts_with("yiwang-seal/1\ndigest-algorithm: SM3\n"));
  EXPECT_NE(text.find("\ntime: 2026-11-28T05:00:00Z\n"), std::string::npos);
  auto back = parse_seal_tbs(text);
  ASSERT_TRUE(back);
  EXPECT_EQ(back->signer, "张伟");
  EXPECT_EQ(back->signed_at, sample().signed_at);
  EXPECT_EQ(seal_tbs(*back), text);
}

TEST(SealSignature, LineBreaksInValuesCannotAddLines) {
  SealClaims c = sample();
  c.document = "a.pdf\nsigner: 李明";
  std::string text = seal_tbs(c);
  auto back = parse_seal_tbs(text);
  ASSERT_TRUE(back);
  EXPECT_EQ(back->document, "a.pdf signer: 李明");
  EXPECT_EQ(back->signer, "张伟");
}

TEST(SealSignature, AnyOtherFormIsRefused) {
  std::string text = seal_tbs(sample());
  for (std::string bad : {std::string(), text.substr(1), text + "extra: 1\n",
                          text.substr(0, text.size() - 1), "yiwang-seal/2" + text.substr(13)}) {
    auto r = parse_seal_tbs(bad);
    ASSERT_FALSE(r) << bad;
    EXPECT_EQ(r.error().key, "ca.signature.malformed");
  }
  std::string upper = text;
  upper.replace(upper.find("digest: ") + 8, 1, "A");  // hex must be lower case
  EXPECT_FALSE(parse_seal_tbs(upper));
  std::string bad_time = text;
  bad_time.replace(bad_time.find("2026-11-28T05"), 10, "2026-13-28");
  EXPECT_FALSE(parse_seal_tbs(bad_time));
}

TEST(SealSignature, FilesAndEmbeddedSignatures) {
  SignatureFile f{seal_tbs(sample()), std::string("\x30\x44\x02\x20", 4),
                  "-----BEGIN CERTIFICATE-----\n"};
  auto back = parse_signature_json(signature_json(f));
  ASSERT_TRUE(back);
  EXPECT_EQ(back->signed_text, f.signed_text);
  EXPECT_EQ(back->signature, f.signature);
  EXPECT_EQ(back->certificate_pem, f.certificate_pem);
  EXPECT_FALSE(parse_signature_json("not json"));
  EXPECT_FALSE(parse_signature_json("{\"format\":\"yiwang-seal-signature/1\"}"));
  std::string pdf = "%PDF-1.7\n...\n%%EOF\n";
  std::string carried = embed_signature(pdf, f);
  EXPECT_TRUE(carried.starts_with(pdf));
  auto x = extract_signature(carried);
  ASSERT_TRUE(x);
  EXPECT_EQ(x->first, pdf);
  EXPECT_EQ(x->second.signed_text, f.signed_text);
  EXPECT_FALSE(extract_signature(pdf));
  EXPECT_FALSE(extract_signature(carried + "tail"));
}
