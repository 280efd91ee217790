// The messages of forms/ (web/i18n/{zh-CN,en}/forms.toml): every "forms.…"
// key the sources use has a message in both languages, both languages have
// the same keys, and their placeholders agree.
#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <sstream>
#include <string>

#include <gtest/gtest.h>

#include "tests/support/catalogue_file.hpp"

namespace {

using yiwang::test::catalogue_file;
using yiwang::test::keys_of;

const std::filesystem::path kForms = std::filesystem::path(YIWANG_SOURCE_DIR) / "forms";

std::string read_source(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  EXPECT_TRUE(in.good()) << "cannot read " << path;
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// Every string literal of forms/*.cpp that starts with "forms.", by file.
// A literal ending in '.' is the start of a key built at run time.
std::map<std::string, std::set<std::string>> literals_in_sources() {
  std::map<std::string, std::set<std::string>> out;
  const std::regex literal(R"re("(forms\.[A-Za-z0-9_.]*)")re");
  for (const auto& entry : std::filesystem::directory_iterator(kForms)) {
    if (entry.path().extension() != ".cpp") continue;
    const std::string source = read_source(entry.path());
    for (auto it = std::sregex_iterator(source.begin(), source.end(), literal);
         it != std::sregex_iterator(); ++it)
      out[entry.path().filename().string()].insert((*it)[1]);
  }
  return out;
}

// The {name} placeholders the catalogue fills in (a brace around other text,
// like the JSON example in forms.schema.bad_condition, is literal text).
std::set<std::string> placeholders(const std::string& message) {
  std::set<std::string> names;
  static const std::regex re(R"(\{([a-z_]+)\})");
  for (auto it = std::sregex_iterator(message.begin(), message.end(), re);
       it != std::sregex_iterator(); ++it)
    names.insert((*it)[1]);
  return names;
}

TEST(FormsCatalogue, BothLanguagesHaveTheSameKeys) {
  const auto zh = catalogue_file("zh-CN", "forms.toml");
  const auto en = catalogue_file("en", "forms.toml");
  EXPECT_GT(zh.size(), 60u);
  EXPECT_EQ(keys_of(zh), keys_of(en));
  for (const auto& [key, message] : zh) EXPECT_TRUE(key.starts_with("forms.")) << key;
}

TEST(FormsCatalogue, PlaceholdersAgreeBetweenLanguages) {
  const auto zh = catalogue_file("zh-CN", "forms.toml");
  const auto en = catalogue_file("en", "forms.toml");
  for (const auto& [key, message] : zh) {
    auto other = en.find(key);
    if (other == en.end()) continue;  // reported by BothLanguagesHaveTheSameKeys
    EXPECT_EQ(placeholders(message), placeholders(other->second)) << key;
  }
}

TEST(FormsCatalogue, EveryKeyInTheSourcesHasAMessage) {
  const auto literals = literals_in_sources();
  ASSERT_TRUE(literals.contains("schema.cpp"));
  ASSERT_TRUE(literals.contains("submission.cpp"));
  ASSERT_TRUE(literals.contains("form_view.cpp"));
  std::size_t count = 0;
  for (const char* language : {"zh-CN", "en"}) {
    const auto keys = keys_of(catalogue_file(language, "forms.toml"));
    for (const auto& [file, found] : literals) {
      for (const std::string& literal : found) {
        ++count;
        if (literal.ends_with(".")) {  // a prefix: some key must complete it
          bool completed = false;
          for (const auto& k : keys) completed = completed || k.starts_with(literal);
          EXPECT_TRUE(completed) << language << ": nothing starts with " << literal << " (" << file
                                 << ")";
        } else {
          EXPECT_TRUE(keys.contains(literal))
              << language << ": no message for " << literal << " (" << file << ")";
        }
      }
    }
  }
  EXPECT_GT(count, 2u * 60u) << "the scan found the keys of forms/";
}

// Keys the sources build from a prefix and a name.
TEST(FormsCatalogue, KeysBuiltAtRunTimeHaveMessages) {
  const std::set<std::string> built = {
      // schema.cpp: "forms.schema." + key + "_required" for the required texts
      "forms.schema.title_required", "forms.schema.label_required",
      // submission.cpp: "forms.text." + the rule of core::check_text
      "forms.text.too_long", "forms.text.encoding", "forms.text.control",
      // form_view.cpp: "forms.address." + part + "_suffix"
      "forms.address.division_suffix", "forms.address.detail_suffix"};
  for (const char* language : {"zh-CN", "en"}) {
    const auto keys = keys_of(catalogue_file(language, "forms.toml"));
    for (const auto& k : built) EXPECT_TRUE(keys.contains(k)) << language << ": " << k;
  }
}

// Messages about a field the user filled in name it: error_text fills {label}.
TEST(FormsCatalogue, ErrorsAtAFieldNameTheField) {
  const auto literals = literals_in_sources();
  std::set<std::string> keys = literals.at("submission.cpp");
  keys.insert({"forms.text.too_long", "forms.text.encoding", "forms.text.control"});
  for (const char* language : {"zh-CN", "en"}) {
    const auto messages = catalogue_file(language, "forms.toml");
    for (const auto& key : keys) {
      if (key.ends_with(".")) continue;
      auto it = messages.find(key);
      if (it == messages.end()) continue;  // reported by EveryKeyInTheSourcesHasAMessage
      EXPECT_TRUE(placeholders(it->second).contains("label")) << language << ": " << key;
    }
  }
}

}  // namespace
