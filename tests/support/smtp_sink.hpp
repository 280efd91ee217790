// Test support: a tiny SMTP server on 127.0.0.1 (an ephemeral port, its own
// thread) that accepts every message and keeps it, so tests can send real
// mail through libcurl and look at what arrived. It speaks just enough SMTP
// for libcurl: the 220 greeting, EHLO/HELO, MAIL FROM, RCPT TO, DATA (with
// dot-unstuffing), RSET, NOOP and QUIT; no TLS, no authentication.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

namespace yiwang::test {

// One message as received.
struct ReceivedMail {
  std::string from;                     // MAIL FROM address, without brackets
  std::vector<std::string> recipients;  // RCPT TO addresses, without brackets
  std::string data;                     // the message after DATA, unstuffed, CRLF line ends

  // The first header of that name (case-insensitive), unfolded, as sent.
  std::string header(std::string_view name) const;
  // The Subject with RFC 2047 encoded-words decoded.
  std::string subject() const;
  // The body, base64-decoded when Content-Transfer-Encoding is base64.
  std::string text() const;
};

// Decodes RFC 2047 "=?UTF-8?B?…?=" words (and drops the blanks between two
// of them); other text is kept as it is.
std::string decode_rfc2047(std::string_view text);

class SmtpSink {
 public:
  SmtpSink();
  ~SmtpSink();
  SmtpSink(const SmtpSink&) = delete;
  SmtpSink& operator=(const SmtpSink&) = delete;

  unsigned short port() const { return port_; }
  // "smtp://127.0.0.1:<port>".
  std::string url() const;

  // Waits until at least `count` messages arrived; false on timeout.
  bool wait_for(std::size_t count, std::chrono::milliseconds timeout = std::chrono::seconds(10));
  // The messages received so far, oldest first.
  std::vector<ReceivedMail> messages() const;

  // Closes the listener and ends the thread (the port then refuses
  // connections); safe to call twice.
  void stop();

 private:
  void run();
  void serve(int client);

  int listener_ = -1;
  unsigned short port_ = 0;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::vector<ReceivedMail> received_;
  bool stop_ = false;
  std::thread thread_;
};

}  // namespace yiwang::test
