// Base64 (RFC 4648) for MIME: message bodies are sent base64-encoded so that
// Chinese text passes any mail relay unchanged, and headers carry UTF-8 as
// RFC 2047 encoded-words, which are base64 too.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace yiwang::mail {

// The base64 text of bytes, on one line.
std::string base64_encode(std::string_view bytes);

// The base64 text of bytes in lines of at most `line_length` characters
// separated by CRLF (MIME allows at most 76), without a final CRLF.
std::string base64_encode_lines(std::string_view bytes, std::size_t line_length = 76);

// The bytes of base64 text; whitespace (line breaks) is skipped. Empty when
// the text is not base64.
std::optional<std::string> base64_decode(std::string_view text);

}  // namespace yiwang::mail
