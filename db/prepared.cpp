#include "db/prepared.hpp"

#include <memory>
#include <mutex>
#include <shared_mutex>
#include <unordered_map>

namespace yiwang::db::detail {

namespace {

// The statements of one session. Only the thread holding the session's lease
// touches it, so it needs no lock of its own.
struct Kept {
  std::unordered_map<std::string, soci::statement> statements;
  // Calls under way on this session: a statement run from inside another's
  // row callback gets a statement of its own, so the running one is neither
  // reused nor dropped from under it.
  int depth = 0;
};

// A bound on the statements kept per session: the engine has a few dozen
// distinct writes; anything beyond this is not a hot path.
constexpr std::size_t kMaxKept = 256;

std::shared_mutex registry_mu;
std::unordered_map<const soci::session*, std::unique_ptr<Kept>>& registry() {
  static std::unordered_map<const soci::session*, std::unique_ptr<Kept>> r;
  return r;
}

Kept* kept_for(const soci::session& s) {
  std::shared_lock lock(registry_mu);
  auto it = registry().find(&s);
  return it == registry().end() ? nullptr : it->second.get();
}

// Binds, runs and unbinds: the statement keeps its prepared form only.
long long run(soci::statement& st, const std::function<void(soci::statement&)>& bind) {
  struct Unbind {
    soci::statement& st;
    ~Unbind() { st.bind_clean_up(); }
  } unbind{st};
  bind(st);
  st.define_and_bind();
  st.execute(true);
  return st.get_affected_rows();
}

}  // namespace

void keep_statements_of(soci::session& s) {
  std::unique_lock lock(registry_mu);
  registry().try_emplace(&s, std::make_unique<Kept>());
}

void forget_statements_of(soci::session& s) {
  std::unique_ptr<Kept> gone;
  {
    std::unique_lock lock(registry_mu);
    auto it = registry().find(&s);
    if (it == registry().end()) return;
    gone = std::move(it->second);
    registry().erase(it);
  }
  // Statements are finalized here, while their session is still open.
}

namespace {

// The kept statement for sql on s, or nullptr when s is not a pool's session.
soci::statement* kept_statement(soci::session& s, const std::string& sql, Kept*& kept) {
  kept = kept_for(s);
  if (!kept || kept->depth > 0) return nullptr;
  auto it = kept->statements.find(sql);
  if (it == kept->statements.end()) {
    if (kept->statements.size() >= kMaxKept) kept->statements.clear();
    soci::statement st(s);
    st.alloc();
    st.prepare(sql);
    it = kept->statements.emplace(sql, std::move(st)).first;
  }
  return &it->second;
}

// Runs use(statement) on the kept statement for sql (or a statement of its
// own when s has none kept). A kept statement that failed is not trusted
// again: the next call prepares a fresh one.
template <class F>
auto with_statement(soci::session& s, const std::string& sql, F&& use) {
  Kept* kept = nullptr;
  soci::statement* st = kept_statement(s, sql, kept);
  if (!st) {
    soci::statement own(s);
    own.alloc();
    own.prepare(sql);
    return use(own);
  }
  struct Depth {
    int& depth;
    explicit Depth(int& d) : depth(d) { ++depth; }
    ~Depth() { --depth; }
  } running(kept->depth);
  try {
    return use(*st);
  } catch (...) {
    kept->statements.erase(sql);
    throw;
  }
}

}  // namespace

long long execute_with(soci::session& s, const std::string& sql,
                       const std::function<void(soci::statement&)>& bind) {
  return with_statement(s, sql, [&](soci::statement& st) { return run(st, bind); });
}

void query_with(soci::session& s, const std::string& sql,
                const std::function<void(soci::statement&)>& bind,
                const std::function<void(const soci::row&)>& each) {
  with_statement(s, sql, [&](soci::statement& st) {
    struct Unbind {
      soci::statement& st;
      ~Unbind() { st.bind_clean_up(); }
    } unbind{st};
    // The order of soci's own rowset: bind the uses, then let the row
    // define itself (defining it twice is an error).
    soci::row r;
    bind(st);
    st.define_and_bind();
    st.exchange_for_rowset(soci::into(r));
    st.execute(false);
    while (st.fetch()) each(r);
  });
}

}  // namespace yiwang::db::detail
