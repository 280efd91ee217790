// Rules for free-text fields (names, titles, addresses): valid UTF-8, no
// control characters, trimmed, and a length in characters (not bytes) within
// bounds. Every form field of free text goes through check_text().
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "core/error.hpp"

namespace yiwang::core {

// Characters (code points) in valid UTF-8 text.
std::size_t utf8_length(std::string_view text);

// The longest prefix of `text` of at most `max_bytes` bytes that does not
// split a UTF-8 sequence (search boxes and filters cut what was typed).
std::string cut_utf8(std::string_view text, std::size_t max_bytes);

// Trims ASCII and ideographic (U+3000) spaces at both ends.
std::string trim_text(std::string_view text);

// Text escaped for XML and HTML content and double- or single-quoted
// attribute values (& < > " ').
std::string xml_escape(std::string_view text);

// The value of a hex digit (either case), or -1.
inline int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Checks a text field after trimming; on success returns the trimmed text.
// Error keys: text.required, text.too_long ({max}), text.encoding, text.control.
Result<std::string> check_text(std::string_view value, std::string field, std::size_t max_chars,
                               bool required = true);

// check_text() for text of several lines (a letter, an opinion): line breaks
// are kept (CR LF becomes LF), other control characters are refused.
Result<std::string> check_lines(std::string_view value, std::string field, std::size_t max_chars,
                                bool required = true);

// Checks a mainland phone number: an 11-digit mobile (1[3-9]…, returned as
// digits only) or a landline with its area code ("0591-87654321", returned as
// typed after trimming); full-width digits are accepted. Error key
// "phone.invalid" naming `field`.
Result<std::string> check_phone(std::string_view phone, const std::string& field = "phone");

}  // namespace yiwang::core
