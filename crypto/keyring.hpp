// The platform's keys, kept in the database encrypted under a key-encryption
// key (KEK) that is derived from the master secret given at `yiwang init`:
//
//   KEK = HKDF-SM3(master secret, salt, "yiwang key-encryption key")
//
// The salt and a check value (HMAC-SM3 under the KEK, so a wrong master
// secret is recognised before anything is decrypted with it) are stored in
// crypto_master; the master secret and the KEK are never stored. Keys in
// crypto_keys are sealed under the KEK (crypto/sealed.hpp) with their id and
// purpose as context, so a row moved to another id does not open.
//
// Purposes:
//   field  data keys for sensitive fields (SM4-CTR + HMAC-SM3). One is active;
//          rotate() adds a new active one, and the older ones stay to open
//          what they sealed (each sealed value names its key id).
//   blind  the HMAC-SM3 key of blind indexes: exact lookups of encrypted
//          fields without decrypting them. One for the life of the data.
// Other modules keep their own secrets (the CA's private keys) with wrap()
// and unwrap().
//
// Thread-safe. Keys added by another node (a rotation elsewhere) are loaded
// when a value names a key this process has not seen.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <vector>

#include <soci/soci.h>

#include "core/error.hpp"
#include "crypto/bytes.hpp"
#include "crypto/sealed.hpp"
#include "db/database.hpp"
#include "db/migration.hpp"

namespace yiwang::crypto {

// The shortest master secret accepted, in bytes.
inline constexpr std::size_t kMasterSecretMinimum = 32;

class Keyring {
 public:
  // Holds the master secret; does not touch the database until load().
  Keyring(db::Database& db, Secret master) : db_(db), master_(std::move(master)) {}

  static std::vector<db::Migration> migrations();

  // Derives the KEK and loads the keys, creating the salt, the check value
  // and the first keys on a database that has none. "crypto.master.wrong"
  // when the master secret is not the one the database was set up with.
  Result<void> load();
  bool loaded() const;

  // Encrypts a field value for storage as text (base64 of the sealed bytes);
  // the empty value stays empty. The context names the column, e.g.
  // "identity_accounts.phone".
  std::string encrypt(std::string_view plaintext, std::string_view context) const;
  // Opens a value encrypt() made; "crypto.sealed.*" or "crypto.key.unknown"
  // when it does not open.
  Result<std::string> decrypt(std::string_view stored, std::string_view context) const;
  // The blind index of a value: hex HMAC-SM3 under the blind key, over the
  // context and the value. Equal values in one context give equal indexes.
  std::string blind_index(std::string_view value, std::string_view context) const;

  // Seals a secret under the KEK for a module to store (base64 text), and
  // opens it again.
  std::string wrap(std::string_view secret, std::string_view context) const;
  Result<Secret> unwrap(std::string_view wrapped, std::string_view context) const;

  // Makes a new field key the active one. `in_transaction` runs in the same
  // transaction (the caller's audit record). Returns the new key id.
  Result<std::uint32_t> rotate(const std::function<void(soci::session&)>& in_transaction);
  std::uint32_t active_key_id() const;

  struct KeyInfo {
    std::uint32_t id = 0;
    std::string purpose, status, created_at;
  };
  Result<std::vector<KeyInfo>> keys() const;

 private:
  static Result<std::vector<std::pair<KeyInfo, std::string>>> read_keys(db::Database& db);
  Result<void> reload() const;
  const DataKey& active() const;

  db::Database& db_;
  Secret master_;
  mutable std::shared_mutex mu_;
  mutable std::unique_ptr<DataKey> kek_;
  mutable std::map<std::uint32_t, DataKey> field_keys_;
  mutable std::uint32_t active_id_ = 0;
  mutable Secret blind_key_;
};

}  // namespace yiwang::crypto
