#include "tests/support/smtp_sink.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <stdexcept>

#include "mail/base64.hpp"

namespace yiwang::test {

namespace {

bool iequals_prefix(std::string_view text, std::string_view prefix) {
  if (text.size() < prefix.size()) return false;
  for (std::size_t i = 0; i < prefix.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(text[i])) !=
        std::tolower(static_cast<unsigned char>(prefix[i])))
      return false;
  return true;
}

// The address between angle brackets ("MAIL FROM:<a@b.cn> SIZE=10" → a@b.cn).
std::string bracketed(std::string_view line) {
  auto open = line.find('<');
  auto close = line.find('>', open == std::string_view::npos ? 0 : open);
  if (open == std::string_view::npos || close == std::string_view::npos) return {};
  return std::string(line.substr(open + 1, close - open - 1));
}

void send_all(int fd, std::string_view text) {
  while (!text.empty()) {
    ssize_t n = ::send(fd, text.data(), text.size(), MSG_NOSIGNAL);
    if (n <= 0) return;
    text.remove_prefix(static_cast<std::size_t>(n));
  }
}

// Reads CRLF-terminated lines from a socket, giving up after an idle timeout.
class LineReader {
 public:
  explicit LineReader(int fd) : fd_(fd) {}
  // The next line without its CRLF; false when the peer closed or went quiet.
  bool next(std::string& line) {
    for (int idle_ms = 0; idle_ms < 10000;) {
      auto eol = buffer_.find("\r\n");
      if (eol != std::string::npos) {
        line = buffer_.substr(0, eol);
        buffer_.erase(0, eol + 2);
        return true;
      }
      pollfd p{fd_, POLLIN, 0};
      int r = ::poll(&p, 1, 100);
      if (r < 0) return false;
      if (r == 0) {
        idle_ms += 100;
        continue;
      }
      char chunk[4096];
      ssize_t n = ::recv(fd_, chunk, sizeof chunk, 0);
      if (n <= 0) return false;
      buffer_.append(chunk, static_cast<std::size_t>(n));
    }
    return false;
  }

 private:
  int fd_;
  std::string buffer_;
};

}  // namespace

std::string ReceivedMail::header(std::string_view name) const {
  std::string head = data.substr(0, data.find("\r\n\r\n"));
  std::string found;
  bool in_it = false;
  std::size_t start = 0;
  while (start < head.size()) {
    std::size_t end = head.find("\r\n", start);
    if (end == std::string::npos) end = head.size();
    std::string_view line(head.data() + start, end - start);
    start = end + 2;
    if (!line.empty() && (line[0] == ' ' || line[0] == '\t')) {
      if (in_it) found += line;
      continue;
    }
    if (in_it) break;
    if (iequals_prefix(line, name) && line.size() > name.size() && line[name.size()] == ':') {
      in_it = true;
      std::string_view value = line.substr(name.size() + 1);
      while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
      found = value;
    }
  }
  return found;
}

std::string ReceivedMail::subject() const { return decode_rfc2047(header("Subject")); }

std::string ReceivedMail::text() const {
  auto split = data.find("\r\n\r\n");
  std::string body = split == std::string::npos ? std::string() : data.substr(split + 4);
  std::string encoding = header("Content-Transfer-Encoding");
  if (iequals_prefix(encoding, "base64")) body = mail::base64_decode(body).value_or("");
  std::string out;
  for (std::size_t i = 0; i < body.size(); ++i) {
    if (body[i] == '\r' && i + 1 < body.size() && body[i + 1] == '\n') continue;
    out += body[i];
  }
  return out;
}

std::string decode_rfc2047(std::string_view text) {
  std::string out;
  std::string pending_blank;  // blanks after an encoded word, dropped if another follows
  bool after_word = false;
  std::size_t i = 0;
  while (i < text.size()) {
    if (text.substr(i, 2) == "=?") {
      // =?charset?enc?data?=
      auto q1 = text.find('?', i + 2);
      auto q2 = q1 == std::string_view::npos ? q1 : text.find('?', q1 + 1);
      auto end = q2 == std::string_view::npos ? q2 : text.find("?=", q2 + 1);
      if (end != std::string_view::npos) {
        char enc = static_cast<char>(std::toupper(static_cast<unsigned char>(text[q1 + 1])));
        std::string_view data = text.substr(q2 + 1, end - q2 - 1);
        std::string decoded;
        if (enc == 'B') {
          decoded = mail::base64_decode(data).value_or("");
        } else {
          for (std::size_t k = 0; k < data.size(); ++k) {
            if (data[k] == '_') {
              decoded += ' ';
            } else if (data[k] == '=' && k + 2 < data.size()) {
              decoded +=
                  static_cast<char>(std::stoi(std::string(data.substr(k + 1, 2)), nullptr, 16));
              k += 2;
            } else {
              decoded += data[k];
            }
          }
        }
        if (!after_word) out += pending_blank;
        pending_blank.clear();
        out += decoded;
        after_word = true;
        i = end + 2;
        continue;
      }
    }
    char c = text[i++];
    if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
      if (c == ' ' || c == '\t') pending_blank += c;
      continue;
    }
    out += pending_blank;
    pending_blank.clear();
    after_word = false;
    out += c;
  }
  if (!after_word) out += pending_blank;
  return out;
}

SmtpSink::SmtpSink() {
  listener_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (listener_ < 0) throw std::runtime_error("smtp sink: socket");
  int one = 1;
  ::setsockopt(listener_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  socklen_t len = sizeof addr;
  if (::bind(listener_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
      ::listen(listener_, 16) != 0 ||
      ::getsockname(listener_, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    ::close(listener_);
    throw std::runtime_error("smtp sink: bind");
  }
  port_ = ntohs(addr.sin_port);
  thread_ = std::thread([this] { run(); });
}

SmtpSink::~SmtpSink() { stop(); }

std::string SmtpSink::url() const { return "smtp://127.0.0.1:" + std::to_string(port_); }

void SmtpSink::stop() {
  {
    std::lock_guard lock(mu_);
    if (stop_) return;
    stop_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
  ::close(listener_);
  listener_ = -1;
}

bool SmtpSink::wait_for(std::size_t count, std::chrono::milliseconds timeout) {
  std::unique_lock lock(mu_);
  return cv_.wait_for(lock, timeout, [&] { return received_.size() >= count; });
}

std::vector<ReceivedMail> SmtpSink::messages() const {
  std::lock_guard lock(mu_);
  return received_;
}

void SmtpSink::run() {
  for (;;) {
    {
      std::lock_guard lock(mu_);
      if (stop_) return;
    }
    pollfd p{listener_, POLLIN, 0};
    if (::poll(&p, 1, 100) <= 0) continue;
    int client = ::accept4(listener_, nullptr, nullptr, SOCK_CLOEXEC);
    if (client < 0) continue;
    serve(client);
    ::close(client);
  }
}

void SmtpSink::serve(int client) {
  LineReader in(client);
  send_all(client, "220 sink ESMTP ready\r\n");
  ReceivedMail current;
  std::string line;
  while (in.next(line)) {
    if (iequals_prefix(line, "EHLO")) {
      send_all(client, "250-sink\r\n250 8BITMIME\r\n");
    } else if (iequals_prefix(line, "HELO")) {
      send_all(client, "250 sink\r\n");
    } else if (iequals_prefix(line, "MAIL FROM:")) {
      current = {};
      current.from = bracketed(line);
      send_all(client, "250 OK\r\n");
    } else if (iequals_prefix(line, "RCPT TO:")) {
      current.recipients.push_back(bracketed(line));
      send_all(client, "250 OK\r\n");
    } else if (iequals_prefix(line, "DATA")) {
      if (current.recipients.empty()) {
        send_all(client, "503 need RCPT first\r\n");
        continue;
      }
      send_all(client, "354 end with <CRLF>.<CRLF>\r\n");
      std::string data;
      bool complete = false;
      while (in.next(line)) {
        if (line == ".") {
          complete = true;
          break;
        }
        if (line.starts_with(".")) line.erase(0, 1);  // dot-unstuffing
        data += line;
        data += "\r\n";
      }
      if (!complete) return;
      current.data = std::move(data);
      {
        std::lock_guard lock(mu_);
        received_.push_back(std::move(current));
      }
      cv_.notify_all();
      current = {};
      send_all(client, "250 OK queued\r\n");
    } else if (iequals_prefix(line, "RSET")) {
      current = {};
      send_all(client, "250 OK\r\n");
    } else if (iequals_prefix(line, "NOOP")) {
      send_all(client, "250 OK\r\n");
    } else if (iequals_prefix(line, "QUIT")) {
      send_all(client, "221 bye\r\n");
      return;
    } else {
      send_all(client, "502 command not implemented\r\n");
    }
  }
}

}  // namespace yiwang::test
