// Electronic licences on the pages: the holder's wallet (证照夹) and the
// licence files; the public verification page and API (anyone, no
// sign-in: what an identifier stands for, and whether a file is the licence
// that was issued); on the intranet, an organ's licences and revocation.
#include "crypto/bytes.hpp"
#include "crypto/sm3.hpp"
#include "http/download.hpp"
#include "render/pager.hpp"
#include "services/permissions.hpp"
#include "services/service_pages.hpp"

namespace yiwang::services {

namespace {

constexpr int kPageSize = 20;

nlohmann::json licence_model(const render::PageRenderer& pages, const http::Request& req,
                             const Licence& l) {
  nlohmann::json entries = nlohmann::json::array();
  for (const auto& e : l.entries) entries.push_back({{"label", e.label}, {"value", e.value}});
  return {{"id", l.id},
          {"identifier", l.identifier},
          {"type_name", l.type_name},
          {"holder_name", l.holder_name},
          {"entries", entries},
          {"issued_on", l.issued_on},
          {"valid_until", l.valid_until.empty() ? pages.text(req, "services.doc.licence.permanent")
                                                : l.valid_until},
          {"issuer_name", l.issuer_name},
          {"case_number", l.case_number},
          {"revoked", l.state == LicenceState::revoked},
          {"revoked_at", l.revoked_at.empty() ? "" : identity::local_time(l.revoked_at)},
          {"revoked_reason", l.revoked_reason},
          {"verify_href", "/licences/verify?id=" + l.identifier}};
}

// The holder's own licence, or nothing.
std::optional<Licence> own_licence(ServicePages& p, const http::Request& req, const Applicant& a) {
  auto id = identity::id_param(req);
  if (!id) return std::nullopt;
  auto l = p.online.licences().get(*id);
  if (!l || !*l) return std::nullopt;
  std::string code = a.enterprise ? a.credit_code : a.citizen_number;
  if ((*l)->holder_account != a.account && (code.empty() || (*l)->holder_code != code))
    return std::nullopt;
  return **l;
}

http::Response wallet(ServicePages& p, http::Request& req) {
  auto a = applicant_of(p, req);
  if (!a) return applicants_only(p, req);
  const auto& pages = p.identity.pages;
  auto held =
      p.online.licences().held_by(a->account, a->enterprise ? a->credit_code : a->citizen_number);
  if (!held) return internal_error(p, req);
  nlohmann::json rows = nlohmann::json::array();
  for (const auto& l : *held) {
    nlohmann::json row = licence_model(pages, req, l);
    row["pdf_href"] = "/licences/" + std::to_string(l.id) + "/pdf";
    rows.push_back(row);
  }
  return pages.page(req, "services/wallet", "services.pages.wallet.title",
                    {{"licences", rows}, {"has_licences", !rows.empty()}});
}

// What the verification page and API say about an identifier and, when
// given, the SM3 digest of a file.
struct Verification {
  LicenceCheck check;
  std::optional<bool> file_matches;
};

Result<Verification> verify(ServicePages& p, const std::string& identifier,
                            const std::optional<std::string>& file_sm3) {
  auto check = p.online.licences().check(identifier);
  if (!check) return std::unexpected(check.error());
  Verification out{std::move(*check), std::nullopt};
  if (file_sm3 && out.check.licence) {
    auto stored = p.online.attachments().info(out.check.licence->pdf_ref);
    if (!stored) return std::unexpected(stored.error());
    out.file_matches = *stored && crypto::equal((*stored)->ref, *file_sm3);
  }
  return out;
}

http::Response verify_page(ServicePages& p, const http::Request& req, const std::string& identifier,
                           const std::optional<Verification>& result, int status = 200) {
  const auto& pages = p.identity.pages;
  nlohmann::json model = {{"identifier", identifier}, {"checked", result.has_value()}};
  if (result) {
    const auto& c = result->check;
    model["verdict"] = std::string(licence_verdict_name(c.verdict));
    model["verdict_text"] =
        pages.text(req, "services.licence.verdict." + std::string(licence_verdict_name(c.verdict)));
    model["ok"] = c.verdict == LicenceVerdict::valid;
    if (c.verdict == LicenceVerdict::malformed)
      model["problem"] = pages.catalogue().message(req.lang, c.problem);
    if (c.licence) model["licence"] = licence_model(pages, req, *c.licence);
    if (result->file_matches) {
      model["file_checked"] = true;
      model["file_matches"] = *result->file_matches;
    }
  }
  return pages.form_page(req, "services/verify", "services.pages.verify.title", model, status);
}

http::Response verify_post(ServicePages& p, http::Request& req) {
  auto form = req.form();
  if (!form) return p.identity.pages.error(req, form.error().status, form.error().key);
  std::string identifier = form->value("id");
  std::optional<std::string> digest;
  if (const auto* file = form->file("file"); file && !file->data.empty())
    digest = crypto::to_hex(crypto::sm3(file->data));
  auto r = verify(p, identifier, digest);
  if (!r) return internal_error(p, req);
  return verify_page(p, req, identifier.substr(0, 200), *r);
}

nlohmann::json verification_json(const Verification& v) {
  nlohmann::json out = {{"verdict", std::string(licence_verdict_name(v.check.verdict))}};
  if (v.check.verdict == LicenceVerdict::malformed) out["problem"] = v.check.problem.key;
  if (const auto& l = v.check.licence) {
    nlohmann::json entries = nlohmann::json::array();
    for (const auto& e : l->entries)
      entries.push_back({{"element", e.element}, {"label", e.label}, {"value", e.value}});
    out["licence"] = {{"identifier", l->identifier},
                      {"type", l->type_name},
                      {"type_code", l->type_code},
                      {"holder", l->holder_name},
                      {"entries", entries},
                      {"issued_on", l->issued_on},
                      {"valid_until", l->valid_until},
                      {"issuer", l->issuer_name},
                      {"issuer_code", l->issuer_code}};
    if (l->state == LicenceState::revoked)
      out["licence"]["revoked"] = {{"at", l->revoked_at}, {"reason", l->revoked_reason}};
  }
  if (v.file_matches) out["content_matches"] = *v.file_matches;
  return out;
}

http::Response api_verify(ServicePages& p, http::Request& req) {
  auto body = nlohmann::json::parse(req.body, nullptr, false);
  if (!body.is_object() || !body.contains("identifier") || !body["identifier"].is_string())
    return p.identity.pages.json_error(req, 400,
                                       Error("services.licence.api_identifier", "identifier"));
  std::optional<std::string> digest;
  if (body.contains("sm3")) {
    if (!body["sm3"].is_string() || body["sm3"].get<std::string>().size() != 64)
      return p.identity.pages.json_error(req, 400, Error("services.licence.api_sm3", "sm3"));
    digest = body["sm3"].get<std::string>();
    for (auto& c : *digest) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  auto r = verify(p, body["identifier"].get<std::string>(), digest);
  if (!r) return p.identity.pages.json_error(req, 500, r.error());
  return http::Response::json(verification_json(*r).dump());
}

// ---- intranet ----

bool manages_licence(const http::Request& req, const Licence& l) {
  return req.principal && req.principal->organ_id && *req.principal->organ_id == l.issuer_organ_id;
}

http::Response issued_page(ServicePages& p, http::Request& req, const Error* error = nullptr,
                           int status = 200) {
  const auto& pages = p.identity.pages;
  if (!req.principal->organ_id) return pages.error(req, 403, "services.pages.licence_staff_only");
  auto page = render::page_request(req, kPageSize);
  std::string q = req.query.value("q").substr(0, 100);
  auto list = p.online.licences().issued_by(*req.principal->organ_id, q, page.offset(), kPageSize);
  if (!list) return internal_error(p, req);
  nlohmann::json rows = nlohmann::json::array();
  for (const auto& l : list->licences) rows.push_back(licence_model(pages, req, l));
  nlohmann::json model = {{"licences", rows},
                          {"has_licences", !rows.empty()},
                          {"q", q},
                          {"pager", render::pager(req, page, list->total)}};
  if (error) model["error"] = pages.catalogue().message(req.lang, *error);
  if (req.query.value("done") == "revoked") model["revoked_done"] = true;
  return pages.form_page(req, "services/licences_admin", "services.pages.licences.title", model,
                         status);
}

http::Response revoke(ServicePages& p, http::Request& req) {
  auto form = req.form();
  if (!form) return p.identity.pages.error(req, form.error().status, form.error().key);
  auto id = identity::id_param(req);
  auto l = id ? p.online.licences().get(*id) : Result<std::optional<Licence>>(std::nullopt);
  if (!l) return internal_error(p, req);
  if (!*l || !manages_licence(req, **l))
    return p.identity.pages.error(req, 404, "services.licence.not_found");
  auto r = p.online.licences().revoke(*id, form->value("reason"), identity::who(req));
  if (!r) {
    if (is_internal(r.error())) return internal_error(p, req);
    return issued_page(p, req, &r.error(), 400);
  }
  return http::Response::redirect("/services/licences?done=revoked", 303);
}

}  // namespace

void register_licence_routes(http::Router& router, ServicePages& p) {
  using http::Zone;
  const std::string signed_in(http::kSignedIn), open(http::kPublic);
  router.add({.method = "GET",
              .pattern = "/licences",
              .zone = Zone::internet,
              .permission = signed_in,
              .handler = [&p](http::Request& req) { return wallet(p, req); }});
  router.add({.method = "GET",
              .pattern = "/licences/{id}/pdf",
              .zone = Zone::internet,
              .permission = signed_in,
              .handler = [&p](http::Request& req) {
                auto a = applicant_of(p, req);
                if (!a) return applicants_only(p, req);
                auto l = own_licence(p, req, *a);
                if (!l) return p.identity.pages.error(req, 404, "services.licence.not_found");
                auto file = p.online.attachments().get(l->pdf_ref);
                if (!file || !*file)
                  return p.identity.pages.error(req, 404, "services.licence.not_found");
                return http::download(std::move((*file)->data), "application/pdf",
                                      l->type_name + "-" + l->case_number + ".pdf",
                                      req.query.value("download") != "1");
              }});
  router.add({.method = "GET",
              .pattern = "/licences/verify",
              .zone = Zone::internet,
              .permission = open,
              .handler = [&p](http::Request& req) {
                std::string id = req.query.value("id");
                if (id.empty()) return verify_page(p, req, "", std::nullopt);
                auto r = verify(p, id, std::nullopt);
                if (!r) return internal_error(p, req);
                return verify_page(p, req, id.substr(0, 200), *r);
              }});
  router.add({.method = "POST",
              .pattern = "/licences/verify",
              .zone = Zone::internet,
              .permission = open,
              .handler = [&p](http::Request& req) { return verify_post(p, req); }});
  router.add({.method = "POST",
              .pattern = "/api/v1/licences/verify",
              .zone = Zone::internet,
              .permission = open,
              .handler = [&p](http::Request& req) { return api_verify(p, req); },
              .summary = "Verify an electronic licence by identifier (and SM3 of its file)"});
  router.add({.method = "GET",
              .pattern = "/services/licences",
              .zone = Zone::intranet,
              .permission = perm::kLicenceManage,
              .handler = [&p](http::Request& req) { return issued_page(p, req); }});
  router.add({.method = "POST",
              .pattern = "/services/licences/{id}/revoke",
              .zone = Zone::intranet,
              .permission = perm::kLicenceManage,
              .handler = [&p](http::Request& req) { return revoke(p, req); }});
}

}  // namespace yiwang::services
