// The detached signature an electronic seal (电子印章) produces, and the
// files it travels in.
//
// What is signed is a short UTF-8 text, one "name: value" line each in a
// fixed order, so anyone can read it and check it with the stock command
// line (docs/operator-guide.md):
//
//   yiwang-seal/1
//   digest-algorithm: SM3
//   digest: <SM3 of the document, hex>
//   size: <bytes>
//   document: <file name>
//   organ: <organ name>
//   organ-code: <统一社会信用代码>
//   seal: <seal name>
//   seal-id: <id>
//   signer: <real name>
//   signer-account: <sign-in name>
//   time: <UTC, YYYY-MM-DDTHH:MM:SSZ>
//   certificate: <serial, hex>
//
// signed with SM2/SM3 and the standard ID by the seal certificate's key.
// The signature file (.ywsig) is JSON: {"format", "signed", "signature"
// (base64 DER), "certificate" (PEM)}. A document may carry its signature
// at its end, after a line "%YIWANG-SEAL-1 <base64 of the JSON>"; PDF
// readers ignore such a trailing comment.
//
// Pure; thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "ca/x509.hpp"
#include "core/error.hpp"

namespace yiwang::ca {

struct SealClaims {
  std::string digest;  // hex
  long long size = 0;
  std::string document;
  std::string organ, organ_code;
  std::string seal;
  long long seal_id = 0;
  std::string signer, signer_account;
  Time signed_at{};
  std::string certificate;  // serial, hex
};

// The text that is signed. Line breaks inside values become spaces.
std::string seal_tbs(const SealClaims& claims);
// "ca.signature.malformed" unless it is exactly what seal_tbs() writes.
Result<SealClaims> parse_seal_tbs(std::string_view text);

struct SignatureFile {
  std::string signed_text;  // seal_tbs()
  std::string signature;    // DER
  std::string certificate_pem;
};

std::string signature_json(const SignatureFile& file);
// "ca.signature.malformed" when it is not a signature file of this format.
Result<SignatureFile> parse_signature_json(std::string_view json);

// The document with its signature appended, and back. extract_signature()
// returns nullopt when the document carries no signature.
std::string embed_signature(std::string_view content, const SignatureFile& file);
std::optional<std::pair<std::string, SignatureFile>> extract_signature(std::string_view document);

}  // namespace yiwang::ca
