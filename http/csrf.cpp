#include "http/csrf.hpp"

#include <stdexcept>

#include <openssl/crypto.h>
#include <openssl/rand.h>

#include "http/cookie.hpp"

namespace yiwang::http {

std::string random_token() {
  unsigned char bytes[32];
  if (RAND_bytes(bytes, sizeof bytes) != 1) throw std::runtime_error("RAND_bytes failed");
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(64);
  for (unsigned char b : bytes) {
    out += kHex[b >> 4];
    out += kHex[b & 0xf];
  }
  return out;
}

bool is_random_token(std::string_view token) {
  if (token.size() != 64) return false;
  for (char c : token)
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  return true;
}

std::string csrf_token(const Request& req, Response& res) {
  std::string token = req.cookie(kCsrfCookie);
  if (is_random_token(token)) return token;
  token = random_token();
  SetCookie c;
  c.name = kCsrfCookie;
  c.value = token;
  c.same_site = "Strict";
  c.secure = req.secure;
  res.add("Set-Cookie", format_set_cookie(c));
  return token;
}

bool csrf_header_valid(const Request& req, std::string_view value) {
  std::string cookie = req.cookie(kCsrfCookie);
  if (!is_random_token(cookie) || value.size() != cookie.size()) return false;
  return CRYPTO_memcmp(cookie.data(), value.data(), cookie.size()) == 0;
}

bool csrf_valid(const Request& req, const FormData& form) {
  const std::string* field = form.get(kCsrfField);
  return field && csrf_header_valid(req, *field);
}

}  // namespace yiwang::http
