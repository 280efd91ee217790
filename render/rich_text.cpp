#include "render/rich_text.hpp"

#include <gumbo.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <csetjmp>
#include <cstddef>
#include <cstdlib>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/text_rules.hpp"

namespace yiwang::render {

namespace {

// ---------------------------------------------------------------------------
// Limits.
//
// gumbo 0.10.1 has no depth limit of its own: its scope checks walk the stack
// of open elements, so deep nesting costs quadratic time (100 000 nested
// <div>s take minutes), and misnested formatting elements are reconstructed
// over and over (a few hundred kilobytes can ask for gigabytes). Start tags
// that would nest deeper than kMaxDepth are therefore cut before parsing, the
// output never nests deeper either, and the parser's allocations go through
// an arena that abandons the parse past a memory or time budget.

constexpr std::size_t kMaxDepth = 256;
constexpr std::size_t kMemoryBase = std::size_t{32} << 20;
constexpr std::size_t kMemoryPerInputByte = 64;
constexpr auto kParseTime = std::chrono::seconds(3);
constexpr unsigned kClockEvery = 1024;  // allocations between two looks at the clock
constexpr int kMaxExtraPasses = 3;      // re-cleanings that must reach a fixed point
constexpr std::size_t kMaxRecordBytes = 64;

// ---------------------------------------------------------------------------
// Characters.

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\f' || c == '\r'; }
bool is_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool is_digit(char c) { return c >= '0' && c <= '9'; }
char to_lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

std::string lowercase(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(), to_lower);
  return out;
}

// Equal but for the case of ASCII letters; `b` is in lowercase.
bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() &&
         std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) { return to_lower(x) == y; });
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
  return s;
}

// A value as a URL parser reads its start: without ASCII white space and
// control characters anywhere ("java\tscript:" is "javascript:"), nor the
// U+FFFD that stand for the control characters gumbo replaced.
std::string without_controls(std::string_view value) {
  std::string out;
  for (std::size_t i = 0; i < value.size(); ++i) {
    const auto byte = static_cast<unsigned char>(value[i]);
    if (value.substr(i, 3) == "\xEF\xBF\xBD") {
      i += 2;
    } else if (byte > 0x20 && byte != 0x7f) {
      out += value[i];
    }
  }
  return out;
}

// Text as the next parse reads it back: CR LF and lone CR become LF, control
// characters (C0 but tab, LF and FF; DEL; C1) U+FFFD. gumbo hands them over
// as they are when they come from a character reference ("&#xD;", "&#x11;").
std::string as_written(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    const auto byte = static_cast<unsigned char>(text[i]);
    if (byte == '\r') {
      if (i + 1 == text.size() || text[i + 1] != '\n') out += '\n';
    } else if ((byte < 0x20 && byte != '\t' && byte != '\n' && byte != '\f') || byte == 0x7f) {
      out += "\xEF\xBF\xBD";
    } else if (byte == 0xC2 && i + 1 < text.size() &&
               static_cast<unsigned char>(text[i + 1]) >= 0x80 &&
               static_cast<unsigned char>(text[i + 1]) <= 0x9F) {
      out += "\xEF\xBF\xBD";
      ++i;
    } else {
      out += text[i];
    }
  }
  return out;
}

void append_escaped(std::string& out, std::string_view text) { out += core::xml_escape(text); }

// Bytes of the white-space character at text[i] (ASCII white space, U+00A0
// no-break space, U+3000 ideographic space), 0 when there is none.
std::size_t space_at(std::string_view text, std::size_t i) {
  if (is_space(text[i])) return 1;
  if (text.substr(i, 2) == "\xC2\xA0") return 2;
  if (text.substr(i, 3) == "\xE3\x80\x80") return 3;
  return 0;
}

// ---------------------------------------------------------------------------
// Cutting deep nesting before gumbo sees it.
//
// A tokenizer that follows the HTML5 one for tags, attributes, comments and
// raw text (script, style, textarea …), and a stack of open elements that
// follows the tree builder's common rules (void elements, implied ends of p,
// li, dd/dt, tr, td/th, headings; which end tags close what). It is an
// estimate: crafted misnesting can still nest deeper in gumbo, which is what
// the arena's budget is for.

// What the tree builder's rules make of an HTML element, by its name.
enum Rule : unsigned {
  kVoid = 1u << 0,          // never open (br, img …)
  kIgnored = 1u << 1,       // ignored in a body (html, body …)
  kRawText = 1u << 2,       // content is text up to its end tag (style, textarea …)
  kClosesP = 1u << 3,       // its start tag closes an open p
  kHeading = 1u << 4,       // h1 to h6
  kFormatting = 1u << 5,    // b, a …: reopened after misnesting
  kSpecial = 1u << 6,       // stops the implied end of li, dd, dt and of other end tags
  kScope = 1u << 7,         // bounds "in scope"
  kButtonScope = 1u << 8,   // bounds "in button scope" (p)
  kListScope = 1u << 9,     // bounds "in list item scope" (li) besides kScope
  kForeignRoot = 1u << 10,  // svg, math
  kIntegration = 1u << 11,  // HTML inside svg or math
};

class TagRules {
 public:
  TagRules() {
    add(kVoid,
        "area base basefont bgsound br col embed frame hr image img input isindex keygen link "
        "meta param source track wbr");
    add(kIgnored, "body frameset head html");
    add(kRawText, "iframe noembed noframes style textarea title xmp");
    add(kClosesP,
        "address article aside blockquote center dd details dir div dl dt fieldset figcaption "
        "figure footer form h1 h2 h3 h4 h5 h6 header hgroup li listing main menu nav ol p pre "
        "section summary table ul");
    add(kHeading, "h1 h2 h3 h4 h5 h6");
    add(kFormatting, "a b big code em font i nobr s small strike strong tt u");
    add(kSpecial,
        "address annotation-xml applet area article aside base basefont bgsound blockquote body "
        "br button caption center col colgroup dd desc details dir div dl dt embed fieldset "
        "figcaption figure footer foreignobject form frame frameset h1 h2 h3 h4 h5 h6 head header "
        "hgroup hr html iframe img input isindex keygen li link listing main marquee menu meta mi "
        "mn mo ms mtext nav noembed noframes noscript object ol p param plaintext pre script "
        "section select source style summary table tbody td template textarea tfoot th thead "
        "title tr track ul wbr xmp");
    add(kScope | kButtonScope,
        "annotation-xml applet caption desc foreignobject html marquee math mi mn mo ms mtext "
        "object svg table td template th title");
    add(kButtonScope, "button");
    add(kListScope, "ol ul");
    add(kForeignRoot, "svg math");
    add(kIntegration, "annotation-xml desc foreignobject mi mn mo ms mtext");
    std::sort(rules_.begin(), rules_.end());
  }

  unsigned of(std::string_view name) const {
    const auto it =
        std::lower_bound(rules_.begin(), rules_.end(), std::pair(name, 0u),
                         [](const auto& a, const auto& b) { return a.first < b.first; });
    return it != rules_.end() && it->first == name ? it->second : 0;
  }

 private:
  void add(unsigned rule, std::string_view names) {
    for (std::size_t at = 0; at < names.size();) {
      const std::size_t end = std::min(names.find(' ', at), names.size());
      const std::string_view name = names.substr(at, end - at);
      at = end + 1;
      auto it = std::find_if(rules_.begin(), rules_.end(),
                             [name](const auto& entry) { return entry.first == name; });
      if (it == rules_.end()) it = rules_.insert(rules_.end(), {name, 0u});
      it->second |= rule;
    }
  }

  std::vector<std::pair<std::string_view, unsigned>> rules_;
};

unsigned rules_of(std::string_view name) {
  static const TagRules rules;
  return rules.of(name);
}

class NestingLimiter {
 public:
  explicit NestingLimiter(std::string_view in) : in_(in) {}

  // The input with every start tag that would open an element deeper than
  // kMaxDepth replaced by "</>" (which the tokenizer drops without a trace);
  // nullopt when nothing is that deep.
  std::optional<std::string> run() {
    while (true) {
      const std::size_t open = in_.find('<', pos_);
      if (open == std::string_view::npos || open + 1 >= in_.size()) break;
      pos_ = open + 1;
      const char c = in_[pos_];
      if (c == '!') {
        ++pos_;
        if (in_.substr(pos_, 2) == "--") {
          pos_ += 2;
          skip_comment();
        } else if (in_.substr(pos_, 7) == "[CDATA[" && foreign()) {
          skip_past("]]>");
        } else {
          skip_past(">");  // doctype or bogus comment
        }
      } else if (c == '?') {
        skip_past(">");
      } else if (c == '/') {
        ++pos_;
        if (pos_ < in_.size() && is_alpha(in_[pos_])) {
          const std::string name = read_name();
          bool self_closing = false;
          if (!skip_attributes(self_closing)) break;
          end_tag(name);
        } else if (pos_ < in_.size() && in_[pos_] == '>') {
          ++pos_;
        } else {
          skip_past(">");
        }
      } else if (is_alpha(c)) {
        std::string name = read_name();
        bool self_closing = false;
        if (!skip_attributes(self_closing)) break;
        start_tag(std::move(name), open, self_closing);
      }
    }
    if (cuts_.empty()) return std::nullopt;
    std::string out;
    out.reserve(in_.size());
    std::size_t at = 0;
    for (const auto& [begin, end] : cuts_) {
      out.append(in_.substr(at, begin - at));
      out += "</>";
      at = end;
    }
    out.append(in_.substr(at));
    return out;
  }

 private:
  void skip_past(std::string_view end) {
    const std::size_t at = in_.find(end, pos_);
    pos_ = at == std::string_view::npos ? in_.size() : at + end.size();
  }

  // From after "<!--" to after the comment's end.
  void skip_comment() {
    enum { kStart, kStartDash, kBody, kEndDash, kEnd, kEndBang } state = kStart;
    while (pos_ < in_.size()) {
      const char c = in_[pos_++];
      switch (state) {
        case kStart:
        case kStartDash:
          if (c == '>') return;
          state = c != '-' ? kBody : state == kStart ? kStartDash : kEnd;
          break;
        case kBody:
          if (c == '-') state = kEndDash;
          break;
        case kEndDash:
          state = c == '-' ? kEnd : kBody;
          break;
        case kEnd:
          if (c == '>') return;
          if (c == '!')
            state = kEndBang;
          else if (c != '-')
            state = kBody;
          break;
        case kEndBang:
          if (c == '>') return;
          state = c == '-' ? kEndDash : kBody;
          break;
      }
    }
  }

  std::string read_name() {
    const std::size_t begin = pos_;
    while (pos_ < in_.size() && !is_space(in_[pos_]) && in_[pos_] != '/' && in_[pos_] != '>') {
      ++pos_;
    }
    return lowercase(in_.substr(begin, pos_ - begin));
  }

  // From after a tag's name to after its ">"; false when the input ends first
  // (the tokenizer then drops the tag).
  bool skip_attributes(bool& self_closing) {
    enum { kBeforeName, kName, kAfterName, kBeforeValue, kUnquoted, kAfterQuoted, kSelfClosing };
    auto state = kBeforeName;
    while (pos_ < in_.size()) {
      const char c = in_[pos_++];
      switch (state) {
        case kBeforeName:
        case kAfterName:
          if (is_space(c)) break;
          if (c == '/')
            state = kSelfClosing;
          else if (c == '>')
            return true;
          else if (c == '=' && state == kAfterName)
            state = kBeforeValue;
          else
            state = kName;
          break;
        case kName:
          if (is_space(c))
            state = kAfterName;
          else if (c == '/')
            state = kSelfClosing;
          else if (c == '=')
            state = kBeforeValue;
          else if (c == '>')
            return true;
          break;
        case kBeforeValue:
          if (is_space(c)) break;
          if (c == '"' || c == '\'') {
            const std::size_t close = in_.find(c, pos_);
            if (close == std::string_view::npos) {
              pos_ = in_.size();
              return false;
            }
            pos_ = close + 1;
            state = kAfterQuoted;
          } else if (c == '>') {
            return true;
          } else {
            state = kUnquoted;
          }
          break;
        case kUnquoted:
          if (is_space(c))
            state = kBeforeName;
          else if (c == '>')
            return true;
          break;
        case kAfterQuoted:
        case kSelfClosing:
          if (c == '>') {
            self_closing = state == kSelfClosing;
            return true;
          }
          if (c == '/' && state == kAfterQuoted) {
            state = kSelfClosing;
          } else {
            if (!is_space(c)) --pos_;  // reconsumed before the next attribute's name
            state = kBeforeName;
          }
          break;
      }
    }
    pos_ = in_.size();
    return false;
  }

  // Is "</name" followed by a delimiter at `at`?
  bool end_tag_at(std::size_t at, std::string_view name) const {
    const std::size_t after = at + 2 + name.size();
    return in_.substr(at, 2) == "</" && after <= in_.size() &&
           iequals(in_.substr(at + 2, name.size()), name) &&
           (after == in_.size() || is_space(in_[after]) || in_[after] == '/' || in_[after] == '>');
  }

  // From after a raw-text start tag (RCDATA, RAWTEXT) to after its end tag.
  void skip_raw_text(std::string_view name) {
    for (std::size_t at = in_.find("</", pos_); at != std::string_view::npos;
         at = in_.find("</", at + 2)) {
      if (end_tag_at(at, name)) {
        pos_ = at + 2 + name.size();
        bool self_closing = false;
        skip_attributes(self_closing);
        return;
      }
    }
    pos_ = in_.size();
  }

  // From after <script> to after </script>, through the script data states
  // ("<!--" escapes, "<script>" inside an escape).
  void skip_script() {
    enum { kData, kEscaped, kDoubleEscaped } state = kData;
    int dashes = 0;
    auto finish = [&](std::size_t at) {
      pos_ = at + 8;
      bool self_closing = false;
      skip_attributes(self_closing);
    };
    while (pos_ < in_.size()) {
      if (state == kData) {
        const std::size_t at = in_.find('<', pos_);
        if (at == std::string_view::npos) break;
        pos_ = at + 1;
        if (end_tag_at(at, "script")) return finish(at);
        if (in_.substr(at, 4) == "<!--") {
          pos_ = at + 4;
          state = kEscaped;
          dashes = 2;
        }
        continue;
      }
      const char c = in_[pos_++];
      if (c == '-') {
        ++dashes;
        continue;
      }
      if (c == '>' && dashes >= 2) {
        state = kData;
        dashes = 0;
        continue;
      }
      dashes = 0;
      if (c != '<') continue;
      const std::size_t at = pos_ - 1;
      if (end_tag_at(at, "script")) {
        if (state == kEscaped) return finish(at);
        pos_ = at + 8;
        state = kEscaped;
      } else if (state == kEscaped && in_.size() > at + 7 &&
                 iequals(in_.substr(at + 1, 6), "script") &&
                 (is_space(in_[at + 7]) || in_[at + 7] == '/' || in_[at + 7] == '>')) {
        pos_ = at + 7;
        state = kDoubleEscaped;
      }
    }
    pos_ = in_.size();
  }

  struct Open {
    std::string name;
    unsigned rules;
  };

  // Inside svg or math and not in one of their HTML integration points.
  bool foreign() const {
    if (foreign_roots_ == 0) return false;
    for (auto it = stack_.rbegin(); it != stack_.rend(); ++it) {
      if (it->rules & kForeignRoot) return true;
      if (it->rules & kIntegration) return false;
    }
    return false;
  }

  void forget(const Open& open) {
    if (open.rules & kForeignRoot) --foreign_roots_;
    --open_count_.find(open.name)->second;
  }

  void pop_to_size(std::size_t size) {
    while (stack_.size() > size) {
      forget(stack_.back());
      stack_.pop_back();
    }
  }

  void erase(std::size_t i) {
    forget(stack_[i]);
    stack_.erase(stack_.begin() + static_cast<std::ptrdiff_t>(i));
  }

  bool is_open(std::string_view name) const {
    const auto it = open_count_.find(name);
    return it != open_count_.end() && it->second > 0;
  }

  // The nearest open element named `a` (or `b`), unless an element with one
  // of the `stop` rules (or, with li_stop, a special element other than
  // address, div and p) comes first.
  std::optional<std::size_t> nearest(std::string_view a, std::string_view b, unsigned stop,
                                     bool li_stop = false) const {
    if (!is_open(a) && (b.empty() || !is_open(b))) return std::nullopt;
    for (std::size_t i = stack_.size(); i-- > 0;) {
      const Open& open = stack_[i];
      if (open.name == a || (!b.empty() && open.name == b)) return i;
      if (open.rules & stop) return std::nullopt;
      if (li_stop && (open.rules & kSpecial) && open.name != "address" && open.name != "div" &&
          open.name != "p") {
        return std::nullopt;
      }
    }
    return std::nullopt;
  }

  void close(std::optional<std::size_t> open) {
    if (open) pop_to_size(*open);
  }

  void start_tag(std::string name, std::size_t begin, bool self_closing) {
    const unsigned rules = rules_of(name);
    if (foreign()) {
      if (!self_closing) push(std::move(name), rules, begin);
      return;
    }
    if ((rules & kForeignRoot) && self_closing) return;
    if (rules & (kVoid | kIgnored)) return;
    if (name == "script") return skip_script();
    if (name == "plaintext") {
      pos_ = in_.size();
      return;
    }
    if (rules & kRawText) return skip_raw_text(name);

    if (name == "li") {
      close(nearest("li", {}, 0, true));
    } else if (name == "dd" || name == "dt") {
      close(nearest("dd", "dt", 0, true));
    } else if (name == "tr") {
      close(nearest("tr", {}, 0));
    } else if (name == "td" || name == "th") {
      close(nearest("td", "th", 0));
    } else if (name == "a" || name == "button" || name == "nobr") {
      close(nearest(name, {}, kScope));
    } else if (name == "option" || name == "optgroup") {
      if (!stack_.empty() && stack_.back().name == "option") pop_to_size(stack_.size() - 1);
      if (name == "optgroup" && !stack_.empty() && stack_.back().name == "optgroup") {
        pop_to_size(stack_.size() - 1);
      }
    }
    if (rules & kClosesP) close(nearest("p", {}, kButtonScope));
    if ((rules & kHeading) && !stack_.empty() && (stack_.back().rules & kHeading)) {
      pop_to_size(stack_.size() - 1);
    }
    push(std::move(name), rules, begin);
  }

  void push(std::string name, unsigned rules, std::size_t begin) {
    if (stack_.size() >= kMaxDepth) {
      cuts_.emplace_back(begin, pos_);
      return;
    }
    if (rules & kForeignRoot) ++foreign_roots_;
    ++open_count_[name];
    stack_.push_back({std::move(name), rules});
  }

  // End tags as the tree builder takes them: a special element's (div, li …)
  // closes it when it is in scope; a formatting element's (b, a …) closes it,
  // but the block elements opened inside stay open; any other closes the
  // nearest match unless a special element comes first.
  void end_tag(const std::string& name) {
    if (foreign()) return close(nearest(name, {}, 0));
    const unsigned rules = rules_of(name);
    if (rules & kHeading) {
      for (std::size_t i = stack_.size(); i-- > 0;) {
        if (stack_[i].rules & kHeading) return pop_to_size(i);
        if (stack_[i].rules & kScope) return;
      }
      return;
    }
    if (rules & kSpecial) {
      const unsigned stop = name == "p"    ? kButtonScope
                            : name == "li" ? kScope | kListScope
                                           : kScope;
      return close(nearest(name, {}, stop));
    }
    const auto open = nearest(name, {}, (rules & kFormatting) ? kScope : kSpecial);
    if (!open) return;
    const bool block_inside =
        std::any_of(stack_.begin() + static_cast<std::ptrdiff_t>(*open) + 1, stack_.end(),
                    [](const Open& inner) { return (inner.rules & kSpecial) != 0; });
    if (block_inside) return erase(*open);
    pop_to_size(*open);
  }

  std::string_view in_;
  std::size_t pos_ = 0;
  std::vector<Open> stack_;
  std::size_t foreign_roots_ = 0;                               // svg and math elements on stack_
  std::map<std::string, std::size_t, std::less<>> open_count_;  // by name, for quick misses
  std::vector<std::pair<std::size_t, std::size_t>> cuts_;
};

// ---------------------------------------------------------------------------
// Parsing into an arena with a budget.

class Arena {
 public:
  explicit Arena(std::size_t input_bytes)
      : budget_(kMemoryBase + kMemoryPerInputByte * input_bytes) {}
  Arena(const Arena&) = delete;
  Arena& operator=(const Arena&) = delete;
  ~Arena() {
    while (head_ != nullptr) {
      Block* next = head_->next;
      std::free(head_);
      head_ = next;
    }
  }

  // gumbo's allocator and deallocator; `self` is the arena.
  static void* allocate(void* self, std::size_t bytes) {
    return static_cast<Arena*>(self)->take(bytes);
  }
  static void deallocate(void* self, void* ptr) { static_cast<Arena*>(self)->give(ptr); }

  // The time budget runs from here.
  void start_clock() { deadline_ = std::chrono::steady_clock::now() + kParseTime; }

  std::jmp_buf abandon;  // where an allocation past the budget jumps to

 private:
  struct alignas(std::max_align_t) Block {
    Block* prev;
    Block* next;
    std::size_t bytes;
  };

  // Nothing here may need destruction: the budget check leaves by longjmp.
  void* take(std::size_t bytes) {
    if (bytes > budget_ - live_ ||
        (++calls_ % kClockEvery == 0 && std::chrono::steady_clock::now() > deadline_)) {
      std::longjmp(abandon, 1);
    }
    auto* block = static_cast<Block*>(std::malloc(sizeof(Block) + bytes));
    if (block == nullptr) std::longjmp(abandon, 1);
    block->prev = nullptr;
    block->next = head_;
    block->bytes = bytes;
    if (head_ != nullptr) head_->prev = block;
    head_ = block;
    live_ += bytes;
    return block + 1;
  }

  void give(void* ptr) {
    if (ptr == nullptr) return;
    Block* block = static_cast<Block*>(ptr) - 1;
    (block->prev != nullptr ? block->prev->next : head_) = block->next;
    if (block->next != nullptr) block->next->prev = block->prev;
    live_ -= block->bytes;
    std::free(block);
  }

  Block* head_ = nullptr;
  std::size_t live_ = 0;
  std::size_t budget_;
  unsigned calls_ = 0;
  std::chrono::steady_clock::time_point deadline_;
};

// gumbo's parse of `html`, or nullptr when the arena abandoned it. Kept apart
// so that no object with a destructor lives between setjmp and longjmp.
GumboOutput* parse_in(Arena& arena, const GumboOptions* options, const char* data,
                      std::size_t size) {
  if (setjmp(arena.abandon) != 0) return nullptr;
  return gumbo_parse_with_options(options, data, size);
}

// A body fragment parsed by gumbo; the tree lives as long as the object.
class Fragment {
 public:
  explicit Fragment(std::string_view html) : arena_(html.size()) {
    if (auto limited = NestingLimiter(html).run()) {
      limited_ = std::move(*limited);
      html = limited_;
      cut_ = true;
    }
    GumboOptions options = kGumboDefaultOptions;
    options.allocator = &Arena::allocate;
    options.deallocator = &Arena::deallocate;
    options.userdata = &arena_;
    options.max_errors = 0;  // errors are not read; recording them copies the open elements
    options.fragment_context = GUMBO_TAG_BODY;
    options.fragment_namespace = GUMBO_NAMESPACE_HTML;
    arena_.start_clock();
    if (GumboOutput* output = parse_in(arena_, &options, html.data(), html.size())) {
      root_ = output->root;
    }
  }

  // The <html> element holding the fragment's nodes; nullptr when abandoned.
  const GumboNode* root() const { return root_; }
  // Were start tags cut for nesting too deep?
  bool cut() const { return cut_; }

 private:
  Arena arena_;
  std::string limited_;
  bool cut_ = false;
  const GumboNode* root_ = nullptr;
};

bool is_element(const GumboNode* node) {
  return node->type == GUMBO_NODE_ELEMENT || node->type == GUMBO_NODE_TEMPLATE;
}

// Calls enter(node) for every node below root in document order and, for each
// element that enter() descends into (returns true for), leave(node) after
// its children. Iterative: any depth is safe.
template <typename Enter, typename Leave>
void walk(const GumboNode* root, Enter&& enter, Leave&& leave) {
  struct Frame {
    const GumboNode* node;
    unsigned next;
  };
  std::vector<Frame> stack{{root, 0}};
  while (!stack.empty()) {
    Frame& frame = stack.back();
    const GumboVector& children = frame.node->v.element.children;
    if (frame.next == children.length) {
      const GumboNode* done = frame.node;
      stack.pop_back();
      if (!stack.empty()) leave(done);
      continue;
    }
    const auto* child = static_cast<const GumboNode*>(children.data[frame.next++]);
    if (enter(child) && is_element(child)) stack.push_back({child, 0});
  }
}

// ---------------------------------------------------------------------------
// The allow-list.

enum class Kind : unsigned char { kUnwrap, kKeep, kDrop };

constexpr GumboTag kKept[] = {
    GUMBO_TAG_P,     GUMBO_TAG_BR,     GUMBO_TAG_HR,         GUMBO_TAG_H1,    GUMBO_TAG_H2,
    GUMBO_TAG_H3,    GUMBO_TAG_H4,     GUMBO_TAG_H5,         GUMBO_TAG_H6,    GUMBO_TAG_STRONG,
    GUMBO_TAG_B,     GUMBO_TAG_EM,     GUMBO_TAG_I,          GUMBO_TAG_U,     GUMBO_TAG_S,
    GUMBO_TAG_SUB,   GUMBO_TAG_SUP,    GUMBO_TAG_BLOCKQUOTE, GUMBO_TAG_PRE,   GUMBO_TAG_CODE,
    GUMBO_TAG_UL,    GUMBO_TAG_OL,     GUMBO_TAG_LI,         GUMBO_TAG_DL,    GUMBO_TAG_DT,
    GUMBO_TAG_DD,    GUMBO_TAG_TABLE,  GUMBO_TAG_CAPTION,    GUMBO_TAG_THEAD, GUMBO_TAG_TBODY,
    GUMBO_TAG_TFOOT, GUMBO_TAG_TR,     GUMBO_TAG_TH,         GUMBO_TAG_TD,    GUMBO_TAG_A,
    GUMBO_TAG_IMG,   GUMBO_TAG_FIGURE, GUMBO_TAG_FIGCAPTION, GUMBO_TAG_SPAN,  GUMBO_TAG_DIV};

constexpr GumboTag kDropped[] = {
    GUMBO_TAG_SCRIPT,   GUMBO_TAG_STYLE,  GUMBO_TAG_TEMPLATE, GUMBO_TAG_IFRAME, GUMBO_TAG_FRAME,
    GUMBO_TAG_FRAMESET, GUMBO_TAG_OBJECT, GUMBO_TAG_EMBED,    GUMBO_TAG_APPLET, GUMBO_TAG_NOSCRIPT,
    GUMBO_TAG_FORM,     GUMBO_TAG_INPUT,  GUMBO_TAG_BUTTON,   GUMBO_TAG_SELECT, GUMBO_TAG_TEXTAREA,
    GUMBO_TAG_OPTION,   GUMBO_TAG_VIDEO,  GUMBO_TAG_AUDIO,    GUMBO_TAG_SOURCE, GUMBO_TAG_TRACK,
    GUMBO_TAG_CANVAS,   GUMBO_TAG_SVG,    GUMBO_TAG_MATH,     GUMBO_TAG_LINK,   GUMBO_TAG_META,
    GUMBO_TAG_BASE,     GUMBO_TAG_TITLE,  GUMBO_TAG_HEAD};

Kind kind_of(const GumboNode* node) {
  static const auto kinds = [] {
    std::array<Kind, GUMBO_TAG_LAST + 1> table{};
    for (GumboTag tag : kKept) table[tag] = Kind::kKeep;
    for (GumboTag tag : kDropped) table[tag] = Kind::kDrop;
    return table;
  }();
  if (node->type == GUMBO_NODE_TEMPLATE) return Kind::kDrop;
  const GumboElement& element = node->v.element;
  if (element.tag_namespace != GUMBO_NAMESPACE_HTML) return Kind::kDrop;  // inside svg or math
  return kinds[element.tag];
}

// The element's tag name as written, lowercase (custom and namespaced names too).
std::string tag_name(const GumboElement& element) {
  if (element.tag != GUMBO_TAG_UNKNOWN) return gumbo_normalized_tagname(element.tag);
  GumboStringPiece piece = element.original_tag;
  gumbo_tag_from_original_text(&piece);
  if (piece.data == nullptr || piece.length == 0) return "unknown";
  return lowercase({piece.data, piece.length});
}

bool is_digits(std::string_view value, std::size_t max_digits = 9) {
  return !value.empty() && value.size() <= max_digits &&
         std::all_of(value.begin(), value.end(), is_digit);
}

bool is_span(std::string_view value) {  // colspan, rowspan: 1 to 100
  if (!is_digits(value)) return false;
  const unsigned long n = std::stoul(std::string(value));
  return n >= 1 && n <= 100;
}

bool is_language(std::string_view value) {  // a BCP 47 tag's characters, or empty
  return value.size() <= 35 && std::all_of(value.begin(), value.end(), [](char c) {
           return is_alpha(c) || is_digit(c) || c == '-';
         });
}

struct LinkVerdict {
  bool allowed = false;
  bool external = false;  // absolute http(s) or network-path ("//host"): gets rel
  std::string scheme;     // for the record when not allowed
};

LinkVerdict judge_href(std::string_view value) {
  const std::string probe = without_controls(value);
  const std::size_t end = probe.find_first_of(":/?#\\");
  if (end != std::string::npos && probe[end] == ':') {
    const std::string scheme = lowercase(probe.substr(0, end));
    if (scheme == "http" || scheme == "https") return {true, true, scheme};
    if (scheme == "mailto" || scheme == "tel") return {true, false, scheme};
    const bool well_formed =
        !scheme.empty() && is_alpha(scheme.front()) &&
        std::all_of(scheme.begin(), scheme.end(), [](char c) {
          return is_alpha(c) || is_digit(c) || c == '+' || c == '-' || c == '.';
        });
    return {false, false, well_formed ? scheme : "invalid"};
  }
  const auto slash = [](char c) { return c == '/' || c == '\\'; };
  return {true, probe.size() >= 2 && slash(probe[0]) && slash(probe[1]), ""};
}

// "/path" on this site; not "//host/path" (nor "/\host", which browsers read so).
bool is_same_site_path(std::string_view value) {
  const std::string probe = without_controls(value);
  return !probe.empty() && probe[0] == '/' &&
         (probe.size() == 1 || (probe[1] != '/' && probe[1] != '\\'));
}

const GumboAttribute* attribute(const GumboElement& element, const char* name) {
  return gumbo_get_attribute(&element.attributes, name);
}

// One pass of the allow-list over a parsed fragment.
class Cleaner {
 public:
  explicit Cleaner(std::set<std::string>& removed) : removed_(removed) {}

  std::string run(const GumboNode* root) {
    walk(
        root, [this](const GumboNode* node) { return enter(node); },
        [this](const GumboNode*) { leave(); });
    return std::move(out_);
  }

 private:
  void record(std::string_view what) {
    if (what.size() > kMaxRecordBytes) {
      std::size_t cut = kMaxRecordBytes;
      while (cut > 0 && (static_cast<unsigned char>(what[cut]) & 0xC0) == 0x80) --cut;
      what = what.substr(0, cut);
    }
    removed_.emplace(what);
  }

  bool enter(const GumboNode* node) {
    switch (node->type) {
      case GUMBO_NODE_TEXT:
      case GUMBO_NODE_WHITESPACE:
      case GUMBO_NODE_CDATA:
        text(node->v.text.text);
        return false;
      case GUMBO_NODE_ELEMENT:
      case GUMBO_NODE_TEMPLATE:
        break;
      default:  // comments
        return false;
    }
    const GumboElement& element = node->v.element;
    switch (kind_of(node)) {
      case Kind::kDrop:
        record(tag_name(element));
        return false;
      case Kind::kUnwrap:
        record(tag_name(element));
        closers_.push_back(nullptr);
        return true;
      case Kind::kKeep:
        break;
    }
    if (element.tag == GUMBO_TAG_IMG) {
      image(element);
      return false;
    }
    if (element.tag == GUMBO_TAG_BR || element.tag == GUMBO_TAG_HR) {
      open(element);
      return false;
    }
    if (depth_ >= kMaxDepth) {  // gumbo may nest deeper than the cut input asked
      record("html:too_deep");
      closers_.push_back(nullptr);
      return true;
    }
    open(element);
    closers_.push_back(name_of(element));
    ++depth_;
    pre_start_ = element.tag == GUMBO_TAG_PRE;
    return true;
  }

  void leave() {
    const char* closer = closers_.back();
    closers_.pop_back();
    if (closer == nullptr) return;
    out_ += "</";
    out_ += closer;
    out_ += '>';
    --depth_;
    pre_start_ = false;
  }

  static const char* name_of(const GumboElement& element) {
    return element.tag == GUMBO_TAG_H1 ? "h2" : gumbo_normalized_tagname(element.tag);
  }

  void text(std::string_view raw) {
    const std::string text = as_written(raw);
    // The parser drops a newline right after <pre>: write one more so that the
    // text's own newline survives the next parse.
    if (pre_start_ && !text.empty() && text.front() == '\n') out_ += '\n';
    pre_start_ = false;
    append_escaped(out_, text);
  }

  void image(const GumboElement& element) {
    const GumboAttribute* src = attribute(element, "src");
    if (src == nullptr || !is_same_site_path(as_written(src->value))) {
      record("img:external");
      return;
    }
    open(element);
  }

  void write_attribute(std::string_view name, std::string_view value) {
    out_ += ' ';
    out_ += name;
    out_ += "=\"";
    append_escaped(out_, value);
    out_ += '"';
  }

  // The start tag with the attributes the allow-list keeps, in their order.
  void open(const GumboElement& element) {
    const GumboTag tag = element.tag;
    out_ += '<';
    out_ += name_of(element);
    bool external = false;
    for (unsigned i = 0; i < element.attributes.length; ++i) {
      const auto* attr = static_cast<const GumboAttribute*>(element.attributes.data[i]);
      const std::string_view name = attr->name;
      const std::string value = as_written(attr->value);
      bool keep = false;
      std::string scope;
      if (name == "lang") {
        keep = is_language(value);
      } else if (tag == GUMBO_TAG_A && name == "href") {
        const LinkVerdict link = judge_href(value);
        if (!link.allowed) {
          record("href:" + link.scheme);
          continue;
        }
        keep = true;
        external = link.external;
      } else if (tag == GUMBO_TAG_A && name == "rel") {
        continue;  // replaced by ours below
      } else if (tag == GUMBO_TAG_A) {
        keep = name == "title";
      } else if (tag == GUMBO_TAG_IMG) {
        keep = name == "src" || name == "alt" ||
               ((name == "width" || name == "height") && is_digits(value));
      } else if (tag == GUMBO_TAG_TD || tag == GUMBO_TAG_TH) {
        if (name == "colspan" || name == "rowspan") {
          keep = is_span(value);
        } else if (tag == GUMBO_TAG_TH && name == "scope") {
          scope = lowercase(value);
          keep = scope == "row" || scope == "col" || scope == "rowgroup" || scope == "colgroup";
        }
      } else if (tag == GUMBO_TAG_OL) {
        keep = name == "start" && is_digits(value);
      }
      if (!keep) {
        record(name);
        continue;
      }
      write_attribute(name, scope.empty() ? value : scope);
    }
    if (external) write_attribute("rel", "noopener noreferrer");
    if (tag == GUMBO_TAG_IMG && attribute(element, "alt") == nullptr) write_attribute("alt", "");
    out_ += '>';
    pre_start_ = false;
  }

  std::set<std::string>& removed_;
  std::string out_;
  std::vector<const char*> closers_;  // per entered element: its end tag, nullptr if unwrapped
  std::size_t depth_ = 0;             // open elements written
  bool pre_start_ = false;            // nothing written yet since <pre>
};

// One pass of the allow-list; nullopt when the parse was abandoned.
std::optional<std::string> clean_once(std::string_view html, std::set<std::string>& removed) {
  const Fragment fragment(html);
  if (fragment.root() == nullptr) return std::nullopt;
  if (fragment.cut()) removed.insert("html:too_deep");
  return Cleaner(removed).run(fragment.root());
}

// ---------------------------------------------------------------------------
// Plain text.

constexpr GumboTag kLineEnding[] = {
    GUMBO_TAG_ADDRESS, GUMBO_TAG_ARTICLE,   GUMBO_TAG_ASIDE,      GUMBO_TAG_BLOCKQUOTE,
    GUMBO_TAG_BR,      GUMBO_TAG_CAPTION,   GUMBO_TAG_CENTER,     GUMBO_TAG_DD,
    GUMBO_TAG_DETAILS, GUMBO_TAG_DIR,       GUMBO_TAG_DIV,        GUMBO_TAG_DL,
    GUMBO_TAG_DT,      GUMBO_TAG_FIELDSET,  GUMBO_TAG_FIGCAPTION, GUMBO_TAG_FIGURE,
    GUMBO_TAG_FOOTER,  GUMBO_TAG_H1,        GUMBO_TAG_H2,         GUMBO_TAG_H3,
    GUMBO_TAG_H4,      GUMBO_TAG_H5,        GUMBO_TAG_H6,         GUMBO_TAG_HEADER,
    GUMBO_TAG_HGROUP,  GUMBO_TAG_HR,        GUMBO_TAG_LI,         GUMBO_TAG_LISTING,
    GUMBO_TAG_MAIN,    GUMBO_TAG_MENU,      GUMBO_TAG_NAV,        GUMBO_TAG_OL,
    GUMBO_TAG_P,       GUMBO_TAG_PLAINTEXT, GUMBO_TAG_PRE,        GUMBO_TAG_SECTION,
    GUMBO_TAG_SUMMARY, GUMBO_TAG_TABLE,     GUMBO_TAG_TR,         GUMBO_TAG_UL,
    GUMBO_TAG_XMP};

// Block elements (and <br>): the text around them is on lines of its own.
bool ends_line(GumboTag tag) {
  return std::find(std::begin(kLineEnding), std::end(kLineEnding), tag) != std::end(kLineEnding);
}

class TextWriter {
 public:
  std::string run(const GumboNode* root) {
    walk(
        root, [this](const GumboNode* node) { return enter(node); },
        [this](const GumboNode* node) { leave(node); });
    return std::move(out_);
  }

 private:
  bool enter(const GumboNode* node) {
    switch (node->type) {
      case GUMBO_NODE_TEXT:
      case GUMBO_NODE_WHITESPACE:
      case GUMBO_NODE_CDATA:
        text(node->v.text.text);
        return false;
      case GUMBO_NODE_ELEMENT:
      case GUMBO_NODE_TEMPLATE:
        break;
      default:
        return false;
    }
    if (kind_of(node) == Kind::kDrop) return false;
    boundary(node->v.element.tag);
    if (node->v.element.tag == GUMBO_TAG_PRE) ++pre_;
    return true;
  }

  void leave(const GumboNode* node) {
    boundary(node->v.element.tag);
    if (node->v.element.tag == GUMBO_TAG_PRE) --pre_;
  }

  void boundary(GumboTag tag) {
    if (ends_line(tag)) line_ = true;
    if (tag == GUMBO_TAG_TD || tag == GUMBO_TAG_TH) space_ = true;
  }

  void text(std::string_view raw) {
    const std::string text = as_written(raw);
    for (std::size_t i = 0; i < text.size();) {
      if (const std::size_t n = space_at(text, i)) {
        (pre_ > 0 && text[i] == '\n' ? line_ : space_) = true;
        i += n;
        continue;
      }
      if (!out_.empty() && (line_ || space_)) out_ += line_ ? '\n' : ' ';
      line_ = space_ = false;
      out_ += text[i++];
    }
  }

  std::string out_;
  bool line_ = false;   // a line ends before the next character
  bool space_ = false;  // a space comes before the next character
  int pre_ = 0;         // inside <pre>: newlines end lines
};

// Text lines as paragraphs: what is left when markup does not settle.
std::string as_paragraphs(std::string_view text) {
  std::string out;
  while (!text.empty()) {
    const std::size_t end = std::min(text.find('\n'), text.size());
    out += "<p>";
    append_escaped(out, text.substr(0, end));
    out += "</p>";
    text.remove_prefix(std::min(end + 1, text.size()));
  }
  return out;
}

}  // namespace

CleanedHtml clean_html(std::string_view html) {
  std::set<std::string> removed;
  const auto result = [&removed](std::string out) {
    return CleanedHtml{std::move(out), {removed.begin(), removed.end()}};
  };
  // Dropping and unwrapping elements can leave markup that the next parse
  // arranges differently (an unwrapped <section> between two <li>s, say):
  // clean again until the output is its own cleaning.
  std::optional<std::string> out = clean_once(html, removed);
  for (int pass = 0; out && pass < kMaxExtraPasses; ++pass) {
    std::optional<std::string> again = clean_once(*out, removed);
    if (again && *again == *out) return result(std::move(*out));
    out = std::move(again);
  }
  if (!out) {
    removed.insert("html:too_complex");
    return result("");
  }
  removed.insert("html:text_only");
  return result(as_paragraphs(html_to_text(*out)));
}

std::string html_to_text(std::string_view html) {
  const Fragment fragment(html);
  if (fragment.root() == nullptr) return "";
  return TextWriter().run(fragment.root());
}

std::vector<std::string> html_links(std::string_view html) {
  std::vector<std::string> links;
  const Fragment fragment(html);
  if (fragment.root() == nullptr) return links;
  walk(
      fragment.root(),
      [&links](const GumboNode* node) {
        if (!is_element(node) || kind_of(node) == Kind::kDrop) return false;
        const GumboElement& element = node->v.element;
        const GumboAttribute* target = element.tag == GUMBO_TAG_A     ? attribute(element, "href")
                                       : element.tag == GUMBO_TAG_IMG ? attribute(element, "src")
                                                                      : nullptr;
        if (target != nullptr && !trim(target->value).empty()) {
          links.emplace_back(trim(target->value));
        }
        return true;
      },
      [](const GumboNode*) {});
  return links;
}

}  // namespace yiwang::render
