#include "ca/verify_routes.hpp"

#include <nlohmann/json.hpp>

#include "identity/services.hpp"

namespace yiwang::ca {

namespace {

// What the form sent: the document, and its signature (from the second file
// or from the document's end).
struct Submission {
  std::string document_name;
  std::string content;
  SignatureFile signature;
};

Result<Submission> read_submission(const http::Request& req) {
  auto form = req.form();
  if (!form) return fail(form.error().key, "file");
  const http::UploadedFile* doc = form->file("file");
  if (!doc || doc->data.empty()) return fail("ca.verify.no_file", "file");
  Submission out;
  out.document_name = doc->filename;
  const http::UploadedFile* sig = form->file("signature");
  if (sig && !sig->data.empty()) {
    auto parsed = parse_signature_json(sig->data);
    if (!parsed) return fail(parsed.error().key, "signature");
    out.content = doc->data;
    out.signature = *parsed;
    return out;
  }
  auto carried = extract_signature(doc->data);
  if (!carried) return fail("ca.verify.no_signature", "signature");
  out.content = std::move(carried->first);
  out.signature = std::move(carried->second);
  return out;
}

nlohmann::json result_json(const SealVerification& v, const std::string& document_name) {
  nlohmann::json j;
  j["verdict"] = verdict_name(v.verdict);
  j["document"] = document_name;
  j["document_intact"] = v.document_intact;
  j["signature_good"] = v.signature_good;
  j["recorded"] = v.recorded;
  if (v.claims) {
    const auto& c = *v.claims;
    j["sealed"] = {{"organ", c.organ},
                   {"organ_code", c.organ_code},
                   {"seal", c.seal},
                   {"seal_id", c.seal_id},
                   {"signer", c.signer},
                   {"signer_account", c.signer_account},
                   {"time", format_time(c.signed_at)},
                   {"document", c.document},
                   {"size", c.size},
                   {"digest", c.digest}};
    j["certificate"] = {{"serial", c.certificate},
                        {"subject", v.certificate_subject},
                        {"state", state_name(v.certificate.state)}};
    if (v.certificate.revoked_later_at)
      j["certificate"]["revoked_later_at"] = format_time(*v.certificate.revoked_later_at);
    if (v.certificate.record && v.certificate.record->revoked)
      j["certificate"]["revocation_reason"] = reason_name(v.certificate.record->reason);
  }
  return j;
}

// The page model: the result in words the page shows.
nlohmann::json page_model(const render::PageRenderer& pages, const http::Request& req,
                          const SealVerification& v, const std::string& document_name) {
  nlohmann::json m = result_json(v, document_name);
  std::string verdict(verdict_name(v.verdict));
  m["verdict_text"] = pages.text(req, "ca.verify.verdict." + verdict);
  m["verdict_class"] = v.verdict == SealVerdict::valid ? "notice" : "alert";
  m["is_valid"] = v.verdict == SealVerdict::valid;
  if (v.claims) {
    m["sealed"]["time_local"] = identity::local_time(format_time(v.claims->signed_at));
    m["certificate"]["state_text"] =
        pages.text(req, "ca.verify.state." + std::string(state_name(v.certificate.state)));
    if (v.certificate.revoked_later_at)
      m["certificate"]["revoked_later_local"] =
          identity::local_time(format_time(*v.certificate.revoked_later_at));
  }
  m["recorded_text"] =
      pages.text(req, v.recorded ? "ca.verify.recorded" : "ca.verify.not_recorded");
  return m;
}

}  // namespace

void register_verify_routes(http::Router& router, const render::PageRenderer& pages,
                            SealStore& seals) {
  for (auto zone : {http::Zone::internet, http::Zone::intranet}) {
    router.add({.method = "GET",
                .pattern = "/verify",
                .zone = zone,
                .permission = std::string(http::kPublic),
                .handler = [&pages](http::Request& req) {
                  return pages.form_page(req, "ca/verify", "ca.verify.title", nlohmann::json{});
                }});
    router.add({.method = "POST",
                .pattern = "/verify",
                .zone = zone,
                .permission = std::string(http::kPublic),
                .handler = [&pages, &seals](http::Request& req) {
                  auto sub = read_submission(req);
                  if (!sub) {
                    nlohmann::json m;
                    m["error"] = pages.user_message(req, sub.error());
                    m["invalid"][sub.error().field] = true;
                    return pages.form_page(req, "ca/verify", "ca.verify.title", m, 400);
                  }
                  auto v = seals.verify(sub->content, sub->signature);
                  if (!v) return pages.error(req, 500, v.error().key);
                  nlohmann::json m;
                  m["result"] = page_model(pages, req, *v, sub->document_name);
                  return pages.form_page(req, "ca/verify", "ca.verify.title", m);
                }});
    router.add({.method = "POST",
                .pattern = "/api/v1/ca/verify",
                .zone = zone,
                .permission = std::string(http::kPublic),
                .handler =
                    [&pages, &seals](http::Request& req) {
                      auto sub = read_submission(req);
                      if (!sub) return pages.json_error(req, 400, sub.error());
                      auto v = seals.verify(sub->content, sub->signature);
                      if (!v) return pages.json_error(req, 500, v.error());
                      return http::Response::json(result_json(*v, sub->document_name).dump());
                    },
                .summary = "Verify a sealed document: multipart file (+ signature file)"});
  }
}

}  // namespace yiwang::ca
