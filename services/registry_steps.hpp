// The steps of a case's process that read and write the base registries
// (registry/base_registry.hpp), as service-task handlers:
//
//   registry.check_applicant   cross-check before acceptance: an applicant
//                              with a credit code must be in the legal-entity
//                              records and 存续 (active); one with a citizen
//                              number must be in the population records. Sets
//                              variables.applicant_check = {found, active,
//                              status} and, when the check fails,
//                              variables.reason (what case.not_accept says).
//   registry.register_entity   after an approved decision of an item with
//                              registers_entity: records the new market entity
//                              with a new 统一社会信用代码 (the implementing
//                              organ's division, established today, registered
//                              by that organ), audits it, tells the applicant,
//                              and sets variables.registered = {credit_code,
//                              name} for the licence (its holder). A refused
//                              case, an item without registers_entity or a
//                              case registered already changes nothing.
//
// Both run in the process's transaction; a registration the records refuse
// (e.g. a name over their length) fails the task completion that led to it.
#pragma once

#include "identity/organ_store.hpp"
#include "registry/base_registry.hpp"
#include "render/catalogue.hpp"
#include "services/case_store.hpp"
#include "services/item_catalogue.hpp"
#include "workflow/engine.hpp"

namespace yiwang::services {

struct RegistrySteps {
  CaseStore& cases;
  ItemCatalogue& items;
  registry::RegistryStore& registry;
  identity::OrganStore& organs;
  const render::Catalogue& catalogue;  // the reason texts (zh-CN)
};

// What registry.check_applicant found, as the window reads it in `lang`:
// the reason a failed check gives, or that the applicant is recorded (and
// active). `check` is variables.applicant_check.
std::string applicant_check_text(const render::Catalogue& catalogue, std::string_view lang,
                                 const std::string& code, const nlohmann::json& check);

void register_registry_steps(workflow::Engine& engine, const RegistrySteps& parts);

}  // namespace yiwang::services
