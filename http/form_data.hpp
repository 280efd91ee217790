// Submitted form data: the name/value pairs of a query string or of an
// application/x-www-form-urlencoded or multipart/form-data body, and the files
// uploaded with it.
//
// The parsers enforce Limits and refuse bad input with an HttpError instead of
// guessing: invalid percent-encoding, names or values that are not UTF-8 or
// contain NUL, too many or too large fields and files, malformed multipart
// bodies. They run in time linear in the input and never recurse.
#pragma once

#include <expected>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "http/http_error.hpp"
#include "http/limits.hpp"

namespace yiwang::http {

// One file from a multipart/form-data body.
struct UploadedFile {
  std::string field;         // name of the form field (<input type=file name=...>)
  std::string filename;      // last path component only, UTF-8, no control characters
  std::string content_type;  // as sent by the client; "application/octet-stream" when absent
  std::string data;          // the bytes; the caller checks the type against the content
};

// Ordered name/value pairs plus uploaded files.
class FormData {
 public:
  // Appends a pair; repeated names are kept in order (checkboxes, multi-selects).
  void add(std::string name, std::string value);
  // The first value of `name`, or nullptr when absent.
  const std::string* get(std::string_view name) const;
  // The first value of `name`, or `fallback` when absent.
  std::string value(std::string_view name, std::string_view fallback = "") const;
  // Every value of `name` in order; views into this FormData.
  std::vector<std::string_view> all(std::string_view name) const;
  // Every pair in the order received.
  const std::vector<std::pair<std::string, std::string>>& fields() const;
  // Uploaded files in the order received.
  std::vector<UploadedFile>& files();
  const std::vector<UploadedFile>& files() const;
  // The first file uploaded under form field `field`, or nullptr.
  const UploadedFile* file(std::string_view field) const;

 private:
  std::vector<std::pair<std::string, std::string>> fields_;
  std::vector<UploadedFile> files_;
};

// Parses application/x-www-form-urlencoded text: a request body or a query
// string (without the '?'). '+' is a space; empty pairs ("a=1&&b=2") and pairs
// with an empty name are skipped; "a" alone is the name "a" with value "".
std::expected<FormData, HttpError> parse_urlencoded(std::string_view body, const Limits& limits);

// Parses a multipart/form-data body (RFC 7578) whose delimiter is `boundary`
// (see multipart_boundary). Parts with a filename become files, the others
// fields. Lines end in CRLF, or in LF throughout when the first delimiter line
// does. A file part with an empty filename and no data (a file input left
// empty) is skipped.
std::expected<FormData, HttpError> parse_multipart(std::string_view body, std::string_view boundary,
                                                   const Limits& limits);

// The boundary parameter of a "multipart/form-data" Content-Type header value,
// quoted or bare; nullopt for another media type or a boundary that breaks
// RFC 2046 (1..70 characters from its set, not ending in a space).
std::optional<std::string> multipart_boundary(std::string_view content_type);

}  // namespace yiwang::http
