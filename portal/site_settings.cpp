#include "portal/site_settings.hpp"

#include "db/dialect.hpp"

namespace yiwang::portal {

std::vector<db::Migration> SiteSettings::migrations() {
  return {{"portal", 1, "site settings",
           R"(CREATE TABLE portal_settings (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
)"}};
}

Result<std::optional<std::string>> SiteSettings::get(const std::string& key) {
  return db::guarded([&]() -> Result<std::optional<std::string>> {
    auto s = db_.acquire();
    std::string value;
    soci::indicator ind = soci::i_null;
    *s << "SELECT value FROM portal_settings WHERE key = :k", soci::use(key),
        soci::into(value, ind);
    if (!s->got_data() || ind != soci::i_ok) return std::optional<std::string>{};
    return std::optional<std::string>{value};
  });
}

Result<void> SiteSettings::set(const std::string& key, const std::string& value,
                               audit::AuditEvent who) {
  who.event = "portal.setting.change";
  who.object = "setting:" + key;
  who.detail = value;
  return db::guarded([&]() -> Result<void> {
    db_.transaction([&](soci::session& s) {
      audit::AuditLog::record(s, who);
      std::string now = db::utc_now();
      s << "DELETE FROM portal_settings WHERE key = :k", soci::use(key);
      s << "INSERT INTO portal_settings (key, value, updated_at) VALUES (:k, :v, :t)",
          soci::use(key), soci::use(value), soci::use(now);
    });
    return {};
  });
}

}  // namespace yiwang::portal
