#include "forms/bindings.hpp"

#include <algorithm>
#include <regex>
#include <string>

namespace yiwang::forms {

const std::vector<std::string_view>& fixed_bindings() {
  static const std::vector<std::string_view> names{"person.name",
                                                   "person.citizen_id",
                                                   "person.gender",
                                                   "person.birth_date",
                                                   "person.phone",
                                                   "person.email",
                                                   "person.address",
                                                   "enterprise.name",
                                                   "enterprise.credit_code",
                                                   "enterprise.kind",
                                                   "enterprise.legal_representative",
                                                   "enterprise.registered_capital",
                                                   "enterprise.address",
                                                   "enterprise.division",
                                                   "enterprise.established",
                                                   "enterprise.business_scope",
                                                   "enterprise.phone"};
  return names;
}

bool known_binding(std::string_view name) {
  const auto& fixed = fixed_bindings();
  if (std::find(fixed.begin(), fixed.end(), name) != fixed.end()) return true;
  static const std::regex licence("licence\\.[a-z0-9_]{1,40}\\.[a-z0-9_]{1,40}");
  return std::regex_match(std::string(name), licence);
}

}  // namespace yiwang::forms
