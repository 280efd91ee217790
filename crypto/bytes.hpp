// Byte strings for the cryptography: held in std::string (binary-safe), with
// hex and base64 codecs, constant-time comparison, random bytes from the
// operating system's generator (through OpenSSL) and wiping.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace yiwang::crypto {

// Lower-case hex of bytes.
std::string hex(std::string_view bytes);
// Bytes of a hex string (either case, no separators); nullopt when the text
// is not an even number of hex digits.
std::optional<std::string> unhex(std::string_view text);

// Standard base64 with padding (RFC 4648 §4).
std::string base64(std::string_view bytes);
// nullopt when the text is not canonical padded base64.
std::optional<std::string> unbase64(std::string_view text);

// Whether a and b are equal, in time that depends only on their lengths.
bool equal(std::string_view a, std::string_view b);

// n bytes from the cryptographically secure generator.
std::string random_bytes(std::size_t n);

// Overwrites the bytes before the string releases them.
void wipe(std::string& secret);

// A byte string that is wiped when it goes away (keys in memory).
class Secret {
 public:
  Secret() = default;
  explicit Secret(std::string bytes) : bytes_(std::move(bytes)) {}
  Secret(const Secret& o) : bytes_(o.bytes_) {}
  Secret(Secret&& o) noexcept : bytes_(std::move(o.bytes_)) { o.bytes_.clear(); }
  Secret& operator=(Secret o) noexcept {
    std::swap(bytes_, o.bytes_);
    return *this;
  }
  ~Secret() { wipe(bytes_); }
  std::string_view view() const { return bytes_; }
  std::size_t size() const { return bytes_.size(); }
  bool empty() const { return bytes_.empty(); }

 private:
  std::string bytes_;
};

}  // namespace yiwang::crypto
