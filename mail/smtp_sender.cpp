#include "mail/smtp_sender.hpp"

#include <algorithm>
#include <cstring>
#include <memory>
#include <mutex>
#include <random>

#include <curl/curl.h>
#include <fmt/format.h>
#include <spdlog/spdlog.h>

namespace yiwang::mail {

namespace {

// libcurl's global state, set up once per process before the first transfer.
void init_curl() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

// The message being uploaded and how much of it libcurl has taken.
struct Upload {
  std::string data;
  std::size_t sent = 0;
};

std::size_t read_upload(char* buffer, std::size_t size, std::size_t count, void* user) {
  auto* up = static_cast<Upload*>(user);
  std::size_t n = std::min(size * count, up->data.size() - up->sent);
  std::memcpy(buffer, up->data.data() + up->sent, n);
  up->sent += n;
  return n;
}

// The host of an smtp(s):// URL (without brackets or port).
std::string url_host(const std::string& url) {
  std::size_t start = url.find("://");
  if (start == std::string::npos) return {};
  start += 3;
  std::size_t at = url.find('@', start);
  std::size_t slash = url.find('/', start);
  if (at != std::string::npos && (slash == std::string::npos || at < slash)) start = at + 1;
  if (start < url.size() && url[start] == '[') {
    std::size_t close = url.find(']', start);
    return close == std::string::npos ? std::string() : url.substr(start + 1, close - start - 1);
  }
  std::size_t end = url.find_first_of(":/", start);
  return url.substr(start, end == std::string::npos ? std::string::npos : end - start);
}

bool is_loopback(const std::string& host) {
  return host == "localhost" || host.starts_with("127.") || host == "::1";
}

std::string random_message_id(const std::string& from) {
  std::random_device rd;
  std::string left;
  for (int i = 0; i < 4; ++i) left += fmt::format("{:08x}", static_cast<std::uint32_t>(rd()));
  std::size_t at = from.find('@');
  return left + "@" + (at == std::string::npos ? "localhost" : from.substr(at + 1));
}

struct CurlDeleter {
  void operator()(CURL* c) const { curl_easy_cleanup(c); }
};
struct SlistDeleter {
  void operator()(curl_slist* l) const { curl_slist_free_all(l); }
};

}  // namespace

Result<void> send(const SmtpSettings& settings, const Message& message,
                  const std::string& message_id) {
  if (settings.url.empty()) return fail("mail.disabled");
  bool implicit_tls = settings.url.starts_with("smtps://");
  if (!implicit_tls && !settings.url.starts_with("smtp://"))
    return fail("mail.bad_url", "smtp_url", {{"url", settings.url}});
  auto checked = check_message(message);
  if (!checked) return std::unexpected(checked.error());
  auto from = check_email(settings.from, "mail_from");
  if (!from) return std::unexpected(from.error());
  std::string id = message_id.empty() ? random_message_id(*from) : message_id;
  auto text = format_rfc5322(*checked, *from, rfc5322_date(std::chrono::system_clock::now()), id);
  if (!text) return std::unexpected(text.error());

  init_curl();
  std::unique_ptr<CURL, CurlDeleter> curl(curl_easy_init());
  if (!curl) return fail("mail.send_failed", "", {{"detail", "curl_easy_init failed"}});
  Upload upload{std::move(*text), 0};
  std::string mail_from = "<" + *from + ">";
  std::unique_ptr<curl_slist, SlistDeleter> rcpt(
      curl_slist_append(nullptr, ("<" + checked->to + ">").c_str()));
  char error[CURL_ERROR_SIZE] = {0};
  CURL* c = curl.get();
  curl_easy_setopt(c, CURLOPT_URL, settings.url.c_str());
  curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(c, CURLOPT_ERRORBUFFER, error);
  curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, static_cast<long>(settings.timeout.count()));
  curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS,
                   static_cast<long>(std::min<long long>(settings.timeout.count(), 10000)));
  if (!implicit_tls) {
    // Opportunistic STARTTLS, but never a password in clear off this machine.
    bool credentials = !settings.user.empty();
    curl_easy_setopt(c, CURLOPT_USE_SSL,
                     credentials && !is_loopback(url_host(settings.url))
                         ? static_cast<long>(CURLUSESSL_ALL)
                         : static_cast<long>(CURLUSESSL_TRY));
  }
  if (!settings.user.empty()) {
    curl_easy_setopt(c, CURLOPT_USERNAME, settings.user.c_str());
    curl_easy_setopt(c, CURLOPT_PASSWORD, settings.password.c_str());
  }
  curl_easy_setopt(c, CURLOPT_MAIL_FROM, mail_from.c_str());
  curl_easy_setopt(c, CURLOPT_MAIL_RCPT, rcpt.get());
  curl_easy_setopt(c, CURLOPT_READFUNCTION, read_upload);
  curl_easy_setopt(c, CURLOPT_READDATA, &upload);
  curl_easy_setopt(c, CURLOPT_UPLOAD, 1L);
  curl_easy_setopt(c, CURLOPT_INFILESIZE_LARGE, static_cast<curl_off_t>(upload.data.size()));
  CURLcode rc = curl_easy_perform(c);
  if (rc != CURLE_OK) {
    std::string detail = error[0] ? error : curl_easy_strerror(rc);
    return fail("mail.send_failed", "",
                {{"detail", detail}, {"code", std::to_string(static_cast<int>(rc))}});
  }
  return {};
}

MailSender::MailSender(Outbox& outbox, SmtpSettings settings, std::chrono::milliseconds interval)
    : outbox_(outbox), settings_(std::move(settings)), interval_(interval) {}

MailSender::~MailSender() { stop(); }

void MailSender::start() {
  std::lock_guard lock(mu_);
  if (thread_.joinable()) return;
  stop_ = false;
  thread_ = std::thread([this] { run(); });
}

void MailSender::stop() {
  {
    std::lock_guard lock(mu_);
    if (!thread_.joinable()) return;
    stop_ = true;
  }
  cv_.notify_all();
  thread_.join();
}

void MailSender::poke() {
  {
    std::lock_guard lock(mu_);
    poked_ = true;
  }
  cv_.notify_all();
}

Result<int> MailSender::deliver_due(std::size_t batch) {
  if (settings_.url.empty()) {
    if (!off_logged_.exchange(true))
      spdlog::warn("mail: no SMTP relay configured ([mail] smtp_url); mail stays queued");
    return 0;
  }
  auto items = outbox_.pending(batch);
  if (!items) return std::unexpected(items.error());
  int sent = 0;
  for (const auto& item : *items) {
    std::string domain = settings_.from.substr(settings_.from.find('@') + 1);
    auto r = send(settings_, item.message, item.message_token + "@" + domain);
    if (r) {
      auto m = outbox_.mark_sent(item.id);
      if (!m) return std::unexpected(m.error());
      ++sent;
      spdlog::info("mail {} sent", item.id);
      continue;
    }
    std::string detail =
        r.error().params.contains("detail") ? r.error().params.at("detail") : r.error().key;
    auto m = outbox_.mark_failed(item.id, detail);
    if (!m) return std::unexpected(m.error());
    if (*m)
      spdlog::error("mail {} failed for good after {} attempts: {}", item.id,
                    outbox_.policy().max_attempts, detail);
    else
      spdlog::warn("mail {} not sent (attempt {}), will retry: {}", item.id, item.attempts + 1,
                   detail);
  }
  return sent;
}

void MailSender::run() {
  std::unique_lock lock(mu_);
  for (;;) {
    cv_.wait_for(lock, interval_, [this] { return stop_ || poked_; });
    if (stop_) return;
    poked_ = false;
    lock.unlock();
    // Send everything due, a batch at a time, unless asked to stop.
    for (;;) {
      auto n = deliver_due();
      if (!n) {
        spdlog::error("mail sender: {} {}", n.error().key, n.error().params["detail"]);
        break;
      }
      if (*n == 0) break;
      std::lock_guard check(mu_);
      if (stop_) break;
    }
    lock.lock();
  }
}

}  // namespace yiwang::mail
