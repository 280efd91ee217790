// The platform CA (认证授权中心): one root certificate, created by
// `yiwang ca init` (run by `yiwang init`), and the certificates it issues to
// organs (seal certificates), civil servants (personal signing certificates)
// and exchange nodes. Private keys are generated here and kept wrapped under
// the keyring's key-encryption key (the platform signs on their holders'
// behalf: 服务器端签章). Revocation records a reason and reissues the CRL,
// which the internet zone publishes at /ca/crl.
//
// Every change is audited in its own transaction. Thread-safe.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "audit/audit_log.hpp"
#include "ca/x509.hpp"
#include "core/error.hpp"
#include "crypto/keyring.hpp"
#include "db/database.hpp"
#include "db/migration.hpp"

namespace yiwang::ca {

// A certificate as the CA keeps it.
struct CertificateRecord {
  long long id = 0;
  CertificateKind kind = CertificateKind::seal;
  std::string serial;   // hex
  std::string subject;  // DistinguishedName::text()
  std::optional<long long> organ_id, account_id;
  std::string node;  // exchange node name
  Time not_before{}, not_after{};
  bool revoked = false;
  std::optional<Time> revoked_at;
  RevocationReason reason = RevocationReason::unspecified;
  std::string revocation_note;
  std::string pem;
  std::string created_at;
};

// What a certificate's status was at a moment (a signature's time).
enum class CertificateState {
  valid,           // issued by this CA, within its validity, not revoked then
  revoked,         // revoked at or before the moment
  expired,         // the moment is after its validity
  not_yet_valid,   // the moment is before its validity
  unknown_issuer,  // not signed by this CA's root
  unknown,         // signed by the root but not in the CA's records
};
std::string_view state_name(CertificateState s);

struct CertificateCheck {
  CertificateState state = CertificateState::unknown;
  std::optional<CertificateRecord> record;
  // Revoked after the moment: valid then, but no longer.
  std::optional<Time> revoked_later_at;
};

class Authority {
 public:
  // `crl_url` is the public address of the CRL, written into certificates.
  Authority(db::Database& db, const crypto::Keyring& keys, crypto::KeyAlgorithm algorithm,
            std::string crl_url)
      : db_(db), keys_(keys), algorithm_(algorithm), crl_url_(std::move(crl_url)) {}

  static std::vector<db::Migration> migrations();

  // Creates the root CA named `name` (valid 20 years) unless one exists;
  // returns the root certificate and whether it was created now.
  Result<std::pair<Certificate, bool>> init(const std::string& name, audit::AuditEvent who);
  // The root certificate; "ca.not_initialised" before init.
  Result<Certificate> root();

  struct IssueInput {
    CertificateKind kind = CertificateKind::seal;
    DistinguishedName subject;
    int valid_days = 730;  // 1 … 3650
    std::optional<long long> organ_id, account_id;
    std::string node;
    std::vector<std::string> dns_names;
  };
  // Generates a key pair and issues a certificate for it. Errors name the
  // field: "ca.issue.bad_days", "ca.issue.no_subject".
  Result<CertificateRecord> issue(const IssueInput& input, audit::AuditEvent who);
  // The certificate's private key, unwrapped (for signing on its behalf).
  Result<crypto::PrivateKey> private_key(long long certificate_id);

  // Revokes a certificate and reissues the CRL. "ca.certificate.not_found",
  // "ca.certificate.already_revoked"; the note is free text (≤ 200).
  Result<CertificateRecord> revoke(long long certificate_id, RevocationReason reason,
                                   const std::string& note, audit::AuditEvent who);

  Result<std::optional<CertificateRecord>> find(long long id);
  Result<std::optional<CertificateRecord>> find_serial(const std::string& serial);
  struct Page {
    std::vector<CertificateRecord> certificates;
    long long total = 0;
  };
  // Certificates, newest first, optionally of one kind or one organ.
  Result<Page> list(std::optional<CertificateKind> kind, std::optional<long long> organ, int offset,
                    int limit);

  // The current CRL (DER); reissued when its next update is less than a day
  // away.
  Result<std::string> crl();

  // What a certificate was at `at`: issued by this root, in its records,
  // within its validity, not revoked.
  Result<CertificateCheck> check(const Certificate& cert, Time at);

 private:
  Result<std::string> reissue_crl(soci::session& s);

  db::Database& db_;
  const crypto::Keyring& keys_;
  crypto::KeyAlgorithm algorithm_;
  std::string crl_url_;
};

}  // namespace yiwang::ca
