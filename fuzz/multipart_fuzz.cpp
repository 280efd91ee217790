// libFuzzer target: parse_multipart on arbitrary bytes. The input's first line
// is the boundary, or a Content-Type header value read by multipart_boundary
// when it starts with "multipart/"; the rest is the body. Traps when a parsed
// form breaks the limits it was given or holds an unsafe file name.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "http/form_data.hpp"

namespace {

bool has_control(std::string_view text) {
  for (const char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte < 0x20 || byte == 0x7F) return true;
  }
  return false;
}

void check_form(const yiwang::http::FormData& form, const yiwang::http::Limits& limits) {
  if (form.fields().size() > limits.max_form_fields) __builtin_trap();
  for (const auto& [name, value] : form.fields()) {
    if (name.empty() || name.size() > limits.max_name_bytes) __builtin_trap();
    if (value.size() > limits.max_field_bytes) __builtin_trap();
  }
  if (form.files().size() > limits.max_files) __builtin_trap();
  for (const auto& file : form.files()) {
    if (file.data.size() > limits.max_file_bytes) __builtin_trap();
    if (file.filename.empty() || file.filename.size() > limits.max_name_bytes) __builtin_trap();
    if (file.filename.find_first_of("/\\") != std::string::npos) __builtin_trap();
    if (file.filename == "." || file.filename == ".." || has_control(file.filename)) {
      __builtin_trap();
    }
    if (file.content_type.empty()) __builtin_trap();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const std::size_t newline = input.find('\n');
  if (newline == std::string_view::npos) return 0;
  const std::string_view first_line = input.substr(0, newline);
  const std::string_view body = input.substr(newline + 1);

  std::optional<std::string> boundary;
  if (first_line.starts_with("multipart/")) {
    boundary = yiwang::http::multipart_boundary(first_line);
    if (!boundary) return 0;
  } else {
    boundary = std::string(first_line);
  }

  yiwang::http::Limits limits;
  limits.max_header_bytes = 512;
  limits.max_form_fields = 16;
  limits.max_field_bytes = 256;
  limits.max_files = 4;
  limits.max_file_bytes = 1024;
  limits.max_name_bytes = 32;
  const auto form = yiwang::http::parse_multipart(body, *boundary, limits);
  if (form) {
    check_form(*form, limits);
  } else if ((form.error().status != 400 && form.error().status != 413) ||
             form.error().key.empty()) {
    __builtin_trap();
  }
  return 0;
}
