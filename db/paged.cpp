#include "db/paged.hpp"

#include <algorithm>

namespace yiwang::db {

IdPage page_ids(soci::session& s, const std::string& from, const std::string& id_column,
                const std::string& where, const std::string& order_by,
                const std::function<void(soci::statement&)>& bind, int offset, int limit) {
  IdPage page;
  {
    soci::statement st(s);
    st.alloc();
    st.prepare("SELECT COUNT(*) FROM " + from + " WHERE " + where);
    st.exchange(soci::into(page.total));
    bind(st);
    st.define_and_bind();
    st.execute(true);
  }
  soci::statement st(s);
  st.alloc();
  st.prepare("SELECT " + id_column + " FROM " + from + " WHERE " + where + " ORDER BY " + order_by +
             " LIMIT " + std::to_string(std::clamp(limit, 1, 200)) + " OFFSET " +
             std::to_string(std::max(0, offset)));
  long long id = 0;
  st.exchange(soci::into(id));
  bind(st);
  st.define_and_bind();
  st.execute(false);
  while (st.fetch()) page.ids.push_back(id);
  return page;
}

std::string id_list(const std::vector<long long>& ids) {
  std::string out;
  for (std::size_t i = 0; i < ids.size(); ++i) out += (i ? "," : "") + std::to_string(ids[i]);
  return out;
}

std::string like_pattern(std::string_view text) {
  std::string out = "%";
  for (char c : text) {
    if (c == '%' || c == '_' || c == '\\') out += '\\';
    out += c;
  }
  return out + "%";
}

}  // namespace yiwang::db
