// SM3 (GB/T 32905-2016), the national hash function, through OpenSSL 3.
// Used for the audit hash chain now and for signatures and attachment
// addresses later. Thread-safe.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

namespace yiwang::crypto {

using Sm3Digest = std::array<std::uint8_t, 32>;

// SM3 of the bytes.
Sm3Digest sm3(std::string_view data);

// Incremental SM3 over several pieces.
class Sm3 {
 public:
  Sm3();
  ~Sm3();
  Sm3(const Sm3&) = delete;
  Sm3& operator=(const Sm3&) = delete;
  void update(std::string_view data);
  Sm3Digest finish();

 private:
  void* ctx_;  // EVP_MD_CTX
};

// Lower-case hex of bytes.
std::string to_hex(const Sm3Digest& digest);

}  // namespace yiwang::crypto
