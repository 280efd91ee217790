#include "ca/authority.hpp"

#include <array>

#include "core/text_rules.hpp"
#include "db/dialect.hpp"
#include "db/row_value.hpp"

namespace yiwang::ca {

namespace {

using std::chrono::days;

constexpr std::array<std::string_view, 6> kStates = {"valid",         "revoked",        "expired",
                                                     "not_yet_valid", "unknown_issuer", "unknown"};

const char* const kColumns =
    "id, kind, serial, subject, organ_id, account_id, node, not_before, not_after, status, "
    "revoked_at, revocation_reason, revocation_note, certificate_pem, created_at";

Time now() { return std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now()); }

CertificateRecord from_row(const soci::row& r) {
  CertificateRecord c;
  c.id = db::row_int64(r, 0);
  c.kind = parse_kind(r.get<std::string>(1)).value_or(CertificateKind::seal);
  c.serial = r.get<std::string>(2);
  c.subject = r.get<std::string>(3);
  if (r.get_indicator(4) == soci::i_ok) c.organ_id = db::row_int64(r, 4);
  if (r.get_indicator(5) == soci::i_ok) c.account_id = db::row_int64(r, 5);
  c.node = r.get<std::string>(6);
  c.not_before = parse_time(r.get<std::string>(7)).value_or(Time{});
  c.not_after = parse_time(r.get<std::string>(8)).value_or(Time{});
  c.revoked = r.get<std::string>(9) == "revoked";
  if (r.get_indicator(10) == soci::i_ok) c.revoked_at = parse_time(r.get<std::string>(10));
  if (r.get_indicator(11) == soci::i_ok)
    c.reason = parse_reason(r.get<std::string>(11)).value_or(RevocationReason::unspecified);
  c.revocation_note = r.get<std::string>(12);
  c.pem = r.get<std::string>(13);
  c.created_at = r.get<std::string>(14);
  return c;
}

template <class Bind>
std::optional<CertificateRecord> find_where(soci::session& s, const std::string& where, Bind bind) {
  soci::rowset<soci::row> rows =
      (s.prepare << std::string("SELECT ") + kColumns + " FROM ca_certificates WHERE " + where,
       soci::use(bind));
  for (const auto& r : rows) return from_row(r);
  return std::nullopt;
}

struct Root {
  Certificate cert;
  crypto::PrivateKey key;
};

std::string root_context() { return "ca_root:1"; }
std::string key_context(const std::string& serial) { return "ca_certificates:" + serial; }

Result<Root> load_root(soci::session& s, const crypto::Keyring& keys) {
  std::string pem, wrapped;
  s << "SELECT certificate_pem, private_key FROM ca_root WHERE id = 1", soci::into(pem),
      soci::into(wrapped);
  if (!s.got_data()) return fail("ca.not_initialised");
  auto cert = Certificate::from_pem(pem);
  if (!cert) return std::unexpected(cert.error());
  auto der = keys.unwrap(wrapped, root_context());
  if (!der) return std::unexpected(der.error());
  auto key = crypto::PrivateKey::from_der(der->view());
  if (!key) return std::unexpected(key.error());
  return Root{*cert, *key};
}

audit::AuditEvent event(audit::AuditEvent who, std::string name, std::string object,
                        std::string detail = {}) {
  who.event = std::move(name);
  who.object = std::move(object);
  who.detail = std::move(detail);
  return who;
}

}  // namespace

std::string_view state_name(CertificateState s) { return kStates[static_cast<std::size_t>(s)]; }

std::vector<db::Migration> Authority::migrations() {
  return {{"ca", 1, "root CA, certificates and CRL",
           R"(CREATE TABLE ca_root (
  id INTEGER PRIMARY KEY,
  certificate_pem TEXT NOT NULL,
  private_key TEXT NOT NULL,
  algorithm TEXT NOT NULL,
  created_at TEXT NOT NULL,
  crl_number BIGINT NOT NULL,
  crl TEXT NOT NULL,
  crl_next_update TEXT NOT NULL
);
CREATE TABLE ca_certificates (
  id ${id},
  kind TEXT NOT NULL,
  serial TEXT NOT NULL UNIQUE,
  subject TEXT NOT NULL,
  organ_id BIGINT REFERENCES identity_organs (id),
  account_id BIGINT REFERENCES identity_accounts (id),
  node TEXT NOT NULL,
  not_before TEXT NOT NULL,
  not_after TEXT NOT NULL,
  certificate_pem TEXT NOT NULL,
  private_key TEXT NOT NULL,
  status TEXT NOT NULL,
  revoked_at TEXT,
  revocation_reason TEXT,
  revocation_note TEXT NOT NULL,
  created_at TEXT NOT NULL
);
CREATE INDEX ca_certificates_organ ON ca_certificates (organ_id);
CREATE INDEX ca_certificates_account ON ca_certificates (account_id);
CREATE INDEX ca_certificates_status ON ca_certificates (status, revoked_at);
)"}};
}

Result<std::pair<Certificate, bool>> Authority::init(const std::string& name,
                                                     audit::AuditEvent who) {
  auto text = core::check_text(name, "name", 64);
  if (!text) return std::unexpected(text.error());
  return db::guarded([&]() -> Result<std::pair<Certificate, bool>> {
    return db_.transaction([&](soci::session& s) -> Result<std::pair<Certificate, bool>> {
      if (auto existing = load_root(s, keys_)) return std::pair{existing->cert, false};
      auto key = crypto::PrivateKey::generate(algorithm_);
      CertificateRequest req;
      req.kind = CertificateKind::root;
      req.subject.organisation = *text;
      req.subject.common_name = *text + " Root CA";
      req.not_before = now() - std::chrono::minutes(5);
      req.not_after = now() + days(20 * 365);
      Certificate cert = ca::issue(req, key.public_key(), nullptr, key);
      std::string pem = cert.pem(), wrapped = keys_.wrap(key.der().view(), root_context());
      std::string alg(crypto::key_algorithm_name(algorithm_)), at = db::utc_now();
      std::string empty;
      s << "INSERT INTO ca_root (id, certificate_pem, private_key, algorithm, created_at, "
           "crl_number, crl, crl_next_update) VALUES (1, :c, :k, :a, :t, 0, :crl, :n)",
          soci::use(pem), soci::use(wrapped), soci::use(alg), soci::use(at), soci::use(empty),
          soci::use(empty);
      audit::AuditLog::record(
          s, event(who, "ca.root.created", "certificate:" + cert.serial(), req.subject.text()));
      if (auto crl = reissue_crl(s); !crl) return std::unexpected(crl.error());
      return std::pair{cert, true};
    });
  });
}

Result<Certificate> Authority::root() {
  return db::guarded([&]() -> Result<Certificate> {
    auto s = db_.acquire();
    std::string pem;
    *s << "SELECT certificate_pem FROM ca_root WHERE id = 1", soci::into(pem);
    if (!s->got_data()) return fail("ca.not_initialised");
    return Certificate::from_pem(pem);
  });
}

Result<CertificateRecord> Authority::issue(const IssueInput& in, audit::AuditEvent who) {
  if (in.kind == CertificateKind::root) return fail("ca.issue.bad_kind", "kind");
  if (in.valid_days < 1 || in.valid_days > 3650)
    return fail("ca.issue.bad_days", "valid_days", {{"min", "1"}, {"max", "3650"}});
  DistinguishedName subject = in.subject;
  for (auto* part :
       {&subject.organisation, &subject.unit, &subject.common_name, &subject.serial_number}) {
    auto t = core::check_text(*part, "subject", 64, false);
    if (!t) return std::unexpected(t.error());
    *part = *t;
  }
  if (subject.common_name.empty()) return fail("ca.issue.no_subject", "subject");
  return db::guarded([&]() -> Result<CertificateRecord> {
    return db_.transaction([&](soci::session& s) -> Result<CertificateRecord> {
      auto root = load_root(s, keys_);
      if (!root) return std::unexpected(root.error());
      auto key = crypto::PrivateKey::generate(root->key.algorithm());
      CertificateRequest req;
      req.kind = in.kind;
      req.subject = subject;
      req.not_before = now() - std::chrono::minutes(5);
      req.not_after = now() + days(in.valid_days);
      req.dns_names = in.dns_names;
      req.crl_url = crl_url_;
      Certificate cert = ca::issue(req, key.public_key(), &root->cert, root->key);
      std::string kind(kind_name(in.kind)), serial = cert.serial(), text = subject.text();
      std::string from = format_time(cert.not_before()), to = format_time(cert.not_after());
      std::string pem = cert.pem(), wrapped = keys_.wrap(key.der().view(), key_context(serial));
      std::string at = db::utc_now(), empty;
      soci::indicator organ_ind = in.organ_id ? soci::i_ok : soci::i_null;
      soci::indicator account_ind = in.account_id ? soci::i_ok : soci::i_null;
      long long organ = in.organ_id.value_or(0), account = in.account_id.value_or(0);
      s << "INSERT INTO ca_certificates (kind, serial, subject, organ_id, account_id, node, "
           "not_before, not_after, certificate_pem, private_key, status, revocation_note, "
           "created_at) VALUES (:k, :s, :j, :o, :a, :n, :f, :t, :p, :w, 'valid', :e, :c)",
          soci::use(kind), soci::use(serial), soci::use(text), soci::use(organ, organ_ind),
          soci::use(account, account_ind), soci::use(in.node), soci::use(from), soci::use(to),
          soci::use(pem), soci::use(wrapped), soci::use(empty), soci::use(at);
      auto record = find_where(s, "serial = :s", serial);
      audit::AuditLog::record(
          s, event(who, "ca.certificate.issued", "certificate:" + serial, kind + " " + text));
      return *record;
    });
  });
}

Result<crypto::PrivateKey> Authority::private_key(long long certificate_id) {
  return db::guarded([&]() -> Result<crypto::PrivateKey> {
    auto s = db_.acquire();
    std::string serial, wrapped;
    *s << "SELECT serial, private_key FROM ca_certificates WHERE id = :id",
        soci::use(certificate_id), soci::into(serial), soci::into(wrapped);
    if (!s->got_data()) return fail("ca.certificate.not_found");
    auto der = keys_.unwrap(wrapped, key_context(serial));
    if (!der) return std::unexpected(der.error());
    return crypto::PrivateKey::from_der(der->view());
  });
}

Result<CertificateRecord> Authority::revoke(long long certificate_id, RevocationReason reason,
                                            const std::string& note, audit::AuditEvent who) {
  auto text = core::check_text(note, "note", 200, false);
  if (!text) return std::unexpected(text.error());
  return db::guarded([&]() -> Result<CertificateRecord> {
    return db_.transaction([&](soci::session& s) -> Result<CertificateRecord> {
      auto record = find_where(s, "id = :id", certificate_id);
      if (!record) return fail("ca.certificate.not_found", "certificate");
      if (record->revoked) return fail("ca.certificate.already_revoked", "certificate");
      std::string at = db::utc_now(), why(reason_name(reason));
      s << "UPDATE ca_certificates SET status = 'revoked', revoked_at = :t, revocation_reason = "
           ":r, revocation_note = :n WHERE id = :id AND status = 'valid'",
          soci::use(at), soci::use(why), soci::use(*text), soci::use(certificate_id);
      if (auto crl = reissue_crl(s); !crl) return std::unexpected(crl.error());
      audit::AuditLog::record(s, event(who, "ca.certificate.revoked",
                                       "certificate:" + record->serial, why + " " + *text));
      return *find_where(s, "id = :id", certificate_id);
    });
  });
}

Result<std::string> Authority::reissue_crl(soci::session& s) {
  auto root = load_root(s, keys_);
  if (!root) return std::unexpected(root.error());
  std::vector<RevokedEntry> revoked;
  soci::rowset<soci::row> rows =
      (s.prepare << "SELECT serial, revoked_at, revocation_reason FROM ca_certificates WHERE "
                    "status = 'revoked' ORDER BY revoked_at");
  for (const auto& r : rows)
    revoked.push_back(
        {r.get<std::string>(0), parse_time(r.get<std::string>(1)).value_or(Time{}),
         parse_reason(r.get<std::string>(2)).value_or(RevocationReason::unspecified)});
  long long number = 0;
  s << "SELECT crl_number FROM ca_root WHERE id = 1", soci::into(number);
  ++number;
  Time this_update = now(), next_update = this_update + days(7);
  std::string der = make_crl(root->cert, root->key, number, this_update, next_update, revoked);
  std::string b64 = crypto::base64(der), next = format_time(next_update);
  s << "UPDATE ca_root SET crl_number = :n, crl = :c, crl_next_update = :u WHERE id = 1",
      soci::use(number), soci::use(b64), soci::use(next);
  return der;
}

Result<std::string> Authority::crl() {
  auto current = db::guarded([&]() -> Result<std::pair<std::string, std::string>> {
    auto s = db_.acquire();
    std::string crl, next;
    *s << "SELECT crl, crl_next_update FROM ca_root WHERE id = 1", soci::into(crl),
        soci::into(next);
    if (!s->got_data()) return fail("ca.not_initialised");
    return std::pair{crl, next};
  });
  if (!current) return std::unexpected(current.error());
  auto next = parse_time(current->second);
  if (next && *next - now() > days(1)) {
    auto der = crypto::unbase64(current->first);
    if (der) return *der;
  }
  return db::guarded([&]() -> Result<std::string> {
    return db_.transaction([&](soci::session& s) { return reissue_crl(s); });
  });
}

Result<std::optional<CertificateRecord>> Authority::find(long long id) {
  return db::guarded([&]() -> Result<std::optional<CertificateRecord>> {
    auto s = db_.acquire();
    return find_where(*s, "id = :id", id);
  });
}

Result<std::optional<CertificateRecord>> Authority::find_serial(const std::string& serial) {
  return db::guarded([&]() -> Result<std::optional<CertificateRecord>> {
    auto s = db_.acquire();
    return find_where(*s, "serial = :s", serial);
  });
}

Result<Authority::Page> Authority::list(std::optional<CertificateKind> kind,
                                        std::optional<long long> organ, int offset, int limit) {
  return db::guarded([&]() -> Result<Page> {
    auto s = db_.acquire();
    std::string where = " WHERE (:k1 = '' OR kind = :k2) AND (:o1 = 0 OR organ_id = :o2)";
    std::string k = kind ? std::string(kind_name(*kind)) : "";
    long long o = organ.value_or(0);
    Page page;
    *s << "SELECT COUNT(*) FROM ca_certificates" + where, soci::use(k), soci::use(k), soci::use(o),
        soci::use(o), soci::into(page.total);
    soci::rowset<soci::row> rows =
        (s->prepare << std::string("SELECT ") + kColumns + " FROM ca_certificates" + where +
                           " ORDER BY id DESC LIMIT :l OFFSET :f",
         soci::use(k), soci::use(k), soci::use(o), soci::use(o), soci::use(limit),
         soci::use(offset));
    for (const auto& r : rows) page.certificates.push_back(from_row(r));
    return page;
  });
}

Result<CertificateCheck> Authority::check(const Certificate& cert, Time at) {
  auto root_cert = root();
  if (!root_cert) return std::unexpected(root_cert.error());
  CertificateCheck out;
  auto root_key = root_cert->public_key();
  if (!root_key) return std::unexpected(root_key.error());
  if (!cert.signed_by(*root_key)) {
    out.state = CertificateState::unknown_issuer;
    return out;
  }
  auto record = find_serial(cert.serial());
  if (!record) return std::unexpected(record.error());
  if (!*record || (*record)->pem != cert.pem()) {
    out.state = CertificateState::unknown;
    return out;
  }
  out.record = **record;
  if (out.record->revoked_at && *out.record->revoked_at <= at)
    out.state = CertificateState::revoked;
  else if (at < cert.not_before())
    out.state = CertificateState::not_yet_valid;
  else if (at > cert.not_after())
    out.state = CertificateState::expired;
  else
    out.state = CertificateState::valid;
  if (out.state == CertificateState::valid && out.record->revoked_at)
    out.revoked_later_at = out.record->revoked_at;
  return out;
}

}  // namespace yiwang::ca
