// Electronic-seal images: the SVG is well-formed, escaped, self-contained and
// lays the name out character by character clockwise; the PNG has the asked
// size, a transparent background and red where the ring, the star and the
// characters are; bad input is refused with the catalogued keys.
#include <cairo.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cmath>
#include <cstdint>
#include <map>
#include <numbers>
#include <regex>
#include <set>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include <gtest/gtest.h>
#include <toml++/toml.h>

#include "render/seal_image.hpp"

using yiwang::render::seal_png;
using yiwang::render::seal_svg;
using yiwang::render::SealDesign;

namespace {

const std::string kName = "示范市人民政府";
const std::string kLower = "行政审批专用章";
const std::string kName24 = "示范省示范市示范区人民政府办公室行政审批服务局一";

// The code points of UTF-8 text, each as its bytes.
std::vector<std::string> code_points(std::string_view s) {
  std::vector<std::string> out;
  for (std::size_t i = 0; i < s.size();) {
    const auto lead = static_cast<unsigned char>(s[i]);
    const std::size_t len = lead < 0x80 ? 1 : lead < 0xE0 ? 2 : lead < 0xF0 ? 3 : 4;
    out.emplace_back(s.substr(i, len));
    i += len;
  }
  return out;
}

std::string unescape(std::string s) {
  static const std::vector<std::pair<std::string, std::string>> entities = {
      {"&lt;", "<"}, {"&gt;", ">"}, {"&quot;", "\""}, {"&#39;", "'"}, {"&amp;", "&"}};
  for (const auto& [from, to] : entities)
    for (std::size_t p = s.find(from); p != std::string::npos; p = s.find(from, p + to.size()))
      s.replace(p, from.size(), to);
  return s;
}

// A small well-formedness check (no XML library is installed): one root
// element, tags balanced and properly nested, attributes quoted and unique,
// and no bare '<' or stray '&' in text or attribute values. Returns the
// problem, or "" when the document is well-formed.
std::string xml_problem(std::string_view doc) {
  static const std::regex entity(R"(^&(lt|gt|amp|quot|apos|#[0-9]+|#x[0-9a-fA-F]+);)");
  auto bad_amp = [&](std::string_view text) {
    for (std::size_t p = text.find('&'); p != std::string_view::npos; p = text.find('&', p + 1))
      if (!std::regex_search(std::string(text.substr(p, 12)), entity)) return true;
    return false;
  };
  std::vector<std::string> open;
  int roots = 0;
  std::size_t i = 0;
  while (i < doc.size()) {
    const std::size_t lt = doc.find('<', i);
    const std::string_view text = doc.substr(i, lt == std::string_view::npos ? doc.npos : lt - i);
    if (bad_amp(text)) return "stray & in text";
    if (text.find('>') != std::string_view::npos) return "bare > in text";
    if (open.empty() && text.find_first_not_of(" \n\t\r") != std::string_view::npos)
      return "text outside the root element";
    if (lt == std::string_view::npos) break;
    // Find the end of the tag, skipping quoted attribute values.
    std::size_t j = lt + 1;
    char quote = 0;
    for (; j < doc.size(); ++j) {
      if (quote) {
        if (doc[j] == quote)
          quote = 0;
        else if (doc[j] == '<')
          return "< in an attribute value";
      } else if (doc[j] == '"' || doc[j] == '\'') {
        quote = doc[j];
      } else if (doc[j] == '>') {
        break;
      }
    }
    if (j >= doc.size()) return "unterminated tag";
    std::string_view tag = doc.substr(lt + 1, j - lt - 1);
    i = j + 1;
    if (tag.starts_with("?") || tag.starts_with("!")) return "unexpected declaration or comment";
    if (tag.starts_with("/")) {
      const std::string name(tag.substr(1));
      if (open.empty() || open.back() != name) return "mismatched </" + name + ">";
      open.pop_back();
      continue;
    }
    const bool self_closing = tag.ends_with("/");
    if (self_closing) tag.remove_suffix(1);
    const std::size_t name_end = tag.find_first_of(" \n\t");
    const std::string name(tag.substr(0, name_end));
    if (name.empty() || !std::isalpha(static_cast<unsigned char>(name[0]))) return "bad tag name";
    static const std::regex attribute(R"re(\s+([A-Za-z_:][-A-Za-z0-9_:.]*)="([^"<]*)")re");
    std::string rest(name_end == std::string_view::npos ? "" : tag.substr(name_end));
    std::set<std::string> seen;
    std::smatch m;
    while (std::regex_search(rest, m, attribute, std::regex_constants::match_continuous)) {
      if (!seen.insert(m[1]).second) return "attribute " + std::string(m[1]) + " twice";
      if (bad_amp(m[2].str())) return "stray & in an attribute";
      rest = m.suffix();
    }
    if (rest.find_first_not_of(" \n\t") != std::string::npos) return "bad attributes: " + rest;
    if (open.empty() && ++roots > 1) return "more than one root";
    if (!self_closing) open.push_back(name);
  }
  if (!open.empty()) return "unclosed <" + open.back() + ">";
  if (roots != 1) return "no root element";
  return "";
}

struct SvgText {
  std::string text;
  double x = 0, y = 0, angle = 0, size = 0;
};

// The <text class="cls"> elements of a seal SVG, in document order.
std::vector<SvgText> svg_texts(const std::string& svg, const std::string& cls) {
  static const std::regex re(
      R"re(<text class="([a-z-]+)"[^>]* font-size="([0-9.]+)"[^>]* transform="translate\(([-0-9.]+) ([-0-9.]+)\) rotate\(([-0-9.]+)\)[^"]*">([^<]*)</text>)re");
  std::vector<SvgText> out;
  for (auto it = std::sregex_iterator(svg.begin(), svg.end(), re); it != std::sregex_iterator();
       ++it) {
    const auto& m = *it;
    if (m[1] != cls) continue;
    out.push_back({.text = unescape(m[6]),
                   .x = std::stod(m[3]),
                   .y = std::stod(m[4]),
                   .angle = std::stod(m[5]),
                   .size = std::stod(m[2])});
  }
  return out;
}

int count(std::string_view haystack, std::string_view needle) {
  int n = 0;
  for (std::size_t p = haystack.find(needle); p != std::string_view::npos;
       p = haystack.find(needle, p + 1))
    ++n;
  return n;
}

std::string svg(const SealDesign& d) {
  auto r = seal_svg(d);
  EXPECT_TRUE(r) << (r ? "" : r.error().key);
  return r ? *r : std::string{};
}

std::string png(const SealDesign& d, int size = 400) {
  auto r = seal_png(d, size);
  EXPECT_TRUE(r) << (r ? "" : r.error().key);
  return r ? *r : std::string{};
}

std::uint32_t be32(const std::string& s, std::size_t at) {
  return (std::uint32_t{static_cast<unsigned char>(s[at])} << 24) |
         (std::uint32_t{static_cast<unsigned char>(s[at + 1])} << 16) |
         (std::uint32_t{static_cast<unsigned char>(s[at + 2])} << 8) |
         std::uint32_t{static_cast<unsigned char>(s[at + 3])};
}

// A decoded PNG: premultiplied ARGB pixels, as cairo reads them.
class Image {
 public:
  explicit Image(const std::string& bytes) {
    struct Reader {
      const std::string* data;
      std::size_t at = 0;
    } reader{&bytes};
    surface_ = cairo_image_surface_create_from_png_stream(
        [](void* closure, unsigned char* out, unsigned int length) {
          auto* r = static_cast<Reader*>(closure);
          if (r->at + length > r->data->size()) return CAIRO_STATUS_READ_ERROR;
          std::copy_n(r->data->data() + r->at, length, out);
          r->at += length;
          return CAIRO_STATUS_SUCCESS;
        },
        &reader);
    cairo_surface_flush(surface_);
  }
  ~Image() { cairo_surface_destroy(surface_); }
  Image(const Image&) = delete;
  Image& operator=(const Image&) = delete;

  bool ok() const { return cairo_surface_status(surface_) == CAIRO_STATUS_SUCCESS; }
  int width() const { return cairo_image_surface_get_width(surface_); }
  int height() const { return cairo_image_surface_get_height(surface_); }
  bool has_alpha() const { return cairo_image_surface_get_format(surface_) == CAIRO_FORMAT_ARGB32; }

  struct Pixel {
    int a, r, g, b;
  };
  Pixel at(int x, int y) const {
    const unsigned char* row =
        cairo_image_surface_get_data(surface_) + y * cairo_image_surface_get_stride(surface_);
    const std::uint32_t p = reinterpret_cast<const std::uint32_t*>(row)[x];
    return {int(p >> 24), int((p >> 16) & 0xFF), int((p >> 8) & 0xFF), int(p & 0xFF)};
  }
  // Opaque seal red (#d7000f, within anti-aliasing tolerance).
  bool red(int x, int y) const {
    const Pixel p = at(x, y);
    return p.a > 240 && p.r > 190 && p.g < 40 && p.b < 50;
  }
  bool clear(int x, int y) const { return at(x, y).a == 0; }
  // Red pixels in the square of half-side `r` around (x, y).
  int red_near(int x, int y, int r) const {
    int n = 0;
    for (int j = y - r; j <= y + r; ++j)
      for (int i = x - r; i <= x + r; ++i)
        if (red(i, j)) ++n;
    return n;
  }

 private:
  cairo_surface_t* surface_ = nullptr;
};

void expect_error(const yiwang::Result<std::string>& r, const std::string& key,
                  const std::string& field, const std::map<std::string, std::string>& params = {}) {
  ASSERT_FALSE(r) << "expected " << key;
  EXPECT_EQ(r.error().key, key);
  EXPECT_EQ(r.error().field, field);
  EXPECT_EQ(r.error().params, params);
}

}  // namespace

// --- SVG --------------------------------------------------------------------

TEST(SealSvg, IsWellFormedAndSelfContained) {
  for (const SealDesign& d :
       {SealDesign{kName, ""}, SealDesign{kName, kLower}, SealDesign{kName24, "合同专用章"}}) {
    const std::string s = svg(d);
    EXPECT_EQ(xml_problem(s), "") << s;
    EXPECT_TRUE(s.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 200 200\""));
    EXPECT_EQ(count(s, "role=\"img\""), 1);
    EXPECT_EQ(count(s, "<title>"), 1);
    for (const char* banned :
         {"<script", "href", "url(", "<image", "<foreignObject", "@import", " on", "<style"})
      EXPECT_EQ(count(s, banned), 0) << banned;
    const std::string root = s.substr(0, s.find('>'));
    EXPECT_EQ(count(root, "width="), 0) << "sized by its viewBox only";
    EXPECT_EQ(count(root, "height="), 0);
  }
  // The checker itself notices broken documents.
  EXPECT_NE(xml_problem("<svg><text>a</svg>"), "");
  EXPECT_NE(xml_problem("<svg><text>a & b</text></svg>"), "");
  EXPECT_NE(xml_problem("<svg a=\"1\" a=\"2\"/>"), "");
  EXPECT_NE(xml_problem("<svg/><svg/>"), "");
  EXPECT_EQ(xml_problem("<svg a=\"&amp;\"><t>&lt;</t></svg>"), "");
}

TEST(SealSvg, TitleNamesTheSealForScreenReaders) {
  EXPECT_NE(svg({kName, ""}).find("<title>示范市人民政府</title>"), std::string::npos);
  EXPECT_NE(
      svg({"  " + kName + "\u3000", kLower}).find("<title>示范市人民政府 行政审批专用章</title>"),
      std::string::npos);
}

TEST(SealSvg, OneTextPerCharacterInReadingOrder) {
  for (const std::string& name : {kName, kName24, std::string("ＡＢＣ科技 Co.有限公司")}) {
    const std::string s = svg({name, ""});
    const auto texts = svg_texts(s, "seal-name");
    const auto chars = code_points(name);
    ASSERT_EQ(texts.size(), chars.size()) << name;
    EXPECT_EQ(count(s, "class=\"seal-name\""), static_cast<int>(chars.size()));
    for (std::size_t i = 0; i < chars.size(); ++i) EXPECT_EQ(texts[i].text, chars[i]) << i;
    EXPECT_TRUE(svg_texts(s, "seal-lower").empty());
    EXPECT_EQ(count(s, "font-family=\"Noto Serif CJK SC, Noto Sans CJK SC, serif\""),
              static_cast<int>(chars.size()));
  }
}

TEST(SealSvg, NameRunsClockwiseFromLowerLeftToLowerRightEvenlySpaced) {
  for (const std::string& name : {kName, kName24}) {
    const auto texts = svg_texts(svg({name, ""}), "seal-name");
    ASSERT_GE(texts.size(), 2u);
    const double first = texts.front().angle, last = texts.back().angle;
    // Starts below the horizontal on the left, ends below it on the right,
    // symmetric about the top.
    EXPECT_LT(first, -90.0);
    EXPECT_GT(last, 90.0);
    EXPECT_NEAR(first, -last, 0.02);
    EXPECT_LE(last - first, 240.0);
    EXPECT_GT(last - first, 200.0);
    EXPECT_GT(texts.front().y, 100.0);  // below the centre (y grows downwards)
    EXPECT_LT(texts.front().x, 100.0);
    EXPECT_GT(texts.back().x, 100.0);
    const double pitch = (last - first) / static_cast<double>(texts.size() - 1);
    for (std::size_t i = 0; i < texts.size(); ++i) {
      EXPECT_NEAR(texts[i].angle, first + pitch * static_cast<double>(i), 0.02) << i;
      // Upright towards the rim: the rotation is the character's own bearing
      // seen from the centre, and every centre lies on one circle inside the ring.
      const double dx = texts[i].x - 100, dy = texts[i].y - 100;
      EXPECT_NEAR(std::atan2(dx, -dy) * 180 / std::numbers::pi, texts[i].angle, 0.1) << i;
      const double r = std::hypot(dx, dy);
      EXPECT_NEAR(r, std::hypot(texts[0].x - 100, texts[0].y - 100), 0.02);
      EXPECT_LT(r + texts[i].size / 2, 91.0);  // inside the ring's inner edge
      EXPECT_GT(r - texts[i].size / 2, 30.0);  // outside the star
    }
  }
}

TEST(SealSvg, CharactersShrinkAsTheNameGrows) {
  const double short_size = svg_texts(svg({"示范市民政局", ""}), "seal-name").front().size;
  const double seven = svg_texts(svg({kName, ""}), "seal-name").front().size;
  const double long_size = svg_texts(svg({kName24, ""}), "seal-name").front().size;
  EXPECT_GE(short_size, seven);
  EXPECT_LT(long_size, seven * 0.7);
  EXPECT_GT(long_size, 10.0);  // still legible
  // Long names are squeezed horizontally before they shrink further.
  EXPECT_NE(svg({kName24, ""}).find("scale(0."), std::string::npos);
}

TEST(SealSvg, LowerTextIsOneHorizontalLineBelowTheStar) {
  const auto lower = svg_texts(svg({kName, kLower}), "seal-lower");
  const auto chars = code_points(kLower);
  ASSERT_EQ(lower.size(), chars.size());
  for (std::size_t i = 0; i < lower.size(); ++i) {
    EXPECT_EQ(lower[i].text, chars[i]);
    EXPECT_EQ(lower[i].angle, 0.0);
    EXPECT_EQ(lower[i].y, lower[0].y);
    EXPECT_GT(lower[i].y - lower[i].size / 2, 100 + 30 * std::cos(std::numbers::pi / 5));
    if (i > 0) {
      EXPECT_GT(lower[i].x, lower[i - 1].x);
    }
  }
  EXPECT_NEAR(lower.front().x + lower.back().x, 200.0, 0.02);  // centred
}

TEST(SealSvg, HostileTextIsEscaped) {
  const std::string hostile = "<script>alert(1)</script>";
  const std::string s = svg({hostile, "\"&'<b>"});
  EXPECT_EQ(xml_problem(s), "") << s;
  EXPECT_EQ(count(s, "<script"), 0);
  EXPECT_EQ(count(s, "<b>"), 0);
  EXPECT_NE(
      s.find("<title>&lt;script&gt;alert(1)&lt;/script&gt; &quot;&amp;&#39;&lt;b&gt;</title>"),
      std::string::npos);
  const auto texts = svg_texts(s, "seal-name");
  ASSERT_EQ(texts.size(), hostile.size());
  std::string joined;
  for (const auto& t : texts) joined += t.text;
  EXPECT_EQ(joined, hostile);
  std::string lower;
  for (const auto& t : svg_texts(s, "seal-lower")) lower += t.text;
  EXPECT_EQ(lower, "\"&'<b>");
}

// --- Input checks -------------------------------------------------------------

TEST(SealInput, RejectsBadNamesAndLowerText) {
  std::string forty, forty_one, thirteen;
  for (int i = 0; i < 40; ++i) forty += "国";
  forty_one = forty + "国";
  for (int i = 0; i < 13; ++i) thirteen += "章";

  for (auto render : {+[](const SealDesign& d) { return seal_svg(d); },
                      +[](const SealDesign& d) { return seal_png(d, 64); }}) {
    expect_error(render({"", ""}), "render.seal.name_empty", "name");
    expect_error(render({" \u3000 ", "合同专用章"}), "render.seal.name_empty", "name");
    expect_error(render({forty_one, ""}), "render.seal.name_too_long", "name", {{"max", "40"}});
    expect_error(render({kName, thirteen}), "render.seal.lower_too_long", "lower_text",
                 {{"max", "12"}});
    const std::vector<std::string> controls = {
        "示范\n市",   "示范\t市",     "示范\x01市",   std::string("示范\0市", 10),
        "示范\x7f市", "示范\u0085市", "示范\u202e市", "示范\u2028市"};
    for (const std::string& bad : controls) {
      expect_error(render({bad, ""}), "render.seal.control_char", "name");
      expect_error(render({kName, bad}), "render.seal.control_char", "lower_text");
    }
    expect_error(render({"示范\xff市", ""}), "render.seal.encoding", "name");
    expect_error(render({"\xe7\xa4", ""}), "render.seal.encoding", "name");
    expect_error(render({kName, "\xc0\xaf"}), "render.seal.encoding", "lower_text");
    // The limits themselves are fine, counted in characters, not bytes.
    EXPECT_TRUE(render({forty, thirteen.substr(0, 12 * 3)}));
    EXPECT_TRUE(render({"  " + kName + "  ", ""}));
  }
}

TEST(SealInput, PngSizeMustBeWithinBounds) {
  for (int size : {-1, 0, 63, 2049, 100000})
    expect_error(seal_png({kName, ""}, size), "render.seal.bad_size", "size",
                 {{"min", "64"}, {"max", "2048"}});
}

TEST(SealInput, EveryErrorKeyIsCataloguedInBothLanguages) {
  const std::map<std::string, std::set<std::string>> keys = {
      {"render.seal.name_empty", {}},
      {"render.seal.name_too_long", {"max"}},
      {"render.seal.lower_too_long", {"max"}},
      {"render.seal.control_char", {}},
      {"render.seal.encoding", {}},
      {"render.seal.bad_size", {"min", "max"}},
      {"render.seal.render_failed", {"detail"}},
      {"field.lower_text", {}},
      {"field.size", {}},
  };
  std::set<std::string> defined[2];
  int lang = 0;
  for (const char* language : {"zh-CN", "en"}) {
    const std::string path =
        std::string(YIWANG_SOURCE_DIR) + "/web/i18n/" + language + "/seal_image.toml";
    try {
      const toml::table table = toml::parse_file(path);
      for (auto&& [key, value] : table) {
        const std::string k(key.str());
        defined[lang].insert(k);
        const std::string text = value.value_or(std::string{});
        EXPECT_FALSE(text.empty()) << path << ": " << k;
        ASSERT_TRUE(keys.contains(k)) << path << ": unexpected key " << k;
        std::set<std::string> found;
        static const std::regex placeholder(R"(\{([a-z_]+)\})");
        for (auto it = std::sregex_iterator(text.begin(), text.end(), placeholder);
             it != std::sregex_iterator(); ++it)
          found.insert((*it)[1]);
        EXPECT_EQ(found, keys.at(k)) << path << ": " << k;
      }
    } catch (const toml::parse_error& e) {
      ADD_FAILURE() << path << ": " << e.description();
    }
    ++lang;
  }
  EXPECT_EQ(defined[0].size(), keys.size());
  EXPECT_EQ(defined[0], defined[1]);
}

// --- PNG --------------------------------------------------------------------

TEST(SealPng, IsAPngOfTheRequestedSize) {
  for (int size : {400, 64, 257, 2048}) {
    const std::string p = size == 400 ? png({kName, kLower}) : png({kName, kLower}, size);
    ASSERT_GT(p.size(), 33u);
    EXPECT_EQ(p.substr(0, 8), std::string("\x89PNG\r\n\x1a\n", 8));
    EXPECT_EQ(p.substr(12, 4), "IHDR");
    EXPECT_EQ(be32(p, 16), static_cast<std::uint32_t>(size));
    EXPECT_EQ(be32(p, 20), static_cast<std::uint32_t>(size));
    EXPECT_EQ(p[25], 6) << "colour type RGBA";
    const Image image(p);
    ASSERT_TRUE(image.ok());
    EXPECT_EQ(image.width(), size);
    EXPECT_TRUE(image.has_alpha());
  }
}

TEST(SealPng, TransparentBackgroundRedRingStarAndText) {
  for (int size : {400, 1000}) {
    const Image image(png({kName, ""}, size));
    ASSERT_TRUE(image.ok());
    const auto at = [&](double view) { return static_cast<int>(std::lround(view * size / 200.0)); };
    for (auto [x, y] : std::array<std::pair<int, int>, 4>{
             {{0, 0}, {size - 1, 0}, {0, size - 1}, {size - 1, size - 1}}})
      EXPECT_TRUE(image.clear(x, y)) << x << "," << y;
    // The ring: its stroke is centred 95 units out and 8 units wide.
    for (auto [x, y] : std::array<std::pair<int, int>, 4>{
             {{at(100), at(5)}, {at(195), at(100)}, {at(100), at(195)}, {at(5), at(100)}}})
      EXPECT_TRUE(image.red(x, y)) << x << "," << y << " a=" << image.at(x, y).a;
    EXPECT_TRUE(image.clear(at(100), at(0.2)));  // outside the ring
    EXPECT_TRUE(image.clear(at(100), at(188)));  // inside, below the name
    // The star fills the centre, and its top point is 30 units above it.
    EXPECT_TRUE(image.red(at(100), at(100)));
    EXPECT_TRUE(image.red(at(100), at(73)));
    EXPECT_TRUE(image.clear(at(100), at(67)));
    EXPECT_TRUE(image.clear(at(100), at(140)));  // no lower line
    // "人" stands at the top, centred 72 units above the centre.
    EXPECT_GT(image.red_near(at(100), at(28), at(10)), 0);
  }
  // With a lower line there is red below the star.
  const Image lower(png({kName, kLower}));
  EXPECT_GT(lower.red_near(200, 300, 16), 20);
}

TEST(SealPng, DiffersForDifferentTexts) {
  const std::string a = png({kName, ""});
  const std::string b = png({"示范市财政局", ""});
  const std::string c = png({kName, kLower});
  EXPECT_NE(a, b);
  EXPECT_NE(a, c);
  EXPECT_EQ(a, png({kName, ""}));  // and is deterministic
}

TEST(SealPng, FullWidthMixedAndLongNamesRender) {
  for (const std::string& name : {std::string("ＡＢＣ１２３科技有限公司"),
                                  std::string("Yiwang 开源政务平台有限公司"), kName24}) {
    const Image image(png({name, "合同专用章"}));
    ASSERT_TRUE(image.ok()) << name;
    EXPECT_TRUE(image.clear(0, 0));
    EXPECT_TRUE(image.red(200, 10));
    EXPECT_TRUE(image.red(200, 200));
    // Characters at both ends of the arc: lower left and lower right.
    const auto texts = svg_texts(svg({name, ""}), "seal-name");
    ASSERT_FALSE(texts.empty());
    for (const auto& t : {texts.front(), texts.back()})
      EXPECT_GT(image.red_near(static_cast<int>(t.x * 2), static_cast<int>(t.y * 2),
                               static_cast<int>(t.size)),
                0)
          << name << " " << t.text;
  }
}

TEST(SealPng, ThreadsDrawTheSameImage) {
  const std::string expected = png({kName24, kLower}, 200);
  std::string results[2];
  {
    std::jthread first([&] { results[0] = *seal_png({kName24, kLower}, 200); });
    std::jthread second([&] { results[1] = *seal_png({kName24, kLower}, 200); });
  }
  EXPECT_EQ(results[0], expected);
  EXPECT_EQ(results[1], expected);
}
