// The message catalogue: every user-facing string, in zh-CN (the default) and
// en. Files are web/i18n/<lang>/<module>.toml holding flat `"key" = "text"`
// pairs; `{name}` in a text is replaced by the parameter of that name.
// Loaded once at start-up; read-only afterwards, so any thread may use it.
#pragma once

#include <filesystem>
#include <map>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/error.hpp"

namespace yiwang::render {

class Catalogue {
 public:
  static constexpr std::string_view kDefaultLanguage = "zh-CN";

  // Loads every <dir>/<lang>/*.toml. Fails naming the file and line of a
  // syntax error or a key defined twice.
  static Result<Catalogue> load(const std::filesystem::path& dir);

  // The text of a key in a language, with parameters filled in. Falls back to
  // the default language, then to the key itself.
  std::string text(std::string_view lang, std::string_view key,
                   const std::map<std::string, std::string>& params = {}) const;
  // An Error as a sentence for the user; when it names a field, the field's
  // label ("field.<name>" in the catalogue, or the name) leads the message.
  std::string message(std::string_view lang, const Error& error) const;
  bool has(std::string_view lang, std::string_view key) const;

  std::vector<std::string> languages() const;
  // Keys present in `reference` but missing in `lang` (catalogue completeness).
  std::vector<std::string> missing(std::string_view lang, std::string_view reference) const;
  // Keys of one language, sorted.
  std::vector<std::string> keys(std::string_view lang) const;

 private:
  std::unordered_map<std::string, std::unordered_map<std::string, std::string>> texts_;
};

// Replaces {name} placeholders; unknown names are left as they are.
std::string fill_placeholders(std::string_view text,
                              const std::map<std::string, std::string>& params);

}  // namespace yiwang::render
