#include "mail/message.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "mail/base64.hpp"

namespace yiwang::mail {

namespace {

constexpr std::size_t kMaxLocalPart = 64;
constexpr std::size_t kMaxLabel = 63;
constexpr std::size_t kMaxSubjectBytes = 500;
constexpr std::size_t kMaxBodyBytes = 1 << 20;

bool is_atext(char c) {
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) return true;
  return std::string_view("!#$%&'*+-/=?^_`{|}~").find(c) != std::string_view::npos;
}

bool is_label_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-';
}

// A dot-atom: atext runs separated by single dots, no dot at either end.
bool is_dot_atom(std::string_view s) {
  if (s.empty() || s.front() == '.' || s.back() == '.') return false;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '.') {
      if (s[i + 1] == '.') return false;
    } else if (!is_atext(s[i])) {
      return false;
    }
  }
  return true;
}

// Letters, digits and inner hyphens, at least two labels, the last not numeric.
bool is_domain(std::string_view s) {
  if (s.empty() || s.size() > kMaxAddressLength) return false;
  int labels = 0;
  std::string_view last;
  std::size_t start = 0;
  for (;;) {
    std::size_t dot = s.find('.', start);
    std::string_view label = s.substr(start, dot == std::string_view::npos ? s.npos : dot - start);
    if (label.empty() || label.size() > kMaxLabel || label.front() == '-' || label.back() == '-')
      return false;
    if (!std::all_of(label.begin(), label.end(), is_label_char)) return false;
    ++labels;
    last = label;
    if (dot == std::string_view::npos) break;
    start = dot + 1;
  }
  bool numeric_tld =
      std::all_of(last.begin(), last.end(), [](char c) { return c >= '0' && c <= '9'; });
  return labels >= 2 && !numeric_tld;
}

bool has_control(std::string_view s) {
  return std::any_of(s.begin(), s.end(), [](char c) {
    auto u = static_cast<unsigned char>(c);
    return u < 0x20 || u == 0x7f;
  });
}

// Text with every line ending turned into CRLF (the canonical form of text/plain).
std::string crlf_lines(std::string_view text) {
  std::string out;
  out.reserve(text.size() + text.size() / 32);
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '\r') {
      out += "\r\n";
      if (i + 1 < text.size() && text[i + 1] == '\n') ++i;
    } else if (c == '\n') {
      out += "\r\n";
    } else {
      out += c;
    }
  }
  return out;
}

// The longest prefix of `text` of at most `budget` bytes that ends between
// UTF-8 characters (always at least one character).
std::size_t utf8_prefix(std::string_view text, std::size_t budget) {
  if (text.size() <= budget) return text.size();
  std::size_t n = budget;
  while (n > 0 && (static_cast<unsigned char>(text[n]) & 0xC0) == 0x80) --n;
  if (n == 0) {  // a malformed run longer than the budget: cut it anyway
    n = budget;
  }
  return n;
}

}  // namespace

Result<std::string> check_email(std::string_view input, const std::string& field) {
  auto refuse = [&] {
    return fail("mail.invalid_address", field, {{"max", std::to_string(kMaxAddressLength)}});
  };
  while (!input.empty() && (input.front() == ' ' || input.front() == '\t')) input.remove_prefix(1);
  while (!input.empty() && (input.back() == ' ' || input.back() == '\t')) input.remove_suffix(1);
  if (input.empty() || input.size() > kMaxAddressLength) return refuse();
  // Printable ASCII only: no blanks, controls (CR/LF) or non-ASCII (＠).
  for (char c : input) {
    auto u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u >= 0x7f) return refuse();
  }
  std::size_t at = input.find('@');
  if (at == std::string_view::npos || input.find('@', at + 1) != std::string_view::npos)
    return refuse();
  std::string_view local = input.substr(0, at);
  std::string_view domain = input.substr(at + 1);
  if (local.size() > kMaxLocalPart || !is_dot_atom(local) || !is_domain(domain)) return refuse();
  std::string out(local);
  out += '@';
  for (char c : domain) out += static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  return out;
}

Result<Message> check_message(const Message& message) {
  auto to = check_email(message.to, "email");
  if (!to) return std::unexpected(to.error());
  if (has_control(message.subject)) return fail("mail.invalid_subject", "subject");
  if (message.subject.size() > kMaxSubjectBytes)
    return fail("mail.too_long", "subject", {{"max", std::to_string(kMaxSubjectBytes)}});
  if (message.body.size() > kMaxBodyBytes)
    return fail("mail.too_long", "body", {{"max", std::to_string(kMaxBodyBytes)}});
  return Message{*to, message.subject, message.body};
}

Result<std::string> format_rfc5322(const Message& message, std::string_view from,
                                   std::string_view date, std::string_view message_id) {
  auto checked = check_message(message);
  if (!checked) return std::unexpected(checked.error());
  auto sender = check_email(from, "mail_from");
  if (!sender) return std::unexpected(sender.error());
  if (date.empty() || has_control(date)) return fail("mail.invalid_header", "", {{"name", "Date"}});
  // The id is dot-atom-text "@" dot-atom-text (RFC 5322 §3.6.4, no-fold-literal left out).
  std::size_t at = message_id.find('@');
  if (at == std::string_view::npos || !is_dot_atom(message_id.substr(0, at)) ||
      !is_dot_atom(message_id.substr(at + 1)))
    return fail("mail.invalid_header", "", {{"name", "Message-ID"}});

  std::string out;
  out += fmt::format("Date: {}\r\n", date);
  out += fmt::format("From: {}\r\n", *sender);
  out += fmt::format("To: {}\r\n", checked->to);
  out += fmt::format("Subject: {}\r\n", encode_header_text(checked->subject, 9));
  out += fmt::format("Message-ID: <{}>\r\n", message_id);
  out += "MIME-Version: 1.0\r\n";
  out += "Content-Type: text/plain; charset=UTF-8\r\n";
  out += "Content-Transfer-Encoding: base64\r\n";
  out += "\r\n";
  std::string body = base64_encode_lines(crlf_lines(checked->body), 76);
  out += body;
  if (!body.empty()) out += "\r\n";
  return out;
}

std::string rfc5322_date(std::chrono::system_clock::time_point time) {
  static constexpr const char* kDays[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
  static constexpr const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                            "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  auto secs = std::chrono::floor<std::chrono::seconds>(time);
  auto day = std::chrono::floor<std::chrono::days>(secs);
  std::chrono::year_month_day ymd(day);
  std::chrono::weekday wd(day);
  std::chrono::hh_mm_ss hms(secs - day);
  return fmt::format("{}, {:02d} {} {:04d} {:02d}:{:02d}:{:02d} +0000", kDays[wd.c_encoding()],
                     static_cast<unsigned>(ymd.day()),
                     kMonths[static_cast<unsigned>(ymd.month()) - 1], static_cast<int>(ymd.year()),
                     hms.hours().count(), hms.minutes().count(), hms.seconds().count());
}

std::string encode_header_text(std::string_view text, std::size_t header_name_length) {
  bool plain = text.find("=?") == std::string_view::npos &&
               header_name_length + text.size() <= 78 &&
               std::all_of(text.begin(), text.end(), [](char c) { return c >= 0x20 && c < 0x7f; });
  if (plain) return std::string(text);
  // An encoded word is "=?UTF-8?B?" + base64 + "?=" (12 characters around the
  // data) and its line may hold at most 76 characters (RFC 2047 §2).
  auto budget = [](std::size_t taken) {
    std::size_t room = taken + 12 < 76 ? 76 - taken - 12 : 0;
    return std::max<std::size_t>(room / 4 * 3, 6);
  };
  std::string out;
  std::size_t taken = header_name_length;
  while (!text.empty()) {
    std::size_t n = utf8_prefix(text, budget(taken));
    if (!out.empty()) out += "\r\n ";
    out += "=?UTF-8?B?" + base64_encode(text.substr(0, n)) + "?=";
    text.remove_prefix(n);
    taken = 1;  // the folding space
  }
  return out;
}

}  // namespace yiwang::mail
