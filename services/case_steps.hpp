// The steps a service item's process takes on its case, as service-task
// handlers of the workflow engine (yiwang:handler="…" in the BPMN):
//
//   case.accept              受理: the acceptance clock stops, the promised and
//                            statutory clocks start; 受理通知书
//   case.not_accept          不予受理, with variables.reason; 不予受理决定书
//   case.request_correction  补齐补正 of variables.missing (a list of what is
//                            missing) with variables.correction_note; the
//                            clock pauses; 补正材料通知书. The process then
//                            waits for the message "corrected", which the
//                            applicant's corrections send (Applications::correct).
//   case.special_begin       特别程序 named by variables.special; clock paused
//   case.special_end         back to 审查; clock running again
//   case.decide              决定: approved when every decision taken since
//                            acceptance (variables.decisions) approved; sets
//                            variables.approved; 准予/不予许可决定书
//   case.issue_licence       the electronic licence of an approved case (电子证照)
//   case.complete            办结, then 送达 (electronic delivery)
//
// Each runs in the process's transaction: a step that does not fit the case's
// state fails the task completion that led to it, and nothing changes.
#pragma once

#include <functional>
#include <string_view>

#include <soci/soci.h>

#include "services/case_store.hpp"
#include "workflow/engine.hpp"

namespace yiwang::services {

// Makes, seals and stores a document of the procedure (kind as in
// CaseDocument) for the case, in the transaction; CaseStore::add_document
// records it. `actor` is the account whose decision the document carries out.
using DocumentMaker = std::function<void(soci::session&, const CaseRecord&, std::string_view kind,
                                         const std::string& actor)>;

// Issues the electronic licence of an approved case whose item has a
// licence template (nothing otherwise), seals and stores it, in the transaction.
// `registered` is what registry.register_entity recorded for the case
// ({credit_code, name}; null when nothing was registered).
using LicenceIssuer = std::function<void(
    soci::session&, const CaseRecord&, const nlohmann::json& registered, const std::string& actor)>;

// A step as a handler: a CaseError it throws becomes the handler's error
// (and the transaction rolls back).
workflow::Handler case_step(std::function<void(workflow::ServiceCall&)> fn);

void register_case_steps(workflow::Engine& engine, CaseStore& cases, DocumentMaker documents,
                         LicenceIssuer licences);

}  // namespace yiwang::services
