// The second factor of an account (GB/T 22239 level 3: two or more kinds of
// authentication): a TOTP authenticator app (see totp.hpp) and ten one-time
// recovery codes for when the phone is lost.
//
// Enrolment has two steps: begin_enrolment() stores a pending secret and
// returns it with its otpauth:// URI (show it as a QR code, qr_code.hpp);
// confirm_enrolment() activates it once the user types a code the app shows,
// and returns fresh recovery codes, shown once. An active secret stays in
// force until a new one is confirmed. verify() remembers the last time step
// used, so a code works once (a second use, even a concurrent one, is
// "identity.totp.replayed"). Recovery codes are stored only as SHA-256
// digests (they carry ~59 bits of entropy, so a fast hash suffices) and each
// works once. disable() is the security administrator's reset after a lost
// device.
//
// Secrets at rest: the TOTP secret is stored as-is (base32 text) for now; a
// later change encrypts the sensitive columns with SM4.
//
// Attempts are not limited here: the caller counts failures (the audit
// records of failed attempts make that possible) the way sign-in does.
//
// Every state change and every failed attempt writes an audit record in the
// same transaction. Thread-safe: every call is its own transaction.
#pragma once

#include <chrono>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "audit/audit_log.hpp"
#include "core/error.hpp"
#include "core/progress.hpp"
#include "crypto/keyring.hpp"
#include "db/database.hpp"
#include "db/migration.hpp"
#include "identity/session_store.hpp"

namespace yiwang::identity {

// What begin_enrolment() hands to the enrolment page.
struct PendingEnrolment {
  std::string secret;  // base32, for typing into the app by hand
  std::string uri;     // otpauth://totp/…, for the QR code
};

class SecondFactorStore {
 public:
  // `issuer` names the system in the authenticator app (UTF-8).
  // Secrets are stored sealed under the keyring's field key, bound to their
  // account.
  SecondFactorStore(db::Database& db, const crypto::Keyring& keys, std::string issuer = "一网")
      : db_(db), keys_(keys), issuer_(std::move(issuer)) {}

  // Migration identity 7: identity_totp and identity_recovery_codes.
  static std::vector<db::Migration> migrations();

  // Seals secrets stored in clear (before encryption) or under a retired
  // key; returns how many accounts' rows it changed.
  Result<long long> reseal(Progress& progress);

  // Stores a new pending secret for the account and returns it; a pending
  // secret stored in the last ten minutes is returned again instead (the
  // enrolment page reloaded). Fails with "identity.account.not_found".
  Result<PendingEnrolment> begin_enrolment(long long account_id, audit::AuditEvent who);

  // Activates the pending secret when `code` is right for it at `now`, and
  // returns 10 new recovery codes (any earlier ones stop working). Fails with
  // "identity.totp.no_pending" or an error of verify_totp().
  Result<std::vector<std::string>> confirm_enrolment(long long account_id, std::string_view code,
                                                     std::chrono::sys_seconds now,
                                                     audit::AuditEvent who);

  // Whether the account has an active second factor.
  Result<bool> enrolled(long long account_id);

  // Checks a code from the app (window ±1 step) and uses it up. Fails with
  // "identity.totp.not_enrolled" or an error of verify_totp() — "replayed"
  // when the code (or a later one) has been used already.
  Result<void> verify(long long account_id, std::string_view code, std::chrono::sys_seconds now,
                      audit::AuditEvent who);

  // Uses up one recovery code; returns how many are left. Fails with
  // "identity.totp.not_enrolled", "identity.recovery.invalid_format" or
  // "identity.recovery.wrong_code" (field "code").
  Result<int> use_recovery_code(long long account_id, std::string_view code, audit::AuditEvent who);

  // How many unused recovery codes the account has.
  Result<int> remaining_recovery_codes(long long account_id);

  // Replaces the recovery codes with 10 new ones, shown once. Fails with
  // "identity.totp.not_enrolled".
  Result<std::vector<std::string>> regenerate_recovery_codes(long long account_id,
                                                             audit::AuditEvent who);

  // Removes the second factor (active and pending) and the recovery codes.
  // Fails with "identity.totp.not_enrolled" when there is nothing to remove.
  // With `sessions` (the security administrator resetting a lost
  // authenticator) the account's sessions end in the same transaction.
  Result<void> disable(long long account_id, audit::AuditEvent who,
                       SessionStore* sessions = nullptr);

 private:
  db::Database& db_;
  const crypto::Keyring& keys_;
  std::string issuer_;
};

// The alphabet of recovery codes: lower-case letters and digits without the
// look-alikes 0 o 1 i l.
inline constexpr std::string_view kRecoveryAlphabet = "abcdefghjkmnpqrstuvwxyz23456789";

// A random recovery code, "xxxx-xxxx-xxxx" from kRecoveryAlphabet.
std::string generate_recovery_code();

// A recovery code as typed, in the form generate_recovery_code() gives:
// full-width characters, upper case, spaces and hyphens are tolerated. Fails
// with "identity.recovery.invalid_format" (field "code").
Result<std::string> normalise_recovery_code(std::string_view text);

// The SHA-256 hex stored for a (normalised) recovery code.
std::string recovery_code_digest(std::string_view code);

}  // namespace yiwang::identity
