#include "portal/disclosure_routes.hpp"

#include <algorithm>
#include <charconv>

#include <nlohmann/json.hpp>

#include "core/civil_date.hpp"
#include "core/text_rules.hpp"
#include "http/download.hpp"
#include "http/organ_scope.hpp"
#include "portal/active_organs.hpp"
#include "portal/page_model.hpp"
#include "portal/permissions.hpp"
#include "render/pager.hpp"
#include "render/select_options.hpp"
#include "services/clock_view.hpp"

namespace yiwang::portal {

namespace {

constexpr int kPageSize = 20;
constexpr std::size_t kMaxQueryBytes = 100;
const std::string kPublicBase = "/disclosure/requests";
const std::string kStaffBase = "/portal/disclosure";

const render::PageRenderer& pages_of(DisclosurePages& p) { return p.identity.pages; }

http::Response internal(DisclosurePages& p, const http::Request& req, const Error& e) {
  return internal_error(pages_of(p), req, e);
}

http::Response not_found(DisclosurePages& p, const http::Request& req) {
  return pages_of(p).error(req, 404, "portal.disclosure.not_found");
}

std::string state_text(DisclosurePages& p, const http::Request& req, RequestState s) {
  return pages_of(p).text(req, "portal.disclosure.state." + std::string(request_state_name(s)));
}

// ---- who applies ----

std::optional<RequestApplicant> applicant_of(DisclosurePages& p, const http::Request& req,
                                             std::optional<identity::Account>* account = nullptr) {
  if (!req.principal) return std::nullopt;
  const auto& kind = req.principal->kind;
  if (kind != "citizen" && kind != "enterprise") return std::nullopt;
  auto a = p.identity.accounts.get(req.principal->account_id);
  if (!a || !*a) return std::nullopt;
  RequestApplicant out;
  out.account = (*a)->name;
  out.name = (*a)->display_name;
  out.enterprise = kind == "enterprise";
  out.id_number = out.enterprise ? (*a)->credit_code : (*a)->citizen_number;
  if (account) *account = std::move(**a);
  return out;
}

http::Response applicants_only(DisclosurePages& p, const http::Request& req) {
  return pages_of(p).error(req, 403, "portal.disclosure.applicants_only");
}

// ---- a request for people ----

nlohmann::json clock_of(DisclosurePages& p, const http::Request& req, const DisclosureRequest& r) {
  auto reading = p.portal.requests().clock(r);
  nlohmann::json c = services::clock_model(
      req, pages_of(p), reading,
      r.extended ? "portal.disclosure.clock.extended" : "portal.disclosure.clock.limit");
  return c;
}

nlohmann::json reply_model(DisclosurePages& p, const http::Request& req,
                           const DisclosureRequest& r) {
  if (r.reply_type == ReplyType::none) return nullptr;
  std::string type(reply_type_name(r.reply_type));
  return {{"type", pages_of(p).text(req, "portal.disclosure.reply." + type)},
          {"reason", r.reply_reason.empty()
                         ? nlohmann::json()
                         : nlohmann::json(pages_of(p).catalogue().text(
                               req.lang, "portal.disclosure.reason." + r.reply_reason,
                               {{"refer", r.refer_organ}}))},
          {"text", r.reply_text},
          {"refer_organ", null_if_empty(r.refer_organ)}};
}

nlohmann::json summary(DisclosurePages& p, const http::Request& req, const DisclosureRequest& r) {
  const auto& pages = pages_of(p);
  auto reading = p.portal.requests().clock(r);
  nlohmann::json pauses = nlohmann::json::array();
  for (const auto& x : r.pauses)
    pauses.push_back({{"reason", pages.text(req, "portal.disclosure.pause." + x.reason)},
                      {"from", x.from},
                      {"to", null_if_empty(x.to)},
                      {"note", x.note}});
  return {
      {"number", r.number},
      {"organ", r.organ_name},
      {"applicant_name", r.applicant_name},
      {"applicant_type", pages.text(req, "portal.disclosure.applicant." +
                                             std::string(applicant_type_name(r.applicant_type)))},
      {"id_number", r.id_number},
      {"phone", r.phone},
      {"email", null_if_empty(r.email)},
      {"address", null_if_empty(r.address)},
      {"info_name", null_if_empty(r.info_name)},
      {"doc_number", null_if_empty(r.doc_number)},
      {"description", r.description},
      {"format", pages.text(req, "portal.disclosure.format." + r.format)},
      {"delivery", pages.text(req, "portal.disclosure.delivery." + r.delivery)},
      {"state", state_text(p, req, r.state)},
      {"state_name", std::string(request_state_name(r.state))},
      {"received_on", r.received_on},
      {"submitted_at", identity::local_time(r.submitted_at)},
      {"answered_at", r.answered_at.empty() ? nlohmann::json()
                                            : nlohmann::json(identity::local_time(r.answered_at))},
      {"extended", r.extended},
      {"extension_reason", null_if_empty(r.extension_reason)},
      {"needs_correction", r.state == RequestState::correction},
      {"correction_note", null_if_empty(r.correction_note)},
      {"third_party", null_if_empty(r.third_party)},
      {"pauses", pauses},
      {"has_pauses", !pauses.empty()},
      {"answered", r.state == RequestState::answered},
      {"reply", reply_model(p, req, r)},
      {"due", core::format_iso_date(reading.due)},
      {"left", std::max(reading.left, 0)},
      {"over", std::max(-reading.left, 0)},
      {"overdue", reading.overdue},
      {"used", reading.used},
      {"limit", reading.limit},
      {"clocks", nlohmann::json::array({clock_of(p, req, r)})},
      {"has_clocks", r.state != RequestState::answered}};
}

// The requests of a list, each linked under `base`.
nlohmann::json rows_of(DisclosurePages& p, const http::Request& req,
                       const std::vector<DisclosureRequest>& requests, const std::string& base) {
  nlohmann::json items = nlohmann::json::array();
  for (const auto& r : requests) {
    nlohmann::json s = summary(p, req, r);
    s["href"] = base + "/" + r.number;
    items.push_back(std::move(s));
  }
  return items;
}

// Events (newest first) and documents of a request, for its page.
Result<void> add_history(DisclosurePages& p, const http::Request& req, const DisclosureRequest& r,
                         const std::string& base, nlohmann::json& m) {
  const auto& pages = pages_of(p);
  auto events = p.portal.requests().events(r.id);
  if (!events) return std::unexpected(events.error());
  auto documents = p.portal.requests().documents(r.id);
  if (!documents) return std::unexpected(documents.error());
  nlohmann::json ev = nlohmann::json::array();
  for (const auto& e : *events) {
    std::string detail = e.detail;
    if (e.key == "portal.disclosure.event.answered")
      detail = pages.text(req, "portal.disclosure.reply." + e.detail);
    ev.push_back({{"at", identity::local_time(e.at)},
                  {"text", pages.catalogue().text(req.lang, e.key, {{"detail", detail}})}});
  }
  std::reverse(ev.begin(), ev.end());
  nlohmann::json docs = nlohmann::json::array();
  for (const auto& d : *documents)
    docs.push_back({{"name", d.name},
                    {"kind", pages.text(req, "portal.disclosure.document." + d.kind)},
                    {"href", base + "/" + r.number + "/documents/" + std::to_string(d.id)},
                    {"at", identity::local_time(d.created_at)}});
  m["events"] = ev;
  m["documents"] = docs;
  m["has_documents"] = !docs.empty();
  return {};
}

http::Response document_download(DisclosurePages& p, const http::Request& req,
                                 const DisclosureRequest& r) {
  auto id = identity::id_param(req);
  if (!id) return pages_of(p).error(req, 404, "portal.disclosure.document_not_found");
  auto d = p.portal.requests().document(r.id, *id);
  if (!d) return internal(p, req, d.error());
  if (!*d) return pages_of(p).error(req, 404, "portal.disclosure.document_not_found");
  return http::download(std::move((*d)->content), "application/pdf", (*d)->name, false);
}

// ---- the applicant's pages ----

struct Typed {
  RequestInput in;
  std::vector<Error> errors;
};

Result<std::vector<std::pair<std::string, std::string>>> organ_options(DisclosurePages& p) {
  auto all = active_organs(p.portal.organs());
  if (!all) return std::unexpected(all.error());
  std::vector<std::pair<std::string, std::string>> out;
  // Requests go to organs with a credit code: their officers are found by it.
  for (const auto& o : *all)
    if (!o.credit_code.empty()) out.emplace_back(std::to_string(o.id), o.name);
  return out;
}

http::Response new_page(DisclosurePages& p, const http::Request& req, const Typed& typed,
                        const RequestApplicant& who, int status) {
  const auto& pages = pages_of(p);
  const RequestInput& in = typed.in;
  nlohmann::json m;
  auto organs = organ_options(p);
  if (!organs) return internal(p, req, organs.error());
  m["organs"] = render::select_options(*organs, in.organ_id ? std::to_string(in.organ_id) : "");
  std::vector<std::pair<std::string, std::string>> types, formats, deliveries;
  for (auto t : kApplicantTypes)
    if ((t == ApplicantType::person) != who.enterprise)
      types.emplace_back(
          std::string(applicant_type_name(t)),
          pages.text(req, "portal.disclosure.applicant." + std::string(applicant_type_name(t))));
  for (const char* f : {"electronic", "paper"})
    formats.emplace_back(f, pages.text(req, std::string("portal.disclosure.format.") + f));
  for (const char* d : {"online", "email", "post", "pickup"})
    deliveries.emplace_back(d, pages.text(req, std::string("portal.disclosure.delivery.") + d));
  m["types"] = render::select_options(types, in.applicant_type);
  m["formats"] = render::select_options(formats, in.format);
  m["deliveries"] = render::select_options(deliveries, in.delivery);
  m["one_type"] = types.size() == 1;
  m["applicant"] = {{"name", who.name},
                    {"id_number", who.id_number},
                    {"kind", pages.text(req, who.enterprise ? "portal.disclosure.id.credit_code"
                                                            : "portal.disclosure.id.citizen")}};
  m["v"] = {{"phone", in.phone},           {"email", in.email},
            {"address", in.address},       {"info_name", in.info_name},
            {"doc_number", in.doc_number}, {"description", in.description}};
  m["action"] = kPublicBase + "/new";
  add_field_errors(pages_of(p), req, typed.errors, m, "request");
  return pages.form_page(req, "portal/disclosure_new", "portal.disclosure.new.title", m, status);
}

RequestInput input_of(const http::FormData& f) {
  RequestInput in;
  in.organ_id = number_of(f.value("organ"));
  in.applicant_type = f.value("applicant_type");
  in.phone = f.value("phone");
  in.email = f.value("email");
  in.address = f.value("address");
  in.info_name = f.value("info_name");
  in.doc_number = f.value("doc_number");
  in.description = f.value("description");
  in.format = f.value("format");
  in.delivery = f.value("delivery");
  return in;
}

http::Response new_get(DisclosurePages& p, http::Request& req) {
  std::optional<identity::Account> account;
  auto who = applicant_of(p, req, &account);
  if (!who) return applicants_only(p, req);
  Typed typed;
  typed.in.applicant_type = who->enterprise ? "business" : "person";
  typed.in.phone = account->phone;
  typed.in.email = account->email;
  typed.in.address = account->address;
  typed.in.format = "electronic";
  typed.in.delivery = "online";
  typed.in.organ_id = number_of(req.query.value("organ"));
  return new_page(p, req, typed, *who, 200);
}

http::Response new_post(DisclosurePages& p, http::Request& req) {
  auto who = applicant_of(p, req);
  if (!who) return applicants_only(p, req);
  auto form = req.form();
  if (!form) return pages_of(p).error(req, form.error().status, form.error().key);
  Typed typed{input_of(*form), {}};
  typed.errors = p.portal.requests().problems(typed.in, *who);
  if (!typed.errors.empty()) return new_page(p, req, typed, *who, 400);
  auto r = p.portal.desk().submit(typed.in, *who, identity::who(req));
  if (!r) {
    if (r.error().key.starts_with("db.")) return internal(p, req, r.error());
    typed.errors = {r.error()};
    return new_page(p, req, typed, *who, 400);
  }
  if (p.identity.mail_written) p.identity.mail_written();
  return http::Response::redirect(kPublicBase + "/" + r->number + "?done=submitted", 303);
}

http::Response my_list(DisclosurePages& p, http::Request& req) {
  auto who = applicant_of(p, req);
  if (!who) return applicants_only(p, req);
  auto page = render::page_request(req, kPageSize);
  RequestFilter f;
  f.applicant = who->account;
  f.offset = page.offset();
  f.limit = page.per_page;
  auto list = p.portal.requests().list(f);
  if (!list) return internal(p, req, list.error());
  nlohmann::json items = rows_of(p, req, list->items, kPublicBase);
  nlohmann::json m = {{"items", items},
                      {"has_items", !items.empty()},
                      {"pager", render::pager(req, page, list->total)},
                      {"new_href", kPublicBase + "/new"}};
  return pages_of(p).page(req, "portal/disclosure_mine", "portal.disclosure.mine.title", m);
}

Result<std::optional<DisclosureRequest>> own_request(DisclosurePages& p, const http::Request& req,
                                                     const RequestApplicant& who) {
  auto r = p.portal.requests().find(req.param("number"));
  if (!r) return std::unexpected(r.error());
  if (!*r || (*r)->applicant != who.account) return std::optional<DisclosureRequest>();
  return r;
}

http::Response request_page(DisclosurePages& p, http::Request& req, const RequestApplicant& who,
                            const std::string* typed = nullptr, const Error* error = nullptr) {
  auto r = own_request(p, req, who);
  if (!r) return internal(p, req, r.error());
  if (!*r) return not_found(p, req);
  nlohmann::json m = summary(p, req, **r);
  if (auto h = add_history(p, req, **r, kPublicBase, m); !h) return internal(p, req, h.error());
  std::string done = req.query.value("done");
  m["submitted"] = done == "submitted";
  m["corrected"] = done == "corrected";
  m["correct_action"] = kPublicBase + "/" + (*r)->number + "/correct";
  m["typed_description"] = typed ? *typed : (*r)->description;
  add_field_errors(pages_of(p), req, error ? std::vector<Error>{*error} : std::vector<Error>{}, m,
                   "request");
  return pages_of(p).form_page(req, "portal/disclosure_request", "portal.disclosure.request.title",
                               m, error ? 400 : 200);
}

http::Response request_get(DisclosurePages& p, http::Request& req) {
  auto who = applicant_of(p, req);
  if (!who) return applicants_only(p, req);
  return request_page(p, req, *who);
}

http::Response correct_post(DisclosurePages& p, http::Request& req) {
  auto who = applicant_of(p, req);
  if (!who) return applicants_only(p, req);
  auto form = req.form();
  if (!form) return pages_of(p).error(req, form.error().status, form.error().key);
  std::string description = form->value("description");
  auto r = p.portal.desk().correct(req.param("number"), description, *who, identity::who(req));
  if (!r) {
    const Error& e = r.error();
    if (e.key.starts_with("db.")) return internal(p, req, e);
    if (e.key == "portal.disclosure.not_found") return not_found(p, req);
    return request_page(p, req, *who, &description, &e);
  }
  if (p.identity.mail_written) p.identity.mail_written();
  return http::Response::redirect(kPublicBase + "/" + r->number + "?done=corrected", 303);
}

http::Response my_document(DisclosurePages& p, http::Request& req) {
  auto who = applicant_of(p, req);
  if (!who) return applicants_only(p, req);
  auto r = own_request(p, req, *who);
  if (!r) return internal(p, req, r.error());
  if (!*r) return not_found(p, req);
  return document_download(p, req, **r);
}

// ---- the organs' pages ----

Result<std::optional<DisclosureRequest>> organ_request(DisclosurePages& p,
                                                       const http::Request& req) {
  auto r = p.portal.requests().find(req.param("number"));
  if (!r) return std::unexpected(r.error());
  if (!*r || !req.principal->holds(perm::kDisclosureHandle, (*r)->organ_id))
    return std::optional<DisclosureRequest>();
  return r;
}

http::Response staff_list(DisclosurePages& p, http::Request& req) {
  const auto& pages = pages_of(p);
  auto page = render::page_request(req, kPageSize);
  RequestFilter f;
  f.organs = http::organs_of(req, perm::kDisclosureHandle);
  std::string state = req.query.value("state");
  f.state = parse_request_state(state);
  if (!f.state) state.clear();
  f.open_only = req.query.value("open") == "1";
  f.query = core::cut_utf8(core::trim_text(req.query.value("q")), kMaxQueryBytes);
  f.sort = req.query.value("sort");
  if (f.sort != "oldest" && f.sort != "organ") f.sort.clear();
  f.offset = page.offset();
  f.limit = page.per_page;
  auto list = p.portal.requests().list(f);
  if (!list) return internal(p, req, list.error());
  nlohmann::json items = rows_of(p, req, list->items, kStaffBase);
  std::vector<std::pair<std::string, std::string>> states{
      {"", pages.text(req, "portal.disclosure.any_state")}};
  for (auto s : {RequestState::submitted, RequestState::correction, RequestState::processing,
                 RequestState::consultation, RequestState::answered})
    states.emplace_back(std::string(request_state_name(s)), state_text(p, req, s));
  std::vector<std::pair<std::string, std::string>> sorts{
      {"", pages.text(req, "portal.disclosure.sort.newest")},
      {"oldest", pages.text(req, "portal.disclosure.sort.oldest")},
      {"organ", pages.text(req, "portal.disclosure.sort.organ")}};
  nlohmann::json m = {{"items", items},
                      {"has_items", !items.empty()},
                      {"total", list->total},
                      {"pager", render::pager(req, page, list->total)},
                      {"states", render::select_options(states, state)},
                      {"sorts", render::select_options(sorts, f.sort)},
                      {"open", f.open_only},
                      {"q", f.query}};
  return pages.page(req, "portal/disclosure_admin", "portal.disclosure.admin.title", m);
}

http::Response staff_request(DisclosurePages& p, http::Request& req) {
  auto r = organ_request(p, req);
  if (!r) return internal(p, req, r.error());
  if (!*r) return not_found(p, req);
  nlohmann::json m = summary(p, req, **r);
  if (auto h = add_history(p, req, **r, kStaffBase, m); !h) return internal(p, req, h.error());
  m["instance_href"] = "/workflow/instances/" + std::to_string((*r)->instance_id);
  return pages_of(p).page(req, "portal/disclosure_admin_request", "portal.disclosure.request.title",
                          m);
}

http::Response staff_document(DisclosurePages& p, http::Request& req) {
  auto r = organ_request(p, req);
  if (!r) return internal(p, req, r.error());
  if (!*r) return not_found(p, req);
  return document_download(p, req, **r);
}

// ---- the task forms ----

enum class Step { register_, handle, opinion, extension, sign };

// What the officer typed: posted again after an error, else what the
// process holds from an earlier round.
std::string field_value(const workflow::TaskFormContext& c, const char* name) {
  if (c.req.method == "POST")
    if (auto f = c.req.form()) return f->value(name);
  auto it = c.instance.variables.find(name);
  return it != c.instance.variables.end() && it->is_string() ? it->get<std::string>() : "";
}

Result<std::string> render_task(DisclosurePages& p, const workflow::TaskFormContext& c, Step step) {
  const auto& pages = pages_of(p);
  long long id = c.instance.variables.value("request", 0LL);
  auto r = p.portal.requests().get(id);
  if (!r) return std::unexpected(r.error());
  if (!*r) return std::string();
  nlohmann::json m = summary(p, c.req, **r);
  m["href"] = kStaffBase + "/" + (*r)->number;
  m["editable"] = c.editable;
  m["step_register"] = step == Step::register_;
  m["step_handle"] = step == Step::handle;
  m["step_opinion"] = step == Step::opinion;
  m["step_extension"] = step == Step::extension;
  m["step_sign"] = step == Step::sign;
  std::vector<std::pair<std::string, std::string>> types;
  std::string type = field_value(c, "reply_type"), reason = field_value(c, "reply_reason");
  nlohmann::json groups = nlohmann::json::array();  // the reasons, by the type they belong to
  for (auto t : kReplyTypes) {
    std::string name(reply_type_name(t));
    types.emplace_back(name, pages.text(c.req, "portal.disclosure.reply." + name));
    std::vector<std::pair<std::string, std::string>> reasons;
    for (auto r : reply_reasons(t))
      reasons.emplace_back(std::string(r),
                           pages.text(c.req, "portal.disclosure.reason_label." + std::string(r)));
    if (!reasons.empty())
      groups.push_back(
          {{"label", types.back().second}, {"options", render::select_options(reasons, reason)}});
  }
  m["reply_types"] = render::select_options(types, type);
  m["reason_groups"] = groups;
  nlohmann::json v = nlohmann::json::object();
  for (const char* name : {"correction_note", "reply_text", "refer_organ", "third_party",
                           "extension_reason", "opinion"})
    v[name] = field_value(c, name);
  m["v"] = v;
  // The draft being signed or the extension asked for, as the process holds it.
  ReplyInput draft;
  draft.type =
      parse_reply_type(c.instance.variables.value("reply_type", "")).value_or(ReplyType::none);
  if (draft.type != ReplyType::none) {
    DisclosureRequest shown = **r;
    shown.reply_type = draft.type;
    shown.reply_reason = c.instance.variables.value("reply_reason", "");
    shown.reply_text = c.instance.variables.value("reply_text", "");
    shown.refer_organ = c.instance.variables.value("refer_organ", "");
    m["draft"] = reply_model(p, c.req, shown);
  } else {
    m["draft"] = nullptr;
  }
  m["asked_extension"] = null_if_empty(c.instance.variables.value("extension_reason", ""));
  m["may_extend"] = !(*r)->extended;
  return pages.templates().render("portal/disclosure_task", m, c.req.lang);
}

Result<nlohmann::json> read_task(DisclosurePages& p, const workflow::TaskFormContext& c,
                                 const http::FormData& f, Step step) {
  std::string outcome = f.value("outcome");
  auto text = [&](const char* field, std::size_t max) -> Result<std::string> {
    return core::check_text(f.value(field), field, max, true);
  };
  if (step == Step::register_) {
    if (outcome != "补正") return nlohmann::json::object();
    auto note = text("correction_note", 1000);
    if (!note) return std::unexpected(note.error());
    return nlohmann::json{{"correction_note", *note}};
  }
  if (step == Step::opinion) {
    auto opinion = text("opinion", 1000);
    if (!opinion) return std::unexpected(opinion.error());
    return nlohmann::json{{"opinion", *opinion}};
  }
  if (step != Step::handle) return nlohmann::json::object();
  if (outcome == "征求第三方意见") {
    auto party = text("third_party", 200);
    if (!party) return std::unexpected(party.error());
    return nlohmann::json{{"third_party", *party}};
  }
  if (outcome == "申请延期") {
    auto r = p.portal.requests().get(c.instance.variables.value("request", 0LL));
    if (!r) return std::unexpected(r.error());
    if (*r && (*r)->extended) return fail("portal.disclosure.already_extended", "extension_reason");
    auto reason = text("extension_reason", 1000);
    if (!reason) return std::unexpected(reason.error());
    return nlohmann::json{{"extension_reason", *reason}};
  }
  ReplyInput reply;
  reply.type = parse_reply_type(f.value("reply_type")).value_or(ReplyType::none);
  reply.reason = f.value("reply_reason");
  // The reason list offers every type's reasons: a type without reasons drops it.
  if (reply_reasons(reply.type).empty()) reply.reason.clear();
  reply.text = f.value("reply_text");
  reply.refer_organ = f.value("refer_organ");
  if (auto problem = DisclosureStore::reply_problem(reply)) return std::unexpected(*problem);
  return nlohmann::json{{"reply_type", std::string(reply_type_name(reply.type))},
                        {"reply_reason", reply.reason},
                        {"reply_text", core::trim_text(reply.text)},
                        {"refer_organ", core::trim_text(reply.refer_organ)}};
}

}  // namespace

void register_disclosure_routes(http::Router& router, DisclosurePages& p) {
  using http::Zone;
  const std::string signed_in(http::kSignedIn);
  auto add = [&](const char* method, std::string pattern, Zone zone, std::string permission,
                 http::Response (*fn)(DisclosurePages&, http::Request&)) {
    router.add({.method = method,
                .pattern = std::move(pattern),
                .zone = zone,
                .permission = std::move(permission),
                .handler = [&p, fn](http::Request& req) { return fn(p, req); }});
  };
  add("GET", kPublicBase, Zone::internet, signed_in, my_list);
  add("GET", kPublicBase + "/new", Zone::internet, signed_in, new_get);
  add("POST", kPublicBase + "/new", Zone::internet, signed_in, new_post);
  add("GET", kPublicBase + "/{number}", Zone::internet, signed_in, request_get);
  add("POST", kPublicBase + "/{number}/correct", Zone::internet, signed_in, correct_post);
  add("GET", kPublicBase + "/{number}/documents/{id}", Zone::internet, signed_in, my_document);
  add("GET", kStaffBase, Zone::intranet, perm::kDisclosureHandle, staff_list);
  add("GET", kStaffBase + "/{number}", Zone::intranet, perm::kDisclosureHandle, staff_request);
  add("GET", kStaffBase + "/{number}/documents/{id}", Zone::intranet, perm::kDisclosureHandle,
      staff_document);
}

void register_disclosure_task_forms(workflow::TaskForms& forms, DisclosurePages& p) {
  for (auto [key, step] : {std::pair{"portal.disclosure.register", Step::register_},
                           std::pair{"portal.disclosure.handle", Step::handle},
                           std::pair{"portal.disclosure.opinion", Step::opinion},
                           std::pair{"portal.disclosure.extension", Step::extension},
                           std::pair{"portal.disclosure.sign", Step::sign}}) {
    workflow::TaskForm form;
    form.render = [&p, step](const workflow::TaskFormContext& c) {
      return render_task(p, c, step);
    };
    if (step == Step::register_ || step == Step::handle || step == Step::opinion)
      form.read = [&p, step](const workflow::TaskFormContext& c, const http::FormData& f) {
        return read_task(p, c, f, step);
      };
    forms.add(key, std::move(form));
  }
}

void add_disclosure_nav(render::PageRenderer& pages) {
  pages.add_nav(
      {http::Zone::intranet, perm::kDisclosureHandle, kStaffBase, "portal.disclosure.admin.nav"});
}

}  // namespace yiwang::portal
