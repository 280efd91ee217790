#include "app/progress_bar.hpp"

#include <unistd.h>

#include <fmt/format.h>

namespace yiwang::app {

ProgressBar::ProgressBar(std::FILE* out) : ProgressBar(out, ::isatty(::fileno(out)) == 1) {}

ProgressBar::ProgressBar(std::FILE* out, bool terminal) : out_(out), terminal_(terminal) {}

void ProgressBar::update(std::string_view what, std::uint64_t done, std::uint64_t total) {
  if (terminal_) {
    constexpr int kWidth = 30;
    int filled = total ? static_cast<int>(kWidth * done / total) : 0;
    int percent = total ? static_cast<int>(100 * done / total) : 0;
    std::string bar(static_cast<std::size_t>(filled), '#');
    bar.resize(kWidth, '.');
    fmt::print(out_, "\r{} [{}] {:3d}% {}/{}", what, bar, percent, done, total);
    std::fflush(out_);
    drawn_ = true;
    return;
  }
  int step = total ? static_cast<int>(10 * done / total) : 0;
  if (step == last_step_) return;
  last_step_ = step;
  fmt::print(out_, "{}: {}/{} ({}%)\n", what, done, total, total ? 100 * done / total : 0);
  std::fflush(out_);
}

void ProgressBar::finish(std::string_view) {
  if (terminal_ && drawn_) fmt::print(out_, "\n");
  std::fflush(out_);
  last_step_ = -1;
  drawn_ = false;
}

}  // namespace yiwang::app
