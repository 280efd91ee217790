// Outgoing mail's wire form: RFC 2047 subjects, base64 bodies, refused
// header injection, and the e-mail address check every module uses.
#include <chrono>
#include <string>

#include <gtest/gtest.h>

#include "mail/base64.hpp"
#include "mail/message.hpp"
#include "tests/support/smtp_sink.hpp"

using namespace yiwang;

namespace {

const std::string kDate = "Tue, 15 Sep 2026 08:00:00 +0000";
const std::string kId = "0123abcd@gov.example.cn";

mail::Message sample() {
  return {"zhang.san@Example.GOV.cn",
          "示范市人民政府：您的找回密码申请已受理，请在三十分钟内完成操作",
          "您好：\n请打开下面的链接。\nhttps://example.gov.cn/reset?t=abc\n"};
}

// The message's header block and body, split at the blank line.
std::pair<std::string, std::string> split(const std::string& text) {
  auto at = text.find("\r\n\r\n");
  return {text.substr(0, at + 2), text.substr(at + 4)};
}

}  // namespace

TEST(Base64, EncodesAndDecodesEveryLength) {
  EXPECT_EQ(mail::base64_encode(""), "");
  EXPECT_EQ(mail::base64_encode("f"), "Zg==");
  EXPECT_EQ(mail::base64_encode("fo"), "Zm8=");
  EXPECT_EQ(mail::base64_encode("foo"), "Zm9v");
  EXPECT_EQ(mail::base64_encode("foobar"), "Zm9vYmFy");
  EXPECT_EQ(mail::base64_encode("中文"), "5Lit5paH");
  const std::string samples[] = {
      "", "a", "ab", "abc", "abcd", "找回密码", std::string("\x00\xff\x10", 3)};
  for (const auto& s : samples) EXPECT_EQ(mail::base64_decode(mail::base64_encode(s)), s);
  EXPECT_EQ(mail::base64_decode("Zm9v\r\nYmFy"), "foobar");
  EXPECT_FALSE(mail::base64_decode("Zm9v!"));
  EXPECT_FALSE(mail::base64_decode("Zg==Zg"));
}

TEST(Message, ChineseSubjectIsEncodedAsRfc2047Words) {
  auto text = mail::format_rfc5322(sample(), "noreply@example.gov.cn", kDate, kId);
  ASSERT_TRUE(text) << text.error().key;
  auto [head, body] = split(*text);
  // Every header line is ASCII and at most 76 characters.
  std::size_t start = 0;
  while (start < head.size()) {
    auto end = head.find("\r\n", start);
    std::string line = head.substr(start, end - start);
    EXPECT_LE(line.size(), 76u) << line;
    for (char c : line) EXPECT_TRUE(c >= 0x20 && c < 0x7f) << line;
    start = end + 2;
  }
  auto subject_at = head.find("Subject: =?UTF-8?B?");
  ASSERT_NE(subject_at, std::string::npos) << head;
  // Long subjects are folded into several words, each at most 75 characters.
  EXPECT_NE(head.find("?=\r\n =?UTF-8?B?"), std::string::npos) << head;
  test::ReceivedMail received{"", {}, *text};
  EXPECT_EQ(received.subject(), sample().subject);
  EXPECT_EQ(mail::encode_header_text("Password reset"), "Password reset");
  EXPECT_EQ(test::decode_rfc2047(mail::encode_header_text("a =?x?= trick")), "a =?x?= trick");
  EXPECT_EQ(test::decode_rfc2047(mail::encode_header_text("找")), "找");
}

TEST(Message, WordsNeverSplitAUtf8Character) {
  // 4-byte characters (an emoji, a CJK extension B character) and 3-byte ones, mixed.
  std::string subject;
  for (int i = 0; i < 20; ++i) subject += (i % 3 == 0) ? "𠀀" : (i % 3 == 1 ? "办" : "a");
  std::string encoded = mail::encode_header_text(subject);
  std::size_t start = 0;
  while ((start = encoded.find("=?UTF-8?B?", start)) != std::string::npos) {
    auto end = encoded.find("?=", start + 10);
    auto word = mail::base64_decode(encoded.substr(start + 10, end - start - 10));
    ASSERT_TRUE(word);
    // Each word on its own is whole UTF-8: it never starts with a continuation byte.
    ASSERT_FALSE(word->empty());
    EXPECT_NE(static_cast<unsigned char>((*word)[0]) & 0xC0, 0x80);
    EXPECT_LE(end + 2 - start, 75u);
    start = end;
  }
  EXPECT_EQ(test::decode_rfc2047(encoded), subject);
}

TEST(Message, HeadersAndBase64BodyWrappedAt76) {
  mail::Message m = sample();
  m.body.clear();
  for (int i = 0; i < 40; ++i) m.body += "第" + std::to_string(i) + "行：政务服务。\n";
  auto text = mail::format_rfc5322(m, "noreply@example.gov.cn", kDate, kId);
  ASSERT_TRUE(text);
  auto [head, body] = split(*text);
  EXPECT_NE(head.find("Date: " + kDate + "\r\n"), std::string::npos);
  EXPECT_NE(head.find("From: noreply@example.gov.cn\r\n"), std::string::npos);
  EXPECT_NE(head.find("To: zhang.san@example.gov.cn\r\n"),
            std::string::npos);  // domain lower-cased
  EXPECT_NE(head.find("Message-ID: <" + kId + ">\r\n"), std::string::npos);
  EXPECT_NE(head.find("MIME-Version: 1.0\r\n"), std::string::npos);
  EXPECT_NE(head.find("Content-Type: text/plain; charset=UTF-8\r\n"), std::string::npos);
  EXPECT_NE(head.find("Content-Transfer-Encoding: base64\r\n"), std::string::npos);
  // Lines of exactly 76 characters but the last, CRLF everywhere.
  ASSERT_TRUE(body.ends_with("\r\n"));
  std::size_t start = 0, lines = 0;
  while (start < body.size()) {
    auto end = body.find("\r\n", start);
    ASSERT_NE(end, std::string::npos);
    std::size_t len = end - start;
    if (end + 2 < body.size()) {
      EXPECT_EQ(len, 76u);
    }
    EXPECT_LE(len, 76u);
    EXPECT_EQ(body.substr(start, len).find('\n'), std::string::npos);
    start = end + 2;
    ++lines;
  }
  EXPECT_GT(lines, 5u);
  // The decoded body is the text with CRLF line ends.
  auto decoded = mail::base64_decode(body);
  ASSERT_TRUE(decoded);
  EXPECT_TRUE(decoded->starts_with("第0行：政务服务。\r\n第1行"));
  test::ReceivedMail received{"", {}, *text};
  EXPECT_EQ(received.text(), m.body);
}

TEST(Message, RefusesHeaderInjection) {
  const std::string subjects[] = {"hello\r\nBcc: victim@example.com", "hello\nBcc: x@y.cn", "a\rb",
                                  std::string("nul\0here", 8), "tab\there"};
  for (const std::string& subject : subjects) {
    mail::Message m = sample();
    m.subject = subject;
    auto r = mail::format_rfc5322(m, "noreply@example.gov.cn", kDate, kId);
    ASSERT_FALSE(r) << subject;
    EXPECT_EQ(r.error().key, "mail.invalid_subject");
    EXPECT_EQ(r.error().field, "subject");
  }
  for (std::string to : {"a@b.cn\r\nBcc: victim@example.com", "a@b.cn\nX: y", "a@b.cn, c@d.cn"}) {
    mail::Message m = sample();
    m.to = to;
    auto r = mail::format_rfc5322(m, "noreply@example.gov.cn", kDate, kId);
    ASSERT_FALSE(r) << to;
    EXPECT_EQ(r.error().key, "mail.invalid_address");
    EXPECT_EQ(r.error().field, "email");
  }
  auto bad_from = mail::format_rfc5322(sample(), "x@y.cn\r\nBcc: z@w.cn", kDate, kId);
  ASSERT_FALSE(bad_from);
  EXPECT_EQ(bad_from.error().field, "mail_from");
  EXPECT_FALSE(mail::format_rfc5322(sample(), "noreply@example.gov.cn", kDate + "\r\nX: y", kId));
  EXPECT_FALSE(mail::format_rfc5322(sample(), "noreply@example.gov.cn", kDate, "a>\r\nX: y@z"));
  EXPECT_FALSE(mail::format_rfc5322(sample(), "noreply@example.gov.cn", kDate, "no-at-sign"));
  mail::Message big = sample();
  big.subject = std::string(600, 'x');
  auto too_long = mail::check_message(big);
  ASSERT_FALSE(too_long);
  EXPECT_EQ(too_long.error().key, "mail.too_long");
}

TEST(Message, DateIsRfc5322InUtc) {
  using namespace std::chrono;
  auto t = sys_days(year(2026) / 9 / 15) + hours(8) + minutes(5) + seconds(9);
  EXPECT_EQ(mail::rfc5322_date(t), "Tue, 15 Sep 2026 08:05:09 +0000");
  EXPECT_EQ(mail::rfc5322_date(sys_days(year(2000) / 1 / 1)), "Sat, 01 Jan 2000 00:00:00 +0000");
}

TEST(CheckEmail, AcceptsAndNormalises) {
  struct Case {
    std::string input, expected;
  };
  const Case cases[] = {
      {"zhangsan@example.gov.cn", "zhangsan@example.gov.cn"},
      {"  ZhangSan@EXAMPLE.Gov.CN\t", "ZhangSan@example.gov.cn"},
      {"first.last+tag@mail.example.com", "first.last+tag@mail.example.com"},
      {"o'brien@example.ie", "o'brien@example.ie"},
      {"a_b-c@sub-domain.example.cn", "a_b-c@sub-domain.example.cn"},
      {"x@xn--fiqs8s.cn", "x@xn--fiqs8s.cn"},
      {"12345@qq.com", "12345@qq.com"},
      {std::string(64, 'a') + "@example.cn", std::string(64, 'a') + "@example.cn"},
  };
  for (const auto& c : cases) {
    auto r = mail::check_email(c.input);
    ASSERT_TRUE(r) << c.input;
    EXPECT_EQ(*r, c.expected);
  }
}

TEST(CheckEmail, RefusesHostileAndMalformedAddresses) {
  std::string long_domain;
  for (int i = 0; i < 60; ++i) long_domain += "abcd.";
  const std::string refused[] = {
      "",
      "   ",
      "<script>@x.cn",
      "<script>alert(1)</script>@x.cn",
      "a@b",
      "a@localhost",
      std::string(300, 'a') + "@example.cn",
      "a@" + long_domain + "cn",             // over 254 characters
      std::string(65, 'a') + "@example.cn",  // local part over 64
      "zhangsan＠example.cn",                // full-width at sign
      "张三@example.cn",
      "a@例子.中国",
      "'; DROP TABLE identity_accounts; --@x.cn",
      "x' OR '1'='1@x.cn",
      "a@x.cn; DELETE FROM mail_outbox",
      "a@@x.cn",
      "a@b@x.cn",
      "@x.cn",
      "a@",
      "a",
      ".a@x.cn",
      "a.@x.cn",
      "a..b@x.cn",
      "a b@x.cn",
      "\"quoted\"@x.cn",
      "a@-x.cn",
      "a@x-.cn",
      "a@x..cn",
      "a@.x.cn",
      "a@x.cn.",
      "a@x_y.cn",
      "a@1.2.3.4",
      "a@[127.0.0.1]",
      "a(comment)@x.cn",
      "a@x.cn\r\nBcc: b@y.cn",
      "a@x.cn\n",
      std::string("a\0b@x.cn", 8),
      "a@" + std::string(64, 'x') + ".cn",  // label over 63
  };
  for (const auto& input : refused) {
    auto r = mail::check_email(input, "email");
    ASSERT_FALSE(r) << "accepted: " << input;
    EXPECT_EQ(r.error().key, "mail.invalid_address");
    EXPECT_EQ(r.error().field, "email");
    EXPECT_EQ(r.error().params.at("max"), "254");
  }
  // The field name is the caller's.
  EXPECT_EQ(mail::check_email("bad", "contact_email").error().field, "contact_email");
}
