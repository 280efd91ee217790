// Progress of long commands: a bar redrawn in place on a terminal, at most one
// plain line per tenth otherwise.
#include <cstdio>

#include <gtest/gtest.h>

#include "app/progress_bar.hpp"

namespace {
std::string read_all(std::FILE* f) {
  std::rewind(f);
  std::string out;
  char buf[256];
  std::size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) out.append(buf, n);
  return out;
}

int count(const std::string& s, const std::string& what) {
  int n = 0;
  for (auto pos = s.find(what); pos != std::string::npos; pos = s.find(what, pos + 1)) ++n;
  return n;
}
}  // namespace

TEST(ProgressBar, PlainLinesAtMostOnePerTenth) {
  std::FILE* f = std::tmpfile();
  yiwang::app::ProgressBar bar(f, false);
  for (int i = 0; i <= 1000; ++i) bar.update("divisions", i, 1000);
  bar.finish("divisions");
  std::string out = read_all(f);
  std::fclose(f);
  EXPECT_EQ(count(out, "\n"), 11) << out;  // 0 %, 10 %, … 100 %
  EXPECT_NE(out.find("divisions: 1000/1000 (100%)\n"), std::string::npos) << out;
  EXPECT_EQ(out.find('\r'), std::string::npos);
}

TEST(ProgressBar, TerminalBarRedrawsInPlace) {
  std::FILE* f = std::tmpfile();
  yiwang::app::ProgressBar bar(f, true);
  bar.update("migrations", 1, 4);
  bar.update("migrations", 4, 4);
  bar.finish("migrations");
  std::string out = read_all(f);
  std::fclose(f);
  EXPECT_EQ(count(out, "\r"), 2);
  EXPECT_NE(out.find("[##############################] 100% 4/4"), std::string::npos) << out;
  EXPECT_TRUE(out.ends_with("\n"));
}
