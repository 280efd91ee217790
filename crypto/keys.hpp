// Asymmetric keys through OpenSSL 3: SM2 (GB/T 32918) signatures and public-key
// encryption, and Ed25519 signatures for deployments outside China.
//
// SM2 signatures hash SM3(Z ‖ M), where Z binds the signer's identity (ID)
// and public key. The ID defaults to the GB/T 32918 value
// "1234567812345678", set explicitly on every operation: OpenSSL 3.0's own
// default is the empty ID, which no other implementation uses. Signatures
// come out DER-encoded (SEQUENCE { r, s }, as X.509 and OpenSSL use them);
// verification also accepts the raw 64-byte r ‖ s form.
//
// Keys are immutable and may be shared between threads.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include <openssl/types.h>

#include "core/error.hpp"
#include "crypto/bytes.hpp"
#include "crypto/sm3.hpp"

namespace yiwang::crypto {

enum class KeyAlgorithm { sm2, ed25519 };
std::string_view key_algorithm_name(KeyAlgorithm a);
std::optional<KeyAlgorithm> parse_key_algorithm(std::string_view name);

inline constexpr std::string_view kSm2DefaultId = "1234567812345678";

class PublicKey {
 public:
  // An SM2 public key from its uncompressed point 04 ‖ x ‖ y (65 bytes);
  // "crypto.key.bad_point" unless it is a point of the curve.
  static Result<PublicKey> from_sm2_point(std::string_view point);
  // An Ed25519 public key from its 32 bytes.
  static Result<PublicKey> from_ed25519(std::string_view raw);
  // From a DER SubjectPublicKeyInfo or its PEM; "crypto.key.unreadable", or
  // "crypto.key.algorithm" for a key that is neither SM2 nor Ed25519.
  static Result<PublicKey> from_der(std::string_view der);
  static Result<PublicKey> from_pem(std::string_view pem);
  // Takes a reference to an OpenSSL key (a certificate's, for instance).
  static Result<PublicKey> adopt(EVP_PKEY* key);

  KeyAlgorithm algorithm() const { return algorithm_; }
  // SM2: the 65-byte point 04 ‖ x ‖ y. Ed25519: the 32 bytes.
  std::string raw() const;
  std::string der() const;
  std::string pem() const;

  // Whether `signature` signs `message` under this key (and, for SM2, the ID).
  bool verify(std::string_view message, std::string_view signature,
              std::string_view id = kSm2DefaultId) const;
  // SM2 only: whether `signature` signs the precomputed e = SM3(Z ‖ M).
  bool verify_digest(std::string_view e, std::string_view signature) const;
  // SM2 only: e = SM3(Z ‖ M) for this key and ID.
  Sm3Digest sm2_digest(std::string_view message, std::string_view id = kSm2DefaultId) const;
  // SM2 public-key encryption (C1 ‖ C3 ‖ C2 in the ASN.1 form of GB/T 35276);
  // "crypto.key.not_sm2" for an Ed25519 key.
  Result<std::string> encrypt(std::string_view plaintext) const;

  EVP_PKEY* handle() const { return key_.get(); }

 private:
  PublicKey(std::shared_ptr<EVP_PKEY> key, KeyAlgorithm a) : key_(std::move(key)), algorithm_(a) {}
  std::shared_ptr<EVP_PKEY> key_;
  KeyAlgorithm algorithm_ = KeyAlgorithm::sm2;
};

class PrivateKey {
 public:
  static PrivateKey generate(KeyAlgorithm algorithm);
  // From PKCS#8 DER or PEM (unencrypted: the keyring wraps keys itself).
  static Result<PrivateKey> from_der(std::string_view der);
  static Result<PrivateKey> from_pem(std::string_view pem);
  // An SM2 key from its 32-byte private scalar d (1 ≤ d ≤ n − 2).
  static Result<PrivateKey> from_sm2_scalar(std::string_view d);
  // An Ed25519 key from its 32-byte seed.
  static Result<PrivateKey> from_ed25519_seed(std::string_view seed);

  KeyAlgorithm algorithm() const { return algorithm_; }
  PublicKey public_key() const;

  // SM2: DER signature of SM3(Z ‖ message) with the ID. Ed25519: 64 bytes.
  std::string sign(std::string_view message, std::string_view id = kSm2DefaultId) const;
  // SM2 only: DER signature of a precomputed e (32 bytes).
  std::string sign_digest(std::string_view e) const;
  // SM2 decryption; "crypto.key.decrypt" when the ciphertext is not for
  // this key or was changed.
  Result<std::string> decrypt(std::string_view ciphertext) const;

  // The secret forms, for the keyring to wrap. Never store them in clear.
  Secret der() const;
  Secret pem() const;
  // SM2: d as 32 bytes. Ed25519: the 32-byte seed.
  Secret raw() const;

  EVP_PKEY* handle() const { return key_.get(); }

 private:
  PrivateKey(std::shared_ptr<EVP_PKEY> key, KeyAlgorithm a) : key_(std::move(key)), algorithm_(a) {}
  std::shared_ptr<EVP_PKEY> key_;
  KeyAlgorithm algorithm_ = KeyAlgorithm::sm2;
};

// An SM2 signature as DER, from DER or from raw r ‖ s (64 bytes); nullopt
// when it is neither.
std::optional<std::string> sm2_signature_der(std::string_view signature);
// An SM2 signature as raw r ‖ s (64 bytes), from DER or raw.
std::optional<std::string> sm2_signature_raw(std::string_view signature);

}  // namespace yiwang::crypto
