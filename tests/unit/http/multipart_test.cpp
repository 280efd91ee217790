#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "http/form_data.hpp"

namespace yiwang::http {
namespace {

constexpr std::string_view kBoundary = "----WebKitFormBoundary7MA4YWxkTrZu0gW";

// Joins lines with `nl`, the way a client writes a body.
std::string lines(const std::vector<std::string>& parts, std::string_view nl = "\r\n") {
  std::string out;
  for (std::size_t i = 0; i < parts.size(); ++i) {
    if (i > 0) out += nl;
    out += parts[i];
  }
  return out;
}

std::string field_part(std::string_view name, std::string_view value) {
  return lines({"------WebKitFormBoundary7MA4YWxkTrZu0gW",
                "Content-Disposition: form-data; name=\"" + std::string(name) + "\"", "",
                std::string(value)});
}

std::string file_part(std::string_view name, std::string_view filename, std::string_view data) {
  return lines({"------WebKitFormBoundary7MA4YWxkTrZu0gW",
                "Content-Disposition: form-data; name=\"" + std::string(name) + "\"; filename=\"" +
                    std::string(filename) + "\"",
                "Content-Type: text/plain", "", std::string(data)});
}

const std::string kClose = "------WebKitFormBoundary7MA4YWxkTrZu0gW--";

std::expected<FormData, HttpError> parse(const std::vector<std::string>& parts,
                                         const Limits& limits = Limits{}) {
  std::vector<std::string> all = parts;
  all.push_back(kClose);
  return parse_multipart(lines(all), kBoundary, limits);
}

TEST(ParseMultipart, ParsesFieldsAndFiles) {
  auto form = parse({field_part("title", "关于开展政务公开工作的通知"),
                     file_part("attachment", "通知.txt", "line one\r\nline two"),
                     field_part("tag", "a"), field_part("tag", "b")});
  ASSERT_TRUE(form.has_value()) << form.error().key << " " << form.error().detail;
  EXPECT_EQ(form->value("title"), "关于开展政务公开工作的通知");
  EXPECT_EQ(form->all("tag").size(), 2u);
  ASSERT_EQ(form->files().size(), 1u);
  const UploadedFile* file = form->file("attachment");
  ASSERT_NE(file, nullptr);
  EXPECT_EQ(file->filename, "通知.txt");
  EXPECT_EQ(file->content_type, "text/plain");
  EXPECT_EQ(file->data, "line one\r\nline two");
}

TEST(ParseMultipart, KeepsBinaryDataExactly) {
  std::string data;
  for (int c = 0; c < 256; ++c) data.push_back(static_cast<char>(c));
  data += "\r\n--";  // looks like a delimiter start but is not followed by the boundary
  auto form = parse({file_part("f", "blob.bin", data)});
  ASSERT_TRUE(form.has_value()) << form.error().detail;
  EXPECT_EQ(form->files().at(0).data, data);
}

TEST(ParseMultipart, BoundaryTextInsideDataNotAtLineStart) {
  const std::string data = "x------WebKitFormBoundary7MA4YWxkTrZu0gW--y";
  auto form = parse({field_part("a", data), field_part("b", "2")});
  ASSERT_TRUE(form.has_value()) << form.error().detail;
  EXPECT_EQ(form->value("a"), data);
  EXPECT_EQ(form->value("b"), "2");
}

TEST(ParseMultipart, DelimiterInsideDataEndsThePart) {
  // A delimiter at the start of a line followed by junk is malformed, not data.
  auto form = parse({field_part("a", "one\r\n------WebKitFormBoundary7MA4YWxkTrZu0gWjunk")});
  ASSERT_FALSE(form.has_value());
  EXPECT_EQ(form.error().key, "http.multipart.malformed");
}

TEST(ParseMultipart, AcceptsPreambleEpilogueAndPadding) {
  const std::string body =
      lines({"This is the preamble.", "------WebKitFormBoundary7MA4YWxkTrZu0gW \t",
             "Content-Disposition: form-data; name=a", "", "1", kClose + "  ", "epilogue",
             "------WebKitFormBoundary7MA4YWxkTrZu0gW"});
  auto form = parse_multipart(body, kBoundary, Limits{});
  ASSERT_TRUE(form.has_value()) << form.error().detail;
  EXPECT_EQ(form->value("a"), "1");
  EXPECT_EQ(form->fields().size(), 1u);
}

TEST(ParseMultipart, AcceptsLfOnlyBodies) {
  const std::string body =
      lines({"--xyz", "Content-Disposition: form-data; name=\"a\"", "", "one\r", "--xyz",
             "content-disposition: form-data; name=\"f\"; filename=\"a.txt\"", "", "l1\nl2",
             "--xyz--", ""},
            "\n");
  auto form = parse_multipart(body, "xyz", Limits{});
  ASSERT_TRUE(form.has_value()) << form.error().detail;
  EXPECT_EQ(form->value("a"), "one\r");
  EXPECT_EQ(form->file("f")->data, "l1\nl2");
  EXPECT_EQ(form->file("f")->content_type, "application/octet-stream");
}

TEST(ParseMultipart, RejectsMixedLineEndings) {
  // The opening delimiter line sets CRLF; LF-only header lines are then malformed.
  const std::string body = "--xyz\r\nContent-Disposition: form-data; name=a\n\n1\r\n--xyz--";
  auto form = parse_multipart(body, "xyz", Limits{});
  ASSERT_FALSE(form.has_value());
  EXPECT_EQ(form.error().key, "http.multipart.malformed");
  const std::string bare_lf =
      "--xyz\r\nContent-Disposition: form-data; name=a\nX: y\r\n\r\n1\r\n--xyz--";
  EXPECT_EQ(parse_multipart(bare_lf, "xyz", Limits{}).error().key, "http.multipart.malformed");
}

TEST(ParseMultipart, EmptyDataAndHeaderOnlyParts) {
  auto empty = parse({field_part("a", "")});
  ASSERT_TRUE(empty.has_value()) << empty.error().detail;
  EXPECT_EQ(*empty->get("a"), "");
  // RFC 2046 allows a part that ends right after its headers.
  auto bare =
      parse_multipart("--b\r\nContent-Disposition: form-data; name=a\r\n\r\n--b--", "b", Limits{});
  ASSERT_TRUE(bare.has_value()) << bare.error().detail;
  EXPECT_EQ(*bare->get("a"), "");
  // A body holding only the closing delimiter has no fields.
  auto none = parse_multipart("--b--\r\n", "b", Limits{});
  ASSERT_TRUE(none.has_value());
  EXPECT_TRUE(none->fields().empty());
}

TEST(ParseMultipart, MissingFinalBoundary) {
  const std::string body = lines({field_part("a", "1"), field_part("b", "2")});
  auto form = parse_multipart(body, kBoundary, Limits{});
  ASSERT_FALSE(form.has_value());
  EXPECT_EQ(form.error().status, 400);
  EXPECT_EQ(form.error().key, "http.multipart.malformed");
  // Truncated inside the closing delimiter.
  EXPECT_FALSE(parse_multipart(lines({field_part("a", "1"), "------WebKitFormBoundary7MA4"}),
                               kBoundary, Limits{})
                   .has_value());
}

TEST(ParseMultipart, MalformedBodies) {
  const std::vector<std::string> bodies = {
      "",
      "no delimiter at all",
      "--b",                                                               // nothing after it
      "--bX\r\nContent-Disposition: form-data; name=a\r\n\r\n1\r\n--b--",  // different boundary
      "--b\r\n\r\n1\r\n--b--",                                             // no headers
      "--b\r\nContent-Type: text/plain\r\n\r\n1\r\n--b--",                 // no Content-Disposition
      "--b\r\nContent-Disposition: attachment; name=a\r\n\r\n1\r\n--b--",
      "--b\r\nContent-Disposition: form-data\r\n\r\n1\r\n--b--",  // no name
      "--b\r\nContent-Disposition: form-data; name=a; name=b\r\n\r\n1\r\n--b--",
      "--b\r\nContent-Disposition: form-data; name=\"a\r\n\r\n1\r\n--b--",  // unterminated quote
      "--b\r\nContent-Disposition: form-data; name=a\r\nContent-Disposition: form-data; "
      "name=b\r\n\r\n1\r\n--b--",
      "--b\r\nContent-Disposition: form-data;\r\n name=a\r\n\r\n1\r\n--b--",  // folded
      "--b\r\nno colon here\r\n\r\n1\r\n--b--",
      "--b\r\nBad Name: x\r\nContent-Disposition: form-data; name=a\r\n\r\n1\r\n--b--",
      "--b\r\nContent-Disposition: form-data; name=a\r\n1\r\n--b--",  // no blank line
      "--b junk\r\nContent-Disposition: form-data; name=a\r\n\r\n1\r\n--b--",
      "--b\r\nContent-Disposition: form-data; name=a\r\n\r\n1\r\n--b junk\r\n",
  };
  for (const auto& body : bodies) {
    auto form = parse_multipart(body, "b", Limits{});
    ASSERT_FALSE(form.has_value()) << body;
    EXPECT_EQ(form.error().status, 400) << body;
    EXPECT_EQ(form.error().key, "http.multipart.malformed") << body;
  }
}

TEST(ParseMultipart, DelimiterSwallowedIntoHeadersIsMalformed) {
  // Boundary characters include ':', so "--a:b" could pass for a header line.
  const std::string body =
      "--a:b\r\nContent-Disposition: form-data; name=x\r\n--a:b\r\n"
      "X-Other: 1\r\n\r\nvalue\r\n--a:b--";
  auto form = parse_multipart(body, "a:b", Limits{});
  ASSERT_FALSE(form.has_value());
  EXPECT_EQ(form.error().key, "http.multipart.malformed");
}

TEST(ParseMultipart, PartHeadersAreBounded) {
  Limits limits;
  limits.max_header_bytes = 64;
  const std::string body =
      "--b\r\nContent-Disposition: form-data; name=a\r\nX-Pad: " + std::string(200, 'x') +
      "\r\n\r\n1\r\n--b--";
  auto form = parse_multipart(body, "b", limits);
  ASSERT_FALSE(form.has_value());
  EXPECT_EQ(form.error().key, "http.multipart.malformed");
  EXPECT_TRUE(parse_multipart(body, "b", Limits{}).has_value());
}

TEST(ParseMultipart, BadBoundary) {
  for (const std::string& boundary : {std::string(), std::string(71, 'a'), std::string("ends "),
                                      std::string("semi;colon"), std::string("quo\"te")}) {
    auto form = parse_multipart("--x\r\n", boundary, Limits{});
    ASSERT_FALSE(form.has_value()) << boundary;
    EXPECT_EQ(form.error().status, 400);
    EXPECT_EQ(form.error().key, "http.multipart.bad_boundary");
  }
  EXPECT_TRUE(parse_multipart("--" + std::string(70, 'a') + "--", std::string(70, 'a'), Limits{})
                  .has_value());
}

TEST(ParseMultipart, FieldRulesMatchUrlencoded) {
  EXPECT_EQ(parse({field_part("a", "\xC0\xAF")}).error().key, "http.form.bad_utf8");
  EXPECT_EQ(parse({field_part("\xC0\xAF", "1")}).error().key, "http.form.bad_utf8");
  EXPECT_EQ(parse({field_part("a", std::string("x\0y", 3))}).error().key, "http.form.nul_byte");
  Limits limits;
  limits.max_form_fields = 2;
  limits.max_field_bytes = 4;
  limits.max_name_bytes = 3;
  auto many = parse({field_part("a", "1"), field_part("b", "2"), field_part("c", "3")}, limits);
  ASSERT_FALSE(many.has_value());
  EXPECT_EQ(many.error().status, 413);
  EXPECT_EQ(many.error().key, "http.form.too_many_fields");
  EXPECT_EQ(parse({field_part("a", "12345")}, limits).error().key, "http.form.value_too_long");
  EXPECT_EQ(parse({field_part("abcd", "1")}, limits).error().key, "http.form.name_too_long");
  // Files do not count as fields.
  EXPECT_TRUE(
      parse({field_part("a", "1"), field_part("b", "2"), file_part("c", "c", "123456")}, limits)
          .has_value());
}

TEST(ParseMultipart, FileLimits) {
  Limits limits;
  limits.max_files = 2;
  limits.max_file_bytes = 5;
  EXPECT_TRUE(
      parse({file_part("a", "a.txt", "12345"), file_part("b", "b.txt", "")}, limits).has_value());
  auto large = parse({file_part("a", "a.txt", "123456")}, limits);
  ASSERT_FALSE(large.has_value());
  EXPECT_EQ(large.error().status, 413);
  EXPECT_EQ(large.error().key, "http.multipart.file_too_large");
  EXPECT_EQ(large.error().params.at("max"), "5");
  EXPECT_EQ(large.error().params.at("field"), "a");
  auto many = parse(
      {file_part("a", "a.txt", "1"), file_part("b", "b.txt", "2"), file_part("c", "c.txt", "3")},
      limits);
  ASSERT_FALSE(many.has_value());
  EXPECT_EQ(many.error().status, 413);
  EXPECT_EQ(many.error().key, "http.multipart.too_many_files");
}

TEST(ParseMultipart, EmptyFileInputIsSkipped) {
  auto form = parse({file_part("a", "", ""), field_part("b", "1")});
  ASSERT_TRUE(form.has_value()) << form.error().detail;
  EXPECT_TRUE(form->files().empty());
  EXPECT_EQ(form->value("b"), "1");
  EXPECT_EQ(parse({file_part("a", "", "data")}).error().key, "http.multipart.bad_filename");
}

TEST(ParseMultipart, StripsDirectoriesFromFilenames) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"C:\\Users\\张三\\Desktop\\申请表.docx", "申请表.docx"},
      {"../../etc/passwd", "passwd"},
      {"/var/tmp/x.pdf", "x.pdf"},
      {"a/b\\c.txt", "c.txt"},
      {"..\\..\\boot.ini", "boot.ini"},
      {"plain.txt", "plain.txt"},
  };
  for (const auto& [sent, kept] : cases) {
    auto form = parse({file_part("f", sent, "x")});
    ASSERT_TRUE(form.has_value()) << sent << " " << form.error().detail;
    EXPECT_EQ(form->files().at(0).filename, kept) << sent;
  }
}

TEST(ParseMultipart, RejectsBadFilenames) {
  for (const std::string& name :
       {std::string("a\x01.txt"), std::string("a\x7F.txt"), std::string("a\tb.txt"),
        std::string("dir/"), std::string(".."), std::string("a/.."), std::string("."),
        std::string("\xC0\xAF.txt"), std::string("x\0y", 3)}) {
    auto form = parse({file_part("f", name, "x")});
    ASSERT_FALSE(form.has_value()) << name;
    EXPECT_EQ(form.error().status, 400) << name;
    EXPECT_EQ(form.error().key, "http.multipart.bad_filename") << name;
  }
  Limits limits;
  limits.max_name_bytes = 8;
  auto long_name = parse({file_part("f", "dir/123456789.txt", "x")}, limits);
  ASSERT_FALSE(long_name.has_value());
  EXPECT_EQ(long_name.error().status, 413);
  EXPECT_EQ(long_name.error().key, "http.multipart.filename_too_long");
}

TEST(ParseMultipart, ExtendedFilenameParameter) {
  const std::string body =
      lines({"--b",
             "Content-Disposition: form-data; name=\"f\"; filename=\"fallback.txt\"; "
             "filename*=UTF-8''%E7%94%B3%E8%AF%B7.txt",
             "", "x", "--b--"});
  auto form = parse_multipart(body, "b", Limits{});
  ASSERT_TRUE(form.has_value()) << form.error().detail;
  EXPECT_EQ(form->files().at(0).filename, "申请.txt");
  const std::string bad =
      lines({"--b", "Content-Disposition: form-data; name=f; filename*=ISO-8859-1''%E9.txt", "",
             "x", "--b--"});
  EXPECT_EQ(parse_multipart(bad, "b", Limits{}).error().key, "http.multipart.bad_filename");
  const std::string escaped =
      lines({"--b", "Content-Disposition: form-data; name=f; filename*=utf-8'zh'..%2F..%2Fx%2e", "",
             "x", "--b--"});
  auto stripped = parse_multipart(escaped, "b", Limits{});
  ASSERT_TRUE(stripped.has_value()) << stripped.error().detail;
  EXPECT_EQ(stripped->files().at(0).filename, "x.");
}

TEST(ParseMultipart, QuotedStringEscapes) {
  const std::string body =
      lines({"--b", R"(Content-Disposition: form-data; name="a\"b"; filename="C:\dir\q\"x.txt")",
             "", "x", "--b--"});
  auto form = parse_multipart(body, "b", Limits{});
  ASSERT_TRUE(form.has_value()) << form.error().detail;
  EXPECT_EQ(form->files().at(0).field, "a\"b");
  EXPECT_EQ(form->files().at(0).filename, "q\"x.txt");
}

TEST(ParseMultipart, ManyTinyPartsStayLinear) {
  // 200k parts in ~10 MB: would time out if the parser were quadratic.
  std::string body;
  for (int i = 0; i < 200000; ++i)
    body += "--b\r\nContent-Disposition: form-data; name=\"\"\r\n\r\n\r\n";
  body += "--b--";
  Limits limits;
  limits.max_body_bytes = body.size();
  auto form = parse_multipart(body, "b", limits);
  ASSERT_TRUE(form.has_value()) << form.error().detail;
  EXPECT_TRUE(form->fields().empty());  // parts without a name are skipped
}

TEST(ParseMultipart, BodySizeLimit) {
  Limits limits;
  limits.max_body_bytes = 10;
  EXPECT_EQ(parse({field_part("a", "1")}, limits).error().key, "http.body_too_large");
}

TEST(MultipartBoundary, ReadsBareAndQuotedValues) {
  EXPECT_EQ(multipart_boundary("multipart/form-data; boundary=----WebKitFormBoundaryAbC"),
            "----WebKitFormBoundaryAbC");
  EXPECT_EQ(multipart_boundary("Multipart/Form-Data;BOUNDARY=\"a b:c\""), "a b:c");
  EXPECT_EQ(multipart_boundary("multipart/form-data ; charset=utf-8; boundary=xyz ;"), "xyz");
  EXPECT_EQ(multipart_boundary("multipart/form-data; boundary=" + std::string(70, 'z')),
            std::string(70, 'z'));
}

TEST(MultipartBoundary, RejectsMissingOrBadBoundaries) {
  for (const std::string& header :
       {std::string("multipart/form-data"), std::string("multipart/form-data; boundary="),
        std::string("multipart/form-data; boundary=\"\""),
        std::string("multipart/form-data; boundary=\"ends \""),
        std::string("multipart/form-data; boundary=" + std::string(71, 'z')),
        std::string("multipart/form-data; boundary=a; boundary=b"),
        std::string("multipart/form-data; boundary=\"unterminated"),
        std::string("multipart/form-data; boundary=a@b"),
        std::string("multipart/mixed; boundary=abc"),
        std::string("application/x-www-form-urlencoded"), std::string(""),
        std::string("; boundary=abc")}) {
    EXPECT_EQ(multipart_boundary(header), std::nullopt) << header;
  }
}

}  // namespace
}  // namespace yiwang::http
