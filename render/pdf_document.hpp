// Official documents as PDF (公文): the procedure documents of online services
// (受理通知书, 不予受理决定书, 补正材料通知书, 准予/不予许可决定书) and electronic
// licences, drawn with cairo's PDF surface and pango.
//
// The page follows GB/T 9704: A4, text area 156 × 225 mm (margins: top 37,
// left 28, right 26, bottom 35 mm) with 22 lines of 28 characters; the title
// centred in "Noto Serif CJK SC" bold 22 pt (二号), the 文号 centred under it,
// a blank line, the addressee flush left, then the body in "Noto Serif CJK SC"
// 15.75 pt (三号, so that 28 characters fill a line) with a two-character
// first-line indent. The issuing organ (落款) and date close the document on
// the right; with a seal the date keeps four characters of space on its right,
// the organ is centred over it and the seal is laid over both, its top within
// a line of the body. Every page carries its number ("— 1 —", 14 pt, centred
// 7 mm below the text area) and the optional footer; the optional QR code and
// its caption sit at the bottom left of the text area on the last page.
//
// Text is plain text, never markup: "<", "&" and the like appear as typed.
// Long text wraps at characters where words do not fit (URLs, numbers) and
// flows onto further pages: pages break between lines, so a block may span
// pages, but nothing runs into the page number or the footer. A heading stays
// on the page of the line that follows it, and the closing (organ, date,
// seal) is never alone on a page: the last line of the body comes with it.
//
// render_pdf() is pure and may be called from any thread at once: each call
// has its own cairo surface and uses pango's per-thread font map.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "core/error.hpp"

namespace yiwang::render {

// A row of a two-column list, e.g. {"申请人", "张三"}: the label (one line; a
// full-width colon is added unless it ends with "：" or ":"), then the value,
// which wraps in its own column. Labels share the width of the widest, up to
// eight characters; longer labels wrap.
struct PdfFact {
  std::string label, value;
};

struct PdfBlock {
  enum class Kind {
    heading,        // `text`: a heading in "Noto Sans CJK SC" (黑体), indented like a paragraph
    paragraph,      // `text`: body text; each "\n" starts a new indented paragraph
    facts,          // `facts`: label/value rows, indented two characters
    numbered_list,  // `items`: "1. …", "2. …", each laid out as a paragraph
    spacer,         // one blank line (none at the top of a page)
  };
  Kind kind = Kind::paragraph;
  std::string text;
  std::vector<PdfFact> facts;
  std::vector<std::string> items;  // without numbers: the renderer numbers them
};

struct PdfDocument {
  std::string title;      // required, e.g. "受理通知书"; "\n" breaks it into lines
  std::string number;     // 文号, e.g. "示市监受〔2026〕12号"; optional
  std::string addressee;  // 主送, e.g. "张三："; optional
  std::vector<PdfBlock> blocks;
  std::string organ;  // 落款, required, e.g. "示范市市场监督管理局"; "\n" for joint issuers
  std::string date;  // 成文日期, e.g. "2026年11月28日"; optional
  // Optional PNG bytes (e.g. from seal_png()), drawn 42 mm wide over organ and date.
  std::string seal_png;
  // Optional: encoded as a QR code (level M) at the bottom left of the last
  // page, with the caption (9 pt, at most six lines) to its right.
  std::string qr_text;
  std::string qr_caption;
  // Optional 9 pt line at the bottom of every page, cut with "…" if too long.
  std::string footer;
  std::string metadata_title;   // the PDF's Title; defaults to `title`
  std::string metadata_author;  // the PDF's Author; defaults to `organ`
};

// All text of a document together (every field, fact and item, a block or row
// counting at least one) may hold at most this many characters.
inline constexpr std::size_t kPdfMaxChars = 200000;
// The most bytes `qr_text` may have (a QR code of version 26 at level M,
// whose modules are still about 0.2 mm wide on paper).
inline constexpr std::size_t kPdfQrMaxBytes = 1000;
// The largest seal image accepted, in pixels a side.
inline constexpr int kPdfSealMaxPixels = 4096;

// The PDF file (bytes) of the document. Leading spaces (ASCII and U+3000) of
// each line of paragraphs and list items are dropped, as the renderer indents;
// single-line fields are trimmed. "\r\n" counts as "\n".
//
// Errors, field in brackets ("blocks" errors also carry {block}, the 1-based
// index of the block):
//   render.pdf.title_empty (title), render.pdf.organ_empty (organ): blank;
//   render.pdf.encoding (the field): not valid UTF-8;
//   render.pdf.control_char (the field): control, bidi or line-separator
//     characters; "\n" is allowed only in title, organ, block texts, fact
//     values, list items and qr_caption;
//   render.pdf.too_long (blocks, {max}): over kPdfMaxChars characters;
//   render.pdf.bad_seal (seal_png): not a PNG cairo can read, or larger than
//     kPdfSealMaxPixels a side;
//   render.pdf.qr_too_long (qr_text, {max}): more than kPdfQrMaxBytes bytes
//     or more than a QR code holds;
//   render.pdf.render_failed ({detail}): cairo could not draw or write, or
//     (field blocks) a block's kind is not one of Kind.
Result<std::string> render_pdf(const PdfDocument& doc);

}  // namespace yiwang::render
