// The population and legal-entity base registries (人口 and 法人 of 一库) as far
// as online services need them: a person found by citizen number, an
// enterprise by unified social credit code. Forms read them to fill in what
// the government already knows (一表制), processes read them for cross-checks
// ("is this credit code registered and active?"). Records come from
// registration on the portal, from services that register enterprises, and
// from the demo; a later issue grows this into the full registries with their
// sources and exchange.
//
// Personal records are personal information: a person's record is sealed at
// rest with the field keys (crypto::Keyring) and found by a blind index of
// the citizen number. Enterprise registration data is public and kept in
// plain columns.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <soci/soci.h>

#include "audit/audit_log.hpp"
#include "core/error.hpp"
#include "crypto/keyring.hpp"
#include "db/database.hpp"
#include "db/migration.hpp"

namespace yiwang::registry {

struct PersonRecord {
  std::string citizen_id;  // 18 characters, checked (GB 11643)
  std::string name;
  std::string gender;      // "male" / "female", from the citizen number
  std::string birth_date;  // YYYY-MM-DD, from the citizen number
  std::string phone;
  std::string email;
  std::string address;
  std::string source;  // where the record came from: "registration", "demo", …
  std::string updated_at;
};

enum class EntityStatus { active, cancelled, revoked };  // 存续, 注销, 吊销
std::string_view entity_status_name(EntityStatus s);
std::optional<EntityStatus> parse_entity_status(std::string_view s);

struct EntityRecord {
  std::string credit_code;  // 18 characters, checked (GB 32100)
  std::string name;
  std::string kind;  // e.g. "有限责任公司", "个体工商户"
  std::string legal_representative;
  std::string registered_capital;  // as registered, e.g. "100万元"
  std::string address;
  std::string division_code;  // from the credit code's characters 3–8
  std::string established;    // YYYY-MM-DD; may be empty
  std::string business_scope;
  std::string phone;
  EntityStatus status = EntityStatus::active;
  std::string status_reason;
  std::string registration_organ;
  std::string source;
  std::string updated_at;
};

// Who registers an account on the portal, as the records see it.
struct Registrant {
  bool citizen = true;  // else an enterprise
  std::string code;     // citizen number or credit code (checked already)
  std::string name;     // the real name, or the enterprise's name
  std::string phone, email, address;
};

// How the audit log names a person's record without the whole citizen
// number (personal information): "person:350102********1234".
std::string person_audit_object(std::string_view citizen_id);

// What forms and processes ask of the registries.
class BaseRegistry {
 public:
  virtual ~BaseRegistry() = default;
  // The person with this citizen number (normalised first), or nullopt.
  virtual Result<std::optional<PersonRecord>> person(std::string_view citizen_id) = 0;
  // The enterprise with this credit code (normalised first), or nullopt.
  virtual Result<std::optional<EntityRecord>> entity(std::string_view credit_code) = 0;
};

class RegistryStore : public BaseRegistry {
 public:
  RegistryStore(db::Database& db, const crypto::Keyring& keys) : db_(db), keys_(keys) {}
  static std::vector<db::Migration> migrations();

  Result<std::optional<PersonRecord>> person(std::string_view citizen_id) override;
  Result<std::optional<EntityRecord>> entity(std::string_view credit_code) override;

  // Records a person, or updates the record with this citizen number, in the
  // caller's transaction (which writes the audit record of the change). The
  // citizen number is checked; gender and birth date are taken from it; the
  // free-text fields are checked by the text rules. Errors name the field.
  Result<PersonRecord> put_person(soci::session& s, PersonRecord record);
  // The same for an enterprise, by credit code; the division comes from it.
  Result<EntityRecord> put_entity(soci::session& s, EntityRecord record);
  // The same look-ups inside the caller's transaction.
  bool has_person(soci::session& s, std::string_view citizen_id);
  Result<std::optional<PersonRecord>> person_in(soci::session& s, std::string_view citizen_id);
  std::optional<EntityRecord> entity_in(soci::session& s, std::string_view credit_code);
  // A 统一社会信用代码 not yet in the records, for an enterprise registered
  // here (GB 32100: 登记管理部门 9 工商, the category, the division, and an
  // organisation code "MA" + 6 digits starting from `serial`); empty when
  // the division is malformed or every such code is taken.
  std::string new_credit_code(soci::session& s, char category, std::string_view division6,
                              long long serial);
  // Real-name check of a registration on the portal (实名核验), in its
  // transaction. A citizen whose number is recorded must use the recorded
  // name ("registry.registration.name_mismatch", field real_name); one who is
  // not becomes a record (source "registration", audited). An enterprise
  // whose credit code is recorded must use the recorded name (field
  // enterprise_name) and be active ("registry.registration.entity_cancelled"
  // or "…entity_revoked", field credit_code); one that is not recorded is left to the registration
  // authority and not recorded here.
  Result<void> check_registration(soci::session& s, const Registrant& who,
                                  const audit::AuditEvent& event);
  // Marks an enterprise cancelled or revoked (or active again) with a reason.
  Result<EntityRecord> set_entity_status(soci::session& s, std::string_view credit_code,
                                         EntityStatus status, std::string_view reason);
  // Enterprises by name or credit code prefix, for the intranet's look-up.
  Result<std::vector<EntityRecord>> find_entities(std::string_view query, int limit);

 private:
  db::Database& db_;
  const crypto::Keyring& keys_;
};

}  // namespace yiwang::registry
