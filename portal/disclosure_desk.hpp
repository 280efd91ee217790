// 依申请公开 on the workflow engine: an applicant's request starts the process
// portal_disclosure_request (data/processes/, deployed when the site has
// none) at the organ asked; its service tasks move the request
// (portal/disclosure_store.hpp) and issue the sealed documents:
//
//   disclosure.accept               登记: 登记审查 → 办理
//   disclosure.request_correction   补正 of variables.correction_note; the clock
//                                   pauses; 补正告知书. The process then waits for
//                                   the message "corrected" (DisclosureDesk::correct)
//   disclosure.consult_begin        征求第三方意见 of variables.third_party; paused
//   disclosure.consult_end          variables.opinion recorded; running again
//   disclosure.extend               the one extension, variables.extension_reason,
//                                   approved by the head; 延期答复告知书
//   disclosure.reply                答复 (variables.reply_type, reply_reason,
//                                   reply_text, refer_organ); 政府信息公开申请答复书
//
// The documents are laid out as official documents (render/pdf_document.hpp)
// with the texts of the catalogue (portal.disclosure.doc.*) and sealed with
// the organ's process seal on behalf of the civil servant who decided.
#pragma once

#include <filesystem>
#include <functional>
#include <string>
#include <string_view>

#include "ca/seal_store.hpp"
#include "identity/account_store.hpp"
#include "identity/organ_store.hpp"
#include "mail/outbox.hpp"
#include "portal/disclosure_store.hpp"
#include "render/catalogue.hpp"
#include "workflow/engine.hpp"

namespace yiwang::portal {

inline constexpr std::string_view kDisclosureProcess = "portal_disclosure_request";
// The roles whose holders in the organ asked handle and sign requests.
inline constexpr std::string_view kDisclosureOfficerRole = "依申请公开经办";
inline constexpr std::string_view kDisclosureHeadRole = "依申请公开负责人";

// Makes, seals and stores a document of the request (kind as in
// RequestDocument) in the transaction; `actor` decided it.
using LetterMaker = std::function<void(soci::session&, const DisclosureRequest&,
                                       std::string_view kind, const std::string& actor)>;

struct LetterParts {
  ca::SealStore& seals;
  identity::AccountStore& accounts;
  const render::Catalogue& catalogue;
  DisclosureStore& requests;
  std::string base_url;  // of the public site, for the QR code
};
LetterMaker disclosure_letter_maker(LetterParts parts);

// Tells the applicant of every event of a request: a notice in the message
// centre (/messages) and, when the request gave an e-mail address, a mail
// with the link to the request.
DisclosureStore::Listener disclosure_notifier(const render::Catalogue& catalogue,
                                              mail::Outbox& outbox, std::string base_url);

class DisclosureDesk {
 public:
  DisclosureDesk(workflow::Engine& engine, DisclosureStore& requests, identity::OrganStore& organs,
                 std::filesystem::path share_dir);

  // The service tasks; `letters` makes the documents (none: no documents,
  // for tests of the steps alone).
  void register_steps(LetterMaker letters);

  // Deploys the default process unless the site has one.
  Result<void> install();

  // Files a request: every problem of the input (DisclosureStore::problems)
  // comes back as the first error; the process starts in the same
  // transaction as the request.
  Result<DisclosureRequest> submit(const RequestInput& in, const RequestApplicant& who,
                                   const audit::AuditEvent& audit);

  // The applicant's clarification (补正): the request goes back to 登记审查.
  Result<DisclosureRequest> correct(std::string_view number, const std::string& description,
                                    const RequestApplicant& who, const audit::AuditEvent& audit);

  DisclosureStore& requests() { return requests_; }

 private:
  workflow::Engine& engine_;
  DisclosureStore& requests_;
  identity::OrganStore& organs_;
  std::filesystem::path share_dir_;
};

}  // namespace yiwang::portal
