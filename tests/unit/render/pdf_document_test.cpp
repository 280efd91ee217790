// Official documents as PDF: what poppler-utils read back from the file (text
// by pdftotext, page count and metadata by pdfinfo, word boxes by pdftotext
// -bbox, pixels by pdftoppm) shows every part of the document, in the GB/T
// 9704 layout, flowing over pages without running into the page number; text
// is shown literally; bad input is refused with the catalogued keys.
//
// poppler-utils is a test dependency (scripts/lib.sh installs it): without
// pdftotext, pdfinfo and pdftoppm these tests fail rather than skip.
#include <cairo.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <regex>
#include <set>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "render/pdf_document.hpp"
#include "render/seal_image.hpp"
#include "tests/support/catalogue_file.hpp"
#include "tests/support/test_server.hpp"

using yiwang::render::PdfBlock;
using yiwang::render::PdfDocument;
using yiwang::render::PdfFact;
using yiwang::render::render_pdf;
using Kind = yiwang::render::PdfBlock::Kind;

namespace {

// The page in PDF points, as the renderer lays it out (GB/T 9704).
constexpr double kMm = 72.0 / 25.4;
constexpr double kPageWidth = 210 * kMm;
constexpr double kLeft = 28 * kMm;
constexpr double kRight = kPageWidth - 26 * kMm;  // right edge of the text area
constexpr double kTop = 37 * kMm;
constexpr double kBottom = (297 - 35) * kMm;  // bottom edge of the text area
constexpr double kBody = 15.75;

struct Output {
  int status = -1;
  std::string out;
};

Output run(const std::string& command) {
  Output r;
  FILE* pipe = popen((command + " 2>/dev/null").c_str(), "r");
  if (!pipe) return r;
  char buffer[65536];
  for (std::size_t n; (n = fread(buffer, 1, sizeof buffer, pipe)) > 0;) r.out.append(buffer, n);
  r.status = pclose(pipe);
  return r;
}

// Text without any white space: pdftotext's layout spaces and line breaks
// (and where a line wraps) do not matter to what the text says.
std::string squash(std::string_view s) {
  std::string out;
  for (char c : s)
    if (c != ' ' && c != '\n' && c != '\t' && c != '\f' && c != '\r') out += c;
  return out;
}

bool contains(std::string_view haystack, std::string_view needle) {
  return haystack.find(needle) != std::string_view::npos;
}

int count(std::string_view haystack, std::string_view needle) {
  int n = 0;
  for (std::size_t p = haystack.find(needle); p != std::string_view::npos;
       p = haystack.find(needle, p + needle.size()))
    ++n;
  return n;
}

std::string repeat(std::string_view s, int n) {
  std::string out;
  for (int i = 0; i < n; ++i) out += s;
  return out;
}

std::string unescape(std::string s) {
  static const std::vector<std::pair<std::string, std::string>> entities = {
      {"&lt;", "<"},  {"&gt;", ">"},   {"&quot;", "\""},
      {"&#39;", "'"}, {"&apos;", "'"}, {"&amp;", "&"}};
  for (const auto& [from, to] : entities)
    for (std::size_t p = s.find(from); p != std::string::npos; p = s.find(from, p + to.size()))
      s.replace(p, from.size(), to);
  return s;
}

struct Word {
  int page;  // from 1
  double x0, y0, x1, y1;
  std::string text;
};

// A rendered page as pixels (pdftoppm at 72 dpi: one pixel per point).
class Raster {
 public:
  explicit Raster(const std::filesystem::path& png)
      : surface_(cairo_image_surface_create_from_png(png.c_str())) {
    cairo_surface_flush(surface_);
  }
  ~Raster() { cairo_surface_destroy(surface_); }
  Raster(const Raster&) = delete;
  Raster& operator=(const Raster&) = delete;

  bool ok() const { return cairo_surface_status(surface_) == CAIRO_STATUS_SUCCESS; }
  int width() const { return cairo_image_surface_get_width(surface_); }
  int height() const { return cairo_image_surface_get_height(surface_); }
  struct Pixel {
    int r, g, b;
  };
  Pixel at(int x, int y) const {
    const unsigned char* row =
        cairo_image_surface_get_data(surface_) + y * cairo_image_surface_get_stride(surface_);
    const std::uint32_t p = reinterpret_cast<const std::uint32_t*>(row)[x];
    return {int((p >> 16) & 0xFF), int((p >> 8) & 0xFF), int(p & 0xFF)};
  }
  // Pixels in the rectangle (points) that satisfy `test`.
  template <class Test>
  int count(double x0, double y0, double x1, double y1, Test test) const {
    int n = 0;
    for (int y = std::max(0, int(y0)); y < std::min(height(), int(y1)); ++y)
      for (int x = std::max(0, int(x0)); x < std::min(width(), int(x1)); ++x)
        if (test(at(x, y))) ++n;
    return n;
  }

 private:
  cairo_surface_t* surface_;
};

bool red(Raster::Pixel p) { return p.r > 170 && p.g < 90 && p.b < 90; }
bool dark(Raster::Pixel p) { return p.r < 60 && p.g < 60 && p.b < 60; }
bool ink(Raster::Pixel p) { return p.r < 200 || p.g < 200 || p.b < 200; }

class PdfTest : public ::testing::Test {
 protected:
  // Renders the document, expecting success, and keeps the file.
  std::string render(const PdfDocument& d) {
    auto r = render_pdf(d);
    EXPECT_TRUE(r) << (r ? "" : r.error().key + " " + r.error().field);
    pdf_ = r ? *r : std::string{};
    path_ = dir_.path() / ("doc" + std::to_string(++files_) + ".pdf");
    std::ofstream(path_, std::ios::binary) << pdf_;
    return pdf_;
  }

  std::string tool(const std::string& command) {
    const Output r = run(command);
    EXPECT_EQ(r.status, 0) << command << " failed: are poppler-utils installed?";
    return r.out;
  }

  // The text of the last rendered document, or of pages first..last.
  std::string text(int first = 0, int last = 0) {
    std::string range;
    if (first > 0) range = " -f " + std::to_string(first) + " -l " + std::to_string(last);
    return tool("pdftotext -layout -enc UTF-8" + range + " " + path_.string() + " -");
  }

  std::string info() { return tool("pdfinfo -enc UTF-8 " + path_.string()); }

  // One line of pdfinfo's output ("Title", "Author", "Page size", ...).
  std::string info(const std::string& name) {
    const std::string s = info();
    const std::regex re("(^|\n)" + name + ":[ ]+([^\n]*)");
    std::smatch m;
    if (!std::regex_search(s, m, re)) {
      ADD_FAILURE() << "no " << name << " in pdfinfo output: " << s;
      return {};
    }
    return m[2];
  }

  int pages() {
    static const std::regex re(R"(Pages:\s+(\d+))");
    const std::string s = info();
    std::smatch m;
    if (!std::regex_search(s, m, re)) {
      ADD_FAILURE() << "no page count in pdfinfo output: " << s;
      return 0;
    }
    return std::stoi(m[1]);
  }

  // Every word pdftotext finds, with its box in points.
  std::vector<Word> words() {
    const std::string html = tool("pdftotext -bbox -enc UTF-8 " + path_.string() + " -");
    static const std::regex re(
        R"re(<page |<word xMin="([-0-9.]+)" yMin="([-0-9.]+)" xMax="([-0-9.]+)" yMax="([-0-9.]+)">([^<]*)</word>)re");
    std::vector<Word> out;
    int page = 0;
    for (auto it = std::sregex_iterator(html.begin(), html.end(), re); it != std::sregex_iterator();
         ++it) {
      const auto& m = *it;
      if (m.str() == "<page ") {
        ++page;
        continue;
      }
      out.push_back({page, std::stod(m[1]), std::stod(m[2]), std::stod(m[3]), std::stod(m[4]),
                     unescape(m[5])});
    }
    EXPECT_FALSE(out.empty());
    return out;
  }

  // The first word holding `needle` (or exactly `needle`), or an empty word
  // on page 0.
  Word word(std::string_view needle, bool exact = false) {
    for (const Word& w : words())
      if (exact ? w.text == needle : contains(w.text, needle)) return w;
    ADD_FAILURE() << "no word holds " << needle;
    return {};
  }

  // Page `page` of the last rendered document as pixels.
  std::unique_ptr<Raster> raster(int page) {
    const std::filesystem::path prefix = dir_.path() / ("page" + std::to_string(++files_));
    tool("pdftoppm -r 72 -png -singlefile -f " + std::to_string(page) + " -l " +
         std::to_string(page) + " " + path_.string() + " " + prefix.string());
    auto r = std::make_unique<Raster>(prefix.string() + ".png");
    EXPECT_TRUE(r->ok());
    return r;
  }

  yiwang::test::TempDir dir_;
  std::filesystem::path path_;
  std::string pdf_;
  int files_ = 0;
};

PdfDocument notice() {
  PdfDocument d;
  d.title = "受理通知书";
  d.number = "示市监受〔2026〕12号";
  d.addressee = "张三：";
  d.blocks = {
      {.kind = Kind::paragraph,
       .text =
           "你于2026年11月20日提出的食品经营许可申请，经审查，符合受理条件，本机关决定予以受理。"},
      {.kind = Kind::facts,
       .facts = {{"申请人", "张三"},
                 {"申请事项", "食品经营许可（新办）"},
                 {"受理编号", "SL-2026-000123"}}},
      {.kind = Kind::heading, .text = "一、需要提交的材料"},
      {.kind = Kind::numbered_list, .items = {"营业执照复印件", "经营场所使用证明"}},
      {.kind = Kind::spacer},
      {.kind = Kind::paragraph, .text = "特此通知。"},
  };
  d.organ = "示范市市场监督管理局";
  d.date = "2026年11月28日";
  return d;
}

PdfDocument long_document(int paragraphs) {
  PdfDocument d = notice();
  d.blocks.clear();
  for (int i = 1; i <= paragraphs; ++i)
    d.blocks.push_back(
        {.kind = Kind::paragraph,
         .text = "第" + std::to_string(i) + "段：" +
                 "本机关依照《中华人民共和国行政许可法》的规定对申请材料进行审查。"});
  return d;
}

std::string seal() {
  auto png = yiwang::render::seal_png({"示范市市场监督管理局", "行政审批专用章"});
  EXPECT_TRUE(png);
  return png ? *png : std::string{};
}

void expect_error(const PdfDocument& d, const std::string& key, const std::string& field,
                  const std::map<std::string, std::string>& params = {}) {
  auto r = render_pdf(d);
  ASSERT_FALSE(r) << "expected " << key;
  EXPECT_EQ(r.error().key, key);
  EXPECT_EQ(r.error().field, field);
  EXPECT_EQ(r.error().params, params);
}

}  // namespace

// --- Content ----------------------------------------------------------------

TEST_F(PdfTest, ShowsEveryPartOfTheDocument) {
  PdfDocument d = notice();
  d.footer = "本文书由示范市政务服务平台生成";
  d.qr_text = "https://zw.example.gov.cn/verify/SL-2026-000123";
  d.qr_caption = "扫码核验 https://zw.example.gov.cn/verify/SL-2026-000123";
  const std::string pdf = render(d);
  ASSERT_TRUE(pdf.starts_with("%PDF-"));
  EXPECT_TRUE(pdf.ends_with("%%EOF\n") || pdf.ends_with("%%EOF")) << pdf.substr(pdf.size() - 10);

  const std::string all = text();
  const std::string s = squash(all);
  for (const char* part :
       {"受理通知书", "示市监受〔2026〕12号", "张三：", "你于2026年11月20日提出的食品经营许可申请",
        "符合受理条件，本机关决定予以受理。", "申请人：", "申请事项：", "食品经营许可（新办）",
        "受理编号：", "SL-2026-000123", "一、需要提交的材料", "1.营业执照复印件",
        "2.经营场所使用证明", "特此通知。", "示范市市场监督管理局", "2026年11月28日",
        "本文书由示范市政务服务平台生成", "扫码核验", "—1—"})
    EXPECT_TRUE(contains(s, squash(part))) << part << "\n" << all;
  // In reading order.
  std::size_t at = 0;
  for (const char* part :
       {"受理通知书", "示市监受", "张三：", "你于", "申请人：", "一、需要", "1.营业", "2.经营",
        "特此通知", "示范市市场监督管理局", "2026年11月28日"}) {
    const std::size_t next = s.find(squash(part), at);
    EXPECT_NE(next, std::string::npos) << part << " out of order";
    if (next != std::string::npos) at = next;
  }

  EXPECT_EQ(pages(), 1);
  EXPECT_EQ(info("Title"), "受理通知书");
  EXPECT_EQ(info("Author"), "示范市市场监督管理局");
  EXPECT_EQ(info("Creator"), "Yiwang");
  EXPECT_EQ(info("Page size"), "595.276 x 841.89 pts (A4)");
}

TEST_F(PdfTest, MetadataCanBeGivenAndMultiLineTitlesAreFlattened) {
  PdfDocument d = notice();
  d.title = "关于准予示范科技有限公司\n食品经营许可的决定书";
  d.metadata_author = "示范市政务服务平台";
  render(d);
  EXPECT_EQ(info("Title"), "关于准予示范科技有限公司 食品经营许可的决定书");
  EXPECT_EQ(info("Author"), "示范市政务服务平台");
  // Two centred lines.
  const std::vector<Word> ws = words();
  const auto first = std::find_if(
      ws.begin(), ws.end(), [](const Word& w) { return w.text == "关于准予示范科技有限公司"; });
  const auto second = std::find_if(ws.begin(), ws.end(),
                                   [](const Word& w) { return w.text == "食品经营许可的决定书"; });
  ASSERT_NE(first, ws.end());
  ASSERT_NE(second, ws.end());
  EXPECT_GT(second->y0, first->y1 - 1);
  EXPECT_NEAR((first->x0 + first->x1) / 2, (kLeft + kRight) / 2, 2.0);
  EXPECT_NEAR((second->x0 + second->x1) / 2, (kLeft + kRight) / 2, 2.0);

  d.metadata_title = "准予许可决定书 <SL-1>";
  render(d);
  EXPECT_EQ(info("Title"), "准予许可决定书 <SL-1>");
}

TEST_F(PdfTest, FollowsTheOfficialLayout) {
  PdfDocument d = notice();
  d.blocks.push_back({.kind = Kind::paragraph, .text = repeat("审查", 30)});
  render(d);
  // Title: bold 22 pt, centred, at the top of the text area.
  const Word title = word("受理通知书");
  EXPECT_NEAR((title.x0 + title.x1) / 2, (kLeft + kRight) / 2, 2.0);
  EXPECT_NEAR(title.x1 - title.x0, 5 * 22.0, 2.0);
  EXPECT_GE(title.y0, kTop - 1);
  EXPECT_LT(title.y0, kTop + 20);
  // The addressee is flush left; paragraphs are indented two characters.
  EXPECT_NEAR(word("张三：").x0, kLeft, 1.0);
  EXPECT_NEAR(word("你于").x0, kLeft + 2 * kBody, 1.0);
  EXPECT_NEAR(word("特此通知").x0, kLeft + 2 * kBody, 1.0);
  // A full line holds 28 characters and ends at the right margin.
  const Word full = word("审查审查");
  EXPECT_NEAR(full.x0, kLeft + 2 * kBody, 1.0);
  EXPECT_NEAR(full.x1, kLeft + 28 * kBody, 1.0);
  EXPECT_LE(full.x1, kRight + 0.5);
  // Fact labels are indented like paragraphs; values line up in a column
  // after the widest label ("申请事项：", five characters).
  EXPECT_NEAR(word("申请人：").x0, kLeft + 2 * kBody, 1.0);
  EXPECT_NEAR(word("张三", true).x0, kLeft + 2 * kBody + 5 * kBody, 1.0);
  // Without a seal the organ and the date keep two characters from the right
  // margin, the organ centred over the date.
  const Word date = word("2026年11月28日");
  const Word organ = word("示范市市场监督管理局");
  EXPECT_NEAR(std::max(date.x1, organ.x1), kRight - 2 * kBody, 1.0);
  EXPECT_NEAR((organ.x0 + organ.x1) / 2, (date.x0 + date.x1) / 2, 1.0);
  EXPECT_GT(date.y0, organ.y0);
  // The page number sits below the text area, centred.
  const std::vector<Word> ws = words();
  double number_x0 = 1e9, number_x1 = 0, number_y = 0;
  for (const Word& w : ws)
    if (w.text == "—" || w.text == "1") {
      number_x0 = std::min(number_x0, w.x0);
      number_x1 = std::max(number_x1, w.x1);
      number_y = w.y0;
    }
  EXPECT_GT(number_y, kBottom);
  EXPECT_LT(number_y, kBottom + 12 * kMm);
  EXPECT_NEAR((number_x0 + number_x1) / 2, (kLeft + kRight) / 2, 2.0);
}

TEST_F(PdfTest, LongDocumentsFlowOntoNumberedPages) {
  render(long_document(300));
  const int n = pages();
  EXPECT_GE(n, 3);
  const std::string s = squash(text());
  for (int i = 1; i <= n; ++i)
    EXPECT_EQ(count(s, "—" + std::to_string(i) + "—"), 1) << "page number " << i;
  EXPECT_EQ(count(s, "—" + std::to_string(n + 1) + "—"), 0);
  for (int i = 1; i <= 300; ++i)
    EXPECT_EQ(count(s, "第" + std::to_string(i) + "段："), 1) << "paragraph " << i;
  // Page 2 holds its own number only.
  const std::string page2 = squash(text(2, 2));
  EXPECT_TRUE(contains(page2, "—2—"));
  EXPECT_FALSE(contains(page2, "—1—"));
  // The closing is on the last page.
  EXPECT_TRUE(contains(squash(text(n, n)), "示范市市场监督管理局"));
  // Nothing runs outside the text area but the page number.
  for (const Word& w : words()) {
    const bool page_number = w.text == "—" || w.text == std::to_string(w.page);
    if (page_number) {
      EXPECT_GT(w.y0, kBottom) << "page " << w.page;
      continue;
    }
    EXPECT_GE(w.y0, kTop - 1) << w.text << " on page " << w.page;
    EXPECT_LE(w.y1, kBottom + 1) << w.text << " on page " << w.page;
    EXPECT_GE(w.x0, kLeft - 0.5) << w.text;
    EXPECT_LE(w.x1, kRight + 0.5) << w.text;
  }
}

TEST_F(PdfTest, FooterOnEveryPage) {
  PdfDocument d = long_document(120);
  d.footer = "FOOTER-LINE 示范市政务服务平台";
  render(d);
  const int n = pages();
  EXPECT_GE(n, 2);
  EXPECT_EQ(count(text(), "FOOTER-LINE"), n);
  for (const Word& w : words()) {
    if (w.text == "FOOTER-LINE") {
      EXPECT_GT(w.y0, kBottom + 10 * kMm);
    }
  }
}

TEST_F(PdfTest, HostileTextAppearsLiterally) {
  PdfDocument d = notice();
  d.title = "<b>决定书</b> & 通知";
  d.addressee = "'; DROP TABLE x; --";
  d.blocks = {
      {.kind = Kind::paragraph, .text = "<script>alert(1)</script>"},
      {.kind = Kind::paragraph, .text = "'; DROP TABLE x; --"},
      {.kind = Kind::paragraph,
       .text = "全角ＡＢＣ１２３和&amp;与<span foreground=\"red\">x</span>"},
      {.kind = Kind::facts, .facts = {{"<i>标签</i>", "%s%n{0}\\N"}}},
      {.kind = Kind::numbered_list, .items = {"<u>一</u>"}},
  };
  d.organ = "示范市<市场>监督管理局&";
  d.footer = "<footer>";
  render(d);
  const std::string s = squash(text());
  for (const char* part :
       {"<b>决定书</b>&通知", "';DROPTABLEx;--", "<script>alert(1)</script>", "全角ＡＢＣ１２３",
        "和&amp;与<spanforeground=\"red\">x</span>", "<i>标签</i>：", "%s%n{0}\\N", "1.<u>一</u>",
        "示范市<市场>监督管理局&", "<footer>"})
    EXPECT_TRUE(contains(s, squash(part))) << part << "\n" << s;
  EXPECT_EQ(count(s, "';DROPTABLEx;--"), 2);
}

TEST_F(PdfTest, VeryLongWordsAndValuesWrap) {
  PdfDocument d = notice();
  const std::string word20k(20000, 'x');
  const std::string value(3000, 'b');
  d.blocks = {{.kind = Kind::paragraph, .text = word20k},
              {.kind = Kind::facts, .facts = {{"经营范围", value}, {"名称", "示范科技有限公司"}}}};
  render(d);
  EXPECT_GE(pages(), 2);
  const std::string s = text();
  EXPECT_EQ(count(s, "x"), 20000);
  EXPECT_EQ(count(s, "b"), 3000);
  EXPECT_TRUE(contains(s, "示范科技有限公司"));
  for (const Word& w : words()) {
    EXPECT_LE(w.x1, kRight + 0.5) << w.text.substr(0, 20) << " on page " << w.page;
    EXPECT_GE(w.x0, kLeft - 0.5);
    if (w.text != "—" && w.text != std::to_string(w.page)) {
      EXPECT_LE(w.y1, kBottom + 1) << w.text.substr(0, 20) << " on page " << w.page;
    }
  }
}

// A paragraph longer than pango measures in one go (its widths are 32-bit)
// is laid out a piece at a time without seams: every line but the first
// (indented) and the last is full. The limit counts characters, not bytes.
TEST_F(PdfTest, VeryLongParagraphsHaveNoSeams) {
  PdfDocument d = notice();
  d.blocks = {{.kind = Kind::paragraph, .text = repeat("国", 140000)}};
  render(d);
  EXPECT_GE(pages(), 200);
  const std::string s = text();
  EXPECT_EQ(count(s, "国"), 140000);
  std::vector<int> per_line;
  std::size_t start = 0;
  while (start < s.size()) {
    std::size_t end = s.find('\n', start);
    if (end == std::string::npos) end = s.size();
    const int n = count(std::string_view(s).substr(start, end - start), "国");
    if (n > 0) per_line.push_back(n);
    start = end + 1;
  }
  ASSERT_GT(per_line.size(), 4000u);
  EXPECT_EQ(per_line.front(), 26);
  for (std::size_t i = 1; i + 1 < per_line.size(); ++i) ASSERT_EQ(per_line[i], 28) << "line " << i;
}

TEST_F(PdfTest, LineBreaksAndLeadingSpaces) {
  PdfDocument d = notice();
  d.blocks = {
      {.kind = Kind::paragraph, .text = "\u3000\u3000第一行内容\r\n  第二行内容\n第三行内容"}};
  render(d);
  const Word first = word("第一行内容"), second = word("第二行内容"), third = word("第三行内容");
  // Each line is its own paragraph, indented two characters (the typed
  // indentation is dropped, not added to the renderer's).
  for (const Word& w : {first, second, third}) EXPECT_NEAR(w.x0, kLeft + 2 * kBody, 1.0) << w.text;
  EXPECT_GT(second.y0, first.y1 - 1);
  EXPECT_GT(third.y0, second.y1 - 1);
}

// --- Pagination rules ---------------------------------------------------------

TEST_F(PdfTest, HeadingsStayWithTheFollowingLine) {
  // Whatever the amount of text before it, the heading is never the last
  // line of a page.
  bool moved = false;
  for (int n = 6; n <= 24; ++n) {
    PdfDocument d = long_document(n);
    d.blocks.push_back({.kind = Kind::heading, .text = "HEADING-MARK"});
    d.blocks.push_back({.kind = Kind::paragraph, .text = "AFTER-MARK"});
    render(d);
    const Word heading = word("HEADING-MARK"), after = word("AFTER-MARK");
    EXPECT_EQ(heading.page, after.page) << n;
    if (heading.page > 1 && heading.y0 < kTop + 10) moved = true;
  }
  EXPECT_TRUE(moved) << "no case moved the heading to the top of a page";
}

TEST_F(PdfTest, ClosingComesWithTheLastLineOfTheBody) {
  const std::string seal_png = seal();
  for (bool sealed : {false, true}) {
    bool moved = false;
    for (int n = 6; n <= 24; ++n) {
      PdfDocument d = long_document(n);
      d.blocks.push_back({.kind = Kind::paragraph, .text = "LAST-MARK"});
      if (sealed) d.seal_png = seal_png;
      render(d);
      const Word last = word("LAST-MARK"), organ = word("示范市市场监督管理局");
      const Word date = word("2026年11月28日");
      EXPECT_EQ(last.page, organ.page) << n;
      EXPECT_EQ(date.page, organ.page) << n;
      EXPECT_LE(date.y1, kBottom + 1);
      if (last.page > 1 && last.y0 < kTop + 10) moved = true;
    }
    EXPECT_TRUE(moved) << sealed;
  }
}

// --- Seal and QR code ---------------------------------------------------------

TEST_F(PdfTest, SealIsDrawnRedOverOrganAndDate) {
  PdfDocument d = notice();
  const std::string plain = render(d);
  {
    const auto page = raster(1);
    ASSERT_TRUE(page->ok());
    EXPECT_NEAR(page->width(), 595, 1);
    EXPECT_EQ(page->count(0, 0, page->width(), page->height(), red), 0);
  }
  d.seal_png = seal();
  const std::string sealed = render(d);
  EXPECT_GT(sealed.size(), plain.size() + 10000);
  EXPECT_EQ(pages(), 1);
  EXPECT_TRUE(contains(squash(text()), "示范市市场监督管理局2026年11月28日"));
  // The date now keeps four characters from the right margin.
  const Word date = word("2026年11月28日"), organ = word("示范市市场监督管理局");
  EXPECT_NEAR(std::max(date.x1, organ.x1), kRight - 4 * kBody, 1.0);
  // The seal (42 mm) is centred on organ and date, which lie a little (6.3
  // mm) below its centre.
  const double r = 21 * kMm;
  const double cx = (organ.x0 + organ.x1) / 2, cy = (organ.y0 + date.y1) / 2 - 6.3 * kMm;
  const auto page = raster(1);
  ASSERT_TRUE(page->ok());
  const int all = page->count(0, 0, page->width(), page->height(), red);
  EXPECT_GT(all, 1000);
  EXPECT_EQ(page->count(cx - r - 3, cy - r - 3, cx + r + 3, cy + r + 3, red), all);
  EXPECT_GT(page->count(cx - r - 3, cy - r - 3, cx + r + 3, cy - r + 5, red), 0);  // the ring's top
  EXPECT_GT(page->count(cx - r - 3, cy + r - 5, cx + r + 3, cy + r + 3, red), 0);  // its bottom
  EXPECT_GT(page->count(cx - 5, cy - 5, cx + 5, cy + 5, red), 20);                 // the star
  // More red above organ and date than below them.
  EXPECT_GT(page->count(cx - r, cy - r - 3, cx + r, organ.y0, red),
            page->count(cx - r, date.y1, cx + r, cy + r + 3, red));
}

TEST_F(PdfTest, QrCodeAtTheBottomLeftOfTheLastPage) {
  PdfDocument d = notice();
  render(d);
  const double qr = 25 * kMm;
  {
    const auto page = raster(1);
    ASSERT_TRUE(page->ok());
    EXPECT_EQ(page->count(kLeft, kBottom - qr, kLeft + qr, kBottom, ink), 0);
  }
  d.qr_text = "https://zw.example.gov.cn/verify/SL-2026-000123?c=8F3A";
  d.qr_caption = "扫码核验本文书真伪";
  render(d);
  EXPECT_EQ(pages(), 1);
  EXPECT_TRUE(contains(squash(text()), "扫码核验本文书真伪"));
  const auto page = raster(1);
  ASSERT_TRUE(page->ok());
  const int dark_pixels = page->count(kLeft, kBottom - qr, kLeft + qr, kBottom, dark);
  const int area = static_cast<int>(qr * qr);
  EXPECT_GT(dark_pixels, area / 6);
  EXPECT_LT(dark_pixels, area * 2 / 3);
  // Finder patterns: the centres of the top left and bottom left ones are
  // dark (13.5 pt in from the corner is within them for versions 3 and 4),
  // the quiet zone is not.
  EXPECT_TRUE(dark(page->at(int(kLeft + 13.5), int(kBottom - qr + 13.5))));
  EXPECT_TRUE(dark(page->at(int(kLeft + 13.5), int(kBottom - 13.5))));
  EXPECT_EQ(page->count(kLeft, kBottom - qr, kLeft + 4, kBottom, dark), 0);  // quiet zone
  // The caption is right of the code.
  const Word caption = word("扫码核验本文书真伪");
  EXPECT_GT(caption.x0, kLeft + qr);
  EXPECT_GT(caption.y0, kBottom - qr);
  EXPECT_LT(caption.y1, kBottom + 1);
}

// On the last page the QR code and its caption take the bottom left corner:
// the caption wraps so as to end left of the closing, and when the closing
// itself reaches into the corner (a long organ name), it moves to a new page
// with the last line of the body.
TEST_F(PdfTest, QrCornerKeepsClearOfText) {
  const double qr = 25 * kMm;
  for (bool long_organ : {false, true}) {
    bool pushed = false;
    for (int n = 6; n <= 24; ++n) {
      PdfDocument d = long_document(n);
      d.blocks.push_back({.kind = Kind::paragraph, .text = "LAST-MARK"});
      if (long_organ) d.organ = "示范省示范市示范区市场监督管理局行政审批服务科";
      render(d);
      const int without = pages();
      d.qr_text = "https://zw.example.gov.cn/verify/" + std::to_string(n);
      d.qr_caption = "扫码核验 https://zw.example.gov.cn/verify/SL-2026-000123 本通知书的真伪";
      render(d);
      const int last = pages();
      if (last > without) pushed = true;
      EXPECT_EQ(word("LAST-MARK").page, last) << n;
      EXPECT_EQ(word("2026年11月28日").page, last) << n;
      // The caption: the small words at the bottom of the last page.
      const std::vector<Word> ws = words();
      double cx0 = 1e9, cy0 = 1e9, cx1 = 0, cy1 = 0;
      std::string caption;
      auto is_caption = [&](const Word& w) {
        return w.page == last && w.y1 < kBottom + 1 && w.y1 - w.y0 < 16;  // 9 pt, not 15.75
      };
      for (const Word& w : ws)
        if (is_caption(w)) {
          caption += w.text;
          cx0 = std::min(cx0, w.x0), cy0 = std::min(cy0, w.y0);
          cx1 = std::max(cx1, w.x1), cy1 = std::max(cy1, w.y1);
        }
      std::string seen;  // for the failure message
      for (const Word& w : ws)
        if (w.page == last)
          seen += w.text + " " + std::to_string(w.y0) + ".." + std::to_string(w.y1) + "\n";
      EXPECT_EQ(caption, squash(d.qr_caption)) << n << "\n" << seen;
      EXPECT_GT(cx0, kLeft + qr);
      EXPECT_GT(cy0, kBottom - qr);
      for (const Word& w : ws) {
        if (w.page != last || is_caption(w) || w.y0 > kBottom) continue;
        const bool in_code = w.x0 < kLeft + qr && w.y1 > kBottom - qr;
        const bool in_caption = w.x0 < cx1 && w.x1 > cx0 && w.y1 > cy0 && w.y0 < cy1;
        EXPECT_FALSE(in_code || in_caption) << n << ": " << w.text;
      }
    }
    EXPECT_EQ(pushed, long_organ) << "the closing moves to a new page only when it must";
  }
}

// --- Input checks ---------------------------------------------------------------

TEST(PdfInput, RequiresTitleAndOrgan) {
  PdfDocument d = notice();
  d.title = "";
  expect_error(d, "render.pdf.title_empty", "title");
  d.title = " \u3000\n ";
  expect_error(d, "render.pdf.title_empty", "title");
  d = notice();
  d.organ = "";
  expect_error(d, "render.pdf.organ_empty", "organ");
  d.organ = "\u3000";
  expect_error(d, "render.pdf.organ_empty", "organ");
  d = notice();
  d.blocks.clear();
  d.number = d.addressee = d.date = "";
  EXPECT_TRUE(render_pdf(d));  // everything else is optional
}

TEST(PdfInput, RejectsInvalidUtf8NamingTheField) {
  for (const std::string& bad : {std::string("示范\xff"), std::string("\xe7\xa4"),
                                 std::string("\xc0\xaf"), std::string("\xed\xa0\x80")}) {
    for (auto [member, field] :
         {std::pair{&PdfDocument::title, "title"}, std::pair{&PdfDocument::number, "number"},
          std::pair{&PdfDocument::addressee, "addressee"}, std::pair{&PdfDocument::organ, "organ"},
          std::pair{&PdfDocument::date, "date"}, std::pair{&PdfDocument::footer, "footer"},
          std::pair{&PdfDocument::qr_text, "qr_text"},
          std::pair{&PdfDocument::qr_caption, "qr_caption"},
          std::pair{&PdfDocument::metadata_title, "metadata_title"},
          std::pair{&PdfDocument::metadata_author, "metadata_author"}}) {
      PdfDocument d = notice();
      d.*member = bad;
      expect_error(d, "render.pdf.encoding", field);
    }
    PdfDocument d = notice();
    d.blocks[0].text = bad;
    expect_error(d, "render.pdf.encoding", "blocks", {{"block", "1"}});
    d = notice();
    d.blocks[1].facts[2].value = bad;
    expect_error(d, "render.pdf.encoding", "blocks", {{"block", "2"}});
    d = notice();
    d.blocks[3].items[1] = bad;
    expect_error(d, "render.pdf.encoding", "blocks", {{"block", "4"}});
  }
}

TEST(PdfInput, RejectsControlCharacters) {
  const std::vector<std::string> controls = {
      "a\tb",     "a\rb",     "a\x01z",  std::string("a\0b", 3), "a\x7f", "a\u0085b",
      "a\u202eb", "a\u2028b", "\ufeffab"};
  for (const std::string& bad : controls) {
    PdfDocument d = notice();
    d.blocks[0].text = bad;
    expect_error(d, "render.pdf.control_char", "blocks", {{"block", "1"}});
    d = notice();
    d.blocks[2].text = bad;
    expect_error(d, "render.pdf.control_char", "blocks", {{"block", "3"}});
    d = notice();
    d.blocks[1].facts[0].label = bad;
    expect_error(d, "render.pdf.control_char", "blocks", {{"block", "2"}});
    d = notice();
    d.title = bad;
    expect_error(d, "render.pdf.control_char", "title");
    d = notice();
    d.number = bad;
    expect_error(d, "render.pdf.control_char", "number");
    d = notice();
    d.qr_text = bad;
    expect_error(d, "render.pdf.control_char", "qr_text");
  }
  // Line breaks are allowed in running text, not in one-line fields.
  PdfDocument d = notice();
  d.blocks[0].text = "第一段\n第二段\r\n第三段";
  d.blocks[1].facts[0].value = "张三\n李四";
  d.blocks[3].items[0] = "第一项\n续";
  d.title = "关于\n决定";
  d.organ = "示范市市场监督管理局\n示范市卫生健康委员会";
  d.qr_caption = "扫码\n核验";
  EXPECT_TRUE(render_pdf(d));
  for (auto [member, field] :
       {std::pair{&PdfDocument::number, "number"}, std::pair{&PdfDocument::addressee, "addressee"},
        std::pair{&PdfDocument::date, "date"}, std::pair{&PdfDocument::footer, "footer"},
        std::pair{&PdfDocument::metadata_author, "metadata_author"}}) {
    d = notice();
    d.*member = "第一行\n第二行";
    expect_error(d, "render.pdf.control_char", field);
  }
  d = notice();
  d.blocks[1].facts[0].label = "申请\n人";
  expect_error(d, "render.pdf.control_char", "blocks", {{"block", "2"}});
}

TEST(PdfInput, LimitsTheLengthOfTheWholeDocument) {
  const std::map<std::string, std::string> max = {{"max", "200000"}};
  PdfDocument d = notice();
  d.blocks = {{.kind = Kind::paragraph, .text = std::string(200001, 'a')}};
  expect_error(d, "render.pdf.too_long", "blocks", max);
  // Counted over all fields together, in characters.
  d.blocks = {{.kind = Kind::paragraph, .text = repeat("国", 100000)},
              {.kind = Kind::facts, .facts = {{"名称", repeat("国", 100000)}}}};
  expect_error(d, "render.pdf.too_long", "blocks", max);
  // Empty blocks and rows count too.
  d.blocks.assign(200001, PdfBlock{.kind = Kind::spacer});
  expect_error(d, "render.pdf.too_long", "blocks", max);
  d.blocks = {{.kind = Kind::numbered_list, .items = std::vector<std::string>(200001)}};
  expect_error(d, "render.pdf.too_long", "blocks", max);
}

TEST(PdfInput, RejectsWhatIsNotASealPng) {
  const std::string good = seal();
  std::string huge = good;  // the header claims 100000 × 100000 pixels
  huge[16] = 0, huge[17] = 1, huge[18] = static_cast<char>(0x86),
  huge[19] = static_cast<char>(0xA0);
  huge[20] = 0, huge[21] = 1, huge[22] = static_cast<char>(0x86),
  huge[23] = static_cast<char>(0xA0);
  for (const std::string& bad :
       {std::string("not a png"), std::string("\x89PNG\r\n\x1a\n", 8),
        std::string("\x89PNG\r\n\x1a\n", 8) + std::string(100, 'x'),
        good.substr(0, good.size() / 2), std::string("GIF89a") + good.substr(6), huge}) {
    PdfDocument d = notice();
    d.seal_png = bad;
    expect_error(d, "render.pdf.bad_seal", "seal_png");
  }
}

TEST(PdfInput, LimitsTheQrText) {
  PdfDocument d = notice();
  d.qr_text = std::string(1001, 'a');
  expect_error(d, "render.pdf.qr_too_long", "qr_text", {{"max", "1000"}});
  d.qr_text = std::string(1000, 'a');
  EXPECT_TRUE(render_pdf(d));
  d.qr_text = repeat("码", 334);  // 1002 bytes
  expect_error(d, "render.pdf.qr_too_long", "qr_text", {{"max", "1000"}});
}

TEST(PdfInput, UnknownBlockKindsAreRefused) {
  PdfDocument d = notice();
  d.blocks.push_back({.kind = static_cast<Kind>(99), .text = "?"});
  expect_error(d, "render.pdf.render_failed", "blocks",
               {{"block", "7"}, {"detail", "unknown block kind"}});
}

TEST(PdfInput, EveryErrorKeyIsCataloguedInBothLanguages) {
  const std::map<std::string, std::set<std::string>> keys = {
      {"render.pdf.title_empty", {}},
      {"render.pdf.organ_empty", {}},
      {"render.pdf.encoding", {}},
      {"render.pdf.control_char", {}},
      {"render.pdf.too_long", {"max"}},
      {"render.pdf.bad_seal", {}},
      {"render.pdf.qr_too_long", {"max"}},
      {"render.pdf.render_failed", {"detail"}},
      {"field.number", {}},
      {"field.addressee", {}},
      {"field.blocks", {}},
      {"field.seal_png", {}},
      {"field.qr_text", {}},
      {"field.qr_caption", {}},
      {"field.footer", {}},
      {"field.metadata_title", {}},
      {"field.metadata_author", {}},
  };
  const auto zh = yiwang::test::catalogue_file("zh-CN", "pdf_document.toml");
  const auto en = yiwang::test::catalogue_file("en", "pdf_document.toml");
  EXPECT_EQ(yiwang::test::keys_of(zh), yiwang::test::keys_of(en));
  EXPECT_EQ(zh.size(), keys.size());
  for (const auto& [key, params] : keys) {
    ASSERT_TRUE(zh.contains(key)) << key;
    ASSERT_TRUE(en.contains(key)) << key;
    EXPECT_EQ(yiwang::test::placeholders(zh.at(key)), params) << key;
    EXPECT_EQ(yiwang::test::placeholders(en.at(key)), params) << key;
  }
}

// --- Threads ----------------------------------------------------------------------

TEST_F(PdfTest, TwoThreadsRenderAtOnce) {
  PdfDocument a = long_document(40), b = notice();
  a.title = "准予行政许可决定书";
  b.title = "补正材料通知书";
  b.seal_png = seal();
  b.qr_text = "https://zw.example.gov.cn/verify/B";
  yiwang::Result<std::string> results[2];
  {
    std::jthread first([&] { results[0] = render_pdf(a); });
    std::jthread second([&] { results[1] = render_pdf(b); });
  }
  ASSERT_TRUE(results[0]);
  ASSERT_TRUE(results[1]);
  render(a);  // alone, for comparison
  const std::string alone = text();
  for (int i = 0; i < 2; ++i) {
    path_ = dir_.path() / ("thread" + std::to_string(i) + ".pdf");
    std::ofstream(path_, std::ios::binary) << *results[i];
    const std::string s = squash(text());
    EXPECT_TRUE(contains(s, i == 0 ? "准予行政许可决定书" : "补正材料通知书"));
    EXPECT_FALSE(contains(s, i == 0 ? "补正材料通知书" : "准予行政许可决定书"));
    if (i == 0) {
      EXPECT_TRUE(contains(s, "第40段："));
      EXPECT_EQ(text(), alone);
    }
  }
}
