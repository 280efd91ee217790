// Enumerations stored and shown by name: a table of (value, name) pairs and
// the two look-ups, so each module lists its names once.
#pragma once

#include <array>
#include <cstddef>
#include <optional>
#include <string_view>
#include <utility>

namespace yiwang::core {

template <class E, std::size_t N>
using NameTable = std::array<std::pair<E, std::string_view>, N>;

// The name of a value; the first entry's name for a value not in the table.
template <class E, std::size_t N>
std::string_view name_in(const NameTable<E, N>& table, E value) {
  for (const auto& [e, n] : table)
    if (e == value) return n;
  return table[0].second;
}

// The value of a name, or nullopt.
template <class E, std::size_t N>
std::optional<E> parse_in(const NameTable<E, N>& table, std::string_view name) {
  for (const auto& [e, n] : table)
    if (n == name) return e;
  return std::nullopt;
}

}  // namespace yiwang::core
