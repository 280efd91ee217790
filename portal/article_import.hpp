// `yiwang import articles FILE.jsonl`: moves an existing site's articles in,
// one JSON object per line:
//   {"title", "body" (HTML, cleaned like the editor's), "column" (slug),
//    "published_at" (YYYY-MM-DD or ISO 8601 UTC), "issuer" (organ name or
//    统一社会信用代码), "doc_number", "subtitle", "source", "author", "keywords",
//    "written_on", "disclosure" (none|active|on_request|exempt), "category",
//    "disclosure_reason", "index_number", "id" (the old site's id: importing
//    the same file again adds nothing)}
// Lines are imported as published (the old site reviewed them), in
// transactions of a few hundred; a bad line is reported with its number and
// field and the others are imported.
#pragma once

#include <cstdint>
#include <istream>
#include <string>
#include <vector>

#include "audit/audit_log.hpp"
#include "core/error.hpp"
#include "core/progress.hpp"
#include "portal/portal.hpp"

namespace yiwang::portal {

struct ImportProblem {
  std::size_t line = 0;
  Error error;
};

struct ImportReport {
  std::size_t imported = 0;  // new articles
  std::size_t skipped = 0;   // imported before (same id)
  std::vector<ImportProblem> problems;
};

// Reads `in` (of `total_bytes`, for the progress bar) to the end.
Result<ImportReport> import_articles(Portal& portal, std::istream& in, std::uint64_t total_bytes,
                                     Progress& progress, const audit::AuditEvent& who);

}  // namespace yiwang::portal
