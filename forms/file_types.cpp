#include "forms/file_types.hpp"

#include <array>
#include <cctype>

namespace yiwang::forms {

namespace {

enum class Magic { pdf, zip, ole, jpeg, png };

struct Known {
  FileType type;
  Magic magic;
};

// OFD (GB/T 33190), DOCX and XLSX are ZIP containers; DOC and XLS are OLE
// compound files.
constexpr std::array<Known, 9> kKnown{{
    {{".pdf", "application/pdf"}, Magic::pdf},
    {{".ofd", "application/ofd"}, Magic::zip},
    {{".jpg", "image/jpeg"}, Magic::jpeg},
    {{".jpeg", "image/jpeg"}, Magic::jpeg},
    {{".png", "image/png"}, Magic::png},
    {{".docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"},
     Magic::zip},
    {{".xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}, Magic::zip},
    {{".doc", "application/msword"}, Magic::ole},
    {{".xls", "application/vnd.ms-excel"}, Magic::ole},
}};

bool starts_with(std::string_view data, std::string_view prefix) {
  return data.substr(0, prefix.size()) == prefix;
}

}  // namespace

const FileType* file_type_of_extension(std::string_view extension) {
  for (const auto& k : kKnown)
    if (k.type.extension == extension) return &k.type;
  return nullptr;
}

const FileType* file_type_of_name(std::string_view filename) {
  auto dot = filename.rfind('.');
  if (dot == std::string_view::npos || filename.size() - dot > 6) return nullptr;
  std::string ext;
  for (char c : filename.substr(dot))
    ext += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return file_type_of_extension(ext);
}

bool content_matches(const FileType& type, std::string_view data) {
  for (const auto& k : kKnown) {
    if (k.type.extension != type.extension) continue;
    switch (k.magic) {
      case Magic::pdf:
        return starts_with(data, "%PDF-");
      case Magic::zip:
        return starts_with(data, std::string_view("PK\x03\x04", 4));
      case Magic::ole:
        return starts_with(data, std::string_view("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1", 8));
      case Magic::jpeg:
        return starts_with(data, std::string_view("\xFF\xD8\xFF", 3));
      case Magic::png:
        return starts_with(data, std::string_view("\x89PNG\r\n\x1A\n", 8));
    }
  }
  return false;
}

std::string size_limit_text(std::size_t bytes) {
  if (bytes >= (1 << 20) && bytes % (1 << 20) == 0) return std::to_string(bytes >> 20) + " MiB";
  if (bytes >= 1024 && bytes % 1024 == 0) return std::to_string(bytes >> 10) + " KiB";
  if (bytes >= (1 << 20)) return std::to_string(bytes >> 20) + " MiB";
  if (bytes >= 1024) return std::to_string(bytes >> 10) + " KiB";
  return std::to_string(bytes) + " B";
}

std::string known_extensions() {
  std::string out;
  for (const auto& k : kKnown) {
    if (!out.empty()) out += ' ';
    out += k.type.extension;
  }
  return out;
}

}  // namespace yiwang::forms
