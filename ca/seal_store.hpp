// Electronic seals (电子印章): each organ has one or more — its 公章 and any
// 业务专用章 — each bound to a seal certificate of the platform CA and shown
// as a red round image generated from the organ's name (or uploaded by the
// security administrator). Applying a seal to a document checks the signer's
// second factor, signs the document's SM3 digest with the seal certificate's
// key (ca/seal_signature.hpp) and records the use, audited in the same
// transaction. Verification answers, for anyone: intact or altered, who
// sealed it and when, and the certificate's state at that time.
//
// Who may do what is the routes' business (permissions ca.seal.*); the store
// checks the data. Thread-safe.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "audit/audit_log.hpp"
#include "ca/authority.hpp"
#include "ca/seal_signature.hpp"
#include "identity/account_store.hpp"
#include "identity/organ_store.hpp"
#include "identity/second_factor_store.hpp"

namespace yiwang::ca {

enum class SealKind { official, business };  // 公章, 业务专用章
std::string_view seal_kind_name(SealKind k);
std::optional<SealKind> parse_seal_kind(std::string_view name);

struct Seal {
  long long id = 0;
  long long organ_id = 0;
  std::string organ_name;
  std::string name;  // "示范市人民政府 公章", "示范市市场监督管理局 行政审批专用章"
  SealKind kind = SealKind::official;
  std::string lower_text;
  long long certificate_id = 0;
  std::string certificate_serial;
  bool active = true;
  bool uploaded_image = false;
  std::string created_at;
  long long version = 0;
};

struct SealUse {
  long long id = 0;
  long long seal_id = 0;
  std::string signer_account, signer;
  std::string document, digest;
  long long size = 0;
  std::string signed_at;
  std::string certificate_serial;
};

// The answer to "is this document sealed, and by whom".
enum class SealVerdict {
  valid,                // intact, signature good, certificate valid when sealed
  altered,              // the document is not the one that was sealed
  bad_signature,        // the signature does not match what it claims (forged or changed)
  certificate_invalid,  // intact and well signed, but the certificate was not valid then
                        // (revoked, expired, not yet valid, another CA's, unknown)
  malformed,            // not a seal signature of this platform's format
};
std::string_view verdict_name(SealVerdict v);

struct SealVerification {
  SealVerdict verdict = SealVerdict::malformed;
  std::optional<SealClaims> claims;
  CertificateCheck certificate;
  std::string certificate_subject;
  bool recorded = false;  // the platform's use log has this signature
  bool signature_good = false;
  bool document_intact = false;
};

class SealStore {
 public:
  SealStore(db::Database& db, Authority& authority, identity::OrganStore& organs,
            identity::SecondFactorStore& second_factor)
      : db_(db), authority_(authority), organs_(organs), second_factor_(second_factor) {}

  static std::vector<db::Migration> migrations();

  struct NewSeal {
    long long organ_id = 0;
    SealKind kind = SealKind::official;
    std::string lower_text;  // required for a business seal, e.g. "行政审批专用章"
    int valid_days = 730;
  };
  // Issues the seal certificate and draws the image. Errors name the field.
  Result<Seal> create(const NewSeal& input, audit::AuditEvent who);
  // Replaces the generated image with a PNG (≤ 512 KiB, 64…2048 px square-ish).
  Result<Seal> upload_image(long long id, std::string_view png, long long expected_version,
                            audit::AuditEvent who);
  // Stops the seal and revokes its certificate (cessation of operation).
  Result<Seal> retire(long long id, long long expected_version, audit::AuditEvent who);

  Result<std::optional<Seal>> get(long long id);
  struct Page {
    std::vector<Seal> seals;
    long long total = 0;
  };
  // Seals, optionally of some organs only, by organ then id.
  Result<Page> list(const std::optional<std::vector<long long>>& organs, int offset, int limit);
  // The image: PNG bytes, or SVG text (generated images only; uploaded ones
  // have no SVG: "ca.seal.no_svg").
  Result<std::string> image(long long id, bool svg);

  struct ApplyInput {
    long long seal_id = 0;
    std::string document_name;
    std::string content;
    std::string code;  // the signer's authenticator code
  };
  struct Applied {
    SealUse use;
    SignatureFile signature;
  };
  Result<Applied> apply(const ApplyInput& input, const identity::Account& signer,
                        audit::AuditEvent who);
  // Seals a document the platform issues in a process (a procedure document
  // of a case, an electronic licence) inside the caller's transaction, for the
  // civil servant whose decision it carries out: they signed in with their
  // second factor and took the decision in the process, so no code is asked
  // again. The use log and the audit record name them ("(process)").
  Result<Applied> apply_in_process(soci::session& s, long long seal_id,
                                   const std::string& document_name, std::string_view content,
                                   const identity::Account& signer, const audit::AuditEvent& who);
  // The seal of an organ's process documents: its active business seal
  // (业务专用章), else its active official seal; nothing when it has neither.
  Result<std::optional<Seal>> process_seal(long long organ_id);
  struct UsePage {
    std::vector<SealUse> uses;
    long long total = 0;
  };
  Result<UsePage> uses(long long seal_id, int offset, int limit);

  // Checks a document against a signature file.
  Result<SealVerification> verify(std::string_view content, const SignatureFile& signature);

 private:
  struct Prepared;
  Result<Prepared> prepare(long long seal_id, const std::string& document_name,
                           std::string_view content, const identity::Account& signer, Time at);
  static Applied record_use(soci::session& s, const Prepared& p, const identity::Account& signer,
                            const audit::AuditEvent& who, const std::string& note);

  db::Database& db_;
  Authority& authority_;
  identity::OrganStore& organs_;
  identity::SecondFactorStore& second_factor_;
};

}  // namespace yiwang::ca
