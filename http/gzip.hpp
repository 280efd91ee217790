// gzip compression for responses that are worth compressing (text over a
// kilobyte), used by the static file cache and the page cache.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace yiwang::http {

// The gzip (RFC 1952) form of data, or nullopt if zlib fails.
std::optional<std::string> gzip_compress(std::string_view data);

// Whether a response of this type and size gains from compression.
bool worth_compressing(std::string_view content_type, std::size_t size);

}  // namespace yiwang::http
