// Size limits applied to every request before and while it is parsed.
//
// Every input has a bound (DESIGN.md §7): the server checks header and body
// sizes as bytes arrive, and the form parsers check the counts and sizes of
// fields and files. Configuration fills these; the defaults suit a portal.
#pragma once

#include <cstddef>

namespace yiwang::http {

struct Limits {
  std::size_t max_header_bytes =
      16 * 1024;  // request line + headers; also one multipart part's headers
  std::size_t max_body_bytes = 10 * 1024 * 1024;  // whole request body
  std::size_t max_form_fields = 1000;             // name/value pairs in one form or query string
  std::size_t max_field_bytes = 1 * 1024 * 1024;  // one decoded field value
  std::size_t max_files = 20;                     // uploaded files in one multipart body
  std::size_t max_file_bytes = 10 * 1024 * 1024;  // one uploaded file
  std::size_t max_name_bytes = 256;               // one field name or file name
};

}  // namespace yiwang::http
