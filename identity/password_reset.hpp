// Password reset by e-mail. A request makes a random 256-bit token, stores
// only its SHA-256 (like session tokens, so a copy of the database resets
// nothing), and queues a mail holding the link prefix + token in the same
// transaction. A token is good for one use within 30 minutes; a new request
// voids the account's earlier tokens. Every failure to redeem is the same
// error, "identity.reset.invalid_token", so nobody learns whether a token
// existed, was used or expired.
//
// The store does not know where accounts keep their e-mail address: the
// caller looks the account up and passes the address. Mail scanners follow
// links, so a page should check() the token on GET and redeem() it only on
// the POST that sets the new password.
//
// Thread-safe: every call is its own transaction except the ones taking a
// session, which run inside the caller's.
#pragma once

#include <chrono>
#include <string>
#include <string_view>
#include <vector>

#include <soci/soci.h>

#include "audit/audit_log.hpp"
#include "core/error.hpp"
#include "db/database.hpp"
#include "db/migration.hpp"
#include "mail/outbox.hpp"
#include "render/catalogue.hpp"

namespace yiwang::identity {

struct PasswordResetPolicy {
  std::chrono::minutes lifetime{30};
  // Mails one account may be sent in an hour, so the form cannot be used to
  // flood somebody's mailbox.
  int max_per_hour = 3;
};

class PasswordResetStore {
 public:
  // The mail's subject and body come from the catalogue
  // ("identity.reset.mail.subject", "identity.reset.mail.body").
  PasswordResetStore(db::Database& db, mail::Outbox& outbox, const render::Catalogue& catalogue,
                     PasswordResetPolicy policy = {})
      : db_(db), outbox_(outbox), catalogue_(catalogue), policy_(policy) {}

  // Exactly one migration, identity 8.
  static std::vector<db::Migration> migrations();

  // Inside the caller's transaction: voids the account's unused tokens, makes
  // a new one, queues the mail to `email` in `lang` with the link
  // reset_url_prefix + token, and audits "identity.password_reset.requested".
  // Returns the outbox row id (poke the MailSender after commit), or 0 when
  // the account had max_per_hour requests in the last hour already (nothing
  // is sent; the refusal is audited). Fails with check_email()'s error on a
  // bad address; database errors throw.
  Result<long long> request(soci::session& s, long long account_id, const std::string& email,
                            const std::string& reset_url_prefix, std::string_view lang,
                            audit::AuditEvent who);
  // The same in a transaction of its own.
  Result<long long> request(long long account_id, const std::string& email,
                            const std::string& reset_url_prefix, std::string_view lang,
                            audit::AuditEvent who);

  // The account a token would reset, without using it up (the GET of the
  // reset page). Fails with "identity.reset.invalid_token" (field "token").
  Result<long long> check(const std::string& token);

  // Uses a token up and returns its account: one time only, even when two
  // requests race (the update is conditional on the token being unused).
  // Audits "identity.password_reset.redeemed", failures too. Fails with
  // "identity.reset.invalid_token" (field "token") for every reason.
  Result<long long> redeem(const std::string& token, audit::AuditEvent who);
  // The same inside the caller's transaction (so the token is used only if
  // the new password is stored too). Audits success only: a failure's
  // record would roll back with the caller's transaction.
  Result<long long> redeem(soci::session& s, const std::string& token, audit::AuditEvent who);

 private:
  db::Database& db_;
  mail::Outbox& outbox_;
  const render::Catalogue& catalogue_;
  PasswordResetPolicy policy_;
};

}  // namespace yiwang::identity
