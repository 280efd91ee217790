#include "identity/totp.hpp"

#include <array>
#include <stdexcept>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

#include "core/normalise.hpp"
#include "http/percent_encoding.hpp"

namespace yiwang::identity {

namespace {

constexpr std::string_view kBase32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
constexpr std::size_t kCodeDigits = 6;
constexpr std::size_t kMaxCodeInput = 64;  // bytes; anything longer is not a code

// The value of a base32 character, or -1.
int base32_value(char c) {
  if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= '2' && c <= '7') return c - '2' + 26;
  return -1;
}

}  // namespace

std::string base32_encode(std::string_view bytes) {
  std::string out;
  out.reserve((bytes.size() * 8 + 4) / 5);
  unsigned buffer = 0;
  int bits = 0;
  for (unsigned char b : bytes) {
    buffer = (buffer << 8) | b;
    bits += 8;
    while (bits >= 5) {
      out += kBase32[(buffer >> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += kBase32[(buffer << (5 - bits)) & 31];
  return out;
}

Result<std::string> base32_decode(std::string_view text) {
  std::string out;
  unsigned buffer = 0;
  int bits = 0;
  std::size_t symbols = 0;
  bool padding = false;
  for (char c : text) {
    if (c == ' ' || c == '-') continue;
    if (c == '=') {
      padding = true;
      continue;
    }
    int v = base32_value(c);
    if (v < 0 || padding) return fail("identity.totp.bad_secret", "secret");
    buffer = (buffer << 5) | static_cast<unsigned>(v);
    bits += 5;
    ++symbols;
    if (bits >= 8) {
      out += static_cast<char>((buffer >> (bits - 8)) & 0xFF);
      bits -= 8;
    }
  }
  // 1, 3 or 6 symbols left over in the last group of 8 encode no whole byte.
  std::size_t rest = symbols % 8;
  if (rest == 1 || rest == 3 || rest == 6) return fail("identity.totp.bad_secret", "secret");
  return out;
}

std::string hotp_code(std::string_view secret, std::uint64_t counter, int digits) {
  if (digits < 1 || digits > 9) throw std::invalid_argument("hotp_code: digits must be 1..9");
  std::array<unsigned char, 8> message{};
  for (int i = 7; i >= 0; --i) {
    message[static_cast<std::size_t>(i)] = static_cast<unsigned char>(counter & 0xFF);
    counter >>= 8;
  }
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int mac_len = 0;
  if (!HMAC(EVP_sha1(), secret.data(), static_cast<int>(secret.size()), message.data(),
            message.size(), mac, &mac_len) ||
      mac_len != 20)
    throw std::runtime_error("HMAC-SHA1 failed");
  // Dynamic truncation (RFC 4226 §5.3).
  unsigned offset = mac[19] & 0x0F;
  std::uint32_t binary = (static_cast<std::uint32_t>(mac[offset] & 0x7F) << 24) |
                         (static_cast<std::uint32_t>(mac[offset + 1]) << 16) |
                         (static_cast<std::uint32_t>(mac[offset + 2]) << 8) |
                         static_cast<std::uint32_t>(mac[offset + 3]);
  std::uint32_t modulus = 1;
  for (int i = 0; i < digits; ++i) modulus *= 10;
  std::string code = std::to_string(binary % modulus);
  return std::string(static_cast<std::size_t>(digits) - code.size(), '0') + code;
}

std::int64_t totp_step(std::int64_t unix_time, int step) { return unix_time / step; }

std::string totp_code(std::string_view secret, std::int64_t unix_time, int step, int digits) {
  if (unix_time < 0 || step <= 0) throw std::invalid_argument("totp_code: bad time or step");
  return hotp_code(secret, static_cast<std::uint64_t>(totp_step(unix_time, step)), digits);
}

std::string otpauth_uri(std::string_view issuer, std::string_view account,
                        std::string_view secret) {
  std::string issuer_text = http::percent_encode(issuer);
  return "otpauth://totp/" + issuer_text + ":" + http::percent_encode(account) +
         "?secret=" + base32_encode(secret) + "&issuer=" + issuer_text +
         "&algorithm=SHA1&digits=6&period=30";
}

std::string generate_totp_secret() {
  std::string secret(20, '\0');
  if (RAND_bytes(reinterpret_cast<unsigned char*>(secret.data()),
                 static_cast<int>(secret.size())) != 1)
    throw std::runtime_error("RAND_bytes failed");
  return secret;
}

Result<std::string> normalise_totp_code(std::string_view text) {
  if (text.size() > kMaxCodeInput) return fail("identity.totp.invalid_format", "code");
  std::string code;
  for (char c : core::to_half_width(text)) {
    if (c == ' ' || c == '\t') continue;
    if (c < '0' || c > '9') return fail("identity.totp.invalid_format", "code");
    code += c;
  }
  if (code.size() != kCodeDigits) return fail("identity.totp.invalid_format", "code");
  return code;
}

Result<std::int64_t> verify_totp(std::string_view secret, std::string_view code_text,
                                 std::int64_t now, std::optional<std::int64_t> last_used_step,
                                 int window) {
  auto code = normalise_totp_code(code_text);
  if (!code) return std::unexpected(code.error());
  std::int64_t current = totp_step(now);
  std::optional<std::int64_t> fresh, replayed;
  // Every step of the window is computed and compared, whatever matches.
  for (std::int64_t step = current - window; step <= current + window; ++step) {
    if (step < 0) continue;
    std::string expected = hotp_code(secret, static_cast<std::uint64_t>(step), 6);
    bool match = CRYPTO_memcmp(expected.data(), code->data(), kCodeDigits) == 0;
    if (!match) continue;
    if (last_used_step && step <= *last_used_step) {
      if (!replayed) replayed = step;
    } else if (!fresh) {
      fresh = step;
    }
  }
  if (fresh) return *fresh;
  if (replayed) return fail("identity.totp.replayed", "code");
  return fail("identity.totp.wrong_code", "code");
}

}  // namespace yiwang::identity
