// The organs the public may address (a disclosure request, a letter): every
// organ not retired, in tree order (each parent before its children).
#pragma once

#include <vector>

#include "core/error.hpp"
#include "identity/organ_store.hpp"

namespace yiwang::portal {

Result<std::vector<identity::Organ>> active_organs(identity::OrganStore& organs);

}  // namespace yiwang::portal
