// The Directory of a running platform: civil servants, organs and roles as
// the identity module holds them (identity/staff_directory.hpp).
#pragma once

#include "workflow/directory.hpp"

namespace yiwang::workflow {

class IdentityDirectory : public Directory {
 public:
  Result<std::optional<Person>> person(soci::session& s, std::string_view account) override;
  Result<std::optional<std::string>> department_head(soci::session& s,
                                                     std::string_view account) override;
  Result<std::optional<long long>> organ_by_code(soci::session& s, std::string_view code) override;
  Result<bool> role_exists(soci::session& s, std::string_view role) override;
  Result<std::vector<std::string>> groups_of(soci::session& s, std::string_view account) override;
};

}  // namespace yiwang::workflow
