#include "core/normalise.hpp"

#include <cstddef>
#include <cstdint>

namespace yiwang::core {

namespace {

bool is_ascii_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

}  // namespace

std::string to_half_width(std::string_view utf8) {
  std::string out;
  out.reserve(utf8.size());
  std::size_t i = 0;
  while (i < utf8.size()) {
    const auto b0 = static_cast<std::uint8_t>(utf8[i]);
    if (i + 2 < utf8.size() && (b0 == 0xEF || b0 == 0xE3)) {
      const auto b1 = static_cast<std::uint8_t>(utf8[i + 1]);
      const auto b2 = static_cast<std::uint8_t>(utf8[i + 2]);
      // U+FF01–U+FF3F is EF BC 81–BF; U+FF40–U+FF5E is EF BD 80–9E.
      if (b0 == 0xEF && b1 == 0xBC && b2 >= 0x81 && b2 <= 0xBF) {
        out.push_back(static_cast<char>(b2 - 0x81 + 0x21));
        i += 3;
        continue;
      }
      if (b0 == 0xEF && b1 == 0xBD && b2 >= 0x80 && b2 <= 0x9E) {
        out.push_back(static_cast<char>(b2 - 0x80 + 0x60));
        i += 3;
        continue;
      }
      // U+3000 IDEOGRAPHIC SPACE is E3 80 80.
      if (b0 == 0xE3 && b1 == 0x80 && b2 == 0x80) {
        out.push_back(' ');
        i += 3;
        continue;
      }
    }
    out.push_back(utf8[i]);
    ++i;
  }
  return out;
}

std::string normalise_identifier(std::string_view input) {
  std::string s = to_half_width(input);
  std::size_t begin = 0;
  std::size_t end = s.size();
  while (begin < end && is_ascii_space(s[begin])) ++begin;
  while (end > begin && is_ascii_space(s[end - 1])) --end;
  std::string out = s.substr(begin, end - begin);
  for (char& c : out) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  }
  return out;
}

bool is_valid_utf8(std::string_view bytes) {
  std::size_t i = 0;
  const std::size_t n = bytes.size();
  auto at = [&](std::size_t k) { return static_cast<std::uint8_t>(bytes[k]); };
  auto cont = [&](std::size_t k) { return k < n && (at(k) & 0xC0) == 0x80; };
  while (i < n) {
    const std::uint8_t b0 = at(i);
    if (b0 < 0x80) {
      ++i;
    } else if (b0 >= 0xC2 && b0 <= 0xDF) {  // C0, C1 would be overlong
      if (!cont(i + 1)) return false;
      i += 2;
    } else if (b0 >= 0xE0 && b0 <= 0xEF) {
      if (!cont(i + 1) || !cont(i + 2)) return false;
      const std::uint8_t b1 = at(i + 1);
      if (b0 == 0xE0 && b1 < 0xA0) return false;  // overlong
      if (b0 == 0xED && b1 > 0x9F) return false;  // UTF-16 surrogates D800–DFFF
      i += 3;
    } else if (b0 >= 0xF0 && b0 <= 0xF4) {
      if (!cont(i + 1) || !cont(i + 2) || !cont(i + 3)) return false;
      const std::uint8_t b1 = at(i + 1);
      if (b0 == 0xF0 && b1 < 0x90) return false;  // overlong
      if (b0 == 0xF4 && b1 > 0x8F) return false;  // above U+10FFFF
      i += 4;
    } else {
      return false;  // stray continuation byte, C0/C1 or F5–FF
    }
  }
  return true;
}

}  // namespace yiwang::core
