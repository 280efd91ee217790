#include "portal/disclosure_desk.hpp"

#include <spdlog/spdlog.h>

#include "core/china_time.hpp"
#include "core/civil_date.hpp"
#include "forms/attachment_store.hpp"
#include "render/pdf_document.hpp"
#include "services/case_documents.hpp"
#include "services/case_error.hpp"
#include "services/message_centre.hpp"

#include "workflow/module_process.hpp"

namespace yiwang::portal {

namespace {

long long request_of(const workflow::ServiceCall& call) {
  return workflow::id_variable(call, "request", "portal.disclosure.no_request");
}

using workflow::text_variable;

ReplyInput reply_of(const nlohmann::json& variables) {
  ReplyInput r;
  r.type = parse_reply_type(text_variable(variables, "reply_type")).value_or(ReplyType::none);
  r.reason = text_variable(variables, "reply_reason");
  r.text = text_variable(variables, "reply_text");
  r.refer_organ = text_variable(variables, "refer_organ");
  return r;
}

// A step as a handler: the documents' CaseError becomes a Fault.
workflow::Handler step(std::function<void(workflow::ServiceCall&)> fn) {
  return [fn = std::move(fn)](workflow::ServiceCall& call) -> Result<void> {
    try {
      fn(call);
    } catch (const services::CaseError& e) {
      throw workflow::Fault(e.error);
    }
    return {};
  };
}

constexpr std::string_view kLang = render::Catalogue::kDefaultLanguage;

std::string chinese_date_of(const std::string& iso) {
  auto day = core::parse_iso_date(iso);
  return day ? core::format_chinese_date(*day) : iso;
}

render::PdfDocument layout(const LetterParts& p, const DisclosureRequest& r,
                           std::string_view kind) {
  services::ClockReading clock = p.requests.clock(r);
  std::map<std::string, std::string> params{{"applicant", r.applicant_name},
                                            {"organ", r.organ_name},
                                            {"number", r.number},
                                            {"received", chinese_date_of(r.received_on)},
                                            {"description", r.description},
                                            {"note", r.correction_note},
                                            {"reason", r.extension_reason},
                                            {"due", core::format_chinese_date(clock.due)},
                                            {"limit", std::to_string(r.limit_days)},
                                            {"refer", r.refer_organ}};
  auto t = [&](const std::string& key) {
    return p.catalogue.text(kLang, "portal.disclosure.doc." + key, params);
  };
  const std::string k(kind);
  render::PdfDocument d;
  d.title = t(k + ".title");
  d.number = r.number;
  d.addressee = r.applicant_name + "：";
  d.organ = r.organ_name;
  d.date = core::format_chinese_date(core::china_today());
  auto paragraph = [&](std::string text) {
    if (text.empty()) return;
    render::PdfBlock b;
    b.kind = render::PdfBlock::Kind::paragraph;
    b.text = std::move(text);
    d.blocks.push_back(std::move(b));
  };
  paragraph(t(k + ".body"));
  if (kind == "correction_notice") {
    paragraph(r.correction_note);
    paragraph(t("correction_notice.after"));
  } else if (kind == "reply_letter") {
    std::string type(reply_type_name(r.reply_type));
    paragraph(t("reply_letter.type." + type));
    if (!r.reply_reason.empty())
      paragraph(p.catalogue.text(kLang, "portal.disclosure.reason." + r.reply_reason, params));
    paragraph(r.reply_text);
    paragraph(t("reply_letter.remedy"));
  }
  render::PdfBlock facts;
  facts.kind = render::PdfBlock::Kind::facts;
  facts.facts = {{t("fact.number"), r.number},
                 {t("fact.applicant"), r.applicant_name},
                 {t("fact.received"), chinese_date_of(r.received_on)}};
  if (kind != "reply_letter")
    facts.facts.push_back({t("fact.due"), core::format_chinese_date(clock.due)});
  d.blocks.push_back(std::move(facts));
  d.qr_text = p.base_url + "/disclosure/requests/" + r.number;
  d.qr_caption = t("qr_caption") + "\n" + d.qr_text;
  d.metadata_title = d.title + " " + r.number;
  return d;
}

}  // namespace

LetterMaker disclosure_letter_maker(LetterParts p) {
  return [p](soci::session& s, const DisclosureRequest& r, std::string_view kind,
             const std::string& actor) {
    render::PdfDocument doc = layout(p, r, kind);
    std::string name = doc.title + "-" + r.number + ".pdf";
    std::string content = services::sealed_pdf(p.seals, p.accounts, s, r.organ_id, std::move(doc),
                                               name, actor, "disclosure " + r.number);
    std::string ref = forms::AttachmentStore::put(s, content, "application/pdf");
    p.requests.add_document(s, r.id, std::string(kind), name, ref);
  };
}

DisclosureStore::Listener disclosure_notifier(const render::Catalogue& catalogue,
                                              mail::Outbox& outbox, std::string base_url) {
  return [&catalogue, &outbox, base_url](soci::session& s, const DisclosureRequest& r,
                                         const RequestEvent& e) {
    std::string link = "/disclosure/requests/" + r.number;
    std::string title = catalogue.text(kLang, "portal.disclosure.notice.title",
                                       {{"number", r.number}, {"organ", r.organ_name}});
    std::string detail = e.detail;
    if (e.key == "portal.disclosure.event.answered")
      detail = catalogue.text(kLang, "portal.disclosure.reply." + e.detail);
    std::string body = catalogue.text(kLang, e.key, {{"detail", detail}});
    services::MessageCentre::post(s, r.applicant, title, body, link);
    if (r.email.empty()) return;
    mail::Message m;
    m.to = r.email;
    m.subject = title;
    m.body =
        body + "\n\n" +
        catalogue.text(kLang, "portal.disclosure.notice.mail_link", {{"url", base_url + link}}) +
        "\n";
    if (auto queued = outbox.enqueue(s, m); !queued)
      spdlog::warn("disclosure {}: notice not mailed: {}", r.number, queued.error().key);
  };
}

DisclosureDesk::DisclosureDesk(workflow::Engine& engine, DisclosureStore& requests,
                               identity::OrganStore& organs, std::filesystem::path share_dir)
    : engine_(engine), requests_(requests), organs_(organs), share_dir_(std::move(share_dir)) {}

void DisclosureDesk::register_steps(LetterMaker letters) {
  DisclosureStore& st = requests_;
  auto document = [letters](soci::session& s, const DisclosureRequest& r, std::string_view kind,
                            const std::string& actor) {
    if (letters) letters(s, r, kind, actor);
  };
  engine_.register_handler("disclosure.accept", step([&st](workflow::ServiceCall& c) {
                             st.accept(c.session, request_of(c), c.actor);
                           }));
  engine_.register_handler(
      "disclosure.request_correction", step([&st, document](workflow::ServiceCall& c) {
        auto r = st.request_correction(c.session, request_of(c),
                                       text_variable(c.variables, "correction_note"), c.actor);
        document(c.session, r, "correction_notice", c.actor);
      }));
  engine_.register_handler("disclosure.consult_begin", step([&st](workflow::ServiceCall& c) {
                             st.consult_begin(c.session, request_of(c),
                                              text_variable(c.variables, "third_party"), c.actor);
                           }));
  engine_.register_handler("disclosure.consult_end", step([&st](workflow::ServiceCall& c) {
                             st.consult_end(c.session, request_of(c),
                                            text_variable(c.variables, "opinion"), c.actor);
                           }));
  engine_.register_handler("disclosure.extend", step([&st, document](workflow::ServiceCall& c) {
                             auto r =
                                 st.extend(c.session, request_of(c),
                                           text_variable(c.variables, "extension_reason"), c.actor);
                             document(c.session, r, "extension_notice", c.actor);
                           }));
  engine_.register_handler("disclosure.reply", step([&st, document](workflow::ServiceCall& c) {
                             auto r =
                                 st.reply(c.session, request_of(c), reply_of(c.variables), c.actor);
                             document(c.session, r, "reply_letter", c.actor);
                           }));
}

Result<void> DisclosureDesk::install() {
  return workflow::deploy_default(
      engine_, kDisclosureProcess,
      share_dir_ / "data" / "processes" / "portal_disclosure_request.bpmn",
      "portal.disclosure.no_process");
}

Result<DisclosureRequest> DisclosureDesk::submit(const RequestInput& in,
                                                 const RequestApplicant& who,
                                                 const audit::AuditEvent& audit) {
  if (auto p = requests_.problems(in, who); !p.empty()) return std::unexpected(p.front());
  if (auto installed = install(); !installed) return std::unexpected(installed.error());
  auto organ = organs_.get(in.organ_id);
  if (!organ) return std::unexpected(organ.error());
  if (!*organ) return fail("portal.disclosure.organ_invalid", "organ");
  const std::string& code = (*organ)->credit_code;
  workflow::Engine::StartInput start;
  start.process_key = std::string(kDisclosureProcess);
  start.title = (*organ)->name + "：" + who.name;
  start.variables = {{"officerGroup", "role:" + std::string(kDisclosureOfficerRole) + "@" + code},
                     {"headGroup", "role:" + std::string(kDisclosureHeadRole) + "@" + code},
                     {"applicant", who.account}};
  DisclosureRequest created;
  DisclosureStore* store = &requests_;
  start.before_run = [&, store](soci::session& s, workflow::Instance& instance) {
    created = store->create(s, in, who, instance.id, audit);
    instance.business_key = created.number;
    instance.variables["request"] = created.id;
    instance.variables["number"] = created.number;
  };
  workflow::Actor actor;
  actor.account = who.account;
  actor.name = who.name;
  actor.audit = audit;
  actor.on_behalf = true;
  auto started = engine_.start(start, actor);
  if (!started) return std::unexpected(started.error());
  auto record = requests_.get(created.id);
  if (!record) return std::unexpected(record.error());
  if (!*record) return fail("portal.disclosure.not_found", "request");
  return std::move(**record);
}

Result<DisclosureRequest> DisclosureDesk::correct(std::string_view number,
                                                  const std::string& description,
                                                  const RequestApplicant& who,
                                                  const audit::AuditEvent& audit) {
  auto found = requests_.find(number);
  if (!found) return std::unexpected(found.error());
  if (!*found || (*found)->applicant != who.account)
    return fail("portal.disclosure.not_found", "request");
  const DisclosureRequest& r = **found;
  if (r.state != RequestState::correction)
    return fail("portal.disclosure.bad_state", "request",
                {{"from", std::string(request_state_name(r.state))}, {"to", "submitted"}});
  workflow::Actor actor;
  actor.account = who.account;
  actor.name = who.name;
  actor.audit = audit;
  actor.on_behalf = true;
  DisclosureStore* store = &requests_;
  auto moved = engine_.message(r.instance_id, "corrected", {}, actor, [&](soci::session& s) {
    store->corrected(s, r.id, description, who.account);
  });
  if (!moved) return std::unexpected(moved.error());
  auto record = requests_.get(r.id);
  if (!record) return std::unexpected(record.error());
  if (!*record) return fail("portal.disclosure.not_found", "request");
  return std::move(**record);
}

}  // namespace yiwang::portal
