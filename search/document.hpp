// What the site search knows about one published thing (an article, a policy,
// a service guide, a published answer): the text to match and the fields shown
// and faceted in results. Modules build Documents from their own records and
// hand them to the search through SearchDocuments, never to the index itself.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace yiwang::search {

struct Document {
  std::string id;    // unique across kinds: "article:42", "guide:11350100…-1"
  std::string kind;  // facet "type": article, policy, interpretation, guide, answer
  std::string title;
  std::string body;          // plain text (no markup)
  std::string url;           // path on the portal, e.g. "/articles/42"
  std::string column;        // facet: the column's name (栏目), may be empty
  std::string organ;         // facet: the issuing organ's name, may be empty
  std::string doc_number;    // 发文字号 as written, e.g. 国办发〔2019〕9号, may be empty
  std::string published_at;  // UTC, ISO 8601 (the year facet is taken from it)
  std::vector<std::string> keywords;
};

// A 发文字号 reduced to what identifies it, however it was typed: full-width
// characters made half-width, the year's brackets (〔〕 [] （） ［］ 【】) and spaces
// removed — "国办发〔2019〕9号", "国办发[2019]9号" and "国办发（2019）9 号" all give
// "国办发20199号". Empty when nothing is left.
std::string normalise_doc_number(std::string_view text);

// Whether a query is a document number: an organ's abbreviation (CJK), a
// four-digit year in any of the brackets above, a sequence number and 号.
bool looks_like_doc_number(std::string_view query);

// The Document as a JSON object (the outbox row's body, the index's stored
// data) and back; fields missing from the JSON stay empty, and text that is
// not a JSON object gives an empty Document.
std::string document_to_json(const Document& doc);
Document document_from_json(std::string_view json);

}  // namespace yiwang::search
