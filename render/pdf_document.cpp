#include "render/pdf_document.hpp"

#include <cairo-pdf.h>
#include <cairo.h>
#include <pango/pangocairo.h>
#include <qrencode.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <limits>
#include <map>
#include <memory>
#include <optional>
#include <string_view>
#include <tuple>
#include <utility>
#include <vector>

#include "core/normalise.hpp"
#include "core/text_rules.hpp"
#include "render/unicode.hpp"

namespace yiwang::render {

namespace {

// ---------------------------------------------------------------------------
// Geometry, in PDF points (1/72 inch); y grows downwards. Positions of text
// and rows are relative to the top left corner of the text area (版心).

constexpr double kMm = 72.0 / 25.4;
constexpr double kPageWidth = 210 * kMm;
constexpr double kPageHeight = 297 * kMm;
constexpr double kMarginTop = 37 * kMm;
constexpr double kMarginLeft = 28 * kMm;
constexpr double kMarginRight = 26 * kMm;
constexpr double kMarginBottom = 35 * kMm;
constexpr double kTextWidth = kPageWidth - kMarginLeft - kMarginRight;    // 156 mm
constexpr double kTextHeight = kPageHeight - kMarginTop - kMarginBottom;  // 225 mm
constexpr int kLinesPerPage = 22;
constexpr double kPitch = kTextHeight / kLinesPerPage;  // one body line: about 29 pt

// Font sizes: 二号 title, 三号 body (28 characters to a 156 mm line), 四号 page
// numbers, 小五 footer and QR caption.
constexpr double kTitleSize = 22.0;
constexpr double kTitlePitch = 1.2 * kPitch;
constexpr double kBodySize = 15.75;
constexpr double kIndent = 2 * kBodySize;  // two characters
constexpr double kPageNumberSize = 14.0;
constexpr double kPageNumberDrop = 7 * kMm;  // from the text area's bottom edge to the dashes
constexpr double kSmallSize = 9.0;
constexpr double kFooterBaseline = kPageHeight - 15 * kMm;  // from the top of the page

// Facts: the label column is as wide as the widest label, but at most this.
constexpr double kLabelMaxWidth = 9 * kBodySize;  // eight characters and the colon

// Closing: right space of the date with a seal (four characters) and without
// (two); the seal's diameter, its top below the body, and how far below the
// seal's centre the middle of organ and date lies (偏下).
constexpr double kRightSpaceSealed = 4 * kBodySize;
constexpr double kRightSpacePlain = 2 * kBodySize;
constexpr double kSealSize = 42 * kMm;
constexpr double kSealTop = 0.5 * kPitch;
constexpr double kSealTextDrop = 0.15 * kSealSize;

// QR code (quiet zone included) and its caption, at the bottom left of the
// text area on the last page; body text keeps kQrClearance away from them.
constexpr double kQrSize = 25 * kMm;
constexpr int kQrQuietZone = 4;
constexpr double kQrCaptionGap = 3 * kMm;
constexpr double kQrCaptionMinWidth = 30 * kMm;  // narrower when the closing is close
constexpr double kQrCaptionMaxWidth = 70 * kMm;
constexpr int kQrCaptionMaxLines = 6;
// Of the caption and the footer, which are cut with "…" where they do not
// fit, no more than this is laid out.
constexpr std::size_t kShownBytes = 2000;
constexpr double kQrClearance = 2 * kMm;

// The ideographic em box runs from 0.12 em below the baseline to 0.88 above;
// rows centre it vertically, and the page number's dashes sit at its middle.
constexpr double kAscent = 0.88;
constexpr double kDashHeight = 0.38;

constexpr const char* kSerif = "Noto Serif CJK SC";
constexpr const char* kSans = "Noto Sans CJK SC";

struct Font {
  const char* family;
  PangoWeight weight;
  double size;
};
constexpr Font kTitleFont{kSerif, PANGO_WEIGHT_BOLD, kTitleSize};
constexpr Font kBodyFont{kSerif, PANGO_WEIGHT_NORMAL, kBodySize};
constexpr Font kHeadingFont{kSans, PANGO_WEIGHT_NORMAL, kBodySize};
constexpr Font kPageNumberFont{kSerif, PANGO_WEIGHT_NORMAL, kPageNumberSize};
constexpr Font kSmallFont{kSerif, PANGO_WEIGHT_NORMAL, kSmallSize};

// ---------------------------------------------------------------------------
// Input checks.

// Characters that have no place in a document: C0 and C1 controls, DEL, line
// and paragraph separators, bidirectional controls (they could reorder what
// is shown), byte-order marks and non-characters. "\n" is let through where
// the field allows line breaks.
std::string crlf_to_lf(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i)
    if (!(text[i] == '\r' && i + 1 < text.size() && text[i + 1] == '\n')) out += text[i];
  return out;
}

// Drops the ASCII and ideographic spaces at the start of every line.
std::string strip_line_starts(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  bool line_start = true;
  for (std::size_t i = 0; i < text.size();) {
    if (line_start && text[i] == ' ') {
      ++i;
      continue;
    }
    if (line_start && text.substr(i, 3) == "\u3000") {
      i += 3;
      continue;
    }
    line_start = text[i] == '\n';
    out += text[i++];
  }
  return out;
}

bool blank(std::string_view text) {
  return core::trim_text(text).find_first_not_of('\n') == std::string::npos;
}

enum class Lines { one, many };

// Checks one text and returns it ready to lay out: "\r\n" made "\n" where
// lines are allowed, trimmed where they are not. Adds its characters to
// `total`.
class Checker {
 public:
  Result<std::string> operator()(std::string_view raw, const char* field, Lines lines,
                                 std::optional<std::size_t> block = std::nullopt) {
    if (!core::is_valid_utf8(raw)) return fail("render.pdf.encoding", field, params(block));
    std::string text = lines == Lines::many ? crlf_to_lf(raw) : std::string(raw);
    const std::vector<CodePoint> points = code_points(text);
    for (const auto& [c, bytes] : points)
      if (is_control(c) && !(c == U'\n' && lines == Lines::many))
        return fail("render.pdf.control_char", field, params(block));
    total_ += points.size();
    return lines == Lines::one ? core::trim_text(text) : text;
  }
  void count(std::size_t n) { total_ += n; }
  std::size_t total() const { return total_; }

 private:
  static std::map<std::string, std::string> params(std::optional<std::size_t> block) {
    if (!block) return {};
    return {{"block", std::to_string(*block + 1)}};
  }
  std::size_t total_ = 0;
};

// ---------------------------------------------------------------------------
// Resources.

struct GObjectUnref {
  void operator()(gpointer p) const { g_object_unref(p); }
};
using LayoutPtr = std::unique_ptr<PangoLayout, GObjectUnref>;
using ContextPtr = std::unique_ptr<PangoContext, GObjectUnref>;

struct SurfaceDestroy {
  void operator()(cairo_surface_t* s) const { cairo_surface_destroy(s); }
};
using SurfacePtr = std::unique_ptr<cairo_surface_t, SurfaceDestroy>;

struct CairoDestroy {
  void operator()(cairo_t* c) const { cairo_destroy(c); }
};
using CairoPtr = std::unique_ptr<cairo_t, CairoDestroy>;

struct QrFree {
  void operator()(QRcode* q) const { QRcode_free(q); }
};

std::uint32_t be32(std::string_view s, std::size_t at) {
  return (std::uint32_t{static_cast<unsigned char>(s[at])} << 24) |
         (std::uint32_t{static_cast<unsigned char>(s[at + 1])} << 16) |
         (std::uint32_t{static_cast<unsigned char>(s[at + 2])} << 8) |
         std::uint32_t{static_cast<unsigned char>(s[at + 3])};
}

// The seal as a cairo image, or nothing when the bytes are not a PNG of
// acceptable size. The header is checked before decoding so that a small file
// cannot claim a huge image.
SurfacePtr decode_png(std::string_view png) {
  if (png.size() < 33 || png.substr(0, 8) != std::string_view("\x89PNG\r\n\x1a\n", 8) ||
      png.substr(12, 4) != "IHDR")
    return nullptr;
  const std::uint32_t width = be32(png, 16), height = be32(png, 20);
  if (width == 0 || height == 0 || width > static_cast<std::uint32_t>(kPdfSealMaxPixels) ||
      height > static_cast<std::uint32_t>(kPdfSealMaxPixels))
    return nullptr;
  struct Reader {
    std::string_view data;
    std::size_t at = 0;
  } reader{png};
  SurfacePtr image(cairo_image_surface_create_from_png_stream(
      [](void* closure, unsigned char* out, unsigned int length) {
        auto* r = static_cast<Reader*>(closure);
        if (length > r->data.size() - r->at) return CAIRO_STATUS_READ_ERROR;
        std::copy_n(r->data.data() + r->at, length, out);
        r->at += length;
        return CAIRO_STATUS_SUCCESS;
      },
      &reader));
  if (cairo_surface_status(image.get()) != CAIRO_STATUS_SUCCESS) return nullptr;
  return image;
}

// A checked document, ready to lay out.
struct Prepared {
  std::string title, number, addressee, organ, date, footer, qr_caption;
  std::string metadata_title, metadata_author;
  std::vector<PdfBlock> blocks;
  SurfacePtr seal;
  int qr_width = 0;               // modules a side; 0 without a QR code
  std::vector<unsigned char> qr;  // qr_width² modules, 1 = dark
};

Result<Prepared> prepare(const PdfDocument& doc) {
  Prepared p;
  Checker check;
  auto take = [&](std::string& out, std::string_view raw, const char* field,
                  Lines lines) -> std::optional<Error> {
    auto r = check(raw, field, lines);
    if (!r) return r.error();
    out = std::move(*r);
    return std::nullopt;
  };
  if (auto e = take(p.title, doc.title, "title", Lines::many)) return std::unexpected(*e);
  if (blank(p.title)) return fail("render.pdf.title_empty", "title");
  if (auto e = take(p.organ, doc.organ, "organ", Lines::many)) return std::unexpected(*e);
  if (blank(p.organ)) return fail("render.pdf.organ_empty", "organ");
  for (auto [out, raw, field, lines] : {
           std::tuple{&p.number, &doc.number, "number", Lines::one},
           std::tuple{&p.addressee, &doc.addressee, "addressee", Lines::one},
           std::tuple{&p.date, &doc.date, "date", Lines::one},
           std::tuple{&p.footer, &doc.footer, "footer", Lines::one},
           std::tuple{&p.qr_caption, &doc.qr_caption, "qr_caption", Lines::many},
           std::tuple{&p.metadata_title, &doc.metadata_title, "metadata_title", Lines::one},
           std::tuple{&p.metadata_author, &doc.metadata_author, "metadata_author", Lines::one},
       })
    if (auto e = take(*out, *raw, field, lines)) return std::unexpected(*e);
  std::string qr_text;
  if (auto e = take(qr_text, doc.qr_text, "qr_text", Lines::one)) return std::unexpected(*e);

  p.blocks.reserve(doc.blocks.size());
  for (std::size_t i = 0; i < doc.blocks.size(); ++i) {
    const PdfBlock& in = doc.blocks[i];
    PdfBlock out{.kind = in.kind};
    auto text = [&](std::string_view raw, Lines lines) {
      auto r = check(raw, "blocks", lines, i);
      if (r && lines == Lines::many) *r = strip_line_starts(*r);
      return r;
    };
    check.count(1);
    switch (in.kind) {
      case PdfBlock::Kind::heading:
      case PdfBlock::Kind::paragraph: {
        auto t = text(in.text, Lines::many);
        if (!t) return std::unexpected(t.error());
        out.text = std::move(*t);
        break;
      }
      case PdfBlock::Kind::facts:
        for (const PdfFact& f : in.facts) {
          auto label = text(f.label, Lines::one);
          if (!label) return std::unexpected(label.error());
          auto value = text(f.value, Lines::many);
          if (!value) return std::unexpected(value.error());
          check.count(1);
          out.facts.push_back({std::move(*label), core::trim_text(*value)});
        }
        break;
      case PdfBlock::Kind::numbered_list:
        for (const std::string& item : in.items) {
          auto t = text(item, Lines::many);
          if (!t) return std::unexpected(t.error());
          check.count(1);
          out.items.push_back(std::move(*t));
        }
        break;
      case PdfBlock::Kind::spacer:
        break;
      default:
        return fail("render.pdf.render_failed", "blocks",
                    {{"block", std::to_string(i + 1)}, {"detail", "unknown block kind"}});
    }
    p.blocks.push_back(std::move(out));
    if (check.total() > kPdfMaxChars) break;  // no need to look further
  }
  if (check.total() > kPdfMaxChars)
    return fail("render.pdf.too_long", "blocks", {{"max", std::to_string(kPdfMaxChars)}});

  if (!doc.seal_png.empty()) {
    p.seal = decode_png(doc.seal_png);
    if (!p.seal) return fail("render.pdf.bad_seal", "seal_png");
  }
  if (!qr_text.empty()) {
    const std::map<std::string, std::string> max = {{"max", std::to_string(kPdfQrMaxBytes)}};
    if (qr_text.size() > kPdfQrMaxBytes) return fail("render.pdf.qr_too_long", "qr_text", max);
    errno = 0;
    std::unique_ptr<QRcode, QrFree> qr(
        QRcode_encodeString(qr_text.c_str(), 0, QR_ECLEVEL_M, QR_MODE_8, 1));
    if (!qr) {
      if (errno == ERANGE) return fail("render.pdf.qr_too_long", "qr_text", max);
      return fail("render.pdf.render_failed", {}, {{"detail", "QR code encoding failed"}});
    }
    p.qr_width = qr->width;
    p.qr.resize(static_cast<std::size_t>(qr->width) * qr->width);
    for (std::size_t k = 0; k < p.qr.size(); ++k) p.qr[k] = qr->data[k] & 1;
  }

  std::string flat_title = p.title;
  std::replace(flat_title.begin(), flat_title.end(), '\n', ' ');
  if (p.metadata_title.empty()) p.metadata_title = core::trim_text(flat_title);
  if (p.metadata_author.empty()) {
    p.metadata_author = p.organ;
    std::replace(p.metadata_author.begin(), p.metadata_author.end(), '\n', ' ');
    p.metadata_author = core::trim_text(p.metadata_author);
  }
  return p;
}

// ---------------------------------------------------------------------------
// Layout. The document is a sequence of units (title, number, addressee, each
// block, the closing); a unit is laid out into rows, a row is what pagination
// moves as a whole: one line of text (two for the columns of a fact), a blank
// line, or the closing with its seal.

struct Piece {
  PangoLayoutLine* line;
  double x, baseline;  // from the left of the text area and the top of the row
};

struct Row {
  double height = kPitch;
  bool keep_with_next = false;  // on the same page as the next row
  bool skip_at_top = false;     // dropped at the top of a page (blank lines)
  std::vector<Piece> pieces;
  bool seal = false;  // draw the seal image at seal_x, seal_y (top left)
  double seal_x = 0, seal_y = 0;
  // The left edge of what the row shows (for the QR code's corner).
  double left = std::numeric_limits<double>::infinity();
};

struct Unit {
  std::vector<LayoutPtr> layouts;  // the rows' lines belong to these
  std::vector<Row> rows;
};

// A line of a layout: where pango places it (alignment and indent applied).
struct LineBox {
  PangoLayoutLine* line;
  double x, width;
};

class Typesetter {
 public:
  Typesetter(cairo_t* cr, const Prepared& doc) : doc_(doc) {
    context_.reset(pango_cairo_create_context(cr));
    cairo_font_options_t* options = cairo_font_options_create();
    cairo_font_options_set_hint_style(options, CAIRO_HINT_STYLE_NONE);
    cairo_font_options_set_hint_metrics(options, CAIRO_HINT_METRICS_OFF);
    pango_cairo_context_set_font_options(context_.get(), options);
    cairo_font_options_destroy(options);
    pango_context_set_round_glyph_positions(context_.get(), FALSE);
  }

  // Title, number, addressee, the blocks, the closing.
  std::size_t units() const { return 3 + doc_.blocks.size() + 1; }

  Unit unit(std::size_t i) {
    Unit u;
    if (i == 0) {
      title(u);
    } else if (i == 1) {
      number(u);
    } else if (i == 2) {
      addressee(u);
    } else if (i - 3 < doc_.blocks.size()) {
      block(u, doc_.blocks[i - 3]);
    } else {
      closing(u);
    }
    return u;
  }

  // A layout of `text`, wrapped at `width` (none when negative).
  LayoutPtr layout(const Font& font, std::string_view text, double width, double indent = 0,
                   PangoAlignment align = PANGO_ALIGN_LEFT) {
    LayoutPtr l(pango_layout_new(context_.get()));
    PangoFontDescription* desc = pango_font_description_new();
    pango_font_description_set_family(desc, font.family);
    pango_font_description_set_weight(desc, font.weight);
    pango_font_description_set_absolute_size(desc, font.size * PANGO_SCALE);
    pango_layout_set_font_description(l.get(), desc);
    pango_font_description_free(desc);
    pango_layout_set_wrap(l.get(), PANGO_WRAP_WORD_CHAR);
    if (width >= 0) pango_layout_set_width(l.get(), static_cast<int>(width * PANGO_SCALE));
    pango_layout_set_indent(l.get(), static_cast<int>(indent * PANGO_SCALE));
    pango_layout_set_alignment(l.get(), align);
    pango_layout_set_text(l.get(), text.data(), static_cast<int>(text.size()));
    return l;
  }

  static std::vector<LineBox> lines(PangoLayout* l) {
    std::vector<LineBox> out;
    PangoLayoutIter* it = pango_layout_get_iter(l);
    do {
      PangoRectangle logical;
      pango_layout_iter_get_line_extents(it, nullptr, &logical);
      out.push_back({pango_layout_iter_get_line_readonly(it),
                     static_cast<double>(logical.x) / PANGO_SCALE,
                     static_cast<double>(logical.width) / PANGO_SCALE});
    } while (pango_layout_iter_next_line(it));
    pango_layout_iter_free(it);
    return out;
  }

  static double width(PangoLayout* l) {
    PangoRectangle logical;
    pango_layout_get_extents(l, nullptr, &logical);
    return static_cast<double>(logical.width) / PANGO_SCALE;
  }

  // The lines of `text` wrapped at `width`, each "\n" starting a paragraph
  // whose first line is indented by `indent`; the layouts go to `u`.
  //
  // Paragraphs are laid out kChunkBytes at a time: pango measures in 32-bit
  // units (about 130 000 characters of 16 pt in a paragraph overflow them)
  // and its line breaking slows down with the square of the length of an
  // unbreakable run. A piece's last line, which the cut may have shortened,
  // is laid out again at the start of the next piece; line breaking is
  // greedy, so the lines before it are those of the whole paragraph.
  std::vector<LineBox> flow(Unit& u, const Font& font, std::string_view text, double width,
                            double indent = 0, PangoAlignment align = PANGO_ALIGN_LEFT) {
    std::vector<LineBox> out;
    std::size_t start = 0;
    while (true) {
      const std::size_t end = std::min(text.find('\n', start), text.size());
      std::string_view paragraph = text.substr(start, end - start);
      bool first = true;
      std::size_t chunk = kChunkBytes;
      while (true) {
        std::size_t cut = std::min(chunk, paragraph.size());
        while (cut < paragraph.size() &&
               (static_cast<unsigned char>(paragraph[cut]) & 0xC0) == 0x80)
          ++cut;  // not inside a UTF-8 sequence
        u.layouts.push_back(
            layout(font, paragraph.substr(0, cut), width, first ? indent : 0, align));
        std::vector<LineBox> ls = lines(u.layouts.back().get());
        if (cut == paragraph.size()) {
          out.insert(out.end(), ls.begin(), ls.end());
          break;
        }
        if (ls.size() < 2) {  // not even one whole line: take a longer piece
          u.layouts.pop_back();
          chunk *= 2;
          continue;
        }
        out.insert(out.end(), ls.begin(), ls.end() - 1);
        paragraph.remove_prefix(static_cast<std::size_t>(ls.back().line->start_index));
        first = false;
        chunk = kChunkBytes;
      }
      if (end == text.size()) break;
      start = end + 1;
    }
    return out;
  }

 private:
  static constexpr std::size_t kChunkBytes = 2048;

  // The baseline that centres a font's em box in a row.
  static double baseline(double row_height, const Font& font) {
    return (row_height - font.size) / 2 + kAscent * font.size;
  }

  // One row per line.
  static void add_rows(Unit& u, const std::vector<LineBox>& lines, const Font& font, double pitch,
                       double x0 = 0, bool keep = false) {
    for (const LineBox& line : lines) {
      Row row;
      row.height = pitch;
      row.keep_with_next = keep;
      row.pieces.push_back({line.line, x0 + line.x, baseline(pitch, font)});
      row.left = x0 + line.x;
      u.rows.push_back(std::move(row));
    }
  }

  static Row blank_row(bool skip_at_top) {
    Row row;
    row.skip_at_top = skip_at_top;
    return row;
  }

  void title(Unit& u) {
    std::string lines;  // every line trimmed, so that it centres
    std::size_t start = 0;
    while (start <= doc_.title.size()) {
      std::size_t end = doc_.title.find('\n', start);
      if (end == std::string::npos) end = doc_.title.size();
      const std::string line =
          core::trim_text(std::string_view(doc_.title).substr(start, end - start));
      if (!line.empty()) lines += (lines.empty() ? "" : "\n") + line;
      start = end + 1;
    }
    add_rows(u, flow(u, kTitleFont, lines, kTextWidth, 0, PANGO_ALIGN_CENTER), kTitleFont,
             kTitlePitch, 0, true);
  }

  void number(Unit& u) {
    if (!doc_.number.empty())
      add_rows(u, flow(u, kBodyFont, doc_.number, kTextWidth, 0, PANGO_ALIGN_CENTER), kBodyFont,
               kPitch, 0, true);
    Row blank = blank_row(false);  // a blank line under the title
    blank.keep_with_next = true;
    u.rows.push_back(std::move(blank));
  }

  void addressee(Unit& u) {
    if (doc_.addressee.empty()) return;
    add_rows(u, flow(u, kBodyFont, doc_.addressee, kTextWidth), kBodyFont, kPitch, 0, true);
  }

  void block(Unit& u, const PdfBlock& b) {
    switch (b.kind) {
      case PdfBlock::Kind::heading:
        add_rows(u, flow(u, kHeadingFont, b.text, kTextWidth, kIndent), kHeadingFont, kPitch, 0,
                 true);
        break;
      case PdfBlock::Kind::paragraph:
        add_rows(u, flow(u, kBodyFont, b.text, kTextWidth, kIndent), kBodyFont, kPitch);
        break;
      case PdfBlock::Kind::numbered_list:
        for (std::size_t i = 0; i < b.items.size(); ++i) {
          const std::string text = std::to_string(i + 1) + ". " + b.items[i];
          add_rows(u, flow(u, kBodyFont, text, kTextWidth, kIndent), kBodyFont, kPitch);
        }
        break;
      case PdfBlock::Kind::facts:
        facts(u, b.facts);
        break;
      case PdfBlock::Kind::spacer:
        u.rows.push_back(blank_row(true));
        break;
    }
  }

  // Labels wrap at kLabelMaxWidth; the values' column starts after the widest
  // line of a label.
  void facts(Unit& u, const std::vector<PdfFact>& facts) {
    std::vector<std::vector<LineBox>> labels;
    double column = 0;
    for (const PdfFact& f : facts) {
      std::string label = f.label;
      if (!label.empty() && !label.ends_with("：") && !label.ends_with(":")) label += "：";
      labels.push_back(flow(u, kBodyFont, label, kLabelMaxWidth));
      for (const LineBox& l : labels.back()) column = std::max(column, l.x + l.width);
    }
    const double value_x = kIndent + column;
    for (std::size_t i = 0; i < facts.size(); ++i) {
      const std::vector<LineBox>& left = labels[i];
      const std::vector<LineBox> right = flow(u, kBodyFont, facts[i].value, kTextWidth - value_x);
      for (std::size_t k = 0; k < std::max(left.size(), right.size()); ++k) {
        Row row;
        if (k < left.size() && pango_layout_line_get_length(left[k].line) > 0)
          row.pieces.push_back({left[k].line, kIndent + left[k].x, baseline(kPitch, kBodyFont)});
        if (k < right.size())
          row.pieces.push_back({right[k].line, value_x + right[k].x, baseline(kPitch, kBodyFont)});
        for (const Piece& p : row.pieces) row.left = std::min(row.left, p.x);
        u.rows.push_back(std::move(row));
      }
    }
  }

  // Organ and date, centred on one vertical line; with a seal the seal is
  // centred on them and they sit a little below its centre.
  void closing(Unit& u) {
    const bool sealed = doc_.seal != nullptr;
    const double right_space = sealed ? kRightSpaceSealed : kRightSpacePlain;
    // The organ's lines, then the date's.
    std::vector<LineBox> text_lines = flow(u, kBodyFont, doc_.organ, kTextWidth - right_space);
    if (!doc_.date.empty())
      for (const LineBox& l : flow(u, kBodyFont, doc_.date, kTextWidth - right_space))
        text_lines.push_back(l);
    double block_width = 0;
    for (const LineBox& l : text_lines) block_width = std::max(block_width, l.width);
    const double centre = kTextWidth - right_space - block_width / 2;
    const double text_height = static_cast<double>(text_lines.size()) * kPitch;

    Row row;
    double text_top = kPitch;  // a blank line above the organ
    if (sealed) {
      const double seal_centre = kSealTop + kSealSize / 2;
      text_top = std::max(kSealTop, seal_centre + kSealTextDrop - text_height / 2);
      row.seal = true;
      row.seal_x = centre - kSealSize / 2;
      row.seal_y = kSealTop;
      row.left = row.seal_x;
    }
    row.height = std::max(text_top + text_height, sealed ? kSealTop + kSealSize : 0.0);
    double y = text_top;
    for (const LineBox& l : text_lines) {
      row.pieces.push_back({l.line, centre - l.width / 2, y + baseline(kPitch, kBodyFont)});
      row.left = std::min(row.left, centre - l.width / 2);
      y += kPitch;
    }
    u.rows.push_back(std::move(row));
  }

  const Prepared& doc_;
  ContextPtr context_;
};

// ---------------------------------------------------------------------------
// Pagination.

struct RowMeta {
  double height, left;
  bool keep_with_next, skip_at_top;
};

struct Place {
  int page;
  double y;
  bool shown;  // false for blank lines dropped at the top of a page
};

constexpr double kEpsilon = 0.01;

// Rows top to bottom, page after page. A row goes to the next page when it
// does not fit, or when the rows it must stay with do not (unless together
// they are taller than a page); `break_before` forces a page break.
std::vector<Place> paginate(const std::vector<RowMeta>& rows, std::size_t break_before) {
  std::vector<Place> out;
  out.reserve(rows.size());
  int page = 0;
  double y = 0;
  for (std::size_t i = 0; i < rows.size(); ++i) {
    if (i == break_before && y > 0) {
      ++page;
      y = 0;
    }
    if (rows[i].skip_at_top && y == 0) {
      out.push_back({page, 0, false});
      continue;
    }
    double chain = rows[i].height;
    for (std::size_t j = i; rows[j].keep_with_next && j + 1 < rows.size() && chain <= kTextHeight;
         ++j)
      chain += rows[j + 1].height;
    const double need = chain <= kTextHeight ? chain : rows[i].height;
    if (y > 0 && y + need > kTextHeight + kEpsilon) {
      ++page;
      y = 0;
    }
    out.push_back({page, y, true});
    y += rows[i].height;
  }
  return out;
}

// ---------------------------------------------------------------------------
// Drawing.

cairo_status_t append_bytes(void* closure, const unsigned char* data, unsigned int length) {
  static_cast<std::string*>(closure)->append(reinterpret_cast<const char*>(data), length);
  return CAIRO_STATUS_SUCCESS;
}

void draw_row(cairo_t* cr, const Row& row, double y, cairo_surface_t* seal) {
  for (const Piece& p : row.pieces) {
    cairo_move_to(cr, kMarginLeft + p.x, kMarginTop + y + p.baseline);
    pango_cairo_show_layout_line(cr, p.line);
  }
  if (row.seal && seal) {
    const int w = cairo_image_surface_get_width(seal), h = cairo_image_surface_get_height(seal);
    const double scale = kSealSize / std::max(w, h);
    cairo_save(cr);
    cairo_translate(cr, kMarginLeft + row.seal_x + (kSealSize - w * scale) / 2,
                    kMarginTop + y + row.seal_y + (kSealSize - h * scale) / 2);
    cairo_scale(cr, scale, scale);
    cairo_set_source_surface(cr, seal, 0, 0);
    cairo_pattern_set_filter(cairo_get_source(cr), CAIRO_FILTER_GOOD);
    cairo_paint(cr);
    cairo_restore(cr);
    cairo_set_source_rgb(cr, 0, 0, 0);
  }
}

// The QR code and its caption at the bottom left of the text area.
struct QrCorner {
  LayoutPtr caption;
  double caption_x = 0, caption_y = 0;
  double top = kTextHeight, right = 0;  // what body text must keep clear of
};

// The caption wraps so as to end left of `closing_left` (the left edge of
// the closing), if it can.
QrCorner qr_corner(Typesetter& t, const Prepared& doc, double closing_left) {
  QrCorner c;
  const bool qr = doc.qr_width > 0;
  if (!qr && doc.qr_caption.empty()) return c;
  c.caption_x = qr ? kQrSize + kQrCaptionGap : 0;
  double caption_width = 0, caption_height = 0;
  if (!doc.qr_caption.empty()) {
    const double room = closing_left - kQrClearance - c.caption_x;
    // At most six short lines show: the start of a long caption is enough.
    c.caption = t.layout(kSmallFont, core::cut_utf8(doc.qr_caption, kShownBytes),
                         std::clamp(room, kQrCaptionMinWidth, kQrCaptionMaxWidth));
    pango_layout_set_height(c.caption.get(), -kQrCaptionMaxLines);
    pango_layout_set_ellipsize(c.caption.get(), PANGO_ELLIPSIZE_END);
    PangoRectangle logical;
    pango_layout_get_extents(c.caption.get(), nullptr, &logical);
    caption_width = static_cast<double>(logical.x + logical.width) / PANGO_SCALE;
    caption_height = static_cast<double>(logical.y + logical.height) / PANGO_SCALE;
  }
  const double qr_size = qr ? kQrSize : 0;
  c.caption_y = qr ? kTextHeight - kQrSize / 2 - caption_height / 2 : kTextHeight - caption_height;
  c.top = std::min(kTextHeight - qr_size, c.caption_y);
  c.right = c.caption ? c.caption_x + caption_width : qr_size;
  return c;
}

void draw_qr(cairo_t* cr, const Prepared& doc, const QrCorner& c) {
  if (doc.qr_width > 0) {
    const int w = doc.qr_width;
    const double module = kQrSize / (w + 2 * kQrQuietZone);
    const double x0 = kMarginLeft + kQrQuietZone * module;
    const double y0 = kMarginTop + kTextHeight - kQrSize + kQrQuietZone * module;
    cairo_new_path(cr);
    for (int y = 0; y < w; ++y)
      for (int x = 0; x < w;) {
        if (!doc.qr[static_cast<std::size_t>(y) * w + x]) {
          ++x;
          continue;
        }
        const int start = x;
        while (x < w && doc.qr[static_cast<std::size_t>(y) * w + x]) ++x;
        cairo_rectangle(cr, x0 + start * module, y0 + y * module, (x - start) * module, module);
      }
    cairo_set_source_rgb(cr, 0, 0, 0);
    cairo_fill(cr);
  }
  if (c.caption) {
    cairo_move_to(cr, kMarginLeft + c.caption_x, kMarginTop + c.caption_y);
    pango_cairo_show_layout(cr, c.caption.get());
  }
}

// Page number and footer.
void draw_furniture(cairo_t* cr, Typesetter& t, const Prepared& doc, int page) {
  const std::string number = "— " + std::to_string(page + 1) + " —";
  LayoutPtr l = t.layout(kPageNumberFont, number, -1);
  cairo_move_to(cr, kMarginLeft + (kTextWidth - Typesetter::width(l.get())) / 2,
                kMarginTop + kTextHeight + kPageNumberDrop + kDashHeight * kPageNumberSize -
                    static_cast<double>(pango_layout_get_baseline(l.get())) / PANGO_SCALE);
  pango_cairo_show_layout(cr, l.get());
  if (!doc.footer.empty()) {
    LayoutPtr f = t.layout(kSmallFont, core::cut_utf8(doc.footer, kShownBytes), kTextWidth, 0,
                           PANGO_ALIGN_CENTER);
    pango_layout_set_ellipsize(f.get(), PANGO_ELLIPSIZE_END);
    cairo_move_to(
        cr, kMarginLeft,
        kFooterBaseline - static_cast<double>(pango_layout_get_baseline(f.get())) / PANGO_SCALE);
    pango_cairo_show_layout(cr, f.get());
  }
}

}  // namespace

Result<std::string> render_pdf(const PdfDocument& input) {
  auto prepared = prepare(input);
  if (!prepared) return std::unexpected(prepared.error());
  const Prepared& doc = *prepared;

  std::string pdf;
  SurfacePtr surface(
      cairo_pdf_surface_create_for_stream(append_bytes, &pdf, kPageWidth, kPageHeight));
  cairo_pdf_surface_set_metadata(surface.get(), CAIRO_PDF_METADATA_TITLE,
                                 doc.metadata_title.c_str());
  cairo_pdf_surface_set_metadata(surface.get(), CAIRO_PDF_METADATA_AUTHOR,
                                 doc.metadata_author.c_str());
  cairo_pdf_surface_set_metadata(surface.get(), CAIRO_PDF_METADATA_CREATOR, "Yiwang");
  CairoPtr cr(cairo_create(surface.get()));
  Typesetter t(cr.get(), doc);

  // First pass: the rows' sizes only (layouts are dropped unit by unit, so a
  // long document does not hold all of them at once).
  std::vector<RowMeta> meta;
  for (std::size_t i = 0; i < t.units(); ++i) {
    const Unit u = t.unit(i);
    for (const Row& r : u.rows) meta.push_back({r.height, r.left, r.keep_with_next, r.skip_at_top});
  }
  // The closing (the last row) stays with the last line of the body.
  for (std::size_t i = meta.size() - 1; i-- > 0;) {
    meta[i].keep_with_next = true;
    if (!meta[i].skip_at_top) break;
  }

  QrCorner corner = qr_corner(t, doc, meta.back().left);
  std::vector<Place> places = paginate(meta, meta.size());
  if (corner.right > 0) {
    // Body text on the last page must stay clear of the QR code; if it does
    // not, the closing and the rows it keeps with go to a new page.
    const int last = places.back().page;
    bool clash = false;
    for (std::size_t i = 0; i < meta.size(); ++i)
      if (places[i].page == last && places[i].shown &&
          places[i].y + meta[i].height > corner.top - kQrClearance + kEpsilon &&
          meta[i].left < corner.right + kQrClearance)
        clash = true;
    if (clash) {
      std::size_t start = meta.size() - 1;
      while (start > 0 && meta[start - 1].keep_with_next) --start;
      places = paginate(meta, start);
    }
  }

  // Second pass: the same rows again, drawn where pagination put them.
  cairo_set_source_rgb(cr.get(), 0, 0, 0);
  std::size_t index = 0;
  int page = 0;
  for (std::size_t i = 0; i < t.units(); ++i) {
    Unit u = t.unit(i);
    for (const Row& r : u.rows) {
      if (index >= places.size()) break;
      const Place& at = places[index++];
      while (page < at.page) {
        draw_furniture(cr.get(), t, doc, page++);
        cairo_show_page(cr.get());
      }
      if (at.shown) draw_row(cr.get(), r, at.y, doc.seal.get());
    }
  }
  draw_qr(cr.get(), doc, corner);
  draw_furniture(cr.get(), t, doc, page);
  cairo_show_page(cr.get());

  cairo_status_t status =
      index == places.size() ? cairo_status(cr.get()) : CAIRO_STATUS_INVALID_INDEX;
  cr.reset();
  cairo_surface_finish(surface.get());
  if (status == CAIRO_STATUS_SUCCESS) status = cairo_surface_status(surface.get());
  if (status != CAIRO_STATUS_SUCCESS)
    return fail("render.pdf.render_failed", {}, {{"detail", cairo_status_to_string(status)}});
  return pdf;
}

}  // namespace yiwang::render
