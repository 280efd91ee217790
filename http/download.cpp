#include "http/download.hpp"

#include "http/percent_encoding.hpp"

namespace yiwang::http {

Response download(std::string body, std::string content_type, std::string_view filename,
                  bool inline_view) {
  // The fallback keeps printable ASCII other than quotes and backslashes;
  // filename* carries the real name, percent-encoded UTF-8 (RFC 5987).
  std::string ascii;
  for (char c : filename) {
    auto u = static_cast<unsigned char>(c);
    ascii += u >= 0x20 && u < 0x7f && c != '"' && c != '\\' && c != '%' && c != ';' ? c : '_';
  }
  if (ascii.empty()) ascii = "download";
  Response res;
  res.body = std::move(body);
  res.set("Content-Type", std::move(content_type));
  res.set("Content-Disposition", std::string(inline_view ? "inline" : "attachment") +
                                     "; filename=\"" + ascii + "\"; filename*=UTF-8''" +
                                     percent_encode(filename));
  res.set("Cache-Control", "private, no-store");
  res.set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; sandbox");
  return res;
}

}  // namespace yiwang::http
