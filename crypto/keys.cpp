#include "crypto/keys.hpp"

#include <stdexcept>

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/obj_mac.h>
#include <openssl/param_build.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

namespace yiwang::crypto {

namespace {

using Key = std::shared_ptr<EVP_PKEY>;

Key own(EVP_PKEY* k) { return Key(k, EVP_PKEY_free); }

const unsigned char* u8(std::string_view s) {
  return reinterpret_cast<const unsigned char*>(s.data());
}

// OpenSSL leaves failures on a per-thread queue; a refused signature or key
// is an answer here, not an error to report later.
struct ClearErrors {
  ~ClearErrors() { ERR_clear_error(); }
};

std::optional<KeyAlgorithm> algorithm_of(EVP_PKEY* k) {
  if (EVP_PKEY_is_a(k, "SM2")) return KeyAlgorithm::sm2;
  if (EVP_PKEY_is_a(k, "ED25519")) return KeyAlgorithm::ed25519;
  return std::nullopt;
}

// Reads a key with `read` and checks that it is SM2 or Ed25519.
template <class Read>
Result<std::pair<Key, KeyAlgorithm>> read_key(Read read) {
  ClearErrors clear;
  EVP_PKEY* k = read();
  if (!k) return fail("crypto.key.unreadable");
  Key key = own(k);
  auto a = algorithm_of(k);
  if (!a) return fail("crypto.key.algorithm");
  return std::pair{key, *a};
}

EVP_PKEY* read_pem(std::string_view pem, bool private_part) {
  BIO* bio = BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size()));
  EVP_PKEY* k = private_part ? PEM_read_bio_PrivateKey(bio, nullptr, nullptr, nullptr)
                             : PEM_read_bio_PUBKEY(bio, nullptr, nullptr, nullptr);
  BIO_free(bio);
  return k;
}

const EVP_MD* sm3_md() {
  static const EVP_MD* md = EVP_get_digestbyname("SM3");
  if (!md) throw std::runtime_error("OpenSSL has no SM3");
  return md;
}

// A digest context, and the key context set on it (which the caller owns:
// EVP_MD_CTX_set_pkey_ctx does not hand it over).
struct MdCtx {
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  EVP_PKEY_CTX* pctx = nullptr;
  ~MdCtx() {
    EVP_MD_CTX_free(ctx);
    EVP_PKEY_CTX_free(pctx);
  }
};

struct PkeyCtx {
  EVP_PKEY_CTX* ctx;
  explicit PkeyCtx(EVP_PKEY* k) : ctx(EVP_PKEY_CTX_new_from_pkey(nullptr, k, nullptr)) {
    if (!ctx) throw std::runtime_error("EVP_PKEY_CTX_new failed");
  }
  ~PkeyCtx() { EVP_PKEY_CTX_free(ctx); }
};

// Prepares a digest-sign or digest-verify context with the SM2 ID set on it.
template <class Init>
bool init_with_id(MdCtx& m, EVP_PKEY* key, KeyAlgorithm a, std::string_view id, Init init) {
  if (a == KeyAlgorithm::ed25519) return init(m.ctx, nullptr, nullptr, key) == 1;
  m.pctx = EVP_PKEY_CTX_new_from_pkey(nullptr, key, nullptr);
  if (!m.pctx || EVP_PKEY_CTX_set1_id(m.pctx, id.data(), static_cast<int>(id.size())) != 1)
    return false;
  EVP_MD_CTX_set_pkey_ctx(m.ctx, m.pctx);
  return init(m.ctx, nullptr, sm3_md(), key) == 1;
}

std::string der_of(EVP_PKEY* key, bool private_part) {
  unsigned char* buf = nullptr;
  int n = private_part ? i2d_PrivateKey(key, &buf) : i2d_PUBKEY(key, &buf);
  if (n <= 0) throw std::runtime_error("key encoding failed");
  std::string out(reinterpret_cast<char*>(buf), static_cast<std::size_t>(n));
  OPENSSL_clear_free(buf, static_cast<std::size_t>(n));
  return out;
}

template <class Write>
std::string pem_of(Write write) {
  BIO* bio = BIO_new(BIO_s_secmem());
  if (!bio || write(bio) != 1) {
    BIO_free(bio);
    throw std::runtime_error("PEM encoding failed");
  }
  char* data = nullptr;
  long n = BIO_get_mem_data(bio, &data);
  std::string out(data, static_cast<std::size_t>(n));
  BIO_free(bio);
  return out;
}

// The SM2 curve's a, b and generator (GB/T 32918.5), for Z.
constexpr std::string_view kSm2A =
    "FFFFFFFEFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF00000000FFFFFFFFFFFFFFFC";
constexpr std::string_view kSm2B =
    "28E9FA9E9D9F5E344D5A9E4BCF6509A7F39789F515AB8F92DDBCBD414D940E93";
constexpr std::string_view kSm2Gx =
    "32C4AE2C1F1981195F9904466A39C9948FE30BBFF2660BE1715A4589334C74C7";
constexpr std::string_view kSm2Gy =
    "BC3736A2F4F6779C59BDCEE36B692153D0A9877CC62A474002DF32E52139F0A0";

std::string sm2_point(EVP_PKEY* key) {
  std::string out(65, '\0');
  std::size_t n = 0;
  if (EVP_PKEY_get_octet_string_param(key, OSSL_PKEY_PARAM_PUB_KEY,
                                      reinterpret_cast<unsigned char*>(out.data()), out.size(),
                                      &n) != 1 ||
      n != 65)
    throw std::runtime_error("SM2 public key export failed");
  return out;
}

Result<Key> sm2_from_params(const std::string& point, const BIGNUM* priv) {
  ClearErrors clear;
  OSSL_PARAM_BLD* bld = OSSL_PARAM_BLD_new();
  OSSL_PARAM_BLD_push_utf8_string(bld, OSSL_PKEY_PARAM_GROUP_NAME, "SM2", 0);
  OSSL_PARAM_BLD_push_octet_string(bld, OSSL_PKEY_PARAM_PUB_KEY, point.data(), point.size());
  if (priv) OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_PRIV_KEY, priv);
  OSSL_PARAM* params = OSSL_PARAM_BLD_to_param(bld);
  OSSL_PARAM_BLD_free(bld);
  EVP_PKEY_CTX* ctx = EVP_PKEY_CTX_new_from_name(nullptr, "SM2", nullptr);
  EVP_PKEY* key = nullptr;
  bool ok =
      params && ctx && EVP_PKEY_fromdata_init(ctx) == 1 &&
      EVP_PKEY_fromdata(ctx, &key, priv ? EVP_PKEY_KEYPAIR : EVP_PKEY_PUBLIC_KEY, params) == 1;
  OSSL_PARAM_free(params);
  EVP_PKEY_CTX_free(ctx);
  if (!ok) return fail("crypto.key.bad_point");
  Key k = own(key);
  PkeyCtx check(key);
  if (EVP_PKEY_public_check(check.ctx) != 1) return fail("crypto.key.bad_point");
  return k;
}

}  // namespace

std::string_view key_algorithm_name(KeyAlgorithm a) {
  return a == KeyAlgorithm::sm2 ? "sm2" : "ed25519";
}

std::optional<KeyAlgorithm> parse_key_algorithm(std::string_view name) {
  if (name == "sm2") return KeyAlgorithm::sm2;
  if (name == "ed25519") return KeyAlgorithm::ed25519;
  return std::nullopt;
}

// ---- PublicKey ------------------------------------------------------------

Result<PublicKey> PublicKey::from_sm2_point(std::string_view point) {
  if (point.size() != 65 || point[0] != 0x04) return fail("crypto.key.bad_point");
  auto k = sm2_from_params(std::string(point), nullptr);
  if (!k) return std::unexpected(k.error());
  return PublicKey(*k, KeyAlgorithm::sm2);
}

Result<PublicKey> PublicKey::from_ed25519(std::string_view raw) {
  ClearErrors clear;
  if (raw.size() != 32) return fail("crypto.key.bad_point");
  EVP_PKEY* k = EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, nullptr, u8(raw), raw.size());
  if (!k) return fail("crypto.key.bad_point");
  return PublicKey(own(k), KeyAlgorithm::ed25519);
}

Result<PublicKey> PublicKey::adopt(EVP_PKEY* key) {
  auto k = read_key([&] { return key && EVP_PKEY_up_ref(key) == 1 ? key : nullptr; });
  if (!k) return std::unexpected(k.error());
  return PublicKey(k->first, k->second);
}

Result<PublicKey> PublicKey::from_der(std::string_view der) {
  auto k = read_key([&] {
    const unsigned char* p = u8(der);
    return d2i_PUBKEY(nullptr, &p, static_cast<long>(der.size()));
  });
  if (!k) return std::unexpected(k.error());
  return PublicKey(k->first, k->second);
}

Result<PublicKey> PublicKey::from_pem(std::string_view pem) {
  auto k = read_key([&] { return read_pem(pem, false); });
  if (!k) return std::unexpected(k.error());
  return PublicKey(k->first, k->second);
}

std::string PublicKey::raw() const {
  if (algorithm_ == KeyAlgorithm::sm2) return sm2_point(key_.get());
  std::string out(32, '\0');
  std::size_t n = out.size();
  if (EVP_PKEY_get_raw_public_key(key_.get(), reinterpret_cast<unsigned char*>(out.data()), &n) !=
      1)
    throw std::runtime_error("Ed25519 export failed");
  return out;
}

std::string PublicKey::der() const { return der_of(key_.get(), false); }

std::string PublicKey::pem() const {
  return pem_of([&](BIO* b) { return PEM_write_bio_PUBKEY(b, key_.get()); });
}

bool PublicKey::verify(std::string_view message, std::string_view signature,
                       std::string_view id) const {
  ClearErrors clear;
  std::string sig(signature);
  if (algorithm_ == KeyAlgorithm::sm2) {
    auto der = sm2_signature_der(signature);
    if (!der) return false;
    sig = *der;
  } else if (signature.size() != 64) {
    return false;
  }
  MdCtx m;
  if (!init_with_id(m, key_.get(), algorithm_, id,
                    [](EVP_MD_CTX* c, EVP_PKEY_CTX** p, const EVP_MD* md, EVP_PKEY* k) {
                      return EVP_DigestVerifyInit(c, p, md, nullptr, k);
                    }))
    return false;
  return EVP_DigestVerify(m.ctx, u8(sig), sig.size(), u8(message), message.size()) == 1;
}

bool PublicKey::verify_digest(std::string_view e, std::string_view signature) const {
  ClearErrors clear;
  if (algorithm_ != KeyAlgorithm::sm2 || e.size() != 32) return false;
  auto der = sm2_signature_der(signature);
  if (!der) return false;
  PkeyCtx c(key_.get());
  return EVP_PKEY_verify_init(c.ctx) == 1 &&
         EVP_PKEY_verify(c.ctx, u8(*der), der->size(), u8(e), e.size()) == 1;
}

Sm3Digest PublicKey::sm2_digest(std::string_view message, std::string_view id) const {
  if (algorithm_ != KeyAlgorithm::sm2) throw std::logic_error("sm2_digest of a non-SM2 key");
  // Z = SM3(ENTL ‖ ID ‖ a ‖ b ‖ xG ‖ yG ‖ xA ‖ yA), ENTL the ID's length in bits.
  std::size_t bits = id.size() * 8;
  std::string z_input;
  z_input += static_cast<char>((bits >> 8) & 0xff);
  z_input += static_cast<char>(bits & 0xff);
  z_input.append(id);
  for (auto c : {kSm2A, kSm2B, kSm2Gx, kSm2Gy}) z_input += *unhex(c);
  z_input += sm2_point(key_.get()).substr(1);
  Sm3Digest z = sm3(z_input);
  Sm3 e;
  e.update(bytes_of(z));
  e.update(message);
  return e.finish();
}

Result<std::string> PublicKey::encrypt(std::string_view plaintext) const {
  ClearErrors clear;
  if (algorithm_ != KeyAlgorithm::sm2) return fail("crypto.key.not_sm2");
  PkeyCtx c(key_.get());
  std::size_t n = 0;
  if (EVP_PKEY_encrypt_init(c.ctx) != 1 ||
      EVP_PKEY_encrypt(c.ctx, nullptr, &n, u8(plaintext), plaintext.size()) != 1)
    throw std::runtime_error("SM2 encryption failed");
  std::string out(n, '\0');
  if (EVP_PKEY_encrypt(c.ctx, reinterpret_cast<unsigned char*>(out.data()), &n, u8(plaintext),
                       plaintext.size()) != 1)
    throw std::runtime_error("SM2 encryption failed");
  out.resize(n);
  return out;
}

// ---- PrivateKey -----------------------------------------------------------

PrivateKey PrivateKey::generate(KeyAlgorithm algorithm) {
  EVP_PKEY* k =
      EVP_PKEY_Q_keygen(nullptr, nullptr, algorithm == KeyAlgorithm::sm2 ? "SM2" : "ED25519");
  if (!k) throw std::runtime_error("key generation failed");
  return PrivateKey(own(k), algorithm);
}

Result<PrivateKey> PrivateKey::from_der(std::string_view der) {
  auto k = read_key([&] {
    const unsigned char* p = u8(der);
    return d2i_AutoPrivateKey(nullptr, &p, static_cast<long>(der.size()));
  });
  if (!k) return std::unexpected(k.error());
  return PrivateKey(k->first, k->second);
}

Result<PrivateKey> PrivateKey::from_pem(std::string_view pem) {
  auto k = read_key([&] { return read_pem(pem, true); });
  if (!k) return std::unexpected(k.error());
  return PrivateKey(k->first, k->second);
}

Result<PrivateKey> PrivateKey::from_sm2_scalar(std::string_view d) {
  ClearErrors clear;
  if (d.size() != 32) return fail("crypto.key.bad_scalar");
  BIGNUM* priv = BN_secure_new();
  BN_bin2bn(u8(d), 32, priv);
  EC_GROUP* group = EC_GROUP_new_by_curve_name(NID_sm2);
  EC_POINT* pub = group ? EC_POINT_new(group) : nullptr;
  BIGNUM* limit = BN_dup(group ? EC_GROUP_get0_order(group) : nullptr);
  std::string point(65, '\0');
  bool ok = pub && limit && BN_sub_word(limit, 1) == 1 && !BN_is_zero(priv) &&
            BN_cmp(priv, limit) < 0 &&  // d ≤ n − 2
            EC_POINT_mul(group, pub, priv, nullptr, nullptr, nullptr) == 1 &&
            EC_POINT_point2oct(group, pub, POINT_CONVERSION_UNCOMPRESSED,
                               reinterpret_cast<unsigned char*>(point.data()), point.size(),
                               nullptr) == 65;
  Result<Key> key = ok ? sm2_from_params(point, priv) : fail("crypto.key.bad_scalar");
  BN_free(limit);
  EC_POINT_free(pub);
  EC_GROUP_free(group);
  BN_clear_free(priv);
  if (!key) return fail("crypto.key.bad_scalar");
  return PrivateKey(*key, KeyAlgorithm::sm2);
}

Result<PrivateKey> PrivateKey::from_ed25519_seed(std::string_view seed) {
  ClearErrors clear;
  if (seed.size() != 32) return fail("crypto.key.bad_scalar");
  EVP_PKEY* k = EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, nullptr, u8(seed), seed.size());
  if (!k) return fail("crypto.key.bad_scalar");
  return PrivateKey(own(k), KeyAlgorithm::ed25519);
}

PublicKey PrivateKey::public_key() const {
  // The public half alone, so a PublicKey never carries the secret.
  auto pub = PublicKey::from_der(der_of(key_.get(), false));
  if (!pub) throw std::runtime_error("public key extraction failed");
  return *pub;
}

std::string PrivateKey::sign(std::string_view message, std::string_view id) const {
  MdCtx m;
  if (!init_with_id(m, key_.get(), algorithm_, id,
                    [](EVP_MD_CTX* c, EVP_PKEY_CTX** p, const EVP_MD* md, EVP_PKEY* k) {
                      return EVP_DigestSignInit(c, p, md, nullptr, k);
                    }))
    throw std::runtime_error("signing init failed");
  std::size_t n = 0;
  if (EVP_DigestSign(m.ctx, nullptr, &n, u8(message), message.size()) != 1)
    throw std::runtime_error("signing failed");
  std::string out(n, '\0');
  if (EVP_DigestSign(m.ctx, reinterpret_cast<unsigned char*>(out.data()), &n, u8(message),
                     message.size()) != 1)
    throw std::runtime_error("signing failed");
  out.resize(n);
  return out;
}

std::string PrivateKey::sign_digest(std::string_view e) const {
  if (algorithm_ != KeyAlgorithm::sm2 || e.size() != 32)
    throw std::invalid_argument("sign_digest needs an SM2 key and a 32-byte digest");
  PkeyCtx c(key_.get());
  std::size_t n = 0;
  if (EVP_PKEY_sign_init(c.ctx) != 1 || EVP_PKEY_sign(c.ctx, nullptr, &n, u8(e), e.size()) != 1)
    throw std::runtime_error("signing failed");
  std::string out(n, '\0');
  if (EVP_PKEY_sign(c.ctx, reinterpret_cast<unsigned char*>(out.data()), &n, u8(e), e.size()) != 1)
    throw std::runtime_error("signing failed");
  out.resize(n);
  return out;
}

Result<std::string> PrivateKey::decrypt(std::string_view ciphertext) const {
  ClearErrors clear;
  if (algorithm_ != KeyAlgorithm::sm2) return fail("crypto.key.not_sm2");
  PkeyCtx c(key_.get());
  std::size_t n = 0;
  if (EVP_PKEY_decrypt_init(c.ctx) != 1 ||
      EVP_PKEY_decrypt(c.ctx, nullptr, &n, u8(ciphertext), ciphertext.size()) != 1)
    return fail("crypto.key.decrypt");
  std::string out(n, '\0');
  if (EVP_PKEY_decrypt(c.ctx, reinterpret_cast<unsigned char*>(out.data()), &n, u8(ciphertext),
                       ciphertext.size()) != 1)
    return fail("crypto.key.decrypt");
  out.resize(n);
  return out;
}

Secret PrivateKey::der() const { return Secret(der_of(key_.get(), true)); }

Secret PrivateKey::pem() const {
  return Secret(pem_of([&](BIO* b) {
    return PEM_write_bio_PrivateKey(b, key_.get(), nullptr, nullptr, 0, nullptr, nullptr);
  }));
}

Secret PrivateKey::raw() const {
  std::string out(32, '\0');
  if (algorithm_ == KeyAlgorithm::ed25519) {
    std::size_t n = out.size();
    if (EVP_PKEY_get_raw_private_key(key_.get(), reinterpret_cast<unsigned char*>(out.data()),
                                     &n) != 1)
      throw std::runtime_error("Ed25519 export failed");
    return Secret(std::move(out));
  }
  BIGNUM* d = nullptr;
  if (EVP_PKEY_get_bn_param(key_.get(), OSSL_PKEY_PARAM_PRIV_KEY, &d) != 1 ||
      BN_bn2binpad(d, reinterpret_cast<unsigned char*>(out.data()), 32) != 32) {
    BN_clear_free(d);
    throw std::runtime_error("SM2 export failed");
  }
  BN_clear_free(d);
  return Secret(std::move(out));
}

// ---- signature forms ------------------------------------------------------

std::optional<std::string> sm2_signature_der(std::string_view signature) {
  ClearErrors clear;
  const unsigned char* p = u8(signature);
  if (ECDSA_SIG* sig = d2i_ECDSA_SIG(nullptr, &p, static_cast<long>(signature.size()))) {
    bool whole = p == u8(signature) + signature.size();
    ECDSA_SIG_free(sig);
    if (whole) return std::string(signature);
  }
  if (signature.size() != 64) return std::nullopt;
  ECDSA_SIG* sig = ECDSA_SIG_new();
  ECDSA_SIG_set0(sig, BN_bin2bn(u8(signature), 32, nullptr),
                 BN_bin2bn(u8(signature) + 32, 32, nullptr));
  unsigned char* buf = nullptr;
  int n = i2d_ECDSA_SIG(sig, &buf);
  ECDSA_SIG_free(sig);
  if (n <= 0) return std::nullopt;
  std::string out(reinterpret_cast<char*>(buf), static_cast<std::size_t>(n));
  OPENSSL_free(buf);
  return out;
}

std::optional<std::string> sm2_signature_raw(std::string_view signature) {
  ClearErrors clear;
  auto der = sm2_signature_der(signature);
  if (!der) return std::nullopt;
  const unsigned char* p = u8(*der);
  ECDSA_SIG* sig = d2i_ECDSA_SIG(nullptr, &p, static_cast<long>(der->size()));
  if (!sig) return std::nullopt;
  std::string out(64, '\0');
  bool ok =
      BN_bn2binpad(ECDSA_SIG_get0_r(sig), reinterpret_cast<unsigned char*>(out.data()), 32) == 32 &&
      BN_bn2binpad(ECDSA_SIG_get0_s(sig), reinterpret_cast<unsigned char*>(out.data()) + 32, 32) ==
          32;
  ECDSA_SIG_free(sig);
  if (!ok) return std::nullopt;
  return out;
}

}  // namespace yiwang::crypto
