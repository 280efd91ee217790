// Accounts. Kinds: civil servants (staff, in an organ and department, with a
// clearance level), citizens, enterprises, and the three administrators of
// 三员分立 — 系统管理员 (organs, accounts), 安全管理员 (roles, permissions,
// clearance, security policy), 审计管理员 (reads the audit log, nothing
// else). An administrator is an account kind, so no account can hold two of
// the roles; administrators are created only by `yiwang init`, exactly one of
// each, with one-time passwords that must be changed at first sign-in.
//
// Phone numbers, addresses and citizen numbers are stored SM4-encrypted
// (crypto::Keyring, each bound to its column), with HMAC-SM3 blind indexes of
// the citizen number and the phone number for exact lookups; the database
// never holds them in clear.
//
// Thread-safe: every call is its own transaction.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "audit/audit_log.hpp"
#include "core/error.hpp"
#include "core/identifier.hpp"
#include "core/progress.hpp"
#include "crypto/keyring.hpp"
#include "db/database.hpp"
#include "db/migration.hpp"
#include "identity/password.hpp"

namespace yiwang::identity {

class SessionStore;

enum class AccountKind { staff, citizen, enterprise, system_admin, security_admin, audit_admin };

std::string_view account_kind_name(AccountKind kind);
std::optional<AccountKind> parse_account_kind(std::string_view name);
bool is_administrator(AccountKind kind);

// Security labels a civil servant may be cleared for (绝密 never enters).
enum class Clearance { open = 0, internal = 1, secret = 2, confidential = 3 };
std::string_view clearance_name(Clearance c);
std::optional<Clearance> parse_clearance(std::string_view name);

struct Account {
  long long id = 0;
  std::string name;  // sign-in name, lower case
  AccountKind kind = AccountKind::staff;
  std::string display_name;  // real name; an enterprise's registered name
  std::optional<long long> organ_id;
  std::optional<long long> department_id;
  std::string email, phone, address;
  std::string citizen_number;        // citizens: 公民身份号码 (18 characters)
  std::string credit_code;           // enterprises: 统一社会信用代码
  std::string legal_representative;  // enterprises
  Clearance clearance = Clearance::open;
  bool must_change_password = false;
  std::string password_changed_at;
  bool active = true;
  long long version = 0;
};

// A civil servant's account as the system administrator enters it.
struct StaffInput {
  std::string name;  // sign-in name
  std::string display_name;
  long long organ_id = 0;
  std::optional<long long> department_id;
  std::string email, phone;
};

// What a citizen or an enterprise types to register on the portal.
struct RegistrationInput {
  std::string name;  // sign-in name
  std::string password, password_confirm;
  std::string email, phone, address;
  // citizens
  std::string real_name, citizen_number;
  // enterprises
  std::string enterprise_name, credit_code, legal_representative;
};

// Runs in the transaction of a citizen's or an enterprise's registration,
// after the account is written (and its audit record): the real-name check
// against the base registries and the record of a new person. An error
// refuses the registration and names the field.
using RegistrationHook =
    std::function<Result<void>(soci::session&, const Account&, const audit::AuditEvent&)>;

// An account with a password to hand over once (administrators, new staff,
// a reset by the system administrator).
struct NewAccount {
  Account account;
  std::string one_time_password;
};

// An administrator created by init, with the password shown once.
struct NewAdministrator {
  Account account;
  std::string one_time_password;
};

class AccountStore {
 public:
  // `divisions` checks the birth-place code of citizen numbers (may be empty).
  AccountStore(db::Database& db, const crypto::Keyring& keys, HashCost cost,
               core::DivisionExists divisions = {})
      : db_(db), keys_(keys), cost_(cost), divisions_(std::move(divisions)) {}

  static std::vector<db::Migration> migrations();
  // Profiles of citizens and enterprises, enterprise agents, staff positions.
  static std::vector<db::Migration> profile_migrations();
  // Blind-index columns and the key id of each row's sealed fields (9); then,
  // as this is the last identity list the application registers, the
  // identity migrations numbered after it (10: OrganStore's department heads).
  static std::vector<db::Migration> sealing_migrations();

  // Encrypts the personal fields of rows that hold them in clear (written
  // before encryption) or under a key other than the active one (after a
  // rotation). Returns how many rows it changed; safe to run again.
  Result<long long> reseal(Progress& progress);

  // Creates a civil servant's account with a one-time password (system
  // administrator). Errors name the field and the rule.
  Result<NewAccount> create_staff(const StaffInput& input, audit::AuditEvent who);
  // Sets what registration checks and records in the base registries.
  void set_registration_hook(RegistrationHook hook) { registration_hook_ = std::move(hook); }
  // Registers a citizen (kind citizen) or an enterprise (kind enterprise).
  Result<Account> register_public(AccountKind kind, const RegistrationInput& input,
                                  const PasswordPolicy& policy, audit::AuditEvent who);
  // Disables or enables an account; disabling ends its sessions.
  Result<Account> set_active(long long id, bool active, long long expected_version,
                             SessionStore& sessions, audit::AuditEvent who);
  // Sets a civil servant's clearance (security administrator); ends sessions.
  Result<Account> set_clearance(long long id, Clearance clearance, long long expected_version,
                                SessionStore& sessions, audit::AuditEvent who);
  // Gives a new one-time password (system administrator); ends sessions.
  Result<NewAccount> reset_password(long long id, SessionStore& sessions, audit::AuditEvent who);
  // Sets a new password without the current one (a redeemed e-mail reset).
  Result<void> set_password(long long id, std::string_view next, const PasswordPolicy& policy,
                            SessionStore& sessions, audit::AuditEvent who);

  // Accounts for the administrators' lists: optional kind and organ filters,
  // a search in sign-in and real names (a plain substring: % and _ match
  // themselves), sorted, paged. Returns the page and the total.
  struct Page {
    std::vector<Account> accounts;
    long long total = 0;
  };
  enum class Sort { name, display_name, kind, organ };
  Result<Page> list(std::optional<AccountKind> kind, std::optional<long long> organ,
                    const std::string& search, int offset, int limit, Sort sort = Sort::name,
                    bool descending = false);
  // Replaces a civil servant's positions (职位) with positions of their own
  // organ ("identity.position.other_organ" otherwise); audited.
  Result<void> set_positions(long long id, const std::vector<long long>& positions,
                             audit::AuditEvent who);
  // An account's positions, in the organ's order.
  struct HeldPosition {
    long long id = 0;
    std::string name;
  };
  Result<std::vector<HeldPosition>> positions_of(long long id);
  // Staff of an organ (the directory).
  Result<std::vector<Account>> staff_of(long long organ_id);
  // The head (部门负责人) of the account's own department, for tasks given to
  // "the starter's department head": nullopt when the account has no
  // department, the department has no head or its head is disabled. It may
  // be the account itself. "identity.account.not_found" (account_id) for an
  // unknown account.
  Result<std::optional<long long>> head_of_account_department(long long account_id);
  // Finds a citizen account by e-mail address (password reset).
  Result<std::optional<Account>> find_public_by_email(const std::string& email);

  // Enterprise agents: citizen accounts acting for an enterprise.
  Result<void> add_agent(long long enterprise_id, const std::string& citizen_name,
                         const std::string& citizen_number, audit::AuditEvent who);
  Result<void> remove_agent(long long enterprise_id, long long citizen_id, audit::AuditEvent who);
  Result<std::vector<Account>> agents(long long enterprise_id);
  // The enterprises a citizen acts for.
  Result<std::vector<Account>> principals_of_agent(long long citizen_id);

  // Creates 系统管理员 sysadmin, 安全管理员 secadmin and 审计管理员 auditadmin
  // with random one-time passwords. Refuses ("identity.admin.exists") when any
  // administrator exists already.
  Result<std::vector<NewAdministrator>> create_administrators(audit::AuditEvent who);

  Result<std::optional<Account>> find_by_name(const std::string& name);
  Result<std::optional<Account>> get(long long id);
  // The stored Argon2id hash (for sign-in).
  Result<std::string> password_hash(long long id);

  // Changes a password after checking the current one ("current_password") and
  // the policy ("password"; the last passwords count as history). Clears the
  // must-change flag; audited in the same transaction.
  Result<void> change_password(long long id, std::string_view current, std::string_view next,
                               const PasswordPolicy& policy, audit::AuditEvent who);

 private:
  // Checks `next` against the policy and the password history, stores it, and
  // runs `also` in the same transaction (audit, ending sessions).
  Result<void> replace_password(long long id, std::string_view next, const PasswordPolicy& policy,
                                const std::function<void(soci::session&, const Account&)>& also);

  db::Database& db_;
  const crypto::Keyring& keys_;
  HashCost cost_;
  core::DivisionExists divisions_;
  RegistrationHook registration_hook_;
};

// The columns whose values are sealed, as the keyring's contexts.
inline constexpr std::string_view kPhoneColumn = "identity_accounts.phone";
inline constexpr std::string_view kAddressColumn = "identity_accounts.address";
inline constexpr std::string_view kCitizenNumberColumn = "identity_accounts.citizen_number";

// The SELECT column list of an account and its row reader (identity/ only).
std::string account_columns();
Account account_from_db_row(const soci::row& r, const crypto::Keyring& keys);

// The stored forms of the personal fields: sealed values, blind indexes and
// the key id that sealed them (identity/ only).
struct SealedFields {
  std::string phone, phone_index, address, citizen_number, citizen_number_index;
  long long key = 0;
};
SealedFields seal_fields(const crypto::Keyring& keys, std::string_view phone,
                         std::string_view address, std::string_view citizen_number);

// Checks a sign-in name: 3–32 characters, a lower-case letter first, then
// letters, digits, '.', '_' or '-'. Returns it in lower case.
Result<std::string> check_account_name(std::string_view name, const std::string& field = "name");

}  // namespace yiwang::identity
