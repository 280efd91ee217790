#include "http/static_files.hpp"

#include <fstream>
#include <sstream>

#include <fmt/format.h>
#include <openssl/evp.h>

#include "http/gzip.hpp"
#include "http/static_path.hpp"

namespace yiwang::http {

namespace {
std::string sha256_hex(std::string_view data) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(data.data(), data.size(), md, &len, EVP_sha256(), nullptr);
  std::string out;
  for (unsigned i = 0; i < 16 && i < len; ++i) out += fmt::format("{:02x}", md[i]);
  return out;
}
}  // namespace

StaticFiles::StaticFiles(std::filesystem::path root) : root_(std::move(root)) {}

std::shared_ptr<const StaticFile> StaticFiles::get(const std::string& relative) {
  std::error_code ec;
  std::filesystem::path full = root_ / relative;
  auto status = std::filesystem::symlink_status(full, ec);
  if (ec || !std::filesystem::is_regular_file(status)) return nullptr;
  auto mtime = std::filesystem::last_write_time(full, ec);
  if (ec) return nullptr;
  auto size = std::filesystem::file_size(full, ec);
  if (ec) return nullptr;
  {
    std::lock_guard lock(mu_);
    auto it = cache_.find(relative);
    if (it != cache_.end() && it->second->mtime == mtime && it->second->size == size)
      return it->second;
  }
  std::ifstream in(full, std::ios::binary);
  if (!in) return nullptr;
  std::ostringstream ss;
  ss << in.rdbuf();
  auto file = std::make_shared<StaticFile>();
  file->content = ss.str();
  file->content_type = std::string(mime_type_for(relative));
  file->etag = "\"" + sha256_hex(file->content) + "\"";
  file->mtime = mtime;
  file->size = size;
  if (worth_compressing(file->content_type, file->content.size())) {
    if (auto gz = gzip_compress(file->content); gz && gz->size() < file->content.size())
      file->gzip = std::move(*gz);
  }
  std::lock_guard lock(mu_);
  cache_[relative] = file;
  return file;
}

}  // namespace yiwang::http
