#include "tests/support/catalogue_file.hpp"

#include <gtest/gtest.h>
#include <toml++/toml.h>

namespace yiwang::test {

std::map<std::string, std::string> catalogue_file(const std::string& language,
                                                  const std::string& file) {
  const std::string path = std::string(YIWANG_SOURCE_DIR) + "/web/i18n/" + language + "/" + file;
  std::map<std::string, std::string> messages;
  try {
    const toml::table table = toml::parse_file(path);
    for (auto&& [key, value] : table) {
      EXPECT_TRUE(value.is_string()) << path << ": " << key.str();
      EXPECT_FALSE(value.value_or(std::string_view{}).empty()) << path << ": " << key.str();
      messages[std::string(key.str())] = value.value_or(std::string{});
    }
  } catch (const toml::parse_error& e) {
    ADD_FAILURE() << path << ": " << e.description();
  }
  return messages;
}

std::set<std::string> keys_of(const std::map<std::string, std::string>& messages) {
  std::set<std::string> keys;
  for (const auto& entry : messages) keys.insert(entry.first);
  return keys;
}

std::set<std::string> placeholders(const std::string& message) {
  std::set<std::string> names;
  for (std::size_t open = message.find('{'); open != std::string::npos;
       open = message.find('{', open + 1)) {
    const std::size_t close = message.find('}', open);
    if (close == std::string::npos) break;
    names.insert(message.substr(open + 1, close - open - 1));
  }
  return names;
}

}  // namespace yiwang::test
