#include "identity/password.hpp"

#include <algorithm>
#include <stdexcept>

#include <sodium.h>

namespace yiwang::identity {

namespace {
void ensure_sodium() {
  static const int ok = sodium_init();
  if (ok < 0) throw std::runtime_error("libsodium failed to initialise");
}

std::string lower_ascii(std::string_view s) {
  std::string out(s);
  for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}
}  // namespace

HashCost HashCost::minimum() {
  return {crypto_pwhash_argon2id_OPSLIMIT_MIN, crypto_pwhash_argon2id_MEMLIMIT_MIN};
}

std::string hash_password(std::string_view password, const HashCost& cost) {
  ensure_sodium();
  char out[crypto_pwhash_STRBYTES];
  if (crypto_pwhash_str_alg(out, password.data(), password.size(), cost.ops, cost.mem_bytes,
                            crypto_pwhash_ALG_ARGON2ID13) != 0)
    throw std::runtime_error("Argon2id hashing ran out of memory");
  return out;
}

bool verify_password(std::string_view password, const std::string& hash) {
  ensure_sodium();
  if (hash.empty() || hash.size() >= crypto_pwhash_STRBYTES) return false;
  return crypto_pwhash_str_verify(hash.c_str(), password.data(), password.size()) == 0;
}

bool needs_rehash(const std::string& hash, const HashCost& cost) {
  ensure_sodium();
  return crypto_pwhash_str_needs_rehash(hash.c_str(), cost.ops, cost.mem_bytes) != 0;
}

Result<void> check_password_policy(std::string_view password, std::string_view account,
                                   const std::vector<std::string>& previous,
                                   const PasswordPolicy& policy) {
  // Length counts characters, not bytes: 密码 is two characters.
  std::size_t chars = 0;
  bool lower = false, upper = false, digit = false, other = false;
  for (unsigned char c : password) {
    if ((c & 0xC0) != 0x80) ++chars;
    if (c < 0x20 || c == 0x7f) return fail("identity.password.control", "password");
    if (c >= 'a' && c <= 'z')
      lower = true;
    else if (c >= 'A' && c <= 'Z')
      upper = true;
    else if (c >= '0' && c <= '9')
      digit = true;
    else
      other = true;
  }
  if (chars < policy.min_length)
    return fail("identity.password.too_short", "password",
                {{"min", std::to_string(policy.min_length)}});
  if (password.size() > policy.max_length)
    return fail("identity.password.too_long", "password",
                {{"max", std::to_string(policy.max_length)}});
  int classes = lower + upper + digit + other;
  if (classes < policy.min_classes)
    return fail("identity.password.classes", "password",
                {{"min", std::to_string(policy.min_classes)}});
  if (account.size() >= 3 && lower_ascii(password).find(lower_ascii(account)) != std::string::npos)
    return fail("identity.password.contains_account", "password");
  std::size_t n = std::min(previous.size(), policy.history);
  for (std::size_t i = 0; i < n; ++i)
    if (verify_password(password, previous[i]))
      return fail("identity.password.reused", "password",
                  {{"count", std::to_string(policy.history)}});
  return {};
}

std::string generate_password() {
  ensure_sodium();
  // No 0/O, 1/l/I: the password is read off a screen once and typed.
  static constexpr std::string_view kLower = "abcdefghijkmnpqrstuvwxyz";
  static constexpr std::string_view kUpper = "ABCDEFGHJKLMNPQRSTUVWXYZ";
  static constexpr std::string_view kDigits = "23456789";
  static constexpr std::string_view kOther = "-_.+=@#%";
  static constexpr std::string_view kSets[] = {kLower, kUpper, kDigits, kOther};
  std::string out;
  for (int i = 0; i < 16; ++i) {
    // The first four characters cover every class; the rest draw from all.
    std::string_view set = kSets[i < 4 ? i : randombytes_uniform(4)];
    out += set[randombytes_uniform(static_cast<std::uint32_t>(set.size()))];
  }
  // Shuffle so the classes are not in a fixed order.
  for (std::size_t i = out.size() - 1; i > 0; --i)
    std::swap(out[i], out[randombytes_uniform(static_cast<std::uint32_t>(i + 1))]);
  return out;
}

}  // namespace yiwang::identity
