#include "http/page_cache.hpp"

#include <mutex>

namespace yiwang::http {

PageCache::PageCache(std::size_t max_entries) : max_entries_(max_entries) {}

std::string PageCache::key(Zone zone, std::string_view lang, std::string_view url) {
  std::string k;
  k.reserve(url.size() + lang.size() + 4);
  k += static_cast<char>('0' + static_cast<int>(zone));
  k += ' ';
  k += lang;
  k += ' ';
  k += url;
  return k;
}

std::shared_ptr<const CachedPage> PageCache::find(Zone zone, std::string_view lang,
                                                  std::string_view url) const {
  std::string k = key(zone, lang, url);
  std::shared_lock lock(mu_);
  auto it = pages_.find(k);
  if (it == pages_.end() || it->second->expires <= std::chrono::steady_clock::now()) return nullptr;
  return it->second;
}

void PageCache::store(Zone zone, std::string_view lang, std::string_view url, CachedPage page) {
  auto p = std::make_shared<const CachedPage>(std::move(page));
  std::unique_lock lock(mu_);
  if (pages_.size() >= max_entries_) pages_.clear();  // crude bound; pages re-render on demand
  pages_[key(zone, lang, url)] = std::move(p);
}

namespace {
// The URL part of a key: after "<zone> <lang> ".
std::string_view url_of(const std::string& k) {
  auto first = k.find(' ');
  auto second = k.find(' ', first + 1);
  return std::string_view(k).substr(second + 1);
}
}  // namespace

void PageCache::invalidate(std::string_view path) {
  std::unique_lock lock(mu_);
  std::erase_if(pages_, [&](const auto& kv) {
    std::string_view url = url_of(kv.first);
    return url == path ||
           (url.starts_with(path) && url.size() > path.size() && url[path.size()] == '?');
  });
}

void PageCache::invalidate_prefix(std::string_view prefix) {
  std::unique_lock lock(mu_);
  std::erase_if(pages_, [&](const auto& kv) { return url_of(kv.first).starts_with(prefix); });
}

void PageCache::clear() {
  std::unique_lock lock(mu_);
  pages_.clear();
}

std::size_t PageCache::size() const {
  std::shared_lock lock(mu_);
  return pages_.size();
}

}  // namespace yiwang::http
