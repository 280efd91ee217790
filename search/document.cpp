#include "search/document.hpp"

#include <cstdint>

#include <nlohmann/json.hpp>

#include "core/normalise.hpp"

namespace yiwang::search {

namespace {

// One code point of UTF-8 text at `i` (advancing `i`); an invalid byte is
// returned as itself with the high bit marking it (never a valid code point).
char32_t next_code_point(std::string_view s, std::size_t& i) {
  auto b0 = static_cast<std::uint8_t>(s[i]);
  std::size_t len = b0 < 0x80           ? 1
                    : (b0 >> 5) == 0x6  ? 2
                    : (b0 >> 4) == 0xE  ? 3
                    : (b0 >> 3) == 0x1E ? 4
                                        : 0;
  if (len == 0 || i + len > s.size()) {
    ++i;
    return 0x80000000u | b0;
  }
  char32_t cp = len == 1 ? b0 : len == 2 ? (b0 & 0x1F) : len == 3 ? (b0 & 0x0F) : (b0 & 0x07);
  for (std::size_t k = 1; k < len; ++k) {
    auto b = static_cast<std::uint8_t>(s[i + k]);
    if ((b & 0xC0) != 0x80) {
      ++i;
      return 0x80000000u | b0;
    }
    cp = (cp << 6) | (b & 0x3F);
  }
  i += len;
  return cp;
}

bool is_space(char32_t c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v' || c == 0x00A0 ||
         c == 0x3000;
}

// The brackets a 发文字号's year is written in (after half-width conversion,
// （） and ［］ have become () and []). ﹝﹞ and 〖〗 are common typing slips for 〔〕.
bool is_open_bracket(char32_t c) {
  return c == 0x3014 /*〔*/ || c == '[' || c == '(' || c == 0x3010 /*【*/ || c == 0xFE5D /*﹝*/ ||
         c == 0x3016 /*〖*/;
}

bool is_close_bracket(char32_t c) {
  return c == 0x3015 /*〕*/ || c == ']' || c == ')' || c == 0x3011 /*】*/ || c == 0xFE5E /*﹞*/ ||
         c == 0x3017 /*〗*/;
}

// CJK unified ideographs (the basic block and extensions A–F, compatibility).
bool is_ideograph(char32_t c) {
  return (c >= 0x4E00 && c <= 0x9FFF) || (c >= 0x3400 && c <= 0x4DBF) ||
         (c >= 0x20000 && c <= 0x2EBEF) || (c >= 0xF900 && c <= 0xFAFF);
}

bool is_digit(char32_t c) { return c >= '0' && c <= '9'; }

std::string text_field(const nlohmann::json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

}  // namespace

std::string normalise_doc_number(std::string_view text) {
  std::string half = core::to_half_width(text);
  std::string out;
  out.reserve(half.size());
  std::size_t i = 0;
  while (i < half.size()) {
    std::size_t start = i;
    char32_t c = next_code_point(half, i);
    if (is_space(c) || is_open_bracket(c) || is_close_bracket(c)) continue;
    out.append(half, start, i - start);
  }
  return out;
}

bool looks_like_doc_number(std::string_view query) {
  if (query.size() > 200) return false;
  std::string half = core::to_half_width(query);
  std::u32string cps;
  for (std::size_t i = 0; i < half.size();) {
    char32_t c = next_code_point(half, i);
    if (!is_space(c)) cps.push_back(c);
  }
  std::size_t i = 0, n = cps.size();
  std::size_t organ = 0;
  while (i < n && is_ideograph(cps[i])) ++i, ++organ;
  if (organ == 0 || i >= n || !is_open_bracket(cps[i])) return false;
  ++i;
  for (int k = 0; k < 4; ++k, ++i)
    if (i >= n || !is_digit(cps[i])) return false;
  if (i >= n || !is_close_bracket(cps[i])) return false;
  ++i;
  std::size_t digits = 0;
  while (i < n && is_digit(cps[i])) ++i, ++digits;
  return digits > 0 && i + 1 == n && cps[i] == U'号';
}

std::string document_to_json(const Document& doc) {
  nlohmann::json j = {{"id", doc.id},
                      {"kind", doc.kind},
                      {"title", doc.title},
                      {"body", doc.body},
                      {"url", doc.url},
                      {"column", doc.column},
                      {"organ", doc.organ},
                      {"doc_number", doc.doc_number},
                      {"published_at", doc.published_at},
                      {"keywords", doc.keywords}};
  // Invalid UTF-8 is replaced rather than thrown on: a document is never lost for one bad byte.
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

Document document_from_json(std::string_view json) {
  Document d;
  nlohmann::json j = nlohmann::json::parse(json, nullptr, /*allow_exceptions=*/false);
  if (!j.is_object()) return d;
  d.id = text_field(j, "id");
  d.kind = text_field(j, "kind");
  d.title = text_field(j, "title");
  d.body = text_field(j, "body");
  d.url = text_field(j, "url");
  d.column = text_field(j, "column");
  d.organ = text_field(j, "organ");
  d.doc_number = text_field(j, "doc_number");
  d.published_at = text_field(j, "published_at");
  if (auto it = j.find("keywords"); it != j.end() && it->is_array())
    for (const auto& k : *it)
      if (k.is_string()) d.keywords.push_back(k.get<std::string>());
  return d;
}

}  // namespace yiwang::search
