// libFuzzer target: parse_urlencoded, and the percent-encoding beneath it, on
// arbitrary bytes. Traps when a parsed form breaks the limits it was given or
// when percent_encode/percent_decode fail to round-trip.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "http/form_data.hpp"
#include "http/percent_encoding.hpp"

namespace {

void check_form(const yiwang::http::FormData& form, const yiwang::http::Limits& limits) {
  if (form.fields().size() > limits.max_form_fields) __builtin_trap();
  for (const auto& [name, value] : form.fields()) {
    if (name.empty() || name.size() > limits.max_name_bytes) __builtin_trap();
    if (value.size() > limits.max_field_bytes) __builtin_trap();
    if (name.find('\0') != std::string::npos || value.find('\0') != std::string::npos) {
      __builtin_trap();
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);

  yiwang::http::Limits tight;
  tight.max_form_fields = 16;
  tight.max_field_bytes = 64;
  tight.max_name_bytes = 16;
  for (const auto& limits : {tight, yiwang::http::Limits{}}) {
    const auto form = yiwang::http::parse_urlencoded(input, limits);
    if (form) {
      check_form(*form, limits);
    } else if ((form.error().status != 400 && form.error().status != 413) ||
               form.error().key.empty()) {
      __builtin_trap();
    }
  }

  const auto round_trip = yiwang::http::percent_decode(yiwang::http::percent_encode(input), true);
  if (!round_trip || *round_trip != input) __builtin_trap();
  return 0;
}
