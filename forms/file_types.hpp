// The kinds of file an application may carry, recognised by their content as
// well as their name: a file called 章程.pdf must start like a PDF. The list
// is short on purpose — documents and scans that a handler can open in the
// browser or with ordinary office software.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace yiwang::forms {

struct FileType {
  std::string_view extension;  // lower case with the dot: ".pdf"
  std::string_view mime;       // what the file is served as
};

// The type of a (lower-case) extension such as ".pdf", or nullptr.
const FileType* file_type_of_extension(std::string_view extension);

// The type of a file name by its extension (any case), or nullptr.
const FileType* file_type_of_name(std::string_view filename);

// Whether the bytes begin the way files of this type begin.
bool content_matches(const FileType& type, std::string_view data);

// A size limit for messages: "10 MiB", "500 KiB" or "800 B".
std::string size_limit_text(std::size_t bytes);

// Every known extension, space separated (for messages).
std::string known_extensions();

}  // namespace yiwang::forms
