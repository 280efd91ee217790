// Error values that cross module boundaries.
//
// Modules return std::expected<T, Error> rather than throwing. An Error names
// a message-catalogue key (so the user sees it in their language), the form
// field it concerns (empty when none) and named parameters for the message.
#pragma once

#include <expected>
#include <map>
#include <string>
#include <utility>

namespace yiwang {

struct Error {
  std::string key;                            // catalogue key, e.g. "id.citizen.check_digit"
  std::string field;                          // form field or configuration key the error is about
  std::map<std::string, std::string> params;  // values for {name} placeholders

  Error() = default;
  explicit Error(std::string k, std::string f = {}, std::map<std::string, std::string> p = {})
      : key(std::move(k)), field(std::move(f)), params(std::move(p)) {}
};

template <class T>
using Result = std::expected<T, Error>;

inline std::unexpected<Error> fail(std::string key, std::string field = {},
                                   std::map<std::string, std::string> params = {}) {
  return std::unexpected(Error(std::move(key), std::move(field), std::move(params)));
}

}  // namespace yiwang
