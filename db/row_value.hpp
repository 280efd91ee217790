// Reading integer columns from a dynamic soci::row the same way on both
// engines: SQLite reports an INTEGER primary key as a 32-bit integer where
// PostgreSQL reports BIGINT, and soci::row::get<T> wants the exact type.
#pragma once

#include <cstddef>

#include <soci/soci.h>

namespace yiwang::db {

// The column as a 64-bit integer, whatever integer type the engine reported.
long long row_int64(const soci::row& row, std::size_t column);

}  // namespace yiwang::db
