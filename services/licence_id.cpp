#include "services/licence_id.hpp"

#include <algorithm>
#include <vector>

#include "core/identifier.hpp"

namespace yiwang::services {

namespace {

constexpr std::string_view kAlphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";

int value_of(char c) {
  auto at = kAlphabet.find(c);
  return at == std::string_view::npos ? -1 : static_cast<int>(at);
}

bool all_of_alphabet(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) { return value_of(c) >= 0; });
}

bool all_digits(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// A USCC is 18 characters whose last is its check character.
bool credit_code_ok(std::string_view s) {
  return s.size() == 18 && all_of_alphabet(s) && core::uscc_check_char(s.substr(0, 17)) == s[17];
}

std::vector<std::string_view> split_dots(std::string_view s) {
  std::vector<std::string_view> parts;
  std::size_t from = 0;
  for (;;) {
    auto dot = s.find('.', from);
    parts.push_back(s.substr(from, dot == std::string_view::npos ? s.npos : dot - from));
    if (dot == std::string_view::npos) break;
    from = dot + 1;
  }
  return parts;
}

Result<std::string> fail(std::string key, std::string field) {
  return std::unexpected(Error(std::move(key), std::move(field)));
}

}  // namespace

// ISO/IEC 7064 hybrid system with M = 36: p starts at M; for each character
// s = (p + value) mod M (0 read as M) and p = 2s mod (M + 1); the check
// character makes (p + check) mod M equal 1.
char mod37_36_check(std::string_view text) {
  int p = 36;
  for (char c : text) {
    int s = (p + std::max(value_of(c), 0)) % 36;
    if (s == 0) s = 36;
    p = (2 * s) % 37;
  }
  return kAlphabet[static_cast<std::size_t>((37 - p) % 36)];
}

bool licence_type_code_ok(std::string_view type_code) {
  return type_code.size() == 21 && credit_code_ok(type_code.substr(0, 18)) &&
         all_digits(type_code.substr(18));
}

Result<std::string> format_licence_id(const LicenceId& id) {
  if (!licence_type_code_ok(id.type_code))
    return fail("services.licence_id.type_code", "type_code");
  if (!credit_code_ok(id.issuer_code))
    return fail("services.licence_id.issuer_code", "issuer_code");
  if (id.number.empty() || id.number.size() > 30 || !all_of_alphabet(id.number))
    return fail("services.licence_id.number", "number");
  if (id.version.size() != 3 || !all_digits(id.version))
    return fail("services.licence_id.version", "version");
  std::string body = id.type_code + id.issuer_code + id.number + id.version;
  return std::string(kLicenceIdPrefix) + id.type_code + "." + id.issuer_code + "." + id.number +
         "." + id.version + "." + mod37_36_check(body);
}

Result<LicenceId> parse_licence_id(std::string_view text) {
  std::string upper(text);
  std::transform(upper.begin(), upper.end(), upper.begin(),
                 [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  auto format_error = std::unexpected(Error("services.licence_id.format", "identifier"));
  if (!std::string_view(upper).starts_with(kLicenceIdPrefix)) return format_error;
  auto parts = split_dots(std::string_view(upper).substr(kLicenceIdPrefix.size()));
  if (parts.size() != 5 || parts[4].size() != 1) return format_error;
  LicenceId id{std::string(parts[0]), std::string(parts[1]), std::string(parts[2]),
               std::string(parts[3])};
  auto formatted = format_licence_id(id);
  if (!formatted) return format_error;
  if (formatted->back() != parts[4][0])
    return std::unexpected(Error("services.licence_id.check", "identifier"));
  return id;
}

}  // namespace yiwang::services
