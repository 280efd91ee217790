// libFuzzer target: clean_html, html_to_text and html_links on arbitrary
// bytes. Traps when the cleaned HTML changes or loses anything when cleaned
// again, is not well-formed, holds an element or attribute outside the
// allow-list (a <script>, an on* handler …) or a link with a scripting
// scheme, or when the list of removed things is not sorted and distinct.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "render/rich_text.hpp"

namespace {

constexpr std::string_view kElements[] = {
    "a",   "b",     "blockquote", "br",         "caption", "code", "dd",    "div",
    "dl",  "dt",    "em",         "figcaption", "figure",  "h2",   "h3",    "h4",
    "h5",  "h6",    "hr",         "i",          "img",     "li",   "ol",    "p",
    "pre", "s",     "span",       "strong",     "sub",     "sup",  "table", "tbody",
    "td",  "tfoot", "th",         "thead",      "tr",      "u",    "ul"};
constexpr std::string_view kVoid[] = {"br", "hr", "img"};
constexpr std::string_view kAttributes[] = {"alt",  "colspan", "height",  "href",
                                            "lang", "rel",     "rowspan", "scope",
                                            "src",  "start",   "title",   "width"};

template <typename List>
bool in(const List& list, std::string_view name) {
  return std::find(std::begin(list), std::end(list), name) != std::end(list);
}

std::string lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

// The cleaner escapes every "<", ">" and quote in text and attribute values,
// so a tag runs from "<" to the next ">" and its values sit between quotes.
void check_markup(std::string_view html) {
  if (lower(html).find("<script") != std::string::npos) __builtin_trap();
  std::vector<std::string_view> open;
  for (std::size_t at = html.find('<'); at != std::string_view::npos; at = html.find('<', at)) {
    const std::size_t end = html.find('>', at);
    if (end == std::string_view::npos) __builtin_trap();
    std::string_view tag = html.substr(at + 1, end - at - 1);
    at = end + 1;
    const bool closing = !tag.empty() && tag.front() == '/';
    if (closing) tag.remove_prefix(1);
    const std::string_view name = tag.substr(0, tag.find(' '));
    if (!in(kElements, name)) __builtin_trap();
    if (closing) {
      if (tag != name || open.empty() || open.back() != name) __builtin_trap();
      open.pop_back();
      continue;
    }
    if (!in(kVoid, name)) open.push_back(name);
    // Attributes: ` name="value"` each, nothing else.
    std::string_view rest = tag.substr(name.size());
    while (!rest.empty()) {
      if (rest.front() != ' ') __builtin_trap();
      const std::size_t equals = rest.find("=\"");
      if (equals == std::string_view::npos) __builtin_trap();
      const std::string_view attribute = rest.substr(1, equals - 1);
      if (!in(kAttributes, attribute) || attribute.starts_with("on")) __builtin_trap();
      const std::size_t quote = rest.find('"', equals + 2);
      if (quote == std::string_view::npos) __builtin_trap();
      rest.remove_prefix(quote + 1);
    }
  }
  if (!open.empty()) __builtin_trap();
}

void check_links(const std::vector<std::string>& links) {
  for (const auto& link : links) {
    std::string probe;
    for (const char c : link) {
      if (static_cast<unsigned char>(c) > 0x20 && c != 0x7f) probe += c;
    }
    probe = lower(probe);
    for (std::string_view scheme : {"javascript:", "vbscript:", "data:", "file:"}) {
      if (probe.starts_with(scheme)) __builtin_trap();
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);

  const auto cleaned = yiwang::render::clean_html(input);
  check_markup(cleaned.html);
  check_links(yiwang::render::html_links(cleaned.html));
  if (!std::is_sorted(cleaned.removed.begin(), cleaned.removed.end()) ||
      std::adjacent_find(cleaned.removed.begin(), cleaned.removed.end()) != cleaned.removed.end()) {
    __builtin_trap();
  }
  const auto again = yiwang::render::clean_html(cleaned.html);
  if (again.html != cleaned.html || !again.removed.empty()) __builtin_trap();

  (void)yiwang::render::html_to_text(input);
  (void)yiwang::render::html_links(input);
  return 0;
}
