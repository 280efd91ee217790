#include "http/static_path.hpp"

#include <algorithm>
#include <array>
#include <utility>

#include "core/normalise.hpp"
#include "http/percent_encoding.hpp"

namespace yiwang::http {

std::optional<std::string> safe_static_path(std::string_view url_path_after_prefix) {
  auto decoded = percent_decode(url_path_after_prefix, false);
  if (!decoded || decoded->empty() || !core::is_valid_utf8(*decoded)) return std::nullopt;
  const std::string_view path = *decoded;
  if (std::any_of(path.begin(), path.end(), [](char c) {
        const auto byte = static_cast<unsigned char>(c);
        return byte < 0x20 || byte == 0x7F || c == '\\';
      })) {
    return std::nullopt;
  }
  std::size_t start = 0;
  while (start <= path.size()) {
    std::size_t end = path.find('/', start);
    if (end == std::string_view::npos) end = path.size();
    const std::string_view segment = path.substr(start, end - start);
    // Covers the absolute path (empty first segment), "a//b", a trailing '/',
    // ".", ".." and hidden files such as ".env" or ".git".
    if (segment.empty() || segment.front() == '.') return std::nullopt;
    start = end + 1;
  }
  return decoded;
}

std::string_view mime_type_for(std::string_view filename) {
  static constexpr std::array<std::pair<std::string_view, std::string_view>, 19> kTypes{{
      {"html", "text/html; charset=utf-8"},
      {"htm", "text/html; charset=utf-8"},
      {"css", "text/css; charset=utf-8"},
      {"js", "text/javascript; charset=utf-8"},
      {"mjs", "text/javascript; charset=utf-8"},
      {"svg", "image/svg+xml"},
      {"png", "image/png"},
      {"jpg", "image/jpeg"},
      {"jpeg", "image/jpeg"},
      {"gif", "image/gif"},
      {"ico", "image/x-icon"},
      {"woff2", "font/woff2"},
      {"woff", "font/woff"},
      {"json", "application/json"},
      {"txt", "text/plain; charset=utf-8"},
      {"pdf", "application/pdf"},
      {"xml", "application/xml"},
      {"webp", "image/webp"},
      {"map", "application/json"},
  }};
  const std::size_t dot = filename.rfind('.');
  const std::size_t slash = filename.find_last_of("/\\");
  if (dot == std::string_view::npos || (slash != std::string_view::npos && dot < slash)) {
    return "application/octet-stream";
  }
  const std::string_view extension = filename.substr(dot + 1);
  for (const auto& [known, type] : kTypes) {
    if (known.size() == extension.size() &&
        std::equal(known.begin(), known.end(), extension.begin(), [](char a, char b) {
          return a == ((b >= 'A' && b <= 'Z') ? static_cast<char>(b - 'A' + 'a') : b);
        })) {
      return type;
    }
  }
  return "application/octet-stream";
}

}  // namespace yiwang::http
