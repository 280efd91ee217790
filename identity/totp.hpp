// Time-based one-time passwords, the second factor of GB/T 22239 level 3:
// TOTP (RFC 6238) over HOTP (RFC 4226) with HMAC-SHA1, 6 digits and 30-second
// steps — the parameters every authenticator app (Google Authenticator,
// Microsoft Authenticator, 腾讯身份验证器, FreeOTP …) understands — plus the
// base32 text (RFC 4648) and otpauth:// URI that carry the secret to the app.
//
// Pure functions apart from generate_totp_secret(); thread-safe. Secrets are
// raw bytes held in std::string. Times are Unix seconds (UTC).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/error.hpp"

namespace yiwang::identity {

// Base32 (RFC 4648 §6, upper case) without '=' padding, as authenticator apps
// expect.
std::string base32_encode(std::string_view bytes);

// Decodes base32, tolerating lower case, spaces, hyphens and '=' padding.
// Fails with "identity.totp.bad_secret" (field "secret") on any other
// character or on a length no encoder produces.
Result<std::string> base32_decode(std::string_view text);

// The HOTP value (RFC 4226 §5.3) of a counter, zero-padded to `digits`.
// REQUIRES: 1 <= digits <= 9.
std::string hotp_code(std::string_view secret, std::uint64_t counter, int digits = 6);

// The TOTP value (RFC 6238 §4) at a time. REQUIRES: unix_time >= 0, step > 0,
// 1 <= digits <= 9.
std::string totp_code(std::string_view secret, std::int64_t unix_time, int step = 30,
                      int digits = 6);

// The time step (counter) that contains a time.
std::int64_t totp_step(std::int64_t unix_time, int step = 30);

// The otpauth:// URI an authenticator app scans: label "issuer:account" and the
// issuer parameter percent-encoded (UTF-8, so a Chinese issuer works), secret
// in base32, SHA1, 6 digits, 30 seconds.
std::string otpauth_uri(std::string_view issuer, std::string_view account, std::string_view secret);

// 20 random bytes (160 bits, RFC 4226 §4) from the operating system's CSPRNG.
std::string generate_totp_secret();

// The six ASCII digits of a code as typed: spaces (also U+3000) are dropped
// and full-width digits (０-９) become ASCII. Fails with
// "identity.totp.invalid_format" (field "code") on anything else.
Result<std::string> normalise_totp_code(std::string_view text);

// Checks a typed code against the steps now-window … now+window (clock skew of
// the phone) and returns the step it matched. Every step in the window is
// compared, in constant time. A match at a step <= last_used_step is a replay:
// "identity.totp.replayed"; no match: "identity.totp.wrong_code"; bad text:
// "identity.totp.invalid_format" (all with field "code").
Result<std::int64_t> verify_totp(std::string_view secret, std::string_view code_text,
                                 std::int64_t now, std::optional<std::int64_t> last_used_step,
                                 int window = 1);

}  // namespace yiwang::identity
