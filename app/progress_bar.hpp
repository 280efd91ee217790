// Progress shown to whoever runs a long command: a bar redrawn in place on a
// terminal, plain lines (at most one per 10 %) when the output is a file or a
// pipe, so logs stay readable.
#pragma once

#include <cstdio>
#include <string>

#include "core/progress.hpp"

namespace yiwang::app {

class ProgressBar final : public Progress {
 public:
  // Writes to `out` (standard error by default); `terminal` says whether to
  // draw a bar (default: whether `out` is a terminal).
  explicit ProgressBar(std::FILE* out = stderr);
  ProgressBar(std::FILE* out, bool terminal);

  void update(std::string_view what, std::uint64_t done, std::uint64_t total) override;
  void finish(std::string_view what) override;

 private:
  std::FILE* out_;
  bool terminal_;
  int last_step_ = -1;  // last tenth printed in line mode
  bool drawn_ = false;
};

}  // namespace yiwang::app
