// Delivery over SMTP through libcurl, and the background thread that empties
// the outbox. The platform hands mail to one relay (the organ's mail server
// or a local MTA): smtp://host:port upgrades with STARTTLS when the relay
// offers it (and insists on it before sending a password anywhere but the
// loopback), smtps://host:port is TLS from the start.
//
// MailSender is one thread per server process, in the manner of the audit
// sealer: it wakes every interval (or at once on poke(), e.g. after a
// password-reset request commits), claims due outbox rows, sends each and
// records the outcome. With no relay configured (empty url) delivery is off:
// mail stays queued, and this is logged once.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>

#include "core/error.hpp"
#include "mail/message.hpp"
#include "mail/outbox.hpp"

namespace yiwang::mail {

struct SmtpSettings {
  std::string url;       // "smtp://127.0.0.1:2525" or "smtps://mail.example.gov.cn:465"; "" = off
  std::string from;      // envelope and header sender, e.g. "noreply@example.gov.cn"
  std::string user;      // "" = no authentication
  std::string password;  // never logged
  std::chrono::milliseconds timeout{std::chrono::seconds(30)};  // whole exchange, per message
};

// Sends one message now. `message_id` is the Message-ID without brackets;
// empty makes a random one at the sender's domain. Fails with
// "mail.disabled" (no url), "mail.bad_url" (not smtp:// or smtps://),
// check_message()'s errors, or "mail.send_failed" with libcurl's text in
// params["detail"].
Result<void> send(const SmtpSettings& settings, const Message& message,
                  const std::string& message_id = {});

class MailSender {
 public:
  MailSender(Outbox& outbox, SmtpSettings settings,
             std::chrono::milliseconds interval = std::chrono::seconds(5));
  // Stops the thread (finishing the message being sent).
  ~MailSender();
  MailSender(const MailSender&) = delete;
  MailSender& operator=(const MailSender&) = delete;

  // Starts the thread; a second call does nothing.
  void start();
  // Stops and joins the thread; safe to call twice.
  void stop();
  // Wakes the thread to look at the outbox now.
  void poke();

  // One pass, on the calling thread: claims up to `batch` due rows, sends
  // them and records each outcome; returns how many were sent. Does nothing
  // while delivery is off.
  Result<int> deliver_due(std::size_t batch = 20);

 private:
  void run();

  Outbox& outbox_;
  SmtpSettings settings_;
  std::chrono::milliseconds interval_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;
  bool poked_ = false;
  std::atomic<bool> off_logged_{false};
  std::thread thread_;
};

}  // namespace yiwang::mail
