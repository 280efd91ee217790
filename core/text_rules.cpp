#include "core/text_rules.hpp"

#include <algorithm>

#include "core/normalise.hpp"

namespace yiwang::core {

std::size_t utf8_length(std::string_view text) {
  std::size_t n = 0;
  for (unsigned char c : text)
    if ((c & 0xC0) != 0x80) ++n;
  return n;
}

std::string cut_utf8(std::string_view text, std::size_t max_bytes) {
  if (text.size() <= max_bytes) return std::string(text);
  std::size_t end = max_bytes;
  while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) --end;
  return std::string(text.substr(0, end));
}

std::string trim_text(std::string_view text) {
  auto is_space_at = [&](std::size_t i, std::size_t& width) {
    unsigned char c = static_cast<unsigned char>(text[i]);
    if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
      width = 1;
      return true;
    }
    if (text.substr(i, 3) == "\xE3\x80\x80") {  // U+3000 ideographic space
      width = 3;
      return true;
    }
    return false;
  };
  std::size_t begin = 0, width = 0;
  while (begin < text.size() && is_space_at(begin, width)) begin += width;
  std::size_t end = text.size();
  while (end > begin) {
    if (end >= begin + 3 && text.substr(end - 3, 3) == "\xE3\x80\x80") {
      end -= 3;
      continue;
    }
    char c = text[end - 1];
    if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
      --end;
      continue;
    }
    break;
  }
  return std::string(text.substr(begin, end - begin));
}

Result<std::string> check_text(std::string_view value, std::string field, std::size_t max_chars,
                               bool required) {
  if (!is_valid_utf8(value)) return fail("text.encoding", std::move(field));
  std::string trimmed = trim_text(value);
  for (unsigned char c : trimmed)
    if (c < 0x20 || c == 0x7f) return fail("text.control", std::move(field));
  if (required && trimmed.empty()) return fail("text.required", std::move(field));
  if (utf8_length(trimmed) > max_chars)
    return fail("text.too_long", std::move(field), {{"max", std::to_string(max_chars)}});
  return trimmed;
}

Result<std::string> check_lines(std::string_view value, std::string field, std::size_t max_chars,
                                bool required) {
  std::string lines;
  lines.reserve(value.size());
  for (std::size_t i = 0; i < value.size(); ++i)
    if (!(value[i] == '\r' && i + 1 < value.size() && value[i + 1] == '\n')) lines += value[i];
  std::string flat = lines;
  for (char& c : flat)
    if (c == '\n') c = ' ';
  auto ok = check_text(flat, std::move(field), max_chars, required);
  if (!ok) return std::unexpected(ok.error());
  return trim_text(lines);
}

std::string xml_escape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

Result<std::string> check_phone(std::string_view raw, const std::string& field) {
  std::string phone = to_half_width(trim_text(raw));
  std::string digits;
  for (char c : phone)
    if (c != '-' && c != ' ') digits += c;
  bool all_digits = !digits.empty() && std::all_of(digits.begin(), digits.end(),
                                                   [](char c) { return c >= '0' && c <= '9'; });
  bool mobile = all_digits && digits.size() == 11 && digits[0] == '1' && digits[1] >= '3';
  bool landline = all_digits && digits.size() >= 10 && digits.size() <= 12 && digits[0] == '0' &&
                  phone.find('-') != std::string::npos;
  if (!mobile && !landline) return fail("phone.invalid", field);
  return mobile ? digits : phone;
}

}  // namespace yiwang::core
