// Files under web/static served on every zone at /static/…, kept in memory
// with a strong ETag (SHA-256 of the content) and a gzip copy where it helps.
// A file is re-read when its size or modification time changes.
// Thread-safe.
#pragma once

#include <filesystem>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>

namespace yiwang::http {

struct StaticFile {
  std::string content;
  std::string gzip;  // empty when not worth compressing
  std::string etag;  // quoted
  std::string content_type;
  std::filesystem::file_time_type mtime;
  std::uintmax_t size = 0;
};

class StaticFiles {
 public:
  explicit StaticFiles(std::filesystem::path root);

  // The file at a relative path already checked by safe_static_path(), or
  // nullptr when it does not exist or is not a regular file.
  std::shared_ptr<const StaticFile> get(const std::string& relative);

 private:
  std::filesystem::path root_;
  std::mutex mu_;
  std::unordered_map<std::string, std::shared_ptr<const StaticFile>> cache_;
};

}  // namespace yiwang::http
