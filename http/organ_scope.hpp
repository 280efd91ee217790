// Which organs a signed-in user may act for under a permission: nullopt when
// the permission holds everywhere, else the organs it was granted for (empty
// without authority). Lists of organ-owned records are filtered by it.
#pragma once

#include <optional>
#include <vector>

#include "http/request.hpp"

namespace yiwang::http {

inline std::optional<std::vector<long long>> organs_of(const Request& req, const char* permission) {
  if (!req.principal) return std::vector<long long>{};
  const auto& authority = req.principal->authority;
  if (!authority) return std::vector<long long>{};
  if (authority->everywhere.contains(permission)) return std::nullopt;
  return authority->organs_for(permission);
}

}  // namespace yiwang::http
