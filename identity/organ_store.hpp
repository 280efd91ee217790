// The organ tree (机关): levels 国家/省/市/县/乡, each organ with its name,
// short name, 机关代字 (the prefix of its 发文字号, e.g. 示政发), GB/T 2260
// division, 统一社会信用代码, internal departments (内设机构) and positions.
// Organs are added, renamed, moved and retired — never deleted — and every
// change is kept in their history and written to the audit log in the same
// transaction. A department may have a head (部门负责人): a civil servant of
// the same organ, whom the workflow engine gives the tasks of "the starter's
// department head". Changes carry the version the caller saw; a stale version is
// refused ("changed by someone else") instead of overwriting.
//
// Thread-safe: every call is its own transaction.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "audit/audit_log.hpp"
#include "core/error.hpp"
#include "db/database.hpp"
#include "db/migration.hpp"
#include "registry/division_store.hpp"

namespace yiwang::identity {

// Administrative levels, highest first.
enum class OrganLevel { national = 0, province = 1, city = 2, county = 3, township = 4 };

std::string_view organ_level_name(OrganLevel level);            // "national" …
std::optional<OrganLevel> parse_organ_level(std::string_view);  // from the name

struct OrganInput {
  std::string name;           // 示范市人民政府
  std::string short_name;     // 市政府
  std::string doc_prefix;     // 示政发
  std::string level;          // national, province, city, county, township
  std::string division_code;  // GB/T 2260, six digits
  std::string credit_code;    // 统一社会信用代码
  std::optional<long long> parent_id;
};

struct Organ {
  long long id = 0;
  std::string name, short_name, doc_prefix;
  OrganLevel level = OrganLevel::city;
  std::string division_code, credit_code;
  std::optional<long long> parent_id;
  bool retired = false;
  long long version = 0;
};

struct OrganChange {
  long long version = 0;
  std::string change;  // created, renamed, moved, retired
  std::string name;
  std::optional<long long> parent_id;
  std::string changed_by;
  std::string changed_at;
};

struct Department {
  long long id = 0;
  long long organ_id = 0;
  std::string name;
  // The head (部门负责人), when one is set: the account, its real name and
  // whether it is active (a disabled head stays recorded until replaced).
  std::optional<long long> head_account_id = std::nullopt;
  std::string head_name = {};
  bool head_active = false;
};

// A position (职位) of an organ, such as 科员 or 副局长; staff hold positions
// of their own organ. A position has no head: those fields stay empty.
using Position = Department;

namespace detail {
struct UnitTable;
}

class OrganStore {
 public:
  OrganStore(db::Database& db, const registry::DivisionStore& divisions)
      : db_(db), divisions_(divisions) {}

  static std::vector<db::Migration> migrations();
  // The head of each department (identity migration 10). It refers to
  // accounts, so it runs after them: AccountStore::sealing_migrations(), the
  // last identity list registered, ends with it.
  static std::vector<db::Migration> department_head_migrations();

  // Checks and adds an organ. Errors name the field and the rule.
  Result<Organ> add(const OrganInput& input, audit::AuditEvent who);
  // Changes name, short name and 机关代字.
  Result<Organ> rename(long long id, const std::string& name, const std::string& short_name,
                       const std::string& doc_prefix, long long expected_version,
                       audit::AuditEvent who);
  // Moves an organ under another (never under itself or its own descendants).
  Result<Organ> move(long long id, std::optional<long long> new_parent, long long expected_version,
                     audit::AuditEvent who);
  // Retires an organ that has no active sub-organs.
  Result<Organ> retire(long long id, long long expected_version, audit::AuditEvent who);

  Result<std::optional<Organ>> get(long long id);
  Result<std::optional<Organ>> find_by_credit_code(const std::string& credit_code);
  // Direct sub-organs (top-level organs for nullopt), active first, by name.
  Result<std::vector<Organ>> children(std::optional<long long> parent);
  // Whether `id` is `ancestor` or lies below it (organ scopes of roles).
  Result<bool> is_within(long long id, long long ancestor);
  // The organ and every organ below it, retired ones included, sorted by id.
  Result<std::vector<long long>> subtree(long long id);
  Result<std::vector<OrganChange>> history(long long id);

  Result<Department> add_department(long long organ_id, const std::string& name,
                                    audit::AuditEvent who);
  // The organ's active departments, by id, each with its head.
  Result<std::vector<Department>> departments(long long organ_id);
  // Sets (or, with nullopt, clears) a department's head: an active civil
  // servant of the department's organ — of any of its departments, so a
  // deputy director may head one. Refused, naming the field:
  // "identity.department.not_found" (department_id) for an unknown or
  // inactive department, "identity.organ.retired" (department_id) in a
  // retired organ, "identity.account.not_found", "…head_not_staff",
  // "…head_other_organ" and "…head_disabled" (head_account_id). Audited
  // (identity.department.head_set / head_cleared) in the same transaction;
  // setting the head it already has changes and records nothing.
  Result<Department> set_department_head(long long department_id,
                                         std::optional<long long> account_id,
                                         audit::AuditEvent who);
  // The department's head as recorded (a disabled head included), nullopt
  // when it has none; "identity.department.not_found" for an unknown one.
  Result<std::optional<long long>> department_head(long long department_id);

  Result<Position> add_position(long long organ_id, const std::string& name, audit::AuditEvent who);
  Result<std::vector<Position>> positions(long long organ_id);

 private:
  Result<Department> add_unit(const detail::UnitTable& t, long long organ_id,
                              const std::string& name, audit::AuditEvent who);
  Result<std::vector<Department>> units(const detail::UnitTable& t, long long organ_id);

  db::Database& db_;
  const registry::DivisionStore& divisions_;
};

}  // namespace yiwang::identity
