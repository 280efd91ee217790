// Statements prepared once per pooled session and executed many times.
//
// Parsing SQL costs SQLite (and PostgreSQL) more than running a short
// statement does, so the hot writes of a transaction — a workflow step's
// task, token, instance and history rows, an audit record — go through
// db::execute, which keeps one prepared statement per SQL text for each
// session of a Database pool and binds fresh values each time. On a session
// that no Database owns (a test's own connection) it prepares the statement
// for that call only; the result is the same.
#pragma once

#include <soci/soci.h>

#include <functional>
#include <string>

#include "db/row_value.hpp"

namespace yiwang::db {

namespace detail {
// Runs sql on s after bind(statement) has exchanged its use() values and
// returns the number of rows the statement affected.
long long execute_with(soci::session& s, const std::string& sql,
                       const std::function<void(soci::statement&)>& bind);
// The pool registers its sessions so their statements can be kept, and
// forgets them (finalizing the statements) before it closes them.
void keep_statements_of(soci::session& s);
// Runs sql on s after bind, calling each(row) for every row it returns (all
// rows are read, so the statement is finished when this returns).
void query_with(soci::session& s, const std::string& sql,
                const std::function<void(soci::statement&)>& bind,
                const std::function<void(const soci::row&)>& each);
void forget_statements_of(soci::session& s);
}  // namespace detail

// Runs sql, a statement without results, with values bound to its
// placeholders in order; returns the number of rows it affected. The values
// must stay alive for the call (they do: they are references).
template <class... T>
long long execute(soci::session& s, const std::string& sql, const T&... values) {
  return detail::execute_with(s, sql,
                              [&](soci::statement& st) { (st.exchange(soci::use(values)), ...); });
}

// Runs sql, a query (or a write with RETURNING), with values bound to its
// placeholders in order, calling each(row) for every row. each may run other
// statements on the same session (they get statements of their own).
template <class... T>
void query(soci::session& s, const std::string& sql,
           const std::function<void(const soci::row&)>& each, const T&... values) {
  detail::query_with(
      s, sql, [&](soci::statement& st) { (st.exchange(soci::use(values)), ...); }, each);
}

// Runs an INSERT … RETURNING id with values bound in order; the new row's id.
template <class... T>
long long insert_returning_id(soci::session& s, const std::string& sql, const T&... values) {
  long long id = 0;
  query(
      s, sql, [&](const soci::row& r) { id = row_int64(r, 0); }, values...);
  return id;
}

}  // namespace yiwang::db
