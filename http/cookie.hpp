// Cookies (RFC 6265): reading the Cookie request header and writing
// Set-Cookie response headers, with safe defaults (HttpOnly, SameSite=Lax).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace yiwang::http {

// One Set-Cookie header to send.
struct SetCookie {
  std::string name;
  std::string value;
  std::string path = "/";
  // Seconds; absent = session cookie, 0 = delete now.
  std::optional<std::int64_t> max_age = std::nullopt;
  bool http_only = true;
  bool secure = false;
  std::string same_site = "Lax";  // "Strict", "Lax" or "None" (None requires secure)
};

// At most this many cookies are read from one Cookie header.
inline constexpr std::size_t kMaxCookies = 50;

// Name/value pairs of a Cookie header in order. Tolerates spaces around pairs;
// skips pairs whose name is not an RFC 6265 token or whose value has octets
// outside cookie-octet; strips the double quotes around a quoted value.
std::vector<std::pair<std::string, std::string>> parse_cookie_header(std::string_view header);

// The value of a Set-Cookie header, e.g. "sid=abc; Path=/; Max-Age=3600;
// HttpOnly; SameSite=Lax". Empty when the name, value, path or SameSite
// would break RFC 6265 or when SameSite=None lacks Secure.
std::string format_set_cookie(const SetCookie& cookie);

}  // namespace yiwang::http
