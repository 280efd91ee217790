// Who is who, as the engine needs to know it: whether an account exists and
// may be given a task, its organ, the head of its department, and the
// candidate groups (a role within an organ) it belongs to. The engine asks
// inside its own transaction and passes that session along, so an
// implementation reads through it instead of borrowing a second connection.
//
// Candidate groups are keys "ROLE@ORGAN_ID" ("公文管理员@12"): the role's name
// and the organ the role is held in.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <soci/soci.h>

#include "core/error.hpp"

namespace yiwang::workflow {

struct Person {
  std::string account;  // account name
  std::string name;     // display name
  long long organ_id = 0;
};

class Directory {
 public:
  virtual ~Directory() = default;

  // An active civil servant, or nullopt.
  virtual Result<std::optional<Person>> person(soci::session& s, std::string_view account) = 0;
  // The account name of the head of that account's department, or nullopt.
  virtual Result<std::optional<std::string>> department_head(soci::session& s,
                                                             std::string_view account) = 0;
  // The organ id of an organ code (unified social credit code), or nullopt.
  virtual Result<std::optional<long long>> organ_by_code(soci::session& s,
                                                         std::string_view code) = 0;
  // Whether a role of that name exists.
  virtual Result<bool> role_exists(soci::session& s, std::string_view role) = 0;
  // The candidate-group keys the account belongs to (its grants, with
  // sub-organ scopes expanded).
  virtual Result<std::vector<std::string>> groups_of(soci::session& s,
                                                     std::string_view account) = 0;
};

}  // namespace yiwang::workflow
