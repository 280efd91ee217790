// Every key the HTTP parsers return has a message in both catalogues.
#include <gtest/gtest.h>

#include <set>
#include <string>

#include <toml++/toml.h>

namespace {

std::set<std::string> keys_of(const std::string& lang) {
  const auto table =
      toml::parse_file(std::string(YIWANG_SOURCE_DIR) + "/web/i18n/" + lang + "/http.toml");
  std::set<std::string> keys;
  for (const auto& [key, value] : table) {
    EXPECT_TRUE(value.is_string()) << lang << " " << key.str();
    keys.emplace(key.str());
  }
  return keys;
}

TEST(HttpCatalogue, ZhCnAndEnHaveTheSameKeys) { EXPECT_EQ(keys_of("zh-CN"), keys_of("en")); }

TEST(HttpCatalogue, CoversEveryParserKey) {
  const auto zh = keys_of("zh-CN");
  for (const char* key :
       {"http.body_too_large", "http.form.bad_encoding", "http.form.bad_utf8", "http.form.nul_byte",
        "http.form.too_many_fields", "http.form.name_too_long", "http.form.value_too_long",
        "http.multipart.bad_boundary", "http.multipart.malformed", "http.multipart.too_many_files",
        "http.multipart.file_too_large", "http.multipart.bad_filename",
        "http.multipart.filename_too_long"}) {
    EXPECT_TRUE(zh.contains(key)) << key;
  }
}

}  // namespace
