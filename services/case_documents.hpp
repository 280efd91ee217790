// The documents of a case's procedure (办件文书) as sealed PDFs: 受理通知书,
// 不予受理决定书, 补正材料通知书 (listing exactly what is missing), 准予许可决定书
// and 不予许可决定书. Each is laid out as an official document
// (render/pdf_document.hpp) with the texts of the catalogue (services.doc.*),
// carries a QR code to the case's page, is sealed with the implementing
// organ's process seal (ca::SealStore::process_seal) on behalf of the civil
// servant whose decision it carries out, and is stored with the case — all in
// the transaction of the step. An organ without a seal gets the document
// unsealed (and a warning in the log); a document that cannot be made fails
// the step.
#pragma once

#include <string>

#include "ca/seal_store.hpp"
#include "identity/account_store.hpp"
#include "identity/organ_store.hpp"
#include "render/catalogue.hpp"
#include "render/pdf_document.hpp"
#include "services/case_steps.hpp"
#include "services/case_store.hpp"
#include "services/item_catalogue.hpp"
#include "services/licence_store.hpp"

namespace yiwang::services {

struct CaseDocumentParts {
  ca::SealStore& seals;
  identity::OrganStore& organs;
  identity::AccountStore& accounts;
  const render::Catalogue& catalogue;
  CaseStore& cases;
  std::string base_url;  // of the public site, for the QR code
};

DocumentMaker case_document_maker(CaseDocumentParts parts);

// Renders `doc` and seals it with the organ's process seal on behalf of the
// civil servant `actor`, in the transaction (the use is recorded with the
// seal); returns the PDF with its signature embedded. An organ without a
// seal, or an actor who is not a civil servant, gets the PDF unsealed and a
// warning naming `subject` in the log. Throws CaseError when the document
// cannot be made or sealed.
std::string sealed_pdf(ca::SealStore& seals, identity::AccountStore& accounts, soci::session& s,
                       long long organ_id, render::PdfDocument doc, const std::string& name,
                       const std::string& actor, std::string_view subject);

// Issues the licence of an approved case (LicenceStore::issue), lays it out
// as a PDF — the licence's elements, validity and identifier, a QR code to
// the public verification page —, seals it like the procedure documents and
// stores it with the case and the licence.
LicenceIssuer case_licence_issuer(CaseDocumentParts parts, LicenceStore& licences,
                                  ItemCatalogue& items);

}  // namespace yiwang::services
