// Read-only look-ups of civil servants, organs and roles for engines that
// need them inside their own transaction (the workflow engine resolves task
// assignees while it moves an instance): every function reads through the
// session it is given instead of borrowing another connection, so a
// transaction never waits on the pool for its own look-ups.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <soci/soci.h>

namespace yiwang::identity {

struct StaffMember {
  long long id = 0;
  std::string name;          // account name
  std::string display_name;  // 姓名
  long long organ_id = 0;
  std::optional<long long> department_id;
};

// An active staff account by name.
std::optional<StaffMember> find_staff(soci::session& s, std::string_view name);

// The account name of the head of that account's department, if both exist.
std::optional<std::string> department_head_of(soci::session& s, std::string_view account);

// The id of an active organ by its unified social credit code.
std::optional<long long> organ_id_by_credit_code(soci::session& s, std::string_view code);

// Whether a role of that name exists.
bool role_named(soci::session& s, std::string_view role);

// "ROLE@ORGAN_ID" for every organ the account's live grants cover (grants
// with sub-organs expanded down the organ tree).
std::vector<std::string> role_scope_keys(soci::session& s, std::string_view account);

}  // namespace yiwang::identity
