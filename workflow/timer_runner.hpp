// The background thread of `serve` that fires the workflow timers as they
// fall due (every interval, default 10 seconds). Several server processes on
// one database may each run one: a timer row is claimed by exactly one.
#pragma once

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "workflow/engine.hpp"

namespace yiwang::workflow {

class TimerRunner {
 public:
  explicit TimerRunner(Engine& engine,
                       std::chrono::milliseconds interval = std::chrono::seconds(10));
  ~TimerRunner();
  TimerRunner(const TimerRunner&) = delete;
  TimerRunner& operator=(const TimerRunner&) = delete;

 private:
  void run();
  Engine& engine_;
  std::chrono::milliseconds interval_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;
  std::thread thread_;
};

}  // namespace yiwang::workflow
