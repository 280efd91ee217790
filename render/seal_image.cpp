#include "render/seal_image.hpp"

#include <cairo.h>
#include <pango/pangocairo.h>

#include <algorithm>
#include <cmath>
#include <numbers>
#include <string_view>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "core/normalise.hpp"
#include "core/text_rules.hpp"
#include "render/unicode.hpp"

namespace yiwang::render {

namespace {

// ---------------------------------------------------------------------------
// Geometry, in the units of the SVG viewBox (0 0 200 200); the PNG scales it.
//
// The ring's stroke is 1/25 of the diameter and its outer edge stays one unit
// inside the image (room for anti-aliasing). Characters of the name stand on
// a circle with their tops kTextGap inside the ring; the star's outer radius
// is 3/10 of the seal's. Everything is the same red.

constexpr double kView = 200.0;
constexpr double kCentre = kView / 2;
constexpr double kRingWidth = kView / 25;                       // 8
constexpr double kRingRadius = kCentre - 1.0 - kRingWidth / 2;  // centre line of the stroke: 95
constexpr double kRingInner = kRingRadius - kRingWidth / 2;     // 91
constexpr double kTextGap = 4.0;
constexpr double kTextTop = kRingInner - kTextGap;  // outer edge of the name's characters: 87
constexpr double kStarRadius = 0.30 * kCentre;      // 30
constexpr double kStarInnerRatio = 0.381966;        // regular pentagram: sin 18° / sin 54°

// Name: the largest character height (short names get a little more), the
// widest arc (degrees), the narrowest a character may be squeezed (width /
// height) before its height shrinks instead, and the share of the pitch a
// character may fill at its inner edge.
constexpr double kNameMaxHeight = 30.0;
constexpr double kShortNameMaxHeight = 34.0;
constexpr double kNameMaxSpanDeg = 240.0;
constexpr double kMinSqueeze = 0.68;
constexpr double kNameFill = 0.88;

// Lower line: centred this far below the centre, at most this wide and tall.
constexpr double kLowerCentreDrop = 0.50 * kCentre;  // 50
constexpr double kLowerMaxWidth = 100.0;
constexpr double kLowerMaxHeight = 18.0;
constexpr double kLowerPitch = 1.1;  // advance per character / character width

// From the visual centre of a CJK character to its baseline, in em: the
// ideographic em box runs from 0.12 em below the baseline to 0.88 above.
constexpr double kBaselineDrop = 0.38;

constexpr std::string_view kRedHex = "#d7000f";
constexpr double kRed[3] = {215.0 / 255, 0.0, 15.0 / 255};
constexpr std::string_view kSvgFontFamily = "Noto Serif CJK SC, Noto Sans CJK SC, serif";
constexpr const char* kPangoFontFamily = "Noto Serif CJK SC";

// One character placed on the seal: `x`,`y` is its visual centre; it is
// rotated by `angle` degrees clockwise, `size` em high and squeezed
// horizontally by `scale_x`.
struct Glyph {
  std::string text;
  double x = 0, y = 0, angle = 0, size = 0, scale_x = 1;
};

struct Layout {
  std::string title;  // the name, and the lower line after a space
  std::vector<Glyph> name;
  std::vector<Glyph> lower;
  std::vector<std::pair<double, double>> star;  // ten corners, clockwise from the top point
};

// ---------------------------------------------------------------------------
// Input checks.

// Characters that have no place on a seal: C0 and C1 controls, DEL, line and
// paragraph separators, bidirectional controls (they could reorder what is
// shown), byte-order marks and the non-characters XML forbids.
// A checked, trimmed text split into characters.
Result<std::vector<std::string>> characters(std::string_view raw, const char* field) {
  if (!core::is_valid_utf8(raw)) return fail("render.seal.encoding", field);
  for (const auto& c : code_points(raw))
    if (is_control(c.value)) return fail("render.seal.control_char", field);
  std::vector<std::string> out;
  std::string trimmed = core::trim_text(raw);
  for (const auto& c : code_points(trimmed)) out.emplace_back(c.bytes);
  return out;
}

struct Checked {
  std::string title;
  std::vector<std::string> name, lower;
};

Result<Checked> check(const SealDesign& d) {
  auto name = characters(d.name, "name");
  if (!name) return std::unexpected(name.error());
  if (name->empty()) return fail("render.seal.name_empty", "name");
  if (name->size() > kSealNameMaxChars)
    return fail("render.seal.name_too_long", "name", {{"max", std::to_string(kSealNameMaxChars)}});
  auto lower = characters(d.lower_text, "lower_text");
  if (!lower) return std::unexpected(lower.error());
  if (lower->size() > kSealLowerMaxChars)
    return fail("render.seal.lower_too_long", "lower_text",
                {{"max", std::to_string(kSealLowerMaxChars)}});
  std::string title = core::trim_text(d.name);
  if (!lower->empty()) title += " " + core::trim_text(d.lower_text);
  return Checked{std::move(title), std::move(*name), std::move(*lower)};
}

// ---------------------------------------------------------------------------
// Layout.

double radians(double degrees) { return degrees * std::numbers::pi / 180.0; }

// The arc the name covers, from the outer edge of its first character to
// that of its last: 240° from six characters on; shorter names close up so
// that their characters keep about the pitch of six.
double name_span_deg(std::size_t n) {
  return std::min(kNameMaxSpanDeg, 20.0 + 40.0 * static_cast<double>(n));
}

// 34 for four characters, down to 30 from seven on.
double name_max_height(std::size_t n) {
  return std::clamp(40.0 - 1.5 * static_cast<double>(n), kNameMaxHeight, kShortNameMaxHeight);
}

std::vector<Glyph> layout_name(const std::vector<std::string>& chars) {
  const std::size_t n = chars.size();
  const double span = radians(name_span_deg(n));
  // The tallest height at which the characters fit side by side at their
  // inner edge (where they come closest) without being squeezed below
  // kMinSqueeze; width w must satisfy w <= fill * pitch * r_inner with
  // pitch = (span - w / r_centre) / (n - 1).
  double height = name_max_height(n), width = height;
  for (; height > 4.0; height -= 0.25) {
    const double r_centre = kTextTop - height / 2;
    const double r_inner = kTextTop - height;
    double fit = height;
    if (n > 1) {
      const double m = static_cast<double>(n - 1);
      fit = kNameFill * r_inner * span / m / (1.0 + kNameFill * r_inner / (r_centre * m));
    }
    width = std::min(height, fit);
    if (width >= kMinSqueeze * height) break;
  }
  const double r_centre = kTextTop - height / 2;
  const double char_angle = width / r_centre;  // radians one character covers
  const double pitch = n > 1 ? (span - char_angle) / static_cast<double>(n - 1) : 0.0;
  const double first = n > 1 ? -(span - char_angle) / 2 : 0.0;

  std::vector<Glyph> out;
  out.reserve(n);
  for (std::size_t i = 0; i < n; ++i) {
    const double a = first + pitch * static_cast<double>(i);  // clockwise from the top
    out.push_back({.text = chars[i],
                   .x = kCentre + r_centre * std::sin(a),
                   .y = kCentre - r_centre * std::cos(a),
                   .angle = a * 180.0 / std::numbers::pi,
                   .size = height,
                   .scale_x = width / height});
  }
  return out;
}

std::vector<Glyph> layout_lower(const std::vector<std::string>& chars) {
  std::vector<Glyph> out;
  const std::size_t k = chars.size();
  if (k == 0) return out;
  const double advance =
      std::min(kLowerMaxHeight * kLowerPitch, kLowerMaxWidth / static_cast<double>(k));
  const double width = advance / kLowerPitch;
  const double height = std::min(kLowerMaxHeight, width / kMinSqueeze);
  const double left = kCentre - advance * static_cast<double>(k) / 2 + advance / 2;
  for (std::size_t i = 0; i < k; ++i)
    out.push_back({.text = chars[i],
                   .x = left + advance * static_cast<double>(i),
                   .y = kCentre + kLowerCentreDrop,
                   .angle = 0,
                   .size = height,
                   .scale_x = std::min(1.0, width / height)});
  return out;
}

std::vector<std::pair<double, double>> layout_star() {
  std::vector<std::pair<double, double>> out;
  for (int i = 0; i < 10; ++i) {
    const double r = i % 2 == 0 ? kStarRadius : kStarRadius * kStarInnerRatio;
    const double a = radians(-90.0 + 36.0 * i);
    out.emplace_back(kCentre + r * std::cos(a), kCentre + r * std::sin(a));
  }
  return out;
}

Result<Layout> layout(const SealDesign& d) {
  auto checked = check(d);
  if (!checked) return std::unexpected(checked.error());
  return Layout{std::move(checked->title), layout_name(checked->name), layout_lower(checked->lower),
                layout_star()};
}

// ---------------------------------------------------------------------------
// SVG.

// Numbers with two decimals, whatever the locale.
std::string num(double v) {
  std::string s = fmt::format("{:.2f}", v);
  if (s == "-0.00") s = "0.00";
  return s;
}

void svg_glyph(std::string& out, const Glyph& g, std::string_view cls) {
  out += fmt::format(
      "<text class=\"{}\" font-family=\"{}\" font-weight=\"bold\" font-size=\"{}\" "
      "text-anchor=\"middle\" x=\"0\" y=\"{}\" transform=\"translate({} {}) rotate({})",
      cls, kSvgFontFamily, num(g.size), num(kBaselineDrop * g.size), num(g.x), num(g.y),
      num(g.angle));
  if (g.scale_x < 0.999) out += fmt::format(" scale({} 1)", fmt::format("{:.3f}", g.scale_x));
  out += "\">" + core::xml_escape(g.text) + "</text>\n";
}

// ---------------------------------------------------------------------------
// PNG.

cairo_status_t append_bytes(void* closure, const unsigned char* data, unsigned int length) {
  static_cast<std::string*>(closure)->append(reinterpret_cast<const char*>(data), length);
  return CAIRO_STATUS_SUCCESS;
}

void cairo_glyph(cairo_t* cr, const Glyph& g) {
  cairo_save(cr);
  cairo_translate(cr, g.x, g.y);
  cairo_rotate(cr, radians(g.angle));
  cairo_scale(cr, g.scale_x, 1.0);

  PangoLayout* layout = pango_cairo_create_layout(cr);
  cairo_font_options_t* options = cairo_font_options_create();
  cairo_font_options_set_hint_style(options, CAIRO_HINT_STYLE_NONE);
  cairo_font_options_set_hint_metrics(options, CAIRO_HINT_METRICS_OFF);
  cairo_font_options_set_antialias(options, CAIRO_ANTIALIAS_GRAY);
  PangoContext* context = pango_layout_get_context(layout);
  pango_cairo_context_set_font_options(context, options);
  pango_context_set_round_glyph_positions(context, FALSE);
  cairo_font_options_destroy(options);
  pango_layout_context_changed(layout);

  PangoFontDescription* font = pango_font_description_new();
  pango_font_description_set_family(font, kPangoFontFamily);
  pango_font_description_set_weight(font, PANGO_WEIGHT_BOLD);
  pango_font_description_set_absolute_size(font, g.size * PANGO_SCALE);
  pango_layout_set_font_description(layout, font);
  pango_font_description_free(font);
  pango_layout_set_text(layout, g.text.data(), static_cast<int>(g.text.size()));

  PangoRectangle logical;
  pango_layout_get_extents(layout, nullptr, &logical);
  const double width = static_cast<double>(logical.width) / PANGO_SCALE;
  const double baseline = static_cast<double>(pango_layout_get_baseline(layout)) / PANGO_SCALE;
  // Same anchor as the SVG: horizontally centred, baseline kBaselineDrop em
  // below the character's centre.
  cairo_move_to(cr, -width / 2, kBaselineDrop * g.size - baseline);
  pango_cairo_show_layout(cr, layout);
  g_object_unref(layout);
  cairo_restore(cr);
}

}  // namespace

Result<std::string> seal_svg(const SealDesign& d) {
  auto l = layout(d);
  if (!l) return std::unexpected(l.error());
  std::string out;
  out.reserve(4096 + 256 * (l->name.size() + l->lower.size()));
  out += fmt::format(
      "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {0:g} {0:g}\" role=\"img\">\n"
      "<title>{1}</title>\n"
      "<g fill=\"{2}\">\n"
      "<circle cx=\"{3}\" cy=\"{3}\" r=\"{4}\" fill=\"none\" stroke=\"{2}\" "
      "stroke-width=\"{5}\"/>\n",
      kView, core::xml_escape(l->title), kRedHex, num(kCentre), num(kRingRadius), num(kRingWidth));
  std::string points;
  for (const auto& [x, y] : l->star) {
    if (!points.empty()) points += ' ';
    points += num(x) + "," + num(y);
  }
  out += "<polygon class=\"seal-star\" points=\"" + points + "\"/>\n";
  for (const Glyph& g : l->name) svg_glyph(out, g, "seal-name");
  for (const Glyph& g : l->lower) svg_glyph(out, g, "seal-lower");
  out += "</g>\n</svg>\n";
  return out;
}

Result<std::string> seal_png(const SealDesign& d, int size_px) {
  auto l = layout(d);
  if (!l) return std::unexpected(l.error());
  if (size_px < kSealMinPixels || size_px > kSealMaxPixels)
    return fail("render.seal.bad_size", "size",
                {{"min", std::to_string(kSealMinPixels)}, {"max", std::to_string(kSealMaxPixels)}});

  cairo_surface_t* surface = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, size_px, size_px);
  cairo_t* cr = cairo_create(surface);
  cairo_scale(cr, size_px / kView, size_px / kView);
  cairo_set_source_rgb(cr, kRed[0], kRed[1], kRed[2]);

  cairo_new_path(cr);
  cairo_arc(cr, kCentre, kCentre, kRingRadius, 0, 2 * std::numbers::pi);
  cairo_set_line_width(cr, kRingWidth);
  cairo_stroke(cr);

  cairo_new_path(cr);
  for (const auto& [x, y] : l->star) cairo_line_to(cr, x, y);
  cairo_close_path(cr);
  cairo_fill(cr);

  for (const Glyph& g : l->name) cairo_glyph(cr, g);
  for (const Glyph& g : l->lower) cairo_glyph(cr, g);

  const cairo_status_t drawn = cairo_status(cr);
  cairo_destroy(cr);
  std::string png;
  const cairo_status_t written =
      drawn == CAIRO_STATUS_SUCCESS ? cairo_surface_write_to_png_stream(surface, append_bytes, &png)
                                    : drawn;
  cairo_surface_destroy(surface);
  if (written != CAIRO_STATUS_SUCCESS)
    return fail("render.seal.render_failed", {}, {{"detail", cairo_status_to_string(written)}});
  return png;
}

}  // namespace yiwang::render
