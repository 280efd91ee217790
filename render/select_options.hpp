// The options of a <select> for the templates: [{value, label, on}] with the
// chosen value marked.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

namespace yiwang::render {

inline nlohmann::json select_options(const std::vector<std::pair<std::string, std::string>>& list,
                                     const std::string& chosen) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& [value, label] : list)
    out.push_back({{"value", value}, {"label", label}, {"on", value == chosen}});
  return out;
}

}  // namespace yiwang::render
