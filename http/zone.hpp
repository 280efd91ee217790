// The three network zones of the platform (三网). Each zone is its own
// listener; a route belongs to exactly one zone and is mounted only there.
#pragma once

#include <array>
#include <optional>
#include <string_view>

namespace yiwang::http {

enum class Zone { internet, intranet, exchange };

inline constexpr std::array<Zone, 3> kAllZones = {Zone::internet, Zone::intranet, Zone::exchange};

// "internet" / "intranet" / "exchange".
constexpr std::string_view zone_name(Zone z) {
  switch (z) {
    case Zone::internet:
      return "internet";
    case Zone::intranet:
      return "intranet";
    case Zone::exchange:
      return "exchange";
  }
  return "?";
}

inline std::optional<Zone> parse_zone(std::string_view s) {
  for (Zone z : kAllZones)
    if (zone_name(z) == s) return z;
  return std::nullopt;
}

}  // namespace yiwang::http
