#include "http/form_data.hpp"

#include <algorithm>
#include <cstddef>
#include <functional>
#include <map>

#include "core/normalise.hpp"
#include "http/percent_encoding.hpp"

namespace yiwang::http {

void FormData::add(std::string name, std::string value) {
  fields_.emplace_back(std::move(name), std::move(value));
}

const std::string* FormData::get(std::string_view name) const {
  for (const auto& [key, value] : fields_) {
    if (key == name) return &value;
  }
  return nullptr;
}

std::string FormData::value(std::string_view name, std::string_view fallback) const {
  const std::string* found = get(name);
  return found ? *found : std::string(fallback);
}

std::vector<std::string_view> FormData::all(std::string_view name) const {
  std::vector<std::string_view> values;
  for (const auto& [key, value] : fields_) {
    if (key == name) values.emplace_back(value);
  }
  return values;
}

const std::vector<std::pair<std::string, std::string>>& FormData::fields() const { return fields_; }

std::vector<UploadedFile>& FormData::files() { return files_; }

const std::vector<UploadedFile>& FormData::files() const { return files_; }

const UploadedFile* FormData::file(std::string_view field) const {
  for (const auto& uploaded : files_) {
    if (uploaded.field == field) return &uploaded;
  }
  return nullptr;
}

namespace {

std::unexpected<HttpError> reject(int status, std::string key, std::string detail,
                                  std::map<std::string, std::string> params = {}) {
  return std::unexpected(HttpError(status, std::move(key), std::move(detail), std::move(params)));
}

std::unexpected<HttpError> malformed(std::string detail) {
  return reject(400, "http.multipart.malformed", std::move(detail));
}

bool has_nul(std::string_view text) { return text.find('\0') != std::string_view::npos; }

// Checks a field name against the size, UTF-8 and NUL rules.
std::optional<HttpError> check_name(std::string_view name, const Limits& limits) {
  if (name.size() > limits.max_name_bytes) {
    return HttpError(413, "http.form.name_too_long", "field name too long",
                     {{"max", std::to_string(limits.max_name_bytes)}});
  }
  if (!core::is_valid_utf8(name))
    return HttpError(400, "http.form.bad_utf8", "field name not UTF-8");
  if (has_nul(name)) return HttpError(400, "http.form.nul_byte", "NUL in field name");
  return std::nullopt;
}

// Checks a decoded name/value pair against the rules shared by both encodings.
std::optional<HttpError> check_field(std::string_view name, std::string_view value,
                                     const Limits& limits) {
  if (auto error = check_name(name, limits)) return error;
  if (value.size() > limits.max_field_bytes) {
    return HttpError(
        413, "http.form.value_too_long", "field value too long",
        {{"max", std::to_string(limits.max_field_bytes)}, {"field", std::string(name)}});
  }
  if (!core::is_valid_utf8(value)) {
    return HttpError(400, "http.form.bad_utf8", "field value not UTF-8",
                     {{"field", std::string(name)}});
  }
  if (has_nul(value)) {
    return HttpError(400, "http.form.nul_byte", "NUL in field value",
                     {{"field", std::string(name)}});
  }
  return std::nullopt;
}

HttpError too_many_fields(const Limits& limits) {
  return HttpError(413, "http.form.too_many_fields", "too many form fields",
                   {{"max", std::to_string(limits.max_form_fields)}});
}

HttpError body_too_large(const Limits& limits) {
  return HttpError(413, "http.body_too_large", "request body too large",
                   {{"max", std::to_string(limits.max_body_bytes)}});
}

// --- header values: `type *( ";" name "=" ( token / quoted-string ) )` ---

bool is_tchar(unsigned char c) {
  if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) return true;
  return std::string_view("!#$%&'*+-.^_`|~").find(static_cast<char>(c)) != std::string_view::npos;
}

bool is_ctl(unsigned char c) { return c < 0x20 || c == 0x7F; }

char ascii_lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

std::string lower(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(), ascii_lower);
  return out;
}

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return ascii_lower(x) == ascii_lower(y);
         });
}

bool is_ows(char c) { return c == ' ' || c == '\t'; }

std::string_view trim_ows(std::string_view text) {
  while (!text.empty() && is_ows(text.front())) text.remove_prefix(1);
  while (!text.empty() && is_ows(text.back())) text.remove_suffix(1);
  return text;
}

struct HeaderValue {
  std::string type;                                         // lower-cased
  std::vector<std::pair<std::string, std::string>> params;  // names lower-cased, values unquoted
};

// Parses a Content-Type or Content-Disposition value; nullopt when malformed.
// Inside a quoted string a backslash escapes only '"' and '\'; other
// backslashes are kept, as browsers send Windows paths unescaped.
std::optional<HeaderValue> parse_header_value(std::string_view text) {
  HeaderValue result;
  std::size_t pos = text.find(';');
  const std::string_view type = trim_ows(text.substr(0, pos));
  if (type.empty()) return std::nullopt;
  for (const char c : type) {
    if (!is_tchar(static_cast<unsigned char>(c)) && c != '/') return std::nullopt;
  }
  result.type = lower(type);
  while (pos < text.size()) {
    ++pos;  // the ';'
    while (pos < text.size() && is_ows(text[pos])) ++pos;
    if (pos == text.size()) break;  // a trailing ';' is tolerated
    const std::size_t name_start = pos;
    while (pos < text.size() && is_tchar(static_cast<unsigned char>(text[pos]))) ++pos;
    std::string name = lower(text.substr(name_start, pos - name_start));
    while (pos < text.size() && is_ows(text[pos])) ++pos;
    if (name.empty() || pos == text.size() || text[pos] != '=') return std::nullopt;
    ++pos;
    while (pos < text.size() && is_ows(text[pos])) ++pos;
    std::string value;
    if (pos < text.size() && text[pos] == '"') {
      ++pos;
      bool closed = false;
      while (pos < text.size()) {
        const char c = text[pos++];
        if (c == '"') {
          closed = true;
          break;
        }
        if (c == '\\' && pos < text.size() && (text[pos] == '"' || text[pos] == '\\')) {
          value.push_back(text[pos++]);
        } else {
          value.push_back(c);
        }
      }
      if (!closed) return std::nullopt;
    } else {
      const std::size_t value_start = pos;
      while (pos < text.size() && text[pos] != ';' && !is_ows(text[pos]) && text[pos] != '"' &&
             !is_ctl(static_cast<unsigned char>(text[pos]))) {
        ++pos;
      }
      value = text.substr(value_start, pos - value_start);
      if (value.empty()) return std::nullopt;
    }
    while (pos < text.size() && is_ows(text[pos])) ++pos;
    if (pos < text.size() && text[pos] != ';') return std::nullopt;
    result.params.emplace_back(std::move(name), std::move(value));
  }
  return result;
}

// The value of parameter `name`: nullopt when absent, and an error flag when
// it appears more than once.
struct Param {
  const std::string* value = nullptr;
  bool duplicated = false;
};

Param find_param(const HeaderValue& header, std::string_view name) {
  Param found;
  for (const auto& [key, value] : header.params) {
    if (key != name) continue;
    if (found.value) found.duplicated = true;
    found.value = &value;
  }
  return found;
}

bool is_bchar(unsigned char c) {
  if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) return true;
  return std::string_view("'()+_,-./:=? ").find(static_cast<char>(c)) != std::string_view::npos;
}

// RFC 2046 §5.1.1: 1..70 bchars, not ending in a space.
bool valid_boundary(std::string_view boundary) {
  if (boundary.empty() || boundary.size() > 70 || boundary.back() == ' ') return false;
  return std::all_of(boundary.begin(), boundary.end(),
                     [](char c) { return is_bchar(static_cast<unsigned char>(c)); });
}

// --- multipart ---

// A part's Content-Disposition and Content-Type, from its header block.
struct PartHeaders {
  std::string name;
  std::optional<std::string> filename;  // raw, before the path is stripped
  std::string content_type;             // empty when absent
};

// Decodes an RFC 5987 ext-value (UTF-8''percent-encoded); only UTF-8 is accepted.
std::optional<std::string> decode_ext_value(std::string_view text) {
  const std::size_t first = text.find('\'');
  if (first == std::string_view::npos) return std::nullopt;
  const std::size_t second = text.find('\'', first + 1);
  if (second == std::string_view::npos) return std::nullopt;
  if (!iequals(text.substr(0, first), "utf-8")) return std::nullopt;
  return percent_decode(text.substr(second + 1), false);
}

std::expected<PartHeaders, HttpError> parse_part_headers(std::string_view block,
                                                         std::string_view nl,
                                                         std::string_view dash_boundary) {
  std::optional<std::string_view> disposition;
  std::optional<std::string_view> content_type;
  std::size_t start = 0;
  while (start <= block.size()) {
    std::size_t end = block.find(nl, start);
    if (end == std::string_view::npos) end = block.size();
    const std::string_view line = block.substr(start, end - start);
    start = end + nl.size();
    if (line.empty()) return malformed("empty header line");
    if (is_ows(line.front())) return malformed("folded header line");
    if (line.starts_with(dash_boundary)) return malformed("delimiter inside part headers");
    if (line.find_first_of("\r\n") != std::string_view::npos) return malformed("bare CR or LF");
    const std::size_t colon = line.find(':');
    if (colon == std::string_view::npos || colon == 0) return malformed("header line without name");
    const std::string_view name = line.substr(0, colon);
    if (!std::all_of(name.begin(), name.end(),
                     [](char c) { return is_tchar(static_cast<unsigned char>(c)); })) {
      return malformed("bad header name");
    }
    const std::string_view value = trim_ows(line.substr(colon + 1));
    if (iequals(name, "content-disposition")) {
      if (disposition) return malformed("two Content-Disposition headers");
      disposition = value;
    } else if (iequals(name, "content-type")) {
      if (content_type) return malformed("two Content-Type headers");
      content_type = value;
    }
  }
  if (!disposition) return malformed("part without Content-Disposition");
  const auto header = parse_header_value(*disposition);
  if (!header || header->type != "form-data") return malformed("bad Content-Disposition");
  const Param name = find_param(*header, "name");
  const Param filename = find_param(*header, "filename");
  const Param filename_ext = find_param(*header, "filename*");
  if (!name.value || name.duplicated || filename.duplicated || filename_ext.duplicated) {
    return malformed("bad Content-Disposition parameters");
  }
  PartHeaders part;
  part.name = *name.value;
  if (filename_ext.value) {
    auto decoded = decode_ext_value(*filename_ext.value);
    if (!decoded) return reject(400, "http.multipart.bad_filename", "bad filename* parameter");
    part.filename = std::move(*decoded);
  } else if (filename.value) {
    part.filename = *filename.value;
  }
  if (content_type) {
    if (std::any_of(content_type->begin(), content_type->end(),
                    [](char c) { return is_ctl(static_cast<unsigned char>(c)); })) {
      return malformed("control character in Content-Type");
    }
    part.content_type = *content_type;
  }
  return part;
}

// Keeps the last path component of a client-supplied file name; errors on
// control characters, invalid UTF-8 or a name that is only a directory.
std::expected<std::string, HttpError> clean_filename(std::string_view raw, const Limits& limits) {
  if (!core::is_valid_utf8(raw))
    return reject(400, "http.multipart.bad_filename", "filename not UTF-8");
  if (std::any_of(raw.begin(), raw.end(),
                  [](char c) { return is_ctl(static_cast<unsigned char>(c)); })) {
    return reject(400, "http.multipart.bad_filename", "control character in filename");
  }
  const std::size_t slash = raw.find_last_of("/\\");
  const std::string_view last = slash == std::string_view::npos ? raw : raw.substr(slash + 1);
  if (last.empty() || last == "." || last == "..") {
    return reject(400, "http.multipart.bad_filename", "filename without a file component");
  }
  if (last.size() > limits.max_name_bytes) {
    return reject(413, "http.multipart.filename_too_long", "filename too long",
                  {{"max", std::to_string(limits.max_name_bytes)}});
  }
  return std::string(last);
}

std::size_t skip_lwsp(std::string_view text, std::size_t pos) {
  while (pos < text.size() && is_ows(text[pos])) ++pos;
  return pos;
}

}  // namespace

std::expected<FormData, HttpError> parse_urlencoded(std::string_view body, const Limits& limits) {
  if (body.size() > limits.max_body_bytes) return std::unexpected(body_too_large(limits));
  FormData form;
  std::size_t start = 0;
  while (start <= body.size()) {
    std::size_t end = body.find('&', start);
    if (end == std::string_view::npos) end = body.size();
    const std::string_view pair = body.substr(start, end - start);
    start = end + 1;
    const std::size_t equals = pair.find('=');
    const std::string_view raw_name = pair.substr(0, equals);
    const std::string_view raw_value =
        equals == std::string_view::npos ? std::string_view() : pair.substr(equals + 1);
    if (raw_name.empty()) continue;
    if (form.fields().size() >= limits.max_form_fields) {
      return std::unexpected(too_many_fields(limits));
    }
    auto name = percent_decode(raw_name, true);
    auto value = percent_decode(raw_value, true);
    if (!name || !value) return reject(400, "http.form.bad_encoding", "invalid percent-encoding");
    if (auto error = check_field(*name, *value, limits)) return std::unexpected(std::move(*error));
    form.add(std::move(*name), std::move(*value));
  }
  return form;
}

std::expected<FormData, HttpError> parse_multipart(std::string_view body, std::string_view boundary,
                                                   const Limits& limits) {
  if (!valid_boundary(boundary)) {
    return reject(400, "http.multipart.bad_boundary", "missing or invalid boundary");
  }
  if (body.size() > limits.max_body_bytes) return std::unexpected(body_too_large(limits));

  // The first delimiter opens the body, or ends a preamble at the start of a line.
  const std::string dash_boundary = "--" + std::string(boundary);
  std::size_t pos = 0;
  if (body.starts_with(dash_boundary)) {
    pos = dash_boundary.size();
  } else {
    const std::string line_start = "\n" + dash_boundary;
    const std::size_t found = body.find(line_start);
    if (found == std::string_view::npos) return malformed("no opening delimiter");
    pos = found + line_start.size();
  }
  if (body.substr(pos).starts_with("--")) return FormData();  // no parts at all

  // That first delimiter line fixes the line ending for the whole body.
  pos = skip_lwsp(body, pos);
  std::string_view nl;
  if (body.substr(pos).starts_with("\r\n")) {
    nl = "\r\n";
  } else if (body.substr(pos).starts_with("\n")) {
    nl = "\n";
  } else {
    return malformed("text after the opening delimiter");
  }
  pos += nl.size();

  const std::string delimiter = std::string(nl) + dash_boundary;
  const std::boyer_moore_horspool_searcher searcher(delimiter.begin(), delimiter.end());
  const std::string blank_line = std::string(nl) + std::string(nl);

  FormData form;
  for (;;) {
    // Part headers end at the first blank line, within max_header_bytes.
    const std::string_view rest = body.substr(pos);
    if (rest.starts_with(nl)) return malformed("part without headers");
    const std::string_view window =
        rest.substr(0, std::min(limits.max_header_bytes, rest.size()) + blank_line.size());
    const std::size_t headers_end = window.find(blank_line);
    if (headers_end == std::string_view::npos) return malformed("part headers not terminated");
    auto headers = parse_part_headers(rest.substr(0, headers_end), nl, dash_boundary);
    if (!headers) return std::unexpected(std::move(headers.error()));

    // The part's data runs to the next delimiter. RFC 2046 lets a part end
    // right after its headers ("H CRLF" then "CRLF--boundary"): no data.
    std::size_t data_start = pos + headers_end + blank_line.size();
    std::size_t data_end = 0;
    if (rest.substr(headers_end + nl.size()).starts_with(delimiter)) {
      data_start = data_end = pos + headers_end + nl.size();
    } else {
      const auto found =
          std::search(body.begin() + static_cast<std::ptrdiff_t>(data_start), body.end(), searcher);
      if (found == body.end()) return malformed("missing final delimiter");
      data_end = static_cast<std::size_t>(found - body.begin());
    }
    const std::string_view data = body.substr(data_start, data_end - data_start);

    std::size_t next = data_end + delimiter.size();
    const bool last = body.substr(next).starts_with("--");
    if (!last) {
      next = skip_lwsp(body, next);
      if (!body.substr(next).starts_with(nl)) return malformed("text after a delimiter");
      next += nl.size();
    }

    if (!headers->name.empty()) {
      if (headers->filename) {
        if (!headers->filename->empty() || !data.empty()) {
          auto filename = clean_filename(*headers->filename, limits);
          if (!filename) return std::unexpected(std::move(filename.error()));
          if (auto error = check_name(headers->name, limits)) {
            return std::unexpected(std::move(*error));
          }
          if (form.files().size() >= limits.max_files) {
            return reject(413, "http.multipart.too_many_files", "too many files",
                          {{"max", std::to_string(limits.max_files)}});
          }
          if (data.size() > limits.max_file_bytes) {
            return reject(413, "http.multipart.file_too_large", "file too large",
                          {{"max", std::to_string(limits.max_file_bytes)},
                           {"field", headers->name},
                           {"filename", *filename}});
          }
          form.files().push_back(UploadedFile{std::move(headers->name), std::move(*filename),
                                              headers->content_type.empty()
                                                  ? std::string("application/octet-stream")
                                                  : std::move(headers->content_type),
                                              std::string(data)});
        }
      } else {
        if (form.fields().size() >= limits.max_form_fields) {
          return std::unexpected(too_many_fields(limits));
        }
        if (auto error = check_field(headers->name, data, limits)) {
          return std::unexpected(std::move(*error));
        }
        form.add(std::move(headers->name), std::string(data));
      }
    }
    if (last) break;  // the epilogue is ignored
    pos = next;
  }
  return form;
}

std::optional<std::string> multipart_boundary(std::string_view content_type) {
  const auto header = parse_header_value(content_type);
  if (!header || header->type != "multipart/form-data") return std::nullopt;
  const Param boundary = find_param(*header, "boundary");
  if (!boundary.value || boundary.duplicated || !valid_boundary(*boundary.value)) {
    return std::nullopt;
  }
  return *boundary.value;
}

}  // namespace yiwang::http
