// What a handler returns. Builders cover the common cases; the transport adds
// Date, Server, X-Request-Id, Content-Length and the security headers.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace yiwang::http {

struct Response {
  int status = 200;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  // When > 0 and the route is cacheable, the transport may keep this response
  // and serve it again for the same URL and language for this many seconds,
  // or until a publishing module invalidates it.
  int cache_seconds = 0;

  // Sets (replaces) a header.
  Response& set(std::string_view name, std::string value);
  // Adds a header (e.g. a second Set-Cookie).
  Response& add(std::string_view name, std::string value);
  const std::string* get(std::string_view name) const;

  static Response html(std::string body, int status = 200);
  static Response json(std::string body, int status = 200);
  static Response text(std::string body, int status = 200);
  // 303 See Other after a POST, or 302 for a plain redirect.
  static Response redirect(std::string location, int status = 303);
};

}  // namespace yiwang::http
