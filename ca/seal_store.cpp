#include "ca/seal_store.hpp"

#include <chrono>

#include "core/text_rules.hpp"
#include "crypto/sm3.hpp"
#include "db/dialect.hpp"
#include "db/row_value.hpp"
#include "render/seal_image.hpp"

namespace yiwang::ca {

namespace {

constexpr std::size_t kMaxImageBytes = 512 * 1024;

const char* const kSealColumns =
    "s.id, s.organ_id, o.name, s.name, s.kind, s.lower_text, s.certificate_id, c.serial, "
    "s.status, s.image_source, s.created_at, s.version";
const char* const kSealFrom =
    " FROM ca_seals s JOIN identity_organs o ON o.id = s.organ_id JOIN ca_certificates c ON "
    "c.id = s.certificate_id";

Seal seal_from_row(const soci::row& r) {
  Seal s;
  s.id = db::row_int64(r, 0);
  s.organ_id = db::row_int64(r, 1);
  s.organ_name = r.get<std::string>(2);
  s.name = r.get<std::string>(3);
  s.kind = parse_seal_kind(r.get<std::string>(4)).value_or(SealKind::official);
  s.lower_text = r.get<std::string>(5);
  s.certificate_id = db::row_int64(r, 6);
  s.certificate_serial = r.get<std::string>(7);
  s.active = r.get<std::string>(8) == "active";
  s.uploaded_image = r.get<std::string>(9) == "uploaded";
  s.created_at = r.get<std::string>(10);
  s.version = db::row_int64(r, 11);
  return s;
}

std::optional<Seal> load_seal(soci::session& s, long long id) {
  soci::rowset<soci::row> rows =
      (s.prepare << std::string("SELECT ") + kSealColumns + kSealFrom + " WHERE s.id = :id",
       soci::use(id));
  for (const auto& r : rows) return seal_from_row(r);
  return std::nullopt;
}

SealUse use_from_row(const soci::row& r) {
  SealUse u;
  u.id = db::row_int64(r, 0);
  u.seal_id = db::row_int64(r, 1);
  u.signer_account = r.get<std::string>(2);
  u.signer = r.get<std::string>(3);
  u.document = r.get<std::string>(4);
  u.digest = r.get<std::string>(5);
  u.size = db::row_int64(r, 6);
  u.signed_at = r.get<std::string>(7);
  u.certificate_serial = r.get<std::string>(8);
  return u;
}

audit::AuditEvent event(audit::AuditEvent who, std::string name, long long seal,
                        std::string detail = {}) {
  who.event = std::move(name);
  who.object = "seal:" + std::to_string(seal);
  who.detail = std::move(detail);
  return who;
}

Time now() { return std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now()); }

// A file name as given by a browser, without any directory part.
std::string base_name(std::string_view name) {
  auto slash = name.find_last_of("/\\");
  if (slash != std::string_view::npos) name.remove_prefix(slash + 1);
  return std::string(name);
}

std::optional<std::pair<unsigned, unsigned>> png_size(std::string_view png) {
  static constexpr std::string_view kSignature = "\x89PNG\r\n\x1a\n";
  if (png.size() < 24 || !png.starts_with(kSignature) || png.substr(12, 4) != "IHDR")
    return std::nullopt;
  auto u32 = [&](std::size_t at) {
    unsigned v = 0;
    for (std::size_t i = 0; i < 4; ++i) v = v << 8 | static_cast<unsigned char>(png[at + i]);
    return v;
  };
  return std::pair{u32(16), u32(20)};
}

}  // namespace

std::string_view seal_kind_name(SealKind k) {
  return k == SealKind::official ? "official" : "business";
}

std::optional<SealKind> parse_seal_kind(std::string_view name) {
  if (name == "official") return SealKind::official;
  if (name == "business") return SealKind::business;
  return std::nullopt;
}

std::string_view verdict_name(SealVerdict v) {
  switch (v) {
    case SealVerdict::valid:
      return "valid";
    case SealVerdict::altered:
      return "altered";
    case SealVerdict::bad_signature:
      return "bad_signature";
    case SealVerdict::certificate_invalid:
      return "certificate_invalid";
    case SealVerdict::malformed:
      break;
  }
  return "malformed";
}

std::vector<db::Migration> SealStore::migrations() {
  return {{"ca", 2, "seals and their use",
           R"(CREATE TABLE ca_seals (
  id ${id},
  organ_id BIGINT NOT NULL REFERENCES identity_organs (id),
  name TEXT NOT NULL,
  kind TEXT NOT NULL,
  lower_text TEXT NOT NULL,
  certificate_id BIGINT NOT NULL REFERENCES ca_certificates (id),
  image_png TEXT NOT NULL,
  image_svg TEXT NOT NULL,
  image_source TEXT NOT NULL,
  status TEXT NOT NULL,
  created_at TEXT NOT NULL,
  version BIGINT NOT NULL
);
CREATE INDEX ca_seals_organ ON ca_seals (organ_id, id);
CREATE TABLE ca_seal_uses (
  id ${id},
  seal_id BIGINT NOT NULL REFERENCES ca_seals (id),
  certificate_id BIGINT NOT NULL REFERENCES ca_certificates (id),
  account_id BIGINT NOT NULL REFERENCES identity_accounts (id),
  signer_account TEXT NOT NULL,
  signer TEXT NOT NULL,
  document TEXT NOT NULL,
  digest TEXT NOT NULL,
  size BIGINT NOT NULL,
  signed_at TEXT NOT NULL,
  signature TEXT NOT NULL
);
CREATE INDEX ca_seal_uses_seal ON ca_seal_uses (seal_id, id);
CREATE INDEX ca_seal_uses_digest ON ca_seal_uses (digest);
)"}};
}

Result<Seal> SealStore::create(const NewSeal& in, audit::AuditEvent who) {
  auto organ = organs_.get(in.organ_id);
  if (!organ) return std::unexpected(organ.error());
  if (!*organ || (*organ)->retired) return fail("ca.seal.no_organ", "organ");
  auto lower = core::check_text(in.lower_text, "lower_text", 12, in.kind == SealKind::business);
  if (!lower) return std::unexpected(lower.error());
  render::SealDesign design{(*organ)->name, *lower};
  auto svg = render::seal_svg(design);
  if (!svg) return std::unexpected(svg.error());
  auto png = render::seal_png(design, 400);
  if (!png) return std::unexpected(png.error());
  std::string name = (*organ)->name + " " + (lower->empty() ? std::string("公章") : *lower);
  Authority::IssueInput cert;
  cert.kind = CertificateKind::seal;
  cert.subject = {.organisation = (*organ)->name,
                  .unit = "电子印章",
                  .common_name = name,
                  .serial_number = (*organ)->credit_code};
  cert.valid_days = in.valid_days;
  cert.organ_id = in.organ_id;
  // The certificate and the seal are one change: issue inside the seal's
  // transaction is not possible across stores, so a failed insert below
  // leaves an unused certificate, which is revoked at once.
  auto issued = authority_.issue(cert, who);
  if (!issued) return std::unexpected(issued.error());
  auto seal = db::guarded([&]() -> Result<Seal> {
    return db_.transaction([&](soci::session& s) -> Result<Seal> {
      std::string kind(seal_kind_name(in.kind)), png_b64 = crypto::base64(*png), at = db::utc_now();
      s << "INSERT INTO ca_seals (organ_id, name, kind, lower_text, certificate_id, image_png, "
           "image_svg, image_source, status, created_at, version) VALUES (:o, :n, :k, :l, :c, "
           ":p, :s, 'generated', 'active', :t, 1)",
          soci::use(in.organ_id), soci::use(name), soci::use(kind), soci::use(*lower),
          soci::use(issued->id), soci::use(png_b64), soci::use(*svg), soci::use(at);
      long long id = 0;
      s << "SELECT id FROM ca_seals WHERE certificate_id = :c", soci::use(issued->id),
          soci::into(id);
      audit::AuditLog::record(s, event(who, "ca.seal.created", id, name));
      return *load_seal(s, id);
    });
  });
  if (!seal)
    (void)authority_.revoke(issued->id, RevocationReason::cessation_of_operation,
                            "seal not created", who);
  return seal;
}

Result<Seal> SealStore::upload_image(long long id, std::string_view png, long long expected_version,
                                     audit::AuditEvent who) {
  if (png.empty()) return fail("ca.seal.image_missing", "image");
  if (png.size() > kMaxImageBytes)
    return fail("ca.seal.image_too_large", "image", {{"max", "512 KiB"}});
  auto size = png_size(png);
  if (!size) return fail("ca.seal.image_not_png", "image");
  if (size->first < 64 || size->second < 64 || size->first > 2048 || size->second > 2048)
    return fail("ca.seal.image_size", "image", {{"min", "64"}, {"max", "2048"}});
  return db::guarded([&]() -> Result<Seal> {
    return db_.transaction([&](soci::session& s) -> Result<Seal> {
      auto seal = load_seal(s, id);
      if (!seal) return fail("ca.seal.not_found", "seal");
      if (seal->version != expected_version)
        return fail("ca.seal.stale", "version", {{"version", std::to_string(seal->version)}});
      std::string b64 = crypto::base64(png), empty;
      s << "UPDATE ca_seals SET image_png = :p, image_svg = :s, image_source = 'uploaded', "
           "version = version + 1 WHERE id = :id",
          soci::use(b64), soci::use(empty), soci::use(id);
      audit::AuditLog::record(
          s, event(who, "ca.seal.image_uploaded", id, crypto::to_hex(crypto::sm3(png))));
      return *load_seal(s, id);
    });
  });
}

Result<Seal> SealStore::retire(long long id, long long expected_version, audit::AuditEvent who) {
  auto seal = db::guarded([&]() -> Result<Seal> {
    return db_.transaction([&](soci::session& s) -> Result<Seal> {
      auto seal = load_seal(s, id);
      if (!seal) return fail("ca.seal.not_found", "seal");
      if (seal->version != expected_version)
        return fail("ca.seal.stale", "version", {{"version", std::to_string(seal->version)}});
      if (!seal->active) return fail("ca.seal.retired", "seal");
      s << "UPDATE ca_seals SET status = 'retired', version = version + 1 WHERE id = :id",
          soci::use(id);
      audit::AuditLog::record(s, event(who, "ca.seal.retired", id, seal->name));
      return *load_seal(s, id);
    });
  });
  if (!seal) return seal;
  auto cert = authority_.find(seal->certificate_id);
  if (cert && *cert && !(*cert)->revoked)
    if (auto r = authority_.revoke(seal->certificate_id, RevocationReason::cessation_of_operation,
                                   seal->name, who);
        !r)
      return std::unexpected(r.error());
  return seal;
}

Result<std::optional<Seal>> SealStore::get(long long id) {
  return db::guarded([&]() -> Result<std::optional<Seal>> {
    auto s = db_.acquire();
    return load_seal(*s, id);
  });
}

Result<SealStore::Page> SealStore::list(const std::optional<std::vector<long long>>& organs,
                                        int offset, int limit) {
  return db::guarded([&]() -> Result<Page> {
    auto s = db_.acquire();
    Page page;
    std::string where;
    if (organs) {
      if (organs->empty()) return page;
      where = " WHERE s.organ_id IN (";
      for (std::size_t i = 0; i < organs->size(); ++i)
        where += (i ? ", " : "") + std::to_string((*organs)[i]);  // numbers from the store
      where += ")";
    }
    *s << std::string("SELECT COUNT(*)") + kSealFrom + where, soci::into(page.total);
    soci::rowset<soci::row> rows =
        (s->prepare << std::string("SELECT ") + kSealColumns + kSealFrom + where +
                           " ORDER BY o.name, s.id LIMIT :l OFFSET :o",
         soci::use(limit), soci::use(offset));
    for (const auto& r : rows) page.seals.push_back(seal_from_row(r));
    return page;
  });
}

Result<std::string> SealStore::image(long long id, bool svg) {
  return db::guarded([&]() -> Result<std::string> {
    auto s = db_.acquire();
    std::string png, svg_text;
    *s << "SELECT image_png, image_svg FROM ca_seals WHERE id = :id", soci::use(id),
        soci::into(png), soci::into(svg_text);
    if (!s->got_data()) return fail("ca.seal.not_found", "seal");
    if (svg) {
      if (svg_text.empty()) return fail("ca.seal.no_svg");
      return svg_text;
    }
    auto bytes = crypto::unbase64(png);
    if (!bytes) return fail("ca.seal.not_found", "seal");
    return *bytes;
  });
}

// What sealing a document needs, checked: the seal active, its certificate
// valid now, the claims signed by its key.
struct SealStore::Prepared {
  Seal seal;
  SealClaims claims;
  SignatureFile file;
};

Result<SealStore::Prepared> SealStore::prepare(long long seal_id, const std::string& document_name,
                                               std::string_view content,
                                               const identity::Account& signer, Time at) {
  auto seal = get(seal_id);
  if (!seal) return std::unexpected(seal.error());
  if (!*seal) return fail("ca.seal.not_found", "seal");
  if (!(*seal)->active) return fail("ca.seal.retired", "seal");
  if (content.empty()) return fail("ca.seal.empty_document", "file");
  auto document = core::check_text(base_name(document_name), "file", 200);
  if (!document) return std::unexpected(document.error());
  auto cert_record = authority_.find((*seal)->certificate_id);
  if (!cert_record) return std::unexpected(cert_record.error());
  if (!*cert_record) return fail("ca.seal.not_found", "seal");
  auto cert = Certificate::from_pem((*cert_record)->pem);
  if (!cert) return std::unexpected(cert.error());
  auto state = authority_.check(*cert, at);
  if (!state) return std::unexpected(state.error());
  if (state->state != CertificateState::valid)
    return fail("ca.seal.certificate_invalid", "seal",
                {{"state", std::string(state_name(state->state))}});
  auto organ = organs_.get((*seal)->organ_id);
  if (!organ || !*organ) return fail("ca.seal.no_organ", "organ");
  auto key = authority_.private_key((*seal)->certificate_id);
  if (!key) return std::unexpected(key.error());
  Prepared out{**seal, {}, {}};
  SealClaims& claims = out.claims;
  claims.digest = crypto::to_hex(crypto::sm3(content));
  claims.size = static_cast<long long>(content.size());
  claims.document = *document;
  claims.organ = (*organ)->name;
  claims.organ_code = (*organ)->credit_code;
  claims.seal = (*seal)->name;
  claims.seal_id = (*seal)->id;
  claims.signer = signer.display_name;
  claims.signer_account = signer.name;
  claims.signed_at = at;
  claims.certificate = cert->serial();
  out.file.signed_text = seal_tbs(claims);
  out.file.signature = key->sign(out.file.signed_text);
  out.file.certificate_pem = cert->pem();
  return out;
}

SealStore::Applied SealStore::record_use(soci::session& s, const Prepared& p,
                                         const identity::Account& signer,
                                         const audit::AuditEvent& who, const std::string& note) {
  const SealClaims& claims = p.claims;
  std::string sig = crypto::base64(p.file.signature), when = format_time(claims.signed_at);
  s << "INSERT INTO ca_seal_uses (seal_id, certificate_id, account_id, signer_account, "
       "signer, document, digest, size, signed_at, signature) VALUES (:s, :c, :a, :n, :r, "
       ":d, :g, :z, :t, :x)",
      soci::use(claims.seal_id), soci::use(p.seal.certificate_id), soci::use(signer.id),
      soci::use(claims.signer_account), soci::use(claims.signer), soci::use(claims.document),
      soci::use(claims.digest), soci::use(claims.size), soci::use(when), soci::use(sig);
  audit::AuditLog::record(s, event(who, "ca.seal.applied", claims.seal_id,
                                   claims.document + " sm3:" + claims.digest.substr(0, 16) + note));
  Applied out;
  soci::rowset<soci::row> rows =
      (s.prepare << "SELECT u.id, u.seal_id, u.signer_account, u.signer, u.document, "
                    "u.digest, u.size, u.signed_at, c.serial FROM ca_seal_uses u JOIN "
                    "ca_certificates c ON c.id = u.certificate_id WHERE u.signature = :x",
       soci::use(sig));
  for (const auto& r : rows) out.use = use_from_row(r);
  out.signature = p.file;
  return out;
}

Result<SealStore::Applied> SealStore::apply(const ApplyInput& in, const identity::Account& signer,
                                            audit::AuditEvent who) {
  Time at = now();
  // The signer's second factor, now, for this act (a code is used once).
  if (auto ok = second_factor_.verify(signer.id, in.code, at, who); !ok) {
    Error e = ok.error();
    e.field = "code";
    return std::unexpected(e);
  }
  auto prepared = prepare(in.seal_id, in.document_name, in.content, signer, at);
  if (!prepared) return std::unexpected(prepared.error());
  return db::guarded([&]() -> Result<Applied> {
    return db_.transaction([&](soci::session& s) -> Result<Applied> {
      return record_use(s, *prepared, signer, who, "");
    });
  });
}

Result<SealStore::Applied> SealStore::apply_in_process(soci::session& s, long long seal_id,
                                                       const std::string& document_name,
                                                       std::string_view content,
                                                       const identity::Account& signer,
                                                       const audit::AuditEvent& who) {
  auto prepared = prepare(seal_id, document_name, content, signer, now());
  if (!prepared) return std::unexpected(prepared.error());
  return record_use(s, *prepared, signer, who, " (process)");
}

Result<std::optional<Seal>> SealStore::process_seal(long long organ_id) {
  auto page = list(std::vector<long long>{organ_id}, 0, 100);
  if (!page) return std::unexpected(page.error());
  std::optional<Seal> official;
  for (const auto& seal : page->seals) {
    if (!seal.active) continue;
    if (seal.kind == SealKind::business) return std::optional<Seal>(seal);
    if (!official) official = seal;
  }
  return official;
}

Result<SealStore::UsePage> SealStore::uses(long long seal_id, int offset, int limit) {
  return db::guarded([&]() -> Result<UsePage> {
    auto s = db_.acquire();
    UsePage page;
    *s << "SELECT COUNT(*) FROM ca_seal_uses WHERE seal_id = :s", soci::use(seal_id),
        soci::into(page.total);
    soci::rowset<soci::row> rows =
        (s->prepare << "SELECT u.id, u.seal_id, u.signer_account, u.signer, u.document, u.digest, "
                       "u.size, u.signed_at, c.serial FROM ca_seal_uses u JOIN ca_certificates c "
                       "ON c.id = u.certificate_id WHERE u.seal_id = :s ORDER BY u.id DESC LIMIT "
                       ":l OFFSET :o",
         soci::use(seal_id), soci::use(limit), soci::use(offset));
    for (const auto& r : rows) page.uses.push_back(use_from_row(r));
    return page;
  });
}

Result<SealVerification> SealStore::verify(std::string_view content,
                                           const SignatureFile& signature) {
  SealVerification out;
  auto claims = parse_seal_tbs(signature.signed_text);
  auto cert = Certificate::from_pem(signature.certificate_pem);
  if (!claims || !cert || claims->certificate != cert->serial()) return out;  // malformed
  out.claims = *claims;
  out.certificate_subject = cert->subject().text();
  auto key = cert->public_key();
  out.signature_good = key && key->verify(signature.signed_text, signature.signature);
  out.document_intact = claims->size == static_cast<long long>(content.size()) &&
                        crypto::equal(claims->digest, crypto::to_hex(crypto::sm3(content)));
  auto state = authority_.check(*cert, claims->signed_at);
  if (!state) return std::unexpected(state.error());
  out.certificate = *state;
  auto recorded = db::guarded([&]() -> Result<bool> {
    auto s = db_.acquire();
    long long n = 0;
    std::string sig = crypto::base64(signature.signature);
    *s << "SELECT COUNT(*) FROM ca_seal_uses WHERE digest = :d AND signature = :s",
        soci::use(claims->digest), soci::use(sig), soci::into(n);
    return n > 0;
  });
  if (!recorded) return std::unexpected(recorded.error());
  out.recorded = *recorded;
  if (!out.signature_good)
    out.verdict = SealVerdict::bad_signature;
  else if (!out.document_intact)
    out.verdict = SealVerdict::altered;
  else if (out.certificate.state != CertificateState::valid)
    out.verdict = SealVerdict::certificate_invalid;
  else
    out.verdict = SealVerdict::valid;
  return out;
}

}  // namespace yiwang::ca
