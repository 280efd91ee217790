#include "audit/audit_sealer.hpp"

#include <spdlog/spdlog.h>

namespace yiwang::audit {

AuditSealer::AuditSealer(AuditLog& log, std::chrono::milliseconds interval)
    : log_(log), interval_(interval), thread_([this] { run(); }) {}

AuditSealer::~AuditSealer() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  thread_.join();
}

void AuditSealer::run() {
  std::unique_lock lock(mu_);
  for (;;) {
    bool stopping = cv_.wait_for(lock, interval_, [this] { return stop_; });
    lock.unlock();
    // Seal everything pending, in batches.
    for (;;) {
      auto n = log_.seal();
      if (!n) {
        spdlog::error("audit sealer: {}", n.error().params["detail"]);
        break;
      }
      if (*n == 0) break;
    }
    lock.lock();
    if (stopping) return;
  }
}

}  // namespace yiwang::audit
