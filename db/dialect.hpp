// The few places where SQLite and PostgreSQL differ, in one file.
//
// Migration SQL may use these tokens:
//   ${id}         an auto-increment 64-bit primary key column type
//   ${blob}       binary data (BLOB / BYTEA)
//   ${now}        the current UTC time as ISO 8601 text
// Everything else must be SQL both engines accept.
#pragma once

#include <string>
#include <string_view>

#include "db/database.hpp"

namespace yiwang::db {

// Expands the tokens above for an engine.
std::string dialect_sql(Engine engine, std::string_view sql);

// The current UTC time as "YYYY-MM-DDTHH:MM:SSZ" (computed in the program, so
// both engines store the same text).
std::string utc_now();

}  // namespace yiwang::db
