#include "http/content_negotiation.hpp"

#include <algorithm>
#include <optional>

namespace yiwang::http {

namespace {

// Entries beyond this many in one header are ignored.
constexpr std::size_t kMaxEntries = 50;

char ascii_lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

std::string lower(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(), ascii_lower);
  return out;
}

std::string_view trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

// A qvalue in thousandths: "0", "0.5", "1", "1.000"; nullopt when malformed.
std::optional<int> parse_qvalue(std::string_view text) {
  if (text.empty() || (text[0] != '0' && text[0] != '1')) return std::nullopt;
  int value = (text[0] - '0') * 1000;
  if (text.size() == 1) return value;
  if (text[1] != '.' || text.size() > 5) return std::nullopt;
  int scale = 100;
  for (const char c : text.substr(2)) {
    if (c < '0' || c > '9') return std::nullopt;
    value += (c - '0') * scale;
    scale /= 10;
  }
  if (value > 1000) return std::nullopt;
  return value;
}

struct Entry {
  std::string value;  // lower-cased
  int quality = 1000;
};

// Splits "a;q=0.5, b" into entries in header order, skipping malformed ones.
std::vector<Entry> parse_entries(std::string_view header) {
  std::vector<Entry> entries;
  std::size_t start = 0;
  while (start <= header.size() && entries.size() < kMaxEntries) {
    std::size_t end = header.find(',', start);
    if (end == std::string_view::npos) end = header.size();
    const std::string_view item = header.substr(start, end - start);
    start = end + 1;
    std::size_t semicolon = item.find(';');
    const std::string_view value = trim(item.substr(0, semicolon));
    if (value.empty()) continue;
    Entry entry{lower(value), 1000};
    bool ok = true;
    while (semicolon != std::string_view::npos) {
      const std::size_t next = item.find(';', semicolon + 1);
      const std::string_view param = trim(item.substr(semicolon + 1, next - semicolon - 1));
      semicolon = next;
      const std::size_t equals = param.find('=');
      if (equals == std::string_view::npos) continue;
      if (lower(trim(param.substr(0, equals))) != "q") continue;
      const auto quality = parse_qvalue(trim(param.substr(equals + 1)));
      if (!quality) {
        ok = false;
        break;
      }
      entry.quality = *quality;
    }
    if (ok) entries.push_back(std::move(entry));
  }
  return entries;
}

std::vector<std::string_view> subtags(std::string_view tag) {
  std::vector<std::string_view> parts;
  std::size_t start = 0;
  while (start <= tag.size()) {
    std::size_t end = tag.find_first_of("-_", start);
    if (end == std::string_view::npos) end = tag.size();
    parts.push_back(tag.substr(start, end - start));
    start = end + 1;
  }
  return parts;
}

// The region and script subtags of a tag; for Chinese a missing script is
// implied by the region (CN, SG: Hans; TW, HK, MO: Hant).
struct Variant {
  std::string_view region;
  std::string_view script;
};

Variant variant_of(const std::vector<std::string_view>& parts) {
  Variant variant;
  for (std::size_t i = 1; i < parts.size(); ++i) {
    const std::string_view part = parts[i];
    const bool numeric_region = part.size() == 3 && part[0] >= '0' && part[0] <= '9';
    if (variant.region.empty() && (part.size() == 2 || numeric_region)) variant.region = part;
    if (variant.script.empty() && part.size() == 4) variant.script = part;
  }
  if (variant.script.empty() && parts[0] == "zh") {
    const std::string_view r = variant.region;
    if (r == "cn" || r == "sg") variant.script = "hans";
    if (r == "tw" || r == "hk" || r == "mo") variant.script = "hant";
  }
  return variant;
}

// How well a language range matches an available tag (both lower-cased):
// 0 no match; 1 same language; 2 same language and region or script, or a
// bare language range; 3 the available tag is a prefix of the range; 4 equal.
int match_score(std::string_view range, std::string_view tag) {
  if (range == tag) return 4;
  if (range.starts_with(tag) && range.size() > tag.size() && range[tag.size()] == '-') return 3;
  const auto range_parts = subtags(range);
  const auto tag_parts = subtags(tag);
  if (range_parts[0].empty() || range_parts[0] != tag_parts[0]) return 0;
  if (range_parts.size() == 1) return 2;  // "zh" -> any Chinese
  const Variant wanted = variant_of(range_parts);
  const Variant offered = variant_of(tag_parts);
  if (!wanted.region.empty() && wanted.region == offered.region) return 2;
  if (!wanted.script.empty() && wanted.script == offered.script) return 2;
  return 1;
}

}  // namespace

std::string preferred_language(std::string_view accept_language,
                               const std::vector<std::string>& available,
                               std::string_view fallback) {
  std::vector<Entry> entries = parse_entries(accept_language);
  std::stable_sort(entries.begin(), entries.end(),
                   [](const Entry& a, const Entry& b) { return a.quality > b.quality; });
  std::vector<std::string> tags;
  tags.reserve(available.size());
  for (const auto& tag : available) tags.push_back(lower(tag));

  // q=0 refuses a tag and every more specific one (RFC 4647 basic filtering).
  auto refused = [&entries](std::string_view tag) {
    return std::any_of(entries.begin(), entries.end(), [tag](const Entry& entry) {
      return entry.quality == 0 && entry.value != "*" &&
             (tag == entry.value ||
              (tag.starts_with(entry.value) && tag.size() > entry.value.size() &&
               tag[entry.value.size()] == '-'));
    });
  };

  for (const Entry& entry : entries) {
    if (entry.quality == 0) break;  // sorted: the rest are refused too
    if (entry.value == "*") {
      if (!refused(lower(fallback))) return std::string(fallback);
      for (std::size_t i = 0; i < tags.size(); ++i) {
        if (!refused(tags[i])) return available[i];
      }
      continue;
    }
    int best_score = 0;
    std::size_t best = 0;
    for (std::size_t i = 0; i < tags.size(); ++i) {
      const int score = refused(tags[i]) ? 0 : match_score(entry.value, tags[i]);
      if (score > best_score) {
        best_score = score;
        best = i;
      }
    }
    if (best_score > 0) return available[best];
  }
  return std::string(fallback);
}

bool accepts_gzip(std::string_view accept_encoding) {
  std::optional<int> gzip;
  std::optional<int> any;
  for (const Entry& entry : parse_entries(accept_encoding)) {
    if (entry.value == "gzip" || entry.value == "x-gzip") {
      gzip = std::max(gzip.value_or(0), entry.quality);
    } else if (entry.value == "*") {
      any = entry.quality;
    }
  }
  if (gzip) return *gzip > 0;
  return any.value_or(0) > 0;
}

}  // namespace yiwang::http
