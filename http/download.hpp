// A file as a response: its bytes, type and name (RFC 6266 / RFC 5987), shown
// in the browser (inline: PDFs and images) or saved (attachment). Never
// cached by shared caches; sandboxed so a file cannot run script in the
// site's origin.
#pragma once

#include <string>
#include <string_view>

#include "http/response.hpp"

namespace yiwang::http {

Response download(std::string body, std::string content_type, std::string_view filename,
                  bool inline_view = false);

}  // namespace yiwang::http
