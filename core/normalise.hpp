// Text normalisation for identifiers typed by people.
//
// Citizens type identifiers on Chinese keyboards and phones, which often produce
// full-width characters (１２３ＡＢＣ), ideographic spaces and lowercase letters.
// Validators normalise such input before checking it, so that a correct number
// is never rejected for how it was typed. All functions are pure.
#pragma once

#include <string>
#include <string_view>

namespace yiwang::core {

// Maps full-width ASCII variants U+FF01–U+FF5E to U+0021–U+007E and the ideographic
// space U+3000 to an ASCII space; every other byte (including invalid UTF-8) is kept.
std::string to_half_width(std::string_view utf8);

// Half-width conversion, then ASCII whitespace trimmed at both ends, then a-z to A-Z.
std::string normalise_identifier(std::string_view input);

// Strict UTF-8 check: rejects overlong forms, surrogates, code points above
// U+10FFFF, stray continuation bytes and truncated sequences.
bool is_valid_utf8(std::string_view bytes);

}  // namespace yiwang::core
