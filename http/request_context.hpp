// The request id of the request the current thread is working on, so that
// every log line written while handling it carries the id (see app/logging).
#pragma once

#include <string>
#include <string_view>

namespace yiwang::http {

// The id of the request being handled on this thread, or "-".
std::string_view current_request_id();

// Sets the current request id for the lifetime of the scope.
class RequestIdScope {
 public:
  explicit RequestIdScope(std::string_view id);
  ~RequestIdScope();
  RequestIdScope(const RequestIdScope&) = delete;
  RequestIdScope& operator=(const RequestIdScope&) = delete;

 private:
  std::string previous_;
};

// A new random request id: 16 lower-case hex digits.
std::string new_request_id();

}  // namespace yiwang::http
