// The text of a PDF as pdftotext (poppler-utils, installed by the test
// command) reads it, with all white space removed, so a test can check what
// a document says whatever its line breaks. nullopt when pdftotext cannot
// read it (or is missing: the test then fails rather than skips).
#pragma once

#include <optional>
#include <string>

namespace yiwang::test {

std::optional<std::string> pdf_text(const std::string& pdf);

}  // namespace yiwang::test
