// The error a case step throws inside a transaction (so the whole
// transaction rolls back); callers turn it back into a Result.
#pragma once

#include <stdexcept>

#include "core/error.hpp"

namespace yiwang::services {

struct CaseError : std::runtime_error {
  Error error;
  explicit CaseError(Error e) : std::runtime_error(e.key), error(std::move(e)) {}
};

}  // namespace yiwang::services
