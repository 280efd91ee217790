#include "identity/security_policy.hpp"

#include <fmt/format.h>

#include "db/dialect.hpp"

namespace yiwang::identity {

namespace {

void apply(SecurityPolicy& p, const std::string& name, const std::string& value) {
  if (name == "second_factor_required") p.second_factor_required = value == "1";
  if (name == "password_max_age_days") {
    try {
      p.password_max_age_days = std::stoi(value);
    } catch (const std::exception&) {
    }
  }
}

void store(soci::session& s, const std::string& name, const std::string& value,
           const std::string& by) {
  std::string now = db::utc_now();
  s << "DELETE FROM identity_policy WHERE name = :n", soci::use(name);
  s << "INSERT INTO identity_policy (name, value, changed_by, changed_at) VALUES (:n, :v, :b, :t)",
      soci::use(name), soci::use(value), soci::use(by), soci::use(now);
}

}  // namespace

SecurityPolicy SecurityPolicyStore::get() {
  std::lock_guard lock(mutex_);
  auto now = std::chrono::steady_clock::now();
  if (loaded_ != std::chrono::steady_clock::time_point{} && now - loaded_ < std::chrono::seconds(5))
    return current_;
  auto read = db::guarded([&]() -> Result<void> {
    auto s = db_.acquire();
    soci::rowset<soci::row> rows = (s->prepare << "SELECT name, value FROM identity_policy");
    for (const auto& r : rows) apply(current_, r.get<std::string>(0), r.get<std::string>(1));
    return {};
  });
  if (read) loaded_ = now;  // on a database error keep the last policy and try again next time
  return current_;
}

Result<SecurityPolicy> SecurityPolicyStore::set(const SecurityPolicy& p, audit::AuditEvent who) {
  if (p.password_max_age_days < 0 || p.password_max_age_days > 365)
    return fail("identity.policy.max_age_range", "password_max_age_days");
  SecurityPolicy before = get();
  auto saved = db::guarded([&]() -> Result<void> {
    db_.transaction([&](soci::session& s) {
      store(s, "second_factor_required", p.second_factor_required ? "1" : "0", who.account);
      store(s, "password_max_age_days", std::to_string(p.password_max_age_days), who.account);
      who.event = "identity.policy.changed";
      who.object = "policy";
      who.detail = fmt::format("second_factor_required {} -> {}; password_max_age_days {} -> {}",
                               before.second_factor_required, p.second_factor_required,
                               before.password_max_age_days, p.password_max_age_days);
      audit::AuditLog::record(s, who);
    });
    return {};
  });
  if (!saved) return std::unexpected(saved.error());
  std::lock_guard lock(mutex_);
  current_ = p;
  loaded_ = std::chrono::steady_clock::now();
  return p;
}

}  // namespace yiwang::identity
