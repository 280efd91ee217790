#include "tests/support/pdf_text.hpp"

#include <cstdio>
#include <fstream>

#include "tests/support/test_server.hpp"

namespace yiwang::test {

std::optional<std::string> pdf_text(const std::string& pdf) {
  TempDir dir;
  auto path = dir.path() / "document.pdf";
  {
    std::ofstream out(path, std::ios::binary);
    out << pdf;
  }
  std::string command = "pdftotext -enc UTF-8 '" + path.string() + "' - 2>/dev/null";
  FILE* pipe = popen(command.c_str(), "r");
  if (!pipe) return std::nullopt;
  std::string text;
  char buffer[65536];
  for (std::size_t n; (n = fread(buffer, 1, sizeof buffer, pipe)) > 0;) text.append(buffer, n);
  if (pclose(pipe) != 0) return std::nullopt;
  std::string squashed;
  for (char c : text)
    if (c != ' ' && c != '\n' && c != '\t' && c != '\f' && c != '\r') squashed += c;
  return squashed;
}

}  // namespace yiwang::test
