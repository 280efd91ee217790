#include "crypto/sm3.hpp"

#include <stdexcept>

#include <openssl/evp.h>

namespace yiwang::crypto {

namespace {
const EVP_MD* sm3_md() {
  static const EVP_MD* md = EVP_get_digestbyname("SM3");
  if (!md) throw std::runtime_error("OpenSSL has no SM3 digest");
  return md;
}
}  // namespace

Sm3::Sm3() : ctx_(EVP_MD_CTX_new()) {
  if (!ctx_ || EVP_DigestInit_ex(static_cast<EVP_MD_CTX*>(ctx_), sm3_md(), nullptr) != 1)
    throw std::runtime_error("SM3 init failed");
}

Sm3::~Sm3() { EVP_MD_CTX_free(static_cast<EVP_MD_CTX*>(ctx_)); }

void Sm3::update(std::string_view data) {
  if (EVP_DigestUpdate(static_cast<EVP_MD_CTX*>(ctx_), data.data(), data.size()) != 1)
    throw std::runtime_error("SM3 update failed");
}

Sm3Digest Sm3::finish() {
  Sm3Digest out{};
  unsigned int len = 0;
  if (EVP_DigestFinal_ex(static_cast<EVP_MD_CTX*>(ctx_), out.data(), &len) != 1 || len != 32)
    throw std::runtime_error("SM3 final failed");
  return out;
}

Sm3Digest sm3(std::string_view data) {
  Sm3 h;
  h.update(data);
  return h.finish();
}

std::string to_hex(const Sm3Digest& digest) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(64);
  for (auto b : digest) {
    out += kHex[b >> 4];
    out += kHex[b & 0xf];
  }
  return out;
}

}  // namespace yiwang::crypto
