// Rich text that editors paste into articles (HTML), cleaned on the server
// before it is stored and published: an allow-list of elements and
// attributes, parsed as an HTML5 body fragment (gumbo) and serialised again,
// so that what reaches a reader's browser cannot run script, load foreign
// content or post forms. Also the plain text and the link targets of a
// fragment, for search, descriptions, diffs and the broken-link check.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace yiwang::render {

struct CleanedHtml {
  std::string html;  // safe HTML5 fragment, well-formed
  // What was dropped, distinct and sorted, to show the editor: element and
  // attribute names ("script", "font", "onerror", "style"), "href:<scheme>",
  // "img:external", and for the whole document "html:too_deep" (nesting
  // flattened), "html:text_only" (only the text kept) or "html:too_complex"
  // (nothing kept).
  std::vector<std::string> removed;
};

// The allow-listed part of an HTML fragment, safe to store and publish: the
// elements and attributes of an editor's toolbar are kept (h1 becomes h2: the
// page has its own), scripts, styles, embeds, media and forms are dropped with
// their content, other elements are unwrapped; links must be http(s), mailto,
// tel or relative (external ones get rel="noopener noreferrer"), images must
// come from this site. Cleaning the result again changes nothing. Nesting
// deeper than 256 elements is flattened; a document that would exceed the
// parser's memory or time budget yields no HTML.
CleanedHtml clean_html(std::string_view html);

// The plain text of a fragment, for search, <meta> descriptions and diffs:
// block elements and <br> end a line, table cells are separated by a space,
// entities are decoded, runs of white space (including no-break and
// ideographic spaces) become one space, lines are trimmed and empty lines
// dropped. Content that clean_html drops (scripts, styles …) is not text.
std::string html_to_text(std::string_view html);

// Every link target in the fragment (a href, img src), in document order,
// duplicates included, white space trimmed and empty values skipped: the
// input of the broken-link check.
std::vector<std::string> html_links(std::string_view html);

}  // namespace yiwang::render
