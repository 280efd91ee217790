#include "render/catalogue.hpp"

#include <algorithm>

#include <toml++/toml.h>

namespace yiwang::render {

std::string fill_placeholders(std::string_view text,
                              const std::map<std::string, std::string>& params) {
  std::string out;
  out.reserve(text.size());
  std::size_t i = 0;
  while (i < text.size()) {
    if (text[i] == '{') {
      auto close = text.find('}', i + 1);
      if (close != std::string_view::npos) {
        auto it = params.find(std::string(text.substr(i + 1, close - i - 1)));
        if (it != params.end()) {
          out += it->second;
          i = close + 1;
          continue;
        }
      }
    }
    out += text[i++];
  }
  return out;
}

Result<Catalogue> Catalogue::load(const std::filesystem::path& dir) {
  Catalogue c;
  std::error_code ec;
  if (!std::filesystem::is_directory(dir, ec))
    return fail("catalogue.missing_dir", "paths.share_dir", {{"path", dir.string()}});
  std::vector<std::filesystem::path> files;
  for (const auto& lang_dir : std::filesystem::directory_iterator(dir)) {
    if (!lang_dir.is_directory()) continue;
    for (const auto& f : std::filesystem::directory_iterator(lang_dir.path()))
      if (f.path().extension() == ".toml") files.push_back(f.path());
  }
  std::sort(files.begin(), files.end());
  for (const auto& file : files) {
    std::string lang = file.parent_path().filename().string();
    toml::table table;
    try {
      table = toml::parse_file(file.string());
    } catch (const toml::parse_error& e) {
      return fail("catalogue.syntax", "",
                  {{"path", file.string()},
                   {"line", std::to_string(e.source().begin.line)},
                   {"detail", std::string(e.description())}});
    }
    auto& texts = c.texts_[lang];
    for (const auto& [k, v] : table) {
      const std::string* s = v.as_string() ? &v.as_string()->get() : nullptr;
      if (!s)
        return fail("catalogue.not_text", "", {{"path", file.string()}, {"key", std::string(k)}});
      if (!texts.emplace(std::string(k.str()), *s).second)
        return fail("catalogue.duplicate", "", {{"path", file.string()}, {"key", std::string(k)}});
    }
  }
  return c;
}

std::string Catalogue::text(std::string_view lang, std::string_view key,
                            const std::map<std::string, std::string>& params) const {
  for (std::string_view l : {lang, kDefaultLanguage}) {
    auto it = texts_.find(std::string(l));
    if (it == texts_.end()) continue;
    auto t = it->second.find(std::string(key));
    if (t != it->second.end()) return fill_placeholders(t->second, params);
  }
  return std::string(key);
}

std::string Catalogue::message(std::string_view lang, const Error& error) const {
  std::string body = text(lang, error.key, error.params);
  if (error.field.empty()) return body;
  std::string label_key = "field." + error.field;
  std::string label = has(lang, label_key) ? text(lang, label_key) : error.field;
  return text(lang, "error.field_prefix", {{"field", label}, {"message", body}});
}

bool Catalogue::has(std::string_view lang, std::string_view key) const {
  auto it = texts_.find(std::string(lang));
  return it != texts_.end() && it->second.contains(std::string(key));
}

std::vector<std::string> Catalogue::languages() const {
  std::vector<std::string> out;
  for (const auto& [l, _] : texts_) out.push_back(l);
  std::sort(out.begin(), out.end());
  return out;
}

std::vector<std::string> Catalogue::keys(std::string_view lang) const {
  std::vector<std::string> out;
  auto it = texts_.find(std::string(lang));
  if (it == texts_.end()) return out;
  for (const auto& [k, _] : it->second) out.push_back(k);
  std::sort(out.begin(), out.end());
  return out;
}

std::vector<std::string> Catalogue::missing(std::string_view lang,
                                            std::string_view reference) const {
  std::vector<std::string> out;
  for (const auto& k : keys(reference))
    if (!has(lang, k)) out.push_back(k);
  return out;
}

}  // namespace yiwang::render
