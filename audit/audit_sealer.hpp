// The background sealer: links new audit records into the hash chain every
// interval (default one second), so the chain is never more than a few
// seconds behind the records. One per server process; several processes on
// one database may each run one (the chain's unique sequence keeps them from
// both sealing the same record).
#pragma once

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "audit/audit_log.hpp"

namespace yiwang::audit {

class AuditSealer {
 public:
  explicit AuditSealer(AuditLog& log, std::chrono::milliseconds interval = std::chrono::seconds(1));
  // Seals once more and stops.
  ~AuditSealer();
  AuditSealer(const AuditSealer&) = delete;
  AuditSealer& operator=(const AuditSealer&) = delete;

 private:
  void run();
  AuditLog& log_;
  std::chrono::milliseconds interval_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;
  std::thread thread_;
};

}  // namespace yiwang::audit
