#include "crypto/sm4.hpp"

#include <stdexcept>

#include <openssl/evp.h>

namespace yiwang::crypto {

namespace {
const EVP_CIPHER* cipher(const char* name) {
  const EVP_CIPHER* c = EVP_get_cipherbyname(name);
  if (!c) throw std::runtime_error(std::string("OpenSSL has no ") + name);
  return c;
}
EVP_CIPHER_CTX* ctx_of(void* p) { return static_cast<EVP_CIPHER_CTX*>(p); }
const unsigned char* u8(std::string_view s) {
  return reinterpret_cast<const unsigned char*>(s.data());
}
}  // namespace

Result<Sm4Block> Sm4Block::create(std::string_view key, bool encrypt) {
  if (key.size() != kSm4KeySize)
    return fail("crypto.sm4.key_size", "key", {{"size", std::to_string(key.size())}});
  static const EVP_CIPHER* ecb = cipher("SM4-ECB");
  EVP_CIPHER_CTX* ctx = EVP_CIPHER_CTX_new();
  if (!ctx || EVP_CipherInit_ex(ctx, ecb, nullptr, u8(key), nullptr, encrypt ? 1 : 0) != 1) {
    EVP_CIPHER_CTX_free(ctx);
    throw std::runtime_error("SM4 init failed");
  }
  EVP_CIPHER_CTX_set_padding(ctx, 0);
  return Sm4Block(ctx);
}

Sm4Block::Sm4Block(Sm4Block&& o) noexcept : ctx_(o.ctx_) { o.ctx_ = nullptr; }
Sm4Block::~Sm4Block() { EVP_CIPHER_CTX_free(ctx_of(ctx_)); }

Result<std::string> Sm4Block::apply(std::string_view blocks) {
  if (blocks.empty() || blocks.size() % kSm4BlockSize)
    return fail("crypto.sm4.block_size", "data", {{"size", std::to_string(blocks.size())}});
  std::string out(blocks.size(), '\0');
  int n = 0;
  if (EVP_CipherUpdate(ctx_of(ctx_), reinterpret_cast<unsigned char*>(out.data()), &n, u8(blocks),
                       static_cast<int>(blocks.size())) != 1 ||
      static_cast<std::size_t>(n) != blocks.size())
    throw std::runtime_error("SM4 failed");
  return out;
}

Result<std::string> Sm4Block::repeat(std::string_view block, long long times) {
  if (block.size() != kSm4BlockSize)
    return fail("crypto.sm4.block_size", "data", {{"size", std::to_string(block.size())}});
  std::string a(block), b(kSm4BlockSize, '\0');
  for (long long i = 0; i < times; ++i) {
    int n = 0;
    if (EVP_CipherUpdate(ctx_of(ctx_), reinterpret_cast<unsigned char*>(b.data()), &n, u8(a),
                         static_cast<int>(kSm4BlockSize)) != 1)
      throw std::runtime_error("SM4 failed");
    a.swap(b);
  }
  return a;
}

std::string sm4_ctr(std::string_view key, std::string_view iv, std::string_view data) {
  if (key.size() != kSm4KeySize || iv.size() != kSm4BlockSize)
    throw std::invalid_argument("SM4-CTR needs a 16-byte key and a 16-byte IV");
  static const EVP_CIPHER* ctr = cipher("SM4-CTR");
  EVP_CIPHER_CTX* ctx = EVP_CIPHER_CTX_new();
  std::string out(data.size(), '\0');
  int n = 0, m = 0;
  bool ok = ctx && EVP_EncryptInit_ex(ctx, ctr, nullptr, u8(key), u8(iv)) == 1 &&
            EVP_EncryptUpdate(ctx, reinterpret_cast<unsigned char*>(out.data()), &n, u8(data),
                              static_cast<int>(data.size())) == 1 &&
            EVP_EncryptFinal_ex(ctx, reinterpret_cast<unsigned char*>(out.data()) + n, &m) == 1;
  EVP_CIPHER_CTX_free(ctx);
  if (!ok || static_cast<std::size_t>(n + m) != data.size())
    throw std::runtime_error("SM4-CTR failed");
  return out;
}

}  // namespace yiwang::crypto
