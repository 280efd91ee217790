// Characters of checked UTF-8 text, as the drawing code of render/ needs
// them (seal images, PDF documents): each code point with its bytes, and
// which characters may not appear in drawn text.
#pragma once

#include <string_view>
#include <vector>

namespace yiwang::render {

struct CodePoint {
  char32_t value = 0;
  std::string_view bytes;  // a view into the text
};

// The code points of text that is valid UTF-8 (check it first: a truncated
// sequence at the end is read as far as it goes).
std::vector<CodePoint> code_points(std::string_view text);

// Control characters (C0, DEL, C1), line and paragraph separators, bidi
// controls, the byte-order mark and the non-characters U+FFFE/U+FFFF.
bool is_control(char32_t c);

}  // namespace yiwang::render
