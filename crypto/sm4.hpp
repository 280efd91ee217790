// SM4 (GB/T 32907-2016), the national block cipher, through OpenSSL 3: the
// single-block (ECB) transform for conformance checks, and CTR mode, which
// the sealed-data format of crypto/sealed.hpp builds on. Keys are 16 bytes.
#pragma once

#include <string>
#include <string_view>

#include "core/error.hpp"

namespace yiwang::crypto {

inline constexpr std::size_t kSm4KeySize = 16;
inline constexpr std::size_t kSm4BlockSize = 16;

// SM4 one block at a time under one key (conformance vectors, including the
// standard's 1 000 000-fold encryption). Not a mode for data: use sealed.hpp.
class Sm4Block {
 public:
  // Fails with "crypto.sm4.key_size" unless the key is 16 bytes.
  static Result<Sm4Block> create(std::string_view key, bool encrypt);
  Sm4Block(Sm4Block&& o) noexcept;
  Sm4Block& operator=(Sm4Block&&) = delete;
  Sm4Block(const Sm4Block&) = delete;
  ~Sm4Block();
  // Transforms whole blocks ("crypto.sm4.block_size" otherwise).
  Result<std::string> apply(std::string_view blocks);
  // Transforms one block `times` times in a row (output fed back as input).
  Result<std::string> repeat(std::string_view block, long long times);

 private:
  explicit Sm4Block(void* ctx) : ctx_(ctx) {}
  void* ctx_;  // EVP_CIPHER_CTX
};

// SM4-CTR with a 16-byte initial counter block; encryption and decryption
// are the same operation. The key must be 16 bytes and the IV 16 bytes.
std::string sm4_ctr(std::string_view key, std::string_view iv, std::string_view data);

}  // namespace yiwang::crypto
