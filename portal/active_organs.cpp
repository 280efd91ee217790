#include "portal/active_organs.hpp"

#include <functional>

namespace yiwang::portal {

Result<std::vector<identity::Organ>> active_organs(identity::OrganStore& organs) {
  std::vector<identity::Organ> out;
  std::function<Result<void>(std::optional<long long>, int)> walk =
      [&](std::optional<long long> parent, int depth) -> Result<void> {
    if (depth > 20) return {};
    auto kids = organs.children(parent);
    if (!kids) return std::unexpected(kids.error());
    for (auto& o : *kids) {
      if (o.retired) continue;
      long long id = o.id;
      out.push_back(std::move(o));
      if (auto r = walk(id, depth + 1); !r) return r;
    }
    return {};
  };
  if (auto r = walk(std::nullopt, 0); !r) return std::unexpected(r.error());
  return out;
}

}  // namespace yiwang::portal
