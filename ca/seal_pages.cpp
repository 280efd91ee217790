#include "ca/seal_pages.hpp"

#include <chrono>

#include <fmt/format.h>

#include "ca/permissions.hpp"
#include "http/download.hpp"
#include "http/percent_encoding.hpp"
#include "identity/services.hpp"

namespace yiwang::ca {

namespace {

Time now() { return std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now()); }

// How many hex digits of an SM3 digest a table shows.
constexpr std::size_t kShortDigest = 16;

}  // namespace

void add_seal_nav(render::PageRenderer& pages) {
  const auto zone = http::Zone::intranet;
  pages.add_nav({zone, perm::kSealRead, "/seals", "nav.seals"});
  pages.add_nav({zone, perm::kSealManage, "/security/seals", "nav.seal_admin"});
  pages.add_nav({zone, perm::kCertificateManage, "/security/certificates", "nav.certificates"});
}

std::string seal_kind_text(const render::PageRenderer& pages, const http::Request& req,
                           SealKind kind) {
  return pages.text(req, "seals.kind." + std::string(seal_kind_name(kind)));
}

std::string certificate_kind_text(const render::PageRenderer& pages, const http::Request& req,
                                  CertificateKind kind) {
  return pages.text(req, "seals.certificate_kind." + std::string(kind_name(kind)));
}

std::string reason_text(const render::PageRenderer& pages, const http::Request& req,
                        RevocationReason reason) {
  return pages.text(req, "seals.reason." + std::string(reason_name(reason)));
}

CertificateState state_now(const CertificateRecord& record) {
  if (record.revoked) return CertificateState::revoked;
  Time t = now();
  if (t > record.not_after) return CertificateState::expired;
  if (t < record.not_before) return CertificateState::not_yet_valid;
  return CertificateState::valid;
}

std::string state_text(const render::PageRenderer& pages, const http::Request& req,
                       CertificateState state) {
  return pages.text(req, "seals.state." + std::string(state_name(state)));
}

std::string china_time(Time t) { return identity::local_time(format_time(t)); }

std::string size_text(const render::PageRenderer& pages, const http::Request& req,
                      long long bytes) {
  if (bytes < 1024)
    return pages.catalogue().text(req.lang, "seals.bytes", {{"n", std::to_string(bytes)}});
  if (bytes < 1024 * 1024) return fmt::format("{:.1f} KiB", static_cast<double>(bytes) / 1024);
  return fmt::format("{:.1f} MiB", static_cast<double>(bytes) / (1024 * 1024));
}

nlohmann::json certificate_model(const render::PageRenderer& pages, const http::Request& req,
                                 const CertificateRecord& record) {
  CertificateState state = state_now(record);
  nlohmann::json m = {{"id", record.id},
                      {"kind", certificate_kind_text(pages, req, record.kind)},
                      {"subject", record.subject},
                      {"serial", record.serial},
                      {"not_before", china_time(record.not_before)},
                      {"not_after", china_time(record.not_after)},
                      {"state", state_text(pages, req, state)},
                      {"valid", state == CertificateState::valid},
                      {"revoked", record.revoked}};
  if (auto cert = Certificate::from_pem(record.pem)) m["fingerprint"] = cert->fingerprint();
  if (record.revoked) {
    m["revoked_at"] = record.revoked_at ? china_time(*record.revoked_at) : "";
    m["reason"] = reason_text(pages, req, record.reason);
    m["note"] = record.revocation_note;
    m["has_note"] = !record.revocation_note.empty();
  }
  return m;
}

nlohmann::json seal_row(const render::PageRenderer& pages, const http::Request& req,
                        const Seal& seal, const CertificateRecord* certificate,
                        const std::string& base) {
  nlohmann::json r = {{"id", seal.id},
                      {"href", base + "/" + std::to_string(seal.id)},
                      {"name", seal.name},
                      {"organ", seal.organ_name},
                      {"kind", seal_kind_text(pages, req, seal.kind)},
                      {"serial", seal.certificate_serial},
                      {"active", seal.active}};
  std::string status;
  if (!seal.active) {
    status = pages.text(req, "seals.status.retired");
  } else if (certificate) {
    CertificateState state = state_now(*certificate);
    status = state == CertificateState::valid
                 ? pages.text(req, "seals.status.active")
                 : pages.catalogue().text(req.lang, "seals.status.certificate",
                                          {{"state", state_text(pages, req, state)}});
  }
  r["status"] = status;
  if (certificate) {
    r["not_before"] = china_time(certificate->not_before);
    r["not_after"] = china_time(certificate->not_after);
  }
  return r;
}

nlohmann::json use_row(const render::PageRenderer& pages, const http::Request& req,
                       const SealUse& use) {
  std::string shown =
      use.digest.size() > kShortDigest ? use.digest.substr(0, kShortDigest) + "…" : use.digest;
  return {{"at", identity::local_time(use.signed_at)},
          {"signer", use.signer},
          {"signer_account", use.signer_account},
          {"document", use.document},
          {"digest", use.digest},
          {"digest_short", shown},
          {"size", size_text(pages, req, use.size)},
          {"bytes", use.size}};
}

http::Response attachment(std::string body, std::string content_type, std::string_view filename) {
  return http::download(std::move(body), std::move(content_type), filename);
}

http::Response seal_image_response(std::string body, bool svg) {
  http::Response res;
  res.body = std::move(body);
  res.set("Content-Type", svg ? "image/svg+xml" : "image/png");
  // The SVG draws with presentation attributes only: no styles, no scripts.
  res.set("Content-Security-Policy", "default-src 'none'");
  res.set("Cache-Control", "private, no-cache");
  return res;
}

}  // namespace yiwang::ca
