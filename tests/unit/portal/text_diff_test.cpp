// Differences between article versions: the body line by line, in order,
// and the fields that changed.
#include <gtest/gtest.h>

#include "portal/text_diff.hpp"

using namespace yiwang::portal;

namespace {

std::string render(const std::vector<DiffLine>& lines) {
  std::string out;
  for (const auto& l : lines)
    out += (l.change == LineChange::same    ? " "
            : l.change == LineChange::added ? "+"
                                            : "-") +
           l.text + "\n";
  return out;
}

}  // namespace

TEST(TextDiff, KeepsCommonLinesAndMarksTheRest) {
  auto d = diff_lines({"一", "二", "三", "四"}, {"一", "二改", "三", "四", "五"});
  EXPECT_EQ(render(d), " 一\n-二\n+二改\n 三\n 四\n+五\n");
}

TEST(TextDiff, EmptySides) {
  EXPECT_EQ(render(diff_lines({}, {"新"})), "+新\n");
  EXPECT_EQ(render(diff_lines({"旧"}, {})), "-旧\n");
  EXPECT_TRUE(diff_lines({}, {}).empty());
}

TEST(TextDiff, VeryLongTextsAreComparedAsWholes) {
  std::vector<std::string> a(2001, "行"), b(2001, "行");
  b[1000] = "改";
  auto d = diff_lines(a, b);
  EXPECT_EQ(d.size(), 4002u);
  EXPECT_EQ(d.front().change, LineChange::removed);
  EXPECT_EQ(d.back().change, LineChange::added);
}

TEST(TextDiff, ArticlesDifferByFieldAndBody) {
  Article a, b;
  a.title = "旧标题";
  b.title = "新标题";
  a.doc_number = b.doc_number = "示政发〔2026〕1号";
  a.body_html = "<p>第一段</p><p>第二段</p>";
  b.body_html = "<p>第一段</p><p>第二段改</p>";
  b.files.push_back({"abc", "附件.pdf", "application/pdf", 10});
  auto d = diff_articles(a, b);
  ASSERT_EQ(d.fields.size(), 1u);
  EXPECT_EQ(d.fields[0].field, "title");
  EXPECT_EQ(d.fields[0].before, "旧标题");
  EXPECT_EQ(d.fields[0].after, "新标题");
  EXPECT_EQ(render(d.body), " 第一段\n-第二段\n+第二段改\n");
  EXPECT_TRUE(d.files_changed);
  auto same = diff_articles(a, a);
  EXPECT_TRUE(same.fields.empty());
  EXPECT_TRUE(same.body.empty());
  EXPECT_FALSE(same.files_changed);
}
