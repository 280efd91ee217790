#include "crypto/sm3.hpp"

#include <stdexcept>

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/kdf.h>

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

namespace {
// An HMAC context with SM3 already chosen, made once: the one-shot HMAC()
// looked up HMAC and SM3 by name on every call, which was half its cost.
// Each call duplicates it and sets the key; the prototype is only read.
const EVP_MAC_CTX* hmac_sm3_prototype() {
  static EVP_MAC_CTX* proto = [] {
    EVP_MAC* mac = EVP_MAC_fetch(nullptr, "HMAC", nullptr);
    EVP_MAC_CTX* ctx = mac ? EVP_MAC_CTX_new(mac) : nullptr;
    EVP_MAC_free(mac);  // the context keeps its own reference
    char digest[] = "SM3";
    OSSL_PARAM params[] = {OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digest, 0),
                           OSSL_PARAM_construct_end()};
    if (!ctx || EVP_MAC_CTX_set_params(ctx, params) != 1)
      throw std::runtime_error("OpenSSL has no HMAC-SM3");
    return ctx;
  }();
  return proto;
}
}  // namespace

Sm3Digest hmac_sm3(std::string_view key, std::string_view data) {
  Sm3Digest out{};
  std::size_t len = 0;
  EVP_MAC_CTX* ctx = EVP_MAC_CTX_dup(hmac_sm3_prototype());
  // An empty key is allowed (RFC 2104 pads it); OpenSSL wants a non-null pointer.
  static const unsigned char kNoKey = 0;
  const unsigned char* k =
      key.empty() ? &kNoKey : reinterpret_cast<const unsigned char*>(key.data());
  bool ok =
      ctx && EVP_MAC_init(ctx, k, key.size(), nullptr) == 1 &&
      EVP_MAC_update(ctx, reinterpret_cast<const unsigned char*>(data.data()), data.size()) == 1 &&
      EVP_MAC_final(ctx, out.data(), &len, out.size()) == 1 && len == out.size();
  EVP_MAC_CTX_free(ctx);
  if (!ok) throw std::runtime_error("HMAC-SM3 failed");
  return out;
}

std::string hkdf_sm3(std::string_view secret, std::string_view salt, std::string_view info,
                     std::size_t length) {
  static EVP_KDF* kdf = EVP_KDF_fetch(nullptr, "HKDF", nullptr);
  if (!kdf) throw std::runtime_error("OpenSSL has no HKDF");
  EVP_KDF_CTX* ctx = EVP_KDF_CTX_new(kdf);
  if (!ctx) throw std::runtime_error("HKDF context failed");
  char digest[] = "SM3";
  OSSL_PARAM params[] = {OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_DIGEST, digest, 0),
                         OSSL_PARAM_construct_octet_string(
                             OSSL_KDF_PARAM_KEY, const_cast<char*>(secret.data()), secret.size()),
                         OSSL_PARAM_construct_octet_string(
                             OSSL_KDF_PARAM_SALT, const_cast<char*>(salt.data()), salt.size()),
                         OSSL_PARAM_construct_octet_string(
                             OSSL_KDF_PARAM_INFO, const_cast<char*>(info.data()), info.size()),
                         OSSL_PARAM_construct_end()};
  std::string out(length, '\0');
  int ok = EVP_KDF_derive(ctx, reinterpret_cast<unsigned char*>(out.data()), length, params);
  EVP_KDF_CTX_free(ctx);
  if (ok != 1) throw std::runtime_error("HKDF-SM3 failed");
  return out;
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
