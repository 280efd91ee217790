// Applying online (一表申请, 一网办理): the applicant's form for a published
// service item, prefilled from the base registries, saved as a draft as often
// as they like, and submitted — which validates every field on the server,
// stores the files, creates the case and starts the item's process, all in
// one transaction. Corrections (补齐补正) come back the same way and wake the
// process where it waits for them.
//
// Thread-safe.
#pragma once

#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "audit/audit_log.hpp"
#include "core/error.hpp"
#include "forms/submission.hpp"
#include "http/form_data.hpp"
#include "registry/base_registry.hpp"
#include "registry/division_store.hpp"
#include "services/case_store.hpp"
#include "services/item_catalogue.hpp"
#include "services/licence_store.hpp"
#include "workflow/engine.hpp"

namespace yiwang::services {

// The message the case process waits for after asking for corrections.
inline constexpr std::string_view kCorrectedMessage = "corrected";

// Who applies, as the routes know them from the signed-in account.
struct Applicant {
  std::string account;
  std::string name;         // real name, or the enterprise's name
  bool enterprise = false;  // an enterprise account (else a citizen)
  std::string citizen_number;
  std::string credit_code;
  std::string email;        // where notices are mailed; may be empty
  std::string phone;        // as registered (checked at registration)
  audit::AuditEvent audit;  // source, request id; event and object are filled in
};

// What reading a posted form led to.
struct ApplyOutcome {
  forms::Submission submission;      // values (as typed where wrong) and errors
  std::optional<Draft> draft;        // the saved draft (save) or the one kept (failed submit)
  std::optional<CaseRecord> record;  // the new case (submit succeeded)
};

class Applications {
 public:
  Applications(ItemCatalogue& items, CaseStore& cases, LicenceStore& licences,
               workflow::Engine& engine, registry::BaseRegistry& registry,
               registry::DivisionStore& divisions)
      : items_(items),
        cases_(cases),
        licences_(licences),
        engine_(engine),
        registry_(registry),
        divisions_(divisions) {}

  // What the government already holds about the applicant, under the
  // binding names (services/prefill.hpp), with the licences they hold.
  nlohmann::json prefill(const Applicant& applicant);

  // The published item an application is for ("services.apply.not_found").
  Result<CatalogueEntry> item(std::string_view code);

  // Saves what was posted as a draft (draft_id 0: a new one), whatever its
  // errors; the errors are returned for the page to show.
  Result<ApplyOutcome> save(std::string_view code, const http::FormData& posted, long long draft_id,
                            const Applicant& applicant);
  // Submits: when the form has no errors, creates the case and starts the
  // process; otherwise changes nothing and returns the errors.
  Result<ApplyOutcome> submit(std::string_view code, const http::FormData& posted,
                              long long draft_id, const Applicant& applicant);
  // The applicant's corrections to a case waiting for them: the form is read
  // again over the case's values; on success the case resumes.
  Result<ApplyOutcome> correct(std::string_view number, const http::FormData& posted,
                               const Applicant& applicant);

 private:
  // The published item and the values of the applicant's draft (empty without one).
  struct Opened {
    CatalogueEntry entry;
    nlohmann::json previous;
  };
  Result<Opened> open(std::string_view code, long long draft_id, const Applicant& applicant);
  forms::Context context(const Applicant& applicant);
  std::string subject_of(const ServiceItem& item, const nlohmann::json& values,
                         const Applicant& applicant) const;

  ItemCatalogue& items_;
  CaseStore& cases_;
  LicenceStore& licences_;
  workflow::Engine& engine_;
  registry::BaseRegistry& registry_;
  registry::DivisionStore& divisions_;
};

}  // namespace yiwang::services
