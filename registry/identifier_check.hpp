// Identifier checks (STANDARDS.md §6) against the loaded division table: the
// one entry point the command line, the public check page, the JSON API and
// every form field of these types use.
#pragma once

#include <string_view>

#include <nlohmann/json_fwd.hpp>

#include "core/identifier.hpp"
#include "registry/division_store.hpp"
#include "render/catalogue.hpp"

namespace yiwang::registry {

// Checks a value; the division table is consulted when one is loaded.
core::IdCheck check_identifier(core::IdKind kind, std::string_view value,
                               const DivisionStore& divisions);

// The result as the API returns it: kind, normalised, status
// (valid/legacy/invalid), rule, message, converted, division_table.
nlohmann::json identifier_json(core::IdKind kind, const core::IdCheck& check,
                               const DivisionStore& divisions, const render::Catalogue& catalogue,
                               std::string_view lang);

}  // namespace yiwang::registry
