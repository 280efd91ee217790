#include "http/request.hpp"

#include <algorithm>

namespace yiwang::http {

bool Authority::holds(std::string_view permission) const {
  std::string key(permission);
  if (everywhere.contains(key)) return true;
  auto it = organs.find(key);
  return it != organs.end() && !it->second.empty();
}

bool Authority::holds(std::string_view permission, long long organ_id) const {
  std::string key(permission);
  if (everywhere.contains(key)) return true;
  auto it = organs.find(key);
  return it != organs.end() && std::binary_search(it->second.begin(), it->second.end(), organ_id);
}

std::vector<long long> Authority::organs_for(std::string_view permission) const {
  auto it = organs.find(std::string(permission));
  return it == organs.end() ? std::vector<long long>() : it->second;
}

const std::string* Request::header(std::string_view name) const {
  for (const auto& [n, v] : headers)
    if (n == name) return &v;
  return nullptr;
}

std::string Request::param(std::string_view name) const {
  auto it = path_params.find(std::string(name));
  return it == path_params.end() ? std::string() : it->second;
}

std::string Request::cookie(std::string_view name) const {
  for (const auto& [n, v] : cookies)
    if (n == name) return v;
  return {};
}

std::expected<FormData, HttpError> Request::form() const {
  static const Limits kDefaults;
  const Limits& l = limits ? *limits : kDefaults;
  const std::string* type = header("content-type");
  if (!type || type->starts_with("application/x-www-form-urlencoded"))
    return parse_urlencoded(body, l);
  if (type->starts_with("multipart/form-data")) {
    auto boundary = multipart_boundary(*type);
    if (!boundary) return std::unexpected(HttpError{400, "http.multipart.no_boundary", *type});
    return parse_multipart(body, *boundary, l);
  }
  return std::unexpected(HttpError{415, "http.form.unsupported_type", *type});
}

}  // namespace yiwang::http
