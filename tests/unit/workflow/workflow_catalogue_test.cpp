// The engine's own messages (web/i18n/{zh-CN,en}/workflow.toml): every key
// the engine returns has a message in both languages, with the same
// placeholders.
#include <fstream>
#include <regex>
#include <sstream>

#include <gtest/gtest.h>

#include "tests/support/catalogue_file.hpp"

namespace {

using yiwang::test::catalogue_file;
using yiwang::test::keys_of;
using yiwang::test::placeholders;

// Every "workflow.…" key the engine's sources raise, fail with or build an Error of.
std::set<std::string> keys_in_engine() {
  std::set<std::string> keys;
  const std::regex key(R"re((?:raise|fail|Error)\("(workflow\.[a-z_]+\.[a-z_.]+)")re");
  for (const char* file : {"engine.cpp", "engine_queries.cpp", "run.cpp"}) {
    std::ifstream in(std::string(YIWANG_SOURCE_DIR) + "/workflow/" + file);
    std::stringstream text;
    text << in.rdbuf();
    const std::string source = text.str();
    EXPECT_FALSE(source.empty()) << file;
    for (auto it = std::sregex_iterator(source.begin(), source.end(), key);
         it != std::sregex_iterator(); ++it)
      keys.insert((*it)[1]);
  }
  return keys;
}

TEST(WorkflowCatalogue, BothLanguagesHaveTheSameKeysAndPlaceholders) {
  const auto zh = catalogue_file("zh-CN", "workflow.toml");
  const auto en = catalogue_file("en", "workflow.toml");
  EXPECT_EQ(keys_of(zh), keys_of(en));
  for (const auto& [key, message] : zh) {
    auto other = en.find(key);
    if (other != en.end()) {
      EXPECT_EQ(placeholders(message), placeholders(other->second)) << key;
    }
  }
}

TEST(WorkflowCatalogue, EveryKeyTheEngineReturnsHasAMessage) {
  const auto keys = keys_in_engine();
  EXPECT_GT(keys.size(), 40u) << "the scan found the engine's keys";
  const auto messages = keys_of(catalogue_file("zh-CN", "workflow.toml"));
  for (const auto& k : keys) EXPECT_TRUE(messages.contains(k)) << k;
}

}  // namespace
