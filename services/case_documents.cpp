#include "services/case_documents.hpp"

#include <spdlog/spdlog.h>

#include "ca/seal_signature.hpp"
#include "core/china_time.hpp"
#include "core/civil_date.hpp"
#include "forms/attachment_store.hpp"
#include "render/pdf_document.hpp"
#include "services/case_error.hpp"

namespace yiwang::services {

namespace {

constexpr std::string_view kLang = render::Catalogue::kDefaultLanguage;

// The China date of a stored UTC time, in words ("2026年11月28日").
std::string chinese_date(const std::string& utc) {
  auto day = core::china_day_of(utc);
  return day ? core::format_chinese_date(*day) : "";
}

struct Texts {
  const render::Catalogue& catalogue;
  std::map<std::string, std::string> params;
  std::string operator()(const std::string& key) const {
    return catalogue.text(kLang, "services.doc." + key, params);
  }
};

render::PdfDocument layout(const CaseDocumentParts& p, const CaseRecord& c, std::string_view kind,
                           const std::string& organ) {
  CaseClocks clocks = p.cases.clocks(c);
  Texts t{p.catalogue,
          {{"item", c.item_name},
           {"applicant", c.applicant_name},
           {"subject", c.subject},
           {"number", c.number},
           {"submitted", chinese_date(c.submitted_at)},
           {"accepted", chinese_date(c.accepted_at)},
           {"promised", std::to_string(c.promised_days)},
           {"statutory", std::to_string(c.statutory_days)},
           {"promised_due", core::format_chinese_date(clocks.promised.due)},
           {"reason", c.decision_note},
           {"note", c.decision_note},
           {"organ", organ}}};
  const std::string k(kind);
  render::PdfDocument d;
  d.title = t(k + ".title");
  d.number = c.number;
  d.addressee = c.applicant_name + "：";
  d.organ = organ;
  d.date = core::format_chinese_date(core::china_today());
  auto paragraph = [&](std::string text) {
    render::PdfBlock b;
    b.kind = render::PdfBlock::Kind::paragraph;
    b.text = std::move(text);
    d.blocks.push_back(std::move(b));
  };
  paragraph(t(k + ".body"));
  if (kind == "correction_notice") {
    render::PdfBlock list;
    list.kind = render::PdfBlock::Kind::numbered_list;
    list.items = c.missing;
    d.blocks.push_back(std::move(list));
    paragraph(t("correction_notice.after"));
  }
  if (kind == "acceptance_notice") paragraph(t("acceptance_notice.time"));
  if (kind == "approval_decision" && !c.decision_note.empty()) paragraph(c.decision_note);
  if (kind == "rejection_decision" || kind == "refusal_decision") paragraph(t("remedy"));
  render::PdfBlock facts;
  facts.kind = render::PdfBlock::Kind::facts;
  facts.facts = {{t("fact.number"), c.number},
                 {t("fact.item"), c.item_name},
                 {t("fact.applicant"), c.applicant_name},
                 {t("fact.submitted"), chinese_date(c.submitted_at)}};
  if (!c.accepted_at.empty())
    facts.facts.push_back({t("fact.accepted"), chinese_date(c.accepted_at)});
  if (kind == "acceptance_notice")
    facts.facts.push_back({t("fact.promised_due"), core::format_chinese_date(clocks.promised.due)});
  d.blocks.push_back(std::move(facts));
  d.qr_text = p.base_url + "/services/cases/" + c.number;
  d.qr_caption = t("qr_caption") + "\n" + d.qr_text;
  d.metadata_title = d.title + " " + c.number;
  return d;
}

const identity::Organ& organ_of(const CaseDocumentParts& p, const CaseRecord& c,
                                std::optional<identity::Organ>& holder) {
  auto organ = p.organs.get(c.organ_id);
  if (!organ || !*organ) throw CaseError(Error("services.doc.no_organ", "organ"));
  holder = std::move(**organ);
  return *holder;
}

}  // namespace

std::string sealed_pdf(ca::SealStore& seals, identity::AccountStore& accounts, soci::session& s,
                       long long organ_id, render::PdfDocument doc, const std::string& name,
                       const std::string& actor, std::string_view subject) {
  auto seal = seals.process_seal(organ_id);
  if (!seal) throw CaseError(seal.error());
  if (*seal) {
    auto png = seals.image((*seal)->id, false);
    if (!png) throw CaseError(png.error());
    doc.seal_png = std::move(*png);
  }
  auto pdf = render::render_pdf(doc);
  if (!pdf) throw CaseError(pdf.error());
  std::string content = std::move(*pdf);
  if (!*seal) {
    spdlog::warn("{}: {} not sealed: organ {} has no seal", subject, name, organ_id);
    return content;
  }
  // Sealed for the civil servant whose decision this is.
  auto signer = accounts.find_by_name(actor);
  if (!signer) throw CaseError(signer.error());
  if (!*signer || (*signer)->kind != identity::AccountKind::staff) {
    spdlog::warn("{}: {} not sealed: no civil servant decided it", subject, name);
    return content;
  }
  audit::AuditEvent who;
  who.account = actor;
  who.organ = "-";
  who.source = "process";
  auto applied = seals.apply_in_process(s, (*seal)->id, name, content, **signer, who);
  if (!applied) throw CaseError(applied.error());
  return ca::embed_signature(content, applied->signature);
}

DocumentMaker case_document_maker(CaseDocumentParts p) {
  return
      [p](soci::session& s, const CaseRecord& c, std::string_view kind, const std::string& actor) {
        std::optional<identity::Organ> organ;
        render::PdfDocument doc = layout(p, c, kind, organ_of(p, c, organ).name);
        std::string name = doc.title + "-" + c.number + ".pdf";
        std::string content = sealed_pdf(p.seals, p.accounts, s, c.organ_id, std::move(doc), name,
                                         actor, "case " + c.number);
        std::string ref = forms::AttachmentStore::put(s, content, "application/pdf");
        p.cases.add_document(s, c.id, std::string(kind), name, ref);
      };
}

LicenceIssuer case_licence_issuer(CaseDocumentParts p, LicenceStore& licences,
                                  ItemCatalogue& items) {
  return [p, &licences, &items](soci::session& s, const CaseRecord& c,
                                const nlohmann::json& registered, const std::string& actor) {
    auto version = items.version_item(c.item_id, c.item_version);
    if (!version) throw CaseError(version.error());
    if (!*version || !(*version)->licence) return;  // the item issues no licence
    const LicenceTemplate& tmpl = *(*version)->licence;
    std::optional<identity::Organ> organ_holder;
    const identity::Organ& organ = organ_of(p, c, organ_holder);
    audit::AuditEvent who;
    who.account = actor;
    who.organ = "-";
    who.source = "process";
    Licence l = licences.issue(
        s, {&c, &tmpl, organ.name, organ.credit_code, c.applicant_code, registered}, who);
    render::PdfDocument d;
    d.title = l.type_name;
    d.number = p.catalogue.text(kLang, "services.doc.licence.number",
                                {{"number", l.identifier.substr(l.identifier.size() - 18, 12)}});
    render::PdfBlock facts;
    facts.kind = render::PdfBlock::Kind::facts;
    for (const auto& e : l.entries) facts.facts.push_back({e.label, e.value});
    facts.facts.push_back(
        {p.catalogue.text(kLang, "services.doc.licence.validity"),
         l.valid_until.empty()
             ? p.catalogue.text(kLang, "services.doc.licence.permanent")
             : core::format_chinese_date(*core::parse_iso_date(l.issued_on)) + "至" +
                   core::format_chinese_date(*core::parse_iso_date(l.valid_until))});
    facts.facts.push_back(
        {p.catalogue.text(kLang, "services.doc.licence.identifier"), l.identifier});
    d.blocks.push_back(std::move(facts));
    d.organ = organ.name;
    d.date = core::format_chinese_date(*core::parse_iso_date(l.issued_on));
    d.qr_text = p.base_url + "/licences/verify?id=" + l.identifier;
    d.qr_caption = p.catalogue.text(kLang, "services.doc.licence.qr_caption") + "\n" + d.qr_text;
    d.metadata_title = l.type_name + " " + l.identifier;
    std::string name = l.type_name + "-" + c.number + ".pdf";
    std::string content = sealed_pdf(p.seals, p.accounts, s, c.organ_id, std::move(d), name, actor,
                                     "case " + c.number);
    std::string ref = forms::AttachmentStore::put(s, content, "application/pdf");
    LicenceStore::set_pdf(s, l.id, ref);
    p.cases.add_document(s, c.id, "licence", name, ref);
  };
}

}  // namespace yiwang::services
