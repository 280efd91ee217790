#include "workflow/identity_directory.hpp"

#include "identity/staff_directory.hpp"

namespace yiwang::workflow {

Result<std::optional<Person>> IdentityDirectory::person(soci::session& s,
                                                        std::string_view account) {
  auto m = identity::find_staff(s, account);
  if (!m) return std::optional<Person>();
  return std::optional<Person>(Person{m->name, m->display_name, m->organ_id});
}

Result<std::optional<std::string>> IdentityDirectory::department_head(soci::session& s,
                                                                      std::string_view account) {
  return identity::department_head_of(s, account);
}

Result<std::optional<long long>> IdentityDirectory::organ_by_code(soci::session& s,
                                                                  std::string_view code) {
  return identity::organ_id_by_credit_code(s, code);
}

Result<bool> IdentityDirectory::role_exists(soci::session& s, std::string_view role) {
  return identity::role_named(s, role);
}

Result<std::vector<std::string>> IdentityDirectory::groups_of(soci::session& s,
                                                              std::string_view account) {
  return identity::role_scope_keys(s, account);
}

}  // namespace yiwang::workflow
