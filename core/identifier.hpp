// Validation of the national identifiers citizens and organisations type into forms.
//
// Four kinds, each defined by a national standard (see STANDARDS.md §6):
// 公民身份号码 (GB 11643-1999), 统一社会信用代码 (GB 32100-2015), 组织机构代码
// (GB 11714) and 行政区划代码 (GB/T 2260). Input is normalised first (full-width,
// spaces, lowercase), then the rules of the kind run in a fixed order and the FIRST
// rule that fails is reported, so the user learns what exactly to correct.
//
// Rule order per kind (rule codes as in IdCheck::rule):
//   citizen:  encoding, length, charset, division_format, division_unknown,
//             birth_date, future_birth_date, check_digit
//   uscc:     encoding, length, charset, authority, division_format, division_unknown,
//             org_check_digit, check_digit
//   orgcode:  encoding, length, charset, check_digit
//   division: encoding, length, charset, division_format, division_unknown
// The division table is dated and lives outside core: callers pass a lookup, and
// an empty lookup skips the division_unknown rule.
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "core/error.hpp"

namespace yiwang::core {

enum class IdKind { citizen, uscc, orgcode, division };
enum class IdStatus { valid, legacy, invalid };

// The outcome of checking one identifier.
struct IdCheck {
  IdStatus status = IdStatus::invalid;
  std::string normalised;  // input after normalise_identifier (org code: hyphen removed)
  std::string converted;   // legacy 15-digit citizen numbers: the 18-digit form
  std::string rule;        // when invalid: the rule that failed, e.g. "check_digit"
  yiwang::Error error;     // when invalid: key "id.<kind>.<rule>", empty field, params
};

// Looks up whether a 6-digit GB/T 2260 code exists in the loaded (dated) division table.
using DivisionExists = std::function<bool(std::string_view code6)>;

// Normalises and checks one identifier; `divisions` may be empty (no table check),
// `today` bounds birth dates.
IdCheck check_identifier(IdKind kind, std::string_view input, const DivisionExists& divisions,
                         std::chrono::sys_days today);

// Parses a kind name: "citizen", "uscc", "orgcode", "division".
std::optional<IdKind> parse_id_kind(std::string_view name);

// The name of a kind as parse_id_kind accepts it and as used in catalogue keys.
std::string_view id_kind_name(IdKind kind);

// GB 11643 check character ('0'–'9' or 'X') of 17 digits; '\0' if the input is not 17 digits.
char citizen_check_char(std::string_view first17);

// GB 32100 check character of 17 USCC characters; '\0' if the input is not 17 such characters.
char uscc_check_char(std::string_view first17);

// A 统一社会信用代码 put together (GB 32100): 登记管理部门 code, 机构类别 code,
// 6-digit division and the 8-character body of the organisation code, to
// which both check characters are added. Empty when a part is malformed.
std::string make_uscc(char authority, char category, std::string_view division6,
                      std::string_view org_body8);

// GB 11714 check character ('0'–'9' or 'X') of 8 characters 0-9/A-Z; '\0' otherwise.
char orgcode_check_char(std::string_view first8);

// Whether two digits are a GB/T 2260 province-level prefix (11–15, 21–23, 31–37,
// 41–46, 50–54, 61–65, 71, 81, 82).
bool is_province_prefix(std::string_view two_digits);

// The GB 32100 charset: digits and capital letters except I, O, Z, S, V (31 characters).
std::string_view uscc_charset();

// The 登记管理部门 codes accepted in USCC position 1: 1 机构编制, 2 外交, 3 司法行政,
// 4 文化, 5 民政, 6 旅游, 7 宗教, 8 工会, 9 工商, A 中央军委改革和编制办公室, N 农业, Y 其他.
// Codes 1, 5, 9 and Y are in GB 32100-2015 itself; the others were assigned later
// [unconfirmed against the original list: extend here if an authority is added].
std::string_view uscc_registration_authorities();

// Building blocks shared by the per-kind rule chains (citizen_id.cpp, credit_code.cpp,
// org_code.cpp, division_code.cpp); use check_identifier instead.
namespace detail {

// A failed rule: its code and the parameters for the catalogue message.
struct Failure {
  std::string rule;
  std::map<std::string, std::string> params;
};
using Outcome = std::optional<Failure>;  // nullopt when every rule passed

// Rule chains on normalised, valid UTF-8 text.
Outcome check_citizen_id(std::string_view s, const DivisionExists& divisions,
                         std::chrono::sys_days today, std::string& converted);
Outcome check_credit_code(std::string_view s, const DivisionExists& divisions);
Outcome check_org_code(std::string_view s);
Outcome check_division_code(std::string_view s, const DivisionExists& divisions);

// Number of UTF-8 characters (code points) in valid UTF-8 text.
std::size_t char_count(std::string_view s);

// The "length" failure: expected and actual character counts.
Failure length_failure(std::size_t expected, std::string_view s);

// The "charset" failure for the character starting at byte `index`, all before it ASCII.
Failure charset_failure(std::string_view s, std::size_t index);

// division_format then division_unknown for a 6-digit code; `national` also accepts
// 100000 (the whole country, used by central organs' credit codes) without a lookup.
Outcome check_division_part(std::string_view code6, const DivisionExists& divisions, bool national);

// The "check_digit"-style failure with expected and actual characters.
Failure check_char_failure(std::string rule, char expected, char actual);

}  // namespace detail

}  // namespace yiwang::core
