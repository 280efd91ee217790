// SM3 (GB/T 32905-2016), the national hash function, through OpenSSL 3;
// HMAC-SM3 (RFC 2104 with SM3) and HKDF-SM3 (RFC 5869 with SM3). Used for the
// audit hash chain, blind indexes, encrypt-then-MAC and key derivation.
// Thread-safe.
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
// The digest as a byte string.
inline std::string_view bytes_of(const Sm3Digest& d) {
  return {reinterpret_cast<const char*>(d.data()), d.size()};
}

// HMAC-SM3 of data under key.
Sm3Digest hmac_sm3(std::string_view key, std::string_view data);

// HKDF with SM3 (extract then expand): `length` bytes of key material from a
// secret, a salt and a context label. Different labels give independent keys.
std::string hkdf_sm3(std::string_view secret, std::string_view salt, std::string_view info,
                     std::size_t length);

}  // namespace yiwang::crypto
