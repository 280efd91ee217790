// The keyring on the engine under test: keys kept wrapped under the master
// secret, field encryption with rotation, blind indexes, and the master key
// file's rules.
#include <sys/stat.h>

#include <fstream>

#include <gtest/gtest.h>

#include "app/master_key.hpp"
#include "crypto/keyring.hpp"
#include "crypto/sealed.hpp"
#include "crypto/sm3.hpp"
#include "db/migration.hpp"
#include "tests/support/test_server.hpp"

using namespace yiwang;
using yiwang::test::TempDir;
using yiwang::test::TestDatabase;

namespace {
const std::string kMaster = "the master secret of this test, 32+ bytes";

struct World {
  TempDir dir;
  TestDatabase tdb{dir.path()};
  std::unique_ptr<db::Database> db;
  bool ready() {
    db = test::open_migrated(tdb, {crypto::Keyring::migrations()});
    return db != nullptr;
  }
  std::unique_ptr<crypto::Keyring> keyring(const std::string& master = kMaster) {
    return std::make_unique<crypto::Keyring>(*db, crypto::Secret(master));
  }
};
}  // namespace

TEST(Keyring, FieldsRoundTripAndBindTheirColumn) {
  World w;
  if (!w.ready()) GTEST_SKIP() << "engine unavailable";
  auto k = w.keyring();
  ASSERT_TRUE(k->load());
  std::string stored = k->encrypt("11010519491231002X", "identity_accounts.citizen_number");
  EXPECT_EQ(stored.find("11010519491231002X"), std::string::npos);
  EXPECT_EQ(*k->decrypt(stored, "identity_accounts.citizen_number"), "11010519491231002X");
  EXPECT_EQ(k->decrypt(stored, "identity_accounts.phone").error().key, "crypto.sealed.altered");
  EXPECT_EQ(k->encrypt("", "c"), "");
  EXPECT_EQ(*k->decrypt("", "c"), "");
  EXPECT_EQ(k->decrypt("not base64!", "c").error().key, "crypto.sealed.malformed");
  std::string changed = stored;
  changed[10] = changed[10] == 'A' ? 'B' : 'A';
  EXPECT_FALSE(k->decrypt(changed, "identity_accounts.citizen_number"));
}

TEST(Keyring, SecondProcessWithTheSameSecretReadsTheData) {
  World w;
  if (!w.ready()) GTEST_SKIP() << "engine unavailable";
  auto a = w.keyring();
  ASSERT_TRUE(a->load());
  std::string stored = a->encrypt("13800138000", "t.phone");
  auto b = w.keyring();
  ASSERT_TRUE(b->load());
  EXPECT_EQ(*b->decrypt(stored, "t.phone"), "13800138000");
  EXPECT_EQ(a->blind_index("13800138000", "t.phone"), b->blind_index("13800138000", "t.phone"));
  EXPECT_EQ(a->active_key_id(), b->active_key_id());
}

TEST(Keyring, WrongMasterSecretIsRecognised) {
  World w;
  if (!w.ready()) GTEST_SKIP() << "engine unavailable";
  ASSERT_TRUE(w.keyring()->load());
  auto wrong = w.keyring("another master secret, also 32+ bytes long");
  auto r = wrong->load();
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().key, "crypto.master.wrong");
  EXPECT_FALSE(wrong->loaded());
  auto short_secret = w.keyring("too short");
  EXPECT_EQ(short_secret->load().error().key, "crypto.master.too_short");
}

TEST(Keyring, NothingSecretIsStoredInClear) {
  World w;
  if (!w.ready()) GTEST_SKIP() << "engine unavailable";
  auto k = w.keyring();
  ASSERT_TRUE(k->load());
  auto s = w.db->acquire();
  soci::rowset<soci::row> rows = (s->prepare << "SELECT salt, check_value FROM crypto_master");
  for (const auto& r : rows) {
    EXPECT_EQ(r.get<std::string>(0).find(kMaster), std::string::npos);
    EXPECT_EQ(r.get<std::string>(1).find(crypto::hex(kMaster)), std::string::npos);
  }
  // Each wrapped key is sealed data under the KEK (key id 0), bound to its row.
  soci::rowset<soci::row> keys = (s->prepare << "SELECT id, purpose, wrapped FROM crypto_keys");
  int n = 0;
  for (const auto& r : keys) {
    auto sealed = crypto::unbase64(r.get<std::string>(2));
    ASSERT_TRUE(sealed);
    EXPECT_EQ(crypto::sealed_key_id(*sealed), 0u);
    EXPECT_EQ(sealed->size(), 32 + crypto::kSealedOverhead);
    ++n;
  }
  EXPECT_EQ(n, 2);  // the first field key and the blind-index key
}

TEST(Keyring, BlindIndexFindsEqualValuesOnly) {
  World w;
  if (!w.ready()) GTEST_SKIP() << "engine unavailable";
  auto k = w.keyring();
  ASSERT_TRUE(k->load());
  auto a = k->blind_index("11010519491231002X", "citizen");
  EXPECT_EQ(a.size(), 64u);
  EXPECT_EQ(a, k->blind_index("11010519491231002X", "citizen"));
  EXPECT_NE(a, k->blind_index("11010519491231003X", "citizen"));
  EXPECT_NE(a, k->blind_index("11010519491231002X", "phone"));
  EXPECT_EQ(k->blind_index("", "citizen"), "");
  // Not a plain hash of the value: without the key it cannot be recomputed.
  EXPECT_NE(a, crypto::to_hex(crypto::sm3("11010519491231002X")));
}

TEST(Keyring, RotationKeepsOldValuesReadable) {
  World w;
  if (!w.ready()) GTEST_SKIP() << "engine unavailable";
  auto k = w.keyring();
  ASSERT_TRUE(k->load());
  auto other_node = w.keyring();
  ASSERT_TRUE(other_node->load());
  std::uint32_t first = k->active_key_id();
  std::string old_value = k->encrypt("北京市东城区正义路2号", "t.address");
  bool hook_ran = false;
  auto next = k->rotate([&](soci::session& s) {
    hook_ran = true;
    long long active = 0;
    s << "SELECT COUNT(*) FROM crypto_keys WHERE purpose = 'field' AND status = 'active'",
        soci::into(active);
    EXPECT_EQ(active, 1);
  });
  ASSERT_TRUE(next);
  EXPECT_TRUE(hook_ran);
  EXPECT_NE(*next, first);
  EXPECT_EQ(k->active_key_id(), *next);
  std::string new_value = k->encrypt("北京市东城区正义路2号", "t.address");
  EXPECT_EQ(crypto::sealed_key_id(*crypto::unbase64(new_value)), *next);
  EXPECT_EQ(*k->decrypt(old_value, "t.address"), "北京市东城区正义路2号");
  // The other node has not seen the new key yet: it loads it on demand.
  EXPECT_EQ(*other_node->decrypt(new_value, "t.address"), "北京市东城区正义路2号");
  auto keys = k->keys();
  ASSERT_TRUE(keys);
  int active = 0, retired = 0;
  for (const auto& key : *keys) {
    if (key.purpose != "field") continue;
    (key.status == "active" ? active : retired)++;
  }
  EXPECT_EQ(active, 1);
  EXPECT_EQ(retired, 1);
  // The blind index does not change with rotation.
  EXPECT_EQ(k->blind_index("x", "c"), other_node->blind_index("x", "c"));
}

TEST(Keyring, WrapsModuleSecrets) {
  World w;
  if (!w.ready()) GTEST_SKIP() << "engine unavailable";
  auto k = w.keyring();
  ASSERT_TRUE(k->load());
  std::string wrapped = k->wrap("a CA private key", "ca_keys:1");
  EXPECT_EQ(std::string(k->unwrap(wrapped, "ca_keys:1")->view()), "a CA private key");
  EXPECT_EQ(k->unwrap(wrapped, "ca_keys:2").error().key, "crypto.sealed.altered");
  auto other = w.keyring("another master secret, also 32+ bytes long");
  EXPECT_FALSE(other->load());
}

TEST(MasterKey, FileRulesAndTheEnvironment) {
  TempDir dir;
  app::Config c;
  c.data_dir = dir.path();
  auto missing = app::read_master_secret(c);
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().key, "crypto.master.missing");
  EXPECT_EQ(missing.error().params["path"], (dir.path() / "master.key").string());

  auto wrote = app::ensure_master_key_file(c);
  ASSERT_TRUE(wrote);
  EXPECT_TRUE(*wrote);
  struct stat st {};
  ASSERT_EQ(::stat((dir.path() / "master.key").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  auto secret = app::read_master_secret(c);
  ASSERT_TRUE(secret);
  EXPECT_EQ(secret->size(), 64u);  // 32 random bytes in hex, the newline not included
  EXPECT_FALSE(*app::ensure_master_key_file(c));  // an existing file is kept
  EXPECT_EQ(app::read_master_secret(c)->view(), secret->view());

  ::chmod((dir.path() / "master.key").c_str(), 0644);
  EXPECT_EQ(app::read_master_secret(c).error().key, "crypto.master.permissions");
  {
    std::ofstream out(dir.path() / "short.key");
    out << "short\n";
  }
  ::chmod((dir.path() / "short.key").c_str(), 0600);
  c.master_key_file = "short.key";
  EXPECT_EQ(app::read_master_secret(c).error().key, "crypto.master.too_short");

  c.master_key = "from the environment, thirty-two bytes";
  EXPECT_EQ(app::read_master_secret(c)->view(), c.master_key);
  EXPECT_FALSE(*app::ensure_master_key_file(c));  // no file when the environment gives it
  c.master_key = "short";
  EXPECT_EQ(app::read_master_secret(c).error().params["path"], "YIWANG_MASTER_KEY");
}
