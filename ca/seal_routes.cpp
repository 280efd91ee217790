// The seal and certificate pages of the intranet, in two trees because a
// route names exactly one permission and no permission reaches both civil
// servants and the security administrator:
//   /seals…                   civil servants, within the organ scope of their
//                             ca.seal.read (ca.seal.apply to seal a file);
//                             a seal outside the scope is "not found"
//   /security/seals…          安全管理员 (ca.seal.manage): every seal, new
//                             seals, images, retiring
//   /security/certificates…   安全管理员 (ca.certificate.manage): every
//                             certificate, revocation
// Both trees show a seal with the same template; the forms differ.
#include "ca/seal_routes.hpp"

#include <expected>
#include <functional>
#include <initializer_list>

#include <nlohmann/json.hpp>

#include "ca/permissions.hpp"
#include "ca/seal_pages.hpp"
#include "core/text_rules.hpp"
#include "identity/admin_pages.hpp"
#include "render/pager.hpp"

namespace yiwang::ca {

namespace {

using identity::id_param;
using identity::positive_number;
using identity::who;

constexpr const char* kStaffBase = "/seals";
constexpr const char* kAdminBase = "/security/seals";
constexpr const char* kCertificateBase = "/security/certificates";

std::string seal_href(bool admin, long long id) {
  return std::string(admin ? kAdminBase : kStaffBase) + "/" + std::to_string(id);
}

http::Response internal(CaServices& s, const http::Request& req) {
  return s.identity.pages.error(req, 500, "http.internal_error");
}

// An error from a store as the answer to a form: a failure of the database
// is a 500 page, anything else is the form again with the message.
bool is_internal(const Error& e) { return e.key.starts_with("db."); }

// The catalogue label of a form field whose name is too general to be a
// "field.<name>" key of its own (field.code is a division code elsewhere).
std::string label_field(const std::string& field) {
  if (field == "code") return "otp";
  if (field == "output") return "seal_output";
  if (field == "kind") return "seal_kind";
  if (field == "reason") return "revocation_reason";
  return field;
}

// What the user is told about an error, its field named as the form names it.
std::string error_message(CaServices& s, const http::Request& req, const Error& error) {
  Error shown = error;
  shown.field = label_field(error.field);
  // A certificate's state ("ca.seal.certificate_invalid") in words.
  if (auto state = error.params.find("state"); state != error.params.end())
    shown.params["state"] = s.identity.pages.text(req, "seals.state." + state->second);
  return s.identity.pages.user_message(req, shown);
}

// Puts an error into the model of the form `form`: next to its field when
// the form has that field (errors.<form>.<field>), above the form otherwise
// (errors.<form>.form).
void put_form_error(CaServices& s, const http::Request& req, nlohmann::json& model,
                    const std::string& form, const Error& error,
                    std::initializer_list<const char*> fields) {
  std::string message = error_message(s, req, error);
  bool placed = false;
  for (const char* f : fields)
    if (error.field == f) {
      model["errors"][form][f] = message;
      placed = true;
    }
  if (!placed) model["errors"][form]["form"] = message;
  model["failed_" + form] = true;
}

// A state the form was made for has changed under it.
int status_of(const Error& e) {
  bool conflict = e.key.ends_with(".stale") || e.key == "ca.seal.retired" ||
                  e.key == "ca.certificate.already_revoked";
  return conflict ? 409 : 400;
}

// Whether the principal may see a seal: on the staff pages with ca.seal.read
// or ca.seal.apply in the seal's organ; on the administrator's pages the
// route's ca.seal.manage (everywhere) suffices.
bool may_see(const http::Request& req, const Seal& seal, bool admin) {
  const http::Principal& p = *req.principal;
  if (admin) return p.holds(perm::kSealManage);
  return p.holds(perm::kSealRead, seal.organ_id) || p.holds(perm::kSealApply, seal.organ_id);
}

// The seal the URL names when the principal may see it; otherwise the
// answer, which is the same 404 for a seal that does not exist and for one
// outside the principal's scope.
std::expected<Seal, http::Response> visible_seal(CaServices& s, const http::Request& req,
                                                 bool admin) {
  auto id = id_param(req);
  if (!id) return std::unexpected(s.identity.pages.error(req, 404, "ca.seal.not_found"));
  auto seal = s.seals.get(*id);
  if (!seal) return std::unexpected(internal(s, req));
  if (!*seal || !may_see(req, **seal, admin))
    return std::unexpected(s.identity.pages.error(req, 404, "ca.seal.not_found"));
  return **seal;
}

// ---- seals ----------------------------------------------------------------

http::Response seal_list(CaServices& s, const http::Request& req, bool admin) {
  const auto& pages = s.identity.pages;
  std::optional<std::vector<long long>> organs;
  std::optional<long long> organ_filter;
  if (admin) {
    organ_filter = positive_number(req.query.value("organ"));
    if (organ_filter) organs = std::vector<long long>{*organ_filter};
  } else {
    const auto& authority = req.principal->authority;
    organs = authority ? authority->organs_for(perm::kSealRead) : std::vector<long long>{};
  }
  render::PageRequest page = render::page_request(req);
  auto list = s.seals.list(organs, page.offset(), page.per_page);
  if (!list) return internal(s, req);
  std::string base = admin ? kAdminBase : kStaffBase;
  nlohmann::json rows = nlohmann::json::array();
  for (const auto& seal : list->seals) {
    auto cert = s.authority.find(seal.certificate_id);
    const CertificateRecord* record = cert && *cert ? &**cert : nullptr;
    rows.push_back(seal_row(pages, req, seal, record, base));
  }
  nlohmann::json model = {{"seals", rows},
                          {"has_seals", !rows.empty()},
                          {"pager", render::pager(req, page, list->total)},
                          {"base", base},
                          {"admin", admin}};
  if (admin) {
    auto tree = identity::organ_tree(s.identity.organs, true);
    if (!tree) return internal(s, req);
    model["organs"] = identity::organ_options(*tree, organ_filter);
  }
  return pages.page(req, "seals/list", admin ? "seals.admin_list.title" : "seals.list.title",
                    model);
}

// Which form of the seal page failed, with what was sent.
struct Failed {
  std::string form;  // "apply", "image" or "retire"
  const Error* error = nullptr;
  const http::FormData* typed = nullptr;
  int status = 400;
};

http::Response seal_page(CaServices& s, const http::Request& req, const Seal& seal, bool admin,
                         const Failed& failed = {}) {
  const auto& pages = s.identity.pages;
  const http::Principal& p = *req.principal;
  auto cert = s.authority.find(seal.certificate_id);
  if (!cert) return internal(s, req);
  render::PageRequest page = render::page_request(req);
  auto uses = s.seals.uses(seal.id, page.offset(), page.per_page);
  if (!uses) return internal(s, req);
  std::string href = seal_href(admin, seal.id);
  nlohmann::json model = {{"id", seal.id},
                          {"href", href},
                          {"base", admin ? kAdminBase : kStaffBase},
                          {"name", seal.name},
                          {"organ", seal.organ_name},
                          {"kind", seal_kind_text(pages, req, seal.kind)},
                          {"lower_text", seal.lower_text},
                          {"has_lower_text", !seal.lower_text.empty()},
                          {"active", seal.active},
                          {"generated_image", !seal.uploaded_image},
                          {"created_at", identity::local_time(seal.created_at)},
                          {"version", seal.version},
                          {"admin", admin},
                          {"image_alt", pages.catalogue().text(req.lang, "seals.seal.image_alt",
                                                               {{"name", seal.name}})}};
  bool certificate_valid = false;
  if (*cert) {
    model["certificate"] = certificate_model(pages, req, **cert);
    certificate_valid = state_now(**cert) == CertificateState::valid;
    if (admin && p.holds(perm::kCertificateManage))
      model["certificate_href"] = std::string(kCertificateBase) + "/" + std::to_string((*cert)->id);
  }
  const CertificateRecord* record = *cert ? &**cert : nullptr;
  model["status"] = seal_row(pages, req, seal, record, "")["status"];

  nlohmann::json rows = nlohmann::json::array();
  for (const auto& u : uses->uses) rows.push_back(use_row(pages, req, u));
  model["uses"] = rows;
  model["has_uses"] = !rows.empty();
  model["pager"] = render::pager(req, page, uses->total);

  // Applying: a civil servant with ca.seal.apply in the seal's organ, on an
  // active seal whose certificate is valid now.
  if (!admin && p.holds(perm::kSealApply, seal.organ_id)) {
    if (seal.active && certificate_valid) {
      std::string output = failed.form == "apply" && failed.typed
                               ? failed.typed->value("output", "signature")
                               : "signature";
      model["can_apply"] = true;
      model["output_signature"] = output != "embedded";
      model["output_embedded"] = output == "embedded";
      // Without an authenticator there is no code to give: say where to get one.
      auto enrolled = s.identity.second_factor.enrolled(p.account_id);
      if (!enrolled) return internal(s, req);
      model["no_authenticator"] = !*enrolled;
    } else {
      model["cannot_apply"] = true;
    }
  }
  // The security administrator's forms.
  if (admin && seal.active) model["can_manage"] = true;

  if (failed.error) {
    if (failed.form == "apply")
      put_form_error(s, req, model, "apply", *failed.error, {"file", "code", "output"});
    else if (failed.form == "image")
      put_form_error(s, req, model, "image", *failed.error, {"image"});
    else
      put_form_error(s, req, model, failed.form, *failed.error, {});
    // A form no longer shown (the seal retired meanwhile): the message on top.
    bool shown =
        failed.form == "apply" ? model.contains("can_apply") : model.contains("can_manage");
    if (!shown) {
      model["error"] = error_message(s, req, *failed.error);
      model.erase("errors");
    }
  }
  std::string done = req.query.value("done");
  for (const char* d : {"created", "image", "retired"})
    if (done == d) model["notice"] = pages.text(req, std::string("seals.done.") + d);
  return pages.form_page(req, "seals/seal", "seals.seal.title", model,
                         failed.error ? failed.status : 200);
}

http::Response seal_image(CaServices& s, const http::Request& req, bool admin, bool svg) {
  auto seal = visible_seal(s, req, admin);
  if (!seal) return seal.error();
  auto bytes = s.seals.image(seal->id, svg);
  if (!bytes) {
    if (is_internal(bytes.error())) return internal(s, req);
    return s.identity.pages.error(req, 404, bytes.error().key);
  }
  return seal_image_response(std::move(*bytes), svg);
}

http::Response certificate_file(CaServices& s, const http::Request& req,
                                const std::optional<long long>& id) {
  if (!id) return s.identity.pages.error(req, 404, "ca.certificate.not_found");
  auto cert = s.authority.find(*id);
  if (!cert) return internal(s, req);
  if (!*cert) return s.identity.pages.error(req, 404, "ca.certificate.not_found");
  return attachment((*cert)->pem, "application/x-pem-file",
                    "certificate-" + (*cert)->serial + ".pem");
}

// POST /seals/{id}/apply: the file sealed, answered with its signature file
// or with the file carrying it.
http::Response apply_seal(CaServices& s, http::Request& req) {
  auto seal = visible_seal(s, req, false);
  if (!seal) return seal.error();
  if (!req.principal->holds(perm::kSealApply, seal->organ_id))
    return s.identity.pages.error(req, 403, "http.forbidden");
  auto form = req.form();
  if (!form) return s.identity.pages.error(req, form.error().status, form.error().key);
  auto refuse = [&](const Error& e) {
    if (is_internal(e)) return internal(s, req);
    return seal_page(s, req, *seal, false, {"apply", &e, &*form, 400});
  };
  std::string output = form->value("output");
  if (output != "signature" && output != "embedded")
    return refuse(Error("seals.error.output", "output"));
  const http::UploadedFile* file = form->file("file");
  if (!file || file->data.empty()) return refuse(Error("ca.seal.empty_document", "file"));
  SealStore::ApplyInput in{.seal_id = seal->id,
                           .document_name = file->filename,
                           .content = file->data,
                           .code = form->value("code")};
  auto account = s.identity.accounts.get(req.principal->account_id);
  if (!account) return internal(s, req);
  if (!*account) return s.identity.pages.error(req, 403, "http.forbidden");
  auto applied = s.seals.apply(in, **account, who(req));
  if (!applied) {
    const Error& e = applied.error();
    // Wrong codes count like wrong passwords (identity::SignIn): at the
    // lockout the session ends, as on the sign-in page, so a stolen session
    // cannot guess its way to a seal.
    if (e.field == "code" && e.key != "identity.totp.not_enrolled") {
      auto locked = s.identity.sign_in.second_factor_failed(req.principal->name, req.remote_addr,
                                                            req.request_id);
      if (!locked || *locked) {
        audit::AuditEvent ended = who(req);
        ended.event = "identity.session.ended";
        ended.detail = "lockout";
        (void)s.identity.sessions.end(req.principal->account_id, req.principal->session_id, ended);
        return identity::redirect_with_session(req, "/signin", "");
      }
    }
    return refuse(e);
  }
  if (output == "signature")
    return attachment(signature_json(applied->signature), "application/json",
                      applied->use.document + ".ywsig");
  return attachment(embed_signature(in.content, applied->signature), "application/octet-stream",
                    applied->use.document);
}

// The security administrator's form for a new seal; what was typed is kept.
http::Response new_seal_page(CaServices& s, const http::Request& req, const http::FormData* typed,
                             const Error* error) {
  const auto& pages = s.identity.pages;
  auto tree = identity::organ_tree(s.identity.organs, false);
  if (!tree) return internal(s, req);
  std::optional<long long> organ =
      positive_number(typed ? typed->value("organ") : req.query.value("organ"));
  std::string kind = typed ? typed->value("kind") : "official";
  nlohmann::json kinds = nlohmann::json::array();
  for (SealKind k : {SealKind::official, SealKind::business})
    kinds.push_back({{"value", std::string(seal_kind_name(k))},
                     {"label", seal_kind_text(pages, req, k)},
                     {"selected", kind == seal_kind_name(k)}});
  nlohmann::json model = {{"organs", identity::organ_options(*tree, organ)},
                          {"kinds", kinds},
                          {"lower_text", typed ? typed->value("lower_text") : ""},
                          {"valid_days", typed ? typed->value("valid_days") : "730"}};
  if (error)
    put_form_error(s, req, model, "new", *error, {"organ", "kind", "lower_text", "valid_days"});
  return pages.form_page(req, "seals/new", "seals.new.title", model, error ? 400 : 200);
}

Result<Seal> create_seal(CaServices& s, const http::Request& req, const http::FormData& form) {
  auto organ = positive_number(form.value("organ"));
  if (!organ) return fail("ca.seal.no_organ", "organ");
  auto kind = parse_seal_kind(form.value("kind"));
  if (!kind) return fail("seals.error.kind", "kind");
  std::string lower = form.value("lower_text");
  // A 公章 carries the organ's name alone; only a 业务专用章 has a line below
  // the star (the store would otherwise name the seal after it).
  if (*kind == SealKind::official && !core::trim_text(lower).empty())
    return fail("seals.error.official_lower", "lower_text");
  auto days = positive_number(core::trim_text(form.value("valid_days")));
  if (!days || *days > 3650)
    return fail("ca.issue.bad_days", "valid_days", {{"min", "1"}, {"max", "3650"}});
  return s.seals.create({.organ_id = *organ,
                         .kind = *kind,
                         .lower_text = lower,
                         .valid_days = static_cast<int>(*days)},
                        who(req));
}

// ---- certificates -----------------------------------------------------------

http::Response certificate_list(CaServices& s, const http::Request& req) {
  const auto& pages = s.identity.pages;
  std::optional<CertificateKind> kind = parse_kind(req.query.value("kind"));
  render::PageRequest page = render::page_request(req);
  auto list = s.authority.list(kind, std::nullopt, page.offset(), page.per_page);
  if (!list) return internal(s, req);
  nlohmann::json rows = nlohmann::json::array();
  for (const auto& c : list->certificates) {
    nlohmann::json r = certificate_model(pages, req, c);
    r["href"] = std::string(kCertificateBase) + "/" + std::to_string(c.id);
    rows.push_back(std::move(r));
  }
  nlohmann::json kinds = nlohmann::json::array();
  for (CertificateKind k :
       {CertificateKind::seal, CertificateKind::personal, CertificateKind::node})
    kinds.push_back({{"value", std::string(kind_name(k))},
                     {"label", certificate_kind_text(pages, req, k)},
                     {"selected", kind && *kind == k}});
  nlohmann::json model = {{"certificates", rows},
                          {"has_certificates", !rows.empty()},
                          {"kinds", kinds},
                          {"pager", render::pager(req, page, list->total)}};
  return pages.page(req, "seals/certificates", "seals.certificates.title", model);
}

http::Response certificate_page(CaServices& s, const http::Request& req, long long id,
                                const http::FormData* typed = nullptr, const Error* error = nullptr,
                                int status = 400) {
  const auto& pages = s.identity.pages;
  auto cert = s.authority.find(id);
  if (!cert) return internal(s, req);
  if (!*cert) return pages.error(req, 404, "ca.certificate.not_found");
  const CertificateRecord& c = **cert;
  nlohmann::json model = certificate_model(pages, req, c);
  model["pem_href"] =
      std::string(kCertificateBase) + "/" + std::to_string(c.id) + "/certificate.pem";
  // The seal this certificate belongs to, for a link.
  if (c.kind == CertificateKind::seal && c.organ_id) {
    auto seals = s.seals.list(std::vector<long long>{*c.organ_id}, 0, 1000);
    if (!seals) return internal(s, req);
    for (const auto& seal : seals->seals)
      if (seal.certificate_id == c.id) {
        model["seal"] = {{"name", seal.name}, {"href", seal_href(true, seal.id)}};
        model["has_seal"] = req.principal->holds(perm::kSealManage);
      }
  }
  std::string reason = typed ? typed->value("reason") : "";
  nlohmann::json reasons = nlohmann::json::array();
  for (RevocationReason r : all_reasons())
    reasons.push_back({{"value", std::string(reason_name(r))},
                       {"label", reason_text(pages, req, r)},
                       {"selected", reason == reason_name(r)}});
  model["reasons"] = reasons;
  model["typed_note"] = typed ? typed->value("note") : "";
  if (error) put_form_error(s, req, model, "revoke", *error, {"reason", "note"});
  if (req.query.value("done") == "revoked") model["notice"] = pages.text(req, "seals.done.revoked");
  return pages.form_page(req, "seals/certificate", "seals.certificate.title", model,
                         error ? status : 200);
}

}  // namespace

void register_seal_routes(http::Router& router, CaServices& services) {
  CaServices& s = services;
  const auto zone = http::Zone::intranet;
  const std::string read = perm::kSealRead, apply = perm::kSealApply;
  const std::string manage = perm::kSealManage, certificates = perm::kCertificateManage;

  // What both trees show of a seal.
  for (bool admin : {false, true}) {
    std::string base = admin ? kAdminBase : kStaffBase;
    const std::string& permission = admin ? manage : read;
    router.add({.method = "GET",
                .pattern = base,
                .zone = zone,
                .permission = permission,
                .handler = [&s, admin](http::Request& req) { return seal_list(s, req, admin); },
                .summary = admin ? "Every seal" : "The seals of one's organs"});
    router.add({.method = "GET",
                .pattern = base + "/{id}",
                .zone = zone,
                .permission = permission,
                .handler = [&s, admin](http::Request& req) {
                  auto seal = visible_seal(s, req, admin);
                  if (!seal) return seal.error();
                  return seal_page(s, req, *seal, admin);
                }});
    for (bool svg : {false, true})
      router.add({.method = "GET",
                  .pattern = base + (svg ? "/{id}/image.svg" : "/{id}/image.png"),
                  .zone = zone,
                  .permission = permission,
                  .handler = [&s, admin, svg](http::Request& req) {
                    return seal_image(s, req, admin, svg);
                  }});
    router.add({.method = "GET",
                .pattern = base + "/{id}/certificate.pem",
                .zone = zone,
                .permission = permission,
                .handler = [&s, admin](http::Request& req) {
                  auto seal = visible_seal(s, req, admin);
                  if (!seal) return seal.error();
                  return certificate_file(s, req, seal->certificate_id);
                }});
  }

  router.add({.method = "POST",
              .pattern = "/seals/{id}/apply",
              .zone = zone,
              .permission = apply,
              .handler = [&s](http::Request& req) { return apply_seal(s, req); }});

  router.add(
      {.method = "GET",
       .pattern = "/security/seals/new",
       .zone = zone,
       .permission = manage,
       .handler = [&s](http::Request& req) { return new_seal_page(s, req, nullptr, nullptr); }});
  router.add({.method = "POST",
              .pattern = "/security/seals/new",
              .zone = zone,
              .permission = manage,
              .handler = [&s](http::Request& req) {
                auto form = req.form();
                if (!form)
                  return s.identity.pages.error(req, form.error().status, form.error().key);
                auto created = create_seal(s, req, *form);
                if (!created) {
                  if (is_internal(created.error())) return internal(s, req);
                  return new_seal_page(s, req, &*form, &created.error());
                }
                return http::Response::redirect(seal_href(true, created->id) + "?done=created",
                                                303);
              }});

  // The administrator's changes to a seal: each answers with the seal's page,
  // an error shown at the form it came from.
  using Change =
      std::function<Result<Seal>(const Seal&, const http::FormData&, const http::Request&)>;
  auto change = [&router, &s, zone, manage](const std::string& path, const std::string& done,
                                            Change act) {
    router.add({.method = "POST",
                .pattern = std::string(kAdminBase) + "/{id}/" + path,
                .zone = zone,
                .permission = manage,
                .handler = [&s, path, done, act](http::Request& req) {
                  auto seal = visible_seal(s, req, true);
                  if (!seal) return seal.error();
                  auto form = req.form();
                  if (!form)
                    return s.identity.pages.error(req, form.error().status, form.error().key);
                  auto r = act(*seal, *form, req);
                  if (!r) {
                    if (is_internal(r.error())) return internal(s, req);
                    if (r.error().key == "ca.seal.not_found")
                      return s.identity.pages.error(req, 404, "ca.seal.not_found");
                    return seal_page(s, req, *seal, true,
                                     {path, &r.error(), &*form, status_of(r.error())});
                  }
                  return http::Response::redirect(seal_href(true, seal->id) + "?done=" + done, 303);
                }});
  };
  change("image", "image",
         [&s](const Seal& seal, const http::FormData& f, const http::Request& req) {
           const http::UploadedFile* file = f.file("image");
           return s.seals.upload_image(seal.id, file ? std::string_view(file->data) : "",
                                       identity::form_version(f), who(req));
         });
  change("retire", "retired",
         [&s](const Seal& seal, const http::FormData& f, const http::Request& req) {
           return s.seals.retire(seal.id, identity::form_version(f), who(req));
         });

  router.add({.method = "GET",
              .pattern = kCertificateBase,
              .zone = zone,
              .permission = certificates,
              .handler = [&s](http::Request& req) { return certificate_list(s, req); },
              .summary = "The certificates the platform CA issued"});
  router.add({.method = "GET",
              .pattern = std::string(kCertificateBase) + "/{id}",
              .zone = zone,
              .permission = certificates,
              .handler = [&s](http::Request& req) {
                auto id = id_param(req);
                if (!id) return s.identity.pages.error(req, 404, "ca.certificate.not_found");
                return certificate_page(s, req, *id);
              }});
  router.add(
      {.method = "GET",
       .pattern = std::string(kCertificateBase) + "/{id}/certificate.pem",
       .zone = zone,
       .permission = certificates,
       .handler = [&s](http::Request& req) { return certificate_file(s, req, id_param(req)); }});
  router.add({.method = "POST",
              .pattern = std::string(kCertificateBase) + "/{id}/revoke",
              .zone = zone,
              .permission = certificates,
              .handler = [&s](http::Request& req) {
                auto id = id_param(req);
                if (!id) return s.identity.pages.error(req, 404, "ca.certificate.not_found");
                auto form = req.form();
                if (!form)
                  return s.identity.pages.error(req, form.error().status, form.error().key);
                auto reason = parse_reason(form->value("reason"));
                if (!reason) {
                  Error e("seals.error.reason", "reason");
                  return certificate_page(s, req, *id, &*form, &e, 400);
                }
                auto revoked = s.authority.revoke(*id, *reason, form->value("note"), who(req));
                if (!revoked) {
                  const Error& e = revoked.error();
                  if (is_internal(e)) return internal(s, req);
                  if (e.key == "ca.certificate.not_found")
                    return s.identity.pages.error(req, 404, "ca.certificate.not_found");
                  return certificate_page(s, req, *id, &*form, &e, status_of(e));
                }
                return http::Response::redirect(
                    std::string(kCertificateBase) + "/" + std::to_string(*id) + "?done=revoked",
                    303);
              }});
}

}  // namespace yiwang::ca
