#include "http/response.hpp"

#include <strings.h>
#include <algorithm>

namespace yiwang::http {

namespace {
bool same_name(std::string_view a, std::string_view b) {
  return a.size() == b.size() && ::strncasecmp(a.data(), b.data(), a.size()) == 0;
}
}  // namespace

Response& Response::set(std::string_view name, std::string value) {
  for (auto& [n, v] : headers) {
    if (same_name(n, name)) {
      v = std::move(value);
      return *this;
    }
  }
  headers.emplace_back(std::string(name), std::move(value));
  return *this;
}

Response& Response::add(std::string_view name, std::string value) {
  headers.emplace_back(std::string(name), std::move(value));
  return *this;
}

const std::string* Response::get(std::string_view name) const {
  for (const auto& [n, v] : headers)
    if (same_name(n, name)) return &v;
  return nullptr;
}

Response Response::html(std::string body, int status) {
  Response r;
  r.status = status;
  r.body = std::move(body);
  r.set("Content-Type", "text/html; charset=utf-8");
  return r;
}

Response Response::json(std::string body, int status) {
  Response r;
  r.status = status;
  r.body = std::move(body);
  r.set("Content-Type", "application/json; charset=utf-8");
  return r;
}

Response Response::text(std::string body, int status) {
  Response r;
  r.status = status;
  r.body = std::move(body);
  r.set("Content-Type", "text/plain; charset=utf-8");
  return r;
}

Response Response::redirect(std::string location, int status) {
  Response r;
  r.status = status;
  r.set("Location", std::move(location));
  return r;
}

}  // namespace yiwang::http
