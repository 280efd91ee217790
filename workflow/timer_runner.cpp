#include "workflow/timer_runner.hpp"

#include <spdlog/spdlog.h>

namespace yiwang::workflow {

TimerRunner::TimerRunner(Engine& engine, std::chrono::milliseconds interval)
    : engine_(engine), interval_(interval), thread_([this] { run(); }) {}

TimerRunner::~TimerRunner() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  thread_.join();
}

void TimerRunner::run() {
  std::unique_lock lock(mu_);
  for (;;) {
    if (cv_.wait_for(lock, interval_, [this] { return stop_; })) return;
    lock.unlock();
    // Fire what is due, a batch at a time, until nothing is.
    for (int batch = 0; batch < 100; ++batch) {
      auto n = engine_.fire_due_timers(100);
      if (!n) {
        spdlog::error("workflow timers: {} {}", n.error().key, n.error().params["detail"]);
        break;
      }
      if (*n == 0) break;
    }
    lock.lock();
  }
}

}  // namespace yiwang::workflow
