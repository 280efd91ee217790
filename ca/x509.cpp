#include "ca/x509.hpp"

#include <array>
#include <ctime>
#include <stdexcept>

#include <fmt/chrono.h>
#include <fmt/format.h>
#include <openssl/asn1.h>
#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "crypto/bytes.hpp"
#include "crypto/sm3.hpp"

namespace yiwang::ca {

namespace {

struct ClearErrors {
  ~ClearErrors() { ERR_clear_error(); }
};

const unsigned char* u8(std::string_view s) {
  return reinterpret_cast<const unsigned char*>(s.data());
}

void check(int ok, const char* what) {
  if (ok != 1) throw std::runtime_error(std::string("X.509: ") + what + " failed");
}

// Gives an SM2-signed object the ID its signature was made with, so
// OpenSSL's own verification (X509_verify) computes Z the same way.
void set_sm2_id(X509* x) {
  ASN1_OCTET_STRING* id = ASN1_OCTET_STRING_new();
  ASN1_OCTET_STRING_set(id, u8(crypto::kSm2DefaultId),
                        static_cast<int>(crypto::kSm2DefaultId.size()));
  X509_set0_distinguishing_id(x, id);
}

std::shared_ptr<X509> own(X509* x) {
  if (X509_get_signature_nid(x) == NID_SM2_with_SM3) set_sm2_id(x);
  return std::shared_ptr<X509>(x, X509_free);
}

// Signs with the key: SM2 with SM3 and the standard ID, or Ed25519.
template <class Sign>
void sign_with(const crypto::PrivateKey& key, Sign sign) {
  EVP_MD_CTX* m = EVP_MD_CTX_new();
  bool ok = false;
  if (key.algorithm() == crypto::KeyAlgorithm::sm2) {
    EVP_PKEY_CTX* p = EVP_PKEY_CTX_new_from_pkey(nullptr, key.handle(), nullptr);
    ok = p && EVP_PKEY_CTX_set1_id(p, crypto::kSm2DefaultId.data(),
                                   static_cast<int>(crypto::kSm2DefaultId.size())) == 1;
    if (ok) {
      EVP_MD_CTX_set_pkey_ctx(m, p);
      ok = EVP_DigestSignInit(m, nullptr, EVP_get_digestbyname("SM3"), nullptr, key.handle()) == 1;
    } else {
      EVP_PKEY_CTX_free(p);
    }
  } else {
    ok = EVP_DigestSignInit(m, nullptr, nullptr, nullptr, key.handle()) == 1;
  }
  ok = ok && sign(m) > 0;
  if (key.algorithm() == crypto::KeyAlgorithm::sm2) {
    EVP_PKEY_CTX* p = EVP_MD_CTX_get_pkey_ctx(m);
    EVP_MD_CTX_set_pkey_ctx(m, nullptr);
    EVP_PKEY_CTX_free(p);
  }
  EVP_MD_CTX_free(m);
  if (!ok) throw std::runtime_error("X.509: signing failed");
}

void add_entry(X509_NAME* name, const char* field, const std::string& value) {
  if (value.empty()) return;
  check(X509_NAME_add_entry_by_txt(name, field, MBSTRING_UTF8, u8(value),
                                   static_cast<int>(value.size()), -1, 0),
        "name entry");
}

X509_NAME* make_name(const DistinguishedName& dn) {
  X509_NAME* name = X509_NAME_new();
  add_entry(name, "C", dn.country);
  add_entry(name, "O", dn.organisation);
  add_entry(name, "OU", dn.unit);
  add_entry(name, "CN", dn.common_name);
  add_entry(name, "serialNumber", dn.serial_number);
  return name;
}

std::string entry(const X509_NAME* name, int nid) {
  int i = X509_NAME_get_index_by_NID(name, nid, -1);
  if (i < 0) return {};
  unsigned char* utf8 = nullptr;
  int n = ASN1_STRING_to_UTF8(&utf8, X509_NAME_ENTRY_get_data(X509_NAME_get_entry(name, i)));
  if (n < 0) return {};
  std::string out(reinterpret_cast<char*>(utf8), static_cast<std::size_t>(n));
  OPENSSL_free(utf8);
  return out;
}

DistinguishedName read_name(const X509_NAME* name) {
  DistinguishedName dn;
  dn.country = entry(name, NID_countryName);
  dn.organisation = entry(name, NID_organizationName);
  dn.unit = entry(name, NID_organizationalUnitName);
  dn.common_name = entry(name, NID_commonName);
  dn.serial_number = entry(name, NID_serialNumber);
  return dn;
}

Time read_time(const ASN1_TIME* t) {
  std::tm tm{};
  if (!t || ASN1_TIME_to_tm(t, &tm) != 1) return Time{};
  return Time(std::chrono::seconds(timegm(&tm)));
}

void add_ext(X509* x, X509V3_CTX* ctx, int nid, const std::string& value) {
  X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, ctx, nid, value.c_str());
  if (!ext) throw std::runtime_error("X.509: extension " + value + " failed");
  X509_add_ext(x, ext, -1);
  X509_EXTENSION_free(ext);
}

std::string serial_hex(const ASN1_INTEGER* serial) {
  BIGNUM* bn = ASN1_INTEGER_to_BN(serial, nullptr);
  char* h = BN_bn2hex(bn);
  std::string out(h);
  OPENSSL_free(h);
  BN_free(bn);
  for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

ASN1_INTEGER* serial_from_hex(const std::string& hex) {
  BIGNUM* bn = nullptr;
  if (!BN_hex2bn(&bn, hex.c_str())) throw std::invalid_argument("bad serial " + hex);
  ASN1_INTEGER* out = BN_to_ASN1_INTEGER(bn, nullptr);
  BN_free(bn);
  return out;
}

template <class Write>
std::string to_pem(Write write) {
  BIO* bio = BIO_new(BIO_s_mem());
  check(write(bio), "PEM encoding");
  char* data = nullptr;
  long n = BIO_get_mem_data(bio, &data);
  std::string out(data, static_cast<std::size_t>(n));
  BIO_free(bio);
  return out;
}

constexpr std::array<std::pair<RevocationReason, std::string_view>, 6> kReasons = {{
    {RevocationReason::unspecified, "unspecified"},
    {RevocationReason::key_compromise, "key_compromise"},
    {RevocationReason::affiliation_changed, "affiliation_changed"},
    {RevocationReason::superseded, "superseded"},
    {RevocationReason::cessation_of_operation, "cessation_of_operation"},
    {RevocationReason::certificate_hold, "certificate_hold"},
}};

constexpr std::array<std::string_view, 4> kKinds = {"root", "seal", "personal", "node"};

}  // namespace

std::string format_time(Time t) { return fmt::format("{:%Y-%m-%dT%H:%M:%SZ}", t); }

std::optional<Time> parse_time(std::string_view text) {
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, s = 0;
  char z = 0;
  std::string str(text);
  if (str.size() != 20 ||
      std::sscanf(str.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d%c", &y, &mo, &d, &h, &mi, &s, &z) != 7 ||
      z != 'Z')
    return std::nullopt;
  std::chrono::year_month_day ymd{std::chrono::year(y),
                                  std::chrono::month(static_cast<unsigned>(mo)),
                                  std::chrono::day(static_cast<unsigned>(d))};
  if (!ymd.ok() || h > 23 || mi > 59 || s > 60) return std::nullopt;
  return Time(std::chrono::sys_days(ymd)) + std::chrono::hours(h) + std::chrono::minutes(mi) +
         std::chrono::seconds(s);
}

std::string DistinguishedName::text() const {
  std::string out;
  auto add = [&](const char* k, const std::string& v) {
    if (v.empty()) return;
    if (!out.empty()) out += ", ";
    out += k;
    out += "=";
    out += v;
  };
  add("CN", common_name);
  add("OU", unit);
  add("O", organisation);
  add("serialNumber", serial_number);
  add("C", country);
  return out;
}

std::string_view kind_name(CertificateKind k) { return kKinds[static_cast<std::size_t>(k)]; }

std::optional<CertificateKind> parse_kind(std::string_view name) {
  for (std::size_t i = 0; i < kKinds.size(); ++i)
    if (kKinds[i] == name) return static_cast<CertificateKind>(i);
  return std::nullopt;
}

std::string_view reason_name(RevocationReason r) {
  for (const auto& [reason, name] : kReasons)
    if (reason == r) return name;
  return "unspecified";
}

std::optional<RevocationReason> parse_reason(std::string_view name) {
  for (const auto& [reason, n] : kReasons)
    if (n == name) return reason;
  return std::nullopt;
}

const std::vector<RevocationReason>& all_reasons() {
  static const std::vector<RevocationReason> all = [] {
    std::vector<RevocationReason> v;
    for (const auto& [reason, name] : kReasons) v.push_back(reason);
    return v;
  }();
  return all;
}

// ---- Certificate ----------------------------------------------------------

Result<Certificate> Certificate::from_pem(std::string_view pem) {
  ClearErrors clear;
  BIO* bio = BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size()));
  X509* x = PEM_read_bio_X509(bio, nullptr, nullptr, nullptr);
  BIO_free(bio);
  if (!x) return fail("ca.certificate.unreadable");
  return Certificate(own(x));
}

Result<Certificate> Certificate::from_der(std::string_view der) {
  ClearErrors clear;
  const unsigned char* p = u8(der);
  X509* x = d2i_X509(nullptr, &p, static_cast<long>(der.size()));
  if (!x) return fail("ca.certificate.unreadable");
  if (p != u8(der) + der.size()) {
    X509_free(x);
    return fail("ca.certificate.unreadable");
  }
  return Certificate(own(x));
}

std::string Certificate::pem() const {
  return to_pem([&](BIO* b) { return PEM_write_bio_X509(b, cert_.get()); });
}

std::string Certificate::der() const {
  unsigned char* buf = nullptr;
  int n = i2d_X509(cert_.get(), &buf);
  if (n <= 0) throw std::runtime_error("X.509: encoding failed");
  std::string out(reinterpret_cast<char*>(buf), static_cast<std::size_t>(n));
  OPENSSL_free(buf);
  return out;
}

std::string Certificate::serial() const { return serial_hex(X509_get0_serialNumber(cert_.get())); }

DistinguishedName Certificate::subject() const {
  return read_name(X509_get_subject_name(cert_.get()));
}

DistinguishedName Certificate::issuer() const {
  return read_name(X509_get_issuer_name(cert_.get()));
}

Time Certificate::not_before() const { return read_time(X509_get0_notBefore(cert_.get())); }
Time Certificate::not_after() const { return read_time(X509_get0_notAfter(cert_.get())); }

bool Certificate::is_ca() const { return X509_check_ca(cert_.get()) >= 1; }

Result<crypto::PublicKey> Certificate::public_key() const {
  auto key = crypto::PublicKey::adopt(X509_get0_pubkey(cert_.get()));
  if (!key) return fail("ca.certificate.algorithm");
  return key;
}

std::string Certificate::fingerprint() const { return crypto::to_hex(crypto::sm3(der())); }

bool Certificate::signed_by(const crypto::PublicKey& issuer) const {
  ClearErrors clear;
  return X509_verify(cert_.get(), issuer.handle()) == 1;
}

Certificate issue(const CertificateRequest& req, const crypto::PublicKey& subject_key,
                  const Certificate* issuer, const crypto::PrivateKey& issuer_key) {
  X509* x = X509_new();
  std::shared_ptr<X509> guard(x, X509_free);
  check(X509_set_version(x, 2), "version");
  std::string serial = crypto::random_bytes(16);
  serial[0] = static_cast<char>((serial[0] & 0x7f) | 0x40);  // positive, full length
  ASN1_INTEGER* sn = serial_from_hex(crypto::hex(serial));
  X509_set_serialNumber(x, sn);
  ASN1_INTEGER_free(sn);
  X509_NAME* subject = make_name(req.subject);
  X509_set_subject_name(x, subject);
  X509_NAME_free(subject);
  X509_set_issuer_name(x,
                       issuer ? X509_get_subject_name(issuer->handle()) : X509_get_subject_name(x));
  ASN1_TIME_set(X509_getm_notBefore(x), req.not_before.time_since_epoch().count());
  ASN1_TIME_set(X509_getm_notAfter(x), req.not_after.time_since_epoch().count());
  check(X509_set_pubkey(x, subject_key.handle()), "public key");

  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, issuer ? issuer->handle() : x, x, nullptr, nullptr, 0);
  add_ext(x, &ctx, NID_subject_key_identifier, "hash");
  add_ext(x, &ctx, NID_authority_key_identifier, "keyid:always");
  switch (req.kind) {
    case CertificateKind::root:
      add_ext(x, &ctx, NID_basic_constraints, "critical,CA:TRUE,pathlen:0");
      add_ext(x, &ctx, NID_key_usage, "critical,keyCertSign,cRLSign");
      break;
    case CertificateKind::seal:
    case CertificateKind::personal:
      add_ext(x, &ctx, NID_basic_constraints, "critical,CA:FALSE");
      add_ext(x, &ctx, NID_key_usage, "critical,digitalSignature,nonRepudiation");
      break;
    case CertificateKind::node: {
      add_ext(x, &ctx, NID_basic_constraints, "critical,CA:FALSE");
      add_ext(x, &ctx, NID_key_usage, "critical,digitalSignature,keyAgreement");
      add_ext(x, &ctx, NID_ext_key_usage, "serverAuth,clientAuth");
      std::string san;
      for (const auto& d : req.dns_names) san += (san.empty() ? "DNS:" : ",DNS:") + d;
      if (!san.empty()) add_ext(x, &ctx, NID_subject_alt_name, san);
      break;
    }
  }
  if (!req.crl_url.empty() && req.kind != CertificateKind::root)
    add_ext(x, &ctx, NID_crl_distribution_points, "URI:" + req.crl_url);
  sign_with(issuer_key, [&](EVP_MD_CTX* m) { return X509_sign_ctx(x, m); });
  X509_up_ref(x);
  return Certificate(own(x));
}

// ---- CRL -------------------------------------------------------------------

std::string make_crl(const Certificate& issuer, const crypto::PrivateKey& issuer_key,
                     long long number, Time this_update, Time next_update,
                     const std::vector<RevokedEntry>& revoked) {
  X509_CRL* crl = X509_CRL_new();
  std::shared_ptr<X509_CRL> guard(crl, X509_CRL_free);
  check(X509_CRL_set_version(crl, 1), "CRL version");
  check(X509_CRL_set_issuer_name(crl, X509_get_subject_name(issuer.handle())), "CRL issuer");
  ASN1_TIME* t = ASN1_TIME_new();
  ASN1_TIME_set(t, this_update.time_since_epoch().count());
  X509_CRL_set1_lastUpdate(crl, t);
  ASN1_TIME_set(t, next_update.time_since_epoch().count());
  X509_CRL_set1_nextUpdate(crl, t);
  for (const auto& r : revoked) {
    X509_REVOKED* entry = X509_REVOKED_new();
    ASN1_INTEGER* sn = serial_from_hex(r.serial);
    X509_REVOKED_set_serialNumber(entry, sn);
    ASN1_INTEGER_free(sn);
    ASN1_TIME_set(t, r.revoked_at.time_since_epoch().count());
    X509_REVOKED_set_revocationDate(entry, t);
    ASN1_ENUMERATED* code = ASN1_ENUMERATED_new();
    ASN1_ENUMERATED_set(code, static_cast<long>(r.reason));
    X509_REVOKED_add1_ext_i2d(entry, NID_crl_reason, code, 0, 0);
    ASN1_ENUMERATED_free(code);
    X509_CRL_add0_revoked(crl, entry);
  }
  ASN1_TIME_free(t);
  X509_CRL_sort(crl);
  ASN1_INTEGER* n = ASN1_INTEGER_new();
  ASN1_INTEGER_set_int64(n, number);
  X509_CRL_add1_ext_i2d(crl, NID_crl_number, n, 0, 0);
  ASN1_INTEGER_free(n);
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, issuer.handle(), nullptr, nullptr, crl, 0);
  X509_EXTENSION* aki = X509V3_EXT_conf_nid(nullptr, &ctx, NID_authority_key_identifier, "keyid");
  if (aki) {
    X509_CRL_add_ext(crl, aki, -1);
    X509_EXTENSION_free(aki);
  }
  sign_with(issuer_key, [&](EVP_MD_CTX* m) { return X509_CRL_sign_ctx(crl, m); });
  unsigned char* buf = nullptr;
  int len = i2d_X509_CRL(crl, &buf);
  if (len <= 0) throw std::runtime_error("CRL encoding failed");
  std::string out(reinterpret_cast<char*>(buf), static_cast<std::size_t>(len));
  OPENSSL_free(buf);
  return out;
}

Result<std::vector<RevokedEntry>> read_crl(std::string_view der, const crypto::PublicKey& issuer) {
  ClearErrors clear;
  const unsigned char* p = u8(der);
  X509_CRL* crl = d2i_X509_CRL(nullptr, &p, static_cast<long>(der.size()));
  if (!crl) return fail("ca.crl.unreadable");
  std::shared_ptr<X509_CRL> guard(crl, X509_CRL_free);
  // The CRL's to-be-signed part, checked like any SM2 or Ed25519 signature.
  unsigned char* tbs = nullptr;
  int tbs_len = i2d_re_X509_CRL_tbs(crl, &tbs);
  const ASN1_BIT_STRING* sig = nullptr;
  X509_CRL_get0_signature(crl, &sig, nullptr);
  bool ok =
      tbs_len > 0 && sig &&
      issuer.verify(std::string_view(reinterpret_cast<char*>(tbs), tbs_len),
                    std::string_view(reinterpret_cast<const char*>(ASN1_STRING_get0_data(sig)),
                                     ASN1_STRING_length(sig)));
  OPENSSL_free(tbs);
  if (!ok) return fail("ca.crl.bad_signature");
  std::vector<RevokedEntry> out;
  STACK_OF(X509_REVOKED)* list = X509_CRL_get_REVOKED(crl);
  for (int i = 0; i < sk_X509_REVOKED_num(list); ++i) {
    X509_REVOKED* r = sk_X509_REVOKED_value(list, i);
    RevokedEntry e;
    e.serial = serial_hex(X509_REVOKED_get0_serialNumber(r));
    e.revoked_at = read_time(X509_REVOKED_get0_revocationDate(r));
    if (auto* code = static_cast<ASN1_ENUMERATED*>(
            X509_REVOKED_get_ext_d2i(r, NID_crl_reason, nullptr, nullptr))) {
      e.reason = static_cast<RevocationReason>(ASN1_ENUMERATED_get(code));
      ASN1_ENUMERATED_free(code);
    }
    out.push_back(e);
  }
  return out;
}

std::string crl_pem(std::string_view der) {
  std::string b64 = crypto::base64(der), out = "-----BEGIN X509 CRL-----\n";
  for (std::size_t i = 0; i < b64.size(); i += 64) out += b64.substr(i, 64) + "\n";
  return out + "-----END X509 CRL-----\n";
}

}  // namespace yiwang::ca
