// Sealed data: SM4-CTR encryption followed by an HMAC-SM3 tag over
// everything before it (encrypt-then-MAC; this OpenSSL has no SM4-GCM).
//
//   byte 0      format version (1)
//   bytes 1–4   key id, big-endian: which data key sealed it, so keys rotate
//   bytes 5–20  random IV (initial counter block)
//   bytes 21–   ciphertext, as long as the plaintext
//   last 32     HMAC-SM3(mac key, version ‖ key id ‖ IV ‖ len(context) ‖
//               context ‖ ciphertext)
//
// The context (e.g. "identity_accounts.citizen_number") is authenticated
// but not stored: a value copied into another column does not open there.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/error.hpp"
#include "crypto/bytes.hpp"

namespace yiwang::crypto {

// A data key: its id and the two keys derived from its 32 bytes of material.
struct DataKey {
  std::uint32_t id = 0;
  Secret enc_key;  // SM4, 16 bytes
  Secret mac_key;  // HMAC-SM3, 32 bytes

  // Derives the SM4 and HMAC keys from 32 bytes of random material.
  static DataKey derive(std::uint32_t id, std::string_view material);
};

inline constexpr std::size_t kSealedOverhead = 1 + 4 + 16 + 32;

std::string seal(const DataKey& key, std::string_view plaintext, std::string_view context);

// The key id a sealed value names; nullopt when it is not sealed data.
std::optional<std::uint32_t> sealed_key_id(std::string_view sealed);

// Checks the tag (in constant time) and decrypts. "crypto.sealed.malformed"
// when the value is too short or of another format, "crypto.sealed.wrong_key"
// when it names another key, "crypto.sealed.altered" when the tag does not
// match (changed bytes, wrong context or a wrong key).
Result<std::string> open_sealed(const DataKey& key, std::string_view sealed,
                                std::string_view context);

}  // namespace yiwang::crypto
