// Argon2id hashing and the password policy.
#include <set>

#include <gtest/gtest.h>

#include "identity/password.hpp"

using namespace yiwang::identity;

TEST(Password, HashIsArgon2idAndVerifies) {
  auto cost = HashCost::minimum();
  std::string h = hash_password("Zheng-Wu-2026", cost);
  EXPECT_TRUE(h.starts_with("$argon2id$v=19$")) << h;
  EXPECT_TRUE(verify_password("Zheng-Wu-2026", h));
  EXPECT_FALSE(verify_password("zheng-wu-2026", h));
  EXPECT_FALSE(verify_password("", h));
  EXPECT_FALSE(verify_password("Zheng-Wu-2026", ""));
  EXPECT_FALSE(verify_password("Zheng-Wu-2026", "not a hash"));
  EXPECT_NE(hash_password("Zheng-Wu-2026", cost), h);  // salted
  EXPECT_TRUE(needs_rehash(h, HashCost{}));
  EXPECT_FALSE(needs_rehash(h, cost));
}

TEST(Password, PolicyNamesTheRule) {
  PasswordPolicy p;
  auto rule = [&](std::string pw, std::string account = "zhangsan",
                  std::vector<std::string> previous = {}) {
    auto r = check_password_policy(pw, account, previous, p);
    return r ? std::string("ok") : r.error().key;
  };
  EXPECT_EQ(rule("Ab1-efgh"), "ok");
  EXPECT_EQ(rule("Ab1-efg"), "identity.password.too_short");
  EXPECT_EQ(rule("abcdefgh1"), "identity.password.classes");
  EXPECT_EQ(rule("政务服务Ab1"), "identity.password.too_short");  // 7 characters, 13 bytes
  EXPECT_EQ(rule("政务服务中心Ab1"), "ok");                       // other class counts
  EXPECT_EQ(rule("Xx-ZhangSan-1"), "identity.password.contains_account");
  EXPECT_EQ(rule("Ab1-efgh\n"), "identity.password.control");
  EXPECT_EQ(rule(std::string(300, 'a') + "A1"), "identity.password.too_long");
  auto cost = HashCost::minimum();
  std::vector<std::string> history;
  for (int i = 0; i < 6; ++i)
    history.push_back(hash_password("Old-pass-" + std::to_string(i), cost));
  EXPECT_EQ(rule("Old-pass-0", "zhangsan", history), "identity.password.reused");
  EXPECT_EQ(rule("Old-pass-4", "zhangsan", history), "identity.password.reused");
  EXPECT_EQ(rule("Old-pass-5", "zhangsan", history), "ok");  // older than the last five
  auto r = check_password_policy("short", "x", {}, p);
  EXPECT_EQ(r.error().field, "password");
  EXPECT_EQ(r.error().params.at("min"), "8");
}

TEST(Password, GeneratedPasswordsMeetThePolicyAndDiffer) {
  std::set<std::string> seen;
  for (int i = 0; i < 50; ++i) {
    std::string pw = generate_password();
    EXPECT_EQ(pw.size(), 16u);
    EXPECT_TRUE(check_password_policy(pw, "sysadmin", {}, PasswordPolicy{}).has_value()) << pw;
    seen.insert(pw);
  }
  EXPECT_EQ(seen.size(), 50u);
}
