#include "services/registry_steps.hpp"

#include <string>

#include "audit/audit_log.hpp"
#include "core/china_time.hpp"
#include "core/civil_date.hpp"
#include "core/identifier.hpp"
#include "services/case_error.hpp"
#include "services/case_steps.hpp"

namespace yiwang::services {

namespace {

constexpr std::string_view kLang = render::Catalogue::kDefaultLanguage;

// What the records say about the applicant of a case.
nlohmann::json check_applicant(soci::session& s, registry::RegistryStore& records,
                               const CaseRecord& c) {
  const std::string& code = c.applicant_code;
  auto uscc = core::check_identifier(core::IdKind::uscc, code, {}, core::china_today());
  if (uscc.status == core::IdStatus::valid) {
    auto entity = records.entity_in(s, uscc.normalised);
    std::string status = entity ? std::string(registry::entity_status_name(entity->status)) : "";
    return {{"kind", "entity"},
            {"found", entity.has_value()},
            {"active", entity && entity->status == registry::EntityStatus::active},
            {"status", status}};
  }
  bool found = !code.empty() && records.has_person(s, code);
  return {{"kind", "person"}, {"found", found}, {"active", found}, {"status", ""}};
}

// The new entity's record from the case's form, as the item says.
registry::EntityRecord entity_of(const ServiceItem& item, const CaseRecord& c,
                                 const identity::Organ& organ) {
  registry::EntityRecord e;
  std::map<std::string, std::string*> targets = {{"name", &e.name},
                                                 {"kind", &e.kind},
                                                 {"legal_representative", &e.legal_representative},
                                                 {"registered_capital", &e.registered_capital},
                                                 {"address", &e.address},
                                                 {"business_scope", &e.business_scope},
                                                 {"phone", &e.phone}};
  for (const auto& [element, source] : item.registers_entity->elements) {
    auto target = targets.find(element);
    if (target == targets.end()) continue;
    if (!source.empty() && source[0] == '=') {
      *target->second = source.substr(1);
      continue;
    }
    std::string value = form_value_text(form_value_at(c.values, source));
    const forms::Field* field = item.form.field(source);
    if (!value.empty() && field && !field->unit.empty()) value += field->unit;
    *target->second = value;
  }
  e.established = core::format_iso_date(core::china_today());
  e.registration_organ = organ.name;
  e.source = "case:" + c.number;
  return e;
}

}  // namespace

std::string applicant_check_text(const render::Catalogue& catalogue, std::string_view lang,
                                 const std::string& code, const nlohmann::json& check) {
  std::string shown = code.empty() ? "—" : code;
  bool entity = check.value("kind", "") == "entity";
  if (!check.value("found", false))
    return catalogue.text(
        lang, entity ? "services.registry.entity_unknown" : "services.registry.person_unknown",
        {{"code", shown}});
  if (!check.value("active", false))
    return catalogue.text(lang, "services.registry.entity_inactive",
                          {{"code", shown},
                           {"status", catalogue.text(lang, "services.registry.status." +
                                                               check.value("status", ""))}});
  return catalogue.text(
      lang, entity ? "services.registry.entity_active" : "services.registry.person_found",
      {{"code", shown}});
}

void register_registry_steps(workflow::Engine& engine, const RegistrySteps& p) {
  engine.register_handler("registry.check_applicant", case_step([p](workflow::ServiceCall& call) {
                            CaseRecord c = p.cases.load(call.session, call.business_key);
                            nlohmann::json check = check_applicant(call.session, p.registry, c);
                            call.variables["applicant_check"] = check;
                            if (!check.value("active", false))
                              call.variables["reason"] =
                                  applicant_check_text(p.catalogue, kLang, c.applicant_code, check);
                          }));
  engine.register_handler(
      "registry.register_entity", case_step([p](workflow::ServiceCall& call) {
        if (call.variables.contains("registered")) return;
        CaseRecord c = p.cases.load(call.session, call.business_key);
        if (c.decision != Decision::approved) return;
        auto item = p.items.version_item(c.item_id, c.item_version);
        if (!item) throw CaseError(item.error());
        if (!*item || !(*item)->registers_entity) return;
        auto organ = p.organs.get(c.organ_id);
        if (!organ || !*organ) throw CaseError(Error("services.doc.no_organ", "organ"));
        registry::EntityRecord e = entity_of(**item, c, **organ);
        e.credit_code = p.registry.new_credit_code(
            call.session, (*item)->registers_entity->category, (*organ)->division_code, c.id);
        if (e.credit_code.empty())
          throw CaseError(
              Error("services.registry.no_code", "organ", {{"division", (*organ)->division_code}}));
        auto put = p.registry.put_entity(call.session, e);
        if (!put) throw CaseError(put.error());
        audit::AuditEvent who;
        who.account = call.actor;
        who.organ = "-";
        who.source = "process";
        who.event = "registry.entity.registered";
        who.object = "entity:" + put->credit_code;
        who.detail = put->name + " " + c.number;
        audit::AuditLog::record(call.session, who);
        p.cases.record_event(call.session, c, "services.case.event.registered", put->credit_code,
                             call.actor);
        call.variables["registered"] = {{"credit_code", put->credit_code}, {"name", put->name}};
      }));
}

}  // namespace yiwang::services
