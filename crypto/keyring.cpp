#include "crypto/keyring.hpp"

#include <mutex>
#include <stdexcept>

#include "crypto/sm3.hpp"
#include "db/dialect.hpp"
#include "db/row_value.hpp"

namespace yiwang::crypto {

namespace {

constexpr std::string_view kKekLabel = "yiwang key-encryption key";
constexpr std::string_view kCheckLabel = "yiwang master key check";
constexpr std::size_t kMaterialSize = 32;

std::string key_context(std::uint32_t id, std::string_view purpose) {
  return "crypto_keys:" + std::to_string(id) + ":" + std::string(purpose);
}

void insert_key(soci::session& s, const DataKey& kek, std::uint32_t id, const std::string& purpose,
                std::string_view material) {
  std::string wrapped = base64(seal(kek, material, key_context(id, purpose)));
  long long key_id = id;
  std::string now = db::utc_now();
  s << "INSERT INTO crypto_keys (id, purpose, wrapped, status, created_at) VALUES (:i, :p, :w, "
       "'active', :t)",
      soci::use(key_id), soci::use(purpose), soci::use(wrapped), soci::use(now);
}

}  // namespace

// Every key row with its wrapped material.
Result<std::vector<std::pair<Keyring::KeyInfo, std::string>>> Keyring::read_keys(db::Database& db) {
  return db::guarded([&]() -> Result<std::vector<std::pair<KeyInfo, std::string>>> {
    auto s = db.acquire();
    std::vector<std::pair<KeyInfo, std::string>> out;
    soci::rowset<soci::row> rs = (s->prepare << "SELECT id, purpose, status, created_at, wrapped "
                                                "FROM crypto_keys ORDER BY id");
    for (const auto& r : rs)
      out.push_back({{static_cast<std::uint32_t>(db::row_int64(r, 0)), r.get<std::string>(1),
                      r.get<std::string>(2), r.get<std::string>(3)},
                     r.get<std::string>(4)});
    return out;
  });
}

std::vector<db::Migration> Keyring::migrations() {
  return {{"crypto", 1, "master key check and wrapped keys",
           R"(CREATE TABLE crypto_master (
  id INTEGER PRIMARY KEY,
  salt TEXT NOT NULL,
  check_value TEXT NOT NULL,
  created_at TEXT NOT NULL
);
CREATE TABLE crypto_keys (
  id BIGINT PRIMARY KEY,
  purpose TEXT NOT NULL,
  wrapped TEXT NOT NULL,
  status TEXT NOT NULL,
  created_at TEXT NOT NULL,
  retired_at TEXT
);
)"}};
}

Result<void> Keyring::load() {
  if (master_.size() < kMasterSecretMinimum)
    return fail("crypto.master.too_short", "", {{"min", std::to_string(kMasterSecretMinimum)}});
  auto kek = db::guarded([&]() -> Result<DataKey> {
    return db_.transaction([&](soci::session& s) -> Result<DataKey> {
      std::string salt_text, check;
      s << "SELECT salt, check_value FROM crypto_master WHERE id = 1", soci::into(salt_text),
          soci::into(check);
      if (!s.got_data()) {
        // A new database: the salt, the check value and the first keys.
        std::string salt = random_bytes(16);
        Secret material(hkdf_sm3(master_.view(), salt, kKekLabel, kMaterialSize));
        DataKey k = DataKey::derive(0, material.view());
        std::string check_hex = hex(bytes_of(hmac_sm3(material.view(), kCheckLabel)));
        std::string salt_b64 = base64(salt), now = db::utc_now();
        s << "INSERT INTO crypto_master (id, salt, check_value, created_at) VALUES (1, :s, :c, :t)",
            soci::use(salt_b64), soci::use(check_hex), soci::use(now);
        std::string field = random_bytes(kMaterialSize), blind = random_bytes(kMaterialSize);
        insert_key(s, k, 1, "field", field);
        insert_key(s, k, 2, "blind", blind);
        wipe(field);
        wipe(blind);
        return k;
      }
      auto salt = unbase64(salt_text);
      if (!salt) return fail("crypto.master.damaged");
      Secret material(hkdf_sm3(master_.view(), *salt, kKekLabel, kMaterialSize));
      if (!equal(hex(bytes_of(hmac_sm3(material.view(), kCheckLabel))), check))
        return fail("crypto.master.wrong");
      return DataKey::derive(0, material.view());
    });
  });
  if (!kek) return std::unexpected(kek.error());
  {
    std::unique_lock lock(mu_);
    kek_ = std::make_unique<DataKey>(std::move(*kek));
  }
  return reload();
}

bool Keyring::loaded() const {
  std::shared_lock lock(mu_);
  return kek_ != nullptr;
}

Result<void> Keyring::reload() const {
  auto rows = read_keys(db_);
  if (!rows) return std::unexpected(rows.error());
  std::unique_lock lock(mu_);
  if (!kek_) throw std::logic_error("Keyring::reload before load");
  for (const auto& [row, wrapped] : *rows) {
    auto sealed = unbase64(wrapped);
    auto material = sealed ? open_sealed(*kek_, *sealed, key_context(row.id, row.purpose))
                           : fail("crypto.sealed.malformed");
    if (!material) return fail("crypto.key.damaged", "", {{"id", std::to_string(row.id)}});
    if (row.purpose == "blind") {
      blind_key_ = Secret(*material);
    } else if (row.purpose == "field") {
      field_keys_.insert_or_assign(row.id, DataKey::derive(row.id, *material));
      if (row.status == "active") active_id_ = row.id;
    }
    wipe(*material);
  }
  if (!active_id_ || blind_key_.empty()) return fail("crypto.key.missing");
  return {};
}

const DataKey& Keyring::active() const {
  auto it = field_keys_.find(active_id_);
  if (it == field_keys_.end()) throw std::logic_error("Keyring used before load");
  return it->second;
}

std::string Keyring::encrypt(std::string_view plaintext, std::string_view context) const {
  if (plaintext.empty()) return {};
  std::shared_lock lock(mu_);
  return base64(seal(active(), plaintext, context));
}

Result<std::string> Keyring::decrypt(std::string_view stored, std::string_view context) const {
  if (stored.empty()) return std::string();
  auto sealed = unbase64(stored);
  if (!sealed) return fail("crypto.sealed.malformed");
  auto id = sealed_key_id(*sealed);
  if (!id) return fail("crypto.sealed.malformed");
  for (int pass = 0; pass < 2; ++pass) {
    {
      std::shared_lock lock(mu_);
      auto it = field_keys_.find(*id);
      if (it != field_keys_.end()) return open_sealed(it->second, *sealed, context);
    }
    if (pass == 0) {
      if (auto r = reload(); !r) return std::unexpected(r.error());  // rotated elsewhere?
    }
  }
  return fail("crypto.key.unknown", "", {{"id", std::to_string(*id)}});
}

std::string Keyring::blind_index(std::string_view value, std::string_view context) const {
  if (value.empty()) return {};
  std::string input(context);
  input += '\0';
  input.append(value);
  std::shared_lock lock(mu_);
  if (blind_key_.empty()) throw std::logic_error("Keyring used before load");
  return hex(bytes_of(hmac_sm3(blind_key_.view(), input)));
}

std::string Keyring::wrap(std::string_view secret, std::string_view context) const {
  std::shared_lock lock(mu_);
  if (!kek_) throw std::logic_error("Keyring used before load");
  return base64(seal(*kek_, secret, context));
}

Result<Secret> Keyring::unwrap(std::string_view wrapped, std::string_view context) const {
  auto sealed = unbase64(wrapped);
  if (!sealed) return fail("crypto.sealed.malformed");
  std::shared_lock lock(mu_);
  if (!kek_) throw std::logic_error("Keyring used before load");
  auto plain = open_sealed(*kek_, *sealed, context);
  if (!plain) return std::unexpected(plain.error());
  return Secret(std::move(*plain));
}

Result<std::uint32_t> Keyring::rotate(const std::function<void(soci::session&)>& in_transaction) {
  std::string material = random_bytes(kMaterialSize);
  auto id = db::guarded([&]() -> Result<std::uint32_t> {
    return db_.transaction([&](soci::session& s) -> Result<std::uint32_t> {
      long long top = 0;
      s << "SELECT COALESCE(MAX(id), 0) FROM crypto_keys", soci::into(top);
      auto next = static_cast<std::uint32_t>(top + 1);
      std::string now = db::utc_now();
      s << "UPDATE crypto_keys SET status = 'retired', retired_at = :t WHERE purpose = 'field' AND "
           "status = 'active'",
          soci::use(now);
      {
        std::shared_lock lock(mu_);
        insert_key(s, *kek_, next, "field", material);
      }
      if (in_transaction) in_transaction(s);
      return next;
    });
  });
  if (id) {
    std::unique_lock lock(mu_);
    field_keys_.insert_or_assign(*id, DataKey::derive(*id, material));
    active_id_ = *id;
  }
  wipe(material);
  return id;
}

std::uint32_t Keyring::active_key_id() const {
  std::shared_lock lock(mu_);
  return active_id_;
}

Result<std::vector<Keyring::KeyInfo>> Keyring::keys() const {
  auto rows = read_keys(db_);
  if (!rows) return std::unexpected(rows.error());
  std::vector<KeyInfo> out;
  for (auto& [info, wrapped] : *rows) out.push_back(std::move(info));
  return out;
}

}  // namespace yiwang::crypto
