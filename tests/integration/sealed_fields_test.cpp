// Citizen numbers, phone numbers, addresses and authenticator secrets are
// stored encrypted: the database (dumped whole) never holds them in clear,
// exact lookups still work through blind indexes, and rows written before
// encryption or under a retired key are resealed.
#include <cstdio>
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

#include "crypto/sealed.hpp"
#include "tests/support/test_server.hpp"

using namespace yiwang;
using yiwang::test::TestServer;

namespace {

const char* kCitizen = "350102199001011238";
const char* kPhone = "13912345678";
const char* kAddress = "示范市鼓楼区中山路18号";

audit::AuditEvent who() { return {.account = "-", .organ = "-", .source = "test"}; }

identity::RegistrationInput citizen(const std::string& name, const std::string& number) {
  identity::RegistrationInput in;
  in.name = name;
  in.password = in.password_confirm = "Citizen-Pass-1";
  in.email = name + "@example.cn";
  in.phone = kPhone;
  in.address = kAddress;
  in.real_name = "林晓";
  in.citizen_number = number;
  return in;
}

// Every text cell of every table, as a dump would hold it.
std::string dump_cells(db::Database& db) {
  auto s = db.acquire();
  std::vector<std::string> tables;
  if (db.engine() == db::Engine::sqlite) {
    soci::rowset<std::string> rs =
        (s->prepare << "SELECT name FROM sqlite_master WHERE type = 'table'");
    for (const auto& t : rs) tables.push_back(t);
  } else {
    soci::rowset<std::string> rs = (s->prepare << "SELECT table_name FROM "
                                                  "information_schema.tables WHERE table_schema = "
                                                  "'public'");
    for (const auto& t : rs) tables.push_back(t);
  }
  std::string out;
  for (const auto& t : tables) {
    soci::rowset<soci::row> rows = (s->prepare << "SELECT * FROM " + t);
    for (const auto& r : rows)
      for (std::size_t i = 0; i < r.size(); ++i)
        if (r.get_indicator(i) == soci::i_ok &&
            r.get_properties(i).get_data_type() == soci::dt_string)
          out += r.get<std::string>(i) + "\n";
  }
  return out;
}

std::string read_file(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// The engine's own dump: the SQLite file with its write-ahead log, or pg_dump.
std::string engine_dump(TestServer& s) {
  const std::string& url = s.app().config().database_url;
  if (s.app().database().engine() == db::Engine::sqlite) {
    std::string path = url.substr(std::string("sqlite:").size());
    return read_file(path) + read_file(path + "-wal");
  }
  std::string cmd;
  for (const char* dir : {"/usr/lib/postgresql/15/bin/", "/usr/bin/", ""})
    if (std::filesystem::exists(std::string(dir) + "pg_dump") || !*dir) {
      cmd = std::string(dir) + "pg_dump --data-only '" + url + "' 2>/dev/null";
      break;
    }
  std::string out;
  if (FILE* f = ::popen(cmd.c_str(), "r")) {
    char buf[4096];
    for (std::size_t n; (n = std::fread(buf, 1, sizeof buf, f)) > 0;) out.append(buf, n);
    ::pclose(f);
  }
  return out;
}

}  // namespace

TEST(SealedFields, DumpHoldsNoClearPersonalData) {
  TestServer s;
  if (!s.available()) GTEST_SKIP() << "engine unavailable";
  auto& accounts = s.app().accounts();
  auto a = accounts.register_public(identity::AccountKind::citizen, citizen("linxiao", kCitizen),
                                    s.app().password_policy(), who());
  ASSERT_TRUE(a) << a.error().key;
  EXPECT_EQ(a->citizen_number, kCitizen);
  EXPECT_EQ(a->phone, kPhone);
  EXPECT_EQ(a->address, kAddress);
  auto back = accounts.find_by_name("linxiao");
  ASSERT_TRUE(back && *back);
  EXPECT_EQ((*back)->citizen_number, kCitizen);
  EXPECT_EQ((*back)->address, kAddress);

  for (const std::string& dump : {dump_cells(s.app().database()), engine_dump(s)}) {
    ASSERT_FALSE(dump.empty());
    EXPECT_NE(dump.find("linxiao"), std::string::npos);  // the dump is real
    EXPECT_EQ(dump.find(kCitizen), std::string::npos);
    EXPECT_EQ(dump.find("3501021990"), std::string::npos);
    EXPECT_EQ(dump.find(kPhone), std::string::npos);
    EXPECT_EQ(dump.find(kAddress), std::string::npos);
    EXPECT_EQ(dump.find("中山路18号"), std::string::npos);
  }
}

TEST(SealedFields, ExactLookupsUseTheBlindIndex) {
  TestServer s;
  if (!s.available()) GTEST_SKIP() << "engine unavailable";
  auto& accounts = s.app().accounts();
  ASSERT_TRUE(accounts.register_public(identity::AccountKind::citizen, citizen("linxiao", kCitizen),
                                       s.app().password_policy(), who()));
  // The same citizen number again is refused, though stored encrypted.
  auto again =
      accounts.register_public(identity::AccountKind::citizen, citizen("linxiao2", kCitizen),
                               s.app().password_policy(), who());
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().key, "identity.account.citizen_registered");
  EXPECT_EQ(again.error().field, "citizen_number");
  // An enterprise names its agent by sign-in name and citizen number.
  identity::RegistrationInput e;
  e.name = "shifan-tech";
  e.password = e.password_confirm = "Enterprise-Pass-1";
  e.email = "office@shifan-tech.cn";
  e.enterprise_name = "示范科技有限公司";
  e.credit_code = "91350100M000100Y43";
  e.legal_representative = "王强";
  auto ent = accounts.register_public(identity::AccountKind::enterprise, e,
                                      s.app().password_policy(), who());
  ASSERT_TRUE(ent) << ent.error().key;
  EXPECT_EQ(accounts.add_agent(ent->id, "linxiao", "350102199001011239", who()).error().key,
            "identity.agent.no_citizen");
  ASSERT_TRUE(accounts.add_agent(ent->id, "linxiao", kCitizen, who()));
  auto agents = accounts.agents(ent->id);
  ASSERT_TRUE(agents);
  ASSERT_EQ(agents->size(), 1u);
  EXPECT_EQ(agents->front().citizen_number, kCitizen);
}

TEST(SealedFields, ClearRowsAndRetiredKeysAreResealed) {
  TestServer s;
  if (!s.available()) GTEST_SKIP() << "engine unavailable";
  auto& db = s.app().database();
  // A row as an installation before encryption held it.
  {
    // Named strings: soci runs the statement after the expression's temporaries are gone.
    std::string phone = kPhone, address = kAddress, number = kCitizen;
    auto sess = db.acquire();
    *sess
        << "INSERT INTO identity_accounts (name, kind, display_name, clearance, password_hash, "
           "must_change_password, password_changed_at, status, version, created_at, email, "
           "phone, address, citizen_number, fields_key) VALUES ('oldcitizen', 'citizen', '旧用户', "
           "'open', 'x', 0, '2026-01-01T00:00:00Z', 'active', 1, '2026-01-01T00:00:00Z', "
           "'old@example.cn', :p, :a, :c, 0)",
        soci::use(phone), soci::use(address), soci::use(number);
  }
  NoProgress quiet;
  auto n = s.app().accounts().reseal(quiet);
  ASSERT_TRUE(n) << n.error().key;
  EXPECT_EQ(*n, 1);
  EXPECT_EQ(dump_cells(db).find(kCitizen), std::string::npos);
  auto old = s.app().accounts().find_by_name("oldcitizen");
  ASSERT_TRUE(old && *old);
  EXPECT_EQ((*old)->citizen_number, kCitizen);
  EXPECT_EQ((*old)->phone, kPhone);
  // Its citizen number now blocks a second registration.
  EXPECT_EQ(s.app()
                .accounts()
                .register_public(identity::AccountKind::citizen, citizen("newcitizen", kCitizen),
                                 s.app().password_policy(), who())
                .error()
                .key,
            "identity.account.citizen_registered");

  // After a rotation every row moves to the new key and still reads back.
  auto next = s.app().keyring().rotate({});
  ASSERT_TRUE(next);
  long long rows = 0;
  *db.acquire() << "SELECT COUNT(*) FROM identity_accounts", soci::into(rows);
  EXPECT_EQ(*s.app().accounts().reseal(quiet), rows);
  std::string stored;
  *db.acquire() << "SELECT citizen_number FROM identity_accounts WHERE name = 'oldcitizen'",
      soci::into(stored);
  EXPECT_EQ(crypto::sealed_key_id(*crypto::unbase64(stored)), *next);
  EXPECT_EQ((*s.app().accounts().find_by_name("oldcitizen"))->citizen_number, kCitizen);
  EXPECT_EQ(*s.app().accounts().reseal(quiet), 0);  // nothing left to do
}

TEST(SealedFields, AuthenticatorSecretsAreEncrypted) {
  TestServer s;
  if (!s.available()) GTEST_SKIP() << "engine unavailable";
  ASSERT_TRUE(s.app().accounts().create_administrators(who()));
  auto admin = s.app().accounts().find_by_name("sysadmin");
  ASSERT_TRUE(admin && *admin);
  auto pending = s.app().second_factor().begin_enrolment((*admin)->id, who());
  ASSERT_TRUE(pending);
  std::string dump = dump_cells(s.app().database());
  EXPECT_EQ(dump.find(pending->secret), std::string::npos);
  // The page shown again returns the same secret, read back through the keyring.
  auto again = s.app().second_factor().begin_enrolment((*admin)->id, who());
  ASSERT_TRUE(again);
  EXPECT_EQ(again->secret, pending->secret);
}
