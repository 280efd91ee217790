// An HTTP-level rejection of a request: the status to answer with and the
// message-catalogue key (web/i18n/*/http.toml) that tells the user why.
//
// The parsers in http/ (forms, multipart, cookies, paths) return this instead
// of yiwang::Error because the caller needs the status code (400, 413, 415 ...)
// as well as the key. `params` fills the {placeholders} of the message.
#pragma once

#include <map>
#include <string>
#include <utility>

namespace yiwang::http {

struct HttpError {
  int status = 400;
  std::string key;     // catalogue key, e.g. "http.form.too_many_fields"
  std::string detail;  // English detail for logs; never shown instead of the message
  std::map<std::string, std::string>
      params;  // values for {name} placeholders, e.g. {"max": "1000"}

  HttpError() = default;
  // Allows HttpError{413, "http.form.too_many_fields", "more than 1000 fields"}.
  HttpError(int s, std::string k, std::string d = {}, std::map<std::string, std::string> p = {})
      : status(s), key(std::move(k)), detail(std::move(d)), params(std::move(p)) {}
};

}  // namespace yiwang::http
