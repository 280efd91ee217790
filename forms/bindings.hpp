// The names a form field may be bound to (schema "bind"): what the government
// already holds about the applicant and fills in for them (一表制). The
// services module resolves them from the base registries and the applicant's
// licences (services/prefill.hpp); a schema naming anything else is refused,
// so a misspelt binding cannot silently leave a field empty.
//
//   person.name, person.citizen_id, person.gender, person.birth_date,
//   person.phone, person.email, person.address
//   enterprise.name, enterprise.credit_code, enterprise.kind,
//   enterprise.legal_representative, enterprise.registered_capital,
//   enterprise.address, enterprise.division ({"code", "name"}),
//   enterprise.established, enterprise.business_scope, enterprise.phone
//   licence.<type>.<element>, e.g. licence.food_business.number
#pragma once

#include <string_view>
#include <vector>

namespace yiwang::forms {

// Whether `name` is one of the bindings above.
bool known_binding(std::string_view name);

// The fixed person.* and enterprise.* names, for messages and documentation.
const std::vector<std::string_view>& fixed_bindings();

}  // namespace yiwang::forms
