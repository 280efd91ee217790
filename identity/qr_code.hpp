// QR codes as inline SVG, for enrolling an authenticator app (the otpauth://
// URI of the second factor) and later for licences and documents. The symbol
// uses error-correction level M, a 4-module quiet zone and one <path> of dark
// modules on a white square, so it stays scannable in dark mode and scales
// crisply at any size; the page sets its size with CSS. libqrencode does the
// encoding. Thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "core/error.hpp"

namespace yiwang::identity {

// A standalone <svg> element encoding `text` (bytes, usually UTF-8), with
// role="img" and `aria_label` (a translated description; XML-escaped here) as
// its accessible name. Fails with "identity.qr.too_long" when the text does
// not fit the largest symbol, "identity.qr.failed" when it is empty or holds
// a NUL byte.
Result<std::string> qr_svg(std::string_view text, std::string_view aria_label);

}  // namespace yiwang::identity
