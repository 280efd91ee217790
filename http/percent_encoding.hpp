// Percent-encoding (RFC 3986 §2.1) of URL paths, query strings and
// application/x-www-form-urlencoded bodies.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace yiwang::http {

// Decodes %XX escapes (and '+' as a space when plus_is_space, as in forms and
// query strings). nullopt when a '%' is not followed by two hex digits. The
// result is raw bytes: callers check UTF-8 themselves.
std::optional<std::string> percent_decode(std::string_view text, bool plus_is_space);

// Encodes every byte except the RFC 3986 unreserved characters
// (ALPHA DIGIT - . _ ~) as %XX with upper-case hex digits.
std::string percent_encode(std::string_view text);

}  // namespace yiwang::http
