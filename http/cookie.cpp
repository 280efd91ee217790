#include "http/cookie.hpp"

#include <algorithm>

namespace yiwang::http {

namespace {

// token (RFC 7230 §3.2.6), the syntax of cookie-name.
bool is_tchar(unsigned char c) {
  if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) return true;
  return std::string_view("!#$%&'*+-.^_`|~").find(static_cast<char>(c)) != std::string_view::npos;
}

// cookie-octet: US-ASCII except CTLs, whitespace, DQUOTE, comma, semicolon and backslash.
bool is_cookie_octet(unsigned char c) {
  return c == 0x21 || (c >= 0x23 && c <= 0x2B) || (c >= 0x2D && c <= 0x3A) ||
         (c >= 0x3C && c <= 0x5B) || (c >= 0x5D && c <= 0x7E);
}

bool valid_name(std::string_view name) {
  return !name.empty() && std::all_of(name.begin(), name.end(), [](char c) {
    return is_tchar(static_cast<unsigned char>(c));
  });
}

bool valid_value(std::string_view value) {
  return std::all_of(value.begin(), value.end(),
                     [](char c) { return is_cookie_octet(static_cast<unsigned char>(c)); });
}

// path-value: any CHAR except CTLs or ';'.
bool valid_path(std::string_view path) {
  return std::all_of(path.begin(), path.end(), [](char c) {
    const auto byte = static_cast<unsigned char>(c);
    return byte >= 0x20 && byte < 0x7F && c != ';';
  });
}

std::string_view trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

}  // namespace

std::vector<std::pair<std::string, std::string>> parse_cookie_header(std::string_view header) {
  std::vector<std::pair<std::string, std::string>> cookies;
  std::size_t start = 0;
  while (start <= header.size() && cookies.size() < kMaxCookies) {
    std::size_t end = header.find(';', start);
    if (end == std::string_view::npos) end = header.size();
    const std::string_view pair = trim(header.substr(start, end - start));
    start = end + 1;
    const std::size_t equals = pair.find('=');
    if (equals == std::string_view::npos) continue;
    const std::string_view name = trim(pair.substr(0, equals));
    std::string_view value = trim(pair.substr(equals + 1));
    if (value.size() >= 2 && value.front() == '"' && value.back() == '"') {
      value = value.substr(1, value.size() - 2);
    }
    if (!valid_name(name) || !valid_value(value)) continue;
    cookies.emplace_back(std::string(name), std::string(value));
  }
  return cookies;
}

std::string format_set_cookie(const SetCookie& cookie) {
  if (!valid_name(cookie.name) || !valid_value(cookie.value) || !valid_path(cookie.path)) return {};
  if (cookie.same_site != "Strict" && cookie.same_site != "Lax" && cookie.same_site != "None") {
    return {};
  }
  if (cookie.same_site == "None" && !cookie.secure) return {};
  std::string out = cookie.name + "=" + cookie.value;
  if (!cookie.path.empty()) out += "; Path=" + cookie.path;
  if (cookie.max_age) out += "; Max-Age=" + std::to_string(*cookie.max_age);
  if (cookie.http_only) out += "; HttpOnly";
  if (cookie.secure) out += "; Secure";
  out += "; SameSite=" + cookie.same_site;
  return out;
}

}  // namespace yiwang::http
