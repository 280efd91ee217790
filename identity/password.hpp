// Passwords: Argon2id hashes (libsodium, PHC string format) and the password
// policy of GB/T 22239 level 3 as configured — by default at least 8
// characters, 3 of the 4 classes (lower, upper, digit, other), not containing
// the account name, not one of the last 5, changed every 90 days for intranet
// accounts. Thread-safe.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/error.hpp"

namespace yiwang::identity {

struct PasswordPolicy {
  std::size_t min_length = 8;
  int min_classes = 3;      // of lower case, upper case, digits, other characters
  std::size_t history = 5;  // a new password may not repeat one of the last N
  std::size_t max_length = 256;
  // How long an intranet password lives is the security administrator's
  // (identity/security_policy.hpp), not part of this policy.
};

// Argon2id cost. The defaults are libsodium's "interactive" limits; tests use
// the minimum so they run fast.
struct HashCost {
  unsigned long long ops = 2;
  std::size_t mem_bytes = 64ULL * 1024 * 1024;
  static HashCost minimum();
};

// The PHC string ($argon2id$v=19$m=…,t=…,p=1$salt$hash) of a password.
std::string hash_password(std::string_view password, const HashCost& cost);

// Whether the password matches the hash (constant time).
bool verify_password(std::string_view password, const std::string& hash);

// Whether a stored hash was made with a different cost and should be redone.
bool needs_rehash(const std::string& hash, const HashCost& cost);

// Checks a new password against the policy. `previous` holds the hashes of
// the account's last passwords. The Error names the field "password" and the
// rule: identity.password.{too_short,too_long,classes,contains_account,reused,control}.
Result<void> check_password_policy(std::string_view password, std::string_view account,
                                   const std::vector<std::string>& previous,
                                   const PasswordPolicy& policy);

// A random password that satisfies the default policy (one-time passwords of
// the three administrators): 16 characters from an unambiguous alphabet.
std::string generate_password();

}  // namespace yiwang::identity
