#include "http/request_context.hpp"

#include <random>

namespace yiwang::http {

namespace {
thread_local std::string t_request_id = "-";
}

std::string_view current_request_id() { return t_request_id; }

RequestIdScope::RequestIdScope(std::string_view id) : previous_(std::move(t_request_id)) {
  t_request_id = std::string(id);
}

RequestIdScope::~RequestIdScope() { t_request_id = std::move(previous_); }

std::string new_request_id() {
  thread_local std::mt19937_64 rng{std::random_device{}()};
  static constexpr char kHex[] = "0123456789abcdef";
  std::uint64_t v = rng();
  std::string out(16, '0');
  for (int i = 15; i >= 0; --i) {
    out[i] = kHex[v & 0xf];
    v >>= 4;
  }
  return out;
}

}  // namespace yiwang::http
