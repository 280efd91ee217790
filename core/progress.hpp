// Progress of a long job (an import, migrations over many rows), reported by
// the code doing the work and shown by whoever started it: a bar on a
// terminal, plain lines in a log.
#pragma once

#include <cstdint>
#include <string_view>

namespace yiwang {

class Progress {
 public:
  virtual ~Progress() = default;
  // `done` of `total` units of `what` are finished (total 0: unknown).
  virtual void update(std::string_view what, std::uint64_t done, std::uint64_t total) = 0;
  // The job is over.
  virtual void finish(std::string_view what) = 0;
};

// A Progress that shows nothing.
class NoProgress final : public Progress {
 public:
  void update(std::string_view, std::uint64_t, std::uint64_t) override {}
  void finish(std::string_view) override {}
};

}  // namespace yiwang
