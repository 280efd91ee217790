#include "audit/audit_log.hpp"

#include <chrono>

#include <fmt/chrono.h>
#include <fmt/format.h>

#include "core/text_rules.hpp"
#include "crypto/sm3.hpp"
#include "db/dialect.hpp"
#include "db/prepared.hpp"
#include "db/row_value.hpp"

namespace yiwang::audit {

namespace {

constexpr std::size_t kMaxText = 512;
constexpr std::size_t kMaxDetail = 4000;
const std::string kGenesis(64, '0');

// Cuts text to at most `max` bytes without splitting a UTF-8 sequence.
std::string cut(const std::string& s, std::size_t max) {
  if (s.empty()) return "-";
  return core::cut_utf8(s, max);
}

std::string now_millis() {
  auto now = std::chrono::floor<std::chrono::milliseconds>(std::chrono::system_clock::now());
  return fmt::format("{:%Y-%m-%dT%H:%M:%S}Z", now);
}

void field(std::string& out, std::string_view name, std::string_view value) {
  out += name;
  out += '=';
  out += std::to_string(value.size());
  out += ':';
  out += value;
  out += '\n';
}

const char* const kColumns =
    "id, occurred_at, account, organ, source, event, object, outcome, request_id, detail, "
    "chain_seq, prev_hash, hash";

AuditRecord from_row(const soci::row& r) {
  AuditRecord a;
  a.id = db::row_int64(r, 0);
  a.occurred_at = r.get<std::string>(1);
  a.event.account = r.get<std::string>(2);
  a.event.organ = r.get<std::string>(3);
  a.event.source = r.get<std::string>(4);
  a.event.event = r.get<std::string>(5);
  a.event.object = r.get<std::string>(6);
  a.event.success = r.get<std::string>(7) == "success";
  a.event.request_id = r.get<std::string>(8);
  a.event.detail = r.get<std::string>(9);
  if (r.get_indicator(10) == soci::i_ok) a.chain_seq = db::row_int64(r, 10);
  if (r.get_indicator(11) == soci::i_ok) a.prev_hash = r.get<std::string>(11);
  if (r.get_indicator(12) == soci::i_ok) a.hash = r.get<std::string>(12);
  return a;
}

std::string chain_hash(const std::string& prev_hash, const AuditRecord& r) {
  crypto::Sm3 h;
  h.update(prev_hash);
  h.update(canonical_record(r));
  return crypto::to_hex(h.finish());
}

}  // namespace

std::string canonical_record(const AuditRecord& r) {
  std::string out;
  field(out, "id", std::to_string(r.id));
  field(out, "seq", r.chain_seq ? std::to_string(*r.chain_seq) : "");
  field(out, "at", r.occurred_at);
  field(out, "account", r.event.account);
  field(out, "organ", r.event.organ);
  field(out, "source", r.event.source);
  field(out, "event", r.event.event);
  field(out, "object", r.event.object);
  field(out, "outcome", r.event.success ? "success" : "failure");
  field(out, "request", r.event.request_id);
  field(out, "detail", r.event.detail);
  return out;
}

std::vector<db::Migration> AuditLog::migrations() {
  return {{"audit", 1, "audit records and hash chain",
           R"(CREATE TABLE audit_records (
  id ${id},
  occurred_at TEXT NOT NULL,
  account TEXT NOT NULL,
  organ TEXT NOT NULL,
  source TEXT NOT NULL,
  event TEXT NOT NULL,
  object TEXT NOT NULL,
  outcome TEXT NOT NULL,
  request_id TEXT NOT NULL,
  detail TEXT NOT NULL,
  chain_seq BIGINT UNIQUE,
  prev_hash TEXT,
  hash TEXT
);
CREATE INDEX audit_records_time ON audit_records (occurred_at);
CREATE INDEX audit_records_account ON audit_records (account, occurred_at);
CREATE TABLE audit_chain_head (
  id INTEGER PRIMARY KEY,
  chain_seq BIGINT NOT NULL,
  hash TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
)"}};
}

void AuditLog::record(soci::session& s, const AuditEvent& e) {
  std::string at = now_millis();
  std::string account = cut(e.account, kMaxText), organ = cut(e.organ, kMaxText),
              source = cut(e.source, kMaxText), event = cut(e.event, kMaxText),
              object = cut(e.object, kMaxText), outcome = e.success ? "success" : "failure",
              request = cut(e.request_id, kMaxText), detail = cut(e.detail, kMaxDetail);
  db::execute(s,
              "INSERT INTO audit_records (occurred_at, account, organ, source, event, object, "
              "outcome, request_id, detail) VALUES (:at, :account, :organ, :source, :event, "
              ":object, :outcome, :request, :detail)",
              at, account, organ, source, event, object, outcome, request, detail);
}

void AuditLog::record(const AuditEvent& event) {
  db_.transaction([&](soci::session& s) { record(s, event); });
}

Result<int> AuditLog::seal(std::size_t batch) {
  try {
    return db_.transaction([&](soci::session& s) -> Result<int> {
      // One sealer at a time: SQLite's BEGIN IMMEDIATE already serialises
      // writers; on PostgreSQL several nodes take turns on an advisory lock.
      if (db_.engine() == db::Engine::postgresql) s << "SELECT pg_advisory_xact_lock(7413)";
      long long seq = 0;
      std::string head = kGenesis;
      soci::indicator ind = soci::i_null;
      s << "SELECT chain_seq, hash FROM audit_chain_head WHERE id = 1", soci::into(seq, ind),
          soci::into(head);
      if (!s.got_data() || ind != soci::i_ok) {
        seq = 0;
        head = kGenesis;
      }
      std::vector<AuditRecord> pending;
      {
        long long limit = static_cast<long long>(batch);
        soci::rowset<soci::row> rows =
            (s.prepare << std::string("SELECT ") + kColumns +
                              " FROM audit_records WHERE chain_seq IS NULL ORDER BY id LIMIT :n",
             soci::use(limit));
        for (const auto& r : rows) pending.push_back(from_row(r));
      }
      if (pending.empty()) return 0;
      for (auto& r : pending) {
        r.chain_seq = ++seq;
        r.prev_hash = head;
        r.hash = chain_hash(head, r);
        head = r.hash;
        long long chain_seq = *r.chain_seq;
        s << "UPDATE audit_records SET chain_seq = :seq, prev_hash = :prev, hash = :hash "
             "WHERE id = :id AND chain_seq IS NULL",
            soci::use(chain_seq), soci::use(r.prev_hash), soci::use(r.hash), soci::use(r.id);
      }
      std::string now = db::utc_now();
      s << "DELETE FROM audit_chain_head WHERE id = 1";
      s << "INSERT INTO audit_chain_head (id, chain_seq, hash, updated_at) VALUES (1, :seq, :hash, "
           ":at)",
          soci::use(seq), soci::use(head), soci::use(now);
      return static_cast<int>(pending.size());
    });
  } catch (const std::exception& e) {
    return fail("audit.seal_failed", "", {{"detail", e.what()}});
  }
}

Result<VerifyReport> AuditLog::verify(Progress& progress) {
  VerifyReport report;
  for (;;) {
    auto n = seal();
    if (!n) return std::unexpected(n.error());
    if (*n == 0) break;
    report.unsealed += *n;
  }
  try {
    auto s = db_.acquire();
    long long total = 0;
    *s << "SELECT COUNT(*) FROM audit_records", soci::into(total);
    long long expected_seq = 1;
    std::string prev = kGenesis;
    soci::rowset<soci::row> rows =
        (s->prepare << std::string("SELECT ") + kColumns +
                           " FROM audit_records WHERE chain_seq IS NOT NULL ORDER BY chain_seq");
    auto broken = [&](const AuditRecord& r, const char* reason) {
      report.intact = false;
      report.first_broken_id = r.id;
      report.first_broken_seq = r.chain_seq;
      report.reason = reason;
    };
    for (const auto& row : rows) {
      AuditRecord r = from_row(row);
      if (*r.chain_seq != expected_seq) {
        broken(r, "gap");  // a record before this one was deleted
        break;
      }
      if (r.prev_hash != prev) {
        broken(r, "previous");
        break;
      }
      if (chain_hash(prev, r) != r.hash) {
        broken(r, "hash");  // this record was changed
        break;
      }
      prev = r.hash;
      ++expected_seq;
      ++report.sealed;
      if (report.sealed % 1000 == 0)
        progress.update("audit", static_cast<std::uint64_t>(report.sealed),
                        static_cast<std::uint64_t>(total));
    }
    if (report.intact) {
      long long head_seq = 0;
      std::string head_hash;
      soci::indicator ind = soci::i_null;
      *s << "SELECT chain_seq, hash FROM audit_chain_head WHERE id = 1", soci::into(head_seq, ind),
          soci::into(head_hash);
      bool has_head = s->got_data() && ind == soci::i_ok;
      if ((has_head && (head_seq != expected_seq - 1 || head_hash != prev)) ||
          (!has_head && report.sealed > 0)) {
        report.intact = false;
        report.reason = "head";  // the newest records were removed
        report.first_broken_seq = expected_seq;
      }
    }
    progress.update("audit", static_cast<std::uint64_t>(report.sealed),
                    static_cast<std::uint64_t>(total));
    progress.finish("audit");
  } catch (const std::exception& e) {
    return fail("audit.verify_failed", "", {{"detail", e.what()}});
  }
  return report;
}

Result<std::vector<AuditRecord>> AuditLog::find(const Filter& f) {
  std::vector<AuditRecord> out;
  try {
    auto s = db_.acquire();
    std::string sql = std::string("SELECT ") + kColumns + " FROM audit_records WHERE 1 = 1";
    // Every filter value is bound; only the fixed clauses are composed.
    std::string account = f.account, organ = f.organ, event = f.event, from = f.from, to = f.to;
    if (!account.empty()) sql += " AND account = :account";
    if (!organ.empty()) sql += " AND organ = :organ";
    // An event name matches itself and the events below it:
    // "identity.signin" finds "identity.signin.failed" too.
    std::string below;
    if (!event.empty()) {
      for (char c : event) {
        if (c == '%' || c == '_' || c == '!') below += '!';
        below += c;
      }
      below += ".%";
      sql += " AND (event = :event OR event LIKE :below ESCAPE '!')";
    }
    if (!from.empty()) sql += " AND occurred_at >= :from_time";
    if (!to.empty()) sql += " AND occurred_at <= :to_time";
    sql += " ORDER BY id DESC LIMIT :lim OFFSET :off";
    long long limit = static_cast<long long>(std::min<std::size_t>(f.limit, 1000));
    long long offset = static_cast<long long>(f.offset);
    soci::statement st(*s);
    st.alloc();
    st.prepare(sql);
    soci::row row;
    st.exchange(soci::into(row));
    if (!account.empty()) st.exchange(soci::use(account, "account"));
    if (!organ.empty()) st.exchange(soci::use(organ, "organ"));
    if (!event.empty()) {
      st.exchange(soci::use(event, "event"));
      st.exchange(soci::use(below, "below"));
    }
    if (!from.empty()) st.exchange(soci::use(from, "from_time"));
    if (!to.empty()) st.exchange(soci::use(to, "to_time"));
    st.exchange(soci::use(limit, "lim"));
    st.exchange(soci::use(offset, "off"));
    st.define_and_bind();
    st.execute(false);
    while (st.fetch()) out.push_back(from_row(row));
  } catch (const std::exception& e) {
    return fail("audit.query_failed", "", {{"detail", e.what()}});
  }
  return out;
}

}  // namespace yiwang::audit
