#include "identity/services.hpp"

#include <charconv>
#include <cstdio>

#include <fmt/chrono.h>

#include "http/cookie.hpp"

namespace yiwang::identity {

audit::AuditEvent who(const http::Request& req) {
  audit::AuditEvent e{.account = req.principal ? req.principal->name : "-",
                      .organ = req.principal && req.principal->organ_id
                                   ? std::to_string(*req.principal->organ_id)
                                   : "-",
                      .source = req.remote_addr,
                      .request_id = req.request_id};
  return e;
}

std::string safe_next(std::string_view next) {
  // A path on this site: one leading slash, no scheme-relative "//" or "/\",
  // no control characters.
  if (next.size() < 1 || next.size() > 500 || next[0] != '/') return "/";
  if (next.size() > 1 && (next[1] == '/' || next[1] == '\\')) return "/";
  for (char c : next)
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) return "/";
  return std::string(next);
}

std::string session_cookie(const http::Request& req, const std::string& value,
                           std::optional<std::int64_t> max_age) {
  http::SetCookie c;
  c.name = kSessionCookie;
  c.value = value;
  c.secure = req.secure;
  c.same_site = "Lax";
  c.max_age = max_age;
  return http::format_set_cookie(c);
}

http::Response redirect_with_session(const http::Request& req, const std::string& to,
                                     const std::string& token) {
  http::Response res = http::Response::redirect(to, 303);
  res.add("Set-Cookie", token.empty() ? session_cookie(req, "", 0) : session_cookie(req, token));
  return res;
}

std::optional<long long> id_param(const http::Request& req, std::string_view name) {
  std::string text = req.param(name);
  long long id = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), id);
  if (ec != std::errc() || end != text.data() + text.size() || id <= 0) return std::nullopt;
  return id;
}

std::string local_time(const std::string& utc) {
  int y = 0, mo = 0, d = 0, h = 0, mi = 0;
  if (std::sscanf(utc.c_str(), "%4d-%2d-%2dT%2d:%2d", &y, &mo, &d, &h, &mi) != 5) return utc;
  std::chrono::sys_seconds t =
      std::chrono::sys_days(std::chrono::year(y) / std::chrono::month(static_cast<unsigned>(mo)) /
                            std::chrono::day(static_cast<unsigned>(d))) +
      std::chrono::hours(h + 8) + std::chrono::minutes(mi);
  return fmt::format("{:%Y-%m-%d %H:%M}", t);
}

}  // namespace yiwang::identity
