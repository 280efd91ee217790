// Electronic-seal images (电子印章): the red round seal of an organ drawn from
// its name, as SVG for pages and as PNG for documents and downloads.
//
// The layout is that of a Chinese official seal: a ring, the organ's name
// along the upper arc (each character upright towards the rim, evenly spread
// over about 240°, reading clockwise from lower left to lower right, smaller
// and narrower as the name grows), a solid five-pointed star in the centre
// and an optional short horizontal line below the star ("合同专用章"). SVG
// and PNG share one geometry (see seal_image.cpp), so they look the same.
//
// Both functions are pure and may be called from any thread at once: each
// call draws on its own cairo surface with pango's per-thread font map. The
// first PNG of a thread pays for loading the fontconfig configuration.
#pragma once

#include <cstddef>
#include <string>

#include "core/error.hpp"

namespace yiwang::render {

struct SealDesign {
  std::string name;        // along the upper arc, e.g. "示范市人民政府"; 1..40 characters
  std::string lower_text;  // optional, below the star, e.g. "行政审批专用章"; ≤ 12 characters
};

// Both texts are trimmed (ASCII and ideographic spaces) before use. Errors:
//   render.seal.name_empty (name), render.seal.name_too_long (name, {max}),
//   render.seal.lower_too_long (lower_text, {max}),
//   render.seal.control_char (name or lower_text: control, bidi or line
//   separator characters), render.seal.encoding (name or lower_text: not UTF-8).
inline constexpr std::size_t kSealNameMaxChars = 40;
inline constexpr std::size_t kSealLowerMaxChars = 12;
inline constexpr int kSealMinPixels = 64;
inline constexpr int kSealMaxPixels = 2048;

// A self-contained SVG document (viewBox 0 0 200 200, no width or height, no
// scripts or external references). Every character of the name is its own
// <text class="seal-name">, in reading order; the lower line's characters are
// <text class="seal-lower">. All text is XML-escaped.
Result<std::string> seal_svg(const SealDesign& d);

// The PNG file (bytes) of the seal, size_px × size_px with a transparent
// background, drawn with cairo and pango in "Noto Serif CJK SC" bold.
// Further errors: render.seal.bad_size (size, {min}, {max}) when size_px is
// outside 64..2048; render.seal.render_failed when cairo cannot draw or encode.
Result<std::string> seal_png(const SealDesign& d, int size_px = 400);

}  // namespace yiwang::render
