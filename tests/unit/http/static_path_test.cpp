#include "http/static_path.hpp"

#include <gtest/gtest.h>

#include <string>

namespace yiwang::http {
namespace {

TEST(SafeStaticPath, AcceptsOrdinaryPaths) {
  EXPECT_EQ(safe_static_path("css/site.css"), "css/site.css");
  EXPECT_EQ(safe_static_path("app.js"), "app.js");
  EXPECT_EQ(safe_static_path("img/logo%20big.png"), "img/logo big.png");
  EXPECT_EQ(safe_static_path("fonts/%E6%80%9D%E6%BA%90.woff2"), "fonts/思源.woff2");
  EXPECT_EQ(safe_static_path("a+b.txt"), "a+b.txt");  // '+' is not a space in paths
  EXPECT_EQ(safe_static_path("v1.2/file.min.js"), "v1.2/file.min.js");
  EXPECT_EQ(safe_static_path("a..b/c"), "a..b/c");  // dots inside a name are fine
}

TEST(SafeStaticPath, RejectsTraversal) {
  for (const char* path : {"../etc/passwd", "..", ".", "css/../../secret", "css/..",
                           "%2e%2e/secret", "%2E%2E%2Fsecret", "..%2fsecret", "css/%2e%2e/x",
                           "./css/site.css", "css/./site.css", "%2e/x"}) {
    EXPECT_EQ(safe_static_path(path), std::nullopt) << path;
  }
}

TEST(SafeStaticPath, RejectsBackslashesAndAbsolutePaths) {
  for (const char* path : {"/etc/passwd", "%2fetc/passwd", "%2Fetc%2Fpasswd", "..\\secret",
                           "css\\site.css", "%5c..%5csecret", "..%5Csecret", "//host/share"}) {
    EXPECT_EQ(safe_static_path(path), std::nullopt) << path;
  }
}

TEST(SafeStaticPath, RejectsEmptySegmentsAndHiddenFiles) {
  for (const char* path : {"", "css//site.css", "css/", "a/b/", ".env", ".git/config",
                           "css/.hidden.css", "%2egit/HEAD"}) {
    EXPECT_EQ(safe_static_path(path), std::nullopt) << path;
  }
}

TEST(SafeStaticPath, RejectsControlBytesBadEncodingAndBadUtf8) {
  for (const std::string& path :
       {std::string("a%00.css"), std::string("a\0b", 3), std::string("a%0a.css"),
        std::string("a\r.css"), std::string("a%7f"), std::string("%"), std::string("a%G1"),
        std::string("a%1"), std::string("%C0%AF"), std::string("%C0%AE%C0%AE/secret"),
        std::string("\xFF.css")}) {
    EXPECT_EQ(safe_static_path(path), std::nullopt) << path;
  }
}

TEST(SafeStaticPath, DecodesOnlyOnce) {
  // %252e%252e decodes to the literal name "%2e%2e", which is not "..".
  EXPECT_EQ(safe_static_path("%252e%252e/x"), "%2e%2e/x");
}

TEST(MimeTypeFor, KnownExtensions) {
  EXPECT_EQ(mime_type_for("index.html"), "text/html; charset=utf-8");
  EXPECT_EQ(mime_type_for("css/site.css"), "text/css; charset=utf-8");
  EXPECT_EQ(mime_type_for("app.js"), "text/javascript; charset=utf-8");
  EXPECT_EQ(mime_type_for("logo.svg"), "image/svg+xml");
  EXPECT_EQ(mime_type_for("a.png"), "image/png");
  EXPECT_EQ(mime_type_for("a.jpg"), "image/jpeg");
  EXPECT_EQ(mime_type_for("a.JPEG"), "image/jpeg");
  EXPECT_EQ(mime_type_for("a.gif"), "image/gif");
  EXPECT_EQ(mime_type_for("favicon.ico"), "image/x-icon");
  EXPECT_EQ(mime_type_for("f.woff2"), "font/woff2");
  EXPECT_EQ(mime_type_for("openapi.json"), "application/json");
  EXPECT_EQ(mime_type_for("robots.txt"), "text/plain; charset=utf-8");
  EXPECT_EQ(mime_type_for("guide.PDF"), "application/pdf");
  EXPECT_EQ(mime_type_for("sitemap.xml"), "application/xml");
  EXPECT_EQ(mime_type_for("photo.webp"), "image/webp");
}

TEST(MimeTypeFor, UnknownOrMissingExtension) {
  EXPECT_EQ(mime_type_for("README"), "application/octet-stream");
  EXPECT_EQ(mime_type_for("archive.tar.gz"), "application/octet-stream");
  EXPECT_EQ(mime_type_for("dir.css/file"), "application/octet-stream");
  EXPECT_EQ(mime_type_for("trailing."), "application/octet-stream");
  EXPECT_EQ(mime_type_for(""), "application/octet-stream");
  EXPECT_EQ(mime_type_for("x.exe"), "application/octet-stream");
}

}  // namespace
}  // namespace yiwang::http
