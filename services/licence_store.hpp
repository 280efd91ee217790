// Electronic licences (电子证照, STANDARDS.md §5): issued when a case whose
// item has a licence template is approved, each with its GB/T 36904
// identifier, holder, elements, validity and issuing organ, and a sealed PDF
// whose QR code opens the public verification page. Holders find theirs in
// the wallet and reuse them in later applications (the bindings
// licence.<key>.number and licence.<key>.<element>); the issuing organ may
// revoke one with a reason, after which verification says so.
//
// Thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <soci/soci.h>
#include <nlohmann/json.hpp>

#include "audit/audit_log.hpp"
#include "core/error.hpp"
#include "db/database.hpp"
#include "db/migration.hpp"
#include "services/case_store.hpp"
#include "services/service_item.hpp"

namespace yiwang::services {

enum class LicenceState { valid, revoked };

struct LicenceEntry {
  std::string element, label, value;
};

struct Licence {
  long long id = 0;
  std::string identifier;  // 1.2.156.3005.2.…
  std::string key, type_name, type_code;
  std::string holder_name;
  std::string holder_code;     // the holder's credit code or citizen number, when known
  std::string holder_account;  // the account that applied
  std::vector<LicenceEntry> entries;
  std::string issued_on;    // YYYY-MM-DD (China date)
  std::string valid_until;  // YYYY-MM-DD; empty: 长期
  long long issuer_organ_id = 0;
  std::string issuer_name, issuer_code;
  long long case_id = 0;
  std::string case_number;
  std::string pdf_ref;  // the sealed PDF (forms::AttachmentStore)
  LicenceState state = LicenceState::valid;
  std::string revoked_at, revoked_reason, revoked_by;
  std::string created_at;
};

// What the verification says about an identifier.
enum class LicenceVerdict {
  valid,      // issued here, in force
  revoked,    // issued here, revoked (with its reason)
  expired,    // issued here, past its validity
  unknown,    // well formed, but not issued by this platform
  malformed,  // not an identifier, or its check character is wrong
};
std::string_view licence_verdict_name(LicenceVerdict v);

struct LicenceCheck {
  LicenceVerdict verdict = LicenceVerdict::malformed;
  std::optional<Licence> licence;
  Error problem;  // for malformed: services.licence_id.*
};

struct NewLicence {
  const CaseRecord* record = nullptr;
  const LicenceTemplate* licence = nullptr;
  std::string issuer_name, issuer_code;  // the implementing organ
  std::string holder_code;
  // A market entity the case registered ({credit_code, name}) or null: it is
  // then the holder, and elements may take "registered.credit_code".
  nlohmann::json registered;
};

class LicenceStore {
 public:
  using Clock = CaseStore::Clock;
  LicenceStore(db::Database& db, Clock clock = {}) : db_(db), clock_(std::move(clock)) {}
  static std::vector<db::Migration> migrations();

  // Creates the licence of an approved case in the caller's transaction (its
  // number: the issue year and the row id; its elements: the template's
  // fields from the case's form). Throws CaseError on a bad template or
  // issuer code.
  Licence issue(soci::session& s, const NewLicence& input, const audit::AuditEvent& who);
  // Records the sealed PDF of a licence just issued.
  static void set_pdf(soci::session& s, long long id, const std::string& ref);

  // Revokes with a reason (required, ≤ 500 characters), audited; only a
  // valid licence ("services.licence.revoked_already").
  Result<Licence> revoke(long long id, const std::string& reason, const audit::AuditEvent& who);

  Result<std::optional<Licence>> get(long long id);
  Result<std::optional<Licence>> find(std::string_view identifier);
  // The licences of a holder: issued to the account, or to its credit code or
  // citizen number (when given), newest first.
  Result<std::vector<Licence>> held_by(const std::string& account, const std::string& code);
  struct Page {
    std::vector<Licence> licences;
    long long total = 0;
  };
  // An organ's licences (0: all), newest first; query matches identifier or holder.
  Result<Page> issued_by(long long organ_id, const std::string& query, int offset, int limit);
  // The licence a case issued, if any.
  Result<std::optional<Licence>> of_case(long long case_id);

  // What an identifier is: malformed, unknown, or the licence with its state.
  Result<LicenceCheck> check(std::string_view identifier);

  // The bindings a holder's valid licences give a form: licence.<key>.number
  // and licence.<key>.<element> (the newest licence of each key).
  nlohmann::json bindings(const std::string& account, const std::string& code);

 private:
  std::string today() const;
  db::Database& db_;
  Clock clock_;
};

}  // namespace yiwang::services
