// What every page shows about the site: its name and the filing numbers the
// footer must carry (政府网站标识码, ICP备案号, 公安机关备案号). Comes from the
// configuration; the demo city and the portal administration may change the
// name at run time, so readers take a copy under the lock.
#pragma once

#include <mutex>
#include <string>

namespace yiwang::render {

struct SiteInfo {
  std::string name;
  std::string code;           // 政府网站标识码
  std::string icp_record;     // ICP备案号
  std::string police_record;  // 公安机关备案号
  std::string base_url;       // canonical public address (may be empty)
};

// The site information shared by all handlers. Thread-safe.
class Site {
 public:
  explicit Site(SiteInfo info) : info_(std::move(info)) {}
  SiteInfo get() const {
    std::lock_guard lock(mu_);
    return info_;
  }
  void set_name(std::string name) {
    std::lock_guard lock(mu_);
    info_.name = std::move(name);
  }

 private:
  mutable std::mutex mu_;
  SiteInfo info_;
};

}  // namespace yiwang::render
