// Pieces the administrators' pages share: the organ tree flattened for lists
// and <select>s, the paged and sorted account list, and how an error is put
// into a form's model.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "identity/services.hpp"

namespace yiwang::identity {

struct OrganRow {
  Organ organ;
  int depth = 0;  // 0 for top-level organs
};

// Every organ, depth first in the order of OrganStore::children.
Result<std::vector<OrganRow>> organ_tree(OrganStore& organs, bool include_retired);

// <option>s of active organs, indented by depth, `selected` marked.
nlohmann::json organ_options(const std::vector<OrganRow>& tree, std::optional<long long> selected);

// The account list of `base` (e.g. "/admin/accounts"): filters kind, organ and
// q from the query, sort and dir, 20 a page. Puts "accounts", "pager",
// "filter" and "sort" into `model`; false on a database failure.
bool account_list(Services& s, const http::Request& req, const std::string& base,
                  const std::vector<OrganRow>& tree, nlohmann::json& model);

// The account list's sort column by its name in a query (name,
// display_name, kind, organ).
std::optional<AccountStore::Sort> account_sort(std::string_view name);

// Puts an error into a form model: "error" (the message) and invalid.<field>.
void put_error(Services& s, const http::Request& req, nlohmann::json& model, const Error& error);

// The localized names of account kinds and clearances.
std::string kind_text(Services& s, const http::Request& req, AccountKind kind);
std::string clearance_text(Services& s, const http::Request& req, Clearance c);

// The audit viewer's filter from a query: account, organ, event, and from/to
// dates (YYYY-MM-DD, China time, both days included). A malformed date is
// an error naming its field; the filter then holds the rest.
struct AuditQuery {
  audit::AuditLog::Filter filter;
  std::optional<Error> error;
};
AuditQuery audit_query(const http::FormData& query);

// Position names joined for display: "科长、党支部书记".
std::string position_names(const std::vector<AccountStore::HeldPosition>& held);

// A positive decimal integer (an id typed or chosen in a form), else nullopt.
std::optional<long long> positive_number(std::string_view text);

// The "version" field of a form (0 when missing, which stores refuse as stale).
long long form_version(const http::FormData& form);

}  // namespace yiwang::identity
