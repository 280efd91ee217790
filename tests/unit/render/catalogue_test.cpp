// The message catalogue: English is complete, placeholders agree, every key
// a template uses exists, and templates escape what they are given.
#include <fstream>
#include <regex>
#include <set>
#include <sstream>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "render/catalogue.hpp"
#include "render/templates.hpp"
#include "tests/support/test_server.hpp"

using yiwang::render::Catalogue;
using yiwang::render::Templates;
using yiwang::test::source_dir;

namespace {
Catalogue load() {
  auto c = Catalogue::load(source_dir() / "web" / "i18n");
  EXPECT_TRUE(c) << (c ? ""
                       : c.error().key + " " + c.error().params["key"] + " " +
                             c.error().params["path"]);
  return c ? std::move(*c) : Catalogue{};
}

std::set<std::string> placeholders(const std::string& text) {
  std::set<std::string> out;
  static const std::regex re(R"(\{([a-z_]+)\})");
  for (auto it = std::sregex_iterator(text.begin(), text.end(), re); it != std::sregex_iterator();
       ++it)
    out.insert((*it)[1]);
  return out;
}
}  // namespace

TEST(Catalogue, EnglishAndChineseHaveTheSameKeys) {
  Catalogue c = load();
  EXPECT_EQ(c.missing("en", "zh-CN"), std::vector<std::string>{});
  EXPECT_EQ(c.missing("zh-CN", "en"), std::vector<std::string>{});
  EXPECT_GT(c.keys("zh-CN").size(), 100u);
}

TEST(Catalogue, PlaceholdersAgreeBetweenLanguages) {
  Catalogue c = load();
  for (const auto& key : c.keys("zh-CN"))
    EXPECT_EQ(placeholders(c.text("zh-CN", key)), placeholders(c.text("en", key))) << key;
}

TEST(Catalogue, FillsParametersAndFallsBack) {
  Catalogue c = load();
  EXPECT_EQ(c.text("en", "api.too_long", {{"max", "64"}}), "must be at most 64 bytes long.");
  EXPECT_EQ(c.text("fr", "nav.home"), "首页");  // unknown language: Chinese
  EXPECT_EQ(c.text("en", "no.such.key"), "no.such.key");
  EXPECT_EQ(c.message("zh-CN", yiwang::Error("api.required", "kind")), "号码类型：必须填写。");
  EXPECT_EQ(c.message("en", yiwang::Error("api.required", "kind")), "Kind: is required.");
}

TEST(Catalogue, EveryKeyUsedInTemplatesExists) {
  Catalogue c = load();
  static const std::regex re(R"(\{\{#t\}\}([^{]+)\{\{/t\}\})");
  int used = 0;
  for (const auto& e :
       std::filesystem::recursive_directory_iterator(source_dir() / "web" / "templates")) {
    if (e.path().extension() != ".mustache") continue;
    std::ifstream in(e.path());
    std::stringstream ss;
    ss << in.rdbuf();
    std::string text = ss.str();
    for (auto it = std::sregex_iterator(text.begin(), text.end(), re); it != std::sregex_iterator();
         ++it) {
      ++used;
      EXPECT_TRUE(c.has("zh-CN", (*it)[1].str())) << e.path() << ": " << (*it)[1];
      EXPECT_TRUE(c.has("en", (*it)[1].str())) << e.path() << ": " << (*it)[1];
    }
  }
  EXPECT_GT(used, 20);
}

TEST(Templates, EscapeModelValuesAndTranslate) {
  Catalogue c = load();
  auto t = Templates::load(source_dir() / "web" / "templates", c);
  ASSERT_TRUE(t);
  nlohmann::json model = {{"status", 404},
                          {"status_title", "<b>x</b>"},
                          {"message", "\"quoted\" & 'single'"},
                          {"request_id", "abc"}};
  std::string html = (*t)->render("errors/error", model, "en");
  EXPECT_NE(html.find("&lt;b&gt;x&lt;/b&gt;"), std::string::npos);
  EXPECT_NE(html.find("&quot;quoted&quot; &amp; &apos;single&apos;"), std::string::npos);
  EXPECT_NE(html.find("Back to the home page"), std::string::npos);
  EXPECT_THROW((*t)->render("no/such", model, "en"), std::out_of_range);
}

TEST(Catalogue, SyntaxErrorsAndDuplicatesAreReported) {
  yiwang::test::TempDir dir;
  std::filesystem::create_directories(dir.path() / "zh-CN");
  std::ofstream(dir.path() / "zh-CN" / "a.toml") << "\"x\" = \"1\"\n";
  std::ofstream(dir.path() / "zh-CN" / "b.toml") << "\"x\" = \"2\"\n";
  auto dup = Catalogue::load(dir.path());
  ASSERT_FALSE(dup);
  EXPECT_EQ(dup.error().key, "catalogue.duplicate");
  std::ofstream(dir.path() / "zh-CN" / "b.toml") << "\"y\" = \n";
  auto bad = Catalogue::load(dir.path());
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().key, "catalogue.syntax");
}
