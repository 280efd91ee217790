#include "app/master_key.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "crypto/keyring.hpp"

namespace yiwang::app {

std::filesystem::path master_key_path(const Config& config) {
  return config.master_key_file.is_absolute() ? config.master_key_file
                                              : config.data_dir / config.master_key_file;
}

Result<crypto::Secret> read_master_secret(const Config& config) {
  auto too_short = [](const std::string& where) {
    return fail("crypto.master.too_short", "",
                {{"min", std::to_string(crypto::kMasterSecretMinimum)}, {"path", where}});
  };
  if (!config.master_key.empty()) {
    if (config.master_key.size() < crypto::kMasterSecretMinimum)
      return too_short("YIWANG_MASTER_KEY");
    return crypto::Secret(config.master_key);
  }
  std::filesystem::path path = master_key_path(config);
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0)
    return fail("crypto.master.missing", "", {{"path", path.string()}});
  if (st.st_mode & (S_IRWXG | S_IRWXO))
    return fail("crypto.master.permissions", "", {{"path", path.string()}});
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  std::string text = ss.str();
  crypto::Secret secret(text);
  crypto::wipe(text);
  // Whitespace around the secret (a final newline) is not part of it.
  std::string_view v = secret.view();
  while (!v.empty() && std::isspace(static_cast<unsigned char>(v.back()))) v.remove_suffix(1);
  while (!v.empty() && std::isspace(static_cast<unsigned char>(v.front()))) v.remove_prefix(1);
  if (v.size() < crypto::kMasterSecretMinimum) return too_short(path.string());
  return crypto::Secret(std::string(v));
}

Result<bool> ensure_master_key_file(const Config& config) {
  if (!config.master_key.empty()) return false;
  std::filesystem::path path = master_key_path(config);
  std::error_code ec;
  if (std::filesystem::exists(path, ec)) return false;
  std::filesystem::create_directories(path.parent_path(), ec);
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0)
    return fail("cli.cannot_create", "",
                {{"path", path.string()}, {"detail", std::strerror(errno)}});
  std::string text = crypto::hex(crypto::random_bytes(32)) + "\n";
  bool ok = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size()) &&
            ::fsync(fd) == 0;
  ::close(fd);
  crypto::wipe(text);
  if (!ok) {
    std::filesystem::remove(path, ec);
    return fail("cli.cannot_create", "", {{"path", path.string()}, {"detail", "write failed"}});
  }
  return true;
}

}  // namespace yiwang::app
