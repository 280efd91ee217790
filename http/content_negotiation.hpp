// Choosing the response language (Accept-Language, RFC 9110 §12.5.4) and
// whether to compress it (Accept-Encoding).
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace yiwang::http {

// The entry of `available` the client prefers, honouring q-values (q=0 never
// chosen). A range matches the same tag, a more or less specific tag of the
// same language ("en-US" -> "en", "zh" -> "zh-CN", "zh-Hans-CN" -> "zh-CN"), and
// among several tags of one language the one sharing its region or script
// ("zh-Hant" prefers "zh-TW"). `fallback` when nothing matches or for "*".
std::string preferred_language(std::string_view accept_language,
                               const std::vector<std::string>& available,
                               std::string_view fallback);

// True when the client accepts gzip: "gzip" or "x-gzip" with q > 0, or "*"
// with q > 0 and gzip not refused by name. An empty header means no.
bool accepts_gzip(std::string_view accept_encoding);

}  // namespace yiwang::http
