// An outgoing e-mail and its wire form. The platform sends plain-text mail
// only (password-reset links, case notifications): a UTF-8 text body sent
// base64-encoded, a subject as RFC 2047 encoded-words so Chinese subjects
// survive every relay. Addresses are checked here, once, for every module:
// check_email() is also how the identity module validates the e-mail
// addresses users give, so what an account stores can always be mailed.
#pragma once

#include <chrono>
#include <cstddef>
#include <string>
#include <string_view>

#include "core/error.hpp"

namespace yiwang::mail {

// The longest address accepted (RFC 5321's path limit less the brackets).
inline constexpr std::size_t kMaxAddressLength = 254;

struct Message {
  std::string to;       // one address
  std::string subject;  // UTF-8, one line
  std::string body;     // UTF-8 plain text, lines separated by \n or \r\n
};

// Checks an e-mail address and returns it normalised: surrounding blanks
// trimmed and the domain lower-cased (the local part keeps its case, which
// belongs to the receiving server). Accepts ASCII addresses of the common
// shape only: at most 254 characters, exactly one '@', a dot-atom local part
// of at most 64 characters, and a domain of at least two dot-separated labels
// of letters, digits and inner hyphens with a non-numeric last label. Refuses
// quoted local parts, IP literals, comments and non-ASCII (full-width ＠ or
// internationalised names: use punycode). Fails with "mail.invalid_address"
// naming `field`.
Result<std::string> check_email(std::string_view input, const std::string& field = "email");

// Checks a message before it is queued or sent: the recipient by
// check_email() (field "email"), the subject free of CR, LF and other control
// characters ("mail.invalid_subject", field "subject"), so nobody can inject
// a header. Returns the message with its address normalised.
Result<Message> check_message(const Message& message);

// The RFC 5322 message: Date, From, To, Subject, Message-ID, MIME-Version and
// a base64 text/plain; charset=UTF-8 body in lines of 76, every line ending
// in CRLF. `from` is a bare address; `date` is an RFC 5322 date (see
// rfc5322_date) and `message_id` the text between the angle brackets, e.g.
// "3f9a…@gov.example.cn". Fails like check_message(), on a bad `from`
// (field "mail_from") and on a date or message id holding control characters
// or brackets ("mail.invalid_header" naming the header in params["name"]).
Result<std::string> format_rfc5322(const Message& message, std::string_view from,
                                   std::string_view date, std::string_view message_id);

// A time as an RFC 5322 date in UTC, e.g. "Tue, 15 Sep 2026 08:00:00 +0000".
std::string rfc5322_date(std::chrono::system_clock::time_point time);

// A subject or other header text as it goes on the wire: unchanged when it
// is short printable ASCII, otherwise RFC 2047 "=?UTF-8?B?…?=" words of at
// most 75 characters, split between UTF-8 characters and folded with CRLF
// and a space. `header_name_length` is the length of "Subject: " before it.
std::string encode_header_text(std::string_view text, std::size_t header_name_length = 9);

}  // namespace yiwang::mail
