// Mapping a URL path under the static prefix (/static/...) to a file below
// web/static, refusing anything that could leave that directory or expose
// hidden files, and naming the media type of the file served.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace yiwang::http {

// The relative file path for the URL path that follows the static prefix
// ("css/site.css"), percent-decoded once. nullopt for bad percent-encoding,
// invalid UTF-8, control characters or NUL, backslashes, an absolute path,
// empty segments ("a//b", trailing '/'), "." and ".." segments, and segments
// starting with '.' (hidden files).
std::optional<std::string> safe_static_path(std::string_view url_path_after_prefix);

// The Content-Type for a file by its extension (case-insensitive): html, css,
// js, svg, png, jpg, gif, ico, woff2, json, txt, pdf, xml, webp and a few
// aliases; "application/octet-stream" otherwise. Text types carry charset=utf-8.
std::string_view mime_type_for(std::string_view filename);

}  // namespace yiwang::http
