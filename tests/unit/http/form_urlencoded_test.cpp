#include <gtest/gtest.h>

#include <string>

#include "http/form_data.hpp"

namespace yiwang::http {
namespace {

TEST(FormData, KeepsOrderAndRepeatedNames) {
  FormData form;
  form.add("a", "1");
  form.add("b", "2");
  form.add("a", "3");
  ASSERT_NE(form.get("a"), nullptr);
  EXPECT_EQ(*form.get("a"), "1");
  EXPECT_EQ(form.get("missing"), nullptr);
  EXPECT_EQ(form.value("b"), "2");
  EXPECT_EQ(form.value("missing", "none"), "none");
  EXPECT_EQ(form.value("missing"), "");
  const auto all = form.all("a");
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[0], "1");
  EXPECT_EQ(all[1], "3");
  EXPECT_TRUE(form.all("missing").empty());
  ASSERT_EQ(form.fields().size(), 3u);
  EXPECT_EQ(form.fields()[1].first, "b");
}

TEST(FormData, FindsFilesByField) {
  FormData form;
  form.files().push_back({"doc", "a.pdf", "application/pdf", "%PDF"});
  form.files().push_back({"doc", "b.pdf", "application/pdf", "%PDF"});
  ASSERT_NE(form.file("doc"), nullptr);
  EXPECT_EQ(form.file("doc")->filename, "a.pdf");
  EXPECT_EQ(form.file("other"), nullptr);
  const FormData& view = form;
  EXPECT_EQ(view.files().size(), 2u);
}

TEST(ParseUrlencoded, ParsesPairs) {
  auto form = parse_urlencoded("name=%E5%BC%A0%E4%B8%89&city=Bei+Jing&empty=&flag", Limits{});
  ASSERT_TRUE(form.has_value());
  EXPECT_EQ(form->value("name"), "张三");
  EXPECT_EQ(form->value("city"), "Bei Jing");
  ASSERT_NE(form->get("empty"), nullptr);
  EXPECT_EQ(*form->get("empty"), "");
  ASSERT_NE(form->get("flag"), nullptr);
  EXPECT_EQ(*form->get("flag"), "");
  EXPECT_EQ(form->fields().size(), 4u);
}

TEST(ParseUrlencoded, KeepsRepeatedFieldsInOrder) {
  auto form = parse_urlencoded("tag=a&x=1&tag=b&tag=c", Limits{});
  ASSERT_TRUE(form.has_value());
  const auto tags = form->all("tag");
  ASSERT_EQ(tags.size(), 3u);
  EXPECT_EQ(tags[0], "a");
  EXPECT_EQ(tags[2], "c");
}

TEST(ParseUrlencoded, SkipsEmptyPairsAndNames) {
  auto form = parse_urlencoded("&&a=1&&=orphan&b=2=3&", Limits{});
  ASSERT_TRUE(form.has_value());
  ASSERT_EQ(form->fields().size(), 2u);
  EXPECT_EQ(form->value("a"), "1");
  EXPECT_EQ(form->value("b"), "2=3");
  EXPECT_TRUE(parse_urlencoded("", Limits{})->fields().empty());
}

TEST(ParseUrlencoded, RejectsBadPercentEncoding) {
  for (const char* body : {"a=%", "a=%G1", "a=%1", "%=1", "a=1&b=%zz", "a%2=1"}) {
    auto form = parse_urlencoded(body, Limits{});
    ASSERT_FALSE(form.has_value()) << body;
    EXPECT_EQ(form.error().status, 400);
    EXPECT_EQ(form.error().key, "http.form.bad_encoding") << body;
  }
}

TEST(ParseUrlencoded, RejectsInvalidUtf8) {
  for (const char* body : {"a=%C0%AF", "a=%E0%80%AF", "a=%ED%A0%80", "a=%F4%90%80%80", "a=%FF",
                           "%C0%AF=1", "a=%E4%B8", "a=%80"}) {
    auto form = parse_urlencoded(body, Limits{});
    ASSERT_FALSE(form.has_value()) << body;
    EXPECT_EQ(form.error().status, 400);
    EXPECT_EQ(form.error().key, "http.form.bad_utf8") << body;
  }
  // Raw (unencoded) invalid bytes are refused the same way.
  EXPECT_EQ(parse_urlencoded("a=\xC0\xAF", Limits{}).error().key, "http.form.bad_utf8");
}

TEST(ParseUrlencoded, RejectsNul) {
  auto value = parse_urlencoded("a=x%00y", Limits{});
  ASSERT_FALSE(value.has_value());
  EXPECT_EQ(value.error().key, "http.form.nul_byte");
  EXPECT_EQ(value.error().params.at("field"), "a");
  EXPECT_EQ(parse_urlencoded("a%00b=1", Limits{}).error().key, "http.form.nul_byte");
  EXPECT_EQ(parse_urlencoded(std::string("a=x\0y", 5), Limits{}).error().key, "http.form.nul_byte");
}

TEST(ParseUrlencoded, LimitsFieldCount) {
  Limits limits;
  limits.max_form_fields = 3;
  EXPECT_TRUE(parse_urlencoded("a=1&b=2&c=3", limits).has_value());
  auto form = parse_urlencoded("a=1&b=2&c=3&d=4", limits);
  ASSERT_FALSE(form.has_value());
  EXPECT_EQ(form.error().status, 413);
  EXPECT_EQ(form.error().key, "http.form.too_many_fields");
  EXPECT_EQ(form.error().params.at("max"), "3");
  // Empty pairs do not count.
  EXPECT_TRUE(parse_urlencoded("a=1&&&&b=2&&c=3&", limits).has_value());
}

TEST(ParseUrlencoded, HugeFieldCountWithDefaults) {
  std::string body;
  for (int i = 0; i < 100000; ++i) body += "f=1&";
  auto form = parse_urlencoded(body, Limits{});
  ASSERT_FALSE(form.has_value());
  EXPECT_EQ(form.error().key, "http.form.too_many_fields");
  EXPECT_EQ(form.error().params.at("max"), "1000");
}

TEST(ParseUrlencoded, LimitsNameAndValueSize) {
  Limits limits;
  limits.max_name_bytes = 4;
  limits.max_field_bytes = 6;
  EXPECT_TRUE(parse_urlencoded("abcd=123456", limits).has_value());
  auto name = parse_urlencoded("abcde=1", limits);
  ASSERT_FALSE(name.has_value());
  EXPECT_EQ(name.error().status, 413);
  EXPECT_EQ(name.error().key, "http.form.name_too_long");
  auto value = parse_urlencoded("a=1234567", limits);
  ASSERT_FALSE(value.has_value());
  EXPECT_EQ(value.error().status, 413);
  EXPECT_EQ(value.error().key, "http.form.value_too_long");
  EXPECT_EQ(value.error().params.at("field"), "a");
  // Sizes are measured after decoding: %41 is one byte.
  EXPECT_TRUE(parse_urlencoded("a=%41%41%41%41%41%41", limits).has_value());
}

TEST(ParseUrlencoded, LimitsBodySize) {
  Limits limits;
  limits.max_body_bytes = 8;
  auto form = parse_urlencoded("a=123456789", limits);
  ASSERT_FALSE(form.has_value());
  EXPECT_EQ(form.error().status, 413);
  EXPECT_EQ(form.error().key, "http.body_too_large");
}

TEST(ParseUrlencoded, SemicolonIsNotASeparator) {
  auto form = parse_urlencoded("a=1;b=2", Limits{});
  ASSERT_TRUE(form.has_value());
  EXPECT_EQ(form->value("a"), "1;b=2");
}

}  // namespace
}  // namespace yiwang::http
