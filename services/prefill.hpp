// What a form's bound fields are filled with (forms::Context::prefill): the
// applicant's records in the base registries, under the binding names of
// forms/bindings.hpp. Empty elements are left out, so the field stays an
// input the applicant fills in.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "registry/base_registry.hpp"

namespace yiwang::services {

// person.* from a population record; the gender in words ("男"/"女").
nlohmann::json person_bindings(const registry::PersonRecord& person);

// enterprise.* from a legal-entity record; enterprise.division as {"code",
// "name"} with the name from `division_name` (left out when it has none).
nlohmann::json enterprise_bindings(
    const registry::EntityRecord& entity,
    const std::function<std::optional<std::string>(std::string_view)>& division_name);

}  // namespace yiwang::services
