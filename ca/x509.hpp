// X.509 v3 certificates and CRLs of the platform CA, through OpenSSL 3.
//
// Certificates are signed with SM2/SM3 (or Ed25519 where configured); SM2
// signatures carry the GB/T 32918 default ID "1234567812345678", so the
// stock command line checks them with
//   openssl verify -vfyopt distid:1234567812345678 -CAfile root.pem cert.pem
// (docs/operator-guide.md lists the commands; a test runs them).
//
// Pure: no database. Certificates are immutable values; thread-safe.
#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <openssl/types.h>

#include "core/error.hpp"
#include "crypto/keys.hpp"

namespace yiwang::ca {

using Time = std::chrono::sys_seconds;

// UTC times as stored: "YYYY-MM-DDTHH:MM:SSZ".
std::string format_time(Time t);
std::optional<Time> parse_time(std::string_view text);

struct DistinguishedName {
  std::string country = "CN";
  std::string organisation;   // O: the organ, or the platform for the root
  std::string unit;           // OU: department or purpose (optional)
  std::string common_name;    // CN
  std::string serial_number;  // serialNumber: organ code, account name or node id (optional)

  // "CN=…, OU=…, O=…, C=CN" for pages and logs.
  std::string text() const;
};

// What a certificate is for; decides its extensions.
enum class CertificateKind {
  root,      // the platform's root CA: keyCertSign, cRLSign
  seal,      // an organ's seal (电子印章): digitalSignature, nonRepudiation
  personal,  // a civil servant's signing certificate: digitalSignature, nonRepudiation
  node,      // an exchange node: TLS server and client, message signing
};
std::string_view kind_name(CertificateKind k);
std::optional<CertificateKind> parse_kind(std::string_view name);

struct CertificateRequest {
  CertificateKind kind = CertificateKind::seal;
  DistinguishedName subject;
  Time not_before{}, not_after{};
  std::vector<std::string> dns_names;  // node: subjectAltName DNS entries
  std::string crl_url;                 // cRLDistributionPoints, when known
};

class Certificate {
 public:
  // "ca.certificate.unreadable" when it is not a certificate.
  static Result<Certificate> from_pem(std::string_view pem);
  static Result<Certificate> from_der(std::string_view der);

  std::string pem() const;
  std::string der() const;
  // Lower-case hex of the serial number.
  std::string serial() const;
  DistinguishedName subject() const;
  DistinguishedName issuer() const;
  Time not_before() const;
  Time not_after() const;
  bool is_ca() const;
  // "ca.certificate.algorithm" for a key that is neither SM2 nor Ed25519.
  Result<crypto::PublicKey> public_key() const;
  // SM3 of the DER, hex: the certificate's fingerprint.
  std::string fingerprint() const;
  // Whether the certificate's signature verifies under the issuer's key.
  bool signed_by(const crypto::PublicKey& issuer) const;

  X509* handle() const { return cert_.get(); }

 private:
  explicit Certificate(std::shared_ptr<X509> c) : cert_(std::move(c)) {}
  friend Certificate issue(const CertificateRequest&, const crypto::PublicKey&, const Certificate*,
                           const crypto::PrivateKey&);
  std::shared_ptr<X509> cert_;
};

// Issues a certificate for `subject_key`, signed with `issuer_key`. With no
// issuer certificate the certificate is self-signed (the root). The serial
// is 16 random bytes.
Certificate issue(const CertificateRequest& request, const crypto::PublicKey& subject_key,
                  const Certificate* issuer, const crypto::PrivateKey& issuer_key);

// CRL reason codes (RFC 5280 §5.3.1) the CA uses.
enum class RevocationReason {
  unspecified = 0,
  key_compromise = 1,
  affiliation_changed = 3,
  superseded = 4,
  cessation_of_operation = 5,
  certificate_hold = 6,
};
std::string_view reason_name(RevocationReason r);
std::optional<RevocationReason> parse_reason(std::string_view name);
const std::vector<RevocationReason>& all_reasons();

struct RevokedEntry {
  std::string serial;  // hex
  Time revoked_at{};
  RevocationReason reason = RevocationReason::unspecified;
};

// A signed CRL (DER) listing the revoked certificates.
std::string make_crl(const Certificate& issuer, const crypto::PrivateKey& issuer_key,
                     long long number, Time this_update, Time next_update,
                     const std::vector<RevokedEntry>& revoked);
// The entries of a CRL (DER) that verifies under the issuer's key;
// "ca.crl.unreadable" or "ca.crl.bad_signature" otherwise.
Result<std::vector<RevokedEntry>> read_crl(std::string_view der, const crypto::PublicKey& issuer);
// PEM armour for a DER CRL.
std::string crl_pem(std::string_view der);

}  // namespace yiwang::ca
