#include "identity/qr_code.hpp"

#include <cerrno>
#include <memory>

#include <fmt/format.h>
#include <qrencode.h>

#include "core/text_rules.hpp"

namespace yiwang::identity {

namespace {

constexpr int kQuietZone = 4;  // modules of light margin on each side (ISO/IEC 18004)

struct QrFree {
  void operator()(QRcode* q) const { QRcode_free(q); }
};

}  // namespace

Result<std::string> qr_svg(std::string_view text, std::string_view aria_label) {
  if (text.empty() || text.find('\0') != std::string_view::npos) return fail("identity.qr.failed");
  std::string input(text);
  errno = 0;
  std::unique_ptr<QRcode, QrFree> qr(
      QRcode_encodeString(input.c_str(), 0, QR_ECLEVEL_M, QR_MODE_8, 1));
  if (!qr) return fail(errno == ERANGE ? "identity.qr.too_long" : "identity.qr.failed");
  int width = qr->width;
  int size = width + 2 * kQuietZone;
  // One horizontal run of dark modules per subpath: "M x y h n v1 h -n z".
  std::string path;
  for (int y = 0; y < width; ++y) {
    const unsigned char* row = qr->data + static_cast<std::size_t>(y) * width;
    for (int x = 0; x < width;) {
      if (!(row[x] & 1)) {
        ++x;
        continue;
      }
      int start = x;
      while (x < width && (row[x] & 1)) ++x;
      path +=
          fmt::format("M{} {}h{}v1h-{}z", start + kQuietZone, y + kQuietZone, x - start, x - start);
    }
  }
  return fmt::format(
      R"(<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {0} {0}" role="img" aria-label="{1}" shape-rendering="crispEdges"><rect width="{0}" height="{0}" fill="#fff"/><path fill="#000" d="{2}"/></svg>)",
      size, core::xml_escape(aria_label), path);
}

}  // namespace yiwang::identity
