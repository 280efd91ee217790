// The identifier of an electronic licence (电子证照标识, GB/T 36904-2018, as
// STANDARDS.md §5 sets it out):
//
//   1.2.156.3005.2.<type code>.<issuer code>.<licence number>.<version>.<check>
//
// type code = the defining authority's 18-character 统一社会信用代码 followed by
// a 3-digit type number; issuer code = the issuing organ's 统一社会信用代码;
// licence number = 1–30 of 0-9 A-Z; version = 3 digits; check = the ISO/IEC
// 7064 MOD 37,36 check character over type code, issuer code, licence number
// and version written together (the dots removed).
//
// Pure; thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "core/error.hpp"

namespace yiwang::services {

inline constexpr std::string_view kLicenceIdPrefix = "1.2.156.3005.2.";

struct LicenceId {
  std::string type_code;    // 21 characters: USCC (18) + type number (3)
  std::string issuer_code;  // 18 characters
  std::string number;       // 1–30 of 0-9 A-Z
  std::string version = "001";
};

// Whether a type code is a valid credit code followed by 3 digits.
bool licence_type_code_ok(std::string_view type_code);

// The ISO/IEC 7064 MOD 37,36 check character of a string of 0-9 A-Z.
char mod37_36_check(std::string_view text);

// The identifier with its check character. Errors ("services.licence_id.*",
// field = the part) when a part breaks its rule.
Result<std::string> format_licence_id(const LicenceId& id);

// Reads an identifier; upper-cases letters. Errors: services.licence_id.format
// (not the shape above), services.licence_id.check (the check character does
// not match: a mistyped or altered identifier).
Result<LicenceId> parse_licence_id(std::string_view text);

}  // namespace yiwang::services
