// Rendered public pages kept in memory, keyed by zone, language and URL
// (path plus query). Only responses of cacheable routes that the handler
// marked cacheable are stored, and only for requests without a session, so a
// cached page never carries anyone's personal data. Publishing modules
// invalidate exactly the URLs a change affects (or a prefix of them).
// Thread-safe; lookups take a shared lock.
#pragma once

#include <chrono>
#include <cstddef>
#include <memory>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "http/zone.hpp"

namespace yiwang::http {

struct CachedPage {
  int status = 200;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  std::string gzip;  // empty when not worth compressing
  std::string etag;
  std::chrono::steady_clock::time_point expires;
};

class PageCache {
 public:
  explicit PageCache(std::size_t max_entries = 10000);

  // The page, unless absent or expired.
  std::shared_ptr<const CachedPage> find(Zone zone, std::string_view lang,
                                         std::string_view url) const;
  void store(Zone zone, std::string_view lang, std::string_view url, CachedPage page);
  // Drops the pages whose URL path equals `path` (any query, any language).
  void invalidate(std::string_view path);
  // Drops the pages whose URL starts with `prefix`.
  void invalidate_prefix(std::string_view prefix);
  void clear();
  std::size_t size() const;

 private:
  static std::string key(Zone zone, std::string_view lang, std::string_view url);
  std::size_t max_entries_;
  mutable std::shared_mutex mu_;
  std::unordered_map<std::string, std::shared_ptr<const CachedPage>> pages_;
};

}  // namespace yiwang::http
